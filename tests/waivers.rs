//! `--waivers` through the command line: a failure a waiver covers is waived in every report and
//! does not fail the run; an expired and an unused waiver are reported as such in every report and
//! warned about; a malformed waiver file is exit 2 with `file:line` (text pinned with insta).

mod common;

use common::{run, write};

use obconf::runner::{RunDocument, Verdict, WaiverState};

const WAIVERS: &str = "waivers:
  - id: STET-AIS-ACC-02
    reason: scope checks ship in the March release
    owner: api-team@bank.example
    reference: JIRA-101
    expires: 2999-12-31
  - scenario: STET-AIS-ACC-01 CLAIRE gets all her payment accounts
    reason: an old outage
    owner: ops@bank.example
    reference: JIRA-102
    expires: 2020-01-31
  - id: STET-GEN-06
    reason: nothing selected covers it
    owner: api-team@bank.example
    reference: JIRA-103
    expires: 2999-12-31
";

#[test]
fn waived_expired_and_unused_waivers_are_in_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let target = write(
        dir.path(),
        "t.yaml",
        "name: faulty\nfamily: stet\nembedded: true\nfaults: [wrong-scope-accepted]\n",
    );
    let waivers = write(dir.path(), "waivers.yaml", WAIVERS);
    let out = dir.path().join("r");
    let o = run(&[
        "run",
        "--target",
        target.to_str().unwrap(),
        "--tags",
        "@STET-AIS-ACC-01 or @STET-AIS-ACC-02",
        "--report",
        "junit,cucumber-json,html,coverage",
        "--waivers",
        waivers.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stdout}{stderr}");

    // HTML: the waived scenario with its waiver, the expired one's note, every outcome.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("data-verdict=\"waived\""),
        "no waived scenario in the HTML"
    );
    assert!(
        html.contains("failed (waived)"),
        "the waived failure is shown"
    );
    for state in ["applied", "expired", "unused"] {
        assert!(
            html.contains(&format!("{state} waiver for")),
            "{state} outcome in the HTML"
        );
    }
    // coverage.json: the waived id's verdict.
    let coverage: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("coverage.json")).unwrap()).unwrap();
    let text = coverage.to_string();
    assert!(text.contains("\"waived\""), "{text}");

    // Console: the waived failure with its waiver and failure; every waiver's outcome; warnings.
    assert!(stdout.contains("Waived (stet on faulty):"), "{stdout}");
    assert!(
        stdout.contains("waiver: scope checks ship in the March release (owner: api-team@bank.example, reference: JIRA-101, expires 2999-12-31"),
        "{stdout}"
    );
    assert!(
        stdout.contains("failure: Then the response status is 403"),
        "{stdout}"
    );
    assert!(
        stdout.contains("applied waiver for STET-AIS-ACC-02: waived 1 failure(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("expired waiver for scenario \"STET-AIS-ACC-01"),
        "{stdout}"
    );
    assert!(
        stdout.contains("unused waiver for STET-GEN-06: it matched no scenario"),
        "{stdout}"
    );
    assert!(stdout.contains("│ waived"), "{stdout}");
    assert!(stderr.contains("expired on 2020-01-31"), "{stderr}");
    assert!(stderr.contains("waiver for STET-GEN-06"), "{stderr}");
    assert!(
        stderr.contains("waivers.yaml:12): it matched no scenario"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("STET-AIS-ACC-02"),
        "an applied waiver is no warning: {stderr}"
    );

    // JUnit: valid XML, a <skipped type="waived"> naming the waiver, the outcomes in system-out.
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    let mut reader = quick_xml::Reader::from_str(&junit);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("junit.xml is not well-formed: {e}\n{junit}"),
        }
    }
    assert!(
        junit.contains(
            r#"<skipped type="waived" message="waived: scope checks ship in the March release"#
        ),
        "{junit}"
    );
    assert!(junit.contains("waived failure:"), "{junit}");
    assert!(
        junit.contains("expected: HTTP 403"),
        "the failure is kept: {junit}"
    );
    for state in ["applied", "expired", "unused"] {
        assert!(
            junit.contains(&format!("{state} waiver for")),
            "{state}: {junit}"
        );
    }

    // Cucumber JSON: the waived scenario tagged @waived, its failed step skipped with the waiver,
    // the outcomes in the feature's description.
    let cucumber: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("cucumber.json")).unwrap()).unwrap();
    let elements: Vec<&serde_json::Value> = cucumber
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["elements"].as_array().unwrap())
        .collect();
    let waived = elements
        .iter()
        .find(|e| e["name"].as_str().unwrap().starts_with("STET-AIS-ACC-02"))
        .unwrap();
    assert!(
        waived["tags"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({"name": "@waived"}))
    );
    assert!(
        waived["description"].as_str().unwrap().contains("JIRA-101"),
        "{waived}"
    );
    let step = waived["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["result"]["error_message"].is_string())
        .unwrap();
    assert_eq!(step["result"]["status"], "skipped");
    let description = cucumber[0]["description"].as_str().unwrap_or_default();
    for state in ["applied", "expired", "unused"] {
        assert!(
            description.contains(&format!("{state} waiver for")),
            "{state}: {cucumber}"
        );
    }

    // run.json: the verdict, the waiver and the kept failure; every outcome.
    let doc: RunDocument =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let run = &doc.runs[0];
    let s = run
        .scenarios
        .iter()
        .find(|s| s.catalog_ids.contains(&"STET-AIS-ACC-02".to_string()))
        .unwrap();
    assert_eq!(s.verdict, Verdict::Waived);
    assert_eq!(s.waiver.as_ref().unwrap().reference, "JIRA-101");
    assert!(
        s.waiver
            .as_ref()
            .unwrap()
            .origin
            .ends_with("waivers.yaml:2")
    );
    assert!(s.failure.as_ref().unwrap().message.contains("HTTP 403"));
    let states: Vec<(WaiverState, &str)> = run
        .waivers
        .iter()
        .map(|o| (o.state, o.waiver.reference.as_str()))
        .collect();
    assert_eq!(
        states,
        [
            (WaiverState::Applied, "JIRA-101"),
            (WaiverState::Expired, "JIRA-102"),
            (WaiverState::Unused, "JIRA-103"),
        ]
    );
}

