//! `coverage.json`: the coverage matrix of every run of the invocation (see [`super::coverage`]).
//!
//! Format `obconf-coverage/1`: per run, the family, target and catalog prefix, every catalog id
//! of the family with whether it is mandatory, its scenarios (name and verdict), the id's verdict
//! (`passed`, `failed`, `could_not_check`, `skipped`, `waived`, `no_scenario`) and why, and the
//! count of mandatory ids that passed.

use std::io::Write;

use serde::{Deserialize, Serialize};

use super::coverage::{FamilyCoverage, matrix};
use super::{RenderError, Report};
use crate::runner::RunRecord;

/// What `coverage.json` holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CoverageDocument {
    /// `obconf-coverage/1`; a reader refuses formats it does not know.
    pub format: String,
    pub obconf_version: String,
    pub runs: Vec<FamilyCoverage>,
}

impl CoverageDocument {
    pub const FORMAT: &'static str = "obconf-coverage/1";

    pub fn of(runs: &[RunRecord]) -> Self {
        Self {
            format: Self::FORMAT.to_string(),
            obconf_version: env!("CARGO_PKG_VERSION").to_string(),
            runs: matrix(runs),
        }
    }
}

/// The `coverage` report.
pub struct CoverageJson;

impl Report for CoverageJson {
    fn kind(&self) -> &'static str {
        "coverage"
    }

    fn file_name(&self) -> &'static str {
        "coverage.json"
    }

    fn render(&self, runs: &[RunRecord], out: &mut dyn Write) -> Result<(), RenderError> {
        serde_json::to_writer_pretty(&mut *out, &CoverageDocument::of(runs))?;
        writeln!(out)?;
        Ok(())
    }
}
