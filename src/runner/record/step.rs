//! The steps of a scenario's record: what each step is (keyword, text, doc string, data table, as
//! written in the feature file), how it ended, and the exchanges it made.
//!
//! Built from the parsed gherkin step ([`StepRecord::of_gherkin`]) and filled by the collector.
//! Exchanges must enter it redacted ([`ExchangeRecord::of`]), never raw; feature-file text is the
//! project's or the bank's own scenario text, and reports redact everything once more.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::http::ExchangeRecord;
use crate::timefmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Passed,
    Failed,
    /// No step definition matches the text.
    Undefined,
    /// Not reached because an earlier step failed, or the scenario was skipped.
    NotRun,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StepRecord {
    pub keyword: String,
    pub text: String,
    pub line: usize,
    pub status: StepStatus,
    #[serde(rename = "duration_ms", with = "timefmt::millis")]
    pub duration: Duration,
    /// When the step started; `None` for a step never reached.
    #[serde(default, with = "timefmt::rfc3339_opt")]
    pub started: Option<DateTime<Utc>>,
    /// The exchanges this step made, in the order sent, redacted.
    #[serde(default)]
    pub exchanges: Vec<ExchangeRecord>,
    /// The step's doc string argument, as written in the feature file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_string: Option<DocStringRecord>,
    /// The step's data table, row by row, as written in the feature file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<Vec<String>>,
}

impl StepRecord {
    /// The record of a gherkin step before it runs (or of one never reached): its text, its
    /// doc string and data table, status [`StepStatus::NotRun`].
    pub fn of_gherkin(step: &cucumber::gherkin::Step) -> Self {
        Self {
            keyword: step.keyword.trim().to_string(),
            text: step.value.clone(),
            line: step.position.line,
            status: StepStatus::NotRun,
            duration: Duration::ZERO,
            started: None,
            exchanges: Vec::new(),
            doc_string: step.docstring.as_ref().map(|value| DocStringRecord {
                // gherkin keeps no position for a doc string: it opens on the line after the
                // step, or after the step's table.
                line: step.position.line + 1 + step.table.as_ref().map_or(0, |t| t.rows.len()),
                value: doc_string_text(value),
                content_type: None,
            }),
            rows: step
                .table
                .as_ref()
                .map(|t| t.rows.clone())
                .unwrap_or_default(),
        }
    }
}

/// The text between a doc string's delimiters: gherkin keeps the line breaks after the opening
/// and before the closing delimiter, which are not part of it.
fn doc_string_text(raw: &str) -> String {
    let text = raw
        .strip_prefix("\r\n")
        .or_else(|| raw.strip_prefix('\n'))
        .unwrap_or(raw);
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text);
    text.to_string()
}

/// A step's doc string: its text and where it stands in the feature file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocStringRecord {
    pub value: String,
    pub line: usize,
    /// The media type written after the opening delimiter, when the parser keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_doc_string_is_the_text_between_its_delimiters() {
        assert_eq!(doc_string_text("\n{}\n"), "{}");
        assert_eq!(doc_string_text("\r\na\n\nb\r\n"), "a\n\nb");
        assert_eq!(doc_string_text("x"), "x");
    }
}
