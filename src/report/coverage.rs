//! The coverage matrix: for every catalog id of a run's family, whether it is mandatory, the
//! scenarios that check it and the id's verdict, and how many mandatory ids passed.
//!
//! Computed from the record and the compiled-in catalog only; rendering lives elsewhere
//! (`coverage.json` in `coverage_json`, the HTML section, the console summary). The family's
//! catalog prefix comes from the family registry by the record's family name, or from the
//! record's own coverage when the registry does not know the name (a record read back from an
//! older `run.json`, say).

use serde::{Deserialize, Serialize};

use crate::catalog::catalog;
use crate::runner::{RunRecord, ScenarioRecord, Verdict};

/// The reason of a [`IdVerdict::NoScenario`] id that has scenarios in the features, none of them
/// selected by the run (`--tags`, `--name`).
pub const UNSELECTED: &str = "no scenario selected in this run";

/// The verdict of one catalog id, from the verdicts of its scenarios.
///
/// Declared from the worst to the best: an id with several scenarios takes the worst of theirs.
/// A known failure (failed, waived) ranks above what was not checked (skipped), which ranks above
/// a pass. `NoScenario` is the verdict of an id no scenario of the run carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdVerdict {
    /// A scenario failed (or could not run: a hook or its setup failed).
    Failed,
    /// The check could not be made against this target (a setting it lacks, data that cannot
    /// exercise the rule).
    CouldNotCheck,
    /// A scenario failed and a waiver accepts it.
    Waived,
    /// Not checked against this target: a capability it does not declare, or the run stopped first.
    Skipped,
    Passed,
    /// No scenario of the run carries the id.
    NoScenario,
}

impl IdVerdict {
    /// Every id verdict, in the order reports list them.
    pub const ALL: [IdVerdict; 6] = [
        IdVerdict::Passed,
        IdVerdict::Failed,
        IdVerdict::CouldNotCheck,
        IdVerdict::Skipped,
        IdVerdict::Waived,
        IdVerdict::NoScenario,
    ];

    pub fn label(self) -> &'static str {
        match self {
            IdVerdict::Passed => "passed",
            IdVerdict::Failed => "failed",
            IdVerdict::CouldNotCheck => "could not check",
            IdVerdict::Skipped => "skipped",
            IdVerdict::Waived => "waived",
            IdVerdict::NoScenario => "no scenario",
        }
    }

    /// The label as one token (`no-scenario`), for class names and data attributes.
    pub fn slug(self) -> &'static str {
        match self {
            IdVerdict::Passed => "passed",
            IdVerdict::Failed => "failed",
            IdVerdict::CouldNotCheck => "could-not-check",
            IdVerdict::Skipped => "skipped",
            IdVerdict::Waived => "waived",
            IdVerdict::NoScenario => "no-scenario",
        }
    }

    /// What a scenario's verdict says of the ids it carries.
    pub fn of(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Passed => IdVerdict::Passed,
            Verdict::Failed | Verdict::Error => IdVerdict::Failed,
            Verdict::CouldNotCheck => IdVerdict::CouldNotCheck,
            Verdict::Skipped | Verdict::NotRun => IdVerdict::Skipped,
            Verdict::Waived => IdVerdict::Waived,
        }
    }
}

/// A scenario that carries a catalog id, as the matrix names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdScenario {
    pub name: String,
    pub verdict: Verdict,
}

/// One catalog id of the family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdCoverage {
    pub id: String,
    pub mandatory: bool,
    /// The scenarios of the run that carry the id, in file order.
    pub scenarios: Vec<IdScenario>,
    pub verdict: IdVerdict,
    /// Why the id has its verdict when it did not pass: the skip reason, the waiver, the failure's
    /// first line, or why no scenario carries it.
    pub reason: Option<String>,
}

/// The matrix of one family's run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyCoverage {
    pub family: String,
    pub target: String,
    /// The family's catalog prefix (`SE-`).
    pub prefix: String,
    /// Every catalog id with the prefix, in catalog order.
    pub ids: Vec<IdCoverage>,
    pub mandatory_passed: usize,
    pub mandatory_total: usize,
}

impl FamilyCoverage {
    /// The matrix of `record`.
    pub fn of(record: &RunRecord) -> Self {
        let prefix = crate::steps::family(&record.family)
            .map(|f| f.about().catalog_prefix.to_string())
            .or_else(|| record.coverage.as_ref().map(|c| c.prefix.clone()))
            .unwrap_or_default();
        let ids: Vec<IdCoverage> = if prefix.is_empty() {
            Vec::new()
        } else {
            catalog()
                .tests
                .iter()
                .filter(|e| e.id.starts_with(&prefix))
                .map(|e| id_coverage(record, &e.id, e.mandatory))
                .collect()
        };
        let mandatory = || ids.iter().filter(|i| i.mandatory);
        Self {
            family: record.family.clone(),
            target: record.target.clone(),
            mandatory_passed: mandatory()
                .filter(|i| i.verdict == IdVerdict::Passed)
                .count(),
            mandatory_total: mandatory().count(),
            prefix,
            ids,
        }
    }

    /// How many ids have `verdict`.
    pub fn count(&self, verdict: IdVerdict) -> usize {
        self.ids.iter().filter(|i| i.verdict == verdict).count()
    }

    /// `mandatory ids passed 40/42`.
    pub fn mandatory_line(&self) -> String {
        format!(
            "mandatory ids passed {}/{}",
            self.mandatory_passed, self.mandatory_total
        )
    }
}

/// The matrix of every run of an invocation, one per run.
pub fn matrix(runs: &[RunRecord]) -> Vec<FamilyCoverage> {
    runs.iter().map(FamilyCoverage::of).collect()
}

