//! The command line as users and scripts meet it: exit codes, error texts with file:line (whole
//! texts pinned with insta), `--report` and `run.json`, the sandbox round trip, and secrets kept out
//! of every output.

mod common;

use std::path::Path;
use std::process::Output;

use common::{Sandbox, obconf, run, text, write};

/// `obconf run --features DIR --out DIR/r`: the project's features replaced by a test's own.
fn run_features(dir: &Path) -> Output {
    run(&[
        "run",
        "--features",
        dir.to_str().unwrap(),
        "--out",
        dir.join("r").to_str().unwrap(),
    ])
}

/// The exit code and standard error of `o`, with `dir` (a test's temporary folder) shown as
/// `[TMP]`: what an error snapshot pins.
fn error_text(o: &Output, dir: &Path) -> String {
    let stderr = String::from_utf8_lossy(&o.stderr);
    let shown = stderr.replace(dir.to_str().unwrap_or("[none]"), "[TMP]");
    format!("exit {}\n{shown}", o.status.code().unwrap_or(-1))
}

#[test]
fn default_run_passes_against_the_embedded_bank_and_writes_both_reports() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&["run", "--out", out.path().to_str().unwrap()]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("coverage STET: 49/49"), "{t}");
    assert!(
        t.contains("the target does not declare capability `stet.trusted-beneficiaries`"),
        "{t}"
    );
    let junit = std::fs::read_to_string(out.path().join("junit.xml")).unwrap();
    assert!(junit.contains("STET-AIS-ACC-01 CLAIRE gets all her payment accounts"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("cucumber.json")).unwrap())
            .unwrap();
    assert!(json.as_array().is_some_and(|a| !a.is_empty()));
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(html.contains("STET-AIS-ACC-01 CLAIRE gets all her payment accounts"));
    let coverage: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("coverage.json")).unwrap())
            .unwrap();
    assert_eq!(
        coverage["runs"].as_array().map(Vec::len),
        Some(obconf::steps::families().len()),
        "{coverage}"
    );
    let mandatory: Vec<&str> = t
        .lines()
        .filter_map(|l| l.strip_prefix("mandatory ids passed "))
        .collect();
    assert_eq!(
        mandatory.len(),
        obconf::steps::families().len(),
        "one line per family: {t}"
    );
    for line in mandatory {
        let (passed, total) = line
            .split_once(' ')
            .and_then(|(n, _)| n.split_once('/'))
            .unwrap_or_default();
        assert_eq!(
            passed, total,
            "every mandatory id passes against the embedded bank: {line}"
        );
    }
}

#[test]
fn a_fault_fails_its_scenarios_with_evidence_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let target = write(
        dir.path(),
        "t.yaml",
        "name: faulty\nfamily: stet\nembedded: true\nfaults: [wrong-scope-accepted]\n",
    );
    let o = run(&[
        "run",
        "--target",
        target.to_str().unwrap(),
        "--tags",
        "@STET-AIS-ACC-02",
        "--out",
        dir.path().join("r").to_str().unwrap(),
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("[STET-AIS-ACC-02]"), "{t}");
    assert!(t.contains("expected: HTTP 403"), "{t}");
    assert!(t.contains("actual: HTTP 200"), "{t}");
    assert!(t.contains("GET https://127.0.0.1:"), "{t}");
    assert!(t.contains("Authorization: Bearer [REDACTED]"), "{t}");
    let junit = std::fs::read_to_string(dir.path().join("r/junit.xml")).unwrap();
    assert!(junit.contains("<failure"), "{junit}");
    assert!(junit.contains("expected: HTTP 403"), "{junit}");
}

#[test]
fn an_unknown_key_in_the_target_file_is_exit_2_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let target = write(
        dir.path(),
        "bank.yaml",
        "name: b\nfamily: stet\nbase_url: https://127.0.0.1:1\npersonas:\n  LEA:\n    tokenz: {}\n",
    );
    let o = run(&["run", "--target", target.to_str().unwrap()]);
    insta::assert_snapshot!(error_text(&o, dir.path()));
}

#[test]
fn a_missing_environment_variable_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let target = write(
        dir.path(),
        "bank.yaml",
        "name: b\nfamily: stet\nbase_url: https://127.0.0.1:1\npersonas:\n  LEA:\n    tokens: { aisp: \"${OBCONF_TEST_SURELY_UNSET}\" }\n",
    );
    let o = run(&["run", "--target", target.to_str().unwrap()]);
    insta::assert_snapshot!(error_text(&o, dir.path()));
}

#[test]
fn a_missing_key_file_and_an_unknown_family_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let target = write(
        dir.path(),
        "bank.yaml",
        "name: b\nfamily: stet\nbase_url: https://127.0.0.1:1\ntls:\n  client_cert: nope.pem\n  client_key: nope.key\n",
    );
    let o = run(&["run", "--target", target.to_str().unwrap()]);
    insta::assert_snapshot!("missing_key_file", error_text(&o, dir.path()));

    let target = write(
        dir.path(),
        "f.yaml",
        "name: b\nfamily: nosuch\nbase_url: https://x\n",
    );
    let o = run(&["run", "--target", target.to_str().unwrap()]);
    insta::assert_snapshot!("unknown_family", error_text(&o, dir.path()));
}

