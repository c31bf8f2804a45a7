//! What a run did, scenario by scenario: the one model every reporter reads, and what `run.json`
//! holds.
//!
//! The runner and the collector fill it while the run goes; reporters (console, JUnit, Cucumber
//! JSON, `run.json`) only read it. It is serializable and complete enough to be merged or signed
//! later: run metadata, every scenario's verdict, every step with the exchanges it made, and
//! structured failures. Text in it is already redacted when it enters (see
//! [`crate::http::ExchangeRecord::of`]): a record may be written anywhere, and must never be
//! given a value that did not go through [`crate::redact`].

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod step;
mod waiver;

pub use step::{DocStringRecord, StepRecord, StepStatus};
pub use waiver::{WaiverOutcome, WaiverRecord, WaiverState};

use crate::catalog::Coverage;
use crate::http::ExchangeRecord;
use crate::target::Target;
use crate::timefmt;

/// The outcome of one scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    /// A step's check did not hold: the bank does not do what the document says.
    Failed,
    /// Did not apply to the target (capability); the reason is in [`ScenarioRecord::skip_reason`].
    Skipped,
    /// No verdict on the rule: the target lacks a setting the check needs, or its data cannot
    /// exercise the rule (a step ended with [`crate::world::Failure::could_not_check`]). Never a
    /// pass: it fails the run, and the reason and hint are in [`ScenarioRecord::failure`].
    CouldNotCheck,
    /// The scenario could not run: a hook or its setup failed before any verdict on the bank.
    Error,
    /// Selected but never finished: the run was interrupted or timed out.
    NotRun,
    /// Failed (or could not run), but a waiver in force accepts it: the waiver is in
    /// [`ScenarioRecord::waiver`], the failure stays in [`ScenarioRecord::failure`].
    Waived,
}

impl Verdict {
    /// Every verdict, in the order reports list them.
    pub const ALL: [Verdict; 7] = [
        Verdict::Passed,
        Verdict::Failed,
        Verdict::CouldNotCheck,
        Verdict::Error,
        Verdict::Skipped,
        Verdict::NotRun,
        Verdict::Waived,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::Skipped => "skipped",
            Verdict::CouldNotCheck => "could not check",
            Verdict::Error => "error",
            Verdict::NotRun => "not run",
            Verdict::Waived => "waived",
        }
    }

    /// Whether this verdict makes the run exit non-zero.
    pub fn fails_the_run(self) -> bool {
        match self {
            Verdict::Failed | Verdict::CouldNotCheck | Verdict::Error | Verdict::NotRun => true,
            Verdict::Passed | Verdict::Skipped | Verdict::Waived => false,
        }
    }
}

