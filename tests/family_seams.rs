//! The seams between the engine and the families, as a user meets them: a family's steps refuse
//! to run in another family's scenario, before anything is sent to the bank.

mod common;

use common::{run, text, write};

#[test]
fn a_step_of_one_family_fails_in_another_familys_scenario_naming_its_family() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "saltedge/guard.feature",
        "Feature: Steps belong to their family\n\n  Scenario: A Salt Edge scenario that borrows STET's words\n    Given the transactions of that account without a date filter are kept for comparison\n    Then the response status is 200\n",
    );
    let out = run(&[
        "run",
        "--features",
        dir.path().to_str().unwrap(),
        "--out",
        dir.path().join("r").to_str().unwrap(),
    ]);
    let text = text(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "this step belongs to the stet family; this scenario runs against a saltedge target (hint: use saltedge's own steps, or move the scenario to features/stet/)"
        ),
        "{text}"
    );
    // The shared vocabulary is everyone's: the step after the refused one was never reached,
    // and the refused one sent nothing, so the failure carries no exchange.
    assert!(!text.contains("request:"), "{text}");
}
