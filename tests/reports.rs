//! The report formats, pinned with insta snapshots over a fixed record; the JUnit file parsed
//! back to prove it is well-formed XML; `run.json` read back into the record type.

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
    assert!(obconf::report::by_kind("html").is_none());
    for kind in obconf::report::kinds() {
        let report = obconf::report::by_kind(kind).expect("a known kind");
        assert!(!rendered(report.as_ref()).is_empty(), "{kind}");
    }
}

/// The fixture record with what report readers trip on: two Scenario Outline rows of one name,
/// and a bank whose answer holds markup and control characters.
fn hostile_record() -> RunRecord {
    let mut r = record();
    for line in [51, 52] {
        let mut row = scenario(
            "STET-AIS-ACC-01",
            "CLAIRE's accounts <in> \"quotes\" & more",
            line,
            Verdict::Passed,
        );
        row.line = line;
        r.scenarios.push(row);
    }
    let mut hostile = scenario(
        "STET-AIS-ACC-02",
        "A bank that answers with markup",
        60,
        Verdict::Failed,
    );
    hostile.failure = Some(FailureRecord {
        step: "Then the response status is 403".into(),
        line: 63,
        message:
            "expected: HTTP 403\n  actual: </failure><testcase name=\"x\"/>&amp; \u{1}\u{1b}[31m]]>"
                .into(),
        evidence: None,
    });
    r.scenarios.push(hostile);
    r
}

/// One element's rule: its name, its children, its attributes, its required attributes.
type Rule = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