/// Why a scenario failed (or could not run): the step, the expected-against-actual message, the
/// evidence.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FailureRecord {
    /// `Then the response status is 403` (keyword and text), or the hook that failed.
    pub step: String,
    pub line: usize,
    pub message: String,
    /// The scenario's last exchange when the step failed.
    pub evidence: Option<ExchangeRecord>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScenarioRecord {
    pub feature: String,
    pub path: PathBuf,
    /// The feature file relative to the features folder (`<family>/accounts.feature`): the path
    /// reports show, never a build machine's absolute path. Empty in records that predate it.
    #[serde(default, skip_serializing_if = "is_empty_path")]
    pub file: PathBuf,
    pub name: String,
    pub line: usize,
    pub tags: Vec<String>,
    pub catalog_ids: Vec<String>,
    pub verdict: Verdict,
    pub steps: Vec<StepRecord>,
    #[serde(rename = "duration_ms", with = "timefmt::millis")]
    pub duration: Duration,
    /// When the scenario started; `None` for one that never ran (skipped).
    #[serde(default, with = "timefmt::rfc3339_opt")]
    pub started: Option<DateTime<Utc>>,
    pub skip_reason: Option<String>,
    pub failure: Option<FailureRecord>,
    /// Exchanges made outside any step (by a hook), so that every exchange is somewhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_exchanges: Vec<ExchangeRecord>,
    /// The waiver that made this scenario [`Verdict::Waived`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverRecord>,
    /// What the checks observed about the bank beside the verdict: which documented reading it
    /// follows where its document allows two ([`crate::world::ObWorld::note`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl ScenarioRecord {
    /// The feature file as reports show it: [`ScenarioRecord::file`], or the file name alone
    /// for a record that lacks it.
    pub fn shown_file(&self) -> PathBuf {
        if !self.file.as_os_str().is_empty() {
            return self.file.clone();
        }
        self.path.file_name().map(PathBuf::from).unwrap_or_default()
    }

    /// The scenario's catalog ids (`SE-GEN-01`), or `-` when untagged: the id a reader looks for first.
    pub fn ids(&self) -> String {
        if self.catalog_ids.is_empty() {
            "-".to_string()
        } else {
            self.catalog_ids.join(",")
        }
    }

    /// Every exchange of the scenario, step by step.
    pub fn exchanges(&self) -> impl Iterator<Item = &ExchangeRecord> {
        self.steps
            .iter()
            .flat_map(|s| s.exchanges.iter())
            .chain(&self.other_exchanges)
    }

    /// Why the scenario has no pass/fail verdict, for skipped, not-run and waived scenarios.
    pub fn reason(&self) -> Option<String> {
        match self.verdict {
            Verdict::Skipped => Some(
                self.skip_reason
                    .clone()
                    .unwrap_or_else(|| "skipped".to_string()),
            ),
            Verdict::NotRun => Some(
                self.skip_reason
                    .clone()
                    .unwrap_or_else(|| "the run stopped before this scenario finished".into()),
            ),
            Verdict::Waived => Some(match &self.waiver {
                Some(w) => format!("waived: {}", w.summary()),
                None => "waived".into(),
            }),
            Verdict::Passed | Verdict::Failed | Verdict::CouldNotCheck | Verdict::Error => None,
        }
    }

    /// The failure as one text: catalog id, step, message, evidence. For the console.
    pub fn failure_text(&self) -> Option<String> {
        self.failure_text_at(&self.path)
    }

    /// [`ScenarioRecord::failure_text`] naming the feature file as `path` (report files name
    /// it relative to the features folder).
    pub fn failure_text_at(&self, path: &std::path::Path) -> Option<String> {
        let f = self.failure.as_ref()?;
        let mut text = format!(
            "[{}] {} ({}:{})\n  step: {} (line {})\n  {}",
            self.ids(),
            self.name,
            path.display(),
            self.line,
            f.step,
            f.line,
            f.message
        );
        if let Some(evidence) = &f.evidence {
            text.push('\n');
            for line in evidence.render().lines() {
                text.push_str("  ");
                text.push_str(line);
                text.push('\n');
            }
        }
        Some(text)
    }
}

/// One family's run against one target.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunRecord {
    /// The obconf that ran it.
    pub obconf_version: String,
    pub family: String,
    /// The target's name.
    pub target: String,
    /// Where the bank was reached (the embedded bank's loopback address for an embedded run).
    pub base_url: String,
    /// The capabilities the target declared (an embedded bank's own included).
    pub capabilities: Vec<String>,
    /// The embedded bank's faults switched on.
    pub faults: Vec<String>,
    /// Whether TLS certificate verification was off (`tls.insecure`).
    pub tls_insecure: bool,
    #[serde(with = "timefmt::rfc3339")]
    pub started: DateTime<Utc>,
    /// When the run ended; `None` while it goes.
    #[serde(with = "timefmt::rfc3339_opt")]
    pub finished: Option<DateTime<Utc>>,
    #[serde(rename = "duration_ms", with = "timefmt::millis")]
    pub duration: Duration,
    /// Set when the run stopped before every selected scenario finished: why.
    pub interrupted: Option<String>,
    pub coverage: Option<Coverage>,
    pub scenarios: Vec<ScenarioRecord>,
    /// What each waiver of `--waivers` did in this run (empty without `--waivers`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<WaiverOutcome>,
    /// What changed since `--baseline` (absent without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<super::baseline::BaselineComparison>,
}

impl RunRecord {
    /// The record a run filled in, moved out of the slot it shared with the run, which is left
    /// empty: a copy would hold a run of thousands of scenarios twice at its largest.
    pub fn take(shared: &std::sync::Mutex<RunRecord>) -> RunRecord {
        let mut r = shared.lock().unwrap_or_else(|p| p.into_inner());
        let empty = RunRecord::new(&r.target, &r.family);
        std::mem::replace(&mut *r, empty)
    }

