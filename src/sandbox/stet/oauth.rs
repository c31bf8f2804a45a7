//! The OAuth2 state of the STET bank beyond access tokens: one-time authorization codes, refresh
//! tokens, revoked authorisations and fallback sessions; and `POST REVOKE_PATH` (RFC 7009, STET
//! §3.4.2.8 "Refresh token revocation").
//!
//! Codes live 60 s and work once; a refresh token is replaced by each refresh; revoking a refresh or
//! access token revokes the whole authorisation ("if the Authorization token is revoked, then the
//! refresh one is automatically revoked (and the other way round)"). Every value handed out is
//! random. This file must never log a code or token, and never hold its lock across an await.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, MutexGuard};

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::StetBank;
use super::auth::{Family, SECRET_BYTES, Scope};
use super::data::PersonaData;
use super::faults::REVOKE_KEEPS_ACCESS_TOKEN;
use super::reply::empty;
use super::token::{client_gate, oauth_error};
use crate::sandbox::kit::{Locked, random};

/// How long an authorization code can be exchanged.
pub(super) const CODE_LIFETIME_SECONDS: i64 = 60;
/// How long a refresh token lives (the document's 180 days).
pub(super) const REFRESH_LIFETIME_DAYS: i64 = 180;
/// How long a fallback session (the online-banking login it opens) lives.
pub(super) const FALLBACK_LIFETIME_SECONDS: i64 = 600;

/// What an authorization code stands for.
#[derive(Clone, Debug)]
pub(super) struct Code {
    pub persona: &'static PersonaData,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: Scope,
    pub expires_at: DateTime<Utc>,
}

/// What a refresh token stands for.
#[derive(Clone, Debug)]
pub(super) struct Refresh {
    pub persona: &'static PersonaData,
    pub client_id: String,
    pub scope: Scope,
    pub family: Family,
    pub expires_at: DateTime<Utc>,
}

/// Why a code or refresh token is refused (always `invalid_grant` on the wire).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub(super) enum GrantError {
    #[error("unknown or already used")]
    Unknown,
    #[error("expired")]
    Expired,
    #[error("revoked")]
    Revoked,
}

#[derive(Debug, Default)]
struct Inner {
    codes: HashMap<String, Code>,
    refresh: HashMap<String, Refresh>,
    revoked: HashSet<Family>,
    last_family: Family,
    /// Fallback sessions: client_id and expiry.
    fallback: HashMap<String, (String, DateTime<Utc>)>,
}

/// Codes, refresh tokens, revoked authorisations and fallback sessions.
#[derive(Debug, Default)]
pub(super) struct OAuthStore {
    inner: Locked<Inner>,
}

