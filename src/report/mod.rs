//! Reporters: everything that turns a [`RunRecord`] into something a person or a tool reads.
//!
//! Two seams. A [`Report`] is a file in `--out` (`junit.xml`, `cucumber.json`, `report.html`,
//! `coverage.json`, `run.json`), chosen with `--report` by its [`kinds`] name; `run.json` is written by every run
//! whatever `--report` says. A [`Reporter`] is live output: it hears of each scenario as it finishes (the console's
//! progress line) and has the last word when the invocation ends (the console summary).
//!
//! Reporters read the record and nothing else; they never run anything and never print errors
//! (they return them, typed). Everything they write was redacted when it entered the record, and
//! file reports pass through [`crate::redact`] once more here.

pub mod console;
pub mod coverage;
pub mod coverage_json;
pub mod cucumber_json;
pub mod html;
pub mod junit;
pub mod run_json;
pub mod stream;
pub mod summary;

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::runner::{RunRecord, ScenarioRecord};

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot serialize JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the rendered report is not UTF-8 text: {0}")]
    Utf8(#[from] std::string::FromUtf8Error),
}

/// Why the reports could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write reports to `{path}`: {source} (hint: --out takes a writable folder)")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot render `{file}`: {source}")]
    Render {
        file: &'static str,
        source: RenderError,
    },
    #[error("the console summary cannot be written: {0}")]
    Console(RenderError),
}

/// A report file.
pub trait Report: Send + Sync {
    /// The `--report` name of this kind (`junit`).
    fn kind(&self) -> &'static str;
    /// Its file name in `--out` (`junit.xml`).
    fn file_name(&self) -> &'static str;
    /// Writes the report of `runs` (every family's run of the invocation) into `out`.
    fn render(&self, runs: &[RunRecord], out: &mut dyn Write) -> Result<(), RenderError>;
    /// Texts of the report's own that the last redaction pass must leave byte for byte (an inline
    /// script pinned by a hash). Each is written with one `write_all` of exactly that text, and
    /// passes through [`stream::Redacting`] untouched; no record text is ever one of them.
    fn verbatim(&self) -> &'static [&'static str] {
        &[]
    }
}

/// Live output: a line per finished scenario while runs go, a summary when they all ended.
pub trait Reporter: Send {
    /// A scenario of `family`'s run finished. Called by the collector, as scenarios finish.
    fn scenario_finished(&mut self, family: &str, scenario: &ScenarioRecord);
    /// Every run of the invocation ended (or the invocation stopped): the last word.
    fn finish(&mut self, runs: &[RunRecord]) -> Result<(), RenderError>;
}

/// A [`Reporter`] shared by the command line (which calls [`Reporter::finish`]) and the runs (whose
/// collector calls [`Reporter::scenario_finished`]).
#[derive(Clone)]
pub struct LiveReporter(Arc<Mutex<dyn Reporter>>);

impl LiveReporter {
    pub fn new(reporter: impl Reporter + 'static) -> Self {
        Self(Arc::new(Mutex::new(reporter)))
    }

    pub fn scenario_finished(&self, family: &str, scenario: &ScenarioRecord) {
        let mut r = self.0.lock().unwrap_or_else(|p| p.into_inner());
        r.scenario_finished(family, scenario);
    }

    pub fn finish(&self, runs: &[RunRecord]) -> Result<(), RenderError> {
        let mut r = self.0.lock().unwrap_or_else(|p| p.into_inner());
        r.finish(runs)
    }
}

impl fmt::Debug for LiveReporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LiveReporter")
    }
}

/// The `--report` names every run may choose, and the default choice.
pub fn kinds() -> Vec<&'static str> {
    all().iter().map(|r| r.kind()).collect()
}

/// `--report`'s default: `junit`, `cucumber-json`, `html` and `coverage`.
pub const DEFAULT_KINDS: &[&str] = &["junit", "cucumber-json", "html", "coverage"];

fn all() -> Vec<Box<dyn Report>> {
    vec![
        Box::new(junit::Junit),
        Box::new(cucumber_json::CucumberJson),
        Box::new(run_json::RunJson),
        Box::new(html::Html),
        Box::new(coverage_json::CoverageJson),
    ]
}

/// The report of kind `name`, if there is one.
pub fn by_kind(name: &str) -> Option<Box<dyn Report>> {
    all().into_iter().find(|r| r.kind() == name)
}

/// Renders one report to text, redacted once more.
pub fn render_to_string(report: &dyn Report, runs: &[RunRecord]) -> Result<String, RenderError> {
    let mut out = stream::Redacting::new(Vec::new(), report);
    report.render(runs, &mut out)?;
    Ok(String::from_utf8(out.finish()?)?)
}

/// Writes the default reports (`junit.xml`, `cucumber.json`, `report.html`, `coverage.json`) and
/// `run.json` for `runs` into `dir`.
pub fn write_files(runs: &[RunRecord], dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let defaults: Vec<Box<dyn Report>> = DEFAULT_KINDS.iter().filter_map(|k| by_kind(k)).collect();
    write_reports(&defaults, runs, dir)
}

/// Writes each of `reports` for `runs` into `dir` and returns their paths. `run.json` is added
/// when `reports` does not hold it: every run writes it.
pub fn write_reports(
    reports: &[Box<dyn Report>],
    runs: &[RunRecord],
    dir: &Path,
) -> Result<Vec<PathBuf>, ReportError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Write { path, source }
    };
    std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    let always: Box<dyn Report> = Box::new(run_json::RunJson);
    let extra = (!reports.iter().any(|r| r.kind() == always.kind())).then_some(&always);
    // Each report streams to its own file from the shared record: rendered side by side, one
    // thread each, so a large run's reports take the time of the largest, not of all five.
    let write_one = |report: &dyn Report| -> Result<PathBuf, ReportError> {
        // Streamed to the file, redacted on the way: no report is held whole in memory.
        let path = dir.join(report.file_name());
        let file = std::fs::File::create(&path).map_err(write_err(&path))?;
        let mut out = stream::Redacting::new(std::io::BufWriter::new(file), report);
        report
            .render(runs, &mut out)
            .map_err(|source| ReportError::Render {
                file: report.file_name(),
                source,
            })?;
        out.finish().map_err(write_err(&path))?;
        Ok(path)
    };
    let written: Vec<Result<PathBuf, ReportError>> = std::thread::scope(|scope| {
        let writing: Vec<_> = reports
            .iter()
            .chain(extra)
            .map(|report| scope.spawn(move || write_one(report.as_ref())))
            .collect();
        writing
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let paths = written.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(paths)
}
