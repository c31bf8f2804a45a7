//! Expiry rules checked against a bank whose clock obconf cannot move: the target file gives
//! credentials that have already expired. `obconf sandbox --family saltedge` writes its own into
//! the target file it prints, and a run through that file checks them as it would any bank's.

mod common;

use common::{Sandbox, run, text};
use obconf::runner::{RunDocument, Verdict};

#[test]
fn salt_edge_expired_token_and_session_are_checked_through_the_sandbox_target_file() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let sandbox = Sandbox::start(Some("saltedge"), &dir.path().join("sb"));
    let target_file = sandbox.target_file.clone();
    let written = std::fs::read_to_string(&target_file).expect("the target file");
    assert!(written.contains("\"expired\""), "{written}");
    let reports = dir.path().join("r");
    let o = run(&[
        "run",
        "--target",
        target_file.to_str().expect("utf-8"),
        "--name",
        "SE-TOKEN-SHOW-06|SE-SESSION-CONFIRM-03",
        "--out",
        reports.to_str().expect("utf-8"),
    ]);
    drop(sandbox);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let doc: RunDocument =
        serde_json::from_str(&std::fs::read_to_string(reports.join("run.json")).expect("run.json"))
            .expect("a run document");
    let scenarios = &doc.runs[0].scenarios;
    let passed: Vec<&str> = scenarios
        .iter()
        .filter(|s| s.verdict == Verdict::Passed)
        .flat_map(|s| s.catalog_ids.iter().map(String::as_str))
        .collect();
    assert!(passed.contains(&"SE-TOKEN-SHOW-06"), "{scenarios:#?}");
    assert!(passed.contains(&"SE-SESSION-CONFIRM-03"), "{scenarios:#?}");
    // The clock scenarios are skipped: an outside bank's clock does not move.
    assert!(scenarios.iter().any(|s| s.verdict == Verdict::Skipped));
}

#[test]
fn without_the_expired_settings_the_expiry_checks_could_not_check() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let sandbox = Sandbox::start(Some("saltedge"), &dir.path().join("sb"));
    let target_file = sandbox.target_file.clone();
    // The same file without its expired credentials.
    let written = std::fs::read_to_string(&target_file).expect("the target file");
    let settings_line = written
        .lines()
        .find(|l| l.starts_with("settings: "))
        .expect("a settings line");
    let mut settings: serde_json::Value =
        serde_json::from_str(settings_line.trim_start_matches("settings: ")).expect("JSON");
    settings
        .as_object_mut()
        .expect("an object")
        .remove("expired");
    std::fs::write(
        &target_file,
        written.replace(settings_line, &format!("settings: {settings}")),
    )
    .expect("rewritten");
    let reports = dir.path().join("r");
    let o = run(&[
        "run",
        "--target",
        target_file.to_str().expect("utf-8"),
        "--name",
        "SE-TOKEN-SHOW-06|SE-SESSION-CONFIRM-03",
        "--out",
        reports.to_str().expect("utf-8"),
    ]);
    drop(sandbox);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("N/C"), "{}", text(&o));
    let junit = std::fs::read_to_string(reports.join("junit.xml")).expect("junit.xml");
    assert!(junit.contains("type=\"could-not-check\""), "{junit}");
    assert!(junit.contains("settings.expired.access_token"), "{junit}");
    let doc: RunDocument =
        serde_json::from_str(&std::fs::read_to_string(reports.join("run.json")).expect("run.json"))
            .expect("a run document");
    let cnc = doc.runs[0]
        .scenarios
        .iter()
        .filter(|s| s.verdict == Verdict::CouldNotCheck)
        .count();
    assert_eq!(cnc, 2);
    let cucumber = std::fs::read_to_string(reports.join("cucumber.json")).expect("cucumber.json");
    assert!(cucumber.contains("\"pending\""), "{cucumber}");
}

/// Finqware's nonce expiry against a bank whose clock obconf cannot move, configured with a short
/// lifetime that the target states: with `--allow-waits` the clock scenarios wait for real (and
/// are not skipped), pass on a healthy bank and catch a bank whose nonces never expire.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finqware_nonce_expiry_waits_for_real_against_a_bank_with_a_short_expiry() {
    use std::sync::{Arc, Mutex};

    use obconf::runner::{self, RunRecord, RunRequest};
    use obconf::sandbox::FaultSet;

    let family = obconf::steps::family("finqware").expect("finqware");
    let outside_bank = |faults: &'static [&'static str]| async move {
        let mut base = family.embedded_target();
        base.settings = Some(serde_json::json!({ "nonce_lifetime_seconds": 15 }));
        let faults = FaultSet::parse(faults, family.about().faults).expect("known faults");
        let bank = family
            .start_embedded(base, faults, ([127, 0, 0, 1], 0).into())
            .await
            .expect("the bank starts");
        // Reached like any outside bank: its clock is not the run's to move.
        let mut target = bank.target.clone();
        target.embedded = false;
        target.real_waits = true;
        (bank, target)
    };
    let run = |target| async move {
        let record = Arc::new(Mutex::new(RunRecord::new("", "finqware")));
        let request = RunRequest::new(
            target,
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("features"),
        )
        .named(regex::Regex::new("FQ-STEP-03").expect("a regex"));
        runner::run(request, family, record.clone())
            .await
            .expect("the run starts");
        let taken = record.lock().expect("the record");
        taken.clone()
    };

    let (bank, target) = outside_bank(&[]).await;
    let healthy = run(target).await;
    drop(bank);
    assert_eq!(healthy.scenarios.len(), 2);
    for s in &healthy.scenarios {
        assert_eq!(s.verdict, Verdict::Passed, "{}: {:?}", s.name, s.failure);
    }

    let (bank, target) = outside_bank(&["nonce-never-expires"]).await;
    let faulty = run(target).await;
    drop(bank);
    assert!(
        faulty
            .scenarios
            .iter()
            .any(|s| s.name.contains("older than") && s.verdict == Verdict::Failed),
        "{:#?}",
        faulty.scenarios
    );
}
