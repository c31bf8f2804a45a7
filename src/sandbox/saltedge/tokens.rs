//! Access tokens of the Salt Edge bank and the Tokens endpoints: Show (GET /tokens), Remote
//! (POST /tokens/remote), Reconnect (POST /tokens/reconnect, deprecated) and Revoke (DELETE /tokens).
//!
//! A token is issued only when a session ends in success (see `sessions`); it belongs to one
//! application, one provider and its sandbox customer, and lives `consent_period_days` on the bank's
//! clock. Remote validates the request's provider, scopes and consent period and opens a session.
//! This file must never hold the token lock across an await.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use super::data::Provider;
use super::faults::{
    ACCESS_DENIED_AS_403, CONSENT_PERIOD_UNBOUNDED, PROVIDER_NOT_FOUND_AS_400,
    RECONNECT_WITHOUT_SESSION, SCOPES_NOT_CHECKED, SESSION_SECRET_MISSING,
    TOKEN_SHOW_WITHOUT_EXPIRY,
};
use super::gate::Needs;
use super::reply::{Answer, ApiError, ErrorClass, timestamp};
use super::sessions::Opening;
use super::{Bank, SaltEdgeBank};
use crate::sandbox::kit::{Locked, random};

/// The longest consent a TPP may ask for, and the default.
pub(super) const MAX_CONSENT_PERIOD_DAYS: i64 = 90;

/// What the bank knows of a token it issued.
#[derive(Clone, Debug)]
pub(super) struct Grant {
    pub app_id: String,
    pub provider: &'static Provider,
    pub scopes: Vec<String>,
    pub expires_at: DateTime<Utc>,
    pub revoked: bool,
}

/// Every Access-Token this bank issued.
#[derive(Debug, Default)]
pub(super) struct TokenStore {
    tokens: Locked<HashMap<String, Grant>>,
}

impl TokenStore {
    /// Issues a token for `grant`.
    pub(super) fn issue(&self, grant: Grant) -> String {
        let token = random::token(48);
        self.tokens.lock().insert(token.clone(), grant);
        token
    }

    pub(super) fn lookup(&self, token: &str) -> Option<Grant> {
        self.tokens.lock().get(token).cloned()
    }

    fn revoke(&self, token: &str) {
        if let Some(grant) = self.tokens.lock().get_mut(token) {
            grant.revoked = true;
        }
    }
}

/// GET /tokens.
pub(super) async fn show(State(bank): State<Bank>, headers: HeaderMap) -> Result<Answer, ApiError> {
    bank.show_token(&headers)
}

/// DELETE /tokens.
pub(super) async fn revoke(
    State(bank): State<Bank>,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    bank.revoke_token(&headers)
}

/// POST /tokens/remote.
pub(super) async fn remote(
    State(bank): State<Bank>,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    bank.remote(&headers)
}

/// POST /tokens/reconnect.
pub(super) async fn reconnect(
    State(bank): State<Bank>,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    bank.reconnect(&headers)
}

impl SaltEdgeBank {
    fn show_token(&self, headers: &HeaderMap) -> Result<Answer, ApiError> {
        let call = self.admit(headers, Needs::JwtAndToken)?;
        let (_, grant) = call.grant()?;
        let mut data = json!({ "scopes": grant.scopes });
        if !self.faults.has(TOKEN_SHOW_WITHOUT_EXPIRY) {
            data["access_token_expires_at"] = Value::from(timestamp(grant.expires_at));
        }
        Ok(Answer::data(data))
    }

    fn revoke_token(&self, headers: &HeaderMap) -> Result<Answer, ApiError> {
        let call = self.admit(headers, Needs::JwtAndToken)?;
        let (token, _) = call.grant()?;
        self.tokens.revoke(token);
        Ok(Answer::data(
            json!({ "revoked": true, "access_token": token }),
        ))
    }

    fn remote(&self, headers: &HeaderMap) -> Result<Answer, ApiError> {
        let call = self.admit(headers, Needs::Jwt)?;
        let data = &call.data;
        let code = data
            .get("provider_code")
            .and_then(Value::as_str)
            .unwrap_or("");
        let provider = self.approved_provider(code)?;
        let scopes = self.requested_scopes(data, provider, call.app.scopes)?;
        let consent_period_days = self.consent_period_days(data)?;
        let authorization = match data
            .get("credentials")
            .and_then(|c| c.get("authorization_type"))
            .and_then(Value::as_str)
        {
            None => provider.authorization_types.first(),
            Some(code) => Some(provider.authorization_type(code).ok_or_else(|| {
                ApiError::new(
                    ErrorClass::ActionNotAllowed,
                    format!("the provider has no authorization type `{code}`"),
                )
            })?),
        }
        .ok_or_else(|| {
            ApiError::new(
                ErrorClass::ActionNotAllowed,
                "the provider has no authorization type",
            )
        })?;
        let secret = self.sessions.open(
            Opening {
                app_id: call.app.app_id.clone(),
                provider,
                authorization,
                scopes,
                consent_period_days,
                reconnect: false,
            },
            self.clock.now(),
        );
        let key = if self.faults.has(SESSION_SECRET_MISSING) {
            "secret"
        } else {
            "session_secret"
        };
        Ok(Answer::data(json!({ key: secret })))
    }

