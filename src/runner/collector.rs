//! Turns cucumber's event stream into a [`RunRecord`], and tells the live reporter of each
//! finished scenario.
//!
//! Scenarios run concurrently, so events interleave; they are kept apart by the scenario's source
//! location ([`ScenarioKey`]). Every exchange of a scenario reaches the collector through the
//! [`ExchangeStash`], filled by the runner's `after` hook (which sees the World) before the
//! scenario's `Finished` event; the collector places each exchange in the step that was running
//! when it was sent (by cucumber's event timestamps). The evidence of a failed step is the World's
//! last exchange, taken here: steps only say what they expected and what they got. A finished
//! scenario replaces the `not run` record the runner listed for it before the run. The collector
//! never prints: live output is the [`LiveReporter`]'s.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step, StepError};
use cucumber::{Event, Writer, gherkin, parser};

use super::record::{FailureRecord, RunRecord, ScenarioRecord, StepRecord, StepStatus, Verdict};
use crate::catalog::catalog;
use crate::http::ExchangeRecord;
use crate::redact::redact;
use crate::report::LiveReporter;
use crate::world::ObWorld;

/// A scenario's identity within a run: feature path, line, name.
pub type ScenarioKey = (PathBuf, usize, String);

/// What the runner's `after` hook takes from a finished scenario's World for the collector.
#[derive(Debug, Default)]
pub struct Stashed {
    /// Every exchange, redacted.
    pub exchanges: Vec<ExchangeRecord>,
    /// The World's notes ([`ObWorld::note`]), redacted.
    pub notes: Vec<String>,
}

/// What each finished scenario left, waiting for the collector.
pub type ExchangeStash = Arc<Mutex<HashMap<ScenarioKey, Stashed>>>;

