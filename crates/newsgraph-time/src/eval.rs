//! Scoring against gold temporal expressions, as TempEval-3 does: strict
//! span match, relaxed (overlapping) span match, and value (a relaxed match
//! whose normalised value is also right). Gold comes from TimeML `.tml`
//! files or from JSONL lines with text alternatives.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::TimeError;

/// One gold expression: its byte span (into the document text), the
/// accepted surface texts and values.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldTimex {
    pub start: usize,
    pub end: usize,
    /// Accepted texts for a strict match (the text at the span is always one).
    pub texts: Vec<String>,
    pub values: Vec<String>,
    pub typ: Option<String>,
}

/// A gold document.
#[derive(Debug, Clone)]
pub struct GoldDoc {
    pub id: String,
    pub lang: String,
    pub dct: Option<String>,
    pub text: String,
    pub timexes: Vec<GoldTimex>,
}

/// One system expression for scoring.
#[derive(Debug, Clone)]
pub struct SysTimex {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub value: String,
    pub typ: String,
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn new(correct: usize, system: usize, gold: usize) -> Prf {
        let (p, r, f) = newsgraph_model::precision_recall_f1(correct, system, gold);
        Prf {
            precision: round4(p),
            recall: round4(r),
            f1: round4(f),
        }
    }
}

fn round4(x: f64) -> f64 {
    (x * 10000.0).round() / 10000.0
}

/// Counts for one TIMEX3 type (by the gold type; system-only by system type).
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq)]
pub struct TypeCounts {
    pub gold: usize,
    pub system: usize,
    pub relaxed_matched: usize,
    pub value_correct: usize,
}

/// Raw counts, summable over documents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub gold: usize,
    pub system: usize,
    pub strict: usize,
    pub relaxed: usize,
    pub value: usize,
    pub type_correct: usize,
    pub per_type: BTreeMap<String, TypeCounts>,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.gold += o.gold;
        self.system += o.system;
        self.strict += o.strict;
        self.relaxed += o.relaxed;
        self.value += o.value;
        self.type_correct += o.type_correct;
        for (k, v) in &o.per_type {
            let e = self.per_type.entry(k.clone()).or_default();
            e.gold += v.gold;
            e.system += v.system;
            e.relaxed_matched += v.relaxed_matched;
            e.value_correct += v.value_correct;
        }
    }
}

/// The JSON report of `newsgraph eval timex`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub documents: usize,
    pub gold: usize,
    pub system: usize,
    pub strict: Prf,
    pub relaxed: Prf,
    pub value: Prf,
    /// Share of relaxed matches whose type is right.
    pub type_accuracy: f64,
    pub per_type: BTreeMap<String, TypeCounts>,
    pub texts_per_second: f64,
    pub bytes_per_second: f64,
}

impl Report {
    pub fn new(c: &Counts, documents: usize, seconds: f64, bytes: usize) -> Report {
        let secs = seconds.max(1e-9);
        Report {
            documents,
            gold: c.gold,
            system: c.system,
            strict: Prf::new(c.strict, c.system, c.gold),
            relaxed: Prf::new(c.relaxed, c.system, c.gold),
            value: Prf::new(c.value, c.system, c.gold),
            type_accuracy: if c.relaxed == 0 {
                0.0
            } else {
                round4(c.type_correct as f64 / c.relaxed as f64)
            },
            per_type: c.per_type.clone(),
            texts_per_second: (documents as f64 / secs).round(),
            bytes_per_second: (bytes as f64 / secs).round(),
        }
    }
}

/// A mismatch, for error analysis.
#[derive(Debug, Clone, Serialize)]
pub struct Mismatch {
    pub doc: String,
    pub kind: &'static str,
    pub gold_text: Option<String>,
    pub gold_value: Option<String>,
    pub sys_text: Option<String>,
    pub sys_value: Option<String>,
    pub context: String,
}

