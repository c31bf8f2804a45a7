//! The waiver file's strictness and what applying waivers does to a record.

use super::*;
use std::time::Duration;

fn scenario(name: &str, id: &str, verdict: Verdict) -> ScenarioRecord {
    ScenarioRecord {
        feature: "f".into(),
        path: PathBuf::from("f.feature"),
        file: PathBuf::from("f.feature"),
        started: None,
        name: name.into(),
        line: 1,
        tags: vec![id.into()],
        catalog_ids: vec![id.into()],
        verdict,
        steps: Vec::new(),
        duration: Duration::ZERO,
        skip_reason: None,
        failure: None,
        other_exchanges: Vec::new(),
        waiver: None,
        notes: Vec::new(),
    }
}

/// Four catalog ids, taken from the catalog so that no family is named here.
fn ids() -> Vec<String> {
    crate::catalog::catalog()
        .tests
        .iter()
        .take(4)
        .map(|e| e.id.clone())
        .collect()
}

fn file(ids: &[String]) -> String {
    format!(
        "waivers:
  - id: {}
    reason: signatures go live in March
    owner: api-team
    reference: JIRA-1
    expires: 2027-03-31
  - scenario: the second one
    reason: old
    owner: api-team
    reference: JIRA-2
    expires: 2026-01-31
  - id: {}
    reason: never needed
    owner: api-team
    reference: JIRA-3
    expires: 2027-03-31
  - id: {}
    reason: nothing like it ran
    owner: api-team
    reference: JIRA-4
    expires: 2027-03-31
",
        ids[0], ids[2], ids[3]
    )
}

#[test]
fn waivers_in_force_waive_failures_and_expired_or_unused_ones_say_so() {
    let ids = ids();
    let waivers = parse(&file(&ids), Path::new("w.yaml")).unwrap();
    assert_eq!(waivers[1].record.origin, "w.yaml:7");
    let mut r = RunRecord::new("t", "f");
    r.scenarios = vec![
        scenario("the first one", &ids[0], Verdict::Failed),
        scenario("the second one", &ids[1], Verdict::Failed),
        scenario("the third one", &ids[2], Verdict::Passed),
    ];
    let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let warnings = apply(std::slice::from_mut(&mut r), &waivers, today);
    assert_eq!(r.scenarios[0].verdict, Verdict::Waived);
    assert_eq!(r.scenarios[0].waiver.as_ref().unwrap().reference, "JIRA-1");
    assert_eq!(r.scenarios[1].verdict, Verdict::Failed, "expired");
    assert_eq!(r.scenarios[2].verdict, Verdict::Passed);
    assert!(r.failed());
    let states: Vec<WaiverState> = r.waivers.iter().map(|o| o.state).collect();
    assert_eq!(
        states,
        [
            WaiverState::Applied,
            WaiverState::Expired,
            WaiverState::Unused,
            WaiverState::Unused
        ]
    );
    assert_eq!(
        r.expired_waiver_for(&r.scenarios[1])
            .map(|o| o.waiver.reference.as_str()),
        Some("JIRA-2")
    );
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings[2].contains("matched no scenario"), "{warnings:?}");
}

#[test]
fn a_waiver_file_is_strict_with_lines() {
    let ids = ids();
    let good = file(&ids);
    let err = |text: &str| parse(text, Path::new("w.yaml")).unwrap_err().to_string();
    let typo = good.replace(
        "    owner: api-team\n    reference: JIRA-3",
        "    ownr: api-team\n    reference: JIRA-3",
    );
    assert!(err(&typo).contains("w.yaml:14"), "{}", err(&typo));
    let both = good.replacen(
        "    reason: signatures",
        "    scenario: x\n    reason: signatures",
        1,
    );
    assert!(err(&both).starts_with("w.yaml:2: "), "{}", err(&both));
    let date = good.replacen("2027-03-31", "31/03/2027", 1);
    assert!(
        err(&date).starts_with("w.yaml:6: expires"),
        "{}",
        err(&date)
    );
    let id = good.replacen(&ids[0], "NOPE-GEN-99", 1);
    assert!(
        err(&id).starts_with("w.yaml:2: id `NOPE-GEN-99`"),
        "{}",
        err(&id)
    );
}