/// The key of `scenario` in `feature`.
pub fn scenario_key(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> ScenarioKey {
    (
        feature.path.clone().unwrap_or_default(),
        scenario.position.line,
        scenario.name.clone(),
    )
}

struct Running {
    record: ScenarioRecord,
    started: SystemTime,
    step_started: SystemTime,
    /// Background steps finished so far: they come before the scenario's own in `record.steps`.
    background_done: usize,
    source: event::Source<gherkin::Scenario>,
}

/// The cucumber writer of every obconf run.
pub struct Collector {
    record: Arc<Mutex<RunRecord>>,
    stash: ExchangeStash,
    running: HashMap<ScenarioKey, Running>,
    live: Option<LiveReporter>,
    /// The features folder, which reports' file paths are relative to.
    features_root: PathBuf,
    /// Where each `not run` scenario the runner listed sits in the record, built at the first
    /// finished scenario.
    pending: Option<HashMap<ScenarioKey, usize>>,
    /// The family whose run this is: a step only another family defines is named as theirs.
    family: &'static str,
}

impl Collector {
    /// Collects into `record`, taking exchanges from `stash`; tells `live` of each scenario.
    pub fn new(
        record: Arc<Mutex<RunRecord>>,
        stash: ExchangeStash,
        live: Option<LiveReporter>,
    ) -> Self {
        Self {
            record,
            stash,
            running: HashMap::new(),
            live,
            features_root: PathBuf::new(),
            pending: None,
            family: "",
        }
    }

    /// The run is `family`'s (its steps, and the shared ones, are the ones cucumber was given).
    pub fn with_family(mut self, family: &'static str) -> Self {
        self.family = family;
        self
    }

    /// Records each scenario's file relative to `root`, the features folder.
    pub fn with_features_root(mut self, root: PathBuf) -> Self {
        self.features_root = root;
        self
    }

    fn scenario_event(
        &mut self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: event::Source<gherkin::Scenario>,
        ev: Scenario<ObWorld>,
        at: SystemTime,
    ) {
        let key = scenario_key(feature, &scenario);
        match ev {
            Scenario::Started => {
                let tags: Vec<String> = feature
                    .tags
                    .iter()
                    .chain(rule.map(|r| r.tags.as_slice()).unwrap_or(&[]))
                    .chain(&scenario.tags)
                    .cloned()
                    .collect();
                let catalog_ids = tags
                    .iter()
                    .filter(|t| catalog().is_id(t))
                    .cloned()
                    .collect();
                let record = ScenarioRecord {
                    feature: feature.name.clone(),
                    path: key.0.clone(),
                    file: crate::features::relative_file(&self.features_root, &key.0),
                    name: scenario.name.clone(),
                    line: scenario.position.line,
                    tags,
                    catalog_ids,
                    verdict: Verdict::Passed,
                    steps: Vec::new(),
                    duration: Duration::ZERO,
                    started: Some(DateTime::<Utc>::from(at)),
                    skip_reason: None,
                    failure: None,
                    other_exchanges: Vec::new(),
                    waiver: None,
                    notes: Vec::new(),
                };
                self.running.insert(
                    key,
                    Running {
                        record,
                        started: at,
                        step_started: at,
                        background_done: 0,
                        source: scenario,
                    },
                );
            }
            Scenario::Step(step, ev) => {
                let family = self.family;
                if let Some(run) = self.running.get_mut(&key) {
                    record_step(run, &step, ev, at, family);
                }
            }
            Scenario::Background(step, ev) => {
                let family = self.family;
                if let Some(run) = self.running.get_mut(&key) {
                    if !matches!(ev, Step::Started) {
                        run.background_done += 1;
                    }
                    record_step(run, &step, ev, at, family);
                }
            }
            Scenario::Hook(kind, event::Hook::Failed(world, info)) => {
                if let Some(run) = self.running.get_mut(&key) {
                    // The scenario could not run as written: no verdict on the bank.
                    if run.record.verdict == Verdict::Passed {
                        run.record.verdict = Verdict::Error;
                    }
                    run.record.failure.get_or_insert(FailureRecord {
                        step: format!("{kind:?} hook"),
                        line: run.record.line,
                        message: redact(&panic_text(&info)),
                        evidence: evidence(world.as_deref()),
                    });
                }
            }
            Scenario::Hook(..) | Scenario::Log(_) => {}
            Scenario::Finished => {
                if let Some(mut run) = self.running.remove(&key) {
                    let stashed = self
                        .stash
                        .lock()
                        .map(|mut s| s.remove(&key))
                        .unwrap_or_else(|p| p.into_inner().remove(&key))
                        .unwrap_or_default();
                    run.record.duration = at.duration_since(run.started).unwrap_or_default();
                    run.record.notes = stashed.notes;
                    self.finish(run, stashed.exchanges);
                }
            }
        }
    }

    fn finish(&mut self, mut run: Running, exchanges: Vec<ExchangeRecord>) {
        // Steps never reached (after a failure) still belong in the report.
        let done = run.record.steps.len().saturating_sub(run.background_done);
        let all: Vec<&gherkin::Step> = run.source.steps.iter().collect();
        if done < all.len() {
            for s in &all[done..] {
                run.record.steps.push(StepRecord::of_gherkin(s));
            }
        }
        attach(&mut run.record, exchanges);
        if let Some(live) = &self.live {
            let family = self
                .record
                .lock()
                .map(|r| r.family.clone())
                .unwrap_or_default();
            live.scenario_finished(&family, &run.record);
        }
        let mut record = self.record.lock().unwrap_or_else(|p| p.into_inner());
        // The runner listed the scenario as not run before it started: it has finished now. Its
        // place is found through an index, so that finishing n scenarios costs O(n), not O(n²).
        let done = &run.record;
        let index = self.pending.get_or_insert_with(|| {
            record
                .scenarios
                .iter()
                .enumerate()
                .filter(|(_, s)| s.verdict == Verdict::NotRun)
                .map(|(i, s)| ((s.path.clone(), s.line, s.name.clone()), i))
                .collect()
        });
        let slot = index
            .remove(&(done.path.clone(), done.line, done.name.clone()))
            .filter(|i| {
                record.scenarios.get(*i).is_some_and(|s| {
                    s.verdict == Verdict::NotRun
                        && s.line == done.line
                        && s.path == done.path
                        && s.name == done.name
                })
            });
        if let Some(i) = slot {
            record.scenarios[i] = run.record;
            return;
        }
        record.scenarios.retain(|s| {
            !(s.verdict == Verdict::NotRun
                && s.line == done.line
                && s.path == done.path
                && s.name == done.name)
        });
        record.scenarios.push(run.record);
    }
}

/// Places each exchange in the last step that had started when it was sent; exchanges sent before
/// any step (by a hook) go to [`ScenarioRecord::other_exchanges`].
fn attach(record: &mut ScenarioRecord, exchanges: Vec<ExchangeRecord>) {
    for exchange in exchanges {
        let step = record
            .steps
            .iter_mut()
            .rev()
            .find(|s| s.started.is_some_and(|t| t <= exchange.sent_at));
        match step {
            Some(step) => step.exchanges.push(exchange),
            None => record.other_exchanges.push(exchange),
        }
    }
}

/// Records a finished step of `run`, a scenario of `family`'s run.
fn record_step(
    run: &mut Running,
    step: &gherkin::Step,
    ev: Step<ObWorld>,
    at: SystemTime,
    family: &str,
) {
    let status = match &ev {
        Step::Started => {
            run.step_started = at;
            return;
        }
        Step::Passed(..) => StepStatus::Passed,
        Step::Skipped => StepStatus::Undefined,
        Step::Failed(..) => StepStatus::Failed,
    };
    let step_text = format!("{} {}", step.keyword.trim(), step.value);
    run.record.steps.push(StepRecord {
        status,
        duration: at.duration_since(run.step_started).unwrap_or_default(),
        started: Some(DateTime::<Utc>::from(run.step_started)),
        ..StepRecord::of_gherkin(step)
    });
    let failure = match ev {
        Step::Skipped => Some(FailureRecord {
            step: step_text,
            line: step.position.line,
            // Cucumber was given only this family's steps and the shared ones.
            message: match super::guard::foreign_owner(step, family) {
                Some(owner) => crate::world::Failure::belongs_to(owner, family).to_string(),
                None => "no step definition matches this text (undefined step)".to_string(),
            },
            evidence: None,
        }),
        Step::Failed(_, _, world, error) => Some(FailureRecord {
            step: step_text,
            line: step.position.line,
            message: redact(&match error {
                StepError::Panic(info) => panic_text(&info),
                other => other.to_string(),
            }),
            evidence: evidence(world.as_deref()),
        }),
        _ => None,
    };
    if let Some(f) = failure {
        run.record.verdict = if crate::world::Failure::is_could_not_check(&f.message) {
            Verdict::CouldNotCheck
        } else {
            Verdict::Failed
        };
        run.record.failure.get_or_insert(f);
    }
}

/// The World's last exchange, redacted.
fn evidence(world: Option<&ObWorld>) -> Option<ExchangeRecord> {
    world
        .and_then(|w| w.exchange.as_ref())
        .map(ExchangeRecord::of)
}

fn panic_text(info: &event::Info) -> String {
    info.downcast_ref::<String>()
        .cloned()
        .or_else(|| info.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "the step panicked".to_string())
}

impl Writer<ObWorld> for Collector {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(
        &mut self,
        event: parser::Result<Event<Cucumber<ObWorld>>>,
        _cli: &Self::Cli,
    ) {
        let Ok(event) = event else { return };
        let at = event.at;
        if let Cucumber::Feature(feature, ev) = event.value {
            match ev {
                Feature::Scenario(scenario, ev) => {
                    self.scenario_event(&feature, None, scenario, ev.event, at)
                }
                Feature::Rule(rule, Rule::Scenario(scenario, ev)) => {
                    self.scenario_event(&feature, Some(&rule), scenario, ev.event, at)
                }
                _ => {}
            }
        }
    }
}

/// The collector keys events by scenario and sorts the record at the end, so it accepts cucumber's
/// interleaved (unnormalised) event order.
impl cucumber::writer::Normalized for Collector {}

/// The runner's `after` hook: takes every exchange of the scenario's World, redacted, into
/// `stash` for the collector. Runs before the scenario's `Finished` event reaches the collector.
pub fn stash_exchanges(
    stash: &ExchangeStash,
    feature: &gherkin::Feature,
    scenario: &gherkin::Scenario,
    world: Option<&ObWorld>,
) {
    let stashed = world
        .map(|w| Stashed {
            exchanges: ExchangeRecord::all_of(&w.exchanges),
            notes: w.notes.iter().map(|n| redact(n)).collect(),
        })
        .unwrap_or_default();
    let mut stash = stash.lock().unwrap_or_else(|p| p.into_inner());
    stash.insert(scenario_key(feature, scenario), stashed);
}
