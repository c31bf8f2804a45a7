//! Typos never give a green run: a selection that matches no scenario, an unknown family for
//! `self-test`, an undefined step and a target file that declares `sandbox.clock` are exit 2 with
//! a hint, and the previous reports stay as they were.

mod common;

use common::{run, text, write};

/// A report folder holding a previous run's `run.json`, which must survive.
fn previous_reports(dir: &std::path::Path) -> std::path::PathBuf {
    let out = dir.join("out");
    write(&out, "run.json", "previous");
    out
}

fn kept(out: &std::path::Path) {
    assert_eq!(
        std::fs::read_to_string(out.join("run.json")).expect("run.json"),
        "previous",
        "the previous report was overwritten"
    );
}

#[test]
fn a_selection_matching_no_scenario_is_exit_2_and_keeps_the_reports() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = previous_reports(dir.path());
    let out_arg = out.to_str().expect("utf-8");
    for args in [
        vec!["run", "--name", "STET-NO-SUCH-ID", "--out", out_arg],
        vec!["run", "--tags", "@NO-SUCH-TAG", "--out", out_arg],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("matches no scenario"), "{}", text(&o));
        assert!(text(&o).contains("obconf list"), "{}", text(&o));
        kept(&out);
    }
}

#[test]
fn an_undefined_step_is_exit_2_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = previous_reports(dir.path());
    let features = dir.path().join("features");
    write(
        &features,
        "stet/typo.feature",
        "@stet\nFeature: typo\n  Scenario: a typo\n    Given the PSU persona GEORGES with an acess token of scope aisp\n",
    );
    let o = run(&[
        "run",
        "--features",
        features.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("typo.feature:4"), "{}", text(&o));
    assert!(text(&o).contains("acess token"), "{}", text(&o));
    kept(&out);
}

#[test]
fn self_test_of_an_unknown_family_is_exit_2() {
    let o = run(&["self-test", "--family", "stte"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("unknown family `stte`"), "{}", text(&o));
    assert!(text(&o).contains("stet"), "{}", text(&o));
}

#[test]
fn a_target_file_declaring_sandbox_clock_is_exit_2_with_a_hint() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let out = previous_reports(dir.path());
    let target = write(
        dir.path(),
        "bank.yaml",
        "name: bank\nfamily: stet\nembedded: true\ncapabilities: [sandbox.clock]\n",
    );
    let o = run(&[
        "run",
        "--target",
        target.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("bank.yaml:4"), "{}", text(&o));
    assert!(
        text(&o).contains("already-expired credentials"),
        "{}",
        text(&o)
    );
    kept(&out);
}