fn norm_text(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Score one document. Matching is one-to-one: each gold expression takes
/// the first unused overlapping system expression (an exact one first).
pub fn score(doc: &GoldDoc, sys: &[SysTimex], errors: Option<&mut Vec<Mismatch>>) -> Counts {
    let mut c = Counts {
        gold: doc.timexes.len(),
        system: sys.len(),
        ..Default::default()
    };
    let mut used = vec![false; sys.len()];
    let mut errs = Vec::new();
    for s in sys {
        c.per_type.entry(s.typ.clone()).or_default().system += 1;
    }
    for g in &doc.timexes {
        let gt = g.typ.clone().unwrap_or_else(|| "?".into());
        c.per_type.entry(gt.clone()).or_default().gold += 1;
        let overlaps = |s: &SysTimex| s.start < g.end && g.start < s.end;
        let strict_ok = |s: &SysTimex| {
            let t = norm_text(&s.text);
            (s.start == g.start && s.end == g.end) || g.texts.iter().any(|x| norm_text(x) == t)
        };
        let pick = (0..sys.len())
            .find(|&i| !used[i] && overlaps(&sys[i]) && strict_ok(&sys[i]))
            .or_else(|| (0..sys.len()).find(|&i| !used[i] && overlaps(&sys[i])));
        match pick {
            Some(i) => {
                used[i] = true;
                let s = &sys[i];
                c.relaxed += 1;
                let e = c.per_type.entry(gt.clone()).or_default();
                e.relaxed_matched += 1;
                if strict_ok(s) {
                    c.strict += 1;
                }
                if g.typ.as_deref().is_none_or(|t| t == s.typ) {
                    c.type_correct += 1;
                }
                if g.values.iter().any(|v| v == &s.value) {
                    c.value += 1;
                    e.value_correct += 1;
                } else {
                    errs.push(mismatch(doc, "value", Some(g), Some(s)));
                }
            }
            None => errs.push(mismatch(doc, "missed", Some(g), None)),
        }
    }
    for (i, s) in sys.iter().enumerate() {
        if !used[i] {
            errs.push(mismatch(doc, "spurious", None, Some(s)));
        }
    }
    if let Some(e) = errors {
        e.extend(errs);
    }
    c
}

fn mismatch(
    doc: &GoldDoc,
    kind: &'static str,
    g: Option<&GoldTimex>,
    s: Option<&SysTimex>,
) -> Mismatch {
    let (a, b) = match (g, s) {
        (Some(g), _) => (g.start, g.end),
        (None, Some(s)) => (s.start, s.end),
        _ => (0, 0),
    };
    let lo = floor(&doc.text, a.saturating_sub(60));
    let hi = ceil(&doc.text, (b + 60).min(doc.text.len()));
    Mismatch {
        doc: doc.id.clone(),
        kind,
        gold_text: g.map(|g| doc.text.get(g.start..g.end).unwrap_or("").to_string()),
        gold_value: g.map(|g| g.values.join("|")),
        sys_text: s.map(|s| s.text.clone()),
        sys_value: s.map(|s| s.value.clone()),
        context: doc.text[lo..hi].replace('\n', " "),
    }
}

fn floor(t: &str, mut i: usize) -> usize {
    while i > 0 && !t.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(t: &str, mut i: usize) -> usize {
    while i < t.len() && !t.is_char_boundary(i) {
        i += 1;
    }
    i
}

// ---------------------------------------------------------------- TimeML

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')? + i;
    Some(decode_entities(&tag[i..j]))
}

/// Parse a TimeML document: the DCT from `<DCT>`, the plain text of
/// `<TEXT>` (tags stripped, entities decoded) and its `<TIMEX3>`s.
pub fn parse_timeml(id: &str, xml: &str) -> Result<GoldDoc, TimeError> {
    let err = |m: &str| TimeError::Gold {
        input: id.to_string(),
        msg: m.to_string(),
    };
    let dct = xml.find("<DCT>").and_then(|i| {
        let rest = &xml[i..];
        let tag_start = rest.find("<TIMEX3")?;
        let tag_end = rest[tag_start..].find('>')? + tag_start;
        attr(&rest[tag_start..tag_end], "value")
    });
    let ts = xml.find("<TEXT>").ok_or_else(|| err("no <TEXT>"))? + "<TEXT>".len();
    let te = xml[ts..]
        .find("</TEXT>")
        .map(|e| e + ts)
        .ok_or_else(|| err("no </TEXT>"))?;
    let body = &xml[ts..te];
    let mut text = String::with_capacity(body.len());
    let mut timexes = Vec::new();
    let mut open: Option<(usize, Option<String>, Option<String>)> = None;
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        text.push_str(&decode_entities(&rest[..lt]));
        let gt = rest[lt..]
            .find('>')
            .map(|g| g + lt)
            .ok_or_else(|| err("unclosed tag"))?;
        let tag = &rest[lt..=gt];
        if tag.starts_with("<TIMEX3") {
            open = Some((text.len(), attr(tag, "value"), attr(tag, "type")));
        } else if tag.starts_with("</TIMEX3")
            && let Some((s, v, t)) = open.take()
        {
            // trim whitespace inside the tag from the span
            let raw = &text[s..];
            let lead = raw.len() - raw.trim_start().len();
            let trail = raw.len() - raw.trim_end().len();
            let (a, b) = (s + lead, text.len() - trail);
            if a < b {
                timexes.push(GoldTimex {
                    start: a,
                    end: b,
                    texts: vec![text[a..b].to_string()],
                    values: v.into_iter().collect(),
                    typ: t,
                });
            }
        }
        rest = &rest[gt + 1..];
    }
    text.push_str(&decode_entities(rest));
    Ok(GoldDoc {
        id: id.to_string(),
        lang: "en".into(),
        dct,
        text,
        timexes,
    })
}