    pub fn new(target: &str, family: &str) -> Self {
        Self {
            obconf_version: env!("CARGO_PKG_VERSION").to_string(),
            family: family.to_string(),
            target: target.to_string(),
            base_url: String::new(),
            capabilities: Vec::new(),
            faults: Vec::new(),
            tls_insecure: false,
            started: Utc::now(),
            finished: None,
            duration: Duration::ZERO,
            interrupted: None,
            coverage: None,
            scenarios: Vec::new(),
            waivers: Vec::new(),
            baseline: None,
        }
    }

    /// A record for `family` against `target`, its metadata filled in.
    pub fn for_target(target: &Target, family: &str) -> Self {
        let mut r = Self::new(&target.name, family);
        r.describe(target);
        r
    }

    /// Takes the target's metadata: name, base URL, declared capabilities, faults, TLS checks.
    /// Called again once an embedded bank has started (its address and capabilities are known).
    pub fn describe(&mut self, target: &Target) {
        self.target = target.name.clone();
        self.base_url = crate::redact::redact(&target.base_url);
        self.capabilities = target.declared_capabilities().into_iter().collect();
        self.faults = target.faults.clone();
        self.tls_insecure = target.tls.insecure;
    }

    /// Marks the run as ended now.
    pub fn finish(&mut self) {
        let now = Utc::now();
        self.finished = Some(now);
        self.duration = (now - self.started).to_std().unwrap_or(self.duration);
        self.sort();
    }

    /// The run's metadata as `(name, value)` pairs, in the order reports list them: obconf
    /// version, family, target, base URL, capabilities, faults, `tls.insecure`, catalog version,
    /// start and end time, and whether (and why) the run was interrupted. Lists are
    /// comma-separated (empty when there is none); times are RFC 3339.
    pub fn metadata(&self) -> Vec<(&'static str, String)> {
        let time = |t: &DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        vec![
            ("obconf.version", self.obconf_version.clone()),
            ("family", self.family.clone()),
            ("target", self.target.clone()),
            ("base_url", self.base_url.clone()),
            ("capabilities", self.capabilities.join(",")),
            ("faults", self.faults.join(",")),
            ("tls.insecure", self.tls_insecure.to_string()),
            (
                "catalog.version",
                crate::catalog::catalog_version().to_string(),
            ),
            ("started", time(&self.started)),
            (
                "finished",
                self.finished.as_ref().map(time).unwrap_or_default(),
            ),
            (
                "interrupted",
                self.interrupted.clone().unwrap_or_else(|| "no".to_string()),
            ),
        ]
    }

    pub fn count(&self, verdict: Verdict) -> usize {
        self.scenarios
            .iter()
            .filter(|s| s.verdict == verdict)
            .count()
    }

    /// Whether the run must exit non-zero.
    pub fn failed(&self) -> bool {
        self.scenarios.iter().any(|s| s.verdict.fails_the_run())
    }

    /// The expired waiver that covers `scenario`, a failure that therefore counts.
    pub fn expired_waiver_for(&self, scenario: &ScenarioRecord) -> Option<&WaiverOutcome> {
        self.waivers.iter().find(|o| {
            o.state == WaiverState::Expired && o.scenarios.iter().any(|n| n == &scenario.name)
        })
    }

    /// Scenarios in file order.
    pub fn sort(&mut self) {
        self.scenarios
            .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    }
}

/// What `run.json` holds: every family's run of one invocation.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunDocument {
    /// The document's format, `obconf-run/1`; a reader refuses formats it does not know.
    pub format: String,
    pub obconf_version: String,
    /// The `version:` of the acceptance catalog the runs were checked against.
    #[serde(default)]
    pub catalog_version: u32,
    pub runs: Vec<RunRecord>,
}

impl RunDocument {
    pub const FORMAT: &'static str = "obconf-run/1";

    pub fn new(runs: Vec<RunRecord>) -> Self {
        Self {
            format: Self::FORMAT.to_string(),
            obconf_version: env!("CARGO_PKG_VERSION").to_string(),
            catalog_version: crate::catalog::catalog_version(),
            runs,
        }
    }
}

fn is_empty_path(p: &std::path::Path) -> bool {
    p.as_os_str().is_empty()
}
