//! `POST /par` (RFC 9126, notes §3.7), checked in the documented order: the transport certificate,
//! a form without `request_uri`, client authentication ([`super::assertion`], `invalid_client`),
//! the request object (`invalid_request_object`: a PS256 JWS signed by the same client, `iss` =
//! `client_id`, `aud` = the issuer as one string, `exp` and `nbf` present, `nbf` at most 10 s ahead
//! and at most 10 minutes old, not expired, `exp - nbf` at most 10 minutes), its parameters
//! (`invalid_request` / `invalid_scope`), the rich authorization request ([`super::rar`]); then the
//! consent is lodged `AwaitingAuthorization` and the answer is 201 `{request_uri, expires_in}`.
//!
//! Nothing is stored unless every check passed.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{Extensions, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use serde_json::{Map, Value, json};

use super::assertion::{self, Endpoint, SKEW_SECS};
use super::authorize::Pushed;
use super::consent::{AWAITING, Consent, Kind};
use super::keys::Client;
use super::reply::{OAuthError, json_response};
use super::{Bank, faults, jose, rar};
use crate::sandbox::kit::random;

/// How long a `request_uri` can be used (FAPI 2.0: under 600 s).
pub(crate) const REQUEST_URI_TTL_SECS: i64 = 90;
/// The longest request-object lifetime (`exp - nbf`) and the oldest `nbf` (NB: 10 minutes).
const MAX_REQUEST_LIFETIME_SECS: i64 = 600;
/// FAPI 2.0 Message Signing's looser limits (60 minutes), which only `accept-old-request-nbf` applies.
const FAPI_REQUEST_LIFETIME_SECS: i64 = 3600;
const KNOWN_SCOPES: &[&str] = &[
    "openid",
    "accounts",
    "payments",
    "confirmation-of-payee",
    "products",
];

pub(crate) async fn par(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    match push(&bank, &extensions, form) {
        Ok(body) => {
            let status =
                StatusCode::from_u16(bank.readings.par_status).unwrap_or(StatusCode::CREATED);
            json_response(status, &body, true)
        }
        Err(error) => error.into_response(),
    }
}

fn push(
    bank: &Bank,
    extensions: &Extensions,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Result<Value, OAuthError> {
    let form = OAuthError::form(form)?;
    if form.contains_key("request_uri") {
        return Err(OAuthError::request(
            "request_uri is not allowed at the PAR endpoint",
        ));
    }
    let client = assertion::authenticate(bank, extensions, &form, Endpoint::Par)?;
    let request = form
        .get("request")
        .ok_or_else(|| OAuthError::request("request (the signed request object) is required"))?;
    let claims = request_object(bank, client, request)?;
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_string);
    if text("response_type").as_deref() != Some("code") {
        return Err(OAuthError::request("response_type must be code"));
    }
    let redirect_uri = text("redirect_uri")
        .filter(|uri| client.redirect_uris.contains(uri))
        .ok_or_else(|| OAuthError::request("redirect_uri must be one registered for the client"))?;
    let challenge = text("code_challenge")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| OAuthError::request("code_challenge is required (PKCE)"))?;
    if text("code_challenge_method").as_deref() != Some("S256") {
        return Err(OAuthError::request("code_challenge_method must be S256"));
    }
    let scope = text("scope").unwrap_or_default();
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    if let Some(unknown) = scopes.iter().find(|s| !KNOWN_SCOPES.contains(s)) {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            format!("unknown scope {unknown}"),
        ));
    }
    let requested = rar::validate(bank, claims.get("authorization_details"))?;
    let fits = match requested.kind {
        Kind::DataSharing => scopes.contains(&"accounts"),
        Kind::Payment => scopes.contains(&"payments"),
    };
    if !fits {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "the scope must name accounts for an account-access consent and payments for a service-initiation consent",
        ));
    }
    let now = bank.clock.now();
    bank.consents.insert(Consent {
        id: requested.consent_id.clone(),
        client_id: client.client_id.clone(),
        kind: requested.kind,
        status: AWAITING,
        created: now,
        status_updated: now,
        expires: requested.expires,
        body: requested.body,
        permissions: requested.permissions,
        user_id: None,
        account_ids: Vec::new(),
        revoked_by: None,
        payment_ids: Vec::new(),
        refused: Vec::new(),
        pii: None,
    });
    let request_uri = format!("urn:ietf:params:oauth:request-uri:{}", random::token(24));
    bank.flows.push(
        request_uri.clone(),
        Pushed {
            client_id: client.client_id.clone(),
            redirect_uri,
            scope,
            state: text("state"),
            nonce: text("nonce"),
            code_challenge: challenge,
            consent_id: requested.consent_id,
            expires: now + Duration::seconds(REQUEST_URI_TTL_SECS),
        },
    );
    Ok(json!({"request_uri": request_uri, "expires_in": REQUEST_URI_TTL_SECS}))
}

