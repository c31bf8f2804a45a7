//! What a run did, scenario by scenario: the one model every reporter reads.
//!
//! The collector fills it while the run goes; reporters (console, JUnit, Cucumber JSON) only read
//! it. Text in it is already redacted: a record may be written anywhere.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::catalog::Coverage;

/// The outcome of one scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Passed,
    Failed,
    /// Did not apply to the target (capability); the reason is in [`ScenarioRecord::skip_reason`].
    Skipped,
    /// Selected but never finished: the run was interrupted or timed out.
    NotRun,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::Skipped => "skipped",
            Verdict::NotRun => "not run",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    Passed,
    Failed,
    /// No step definition matches the text.
    Undefined,
    /// Not reached because an earlier step failed, or the scenario was skipped.
    NotRun,
}

#[derive(Clone, Debug)]
pub struct StepRecord {
    pub keyword: String,
    pub text: String,
    pub line: usize,
    pub status: StepStatus,
    pub duration: Duration,
}

/// Why a scenario failed: the step, the expected-against-actual message, the evidence.
#[derive(Clone, Debug)]
pub struct FailureRecord {
    /// `Then the response status is 403` (keyword and text), or the hook that failed.
    pub step: String,
    pub line: usize,
    pub message: String,
    /// The last exchange, rendered and redacted.
    pub evidence: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ScenarioRecord {
    pub feature: String,
    pub path: PathBuf,
    pub name: String,
    pub line: usize,
    pub tags: Vec<String>,
    pub catalog_ids: Vec<String>,
    pub verdict: Verdict,
    pub steps: Vec<StepRecord>,
    pub duration: Duration,
    pub skip_reason: Option<String>,
    pub failure: Option<FailureRecord>,
}

impl ScenarioRecord {
    /// `STET-AIS-ACC-02` or `-` when untagged: the id a reader looks for first.
    pub fn ids(&self) -> String {
        if self.catalog_ids.is_empty() {
            "-".to_string()
        } else {
            self.catalog_ids.join(",")
        }
    }

    /// The failure as one text: catalog id, step, message, evidence.
    pub fn failure_text(&self) -> Option<String> {
        let f = self.failure.as_ref()?;
        let mut text = format!(
            "[{}] {} ({}:{})\n  step: {} (line {})\n  {}",
            self.ids(),
            self.name,
            self.path.display(),
            self.line,
            f.step,
            f.line,
            f.message
        );
        if let Some(evidence) = &f.evidence {
            text.push('\n');
            for line in evidence.lines() {
                text.push_str("  ");
                text.push_str(line);
                text.push('\n');
            }
        }
        Some(text)
    }
}

/// A whole run.
#[derive(Clone, Debug)]
pub struct RunRecord {
    pub target: String,
    pub family: String,
    pub started: DateTime<Utc>,
    pub duration: Duration,
    pub scenarios: Vec<ScenarioRecord>,
    pub coverage: Option<Coverage>,
    /// Set when the run stopped before every selected scenario finished.
    pub interrupted: Option<String>,
}

impl RunRecord {
    pub fn new(target: &str, family: &str) -> Self {
        Self {
            target: target.to_string(),
            family: family.to_string(),
            started: Utc::now(),
            duration: Duration::ZERO,
            scenarios: Vec::new(),
            coverage: None,
            interrupted: None,
        }
    }

    pub fn count(&self, verdict: Verdict) -> usize {
        self.scenarios
            .iter()
            .filter(|s| s.verdict == verdict)
            .count()
    }

    /// Whether the run must exit non-zero.
    pub fn failed(&self) -> bool {
        self.count(Verdict::Failed) > 0 || self.count(Verdict::NotRun) > 0
    }

    /// Scenarios in file order.
    pub fn sort(&mut self) {
        self.scenarios
            .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    }
}
