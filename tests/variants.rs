//! Verdicts that hold on any bank: boundary checks take their boundary from the bank's own data,
//! and an error is never taken for a refusal. (That every suite passes against healthy variants
//! and every fault is caught inside one is proven by the mutation-matrix test.)

use std::path::Path;
use std::sync::{Arc, Mutex};

use obconf::runner::{self, RunRecord, RunRequest, Verdict};
use obconf::sandbox::FaultSet;

fn features() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("features")
}

async fn run_family(family: &str, target: obconf::target::Target, name: &str) -> RunRecord {
    let (record, result) = try_run_family(family, target, name).await;
    result.expect("the run starts");
    record
}

/// Runs the scenarios named `name` and returns the record with what the runner said.
async fn try_run_family(
    family: &str,
    target: obconf::target::Target,
    name: &str,
) -> (RunRecord, Result<(), runner::RunError>) {
    let family = obconf::steps::family(family).expect("a registered family");
    let record = Arc::new(Mutex::new(RunRecord::new("", family.about().name)));
    let request =
        RunRequest::new(target, features()).named(regex::Regex::new(name).expect("a regex"));
    let result = runner::run(request, family, record.clone()).await;
    let taken = record.lock().expect("the record");
    (taken.clone(), result)
}

/// A STET variant whose current account of GEORGES has no transaction booked 10 days ago (where
/// the old check put dateTo), with the fault that includes the dateTo day: STET-AIS-TRX-06 fails,
/// because its boundary is a booking day the bank itself returned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_that_includes_the_date_to_day_fails_whatever_its_dates() {
    let family = obconf::steps::family("stet").expect("stet");
    let today = chrono::Utc::now().date_naive();
    let ten_days_ago = today - chrono::Days::new(10);
    let mut chosen = None;
    for seed in 1..200u64 {
        let mut target = family.embedded_target();
        target.variant = Some(seed);
        let bank = family
            .start_embedded(target, FaultSet::none(), ([127, 0, 0, 1], 0).into())
            .await
            .expect("the bank starts");
        let stet = bank
            .state
            .clone()
            .downcast::<obconf::sandbox::stet::StetBank>()
            .expect("a STET bank");
        let dates = stet.booking_dates("GEORGES", "current");
        if !dates.contains(&ten_days_ago) && dates.len() > 2 {
            chosen = Some(seed);
            break;
        }
    }
    let seed = chosen.expect("some variant has no transaction 10 days ago");
    let mut target = family.embedded_target();
    target.variant = Some(seed);
    target.faults = vec!["date-to-inclusive".into()];
    let record = run_family("stet", target.clone(), "STET-AIS-TRX-06").await;
    assert_eq!(record.scenarios.len(), 1);
    let s = &record.scenarios[0];
    assert_eq!(s.verdict, Verdict::Failed, "variant {seed}: {s:?}");
    let message = &s.failure.as_ref().expect("a failure").message;
    assert!(message.contains("dateTo, exclusive"), "{message}");

    target.faults.clear();
    let healthy = run_family("stet", target, "STET-AIS-TRX-06").await;
    assert_eq!(
        healthy.scenarios[0].verdict,
        Verdict::Passed,
        "variant {seed}"
    );
}

/// STET-OAUTH-04 pointed at a closed port: no response and no TLS alert is no refusal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_port_is_not_a_refused_handshake() {
    let family = obconf::steps::family("stet").expect("stet");
    let bank = family
        .start_embedded(
            family.embedded_target(),
            FaultSet::none(),
            ([127, 0, 0, 1], 0).into(),
        )
        .await
        .expect("the bank starts");
    let mut target = bank.target.clone();
    drop(bank);
    // The bank's port is closed now; the target still names it, with every setting a run needs.
    target.embedded = false;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let (record, result) = try_run_family("stet", target, "STET-OAUTH-04").await;
    assert_eq!(record.scenarios.len(), 2);
    // The pre-flight probe finds the port closed and ends the run before any scenario: both are
    // `not run`, and the run says why. Without the probe, the step itself fails for want of a TLS
    // alert (`http::transport` tells an alert from a refused connection).
    let err = result.expect_err("a closed port must not let the run start");
    assert!(err.is_bank_down(), "{err}");
    for s in &record.scenarios {
        assert_eq!(s.verdict, Verdict::NotRun, "{}: {:?}", s.name, s.failure);
    }
}

/// Finqware's document leaves open whether the nonce after an upload-requiring step comes in the
/// step's answer or in its upload's: both readings pass, and the scenario's evidence says which
/// one the bank follows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_evidence_names_the_nonce_reading_the_bank_follows() {
    let family = obconf::steps::family("finqware").expect("finqware");
    let reading_of = |seed: u64| {
        obconf::sandbox::kit::Variant::seeded(seed).flip("nonce after an upload-requiring step")
    };
    for (in_upload, said) in [
        (false, "in the upload-requiring step's own answer"),
        (true, "in the answer to the step's upload"),
    ] {
        let seed = (1..100u64)
            .find(|&s| reading_of(s) == in_upload)
            .expect("a seed draws each reading");
        let mut target = family.embedded_target();
        target.variant = Some(seed);
        let (record, result) = try_run_family("finqware", target, "FQ-STEP-01 A multi-step").await;
        result.expect("the run completes");
        let s = &record.scenarios[0];
        assert_eq!(s.verdict, Verdict::Passed, "seed {seed}: {:?}", s.failure);
        assert!(
            s.notes.iter().any(|n| n.ends_with(said)),
            "seed {seed}: {:?}",
            s.notes
        );
    }
}