    fn reconnect(&self, headers: &HeaderMap) -> Result<Answer, ApiError> {
        let call = self.admit(headers, Needs::JwtAndToken)?;
        let (token, grant) = call.grant()?;
        if call.data.get("consent_approved") != Some(&Value::Bool(true)) {
            return Err(ApiError::new(
                ErrorClass::ActionNotAllowed,
                "the PSU's consent must be asked first: consent_approved must be true",
            ));
        }
        if self.faults.has(RECONNECT_WITHOUT_SESSION) {
            return Ok(Answer::data(json!({ "access_token": token })));
        }
        let authorization = grant.provider.authorization_types.first().ok_or_else(|| {
            ApiError::new(
                ErrorClass::ActionNotAllowed,
                "the provider has no authorization type",
            )
        })?;
        let secret = self.sessions.open(
            Opening {
                app_id: call.app.app_id.clone(),
                provider: grant.provider,
                authorization,
                scopes: grant.scopes.clone(),
                consent_period_days: MAX_CONSENT_PERIOD_DAYS,
                reconnect: true,
            },
            self.clock.now(),
        );
        Ok(Answer::data(json!({ "session_secret": secret })))
    }

    /// The provider with that code, which must have approved the TPP.
    pub(super) fn approved_provider(&self, code: &str) -> Result<&'static Provider, ApiError> {
        let provider = self.provider(code).ok_or_else(|| {
            let error = ApiError::new(
                ErrorClass::ProviderNotFound,
                format!("no provider `{code}`"),
            );
            if self.faults.has(PROVIDER_NOT_FOUND_AS_400) {
                error.with_status(StatusCode::BAD_REQUEST)
            } else {
                error
            }
        })?;
        if !provider.approved {
            let error = ApiError::new(
                ErrorClass::AccessDenied,
                format!("the provider `{code}` has not approved access for this TPP"),
            );
            return Err(if self.faults.has(ACCESS_DENIED_AS_403) {
                error.with_status(StatusCode::FORBIDDEN)
            } else {
                error
            });
        }
        Ok(provider)
    }

    /// `scopes`: a non-empty list, each offered by both the provider and the application.
    fn requested_scopes(
        &self,
        data: &Map<String, Value>,
        provider: &Provider,
        app_scopes: &[&str],
    ) -> Result<Vec<String>, ApiError> {
        let invalid = |message: String| ApiError::new(ErrorClass::ScopesInvalid, message);
        let list = data
            .get("scopes")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("scopes must be a list".into()))?;
        let mut scopes = Vec::new();
        for scope in list {
            let scope = scope
                .as_str()
                .ok_or_else(|| invalid(format!("scope {scope} is not a string")))?;
            let offered = provider.scopes.contains(&scope) && app_scopes.contains(&scope);
            if !offered && !self.faults.has(SCOPES_NOT_CHECKED) {
                return Err(invalid(format!(
                    "scope `{scope}` is not offered by both the provider and the application"
                )));
            }
            scopes.push(scope.to_string());
        }
        if scopes.is_empty() {
            return Err(invalid("at least one scope is required".into()));
        }
        Ok(scopes)
    }

    /// `consent_period_days`: 1 to 90, 90 when absent.
    fn consent_period_days(&self, data: &Map<String, Value>) -> Result<i64, ApiError> {
        let Some(value) = data.get("consent_period_days") else {
            return Ok(MAX_CONSENT_PERIOD_DAYS);
        };
        let days = value.as_i64().ok_or_else(|| {
            ApiError::new(
                ErrorClass::WrongRequestFormat,
                "consent_period_days must be an integer",
            )
        })?;
        let bound = if self.faults.has(CONSENT_PERIOD_UNBOUNDED) {
            i64::from(u16::MAX)
        } else {
            MAX_CONSENT_PERIOD_DAYS
        };
        if (1..=bound).contains(&days) {
            Ok(days)
        } else {
            Err(ApiError::new(
                ErrorClass::ValueOutOfRange,
                format!(
                    "consent_period_days cannot be greater than {MAX_CONSENT_PERIOD_DAYS} (nor below 1): {days}"
                ),
            ))
        }
    }
}

/// When a token issued `now` for `days` expires.
pub(super) fn expiry(now: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    now + Duration::days(days)
}
