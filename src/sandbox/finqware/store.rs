//! The store behind the onboarding sessions: sessions by id, the steps each went through (with
//! their uploads), nonces by value, and which session each step_id belongs to.
//!
//! It only keeps and looks up; what a request may do with it (the nonce rules, the order of steps)
//! is decided in `sessions.rs` and `upload.rs`. It never reads the clock itself.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::catalog::{Skill, StepDef};
use super::upload::Upload;

/// A nonce the bank issued: for which session, when, and whether a step has presented it.
#[derive(Debug)]
pub(super) struct Nonce {
    pub session_id: String,
    pub issued_at: DateTime<Utc>,
    pub used: bool,
}

/// A step the session went through.
#[derive(Debug)]
pub(super) struct StepRecord {
    pub step_id: String,
    pub def: &'static StepDef,
    pub uploads: Vec<Upload>,
}

#[derive(Debug)]
pub(super) struct Session {
    /// The tenant app's client_id.
    pub client_id: String,
    /// The skill as the tenant app named it.
    pub skill_name: String,
    pub skill: &'static Skill,
    pub done: Vec<StepRecord>,
}

impl Session {
    /// The step the session expects next; `None` once it reached its end.
    pub(super) fn next_step(&self) -> Option<&'static StepDef> {
        self.skill.steps.get(self.done.len())
    }

    /// The last step, when it still waits for its upload.
    pub(super) fn awaiting_upload(&self) -> Option<&StepRecord> {
        self.done
            .last()
            .filter(|s| s.def.upload && s.uploads.is_empty())
    }
}

/// Sessions by id, nonces by value, and which session each step_id belongs to.
#[derive(Debug, Default)]
pub(super) struct Store {
    pub sessions: HashMap<String, Session>,
    pub nonces: HashMap<String, Nonce>,
    pub steps: HashMap<String, String>,
}

impl Store {
    /// Keeps `nonce` (fresh) as issued for `session_id` at `now`.
    pub(super) fn issue_nonce(
        &mut self,
        nonce: String,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> String {
        self.nonces.insert(
            nonce.clone(),
            Nonce {
                session_id: session_id.to_string(),
                issued_at: now,
                used: false,
            },
        );
        nonce
    }

    /// Opens the session `id` and issues `nonce` for its first step.
    pub(super) fn open(
        &mut self,
        (id, nonce): (String, String),
        client_id: &str,
        skill_name: &str,
        skill: &'static Skill,
        now: DateTime<Utc>,
    ) -> (String, String) {
        self.sessions.insert(
            id.clone(),
            Session {
                client_id: client_id.to_string(),
                skill_name: skill_name.to_string(),
                skill,
                done: Vec::new(),
            },
        );
        let nonce = self.issue_nonce(nonce, &id, now);
        (id, nonce)
    }

    /// The session a step belongs to, when it goes on to another step after this one.
    pub(super) fn session_going_on(&self, step_id: &str) -> Option<String> {
        let session_id = self.steps.get(step_id)?;
        let session = self.sessions.get(session_id)?;
        session.next_step().map(|_| session_id.clone())
    }

    /// The step `step_id`: the client_id of its session's tenant app, and its record.
    pub fn step_mut(&mut self, step_id: &str) -> Option<(&str, &mut StepRecord)> {
        let session = self.sessions.get_mut(self.steps.get(step_id)?)?;
        let Session {
            client_id, done, ..
        } = session;
        let record = done.iter_mut().find(|s| s.step_id == step_id)?;
        Some((client_id.as_str(), record))
    }
}