/// Checks `xml` against the element and attribute rules of `schemas/junit-10.xsd` (the Jenkins
/// JUnit schema): which children and attributes each element may have, the required attributes
/// and the `SUREFIRE_TIME` form of suite times. Runs where xmllint is not installed, too.
fn check_jenkins_junit_structure(xml: &str) {
    use quick_xml::events::{BytesStart, Event};
    let rules: &[Rule] = &[
        // element, children, attributes, required attributes
        (
            "testsuites",
            &["testsuite"],
            &["name", "time", "tests", "failures", "errors"],
            &[],
        ),
        (
            "testsuite",
            &[
                "testsuite",
                "properties",
                "testcase",
                "system-out",
                "system-err",
            ],
            &[
                "name",
                "tests",
                "failures",
                "errors",
                "group",
                "time",
                "skipped",
                "timestamp",
                "hostname",
                "id",
                "package",
                "file",
                "log",
                "url",
            ],
            &["name", "tests", "failures", "errors"],
        ),
        ("properties", &["property"], &[], &[]),
        ("property", &[], &["name", "value"], &["name", "value"]),
        (
            "testcase",
            &[
                "skipped",
                "error",
                "failure",
                "rerunFailure",
                "rerunError",
                "flakyFailure",
                "flakyError",
                "system-out",
                "system-err",
            ],
            &["name", "time", "classname", "group"],
            &["name"],
        ),
        ("failure", &[], &["type", "message"], &[]),
        ("error", &[], &["type", "message"], &[]),
        ("skipped", &[], &["type", "message"], &[]),
        ("system-out", &[], &[], &[]),
        ("system-err", &[], &[], &[]),
    ];
    let surefire_time =
        regex::Regex::new(r"^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$").unwrap();
    let rule = |name: &str| {
        rules
            .iter()
            .find(|r| r.0 == name)
            .unwrap_or_else(|| panic!("<{name}> is not an element of the Jenkins JUnit schema"))
    };
    let check = |e: &BytesStart, parent: Option<&String>| -> String {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let (_, _, allowed, required) = rule(&name);
        match parent {
            Some(p) => assert!(rule(p).1.contains(&name.as_str()), "<{name}> inside <{p}>"),
            None => assert_eq!(name, "testsuites", "the root element"),
        }
        let mut seen = Vec::new();
        for a in e.attributes() {
            let a = a.expect("a well-formed attribute");
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            assert!(allowed.contains(&key.as_str()), "<{name} {key}=…>");
            if key == "time" && name != "testcase" {
                let value = a.unescape_value().expect("an attribute value");
                assert!(surefire_time.is_match(&value), "<{name} time={value:?}>");
            }
            seen.push(key);
        }
        for r in *required {
            assert!(seen.iter().any(|k| k == r), "<{name}> lacks {r}=");
        }
        name
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    loop {
        match reader.read_event().expect("junit.xml is well-formed XML") {
            Event::Start(e) => {
                let name = check(&e, stack.last());
                stack.push(name);
            }
            Event::Empty(e) => {
                check(&e, stack.last());
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(t) => {
                let text = String::from_utf8_lossy(&t).trim().to_string();
                if let Some(parent) = stack.last() {
                    let mixed = rule(parent).1.is_empty();
                    assert!(mixed || text.is_empty(), "text inside <{parent}>: {text}");
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
}

#[test]
fn junit_xml_validates_against_the_jenkins_junit_schema() {
    let xml = render_to_string(&obconf::report::junit::Junit, &[hostile_record()])
        .expect("the report renders");
    check_jenkins_junit_structure(&xml);

    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, &xml).expect("junit.xml is written");
    let xsd = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/junit-10.xsd");
    match std::process::Command::new("xmllint")
        .args(["--noout", "--schema", xsd])
        .arg(&file)
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "xmllint rejects junit.xml:\n{}\n{xml}",
            String::from_utf8_lossy(&out.stderr)
        ),
        // .ci/run installs xmllint; elsewhere the structural check above stands in for it.
        Err(e) => eprintln!("xmllint is not available ({e}): checked the schema's rules only"),
    }
}

#[test]
fn junit_names_are_unique_and_bank_text_cannot_break_the_xml() {
    let xml = render_to_string(&obconf::report::junit::Junit, &[hostile_record()])
        .expect("the report renders");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut names, mut messages) = (Vec::new(), Vec::new());
    loop {
        match reader.read_event().expect("junit.xml is well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                for a in e.attributes().flatten() {
                    let value = a.unescape_value().expect("a value").into_owned();
                    match (e.name().as_ref(), a.key.as_ref()) {
                        (b"testcase", b"name") => names.push(value),
                        (b"failure", b"message") => messages.push(value),
                        (b"testcase", b"file") => panic!("the schema has no testcase file="),
                        _ => {}
                    }
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:#?}");
    assert!(
        names.contains(
            &"STET-AIS-ACC-01 CLAIRE's accounts <in> \"quotes\" & more (stet/accounts.feature:52)"
                .to_string()
        ),
        "{names:#?}"
    );
    // The whole expected-against-actual on one line, the bank's markup kept as text.
    assert_eq!(
        messages[0],
        "[STET-AIS-ACC-02] expected: HTTP 403 / actual: HTTP 200"
    );
    assert!(
        messages[1].starts_with(
            "[STET-AIS-ACC-02] expected: HTTP 403 / actual: </failure><testcase name=\"x\"/>&amp; \u{FFFD}\u{FFFD}[31m]]>"
        ),
        "{messages:#?}"
    );
    assert!(!xml.contains("/build/"), "no absolute path");
}

#[test]
fn cucumber_json_validates_against_the_cucumber_jvm_schema() {
    let text = render_to_string(
        &obconf::report::cucumber_json::CucumberJson,
        &[hostile_record()],
    )
    .expect("the report renders");
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("cucumber.json is JSON");

    // Every scenario has steps; the skipped one lists them skipped.
    let elements: Vec<&serde_json::Value> = json[0]["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .collect();
    assert_eq!(elements.len(), 7);
    for e in &elements {
        assert!(!e["steps"].as_array().expect("steps").is_empty(), "{e}");
    }
    let skipped = elements
        .iter()
        .find(|e| e["name"].as_str().is_some_and(|n| n.contains("TBN-01")))
        .expect("the skipped scenario");
    for s in skipped["steps"].as_array().expect("steps") {
        assert_eq!(s["result"]["status"], "skipped");
    }
    // Doc strings, data tables and every exchange, passed or failed, are in the steps.
    assert_eq!(elements[0]["steps"][0]["rows"][1]["cells"][0], "CLAIRE");
    assert_eq!(elements[1]["steps"][0]["doc_string"]["line"], 16);
    let passed_evidence = elements[0]["steps"][1]["embeddings"][0]["data"]
        .as_str()
        .expect("an embedding");
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(passed_evidence)
        .expect("base64");
    let decoded = String::from_utf8(decoded).expect("text");
    assert!(decoded.contains("GET https://127.0.0.1:4443"), "{decoded}");
    assert!(!text.contains("tok-in-the-fixture"));

    // `metadata` is the one key the schema does not know (multiple-cucumber-html-reporter reads it).
    for feature in json.as_array_mut().expect("features") {
        let metadata = feature
            .as_object_mut()
            .and_then(|f| f.remove("metadata"))
            .expect("every feature has the run metadata");
        assert!(metadata.to_string().contains("\"catalog.version\""));
    }
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../schemas/cucumber-jvm.json"))
            .expect("the vendored schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
