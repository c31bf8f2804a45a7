//! `obconf merge DIR... --out DIR`: the shards of one run (`run --shard K/N` on several CI
//! machines) combined into the reports one unsharded run would have written.
//!
//! Each shard's `run.json` holds its runs (one per family and target). Runs of the same family
//! and target are joined: their scenarios together in file order, the earliest start and the
//! latest end, the first shard's metadata (an embedded bank's address differs from shard to
//! shard), each waiver's outcome combined. A scenario found in two shards is an error: the same
//! shard given twice, or shards of different partitions. The merged record then goes through the
//! same report writers as a run's. Nothing here runs a scenario or changes a verdict.

use std::collections::HashSet;
use std::path::PathBuf;

use super::{CliError, MergeArgs, say};
use crate::report::{self, Reporter as _};
use crate::runner::{RunRecord, WaiverState, previous};

/// Shards that do not make one run.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error(
        "scenario `{name}` ({file}:{line}) of {family} is in more than one shard, the second time in `{dir}` (hint: give each shard's folder once, all from the same --shard K/N run)"
    )]
    Duplicate {
        family: String,
        name: String,
        file: String,
        line: usize,
        dir: PathBuf,
    },
}

pub fn merge(args: &MergeArgs) -> Result<(), CliError> {
    let reports = super::run::reports(&args.report)?;
    let mut docs = Vec::new();
    for dir in &args.dirs {
        docs.push((dir.clone(), previous::read(dir)?));
    }
    let mut runs: Vec<RunRecord> = Vec::new();
    let mut seen: HashSet<(String, String, PathBuf, usize, String)> = HashSet::new();
    for (dir, doc) in docs {
        for run in doc.runs {
            for s in &run.scenarios {
                let key = (
                    run.family.clone(),
                    run.target.clone(),
                    s.shown_file(),
                    s.line,
                    s.name.clone(),
                );
                if !seen.insert(key) {
                    return Err(MergeError::Duplicate {
                        family: run.family.clone(),
                        name: s.name.clone(),
                        file: s.shown_file().display().to_string(),
                        line: s.line,
                        dir,
                    }
                    .into());
                }
            }
            match runs
                .iter_mut()
                .find(|r| r.family == run.family && r.target == run.target)
            {
                Some(into) => join(into, run),
                None => runs.push(run),
            }
        }
    }
    for run in &mut runs {
        if let Some(finished) = run.finished {
            run.duration = (finished - run.started).to_std().unwrap_or(run.duration);
        }
        run.sort();
    }
    let mut console =
        report::console::Console::stdout().with_options(report::console::ConsoleOptions {
            verbosity: report::console::Verbosity::Quiet,
            ..Default::default()
        });
    let shown = console.finish(&runs).map_err(report::ReportError::Console);
    let paths = report::write_reports(&reports, &runs, &args.out)?;
    let shown_paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    say(&format!(
        "merged {} shards: {}\n",
        args.dirs.len(),
        shown_paths.join(", ")
    ));
    shown?;
    if runs.iter().any(RunRecord::failed) {
        return Err(CliError::ScenariosFailed);
    }
    Ok(())
}

/// `from`, another shard's run of the same family and target, joined into `into`.
fn join(into: &mut RunRecord, from: RunRecord) {
    into.started = into.started.min(from.started);
    into.finished = match (into.finished, from.finished) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    if into.interrupted.is_none() {
        into.interrupted = from.interrupted;
    }
    if into.coverage.is_none() {
        into.coverage = from.coverage;
    }
    into.scenarios.extend(from.scenarios);
    for outcome in from.waivers {
        match into
            .waivers
            .iter_mut()
            .find(|o| o.waiver.origin == outcome.waiver.origin)
        {
            Some(o) => {
                // Applied in any shard is applied; otherwise expired stays expired.
                if outcome.state == WaiverState::Applied {
                    o.state = WaiverState::Applied;
                    o.note = outcome.note.clone();
                }
                for name in outcome.scenarios {
                    if !o.scenarios.contains(&name) {
                        o.scenarios.push(name);
                    }
                }
            }
            None => into.waivers.push(outcome),
        }
    }
}