#[test]
fn an_expired_waiver_does_not_waive_and_the_run_fails() {
    let dir = tempfile::tempdir().unwrap();
    let target = write(
        dir.path(),
        "t.yaml",
        "name: faulty\nfamily: stet\nembedded: true\nfaults: [wrong-scope-accepted]\n",
    );
    let waivers = write(
        dir.path(),
        "w.yaml",
        &WAIVERS.replacen("2999-12-31", "2021-06-30", 1),
    );
    let out = dir.path().join("r");
    let o = run(&[
        "run",
        "--target",
        target.to_str().unwrap(),
        "--tags",
        "@STET-AIS-ACC-02",
        "--waivers",
        waivers.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(
        stdout.contains("expired waiver for STET-AIS-ACC-02: expired on 2021-06-30: it waives nothing, and 1 failure(s) it covers count"),
        "{stdout}"
    );
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    assert!(
        junit.contains("(a waiver covers this failure but expired on 2021-06-30"),
        "{junit}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("a waiver covers this failure but expired on 2021-06-30"),
        "the expired waiver's note in the HTML"
    );
}

#[test]
fn a_malformed_waiver_file_is_exit_2_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let waivers = write(
        dir.path(),
        "waivers.yaml",
        &WAIVERS.replacen("    owner: ops", "    ownr: ops", 1),
    );
    let o = run(&[
        "run",
        "--waivers",
        waivers.to_str().unwrap(),
        "--out",
        dir.path().join("r").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr).replace(dir.path().to_str().unwrap(), "[TMP]");
    insta::assert_snapshot!(format!("exit {}\n{stderr}", o.status.code().unwrap_or(-1)));
    assert!(!dir.path().join("r").exists(), "nothing ran");

    let bad_date = write(
        dir.path(),
        "dates.yaml",
        &WAIVERS.replacen("2020-01-31", "31 January", 1),
    );
    let o = run(&["run", "--waivers", bad_date.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr).replace(dir.path().to_str().unwrap(), "[TMP]");
    insta::assert_snapshot!(
        "bad_date",
        format!("exit {}\n{stderr}", o.status.code().unwrap_or(-1))
    );
}
