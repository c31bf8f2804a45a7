//! Waivers: accepted failures, each with a reason, an owner, a reference and an expiry date.
//!
//! `--waivers FILE` is read strictly (an unknown key is an error with `file:line` and a hint, as
//! for target files), then [`apply`] runs over the finished [`RunRecord`]s, before any report is
//! written: a failed (or could-not-run) scenario that a waiver in force covers becomes
//! [`Verdict::Waived`], keeping its failure and gaining the waiver; every waiver's outcome
//! (applied, expired, unused) is kept on the record so that every report can show it.
//!
//! This module never runs anything and never prints: it returns its warnings for the command line.
//! It must never waive a passed, skipped or not-run scenario, and never let an expired waiver
//! waive anything.
//!
//! ```yaml
//! waivers:
//!   - id: ACME-GEN-02                 # a catalog id, or
//!     # scenario: "exact scenario name"
//!     reason: signature checks go live in March
//!     owner: api-team@bank.example
//!     reference: JIRA-1234
//!     expires: 2027-03-31             # the last day it applies (UTC)
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::runner::{RunRecord, ScenarioRecord, Verdict, WaiverOutcome, WaiverRecord, WaiverState};

/// Why a waiver file could not be used. Rendered once, at the command line's edge.
#[derive(Debug, thiserror::Error)]
pub enum WaiverError {
    #[error("cannot read waiver file `{path}`: {source} (hint: --waivers takes a YAML file)")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Text(crate::textfile::TextFileError),
    /// serde-saphyr's own rendering, with the line, column and a snippet.
    #[error("{rendered}\n  hint: {HINT}")]
    Syntax { rendered: String },
    #[error("{path}:{line}: {message}\n  hint: {hint}")]
    Invalid {
        path: String,
        line: u64,
        message: String,
        hint: String,
    },
}

const HINT: &str = "a waiver file is `waivers:`, a list of entries with `id` (a catalog id) or `scenario` (a scenario name), `reason`, `owner`, `reference` and `expires` (YYYY-MM-DD)";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverFile {
    waivers: Vec<Spanned<WaiverSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverSpec {
    #[serde(default)]
    id: Option<Spanned<String>>,
    #[serde(default)]
    scenario: Option<String>,
    reason: Spanned<String>,
    owner: Spanned<String>,
    reference: Spanned<String>,
    expires: Spanned<String>,
}

/// One waiver, checked: its record and its parsed expiry date.
#[derive(Clone, Debug)]
pub struct Waiver {
    pub record: WaiverRecord,
    /// The last day it applies.
    pub expires: NaiveDate,
}

impl Waiver {
    /// Whether it covers `s`: one of its catalog ids, or its exact name.
    pub fn covers(&self, s: &ScenarioRecord) -> bool {
        match (&self.record.id, &self.record.scenario) {
            (Some(id), _) => s.catalog_ids.iter().any(|c| c == id),
            (None, Some(name)) => &s.name == name,
            (None, None) => false,
        }
    }

    /// Whether it is past its last day on `today`.
    pub fn expired(&self, today: NaiveDate) -> bool {
        today > self.expires
    }
}

/// Reads and checks a waiver file.
pub fn load(path: &Path) -> Result<Vec<Waiver>, WaiverError> {
    use crate::textfile::TextFileError;
    let text = crate::textfile::read(path).map_err(|e| match e {
        TextFileError::Io { path, source } => WaiverError::Read { path, source },
        not_utf8 => WaiverError::Text(not_utf8),
    })?;
    if text.trim().is_empty() {
        return Err(WaiverError::Invalid {
            path: path.display().to_string(),
            line: 1,
            message: "the waiver file is empty".into(),
            hint: HINT.into(),
        });
    }
    parse(&text, path)
}

/// Parses and checks waiver-file text; `path` names it in messages.
pub fn parse(text: &str, path: &Path) -> Result<Vec<Waiver>, WaiverError> {
    let shown = path.display().to_string();
    let file: WaiverFile = serde_saphyr::from_str(text).map_err(|e| WaiverError::Syntax {
        rendered: e.to_string().replace("<input>", &shown),
    })?;
    let invalid = |line: u64, message: String, hint: &str| WaiverError::Invalid {
        path: shown.clone(),
        line,
        message,
        hint: hint.to_string(),
    };
    let mut waivers = Vec::new();
    for entry in file.waivers {
        let line = entry.referenced.line();
        let spec = entry.value;
        let id = match (&spec.id, &spec.scenario) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(invalid(
                    line,
                    "a waiver covers either a catalog id (`id`) or a scenario (`scenario`), exactly one".into(),
                    "write `id: <catalog id>` or `scenario: <exact scenario name>`",
                ));
            }
            (Some(id), None) => {
                let value = id.value.trim().to_string();
                if !crate::catalog::catalog().is_id(&value) {
                    return Err(invalid(
                        id.referenced.line(),
                        format!("id `{value}` is not a catalog id"),
                        "`obconf list` shows every scenario with its catalog ids",
                    ));
                }
                Some(value)
            }
            (None, Some(_)) => None,
        };
        for (name, field) in [
            ("reason", &spec.reason),
            ("owner", &spec.owner),
            ("reference", &spec.reference),
        ] {
            if field.value.trim().is_empty() {
                return Err(invalid(
                    field.referenced.line(),
                    format!("`{name}` is empty"),
                    "every waiver says why, who owns it and what grants it",
                ));
            }
        }
        let expires =
            NaiveDate::parse_from_str(spec.expires.value.trim(), "%Y-%m-%d").map_err(|e| {
                invalid(
                    spec.expires.referenced.line(),
                    format!("expires `{}` is not a date: {e}", spec.expires.value),
                    "write the last day the waiver applies as YYYY-MM-DD",
                )
            })?;
        waivers.push(Waiver {
            record: WaiverRecord {
                id,
                scenario: spec.scenario.clone(),
                reason: spec.reason.value.trim().to_string(),
                owner: spec.owner.value.trim().to_string(),
                reference: spec.reference.value.trim().to_string(),
                expires: expires.format("%Y-%m-%d").to_string(),
                origin: format!("{shown}:{line}"),
            },
            expires,
        });
    }
    Ok(waivers)
}

