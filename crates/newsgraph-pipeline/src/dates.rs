//! Publication dates for articles whose source gives none.

/// A publication date found for an undated article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedDate {
    /// ISO 8601 date or date-time.
    pub value: String,
    /// True when guessed from the body text rather than read from a
    /// dateline the source printed.
    pub estimated: bool,
}
