//! Onboarding sessions: `POST /sessions` and `POST /sessions/{session_id}/steps`, on the store of
//! sessions, steps and nonces in `store.rs`.
//!
//! A session is an ordered sequence of its skill's steps. Every answer that lets the session go on
//! carries a fresh nonce; the next step must present it, once, within 30 minutes, and only to the
//! session it was issued for. A refused step changes nothing. Time is read only through the bank's
//! [`Clock`](crate::sandbox::Clock), and the store lock is never held across an await.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::FinqwareBank;
use super::catalog::{self, StepDef};
use super::faults::{
    NONCE_EXPIRES_EARLY, NONCE_NEVER_EXPIRES, NONCE_NOT_BOUND_TO_SESSION, NONCE_REUSABLE,
    NONCE_STATIC, REFUSAL_CHANGES_SESSION, REFUSAL_CREATES_SESSION, REFUSED_NONCE_CONSUMED,
    SESSION_STATUS_WRONG, STEP_ID_MISSING, UNKNOWN_CLIENT_ID_ACCEPTED, UNKNOWN_SKILL_ACCEPTED,
    UNREGISTERED_SKILL_ACCEPTED, UPLOAD_NOT_REQUIRED, WRONG_APP_KEY_ACCEPTED,
};
use super::reply::{ApiError, json_response};
use super::store::{Nonce, StepRecord};

/// "Currently the nonce expires in 30 minutes."
pub(super) const NONCE_LIFETIME: Duration = Duration::minutes(30);
/// The lifetime under the `nonce-expires-early` fault.
const EARLY_NONCE_LIFETIME: Duration = Duration::minutes(10);

/// `POST /sessions`.
#[derive(Deserialize)]
struct NewSession {
    client_id: String,
    client_app_key: String,
    skill: String,
}

/// `POST /sessions/{session_id}/steps`.
#[derive(Deserialize)]
struct StepSubmission {
    client_id: String,
    nonce: String,
    skill: String,
    step: String,
    #[serde(default)]
    data: Value,
}

fn parse<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("the body is not what this endpoint takes: {e}")))
}

pub(super) async fn create(State(bank): State<Arc<FinqwareBank>>, body: Bytes) -> Response {
    bank.answer(bank.create_session(&body))
}

pub(super) async fn submit(
    State(bank): State<Arc<FinqwareBank>>,
    Path(session_id): Path<String>,
    body: Bytes,
) -> Response {
    bank.answer(bank.submit_step(&session_id, &body))
}

impl FinqwareBank {
    fn create_session(&self, body: &[u8]) -> Result<Response, ApiError> {
        let request: NewSession = parse(body)?;
        let tenant = match self.tenant(&request.client_id) {
            Some(t) => t,
            None if self.faults.has(UNKNOWN_CLIENT_ID_ACCEPTED) => &self.tenant,
            None => return Err(ApiError::InvalidClient),
        };
        if !tenant.key_is(&request.client_app_key) && !self.faults.has(WRONG_APP_KEY_ACCEPTED) {
            let refusal = ApiError::InvalidClient;
            if self.faults.has(REFUSAL_CREATES_SESSION)
                && let Some(skill) = catalog::skill(&request.skill)
            {
                let (session_id, nonce) = self.store().open(
                    self.fresh(),
                    &tenant.client_id,
                    skill.name,
                    skill,
                    self.clock.now(),
                );
                let mut body = refusal.body();
                body["session_id"] = json!(session_id);
                body["nonce"] = json!(nonce);
                let status = self.choices.status_of(&refusal);
                return Ok(json_response(status, &body));
            }
            return Err(refusal);
        }
        let skill = match catalog::skill(&request.skill) {
            Some(s) => s,
            None if self.faults.has(UNKNOWN_SKILL_ACCEPTED) => catalog::SKILLS
                .first()
                .ok_or_else(|| ApiError::UnknownSkill(request.skill.clone()))?,
            None => return Err(ApiError::UnknownSkill(request.skill)),
        };
        if !tenant.skills.contains(&skill.name) && !self.faults.has(UNREGISTERED_SKILL_ACCEPTED) {
            return Err(ApiError::SkillNotRegistered(request.skill));
        }
        let (session_id, nonce) = self.store().open(
            self.fresh(),
            &tenant.client_id,
            &request.skill,
            skill,
            self.clock.now(),
        );
        let status = if self.faults.has(SESSION_STATUS_WRONG) {
            "CREATED"
        } else {
            "SESSION_CREATED"
        };
        Ok(json_response(
            self.choices.created,
            &json!({ "nonce": nonce, "session_id": session_id, "status": status }),
        ))
    }

    /// A new session id and the nonce for its first step, in this variant's forms.
    fn fresh(&self) -> (String, String) {
        (self.choices.new_id(), self.choices.new_nonce())
    }