#[test]
fn an_unknown_report_kind_is_exit_2_naming_the_known_kinds() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "run",
        "--report",
        "junit,pdf",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    insta::assert_snapshot!(error_text(&o, dir.path()));
    assert!(!dir.path().join("run.json").exists(), "nothing ran");
}

#[test]
fn bad_tags_and_a_bad_name_regex_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = run(&["run", "--tags", "@a and", "--out", out.to_str().unwrap()]);
    insta::assert_snapshot!("bad_tags", error_text(&o, dir.path()));
    let o = run(&["run", "--name", "(", "--out", out.to_str().unwrap()]);
    insta::assert_snapshot!("bad_name", error_text(&o, dir.path()));
}

#[test]
fn a_missing_features_folder_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let out = dir.path().join("r");
    let o = run(&[
        "run",
        "--features",
        missing.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    insta::assert_snapshot!("missing_features_run", error_text(&o, dir.path()));
    let o = run(&["list", "--features", missing.to_str().unwrap()]);
    insta::assert_snapshot!("missing_features_list", error_text(&o, dir.path()));
}

#[test]
fn an_unwritable_out_folder_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "a-file", "not a folder");
    let o = run(&[
        "run",
        "--tags",
        "@STET-GEN-06",
        "--out",
        file.to_str().unwrap(),
    ]);
    insta::assert_snapshot!(error_text(&o, dir.path()));
}

/// A run through the command line writes run.json beside the chosen reports, and it reads back
/// into the record type: counts, metadata, the exchanges of passed scenarios, nothing secret.
#[test]
fn run_json_is_written_by_every_run_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let o = run(&[
        "run",
        "--tags",
        "@STET-AIS-ACC-01 or @STET-AIS-ACC-02 or @STET-AIS-TBN-01",
        "--report",
        "junit",
        "--out",
        out.to_str().unwrap(),
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(out.join("junit.xml").exists(), "{t}");
    assert!(
        !out.join("cucumber.json").exists(),
        "--report chose junit only"
    );
    let json = std::fs::read_to_string(out.join("run.json")).expect("run.json is written");
    let doc: obconf::runner::RunDocument =
        serde_json::from_str(&json).expect("run.json reads back");
    assert_eq!(doc.format, obconf::runner::RunDocument::FORMAT);
    assert_eq!(
        doc.runs.len(),
        obconf::steps::families().len(),
        "one run per family"
    );
    assert_eq!(doc.catalog_version, obconf::catalog::catalog_version());
    let stet = &doc.runs[0];
    assert_eq!(
        (stet.family.as_str(), stet.target.as_str()),
        ("stet", "embedded-stet")
    );
    assert_eq!(stet.obconf_version, env!("CARGO_PKG_VERSION"));
    assert!(
        stet.base_url.starts_with("https://127.0.0.1:"),
        "{}",
        stet.base_url
    );
    assert!(stet.capabilities.iter().any(|c| c == "sandbox.clock"));
    assert!(!stet.tls_insecure);
    assert!(stet.interrupted.is_none());
    assert!(stet.finished.is_some_and(|f| f >= stet.started));
    use obconf::runner::Verdict;
    assert_eq!(
        (stet.count(Verdict::Passed), stet.count(Verdict::Skipped)),
        (3, 1)
    );
    assert_eq!(stet.count(Verdict::NotRun), 0, "every scenario finished");
    for s in &stet.scenarios {
        assert!(!s.steps.is_empty(), "{} keeps its steps", s.name);
        assert!(
            s.file.is_relative() && s.file.starts_with("stet"),
            "{}: {} is relative to the features folder",
            s.name,
            s.file.display()
        );
        let ran = s.verdict != Verdict::Skipped;
        assert_eq!(s.started.is_some(), ran, "{} has its own start", s.name);
    }
    let mut credentials = 0;
    for s in stet
        .scenarios
        .iter()
        .filter(|s| s.verdict == Verdict::Passed)
    {
        assert!(
            s.exchanges().count() > 0,
            "{} carries its exchanges",
            s.name
        );
        for e in s.exchanges() {
            let headers = e
                .request
                .headers
                .iter()
                .chain(e.response.iter().flat_map(|r| r.headers.iter()));
            for h in headers.filter(|h| obconf::redact::is_secret_header(&h.name)) {
                assert!(h.value.ends_with("[REDACTED]"), "{}: {}", h.name, h.value);
                credentials += 1;
            }
            let bodies = e
                .request
                .body
                .iter()
                .chain(e.response.iter().flat_map(|r| r.body.iter()));
            for body in bodies {
                credentials += masked_fields(&body.text);
            }
        }
    }
    assert!(
        credentials > 0,
        "the run's token requests were recorded, masked"
    );
}

/// How many credential fields `body` (JSON or a form) holds, after checking each is masked.
fn masked_fields(body: &str) -> usize {
    fn walk(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(m) => m
                .iter()
                .map(|(k, v)| {
                    if obconf::redact::is_secret_field(k) && !v.is_null() {
                        assert_eq!(v, "[REDACTED]", "field {k}");
                        1
                    } else {
                        walk(v)
                    }
                })
                .sum(),
            serde_json::Value::Array(items) => items.iter().map(walk).sum(),
            _ => 0,
        }
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
        return walk(&v);
    }
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| obconf::redact::is_secret_field(k))
        .map(|(k, v)| {
            assert_eq!(v, "[REDACTED]", "field {k}");
            1
        })
        .sum()
}

