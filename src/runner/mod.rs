//! Runs one family's features against one target and records what happened.
//!
//! The runner prepares (features parsed and filtered, embedded bank started, client and tokens
//! ready, an outside bank probed: see `preflight`), publishes the run context, drives cucumber with the [`Collector`], and returns the
//! [`RunRecord`]. It never prints reports: that is `report`'s job. Runs in one process are
//! serialised, because cucumber builds Worlds from the one published context.

pub mod baseline;
mod collector;
mod guard;
pub mod interrupt;
mod preflight;
pub mod previous;
pub mod record;
pub mod selection;
pub mod shard;
mod waits;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cucumber::gherkin;
use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;

pub use crate::http::ExchangeRecord;
pub use collector::{Collector, ExchangeStash};
pub use record::{
    RunDocument, RunRecord, ScenarioRecord, StepRecord, StepStatus, Verdict, WaiverOutcome,
    WaiverRecord, WaiverState,
};
pub use shard::Shard;

use crate::catalog::Coverage;
use crate::family::{EmbeddedBank, EmbeddedError, Family};
use crate::features::{FeatureError, FeatureSet, ScenarioInfo, family_dir};
use crate::http::HttpSetupError;
use crate::sandbox::FaultSet;
use crate::target::Target;
use crate::world::{ObWorld, RunContext};

/// Scenarios run at once unless the command line or the target says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// What to run.
#[derive(Clone, Debug)]
pub struct RunRequest {
    pub target: Target,
    /// The folder holding `<family>/…feature` (or a family's features directly).
    pub features_root: PathBuf,
    /// A cucumber tag expression (`@consent and not @serial`).
    pub tags: Option<String>,
    /// Only scenarios whose name matches.
    pub name: Option<regex::Regex>,
    pub concurrency: Option<usize>,
    /// Hears of each scenario as it finishes (the console's progress line).
    pub reporter: Option<crate::report::LiveReporter>,
    /// Only this shard's scenarios (`--shard K/N`).
    pub shard: Option<Shard>,
    /// Stop scheduling scenarios after the first failure (`--fail-fast`); the rest stay `not run`.
    pub fail_fast: bool,
    /// When set, nothing is sent: the target is prepared and the selection resolved, and every
    /// selected scenario is `not run` with this reason (`--dry-run`, or a family after
    /// `--fail-fast` stopped the invocation).
    pub send_nothing: Option<String>,
}

impl RunRequest {
    /// Every scenario of `target`'s family under `features_root`, with the defaults of a plain
    /// `obconf run`: no selection, no shard, no reporter.
    pub fn new(target: Target, features_root: PathBuf) -> Self {
        Self {
            target,
            features_root,
            tags: None,
            name: None,
            concurrency: None,
            reporter: None,
            shard: None,
            fail_fast: false,
            send_nothing: None,
        }
    }

    /// Only the scenarios whose name matches `name`.
    pub fn named(mut self, name: regex::Regex) -> Self {
        self.name = Some(name);
        self
    }
}

/// Why a scenario `--fail-fast` kept from running is `not run`.
pub const FAIL_FAST_REASON: &str = "not run: --fail-fast stopped the run after the first failure";

/// Why a run could not start. Scenario failures are not errors: they are in the record.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Features(#[from] FeatureError),
    #[error(
        "--tags `{expr}` is not a tag expression: {detail} (hint: a catalog id or tag, such as `@consent and not @serial`)"
    )]
    Tags { expr: String, detail: String },
    #[error(transparent)]
    Embedded(#[from] EmbeddedError),
    #[error(transparent)]
    Http(#[from] HttpSetupError),
    #[error(transparent)]
    Target(#[from] crate::target::TargetError),
    #[error(
        "the bank did not answer the pre-flight probe: {reason}\n  no scenario ran: each is `not run` in the reports\n  hint: check that the bank is up and reachable, and base_url, tls: and timeout_secs in {origin}"
    )]
    BankDown { reason: String, origin: String },
    #[error(
        "{selection} matches no scenario; nothing ran and the previous reports are kept (hint: `obconf list` shows every scenario with its tags and catalog ids)"
    )]
    NothingSelected { selection: String },
    #[error(
        "no step definition matches these steps; nothing ran and the previous reports are kept:{} (hint: `obconf list` and the steps/ modules show the defined steps; check the words)",
        selection::render_undefined(.0)
    )]
    UndefinedSteps(Vec<selection::UndefinedStep>),
}

impl RunError {
    /// Whether the bank, not the input, stopped the run (the probe found it down or silent).
    pub fn is_bank_down(&self) -> bool {
        matches!(self, RunError::BankDown { .. })
    }
}

