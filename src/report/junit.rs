//! `junit.xml`: one test suite per feature, one test case per scenario named with its catalog id.
//! The class name is `<family>.<feature file stem>` so CI dashboards group by family. A failure
//! carries the same text as the console: catalog id, step, expected against actual, evidence.

use std::collections::BTreeMap;

use junit_report::{
    Duration as JDuration, ReportBuilder, TestCase, TestCaseBuilder, TestSuiteBuilder,
};

use crate::runner::{RunRecord, ScenarioRecord, Verdict};

/// The JUnit XML text for `records`.
pub fn render(records: &[RunRecord]) -> String {
    let mut report = ReportBuilder::new();
    for record in records {
        let mut suites: BTreeMap<String, Vec<TestCase>> = BTreeMap::new();
        for s in &record.scenarios {
            suites
                .entry(format!("{}: {}", record.family, s.feature))
                .or_default()
                .push(case(&record.family, s));
        }
        for (name, cases) in suites {
            report.add_testsuite(TestSuiteBuilder::new(&name).add_testcases(cases).build());
        }
    }
    let mut buf = Vec::new();
    if report.build().write_xml(&mut buf).is_err() {
        return String::new();
    }
    String::from_utf8(buf).unwrap_or_default()
}

fn case(family: &str, s: &ScenarioRecord) -> TestCase {
    let duration = JDuration::try_from(s.duration).unwrap_or(JDuration::ZERO);
    let mut builder = match s.verdict {
        Verdict::Passed => TestCaseBuilder::success(&s.name, duration),
        Verdict::Failed => {
            let message = s
                .failure
                .as_ref()
                .map(|f| format!("[{}] {}", s.ids(), f.message.lines().next().unwrap_or("")))
                .unwrap_or_default();
            let mut b = TestCaseBuilder::failure(&s.name, duration, "assertion", &message);
            b.set_trace(&s.failure_text().unwrap_or_default());
            b
        }
        Verdict::Skipped => TestCaseBuilder::skipped_with_cause(
            &s.name,
            "capability",
            s.skip_reason.as_deref().unwrap_or(""),
        ),
        Verdict::NotRun => TestCaseBuilder::skipped_with_cause(
            &s.name,
            "interrupted",
            "the run stopped before this scenario finished",
        ),
    };
    let stem = s
        .path
        .file_stem()
        .map(|x| x.to_string_lossy().into_owned())
        .unwrap_or_default();
    builder.set_classname(&format!("{family}.{stem}"));
    builder.set_filepath(&s.path.display().to_string());
    builder.set_system_out(&format!(
        "catalog: {}\ntags: @{}\n",
        s.ids(),
        s.tags.join(" @")
    ));
    builder.build()
}
