//! Reading a `run.json` an earlier invocation wrote: a nightly baseline (`--baseline`) or a CI
//! shard's (`obconf merge`).
//!
//! A folder stands for its `run.json`. The document's format is checked: a file of another format
//! (or a newer one) is refused with a hint, never half-read. Nothing here writes.

use std::path::{Path, PathBuf};

use super::RunDocument;

/// Why an earlier `run.json` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PreviousRunError {
    #[error(
        "cannot read `{path}`: {source} (hint: give the --out folder of an earlier run, or its run.json)"
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{path}` is not a run.json obconf wrote: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "`{path}` has format `{format}`; this obconf reads `{}` (hint: run both with the same obconf version)",
        RunDocument::FORMAT
    )]
    Format { path: PathBuf, format: String },
}

/// The `run.json` at `path`, or in the folder `path`.
pub fn read(path: &Path) -> Result<RunDocument, PreviousRunError> {
    let file = if path.is_dir() {
        path.join("run.json")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|source| PreviousRunError::Read {
        path: file.clone(),
        source,
    })?;
    let doc: RunDocument =
        serde_json::from_str(&text).map_err(|source| PreviousRunError::Parse {
            path: file.clone(),
            source,
        })?;
    if doc.format != RunDocument::FORMAT {
        return Err(PreviousRunError::Format {
            path: file,
            format: doc.format,
        });
    }
    Ok(doc)
}
