//! Turns cucumber's event stream into a [`RunRecord`], and prints one line per finished scenario.
//!
//! Scenarios run concurrently, so events interleave; they are kept apart by the scenario's source
//! location. The evidence of a failed step is the World's last exchange, rendered (and redacted)
//! here: steps only say what they expected and what they got.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step, StepError};
use cucumber::{Event, Writer, gherkin, parser};

use super::record::{FailureRecord, RunRecord, ScenarioRecord, StepRecord, StepStatus, Verdict};
use crate::catalog::catalog;
use crate::redact::redact;
use crate::world::ObWorld;

type Key = (PathBuf, usize, String);

struct Running {
    record: ScenarioRecord,
    started: Instant,
    step_started: Instant,
    /// Background steps finished so far: they come before the scenario's own in `record.steps`.
    background_done: usize,
    source: event::Source<gherkin::Scenario>,
}

/// The cucumber writer of every obconf run.
pub struct Collector {
    record: Arc<Mutex<RunRecord>>,
    running: HashMap<Key, Running>,
    progress: bool,
}

impl Collector {
    /// Collects into `record`; prints a line per scenario when `progress`.
    pub fn new(record: Arc<Mutex<RunRecord>>, progress: bool) -> Self {
        Self {
            record,
            running: HashMap::new(),
            progress,
        }
    }

    fn scenario_event(
        &mut self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: event::Source<gherkin::Scenario>,
        ev: Scenario<ObWorld>,
    ) {
        let path = feature.path.clone().unwrap_or_default();
        let key = (path.clone(), scenario.position.line, scenario.name.clone());
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
                let now = Instant::now();
                self.running.insert(
                    key,
                    Running {
                        record: ScenarioRecord {
                            feature: feature.name.clone(),
                            path,
                            name: scenario.name.clone(),
                            line: scenario.position.line,
                            tags,
                            catalog_ids,
                            verdict: Verdict::Passed,
                            steps: Vec::new(),
                            duration: Duration::ZERO,
                            skip_reason: None,
                            failure: None,
                        },
                        started: now,
                        step_started: now,
                        background_done: 0,
                        source: scenario,
                    },
                );
            }
            Scenario::Step(step, ev) => {
                if let Some(run) = self.running.get_mut(&key) {
                    record_step(run, &step, ev);
                }
            }
            Scenario::Background(step, ev) => {
                if let Some(run) = self.running.get_mut(&key) {
                    if !matches!(ev, Step::Started) {
                        run.background_done += 1;
                    }
                    record_step(run, &step, ev);
                }
            }
            Scenario::Hook(kind, event::Hook::Failed(world, info)) => {
                if let Some(run) = self.running.get_mut(&key) {
                    run.record.verdict = Verdict::Failed;
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
                if let Some(run) = self.running.remove(&key) {
                    self.finish(run);
                }
            }
        }
    }

    fn finish(&mut self, mut run: Running) {
        // Steps never reached (after a failure) still belong in the report.
        let done = run.record.steps.len().saturating_sub(run.background_done);
        let all: Vec<&gherkin::Step> = run.source.steps.iter().collect();
        if done < all.len() {
            for s in &all[done..] {
                run.record.steps.push(StepRecord {
                    keyword: s.keyword.trim().to_string(),
                    text: s.value.clone(),
                    line: s.position.line,
                    status: StepStatus::NotRun,
                    duration: Duration::ZERO,
                });
            }
        }
        run.record.duration = run.started.elapsed();
        if self.progress {
            let mark = match run.record.verdict {
                Verdict::Passed => "ok  ",
                Verdict::Failed => "FAIL",
                Verdict::Skipped => "skip",
                Verdict::NotRun => "----",
            };
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "  {mark} {} ({} ms)",
                run.record.name,
                run.record.duration.as_millis()
            );
        }
        if let Ok(mut record) = self.record.lock() {
            record.scenarios.push(run.record);
        }
    }
}

fn record_step(run: &mut Running, step: &gherkin::Step, ev: Step<ObWorld>) {
    let status = match &ev {
        Step::Started => {
            run.step_started = Instant::now();
            return;
        }
        Step::Passed(..) => StepStatus::Passed,
        Step::Skipped => StepStatus::Undefined,
        Step::Failed(..) => StepStatus::Failed,
    };
    let step_text = format!("{} {}", step.keyword.trim(), step.value);
    run.record.steps.push(StepRecord {
        keyword: step.keyword.trim().to_string(),
        text: step.value.clone(),
        line: step.position.line,
        status,
        duration: run.step_started.elapsed(),
    });
    let failure = match ev {
        Step::Skipped => Some(FailureRecord {
            step: step_text,
            line: step.position.line,
            message: "no step definition matches this text (undefined step)".to_string(),
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
        run.record.verdict = Verdict::Failed;
        run.record.failure.get_or_insert(f);
    }
}

fn evidence(world: Option<&ObWorld>) -> Option<String> {
    world.and_then(|w| w.exchange.as_ref()).map(|e| e.render())
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
        if let Cucumber::Feature(feature, ev) = event.value {
            match ev {
                Feature::Scenario(scenario, ev) => {
                    self.scenario_event(&feature, None, scenario, ev.event)
                }
                Feature::Rule(rule, Rule::Scenario(scenario, ev)) => {
                    self.scenario_event(&feature, Some(&rule), scenario, ev.event)
                }
                _ => {}
            }
        }
    }
}

/// The collector keys events by scenario and sorts the record at the end, so it accepts cucumber's
/// interleaved (unnormalised) event order.
impl cucumber::writer::Normalized for Collector {}