static RUN_LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `request` for `family`, filling `record` as scenarios finish (so a caller that stops the
/// run early still has what finished).
pub async fn run(
    request: RunRequest,
    family: &'static dyn Family,
    record: Arc<Mutex<RunRecord>>,
) -> Result<(), RunError> {
    let _serial = RUN_LOCK.lock().await;
    if let Ok(mut r) = record.lock() {
        r.started = chrono::Utc::now();
    }
    let about = family.about();
    let names: Vec<&str> = crate::steps::families()
        .iter()
        .map(|f| f.about().name)
        .collect();
    guard::StepBook::of(about.name, &names).warm_in_background();
    if !request.target.embedded {
        // The system's roots, read once for every client of the process.
        std::thread::spawn(|| {
            crate::http::roots::system();
        });
    }
    let Some(dir) = family_dir(&request.features_root, about.name, &names) else {
        // The folder holds other families' features, none of this one's: nothing to run.
        return Ok(());
    };
    let mut features = FeatureSet::load(&dir)?;
    let tagged = features.tagged_ids();

    request.target.check_capabilities(about.capabilities)?;
    let bank = start_embedded_if_needed(&request.target, family).await?;
    let mut target = bank
        .as_ref()
        .map(|b| b.target.clone())
        .unwrap_or_else(|| request.target.clone());
    let bank_clock = bank.as_ref().and_then(|b| b.clock.clone());
    let real_waits = bank_clock.is_none() && target.real_waits;
    if real_waits {
        waits::unserialize_clock_scenarios(&mut features.features);
    }
    if bank_clock.is_some() || real_waits {
        target
            .capabilities
            .get_or_insert_with(Default::default)
            .insert(crate::features::SANDBOX_CLOCK.to_string());
    }
    let declared = target.declared_capabilities();

    let tag_filter = match &request.tags {
        Some(expr) => Some(expr.parse::<TagOperation>().map_err(|e| RunError::Tags {
            expr: expr.clone(),
            detail: e.to_string(),
        })?),
        None => None,
    };
    let root = &request.features_root;
    let selected = |s: &ScenarioInfo| {
        tag_filter.as_ref().is_none_or(|t| t.eval(s.tags.iter()))
            && request.name.as_ref().is_none_or(|re| re.is_match(&s.name))
            && request.shard.is_none_or(|shard| {
                shard.holds(
                    &crate::features::relative_file(root, &s.path),
                    s.line,
                    &s.name,
                )
            })
    };
    let mut skipped = Vec::new();
    features.retain(|s| {
        if !selected(s) {
            return false;
        }
        match s.skip_reason(&declared) {
            Some(reason) => {
                skipped.push(unrun_record(
                    s,
                    &request.features_root,
                    Verdict::Skipped,
                    Some(reason),
                ));
                false
            }
            None => true,
        }
    });
    if let Ok(mut r) = record.lock() {
        r.describe(&target);
        r.family = about.name.to_string();
        r.coverage = Some(Coverage::of(about.catalog_prefix, &tagged));
        r.scenarios.extend(skipped);
    }

    let wire = family.prepare(&target)?;
    if let Some(reason) = &request.send_nothing {
        if let Ok(mut r) = record.lock() {
            let planned = features.scenarios();
            let planned = planned
                .iter()
                .map(|s| unrun_record(s, root, Verdict::NotRun, Some(reason.clone())));
            r.scenarios.extend(planned);
            r.finish();
        }
        return Ok(());
    }
    let target = Arc::new(target);
    let mut ctx = RunContext::new(target.clone(), family, wire)?;
    ctx.bank_clock = bank_clock;
    let ctx = Arc::new(ctx);
    RunContext::install(ctx.clone());
    // Every selected scenario is `not run` until it finishes: a run stopped early (Ctrl-C) still
    // reports each one, with its steps. The collector replaces each as it finishes.
    if let Ok(mut r) = record.lock() {
        let pending = features
            .scenarios()
            .iter()
            .map(|s| unrun_record(s, &request.features_root, Verdict::NotRun, None))
            .collect::<Vec<_>>();
        r.scenarios.extend(pending);
    }
    if !target.embedded
        && let Err(reason) = preflight::probe(&target, &ctx.http).await
    {
        RunContext::clear();
        drop(bank);
        if let Ok(mut r) = record.lock() {
            // The cause in full once, on the run; each scenario only points at it.
            for s in r.scenarios.iter_mut() {
                if s.verdict == Verdict::NotRun {
                    s.skip_reason = Some("the bank did not answer the pre-flight probe".into());
                }
            }
            r.interrupted = Some(format!(
                "the bank did not answer the pre-flight probe: {reason}"
            ));
            r.finish();
        }
        return Err(RunError::BankDown {
            reason,
            origin: target.origin(),
        });
    }
    let concurrency = request
        .concurrency
        .or(target.concurrency)
        .unwrap_or(DEFAULT_CONCURRENCY)
        .max(1);

    let stash = ExchangeStash::default();
    let hook_stash = stash.clone();
    let quiet = QuietPanics::install();
    // Not `ObWorld::cucumber()`: that collects (and compiles) every family's step definitions.
    let steps = guard::StepBook::of(about.name, &names).collection();
    let cucumber = cucumber::Cucumber::<ObWorld, _, PathBuf, _, _>::new();
    let cucumber = if request.fail_fast {
        cucumber.fail_fast()
    } else {
        cucumber
    };
    cucumber
        .steps(steps)
        .with_parser(Preparsed)
        .with_writer(
            Collector::new(record.clone(), stash, request.reporter)
                .with_features_root(request.features_root.clone())
                .with_family(about.name),
        )
        .with_cli(cucumber::cli::Opts::<_, _, _, cucumber::cli::Empty>::default())
        .max_concurrent_scenarios(concurrency)
        .after(move |feature, _rule, scenario, _finished, world| {
            collector::stash_exchanges(&hook_stash, feature, scenario, world.map(|w| &*w));
            Box::pin(std::future::ready(()))
        })
        .run(features.features)
        .await;
    drop(quiet);
    RunContext::clear();
    drop(bank);

    if let Ok(mut r) = record.lock() {
        if request.fail_fast
            && r.scenarios
                .iter()
                .any(|s| matches!(s.verdict, Verdict::Failed | Verdict::Error))
        {
            for s in r.scenarios.iter_mut() {
                if s.verdict == Verdict::NotRun && s.skip_reason.is_none() {
                    s.skip_reason = Some(FAIL_FAST_REASON.to_string());
                }
            }
        }
        r.finish();
    }
    Ok(())
}

/// Starts the family's embedded bank when the target asks for it.
async fn start_embedded_if_needed(
    target: &Target,
    family: &'static dyn Family,
) -> Result<Option<EmbeddedBank>, RunError> {
    if !target.embedded {
        return Ok(None);
    }
    let faults =
        FaultSet::parse(&target.faults, family.about().faults).map_err(EmbeddedError::from)?;
    let listen: SocketAddr = ([127, 0, 0, 1], 0).into();
    Ok(Some(
        family
            .start_embedded(target.clone(), faults, listen)
            .await?,
    ))
}

/// The record of a scenario that did not run (skipped for the target, or not reached): every
/// step it would run, none reached, so that reports count it and show what it checks.
fn unrun_record(
    s: &ScenarioInfo,
    root: &Path,
    verdict: Verdict,
    reason: Option<String>,
) -> ScenarioRecord {
    ScenarioRecord {
        feature: s.feature.clone(),
        path: s.path.clone(),
        file: crate::features::relative_file(root, &s.path),
        name: s.name.clone(),
        line: s.line,
        tags: s.tags.clone(),
        catalog_ids: s.catalog_ids(),
        verdict,
        steps: s.steps.iter().map(StepRecord::of_gherkin).collect(),
        duration: Duration::ZERO,
        started: None,
        skip_reason: reason,
        failure: None,
        other_exchanges: Vec::new(),
        waiver: None,
        notes: Vec::new(),
    }
}

/// Hands cucumber the features obconf already parsed, so that what was listed and filtered is
/// exactly what runs.
struct Preparsed;

impl cucumber::Parser<Vec<gherkin::Feature>> for Preparsed {
    type Cli = cucumber::cli::Empty;
    type Output =
        futures::stream::Iter<std::vec::IntoIter<cucumber::parser::Result<gherkin::Feature>>>;

    fn parse(self, input: Vec<gherkin::Feature>, _cli: Self::Cli) -> Self::Output {
        futures::stream::iter(input.into_iter().map(Ok).collect::<Vec<_>>())
    }
}

/// Silences the default panic message while steps run: a failed step's message is reported once,
/// with its evidence, by the collector.
struct QuietPanics;

type PanicHook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

static PREVIOUS_HOOK: Mutex<Option<PanicHook>> = Mutex::new(None);

impl QuietPanics {
    fn install() -> Self {
        let previous = std::panic::take_hook();
        if let Ok(mut slot) = PREVIOUS_HOOK.lock() {
            *slot = Some(previous);
        }
        std::panic::set_hook(Box::new(|_| {}));
        QuietPanics
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        if let Ok(mut slot) = PREVIOUS_HOOK.lock()
            && let Some(previous) = slot.take()
        {
            std::panic::set_hook(previous);
        }
    }
}