    fn submit_step(&self, session_id: &str, body: &[u8]) -> Result<Response, ApiError> {
        let request: StepSubmission = parse(body)?;
        if self.tenant(&request.client_id).is_none() {
            return Err(ApiError::InvalidClient);
        }
        let now = self.clock.now();
        let mut guard = self.store();
        let store = &mut *guard;
        let session = store
            .sessions
            .get_mut(session_id)
            .filter(|s| s.client_id == request.client_id)
            .ok_or_else(|| ApiError::SessionNotFound(session_id.to_string()))?;
        if session.skill_name != request.skill {
            return Err(ApiError::BadRequest(format!(
                "session {session_id} is a session of skill `{}`",
                session.skill_name
            )));
        }
        if let Err(refusal) = self.check_nonce(&store.nonces, &request.nonce, session_id, now) {
            if self.faults.has(REFUSAL_CHANGES_SESSION)
                && let Some(def) = session.next_step()
            {
                session.done.push(StepRecord {
                    step_id: self.choices.new_id(),
                    def,
                    uploads: Vec::new(),
                });
            }
            if self.faults.has(REFUSED_NONCE_CONSUMED)
                && let Some(n) = store.nonces.get_mut(&request.nonce)
            {
                n.used = true;
            }
            return Err(refusal);
        }
        let def = session.next_step().ok_or_else(|| ApiError::Conflict {
            error: "session_completed",
            message: format!("session {session_id} has gone through every step of its skill"),
        })?;
        if let Some(waiting) = session
            .awaiting_upload()
            .filter(|_| !self.faults.has(UPLOAD_NOT_REQUIRED))
        {
            return Err(ApiError::Conflict {
                error: "upload_required",
                message: format!(
                    "step `{}` ({}) waits for its upload: POST /steps/{}/upload",
                    waiting.def.name, waiting.step_id, waiting.step_id
                ),
            });
        }
        if request.step != def.name {
            return Err(match session.skill.step(&request.step) {
                Some(_) => ApiError::Conflict {
                    error: "step_out_of_order",
                    message: format!(
                        "the session's next step is `{}`, not `{}`",
                        def.name, request.step
                    ),
                },
                None => ApiError::BadRequest(format!(
                    "skill `{}` has no step `{}`",
                    session.skill_name, request.step
                )),
            });
        }
        check_data(def, &request.data)?;

        if !self.faults.has(NONCE_REUSABLE)
            && !self.faults.has(NONCE_STATIC)
            && let Some(n) = store.nonces.get_mut(&request.nonce)
        {
            n.used = true;
        }
        let step_id = self.choices.new_id();
        session.done.push(StepRecord {
            step_id: step_id.clone(),
            def,
            uploads: Vec::new(),
        });
        let goes_on = session.next_step().is_some();
        store.steps.insert(step_id.clone(), session_id.to_string());
        let next_nonce = match (goes_on, self.faults.has(NONCE_STATIC)) {
            (false, _) => None,
            // The other reading: the upload's answer carries the next nonce.
            // (`upload-not-required` lets the session go on without the upload: its nonce too.)
            (true, _)
                if def.upload
                    && self.readings.nonce_in_upload_answer
                    && !self.faults.has(UPLOAD_NOT_REQUIRED) =>
            {
                None
            }
            (true, true) => Some(request.nonce),
            (true, false) => Some(store.issue_nonce(self.choices.new_nonce(), session_id, now)),
        };
        let status = if def.upload {
            "UPLOAD_REQUIRED"
        } else if goes_on {
            "STEP_ACCEPTED"
        } else {
            "SESSION_COMPLETED"
        };
        let extras = self.choices.step_answer_extras;
        let mut answer = Map::new();
        if extras {
            answer.insert("session_id".into(), json!(session_id));
        }
        if !self.faults.has(STEP_ID_MISSING) {
            answer.insert("step_id".into(), json!(step_id));
        }
        if let Some(nonce) = next_nonce {
            answer.insert("nonce".into(), json!(nonce));
        }
        if extras {
            answer.insert("status".into(), json!(status));
        }
        Ok(json_response(
            self.choices.step_accepted,
            &Value::Object(answer),
        ))
    }

    /// Whether `nonce` may authorise the next step of `session_id` at `now`.
    fn check_nonce(
        &self,
        nonces: &HashMap<String, Nonce>,
        nonce: &str,
        session_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        let issued = nonces.get(nonce).ok_or(ApiError::InvalidNonce(""))?;
        if issued.session_id != session_id && !self.faults.has(NONCE_NOT_BOUND_TO_SESSION) {
            return Err(ApiError::InvalidNonce(
                ": it was issued for another session",
            ));
        }
        if issued.used {
            return Err(ApiError::NonceUsed);
        }
        let lifetime = if self.faults.has(NONCE_EXPIRES_EARLY) {
            self.nonce_lifetime * EARLY_NONCE_LIFETIME.num_minutes() as i32
                / NONCE_LIFETIME.num_minutes() as i32
        } else {
            self.nonce_lifetime
        };
        if now - issued.issued_at >= lifetime && !self.faults.has(NONCE_NEVER_EXPIRES) {
            return Err(ApiError::NonceExpired);
        }
        Ok(())
    }
}

/// Every member the step's `data` must carry is there and not empty.
fn check_data(def: &StepDef, data: &Value) -> Result<(), ApiError> {
    for (field, _) in def.fields {
        let present = match data.get(field) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(_) => true,
        };
        if !present {
            return Err(ApiError::BadRequest(format!(
                "step `{}` needs data.{field}",
                def.name
            )));
        }
    }
    Ok(())
}
