//! Reporters: turn a [`RunRecord`] into the console summary, `junit.xml` and `cucumber.json`.
//!
//! Reporters read the record and nothing else; they never run anything. Everything they write was
//! redacted when it entered the record, and is passed through [`crate::redact`] once more here.

pub mod console;
pub mod cucumber_json;
pub mod junit;

use std::path::{Path, PathBuf};

use crate::runner::RunRecord;

/// Why the report files could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write reports to `{path}`: {source} (hint: --out takes a writable folder)")]
pub struct ReportError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// Writes `junit.xml` and `cucumber.json` for `records` into `dir` and returns their paths.
pub fn write_files(records: &[RunRecord], dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError { path, source }
    };
    std::fs::create_dir_all(dir).map_err(err(dir))?;
    let junit_path = dir.join("junit.xml");
    std::fs::write(&junit_path, crate::redact::redact(&junit::render(records)))
        .map_err(err(&junit_path))?;
    let json_path = dir.join("cucumber.json");
    let json = serde_json::to_string_pretty(&cucumber_json::render(records)).unwrap_or_default();
    std::fs::write(&json_path, crate::redact::redact(&json)).map_err(err(&json_path))?;
    Ok(vec![junit_path, json_path])
}