// ---------------------------------------------------------------- JSONL

#[derive(Deserialize)]
struct JsonLine {
    #[serde(default)]
    id: Option<String>,
    lang: String,
    #[serde(default)]
    dct: Option<String>,
    text: String,
    #[serde(default)]
    timex: Vec<JsonTimex>,
}

#[derive(Deserialize)]
struct JsonTimex {
    text: OneOrMany,
    value: OneOrMany,
    #[serde(default, rename = "type")]
    typ: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

/// Parse one JSONL gold line. Each gold expression is located at the first
/// occurrence (at a word boundary, case-insensitive) of its longest text
/// alternative not claimed by an earlier one.
pub fn parse_jsonl_line(id: &str, line: &str) -> Result<GoldDoc, TimeError> {
    let err = |m: String| TimeError::Gold {
        input: id.to_string(),
        msg: m,
    };
    let j: JsonLine = serde_json::from_str(line).map_err(|e| err(e.to_string()))?;
    let lower = j.text.to_lowercase();
    let same_len = lower.len() == j.text.len();
    let mut claimed: Vec<(usize, usize)> = Vec::new();
    let mut timexes = Vec::new();
    for t in j.timex {
        let mut texts = t.text.into_vec();
        texts.retain(|s| !s.trim().is_empty());
        if texts.is_empty() {
            return Err(err("a timex without text".into()));
        }
        let mut order: Vec<&String> = texts.iter().collect();
        order.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let mut found = None;
        'alts: for alt in order {
            let (hay, needle) = if same_len {
                (lower.as_str(), alt.to_lowercase())
            } else {
                (j.text.as_str(), alt.clone())
            };
            let mut from = 0;
            while let Some(p) = hay[from..].find(&needle) {
                let s = from + p;
                let e = s + needle.len();
                let free = !claimed.iter().any(|&(a, b)| s < b && a < e);
                let wb = hay[..s]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
                    && hay[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
                if free && wb {
                    found = Some((s, e));
                    break 'alts;
                }
                from = s + needle.chars().next().map_or(1, char::len_utf8);
            }
        }
        let (s, e) = found.ok_or_else(|| err(format!("gold text {:?} not in the text", texts)))?;
        claimed.push((s, e));
        timexes.push(GoldTimex {
            start: s,
            end: e,
            texts,
            values: t.value.into_vec(),
            typ: t.typ,
        });
    }
    Ok(GoldDoc {
        id: j.id.unwrap_or_else(|| id.to_string()),
        lang: j.lang,
        dct: j.dct,
        text: j.text,
        timexes,
    })
}

/// Convert the tagger's output for scoring.
pub fn to_sys(t: &[newsgraph_model::Timex]) -> Vec<SysTimex> {
    t.iter()
        .map(|x| SysTimex {
            start: x.start,
            end: x.end,
            text: x.text.clone(),
            value: x.value.clone(),
            typ: x.typ.as_str().to_string(),
        })
        .collect()
}

/// Tag every document and score it; returns the summed counts and the time
/// spent tagging (seconds).
pub fn evaluate(docs: &[GoldDoc], errors: Option<&mut Vec<Mismatch>>) -> (Counts, f64) {
    let mut total = Counts::default();
    let mut secs = 0.0;
    let mut errs = Vec::new();
    for d in docs {
        let t0 = std::time::Instant::now();
        let out = crate::annotate(&d.text, &d.lang, d.dct.as_deref(), &[]);
        secs += t0.elapsed().as_secs_f64();
        let c = score(d, &to_sys(&out), Some(&mut errs));
        total.add(&c);
    }
    if let Some(e) = errors {
        e.extend(errs);
    }
    (total, secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sys(start: usize, end: usize, text: &str, value: &str) -> SysTimex {
        SysTimex {
            start,
            end,
            text: text.into(),
            value: value.into(),
            typ: "DATE".into(),
        }
    }

    #[test]
    fn scorer_counts_strict_relaxed_value() {
        let doc = parse_jsonl_line(
            "t",
            r#"{"lang":"de","dct":"2024-01-17","text":"Sie kam am Dienstag und ging letzte Woche.","timex":[{"text":["am Dienstag","Dienstag"],"value":"2024-01-16"},{"text":"letzte Woche","value":"2024-W02"}]}"#,
        )
        .unwrap();
        assert_eq!(doc.timexes[0].start, 8);
        // exact, overlapping with wrong value, and one spurious
        let s = vec![
            sys(11, 19, "Dienstag", "2024-01-16"),
            sys(29, 35, "letzte", "2024-W03"),
            sys(0, 3, "Sie", "X"),
        ];
        let c = score(&doc, &s, None);
        assert_eq!(
            (c.gold, c.system, c.strict, c.relaxed, c.value),
            (2, 3, 1, 2, 1)
        );
        let r = Report::new(&c, 1, 1.0, 10);
        assert_eq!(r.relaxed.precision, 0.6667);
        assert_eq!(r.relaxed.recall, 1.0);
        assert_eq!(r.value.f1, 0.4);
    }

    #[test]
    fn one_to_one_matching() {
        let doc = parse_jsonl_line(
            "t",
            r#"{"lang":"en","text":"from Monday to Tuesday","timex":[{"text":"Monday","value":"A"},{"text":"Tuesday","value":"B"}]}"#,
        )
        .unwrap();
        // one system span covering both gold spans matches only one
        let c = score(&doc, &[sys(5, 22, "Monday to Tuesday", "A")], None);
        assert_eq!((c.relaxed, c.strict, c.value), (1, 0, 1));
    }

    #[test]
    fn timeml_offsets() {
        let xml = r#"<TimeML><DCT><TIMEX3 tid="t0" type="DATE" value="1998-01-08">19980108</TIMEX3></DCT>
<TEXT>A &amp; B said <TIMEX3 tid="t1" type="DATE" value="1998-01-07">yesterday</TIMEX3> it.</TEXT></TimeML>"#;
        let d = parse_timeml("x", xml).unwrap();
        assert_eq!(d.dct.as_deref(), Some("1998-01-08"));
        let g = &d.timexes[0];
        assert_eq!(&d.text[g.start..g.end], "yesterday");
        assert_eq!(d.text, "A & B said yesterday it.");
    }

    #[test]
    fn missing_gold_text_is_an_error() {
        let r = parse_jsonl_line(
            "t",
            r#"{"lang":"en","text":"nothing","timex":[{"text":"Monday","value":"A"}]}"#,
        );
        assert!(r.is_err());
    }
}