/// Applies `waivers` to the finished `records` as of `today`: covered failures become waived,
/// and every record gets the outcome of each waiver that concerns it (a waiver that matched no
/// scenario of any run concerns them all). Returns one warning per waiver that waived nothing.
pub fn apply(records: &mut [RunRecord], waivers: &[Waiver], today: NaiveDate) -> Vec<String> {
    let mut matched = vec![false; waivers.len()];
    let mut applied = vec![false; waivers.len()];
    for record in records.iter_mut() {
        for (i, w) in waivers.iter().enumerate() {
            let covered: Vec<usize> = (0..record.scenarios.len())
                .filter(|&k| w.covers(&record.scenarios[k]))
                .collect();
            if covered.is_empty() {
                continue;
            }
            matched[i] = true;
            let failing: Vec<usize> = covered
                .iter()
                .copied()
                .filter(|&k| {
                    let s = &record.scenarios[k];
                    matches!(
                        s.verdict,
                        Verdict::Failed | Verdict::Error | Verdict::CouldNotCheck
                    ) && s.waiver.is_none()
                })
                .collect();
            let names: Vec<String> = failing
                .iter()
                .map(|&k| record.scenarios[k].name.clone())
                .collect();
            let (state, note) = if w.expired(today) {
                let note = if names.is_empty() {
                    format!("expired on {}; none of its scenarios failed", w.expires)
                } else {
                    format!(
                        "expired on {}: it waives nothing, and {} failure(s) it covers count",
                        w.expires,
                        names.len()
                    )
                };
                (WaiverState::Expired, note)
            } else if names.is_empty() {
                (
                    WaiverState::Unused,
                    format!(
                        "none of its {} scenario(s) failed: it waived nothing",
                        covered.len()
                    ),
                )
            } else {
                for &k in &failing {
                    let s = &mut record.scenarios[k];
                    s.verdict = Verdict::Waived;
                    s.waiver = Some(w.record.clone());
                }
                applied[i] = true;
                (
                    WaiverState::Applied,
                    format!("waived {} failure(s)", names.len()),
                )
            };
            record.waivers.push(WaiverOutcome {
                state,
                waiver: w.record.clone(),
                scenarios: names,
                note,
            });
        }
    }
    for (i, w) in waivers.iter().enumerate() {
        if matched[i] {
            continue;
        }
        let (state, note) = if w.expired(today) {
            (
                WaiverState::Expired,
                format!("expired on {}; it matched no scenario", w.expires),
            )
        } else {
            (WaiverState::Unused, "it matched no scenario".to_string())
        };
        for record in records.iter_mut() {
            record.waivers.push(WaiverOutcome {
                state,
                waiver: w.record.clone(),
                scenarios: Vec::new(),
                note: note.clone(),
            });
        }
    }
    waivers
        .iter()
        .enumerate()
        .filter(|(i, _)| !applied[*i])
        .map(|(i, w)| {
            let why = if w.expired(today) {
                format!("expired on {}: it waived nothing", w.expires)
            } else if matched[i] {
                "none of its scenarios failed: it waived nothing".to_string()
            } else {
                "it matched no scenario".to_string()
            };
            crate::redact::redact(&format!(
                "waiver for {} ({}): {why}",
                w.record.covers(),
                w.record.origin
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests;
