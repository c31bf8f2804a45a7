//! Access tokens of the STET bank: the password-grant token endpoint and the gate every AIS call
//! passes (method, bearer token, Accept, scope, in that order).
//!
//! Tokens are random, stored with their PSU, scope, client and expiry; nothing else is trusted. This
//! file must never look at accounts or consents, and never hold the token lock across an await.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde::Deserialize;
use serde_json::json;

use super::StetBank;
use super::data::{self, PersonaData};
use super::faults::{
    ACCEPT_IGNORED, EXPIRED_TOKEN_ACCEPTED, POST_ALLOWED, UNAUTHENTICATED_403, WRONG_SCOPE_ACCEPTED,
};
use super::reply::{ApiError, OAUTH_JSON, json_response};

/// How long an access token lives.
pub(super) const TOKEN_LIFETIME_SECONDS: i64 = 900;

/// The OAuth2 scope an access token was issued for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scope {
    Aisp,
    Pisp,
}

impl Scope {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "aisp" => Some(Scope::Aisp),
            "pisp" => Some(Scope::Pisp),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Scope::Aisp => "aisp",
            Scope::Pisp => "pisp",
        }
    }
}

/// What the bank knows about an access token it issued.
#[derive(Clone, Debug)]
struct Grant {
    persona: &'static PersonaData,
    client_id: String,
    scope: Scope,
    expires_at: DateTime<Utc>,
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
    tokens: Mutex<HashMap<String, Grant>>,
}

impl TokenStore {
    fn issue(&self, grant: Grant) -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill(&mut bytes);
        let token = URL_SAFE_NO_PAD.encode(bytes);
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(token.clone(), grant);
        token
    }

    fn lookup(&self, token: &str) -> Option<Grant> {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .cloned()
    }
}

/// A random sandbox password.
pub(super) fn random_password() -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

/// The method an AIS resource serves.
#[derive(Clone, Copy, Debug)]
pub(super) enum Verb {
    Get,
    Put,
}

impl Verb {
    fn method(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Put => Method::PUT,
        }
    }

    fn allow(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Put => "PUT",
        }
    }
}

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
    /// Checks, in order, the method, the bearer token, Accept and the aisp scope of an AIS call.
    pub(super) fn admit(&self, parts: &Parts, verb: Verb) -> Result<Caller, ApiError> {
        let served = parts.method == verb.method()
            || (parts.method == Method::POST && self.faults.has(POST_ALLOWED));
        if !served {
            return Err(ApiError::MethodNotAllowed {
                method: parts.method.to_string(),
                allow: verb.allow(),
            });
        }
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
        if grant.expires_at <= self.clock.now() && !self.faults.has(EXPIRED_TOKEN_ACCEPTED) {
            return Err(ApiError::ExpiredToken);
        }
        if !accepts_json(&parts.headers) && !self.faults.has(ACCEPT_IGNORED) {
            return Err(ApiError::NotAcceptable);
        }
        if grant.scope != Scope::Aisp && !self.faults.has(WRONG_SCOPE_ACCEPTED) {
            return Err(ApiError::WrongScope);
        }
        Ok(Caller {
            persona: grant.persona,
            client_id: grant.client_id,
        })
    }

    /// Stores an aisp token for `persona` that expired a second ago.
    pub(super) fn expired_token(&self, persona: &'static PersonaData) -> String {
        self.tokens.issue(Grant {
            persona,
            client_id: EXPIRED_TOKEN_CLIENT.to_string(),
            scope: Scope::Aisp,
            expires_at: self.clock.now() - Duration::seconds(1),
        })
    }
}

/// The client_id recorded for tokens made by `StetBank::issue_expired_token`.
const EXPIRED_TOKEN_CLIENT: &str = "obconf";

/// The form of `POST /token` (Resource Owner Password grant).
#[derive(Debug, Deserialize)]
pub(super) struct TokenForm {
    grant_type: Option<String>,
    username: Option<String>,
    password: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
}

/// An RFC 6749 error answer of the token endpoint.
fn oauth_error(code: &str, description: &str) -> Response {
    let body = json!({ "error": code, "error_description": description });
    json_response(StatusCode::BAD_REQUEST, &body, OAUTH_JSON)
}

/// `POST TOKEN_PATH`: the password grant.
pub(super) async fn token(
    State(bank): State<Arc<StetBank>>,
    method: Method,
    uri: Uri,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    if method != Method::POST {
        let error = ApiError::MethodNotAllowed {
            method: method.to_string(),
            allow: "POST",
        };
        return error.render(uri.path(), bank.clock.now());
    }
    let Ok(Form(form)) = form else {
        return oauth_error(
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        );
    };
    bank.password_grant(form)
}

impl StetBank {
    fn password_grant(&self, form: TokenForm) -> Response {
        let Some(grant_type) = form.grant_type.as_deref() else {
            return oauth_error("invalid_request", "grant_type is required");
        };
        if grant_type != "password" {
            return oauth_error(
                "unsupported_grant_type",
                "this sandbox issues tokens by the password grant",
            );
        }
        let client_id = form.client_id.unwrap_or_default();
        if client_id.trim().is_empty() {
            return oauth_error("invalid_request", "client_id is required");
        }
        let Some(scope) = form.scope.as_deref().and_then(Scope::parse) else {
            return oauth_error("invalid_scope", "scope must be aisp or pisp");
        };
        let persona = form.username.as_deref().and_then(data::persona);
        let known = persona
            .zip(form.password.as_deref())
            .filter(|(persona, password)| {
                self.passwords.get(persona.name).map(String::as_str) == Some(*password)
            });
        let Some((persona, _)) = known else {
            return oauth_error("invalid_grant", "unknown username or wrong password");
        };
        let token = self.tokens.issue(Grant {
            persona,
            client_id,
            scope,
            expires_at: self.clock.now() + Duration::seconds(TOKEN_LIFETIME_SECONDS),
        });
        let body = json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            "scope": scope.as_str(),
        });
        let mut response = json_response(StatusCode::OK, &body, OAUTH_JSON);
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}