/// The request object's claims, once its signature and lifetime are checked.
fn request_object(
    bank: &Bank,
    client: &Client,
    request: &str,
) -> Result<Map<String, Value>, OAuthError> {
    if let Ok(Value::Object(plain)) = serde_json::from_str::<Value>(request) {
        if bank.faults.has(faults::ACCEPT_UNSIGNED_REQUEST) {
            return Ok(plain);
        }
        return Err(OAuthError::request_object(
            "the request object must be a signed JWS, not plain JSON",
        ));
    }
    let jws =
        jose::split(request).map_err(|e| OAuthError::request_object(format!("request: {e}")))?;
    let unsigned_ok = jws.alg() == Some("none") && bank.faults.has(faults::ACCEPT_ALG_NONE);
    if !unsigned_ok {
        if jws.alg() != Some("PS256") {
            return Err(OAuthError::request_object(format!(
                "the request object must be signed PS256, not {:?}",
                jws.alg().unwrap_or("(none)")
            )));
        }
        let kid = jws.kid().unwrap_or_default();
        let key = if kid == client.signing_kid {
            Some(&client.signing_jwk)
        } else if bank.faults.has(faults::ACCEPT_FOREIGN_REQUEST_SIGNATURE) {
            bank.clients
                .iter()
                .find(|c| c.signing_kid == kid)
                .map(|c| &c.signing_jwk)
        } else {
            None
        };
        let key = key.ok_or_else(|| {
            OAuthError::request_object(
                "the request object is not signed by the authenticated client's key",
            )
        })?;
        if !bank.faults.has(faults::SKIP_REQUEST_SIGNATURE) && !jose::verify_ps256(&jws.raw, key) {
            return Err(OAuthError::request_object(
                "the request object's signature does not verify",
            ));
        }
    }
    let id = client.client_id.as_str();
    if jws.text("iss") != Some(id) || jws.text("client_id") != Some(id) {
        return Err(OAuthError::request_object(
            "iss and client_id must both be the authenticated client_id",
        ));
    }
    if jws.text("aud") != Some(bank.issuer()) && !bank.faults.has(faults::SKIP_REQUEST_AUD) {
        return Err(OAuthError::request_object(format!(
            "aud must be the issuer {} as one string",
            bank.issuer()
        )));
    }
    lifetime(bank, &jws)?;
    Ok(jws.claims)
}

/// The request object's `exp` and `nbf`: both present, `nbf` not in the future nor more than 10
/// minutes old, `exp` not passed and at most 10 minutes after `nbf` (NB; FAPI 2.0 allows 60).
fn lifetime(bank: &Bank, jws: &jose::Compact) -> Result<(), OAuthError> {
    let now = bank.clock.now().timestamp();
    let exp = jws.number("exp");
    let nbf = jws.number("nbf");
    if exp.is_none() && !bank.faults.has(faults::ACCEPT_REQUEST_WITHOUT_EXP) {
        return Err(OAuthError::request_object("exp is required"));
    }
    if nbf.is_none() && !bank.faults.has(faults::ACCEPT_REQUEST_WITHOUT_NBF) {
        return Err(OAuthError::request_object("nbf is required"));
    }
    let limit = if bank.faults.has(faults::ACCEPT_OLD_REQUEST_NBF) {
        FAPI_REQUEST_LIFETIME_SECS
    } else {
        MAX_REQUEST_LIFETIME_SECS
    };
    if let Some(nbf) = nbf {
        if nbf > now + SKEW_SECS {
            return Err(OAuthError::request_object("nbf is in the future"));
        }
        if nbf < now - limit {
            return Err(OAuthError::request_object(
                "nbf is more than 10 minutes in the past",
            ));
        }
    }
    if let Some(exp) = exp {
        if exp <= now && !bank.faults.has(faults::ACCEPT_EXPIRED_REQUEST_OBJECT) {
            return Err(OAuthError::request_object("the request object has expired"));
        }
        if let Some(nbf) = nbf
            && exp - nbf > limit
        {
            return Err(OAuthError::request_object("exp - nbf exceeds 10 minutes"));
        }
    }
    Ok(())
}
