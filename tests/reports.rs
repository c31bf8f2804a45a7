//! The report formats, pinned with insta snapshots over a fixed record, and the JUnit file parsed
//! back to prove it is well-formed XML.

use std::path::PathBuf;
use std::time::Duration;

use obconf::catalog::Coverage;
use obconf::runner::record::{FailureRecord, StepRecord};
use obconf::runner::{RunRecord, ScenarioRecord, StepStatus, Verdict};

fn step(keyword: &str, text: &str, line: usize, status: StepStatus) -> StepRecord {
    StepRecord {
        keyword: keyword.into(),
        text: text.into(),
        line,
        status,
        duration: Duration::from_millis(3),
    }
}

fn scenario(id: &str, name: &str, line: usize, verdict: Verdict) -> ScenarioRecord {
    ScenarioRecord {
        feature: "Get the list of eligible payment accounts".into(),
        path: PathBuf::from("features/stet/accounts.feature"),
        name: format!("{id} {name}"),
        line,
        tags: vec!["stet".into(), id.into()],
        catalog_ids: vec![id.into()],
        verdict,
        steps: vec![
            step(
                "Given",
                "the PSU persona LEA with an access token of scope pisp",
                line + 1,
                StepStatus::Passed,
            ),
            step(
                "Then",
                "the response status is 403",
                line + 3,
                if verdict == Verdict::Failed {
                    StepStatus::Failed
                } else {
                    StepStatus::Passed
                },
            ),
        ],
        duration: Duration::from_millis(12),
        skip_reason: None,
        failure: None,
    }
}

fn record() -> RunRecord {
    let mut r = RunRecord::new("embedded-stet", "stet");
    r.duration = Duration::from_millis(250);
    r.scenarios.push(scenario(
        "STET-AIS-ACC-01",
        "CLAIRE gets all her payment accounts",
        6,
        Verdict::Passed,
    ));
    let mut failed = scenario(
        "STET-AIS-ACC-02",
        "An access token whose scope is not aisp is refused",
        14,
        Verdict::Failed,
    );
    failed.failure = Some(FailureRecord {
        step: "Then the response status is 403".into(),
        line: 17,
        message: "expected: HTTP 403\n  actual: HTTP 200".into(),
        evidence: Some(
            "request:\n  GET https://127.0.0.1:4443/stet/psd2/v1.4.2/accounts\n  Authorization: Bearer [REDACTED]\nresponse: (2 ms)\n  200 OK\n".into(),
        ),
    });
    r.scenarios.push(failed);
    let mut skipped = scenario(
        "STET-AIS-TBN-01",
        "The trusted beneficiaries are listed",
        30,
        Verdict::Skipped,
    );
    skipped.steps.clear();
    skipped.skip_reason =
        Some("the target does not declare capability `stet.trusted-beneficiaries`".into());
    r.scenarios.push(skipped);
    r.coverage = Some(Coverage {
        prefix: "STET-".into(),
        covered: vec!["STET-AIS-ACC-01".into(), "STET-AIS-ACC-02".into()],
        missing: vec!["STET-GEN-02".into()],
    });
    r
}

#[test]
fn console_summary() {
    insta::assert_snapshot!(obconf::report::console::summary(&[record()]));
}

#[test]
fn cucumber_json() {
    let json = obconf::report::cucumber_json::render(&[record()]);
    insta::assert_json_snapshot!(json, {
        "[].elements[].steps[].result.duration" => "[duration]",
    });
}

#[test]
fn junit_xml_is_well_formed_and_carries_failures_and_skips() {
    let xml = obconf::report::junit::render(&[record()]);
    // Parse it back: every element must close, every attribute must be well-formed.
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut skipped) = (0, 0, 0);
    loop {
        match reader.read_event().expect("junit.xml is well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    b"testcase" => cases += 1,
                    b"failure" => failures += 1,
                    b"skipped" => skipped += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((cases, failures, skipped), (3, 1, 1));
    let redacted = regex::Regex::new(r#"(timestamp|time|hostname|id)="[^"]*""#)
        .unwrap()
        .replace_all(&xml, "$1=\"[redacted]\"");
    insta::assert_snapshot!(redacted);
}