fn id_coverage(record: &RunRecord, id: &str, mandatory: bool) -> IdCoverage {
    let carrying: Vec<&ScenarioRecord> = record
        .scenarios
        .iter()
        .filter(|s| s.catalog_ids.iter().any(|c| c == id))
        .collect();
    let verdict = carrying
        .iter()
        .map(|s| IdVerdict::of(s.verdict))
        .min()
        .unwrap_or(IdVerdict::NoScenario);
    let reason = match verdict {
        IdVerdict::Passed => None,
        IdVerdict::NoScenario => Some(no_scenario_reason(record, id)),
        worst => {
            let mut reasons: Vec<String> = Vec::new();
            for s in carrying
                .iter()
                .filter(|s| IdVerdict::of(s.verdict) == worst)
            {
                if let Some(r) = scenario_reason(s).filter(|r| !reasons.contains(r)) {
                    reasons.push(r);
                }
            }
            (!reasons.is_empty()).then(|| reasons.join("; "))
        }
    };
    IdCoverage {
        id: id.to_string(),
        mandatory,
        scenarios: carrying
            .iter()
            .map(|s| IdScenario {
                name: s.name.clone(),
                verdict: s.verdict,
            })
            .collect(),
        verdict,
        reason,
    }
}

/// Why a scenario did not pass, in one line.
fn scenario_reason(s: &ScenarioRecord) -> Option<String> {
    if let Some(reason) = s.reason() {
        return Some(reason);
    }
    let failure = s.failure.as_ref()?;
    let first = failure.message.lines().next().unwrap_or_default().trim();
    Some(match s.verdict {
        Verdict::Error => format!("could not run: {}: {first}", failure.step),
        Verdict::CouldNotCheck => format!("{}: {first}", failure.step),
        _ => format!("{}: {first}", failure.step),
    })
}

fn no_scenario_reason(record: &RunRecord, id: &str) -> String {
    match &record.coverage {
        Some(c) if c.missing.iter().any(|m| m == id) => "no scenario in the features".into(),
        Some(_) => UNSELECTED.into(),
        None => "no scenario in this run".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::*;
    use crate::runner::record::FailureRecord;

    fn scenario(ids: &[&str], verdict: Verdict) -> ScenarioRecord {
        ScenarioRecord {
            feature: "f".into(),
            path: PathBuf::from("f.feature"),
            file: PathBuf::from("f.feature"),
            started: None,
            name: format!("{} {verdict:?}", ids.join(" ")),
            line: 1,
            tags: Vec::new(),
            catalog_ids: ids.iter().map(|s| s.to_string()).collect(),
            verdict,
            steps: Vec::new(),
            duration: Duration::ZERO,
            skip_reason: (verdict == Verdict::Skipped).then(|| "no capability".into()),
            failure: (verdict == Verdict::Failed).then(|| FailureRecord {
                step: "Then it holds".into(),
                line: 2,
                message: "expected: a\n  actual: b".into(),
                evidence: None,
            }),
            other_exchanges: Vec::new(),
            waiver: None,
            notes: Vec::new(),
        }
    }

    /// The first family of the registry and two of its catalog ids.
    fn family_and_ids() -> (&'static str, String, String) {
        let family = crate::steps::families()[0].about();
        let mut ids = catalog().ids_with_prefix(family.catalog_prefix);
        let a = ids.next().unwrap_or_default().to_string();
        let b = ids.next().unwrap_or_default().to_string();
        (family.name, a, b)
    }

    #[test]
    fn an_id_takes_the_worst_verdict_of_its_scenarios_with_the_reason() {
        let (family, a, b) = family_and_ids();
        let mut r = RunRecord::new("t", family);
        r.scenarios.push(scenario(&[&a], Verdict::Passed));
        r.scenarios.push(scenario(&[&a, &b], Verdict::Skipped));
        r.scenarios.push(scenario(&[&a], Verdict::Failed));
        let m = FamilyCoverage::of(&r);
        let get = |id: &str| m.ids.iter().find(|i| i.id == id).cloned();
        let a = get(&a).expect("a is in the matrix");
        assert_eq!(a.verdict, IdVerdict::Failed);
        assert_eq!(a.scenarios.len(), 3);
        assert_eq!(a.reason.as_deref(), Some("Then it holds: expected: a"));
        let b = get(&b).expect("b is in the matrix");
        assert_eq!(b.verdict, IdVerdict::Skipped);
        assert_eq!(b.reason.as_deref(), Some("no capability"));
        assert!(m.ids.len() > 2);
        assert!(m.count(IdVerdict::NoScenario) == m.ids.len() - 2);
        assert_eq!(m.mandatory_passed, 0);
    }

    #[test]
    fn mandatory_ids_passed_counts_only_mandatory_ids_that_passed() {
        let (family, a, _) = family_and_ids();
        let mut r = RunRecord::new("t", family);
        r.scenarios.push(scenario(&[&a], Verdict::Passed));
        let m = FamilyCoverage::of(&r);
        let mandatory = catalog().get(&a).is_some_and(|e| e.mandatory);
        assert_eq!(m.mandatory_passed, usize::from(mandatory));
        assert_eq!(
            m.mandatory_total,
            m.ids.iter().filter(|i| i.mandatory).count()
        );
        assert!(m.mandatory_line().starts_with("mandatory ids passed "));
    }

    #[test]
    fn an_unknown_family_without_coverage_has_an_empty_matrix() {
        let r = RunRecord::new("t", "no-such-family");
        let m = FamilyCoverage::of(&r);
        assert!(m.ids.is_empty());
        assert_eq!(m.mandatory_line(), "mandatory ids passed 0/0");
    }
}
