//! Sessions of the Salt Edge bank and the Sessions endpoints: Show (GET), Confirm (PUT) and Destroy
//! (DELETE) of /sessions/:secret.
//!
//! A session opened by Remote is `created` and asks for the authorization type's required fields;
//! confirmed with them it is `waiting_confirmation_code` and asks for the MFA fields; confirmed with
//! those it ends in `success` with a token. Wrong values end it in `failed`; Destroy ends it in
//! `canceled`. Those three are closed. An open session older than [`SESSION_LIFETIME_MINUTES`] on
//! the bank's clock is `expired`. A Reconnect session starts at the MFA step. Sessions belong to the
//! application that opened them. This file must never hold the session lock across an await.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use super::data::{AuthorizationType, Field, Provider, fields_json};
use super::faults::{
    CONFIRM_STALLS, DESTROY_KEEPS_SESSION_OPEN, INCOMPATIBLE_CREDENTIALS_AS_400,
    SESSION_CLOSED_AS_409, SESSION_EXPIRY_IGNORED, SESSION_NOT_FOUND_MISNAMED,
    SESSION_SHOW_INCOMPLETE,
};
use super::gate::Needs;
use super::reply::{Answer, ApiError, ErrorClass, timestamp};
use super::tokens::{Grant, expiry};
use super::{Bank, SaltEdgeBank};
use crate::sandbox::kit::{Locked, random};

/// How long a session stays open on the bank's clock (the document gives no figure).
pub const SESSION_LIFETIME_MINUTES: i64 = 10;

/// Where a session stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Created,
    WaitingMfa,
    Success,
    Failed,
    Canceled,
}

impl Stage {
    fn status(self) -> &'static str {
        match self {
            Stage::Created => "created",
            Stage::WaitingMfa => "waiting_confirmation_code",
            Stage::Success => "success",
            Stage::Failed => "failed",
            Stage::Canceled => "canceled",
        }
    }

    fn closed(self) -> bool {
        matches!(self, Stage::Success | Stage::Failed | Stage::Canceled)
    }
}

/// What Remote or Reconnect opens a session with.
#[derive(Debug)]
pub(super) struct Opening {
    pub app_id: String,
    pub provider: &'static Provider,
    pub authorization: &'static AuthorizationType,
    pub scopes: Vec<String>,
    pub consent_period_days: i64,
    /// Reconnect: the PSU is known, only the MFA step remains.
    pub reconnect: bool,
}

#[derive(Clone, Debug)]
struct Session {
    id: u64,
    secret: String,
    app_id: String,
    provider: &'static Provider,
    authorization: &'static AuthorizationType,
    scopes: Vec<String>,
    consent_period_days: i64,
    stage: Stage,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    success_at: Option<DateTime<Utc>>,
    fail_at: Option<DateTime<Utc>>,
    token: Option<(String, DateTime<Utc>)>,
    events: Vec<(&'static str, DateTime<Utc>)>,
}

impl Session {
    fn expired(&self, now: DateTime<Utc>) -> bool {
        !self.stage.closed() && now > self.created_at + Duration::minutes(SESSION_LIFETIME_MINUTES)
    }

    /// The fields the session asks for next.
    fn asked(&self) -> &'static [Field] {
        match self.stage {
            Stage::Created => self.authorization.required_fields,
            Stage::WaitingMfa => self.authorization.mfa_fields,
            _ => &[],
        }
    }

    fn move_to(&mut self, stage: Stage, now: DateTime<Utc>) {
        self.stage = stage;
        self.updated_at = now;
        self.events.push((stage.status(), now));
    }

    fn to_json(&self, now: DateTime<Utc>, incomplete: bool) -> Value {
        let status = if self.expired(now) {
            "expired"
        } else {
            self.stage.status()
        };
        let details = match self.stage {
            Stage::Created => json!({
                "instruction": self.authorization.instruction,
                "required_fields": fields_json(self.authorization.required_fields),
            }),
            Stage::WaitingMfa => json!({
                "instruction": self.authorization.mfa_instruction,
                "mfa_fields": fields_json(self.authorization.mfa_fields),
            }),
            _ => json!({}),
        };
        let mut body = json!({
            "secret": self.secret,
            "status": status,
            "extra": { "scopes": self.scopes },
            "provider_code": self.provider.code,
            "id": self.id,
            "created_at": timestamp(self.created_at),
            "updated_at": timestamp(self.updated_at),
            "events": self.events.iter()
                .map(|(s, at)| json!({ "status": s, "created_at": timestamp(*at) }))
                .collect::<Vec<_>>(),
            "authorization_details": details,
            "customer_id": self.provider.customer_id,
        });
        if let Some((token, expires_at)) = &self.token {
            body["token"] = json!({ "access_token": token, "expires_at": timestamp(*expires_at) });
        }
        if let Some(at) = self.success_at {
            body["success_at"] = Value::from(timestamp(at));
        }
        if let Some(at) = self.fail_at {
            body["fail_at"] = Value::from(timestamp(at));
        }
        if incomplete && let Some(map) = body.as_object_mut() {
            map.remove("provider_code");
            map.remove("created_at");
        }
        body
    }
}

/// Every session this bank opened, by secret.
#[derive(Debug, Default)]
pub(super) struct SessionStore {
    sessions: Locked<HashMap<String, Session>>,
    next_id: AtomicU64,
}

impl SessionStore {
    /// A store whose first session id is `first` (a variant's own).
    pub(super) fn starting_at(first: u64) -> Self {
        Self {
            sessions: Locked::default(),
            next_id: AtomicU64::new(first),
        }
    }

