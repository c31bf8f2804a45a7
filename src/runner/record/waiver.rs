//! The waivers of a run as its record keeps them: the waiver a waived scenario carries, and what
//! each waiver of the file did (applied, expired, unused). Plain data that every report reads;
//! applying waivers is `crate::waiver`'s job, never this module's.

use serde::{Deserialize, Serialize};

/// A waiver as its file wrote it: what it covers, why, who owns it, until when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverRecord {
    /// The catalog id it covers, or
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// the name of the scenario it covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    pub reason: String,
    pub owner: String,
    /// The ticket, letter or decision that grants it.
    pub reference: String,
    /// The last day it applies (`YYYY-MM-DD`, UTC).
    pub expires: String,
    /// Where it is written: `waivers.yaml:4`.
    pub origin: String,
}

impl WaiverRecord {
    /// `ACME-GEN-02` or `scenario "name"`: what it covers, for one line of text.
    pub fn covers(&self) -> String {
        match (&self.id, &self.scenario) {
            (Some(id), _) => id.clone(),
            (None, Some(name)) => format!("scenario \"{name}\""),
            (None, None) => "nothing".into(),
        }
    }

    /// `reason (owner: o, reference: r, expires 2027-01-31, waivers.yaml:4)`.
    pub fn summary(&self) -> String {
        format!(
            "{} (owner: {}, reference: {}, expires {}, {})",
            self.reason, self.owner, self.reference, self.expires, self.origin
        )
    }
}

/// What a waiver did in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaiverState {
    /// In force, and it waived at least one failure.
    Applied,
    /// Past its expiry date: it waived nothing, and the failures it covers count.
    Expired,
    /// In force, but it waived nothing: it matched no scenario, or none of its scenarios failed.
    Unused,
}

impl WaiverState {
    pub fn label(self) -> &'static str {
        match self {
            WaiverState::Applied => "applied",
            WaiverState::Expired => "expired",
            WaiverState::Unused => "unused",
        }
    }
}

/// One waiver's outcome in one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverOutcome {
    pub state: WaiverState,
    pub waiver: WaiverRecord,
    /// The scenarios it waived (applied) or would have waived (expired).
    #[serde(default)]
    pub scenarios: Vec<String>,
    /// What happened, in one sentence.
    pub note: String,
}

impl WaiverOutcome {
    /// `expired waiver for ACME-GEN-02: <note>; <summary>`: the line every report shows.
    pub fn line(&self) -> String {
        format!(
            "{} waiver for {}: {}; {}",
            self.state.label(),
            self.waiver.covers(),
            self.note,
            self.waiver.summary()
        )
    }
}
