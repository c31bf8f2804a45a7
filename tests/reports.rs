//! The report formats, pinned with insta snapshots over a fixed record; the JUnit file parsed
//! back to prove it is well-formed XML; `run.json` read back into the record type; junit.xml and
//! cucumber.json checked against their vendored schemas (`reports/schemas.rs`).

#[path = "reports/schemas.rs"]
mod schemas;

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, TimeZone as _, Utc};
use obconf::catalog::Coverage;
use obconf::http::{Exchange, RecordedRequest, RecordedResponse};
use obconf::report::{Report, render_to_string};
use obconf::runner::record::{DocStringRecord, FailureRecord, StepRecord};
use obconf::runner::{ExchangeRecord, RunDocument, RunRecord, ScenarioRecord, StepStatus, Verdict};

fn at(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 2, 0, 55, second)
        .single()
        .unwrap_or_default()
}

fn step(keyword: &str, text: &str, line: usize, status: StepStatus) -> StepRecord {
    StepRecord {
        keyword: keyword.into(),
        text: text.into(),
        line,
        status,
        duration: Duration::from_millis(3),
        started: (status != StepStatus::NotRun).then(|| at(line as u32)),
        exchanges: Vec::new(),
        doc_string: None,
        rows: Vec::new(),
    }
}

/// `GET /accounts` answered with `status`, made through the real redacting constructor.
fn exchange(status: u16, sent: DateTime<Utc>) -> ExchangeRecord {
    ExchangeRecord::of(&Exchange {
        request: RecordedRequest {
            method: "GET".into(),
            url: "https://127.0.0.1:4443/stet/psd2/v1.4.2/accounts".into(),
            headers: vec![("Authorization".into(), "Bearer tok-in-the-fixture".into())],
            body: None,
        },
        response: Some(RecordedResponse {
            status,
            headers: vec![("Date".into(), "Wed, 02 Dec 2026 00:55:00 GMT".into())],
            body: String::new(),
        }),
        error: None,
        tls_alert: None,
        elapsed: Duration::from_millis(2),
        at: sent,
        unwrapped: None,
        rejected: None,
    })
}

fn scenario(id: &str, name: &str, line: usize, verdict: Verdict) -> ScenarioRecord {
    ScenarioRecord {
        feature: "Get the list of eligible payment accounts".into(),
        path: PathBuf::from("features/stet/accounts.feature"),
        file: PathBuf::from("stet/accounts.feature"),
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
        started: (verdict != Verdict::Skipped).then(|| at(line as u32)),
        skip_reason: None,
        failure: None,
        other_exchanges: Vec::new(),
        waiver: None,
        notes: Vec::new(),
    }
}

fn record() -> RunRecord {
    let mut r = RunRecord::new("embedded-stet", "stet");
    r.obconf_version = "0.0.0-test".into();
    r.base_url = "https://127.0.0.1:4443".into();
    r.capabilities = vec!["sandbox.clock".into(), "stet.mtls".into()];
    r.faults = vec!["wrong-scope-accepted".into()];
    r.started = at(0);
    r.finished = Some(at(1));
    r.duration = Duration::from_millis(250);
    let mut passed = scenario(
        "STET-AIS-ACC-01",
        "CLAIRE gets all her payment accounts",
        6,
        Verdict::Passed,
    );
    passed.steps[1].exchanges.push(exchange(200, at(9)));
    passed.steps[0].rows = vec![
        vec!["persona".into(), "scope".into()],
        vec!["CLAIRE".into(), "aisp".into()],
    ];
    r.scenarios.push(passed);
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
        evidence: Some(exchange(200, at(17))),
    });
    failed.steps[1].exchanges.push(exchange(200, at(17)));
    failed.steps[0].doc_string = Some(DocStringRecord {
        value: "{\"scope\": \"pisp\"}".into(),
        line: 16,
        content_type: Some("json".into()),
    });
    r.scenarios.push(failed);
    let mut skipped = scenario(
        "STET-AIS-TBN-01",
        "The trusted beneficiaries are listed",
        30,
        Verdict::Skipped,
    );
    for s in &mut skipped.steps {
        s.status = StepStatus::NotRun;
        s.started = None;
    }
    skipped.skip_reason =
        Some("the target does not declare capability `stet.trusted-beneficiaries`".into());
    r.scenarios.push(skipped);
    let mut error = scenario(
        "STET-AIS-ACC-03",
        "The accounts of a PSU without accounts",
        40,
        Verdict::Error,
    );
    for s in &mut error.steps {
        s.status = StepStatus::NotRun;
        s.started = None;
    }
    error.failure = Some(FailureRecord {
        step: "Before hook".into(),
        line: 40,
        message: "no run context is installed".into(),
        evidence: None,
    });
    r.scenarios.push(error);
    r.coverage = Some(Coverage {
        prefix: "STET-".into(),
        covered: vec!["STET-AIS-ACC-01".into(), "STET-AIS-ACC-02".into()],
        missing: vec!["STET-GEN-02".into()],
    });
    r
}

