//! Access tokens of the STET bank and the gate every API call passes once the router has checked its
//! method: signature, bearer token (issued, not revoked, not expired), Accept, then the scope the
//! resource needs, in that order.
//!
//! Tokens are random, stored with their PSU (none for a client-credentials token), scope, client,
//! authorisation and expiry; nothing else is trusted. This file must never look at accounts,
//! consents or payments, and never hold the token lock across an await.

use std::collections::HashMap;

use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use chrono::{DateTime, Duration, Utc};

use super::StetBank;
use super::data::PersonaData;
use super::faults::{
    ACCEPT_IGNORED, EXPIRED_TOKEN_ACCEPTED, REVOKE_KEEPS_ACCESS_TOKEN, UNAUTHENTICATED_403,
    WRONG_SCOPE_ACCEPTED,
};
use super::reply::ApiError;
use crate::sandbox::kit::{Locked, random};

/// How long an access token lives.
pub(super) const TOKEN_LIFETIME_SECONDS: i64 = 900;

/// The OAuth2 scope an access token was issued for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    Aisp,
    Pisp,
    Cbpii,
}

impl Scope {
    pub(super) fn parse(text: &str) -> Option<Self> {
        match text {
            "aisp" => Some(Scope::Aisp),
            "pisp" => Some(Scope::Pisp),
            "cbpii" => Some(Scope::Cbpii),
            _ => None,
        }
    }

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Scope::Aisp => "aisp",
            Scope::Pisp => "pisp",
            Scope::Cbpii => "cbpii",
        }
    }
}

/// One authorisation of a PSU (an authorization-code exchange): every access and refresh token
/// issued from it, across refreshes, carries its id, and revoking one revokes them all.
pub(super) type Family = u64;

/// What the bank knows about an access token it issued.
#[derive(Clone, Debug)]
pub(super) struct Grant {
    /// The PSU; `None` for a client-credentials token.
    pub persona: Option<&'static PersonaData>,
    pub client_id: String,
    pub scope: Scope,
    pub expires_at: DateTime<Utc>,
    /// The authorisation it comes from, for tokens of the authorization-code flow.
    pub family: Option<Family>,
}

/// The PSU and TPP behind an accepted access token.
#[derive(Clone, Debug)]
pub(super) struct Caller {
    pub persona: &'static PersonaData,
    pub client_id: String,
}

/// Every access token this bank issued.
#[derive(Debug, Default)]
pub(super) struct TokenStore {
    tokens: Locked<HashMap<String, Grant>>,
}

impl TokenStore {
    pub(super) fn issue(&self, grant: Grant) -> String {
        let token = random::token(SECRET_BYTES);
        self.tokens.lock().insert(token.clone(), grant);
        token
    }

    pub(super) fn lookup(&self, token: &str) -> Option<Grant> {
        self.tokens.lock().get(token).cloned()
    }

    /// Forgets an access token (revocation of a token that belongs to no authorisation).
    pub(super) fn remove(&self, token: &str) {
        self.tokens.lock().remove(token);
    }
}

/// Random bytes in every token, code and session id of the bank (base64url, [`random::token`]).
pub(super) const SECRET_BYTES: usize = 32;

/// Letters and digits in a sandbox password ([`random::alphanumeric`]).
pub(super) const PASSWORD_LENGTH: usize = 20;

/// The token in `Authorization: Bearer <token>`, if the header has that shape.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether the request's Accept admits a JSON answer (an absent Accept admits anything).
fn accepts_json(headers: &HeaderMap) -> bool {
    let mut present = false;
    for value in headers.get_all(header::ACCEPT) {
        present = true;
        let Ok(text) = value.to_str() else { continue };
        let admitted = text.split(',').any(|range| {
            let media = range.split(';').next().unwrap_or_default().trim();
            [
                "application/hal+json",
                "application/json",
                "application/*",
                "*/*",
            ]
            .iter()
            .any(|ok| media.eq_ignore_ascii_case(ok))
        });
        if admitted {
            return true;
        }
    }
    !present
}

impl StetBank {
    /// Checks, in order, the signature, the bearer token and Accept of an API call (the router
    /// already answered a method the resource does not serve).
    fn gate(&self, parts: &Parts) -> Result<Grant, ApiError> {
        self.signature_checked(parts)?;
        let unauthenticated = |error| {
            if self.faults.has(UNAUTHENTICATED_403) {
                ApiError::Unauthenticated
            } else {
                error
            }
        };
        let token =
            bearer(&parts.headers).ok_or_else(|| unauthenticated(ApiError::MissingToken))?;
        let grant = self
            .tokens
            .lookup(token)
            .ok_or_else(|| unauthenticated(ApiError::InvalidToken))?;
        let revoked = grant
            .family
            .is_some_and(|family| self.oauth.is_revoked(family));
        if revoked && !self.faults.has(REVOKE_KEEPS_ACCESS_TOKEN) {
            return Err(ApiError::InvalidToken);
        }
        if grant.expires_at <= self.clock.now() && !self.faults.has(EXPIRED_TOKEN_ACCEPTED) {
            return Err(ApiError::ExpiredToken);
        }
        if !accepts_json(&parts.headers) && !self.faults.has(ACCEPT_IGNORED) {
            return Err(ApiError::NotAcceptable);
        }
        Ok(grant)
    }

    /// The gate of an AIS call: [`Self::gate`], then the aisp scope and a PSU behind the token.
    pub(super) fn admit(&self, parts: &Parts) -> Result<Caller, ApiError> {
        let grant = self.gate(parts)?;
        if grant.scope != Scope::Aisp && !self.faults.has(WRONG_SCOPE_ACCEPTED) {
            return Err(ApiError::WrongScope);
        }
        let persona = grant.persona.ok_or(ApiError::Forbidden(
            "the access token identifies no PSU: AIS resources need an authorisation of the PSU",
        ))?;
        Ok(Caller {
            persona,
            client_id: grant.client_id,
        })
    }

    /// The gate of a CBPII or PISP call: [`Self::gate`], then `scope` (any scope when
    /// `any_scope`, which only a fault asks for).
    pub(super) fn admit_scope(
        &self,
        parts: &Parts,
        scope: Scope,
        any_scope: bool,
    ) -> Result<Grant, ApiError> {
        let grant = self.gate(parts)?;
        if grant.scope != scope && !any_scope {
            return Err(ApiError::WrongScope);
        }
        Ok(grant)
    }

    /// Stores an aisp token for `persona` that expired a second ago.
    pub(super) fn expired_token(&self, persona: &'static PersonaData) -> String {
        self.tokens.issue(Grant {
            persona: Some(persona),
            client_id: EXPIRED_TOKEN_CLIENT.to_string(),
            scope: Scope::Aisp,
            expires_at: self.clock.now() - Duration::seconds(1),
            family: None,
        })
    }

    /// The persona whose sandbox login this is, if the password is right.
    pub(super) fn authenticate_psu(
        &self,
        username: Option<&str>,
        password: Option<&str>,
    ) -> Option<&'static PersonaData> {
        let persona = super::data::persona(username?.trim())?;
        let expected = self.passwords.get(persona.name)?;
        (password? == expected.as_str()).then_some(persona)
    }
}

/// The client_id recorded for tokens made by `StetBank::issue_expired_token`.
const EXPIRED_TOKEN_CLIENT: &str = "obconf";