impl OAuthStore {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock()
    }

    /// Stores a code and returns it.
    pub(super) fn issue_code(&self, code: Code) -> String {
        let value = random::token(SECRET_BYTES);
        self.lock().codes.insert(value.clone(), code);
        value
    }

    /// The code's grant, used up unless `reusable`; expired codes are dropped.
    pub(super) fn take_code(
        &self,
        value: &str,
        reusable: bool,
        now: DateTime<Utc>,
    ) -> Result<Code, GrantError> {
        let mut inner = self.lock();
        let code = if reusable {
            inner.codes.get(value).cloned()
        } else {
            inner.codes.remove(value)
        };
        let code = code.ok_or(GrantError::Unknown)?;
        if code.expires_at <= now {
            inner.codes.remove(value);
            return Err(GrantError::Expired);
        }
        Ok(code)
    }

    /// A new authorisation id.
    pub(super) fn new_family(&self) -> Family {
        let mut inner = self.lock();
        inner.last_family = inner.last_family.wrapping_add(1);
        inner.last_family
    }

    /// Stores a refresh token and returns it.
    pub(super) fn issue_refresh(&self, refresh: Refresh) -> String {
        let value = random::token(SECRET_BYTES);
        self.lock().refresh.insert(value.clone(), refresh);
        value
    }

    /// The refresh token's grant, used up unless `reusable`.
    pub(super) fn take_refresh(
        &self,
        value: &str,
        reusable: bool,
        now: DateTime<Utc>,
    ) -> Result<Refresh, GrantError> {
        let mut inner = self.lock();
        let refresh = inner
            .refresh
            .get(value)
            .cloned()
            .ok_or(GrantError::Unknown)?;
        if inner.revoked.contains(&refresh.family) {
            return Err(GrantError::Revoked);
        }
        if refresh.expires_at <= now {
            inner.refresh.remove(value);
            return Err(GrantError::Expired);
        }
        if !reusable {
            inner.refresh.remove(value);
        }
        Ok(refresh)
    }

    /// The authorisation and client of a refresh token, if it is one.
    fn refresh_owner(&self, value: &str) -> Option<(Family, String)> {
        self.lock()
            .refresh
            .get(value)
            .map(|r| (r.family, r.client_id.clone()))
    }

    /// Revokes every token of an authorisation.
    fn revoke_family(&self, family: Family) {
        let mut inner = self.lock();
        inner.revoked.insert(family);
        inner.refresh.retain(|_, r| r.family != family);
    }

    pub(super) fn is_revoked(&self, family: Family) -> bool {
        self.lock().revoked.contains(&family)
    }

    /// Opens a fallback session for `client_id` at `now` and returns its id.
    pub(super) fn open_fallback(&self, client_id: &str, now: DateTime<Utc>) -> String {
        let value = random::token(SECRET_BYTES);
        let expires_at = now + Duration::seconds(FALLBACK_LIFETIME_SECONDS);
        let mut inner = self.lock();
        inner.fallback.retain(|_, (_, until)| *until > now);
        inner
            .fallback
            .insert(value.clone(), (client_id.to_string(), expires_at));
        value
    }

    /// The client of a live fallback session.
    pub(super) fn fallback_client(&self, value: &str, now: DateTime<Utc>) -> Option<String> {
        self.lock()
            .fallback
            .get(value)
            .filter(|(_, until)| *until > now)
            .map(|(client, _)| client.clone())
    }
}

/// The form of `POST REVOKE_PATH`.
#[derive(Debug, Deserialize)]
pub(super) struct RevokeForm {
    token: Option<String>,
    client_id: Option<String>,
}

/// `POST REVOKE_PATH`: revokes the authorisation behind a refresh or access token; 200 also for a
/// token the bank does not know (RFC 7009 §2.2).
pub(super) async fn revoke(
    State(bank): State<Arc<StetBank>>,
    parts: Parts,
    form: Result<Form<RevokeForm>, FormRejection>,
) -> Response {
    let form = match client_gate(&bank, &parts, form, |f: &RevokeForm| f.client_id.as_deref()) {
        Ok(form) => form,
        Err(refused) => return *refused,
    };
    let Some(client_id) = form.client_id.filter(|c| !c.trim().is_empty()) else {
        return oauth_error("invalid_request", "client_id is required");
    };
    let Some(token) = form.token.filter(|t| !t.is_empty()) else {
        return oauth_error("invalid_request", "token is required");
    };
    if !bank.revoke_token(&token, client_id.trim()) {
        return oauth_error(
            "unauthorized_client",
            "the token was not issued to this client",
        );
    }
    let mut response = empty(StatusCode::OK);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

impl StetBank {
    /// Revokes what `token` belongs to; false when it was issued to another client.
    fn revoke_token(&self, token: &str, client_id: &str) -> bool {
        if let Some((family, owner)) = self.oauth.refresh_owner(token) {
            if owner != client_id {
                return false;
            }
            self.oauth.revoke_family(family);
            return true;
        }
        if let Some(grant) = self.tokens.lookup(token) {
            if grant.client_id != client_id {
                return false;
            }
            match grant.family {
                Some(family) => self.oauth.revoke_family(family),
                None if !self.faults.has(REVOKE_KEEPS_ACCESS_TOKEN) => self.tokens.remove(token),
                None => {}
            }
        }
        true
    }
}