    /// Opens a session; returns its secret.
    pub(super) fn open(&self, opening: Opening, now: DateTime<Utc>) -> String {
        let secret = random::token(15);
        let stage = if opening.reconnect {
            Stage::WaitingMfa
        } else {
            Stage::Created
        };
        let session = Session {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            secret: secret.clone(),
            app_id: opening.app_id,
            provider: opening.provider,
            authorization: opening.authorization,
            scopes: opening.scopes,
            consent_period_days: opening.consent_period_days,
            stage,
            created_at: now,
            updated_at: now,
            success_at: None,
            fail_at: None,
            token: None,
            events: vec![(stage.status(), now)],
        };
        self.sessions.lock().insert(secret.clone(), session);
        secret
    }
}

/// GET /sessions/:secret.
pub(super) async fn show(
    State(bank): State<Bank>,
    Path(secret): Path<String>,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    bank.show_session(&headers, &secret)
}

/// PUT /sessions/:secret.
pub(super) async fn confirm(
    State(bank): State<Bank>,
    Path(secret): Path<String>,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    bank.confirm_session(&headers, &secret)
}

/// DELETE /sessions/:secret.
pub(super) async fn destroy(
    State(bank): State<Bank>,
    Path(secret): Path<String>,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    bank.destroy_session(&headers, &secret)
}

impl SaltEdgeBank {
    fn show_session(&self, headers: &HeaderMap, secret: &str) -> Result<Answer, ApiError> {
        let call = self.admit(headers, Needs::Jwt)?;
        let now = self.clock.now();
        self.with_session(&call.app.app_id, secret, |s| {
            Ok(s.to_json(now, self.faults.has(SESSION_SHOW_INCOMPLETE)))
        })
        .map(Answer::data)
    }

    fn confirm_session(&self, headers: &HeaderMap, secret: &str) -> Result<Answer, ApiError> {
        let call = self.admit(headers, Needs::Jwt)?;
        let now = self.clock.now();
        let credentials = match call.data.get("credentials") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(c)) => c.clone(),
            Some(_) => {
                return Err(ApiError::new(
                    ErrorClass::WrongRequestFormat,
                    "credentials must be a hash",
                ));
            }
        };
        self.with_session(&call.app.app_id, secret, |s| {
            self.still_open(s, now)?;
            let asked = s.asked();
            let compatible = asked.iter().all(|f| credentials.contains_key(f.code))
                && credentials
                    .keys()
                    .all(|k| asked.iter().any(|f| f.code == k));
            if !compatible {
                let error = ApiError::new(
                    ErrorClass::ActionNotAllowed,
                    format!(
                        "the session is {} and asks for {}",
                        s.stage.status(),
                        asked.iter().map(|f| f.code).collect::<Vec<_>>().join(", ")
                    ),
                );
                return Err(if self.faults.has(INCOMPATIBLE_CREDENTIALS_AS_400) {
                    error.with_status(StatusCode::BAD_REQUEST)
                } else {
                    error
                });
            }
            let right = asked
                .iter()
                .all(|f| credentials.get(f.code).and_then(Value::as_str) == Some(f.sandbox));
            if !right {
                s.fail_at = Some(now);
                s.move_to(Stage::Failed, now);
            } else if !self.faults.has(CONFIRM_STALLS) {
                match s.stage {
                    Stage::Created => s.move_to(Stage::WaitingMfa, now),
                    _ => {
                        let expires_at = expiry(now, s.consent_period_days);
                        let token = self.tokens.issue(Grant {
                            app_id: s.app_id.clone(),
                            provider: s.provider,
                            scopes: s.scopes.clone(),
                            expires_at,
                            revoked: false,
                        });
                        s.token = Some((token, expires_at));
                        s.success_at = Some(now);
                        s.move_to(Stage::Success, now);
                    }
                }
            }
            Ok(s.to_json(now, false))
        })
        .map(Answer::data)
    }

    fn destroy_session(&self, headers: &HeaderMap, secret: &str) -> Result<Answer, ApiError> {
        let call = self.admit(headers, Needs::Jwt)?;
        let now = self.clock.now();
        self.with_session(&call.app.app_id, secret, |s| {
            self.still_open(s, now)?;
            if !self.faults.has(DESTROY_KEEPS_SESSION_OPEN) {
                s.move_to(Stage::Canceled, now);
            }
            Ok(json!({ "session_secret": s.secret }))
        })
        .map(Answer::data)
    }

    /// SessionClosed, then SessionExpired, for a session that can no longer be modified.
    fn still_open(&self, s: &Session, now: DateTime<Utc>) -> Result<(), ApiError> {
        if s.stage.closed() {
            let error = ApiError::new(
                ErrorClass::SessionClosed,
                "Session specified in request is already closed and cannot be modified.",
            );
            return Err(if self.faults.has(SESSION_CLOSED_AS_409) {
                error.with_status(StatusCode::CONFLICT)
            } else {
                error
            });
        }
        if s.expired(now) && !self.faults.has(SESSION_EXPIRY_IGNORED) {
            return Err(ApiError::new(
                ErrorClass::SessionExpired,
                "Found session is expired and cannot be processed anymore.",
            ));
        }
        Ok(())
    }

    /// Runs `f` on the application's session `secret` under the lock, or answers SessionNotFound.
    fn with_session<T>(
        &self,
        app_id: &str,
        secret: &str,
        f: impl FnOnce(&mut Session) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut sessions = self.sessions.sessions.lock();
        match sessions.get_mut(secret).filter(|s| s.app_id == app_id) {
            Some(session) => f(session),
            None => {
                let error = ApiError::new(
                    ErrorClass::SessionNotFound,
                    "Session specified in request does not exist or cannot be retrieved.",
                );
                Err(if self.faults.has(SESSION_NOT_FOUND_MISNAMED) {
                    error.named("NotFound")
                } else {
                    error
                })
            }
        }
    }
}
