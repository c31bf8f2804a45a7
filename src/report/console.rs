//! The console: a line per finished scenario while the run goes, then the summary (failures with
//! their evidence, waived failures with their waiver, scenarios without a verdict and why, what
//! each waiver did, a table per feature, coverage and the catalog ids that did not pass, ending
//! with `mandatory ids passed X/Y`).
//!
//! [`Console`] is the [`Reporter`] behind `obconf run`; [`summary`] is its final text. It writes to
//! its sink and nowhere else, and never reads anything but the record.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use tabled::builder::Builder;
use tabled::settings::Style;

use super::coverage::{FamilyCoverage, IdVerdict, UNSELECTED};
use super::{RenderError, Reporter};
use crate::runner::{RunRecord, ScenarioRecord, Verdict};

/// The console reporter: progress lines, then the summary, into `out`.
pub struct Console {
    out: Box<dyn Write + Send>,
    /// The first error writing a progress line; returned by [`Reporter::finish`].
    failed: Option<std::io::Error>,
    options: ConsoleOptions,
    /// Finished scenarios by verdict, and when the first run began: the progress line's figures.
    counts: BTreeMap<Verdict, usize>,
    began: std::time::Instant,
}

/// How much the console says (`-q`, `-v`), in colour or not (`--color`), and whether it keeps a
/// progress line (only on a terminal: CI logs get nothing extra).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConsoleOptions {
    pub verbosity: Verbosity,
    pub color: bool,
    pub progress: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Verbosity {
    /// No line per scenario; the closing summary only.
    Quiet,
    /// A line per scenario, the full summary, the closing summary.
    #[default]
    Normal,
    /// Also each scenario's catalog ids, file:line and why it did not pass.
    Verbose,
}

impl Console {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self {
            out,
            failed: None,
            options: ConsoleOptions::default(),
            counts: BTreeMap::new(),
            began: std::time::Instant::now(),
        }
    }

    /// The same console, saying as much as `options` asks.
    pub fn with_options(mut self, options: ConsoleOptions) -> Self {
        self.options = options;
        self
    }

    /// The progress line, cleared and redrawn under the scenario lines.
    fn progress(&self) -> String {
        let counts: Vec<(Verdict, usize)> = self.counts.iter().map(|(v, n)| (*v, *n)).collect();
        super::summary::progress(&counts, self.began.elapsed())
    }

    /// The console of `obconf run`: standard output, where a reader that went away (`obconf run |
    /// head`) is not an error, so that the run still writes its reports.
    pub fn stdout() -> Self {
        Self::new(Box::new(Stdout))
    }
}

impl Reporter for Console {
    fn scenario_finished(&mut self, _family: &str, scenario: &ScenarioRecord) {
        *self.counts.entry(scenario.verdict).or_default() += 1;
        let opts = self.options;
        let mut text = String::new();
        if opts.progress {
            text.push_str(CLEAR_LINE);
        }
        if opts.verbosity != Verbosity::Quiet {
            let line = crate::redact::printable(&progress_line(scenario));
            text.push_str(&colour_mark(&line, scenario.verdict, opts.color));
        }
        if opts.verbosity == Verbosity::Verbose {
            let detail = format!(
                "         [{}] {}:{}{}\n",
                scenario.ids(),
                scenario.shown_file().display(),
                scenario.line,
                scenario
                    .reason()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            );
            text.push_str(&crate::redact::printable(&crate::redact::redact(&detail)));
        }
        if opts.progress {
            text.push_str(&self.progress());
        }
        if let Err(e) = self
            .out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush())
        {
            self.failed.get_or_insert(e);
        }
    }

    fn finish(&mut self, runs: &[RunRecord]) -> Result<(), RenderError> {
        if let Some(e) = self.failed.take() {
            return Err(e.into());
        }
        if self.options.progress {
            self.out.write_all(CLEAR_LINE.as_bytes())?;
        }
        if self.options.verbosity != Verbosity::Quiet {
            self.out.write_all(summary(runs).as_bytes())?;
        }
        let closing = super::summary::closing(runs, self.options.color);
        self.out.write_all(closing.as_bytes())?;
        self.out.flush()?;
        Ok(())
    }
}

/// `  ok   <catalog id> <scenario name> (12 ms)`.
pub fn progress_line(s: &ScenarioRecord) -> String {
    let mark = match s.verdict {
        Verdict::Passed => "ok  ",
        Verdict::Failed => "FAIL",
        Verdict::Error => "ERR ",
        Verdict::CouldNotCheck => "N/C ",
        Verdict::Skipped => "skip",
        Verdict::NotRun => "----",
        Verdict::Waived => "wvd ",
    };
    crate::redact::redact(&format!(
        "  {mark} {} ({} ms)\n",
        s.name,
        s.duration.as_millis()
    ))
}

/// Carriage return and erase line: the progress line is redrawn in place on a terminal.
const CLEAR_LINE: &str = "\r\x1b[2K";

/// `line` with its verdict mark (`ok`, `FAIL`, …) in the verdict's colour when `color` is on.
fn colour_mark(line: &str, verdict: Verdict, color: bool) -> String {
    if !color {
        return line.to_string();
    }
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    let (mark, rest) = trimmed.split_at(trimmed.find(' ').unwrap_or(0));
    let paint = super::summary::verdict_paint(verdict);
    format!("{indent}{}{rest}", super::summary::paint(mark, paint, true))
}

/// Standard output with a closed pipe taken as "nobody reads any more" rather than an error.
struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match std::io::stdout().lock().write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(buf.len()),
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match std::io::stdout().lock().flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}

/// Columns always shown, then those shown only when a run has such scenarios.
const ALWAYS: [Verdict; 3] = [Verdict::Passed, Verdict::Failed, Verdict::Skipped];

