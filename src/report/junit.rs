//! `junit.xml`: one test suite per feature, one test case per scenario named with its catalog id.
//! The class name is `<family>.<feature file stem>` so CI dashboards group by family. A failure
//! carries the same text as the console: catalog id, step, expected against actual, evidence.
//! A scenario that could not run is a JUnit `<error>`; skipped, not-run and waived ones are
//! `<skipped>` with their reason; a waived one's `<skipped type="waived" message="waived: …">`
//! names its waiver, and its system-out keeps the failure it waives. A failure that an expired
//! waiver covers says so in its message. Each run's first suite lists what every waiver did in its
//! system-out. Rendering only reads the record.

use std::collections::BTreeMap;
use std::io::Write;

use junit_report::{
    Duration as JDuration, ReportBuilder, TestCase, TestCaseBuilder, TestSuiteBuilder,
};

use super::{RenderError, Report};
use crate::runner::{RunRecord, ScenarioRecord, Verdict};

/// The `junit` report.
pub struct Junit;

impl Report for Junit {
    fn kind(&self) -> &'static str {
        "junit"
    }

    fn file_name(&self) -> &'static str {
        "junit.xml"
    }

    fn render(&self, runs: &[RunRecord], out: &mut dyn Write) -> Result<(), RenderError> {
        render(runs, out)
    }
}

/// Writes the JUnit XML for `records` into `out`.
pub fn render(records: &[RunRecord], out: &mut dyn Write) -> Result<(), RenderError> {
    let mut report = ReportBuilder::new();
    for record in records {
        let mut suites: BTreeMap<String, Vec<TestCase>> = BTreeMap::new();
        for s in &record.scenarios {
            suites
                .entry(format!("{}: {}", record.family, s.feature))
                .or_default()
                .push(case(record, s));
        }
        let mut waivers: String = record
            .waivers
            .iter()
            .map(|o| format!("{}\n", o.line()))
            .collect();
        for (name, cases) in suites {
            let mut suite = TestSuiteBuilder::new(&name);
            suite.add_testcases(cases);
            if !waivers.is_empty() {
                suite.set_system_out(&format!("waivers:\n{}", std::mem::take(&mut waivers)));
            }
            report.add_testsuite(suite.build());
        }
    }
    report.build().write_xml(out)?;
    Ok(())
}

fn case(record: &RunRecord, s: &ScenarioRecord) -> TestCase {
    let family = &record.family;
    let expired = record
        .expired_waiver_for(s)
        .map(|o| format!(" (a waiver covers this failure but {})", o.note))
        .unwrap_or_default();
    let duration = JDuration::try_from(s.duration).unwrap_or(JDuration::ZERO);
    let mut builder = match s.verdict {
        Verdict::Passed => TestCaseBuilder::success(&s.name, duration),
        Verdict::Failed => {
            let message = s
                .failure
                .as_ref()
                .map(|f| format!("[{}] {}", s.ids(), f.message.lines().next().unwrap_or("")))
                .unwrap_or_default();
            let message = format!("{message}{expired}");
            let mut b = TestCaseBuilder::failure(&s.name, duration, "assertion", &message);
            b.set_trace(&s.failure_text().unwrap_or_default());
            b
        }
        Verdict::Error => {
            let message = s
                .failure
                .as_ref()
                .map(|f| format!("[{}] {}", s.ids(), f.message.lines().next().unwrap_or("")))
                .unwrap_or_default();
            let mut b = TestCaseBuilder::error(&s.name, duration, "could-not-run", &message);
            b.set_trace(&s.failure_text().unwrap_or_default());
            b
        }
        Verdict::Skipped => TestCaseBuilder::skipped_with_cause(&s.name, "capability", &reason(s)),
        Verdict::NotRun => TestCaseBuilder::skipped_with_cause(&s.name, "interrupted", &reason(s)),
        Verdict::Waived => TestCaseBuilder::skipped_with_cause(&s.name, "waived", &reason(s)),
    };
    let stem = s
        .path
        .file_stem()
        .map(|x| x.to_string_lossy().into_owned())
        .unwrap_or_default();
    builder.set_classname(&format!("{family}.{stem}"));
    builder.set_filepath(&s.path.display().to_string());
    let waived = match (&s.waiver, s.failure_text()) {
        (Some(_), Some(failure)) => format!("waived failure:\n{failure}\n"),
        _ => String::new(),
    };
    builder.set_system_out(&format!(
        "catalog: {}\ntags: @{}\n{waived}",
        s.ids(),
        s.tags.join(" @")
    ));
    builder.build()
}

fn reason(s: &ScenarioRecord) -> String {
    s.reason().unwrap_or_default()
}
