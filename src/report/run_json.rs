//! `run.json`: the whole record of an invocation (every family's run), as [`RunDocument`].
//!
//! Written by every run whatever `--report` says: later work merges shards and signs it. It holds
//! only what the record holds, which was redacted on entry; this module must never add anything
//! that did not come from the record.

use std::io::Write;

use super::{RenderError, Report};
use crate::runner::{RunDocument, RunRecord};

/// The `run-json` report.
pub struct RunJson;

impl Report for RunJson {
    fn kind(&self) -> &'static str {
        "run-json"
    }

    fn file_name(&self) -> &'static str {
        "run.json"
    }

    fn render(&self, runs: &[RunRecord], out: &mut dyn Write) -> Result<(), RenderError> {
        serde_json::to_writer_pretty(&mut *out, &RunDocument::new(runs.to_vec()))?;
        writeln!(out)?;
        Ok(())
    }
}
