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
}

impl Console {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        Self { out, failed: None }
    }

    /// The console of `obconf run`: standard output, where a reader that went away (`obconf run |
    /// head`) is not an error, so that the run still writes its reports.
    pub fn stdout() -> Self {
        Self::new(Box::new(Stdout))
    }
}

impl Reporter for Console {
    fn scenario_finished(&mut self, _family: &str, scenario: &ScenarioRecord) {
        let line = crate::redact::printable(&progress_line(scenario));
        if let Err(e) = self
            .out
            .write_all(line.as_bytes())
            .and_then(|()| self.out.flush())
        {
            self.failed.get_or_insert(e);
        }
    }

    fn finish(&mut self, runs: &[RunRecord]) -> Result<(), RenderError> {
        if let Some(e) = self.failed.take() {
            return Err(e.into());
        }
        self.out.write_all(summary(runs).as_bytes())?;
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
