//! junit.xml against the Jenkins JUnit schema (xmllint and a structural check of its rules) and
//! cucumber.json against cucumber-jvm's JSON Schema, over the fixture record and a hostile one.

use obconf::report::render_to_string;
use obconf::runner::record::FailureRecord;
use obconf::runner::{RunRecord, Verdict};

use super::{record, scenario};

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
        serde_json::from_str(include_str!("../../schemas/cucumber-jvm.json"))
            .expect("the vendored schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
