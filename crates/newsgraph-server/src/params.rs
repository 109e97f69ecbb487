//! Query-string parsing with clear 400 errors.

use crate::ApiError;
use std::collections::HashMap;

/// Default page size of list endpoints.
pub const DEFAULT_LIMIT: usize = 50;
/// Largest page size of list endpoints.
pub const MAX_LIMIT: usize = 500;
/// Largest offset of list endpoints.
pub const MAX_OFFSET: usize = 1_000_000;

/// Parsed query parameters (repeated keys keep every value, in order).
#[derive(Debug, Default)]
pub struct Params {
    map: HashMap<String, Vec<String>>,
}

impl Params {
    /// Parses a raw query string; unknown keys are rejected against `allowed`.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params, ApiError> {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            if !allowed.contains(&k.as_ref()) {
                return Err(ApiError::bad_param(format!(
                    "unknown parameter {k:?} (allowed: {})",
                    allowed.join(", ")
                )));
            }
            map.entry(k.into_owned()).or_default().push(v.into_owned());
        }
        Ok(Params { map })
    }

    /// The last non-empty value of `key`.
    pub fn str(&self, key: &str) -> Option<String> {
        self.map
            .get(key)
            .and_then(|v| v.last())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    /// Every non-empty value of `key`.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.map
            .get(key)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// An integer parameter within `[min, max]`.
    pub fn int(&self, key: &str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
        match self.str(key) {
            None => Ok(None),
            Some(s) => {
                let n: i64 = s
                    .parse()
                    .map_err(|_| ApiError::bad_param(format!("{key}={s:?} is not an integer")))?;
                if n < min || n > max {
                    return Err(ApiError::bad_param(format!(
                        "{key}={n} is out of range [{min}, {max}]"
                    )));
                }
                Ok(Some(n))
            }
        }
    }

    /// `limit` and `offset` with the list defaults and caps.
    pub fn page(&self, default: usize, max: usize) -> Result<(usize, usize), ApiError> {
        let limit = self.int("limit", 0, max as i64)?.unwrap_or(default as i64) as usize;
        let offset = self.int("offset", 0, MAX_OFFSET as i64)?.unwrap_or(0) as usize;
        Ok((limit, offset))
    }

    /// A value from a fixed set.
    pub fn choice(&self, key: &str, choices: &[&str], default: &str) -> Result<String, ApiError> {
        match self.str(key) {
            None => Ok(default.to_string()),
            Some(s) if choices.contains(&s.as_str()) => Ok(s),
            Some(s) => Err(ApiError::bad_param(format!(
                "{key}={s:?}: expected one of {}",
                choices.join(", ")
            ))),
        }
    }
}

/// Parses a numeric path id.
pub fn path_id(what: &str, raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::bad_param(format!("{what} id {raw:?} is not a positive integer")))
}

/// Validates an ISO date parameter (YYYY-MM-DD, YYYY-MM, YYYY or a date-time).
pub fn date(key: &str, v: Option<String>) -> Result<Option<String>, ApiError> {
    match v {
        None => Ok(None),
        Some(s) if newsgraph_index::parse_date(&s, false).is_some() => Ok(Some(s)),
        Some(s) => Err(ApiError::bad_param(format!(
            "{key}={s:?} is not an ISO date (YYYY-MM-DD) or date-time"
        ))),
    }
}
