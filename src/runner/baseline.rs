//! `--baseline DIR`: what changed since an earlier run (last night's `run.json`).
//!
//! Each family's run is compared with the baseline's run of the same family and target, scenario
//! by scenario. A scenario is known by its feature file, its name and, among scenarios of that
//! file sharing its name (an outline's rows), its rank: an edit that moves lines does not turn
//! every scenario into a new one. A scenario is failing when its verdict fails the run
//! ([`Verdict::fails_the_run`]); it is newly failing when it fails now and did not before (or did
//! not exist), newly passing when it passes now and failed before, still failing when it fails in
//! both. The comparison is plain data kept in the record (`run.json` holds it); the console and the
//! HTML report show it, and `--fail-on new` fails the run only on newly failing scenarios. This
//! module compares; it never changes a verdict.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{RunDocument, RunRecord, ScenarioRecord, Verdict};

/// What changed in one run since the baseline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineComparison {
    /// The baseline as given on the command line.
    pub source: String,
    /// When the baseline's run of this family started (RFC 3339), when it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_started: Option<String>,
    pub newly_failing: Vec<ScenarioChange>,
    pub newly_passing: Vec<ScenarioChange>,
    pub still_failing: Vec<ScenarioChange>,
}

/// One scenario whose verdict the comparison lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioChange {
    pub catalog_ids: Vec<String>,
    pub name: String,
    pub file: PathBuf,
    pub line: usize,
    pub verdict: Verdict,
    /// Its verdict in the baseline; `None` for a scenario the baseline did not have.
    pub was: Option<Verdict>,
}

impl ScenarioChange {
    /// `[SE-GEN-01] name (saltedge/general.feature:12) passed -> failed`.
    pub fn line(&self) -> String {
        let ids = if self.catalog_ids.is_empty() {
            "-".to_string()
        } else {
            self.catalog_ids.join(",")
        };
        let was = self.was.map_or("absent", Verdict::label);
        format!(
            "[{ids}] {} ({}:{}) {was} -> {}",
            self.name,
            self.file.display(),
            self.line,
            self.verdict.label()
        )
    }
}

/// When `--fail-on` makes the run exit non-zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any failing scenario (the default).
    #[default]
    Any,
    /// Only scenarios newly failing since `--baseline` (known failures are tolerated).
    New,
}

/// Fills each run's [`RunRecord::baseline`] from `baseline`, read from `source`.
pub fn compare(runs: &mut [RunRecord], baseline: &RunDocument, source: &str) {
    for run in runs.iter_mut() {
        let before = baseline
            .runs
            .iter()
            .find(|b| b.family == run.family && b.target == run.target)
            .or_else(|| baseline.runs.iter().find(|b| b.family == run.family));
        run.baseline = Some(compare_run(run, before, source));
    }
}

fn compare_run(now: &RunRecord, before: Option<&RunRecord>, source: &str) -> BaselineComparison {
    let mut was: HashMap<Key, Verdict> = HashMap::new();
    if let Some(before) = before {
        for (key, s) in keyed(&before.scenarios) {
            was.insert(key, s.verdict);
        }
    }
    let mut out = BaselineComparison {
        source: source.to_string(),
        baseline_started: before.map(|b| {
            b.started
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        }),
        ..Default::default()
    };
    for (key, s) in keyed(&now.scenarios) {
        let was = was.get(&key).copied();
        let failed_before = was.is_some_and(Verdict::fails_the_run);
        let change = || ScenarioChange {
            catalog_ids: s.catalog_ids.clone(),
            name: s.name.clone(),
            file: s.shown_file(),
            line: s.line,
            verdict: s.verdict,
            was,
        };
        if s.verdict.fails_the_run() {
            if failed_before {
                out.still_failing.push(change());
            } else {
                out.newly_failing.push(change());
            }
        } else if s.verdict == Verdict::Passed && failed_before {
            out.newly_passing.push(change());
        }
    }
    out
}

/// A scenario's identity across runs: file, name, rank among the file's scenarios of that name.
type Key = (PathBuf, String, usize);

fn keyed(scenarios: &[ScenarioRecord]) -> Vec<(Key, &ScenarioRecord)> {
    let mut sorted: Vec<&ScenarioRecord> = scenarios.iter().collect();
    sorted.sort_by_key(|s| (s.shown_file(), s.line));
    let mut seen: HashMap<(PathBuf, String), usize> = HashMap::new();
    sorted
        .into_iter()
        .map(|s| {
            let rank = seen.entry((s.shown_file(), s.name.clone())).or_default();
            let key = (s.shown_file(), s.name.clone(), *rank);
            *rank += 1;
            (key, s)
        })
        .collect()
}

/// Whether `runs` must exit non-zero under `fail_on`.
pub fn fails(runs: &[RunRecord], fail_on: FailOn) -> bool {
    match fail_on {
        FailOn::Any => runs.iter().any(RunRecord::failed),
        FailOn::New => runs.iter().any(|r| {
            r.baseline
                .as_ref()
                .is_none_or(|b| !b.newly_failing.is_empty())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(name: &str, line: usize, verdict: Verdict) -> ScenarioRecord {
        ScenarioRecord {
            feature: "F".into(),
            path: "features/x/a.feature".into(),
            file: "x/a.feature".into(),
            name: name.into(),
            line,
            tags: vec![],
            catalog_ids: vec!["X-01".into()],
            verdict,
            steps: vec![],
            duration: std::time::Duration::ZERO,
            started: None,
            skip_reason: None,
            failure: None,
            other_exchanges: vec![],
            waiver: None,
            notes: Vec::new(),
        }
    }

    fn run(scenarios: Vec<ScenarioRecord>) -> RunRecord {
        let mut r = RunRecord::new("t", "x");
        r.scenarios = scenarios;
        r
    }

    #[test]
    fn sorts_scenarios_into_new_fixed_and_known_failures() {
        let before = RunDocument::new(vec![run(vec![
            scenario("a", 1, Verdict::Passed),
            scenario("b", 2, Verdict::Failed),
            scenario("c", 3, Verdict::Failed),
            scenario("row", 4, Verdict::Passed),
            scenario("row", 5, Verdict::Failed),
        ])]);
        // Lines moved by an edit above: the rank among same-named scenarios still matches.
        let mut now = vec![run(vec![
            scenario("a", 11, Verdict::Failed),
            scenario("b", 12, Verdict::Passed),
            scenario("c", 13, Verdict::Error),
            scenario("row", 14, Verdict::Passed),
            scenario("row", 15, Verdict::Failed),
            scenario("new", 16, Verdict::Failed),
        ])];
        compare(&mut now, &before, "last-night");
        let b = now[0].baseline.clone().expect("compared");
        let names = |v: &[ScenarioChange]| v.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&b.newly_failing), ["a", "new"]);
        assert_eq!(names(&b.newly_passing), ["b"]);
        assert_eq!(names(&b.still_failing), ["c", "row"]);
        assert_eq!(b.newly_failing[0].was, Some(Verdict::Passed));
        assert_eq!(b.newly_failing[1].was, None);
        assert!(fails(&now, FailOn::New));
        assert!(fails(&now, FailOn::Any));
        now[0]
            .scenarios
            .retain(|s| s.name != "a" && s.name != "new");
        compare(&mut now, &before, "last-night");
        assert!(!fails(&now, FailOn::New), "known failures only");
        assert!(fails(&now, FailOn::Any));
    }
}
