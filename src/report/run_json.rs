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

    /// Streamed from the records as they are: the document borrows them, never copies them.
    fn render(&self, runs: &[RunRecord], out: &mut dyn Write) -> Result<(), RenderError> {
        let doc = RunDocument::new(Vec::new());
        let view = DocumentView {
            format: &doc.format,
            obconf_version: &doc.obconf_version,
            catalog_version: doc.catalog_version,
            runs,
        };
        // Compact, like every machine record (`jq . run.json` shows it indented).
        serde_json::to_writer(&mut *out, &view)?;
        writeln!(out)?;
        Ok(())
    }
}

/// [`RunDocument`] borrowing its runs: the same fields in the same order, so the same JSON.
#[derive(serde::Serialize)]
struct DocumentView<'a> {
    format: &'a str,
    obconf_version: &'a str,
    catalog_version: u32,
    runs: &'a [RunRecord],
}
