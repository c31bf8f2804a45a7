//! No secret leaves the process: every token, code, password and key the run learned (all are
//! registered for redaction) is absent from the console summary, junit.xml, cucumber.json and
//! run.json (which holds every exchange, passed or failed) of runs whose failures print token
//! exchanges as evidence.

use std::path::Path;
use std::sync::{Arc, Mutex};

use obconf::runner::{self, RunRecord, RunRequest, Verdict};

/// The secrets that occur in `text`, found in one pass by an Aho-Corasick automaton: thousands of
/// secrets (each with its encoded forms) against megabytes of reports, and a search independent of
/// the one the redaction itself uses.
fn leaked<'a>(secrets: &'a [String], text: &str) -> Vec<&'a String> {
    let automaton = aho_corasick::AhoCorasick::new(secrets).expect("an automaton of the secrets");
    let mut found: Vec<&String> = automaton
        .find_overlapping_iter(text)
        .map(|m| &secrets[m.pattern().as_usize()])
        .collect();
    found.sort();
    found.dedup();
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_registered_secret_reaches_the_console_or_a_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("features");
    let stet = obconf::steps::family("stet").expect("the STET family");
    let mut records = Vec::new();
    // Faults whose failing scenarios show token requests and responses as evidence.
    for fault in [
        "code-reusable",
        "refresh-token-reusable",
        "revoke-keeps-access-token",
        "wrong-scope-accepted",
    ] {
        let mut target = stet.embedded_target();
        target.faults = vec![fault.to_string()];
        let record = Arc::new(Mutex::new(RunRecord::new("", "stet")));
        let request = RunRequest::new(target, root.clone());
        runner::run(request, stet, record.clone())
            .await
            .expect("the run starts");
        let r = record.lock().unwrap().clone();
        assert!(
            r.count(Verdict::Failed) > 0,
            "{fault} fails some scenario, so evidence is printed"
        );
        records.push(r);
    }
    let dir = tempfile::tempdir().unwrap();
    obconf::report::write_files(&records, dir.path()).unwrap();
    let mut everything = obconf::report::console::summary(&records);
    for f in [
        "junit.xml",
        "cucumber.json",
        "run.json",
        "report.html",
        "coverage.json",
    ] {
        everything.push_str(&std::fs::read_to_string(dir.path().join(f)).unwrap());
    }
    assert!(
        everything.contains("[REDACTED]"),
        "evidence with credentials was rendered"
    );
    let secrets = obconf::redact::registered();
    // Persona passwords and tokens, one-time codes, refresh tokens, the QWAC and QSEAL keys.
    assert!(
        secrets.len() >= 20,
        "only {} secrets were registered",
        secrets.len()
    );
    let leaked = leaked(&secrets, &everything).len();
    assert_eq!(
        leaked, 0,
        "{leaked} registered secrets appear in the output"
    );
}

/// AlTareq: no key, assertion, request object, code, code verifier, token or PII leaves the run,
/// also when failures print the PAR, token and payment exchanges as evidence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_altareq_credential_or_pii_reaches_the_console_or_a_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("features");
    let family = obconf::steps::family("altareq").expect("the AlTareq family");
    let mut records = Vec::new();
    // Faults whose failing scenarios show PAR, token and payment exchanges as evidence.
    for fault in ["allow-code-reuse", "accept-plain-pii", "ignore-cnf"] {
        let mut target = family.embedded_target();
        target.faults = vec![fault.to_string()];
        let record = Arc::new(Mutex::new(RunRecord::new("", "altareq")));
        let request = RunRequest::new(target, root.clone());
        runner::run(request, family, record.clone())
            .await
            .expect("the run starts");
        let r = record.lock().unwrap().clone();
        assert!(
            r.count(Verdict::Failed) > 0,
            "{fault} fails some scenario, so evidence is printed"
        );
        records.push(r);
    }
    let dir = tempfile::tempdir().unwrap();
    obconf::report::write_files(&records, dir.path()).unwrap();
    let mut everything = obconf::report::console::summary(&records);
    for f in ["junit.xml", "cucumber.json", "run.json", "report.html"] {
        everything.push_str(&std::fs::read_to_string(dir.path().join(f)).unwrap());
    }
    assert!(everything.contains("[REDACTED]"), "evidence was rendered");
    let secrets = obconf::redact::registered();
    let leaked = leaked(&secrets, &everything);
    assert!(
        leaked.is_empty(),
        "{} registered secrets appear in the output",
        leaked.len()
    );
    for shape in ["PRIVATE KEY-----", "\"Initiation\"", "\"CreditorAccount\""] {
        assert!(
            !everything.contains(shape),
            "`{shape}` (a key or plain PII) appears in the output"
        );
    }
}