fn rendered(report: &dyn Report) -> String {
    render_to_string(report, &[record()]).expect("the report renders")
}

#[test]
fn console_summary() {
    insta::assert_snapshot!(obconf::report::console::summary(&[record()]));
}

#[test]
fn console_progress_lines_mark_every_verdict() {
    let r = record();
    let lines: String = r
        .scenarios
        .iter()
        .map(obconf::report::console::progress_line)
        .collect();
    insta::assert_snapshot!(lines);
}

#[test]
fn cucumber_json() {
    let json: serde_json::Value =
        serde_json::from_str(&rendered(&obconf::report::cucumber_json::CucumberJson))
            .expect("cucumber.json is JSON");
    insta::assert_json_snapshot!(json, {
        "[].elements[].steps[].result.duration" => "[duration]",
    });
}

#[test]
fn junit_xml_is_well_formed_and_carries_failures_errors_and_skips() {
    let xml = rendered(&obconf::report::junit::Junit);
    // Parse it back: every element must close, every attribute must be well-formed.
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    loop {
        match reader.read_event().expect("junit.xml is well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                match e.name().as_ref() {
                    b"testcase" => cases += 1,
                    b"failure" => failures += 1,
                    b"error" => errors += 1,
                    b"skipped" => skipped += 1,
                    _ => {}
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!((cases, failures, errors, skipped), (4, 1, 1, 1));
    let redacted = regex::Regex::new(r#"(timestamp|time|hostname|id)="[^"]*""#)
        .unwrap()
        .replace_all(&xml, "$1=\"[redacted]\"");
    insta::assert_snapshot!(redacted);
}

#[test]
fn run_json_holds_the_whole_record_and_reads_back() {
    let text = rendered(&obconf::report::run_json::RunJson);
    assert!(!text.contains("tok-in-the-fixture"), "{text}");
    let doc: RunDocument = serde_json::from_str(&text).expect("run.json reads back");
    assert_eq!(doc.format, RunDocument::FORMAT);
    let run = &doc.runs[0];
    assert_eq!(run.count(Verdict::Passed), 1);
    assert_eq!(run.count(Verdict::Error), 1);
    assert_eq!(run.scenarios[0].exchanges().count(), 1);
    assert_eq!(run.started, at(0));
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    insta::assert_json_snapshot!(json, {
        ".obconf_version" => "[version]",
    });
}

#[test]
fn unknown_report_kinds_are_not_found_and_every_known_one_renders() {
    assert!(obconf::report::by_kind("pdf").is_none());
    for kind in obconf::report::kinds() {
        let report = obconf::report::by_kind(kind).expect("a known kind");
        assert!(!rendered(report.as_ref()).is_empty(), "{kind}");
    }
}

#[test]
fn coverage_json_has_every_catalog_id_of_the_family_with_the_worst_verdict() {
    let text = rendered(&obconf::report::coverage_json::CoverageJson);
    let doc: obconf::report::coverage_json::CoverageDocument =
        serde_json::from_str(&text).expect("coverage.json reads back");
    assert_eq!(
        doc.format,
        obconf::report::coverage_json::CoverageDocument::FORMAT
    );
    let run = &doc.runs[0];
    let verdict = |id: &str| {
        run.ids
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.verdict.label())
    };
    assert_eq!(verdict("STET-AIS-ACC-01"), Some("passed"));
    assert_eq!(verdict("STET-AIS-ACC-02"), Some("failed"));
    assert_eq!(
        verdict("STET-AIS-ACC-03"),
        Some("failed"),
        "an error fails its ids"
    );
    assert_eq!(verdict("STET-AIS-TBN-01"), Some("skipped"));
    assert_eq!(verdict("STET-GEN-02"), Some("no scenario"));
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    insta::assert_json_snapshot!(json, {
        ".obconf_version" => "[version]",
    });
}

/// The HTML report's structure, pinned: every section, data attribute and escaped text of the
/// fixed record. The inline style and script are left out (their own tests and the browser test
/// cover them), and so are times and durations.
#[test]
fn html_report_structure() {
    let html = rendered(&obconf::report::html::Html);
    assert!(!html.contains("tok-in-the-fixture"), "{html}");
    let mut shown = html
        .replace(obconf::report::html::STYLE, "[style]")
        .replace(obconf::report::html::SCRIPT, "[script]");
    for (pattern, with) in [
        (r"'sha256-[A-Za-z0-9+/=]+'", "'sha256-[hash]'"),
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "[time]"),
        (r"\d+ ms\b", "[n] ms"),
        (r"\b\d+\.\d\d s\b", "[n] s"),
    ] {
        shown = regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&shown, with)
            .into_owned();
    }
    insta::assert_snapshot!(shown);
}