/// Failures, scenarios without a verdict and why, the per-feature table, the coverage line and
/// the coverage matrix for each record.
pub fn summary(records: &[RunRecord]) -> String {
    let mut out = String::new();
    for record in records {
        let failures: Vec<String> = record
            .scenarios
            .iter()
            .filter_map(|s| s.failure_text())
            .collect();
        if !failures.is_empty() {
            let _ = writeln!(out, "\nFailures ({} on {}):", record.family, record.target);
            for f in failures {
                let _ = writeln!(out, "\n{f}");
            }
        }
        waived(&mut out, record);
        let unjudged: Vec<String> = record
            .scenarios
            .iter()
            .filter(|s| s.verdict != Verdict::Waived)
            .filter_map(|s| {
                let reason = s.reason()?;
                Some(format!(
                    "  {} [{}] {}: {reason}",
                    s.verdict.label(),
                    s.ids(),
                    s.name
                ))
            })
            .collect();
        if !unjudged.is_empty() {
            let _ = writeln!(out, "\nNot run:");
            for s in unjudged {
                let _ = writeln!(out, "{s}");
            }
        }
        let _ = writeln!(
            out,
            "\n{} against {} ({:.2} s)",
            record.family,
            record.target,
            record.duration.as_secs_f64()
        );
        let _ = writeln!(out, "{}", table(record));
        if let Some(c) = &record.coverage {
            let _ = write!(out, "coverage {}", c.line());
            if c.missing.is_empty() {
                let _ = writeln!(out);
            } else {
                let _ = writeln!(out, "; without a scenario: {}", c.missing.join(", "));
            }
        }
        if let Some(why) = &record.interrupted {
            let _ = writeln!(out, "the run stopped early: {why}");
        }
        out.push_str(&matrix(&FamilyCoverage::of(record)));
    }
    crate::redact::printable(&crate::redact::redact(&out))
}

/// What the run says of the family's catalog ids: the count per verdict, every id that did not
/// pass (those no selected scenario carries in one line), then `mandatory ids passed X/Y`.
fn matrix(m: &FamilyCoverage) -> String {
    let mut out = String::new();
    if m.ids.is_empty() {
        return out;
    }
    let counts: Vec<String> = IdVerdict::ALL
        .into_iter()
        .filter(|v| m.count(*v) > 0)
        .map(|v| format!("{} {}", v.label(), m.count(v)))
        .collect();
    let _ = writeln!(out, "catalog ids of {}: {}", m.family, counts.join(", "));
    let mut unselected = 0;
    for id in m.ids.iter().filter(|i| i.verdict != IdVerdict::Passed) {
        if id.verdict == IdVerdict::NoScenario && id.reason.as_deref() == Some(UNSELECTED) {
            unselected += 1;
            continue;
        }
        let _ = write!(out, "  {:<12} {}", id.verdict.label(), id.id);
        if id.mandatory {
            let _ = write!(out, " (mandatory)");
        }
        match &id.reason {
            Some(reason) => {
                let _ = writeln!(out, ": {reason}");
            }
            None => {
                let _ = writeln!(out);
            }
        }
    }
    if unselected > 0 {
        let _ = writeln!(
            out,
            "  {:<12} {unselected} more ids: {UNSELECTED}",
            "no scenario"
        );
    }
    let _ = writeln!(out, "{} ({})", m.mandatory_line(), m.family);
    out
}

/// The waived failures with their waiver, then what each waiver did.
fn waived(out: &mut String, record: &RunRecord) {
    let waived: Vec<&ScenarioRecord> = record
        .scenarios
        .iter()
        .filter(|s| s.verdict == Verdict::Waived)
        .collect();
    if !waived.is_empty() {
        let _ = writeln!(out, "\nWaived ({} on {}):", record.family, record.target);
        for s in waived {
            let _ = writeln!(out, "  [{}] {}", s.ids(), s.name);
            if let Some(w) = &s.waiver {
                let _ = writeln!(out, "    waiver: {}", w.summary());
            }
            if let Some(f) = &s.failure {
                let first = f.message.lines().next().unwrap_or_default();
                let _ = writeln!(out, "    failure: {} (line {}): {first}", f.step, f.line);
            }
        }
    }
    if !record.waivers.is_empty() {
        let _ = writeln!(out, "\nWaivers:");
        for o in &record.waivers {
            let _ = writeln!(out, "  {}", o.line());
        }
    }
}

/// One row per feature and a total: passed, failed, skipped, and error, not run or waived when a
/// scenario has that verdict.
fn table(record: &RunRecord) -> String {
    let columns: Vec<Verdict> = Verdict::ALL
        .into_iter()
        .filter(|v| ALWAYS.contains(v) || record.count(*v) > 0)
        .collect();
    let mut rows: BTreeMap<&str, BTreeMap<Verdict, usize>> = BTreeMap::new();
    for s in &record.scenarios {
        *rows
            .entry(s.feature.as_str())
            .or_default()
            .entry(s.verdict)
            .or_default() += 1;
    }
    let mut builder = Builder::default();
    builder.push_record(
        std::iter::once("feature".to_string()).chain(columns.iter().map(|v| v.label().into())),
    );
    let row = |name: &str, count: &dyn Fn(Verdict) -> usize| -> Vec<String> {
        std::iter::once(name.to_string())
            .chain(columns.iter().map(|v| count(*v).to_string()))
            .collect()
    };
    for (feature, counts) in &rows {
        builder.push_record(row(feature, &|v| counts.get(&v).copied().unwrap_or(0)));
    }
    builder.push_record(row("total", &|v| record.count(v)));
    builder.build().with(Style::modern()).to_string()
}