#[test]
fn a_feature_with_a_syntax_error_is_exit_2_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "stet/broken.feature",
        "Feature: broken\n  Scenario: one\n    Given the request carries no access token\n  Whenever this is not gherkin\n",
    );
    let o = run_features(dir.path());
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("broken.feature:4"), "{t}");
}

#[test]
fn an_unreachable_bank_fails_each_scenario_clearly_and_still_writes_reports() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let target = write(
        dir.path(),
        "down.yaml",
        &format!(
            "name: down\nfamily: stet\nbase_url: https://127.0.0.1:{port}\ntimeout_secs: 2\npersonas:\n  LEA:\n    tokens: {{ aisp: \"${{OBCONF_TEST_TOKEN}}\" }}\n"
        ),
    );
    let o = obconf()
        .args([
            "run",
            "--target",
            target.to_str().unwrap(),
            "--tags",
            "@STET-AIS-ACC-03",
            "--out",
        ])
        .arg(dir.path().join("r"))
        .env("OBCONF_TEST_TOKEN", "secret-token-value-42")
        .output()
        .unwrap();
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("could not connect"), "{t}");
    assert!(!t.contains("secret-token-value-42"), "{t}");
    assert!(dir.path().join("r/junit.xml").exists());
}

#[test]
fn list_and_faults_describe_the_suite() {
    let o = run(&["list"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0));
    assert!(t.contains("STET-AIS-ACC-01"));
    assert!(t.contains("coverage STET: 49/49"), "{t}");
    let o = run(&["faults"]);
    let t = text(&o);
    assert!(t.contains("wrong-scope-accepted") && t.contains("STET-AIS-ACC-02"));
}

/// `obconf sandbox` in one process, `obconf run --target <its file>` in another: same verdicts as the
/// in-process run, and none of the sandbox's secrets in the console or the reports.
#[test]
fn the_sandbox_target_file_runs_the_external_path_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::start(None, &dir.path().join("sb"));
    let target_file = sandbox.target_file.clone();
    let reports = dir.path().join("r");
    let o = run(&[
        "run",
        "--target",
        target_file.to_str().unwrap(),
        "--out",
        reports.to_str().unwrap(),
    ]);
    drop(sandbox);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("│ total "), "{t}");
    let embedded = run(&["run", "--out", dir.path().join("e").to_str().unwrap()]);
    let count = |t: &str| {
        t.lines()
            .find(|l| l.contains("│ total"))
            .map(str::to_string)
    };
    assert_eq!(count(&t), count(&text(&embedded)));

    let mut everything = t.clone();
    for f in [
        "junit.xml",
        "cucumber.json",
        "run.json",
        "report.html",
        "coverage.json",
    ] {
        everything.push_str(&std::fs::read_to_string(reports.join(f)).unwrap());
    }
    let mode = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(&dir.path().join("sb/secrets")), 0o700);
    let secrets = std::fs::read_dir(dir.path().join("sb/secrets")).unwrap();
    let mut seen = 0;
    for s in secrets {
        let path = s.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
        let value = std::fs::read_to_string(&path).unwrap();
        seen += 1;
        assert!(
            !everything.contains(value.trim()),
            "a sandbox secret leaked"
        );
    }
    assert!(seen >= 10, "the sandbox wrote its secrets");
}

/// Every target file shipped in targets/ is valid for the strict schema: the examples cannot drift
/// from the code that reads them.
#[test]
fn every_shipped_target_file_has_only_known_keys() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("targets");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            if let Err(e) = serde_saphyr::from_str::<obconf::target::TargetFile>(&text) {
                panic!("{}: {e}", path.display());
            }
            seen += 1;
        }
    }
    assert!(seen >= 2);
}

/// A bank's own folder with features for one family runs those, and no family runs another
/// family's scenarios against its bank.
#[test]
fn a_features_folder_for_one_family_runs_only_that_family() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "stet/own.feature",
        "Feature: a bank's own\n  @STET-GEN-06\n  Scenario: STET-GEN-06 no token\n    Given the request carries no access token\n    When the TPP sends GET /accounts\n    Then the response status is 401\n",
    );
    let o = run_features(dir.path());
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("ok   STET-GEN-06 no token"), "{t}");
    assert!(!t.contains("FAIL"), "{t}");
    let junit = std::fs::read_to_string(dir.path().join("r/junit.xml")).unwrap();
    assert_eq!(junit.matches("<testcase").count(), 1, "{junit}");
}
