//! The hub's headless authorisation (Ozone "Headless Heimdall", notes §4.2, §4.7) on the front
//! listener: `GET /auth` (getAuth) opens an interaction for a pushed `request_uri` that is known,
//! unexpired and bound to the `client_id`; `POST /auth/{interactionId}/doConfirm` answers 303 to
//! the redirect URI with `code`, `state` and `iss` once the PSU authorised the consent through the
//! consent manager (and, for a payment, its PII decrypts and validates); `doFail` answers 303 with
//! `error=access_denied`.
//!
//! A `request_uri` is spent when its interaction completes, not at the first visit. Codes are 256
//! random bits, live 60 s and are bound to client, redirect URI, PKCE challenge and consent.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::consent::{AUTHORIZED, Kind, REJECTED};
use super::reply::json_response;
use super::{Bank, faults, pii};
use crate::sandbox::kit::{Locked, random};

/// How long an authorization code can be redeemed.
pub(crate) const CODE_TTL_SECS: i64 = 60;

/// A pushed authorization request.
#[derive(Clone, Debug)]
pub(crate) struct Pushed {
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub consent_id: String,
    pub expires: DateTime<Utc>,
}

/// An authorization code and what it is bound to.
#[derive(Clone, Debug)]
pub(crate) struct Code {
    pub pushed: Pushed,
    pub user_id: String,
    pub expires: DateTime<Utc>,
    /// Set when redeemed: the access tokens issued from it (revoked on a second redemption).
    pub redeemed: Option<Vec<String>>,
}

#[derive(Debug, Default)]
struct Flows {
    pushed: HashMap<String, Pushed>,
    /// interaction id → request_uri
    interactions: HashMap<String, String>,
    codes: HashMap<String, Code>,
}

#[derive(Debug, Default)]
pub(crate) struct FlowStore(Locked<Flows>);

impl FlowStore {
    pub fn push(&self, request_uri: String, pushed: Pushed) {
        self.0.lock().pushed.insert(request_uri, pushed);
    }

    pub fn code(&self, code: &str) -> Option<Code> {
        self.0.lock().codes.get(code).cloned()
    }

    /// Marks `code` redeemed with `tokens`; returns the tokens of an earlier redemption, if any.
    pub fn redeem(&self, code: &str, tokens: Vec<String>) -> Option<Vec<String>> {
        let mut flows = self.0.lock();
        let entry = flows.codes.get_mut(code)?;
        let earlier = entry.redeemed.take();
        entry.redeemed = Some(tokens);
        earlier
    }
}

fn bad(description: &str) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({"noRedirect": true, "error": "invalid_request", "error_description": description}),
        false,
    )
}

/// `GET /auth?client_id=..&response_type=code&scope=openid&request_uri=..` (getAuth).
pub(crate) async fn get_auth(
    State(bank): State<Arc<Bank>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let (Some(client_id), Some(request_uri)) = (query.get("client_id"), query.get("request_uri"))
    else {
        return bad("client_id and request_uri (from PAR) are required");
    };
    let now = bank.clock.now();
    let pushed = bank.flows.0.lock().pushed.get(request_uri).cloned();
    let Some(pushed) = pushed.filter(|p| p.expires > now) else {
        return bad("request_uri is unknown, used or expired");
    };
    if &pushed.client_id != client_id {
        return bad("request_uri was pushed by another client");
    }
    let Some(client) = bank.client(client_id) else {
        return bad("unknown client_id");
    };
    let interaction_id = super::variant::interaction_id(&bank.variant);
    bank.flows
        .0
        .lock()
        .interactions
        .insert(interaction_id.clone(), request_uri.clone());
    let body = json!({
        "interaction": {
            "interactionId": interaction_id,
            "consentIdsList": [pushed.consent_id],
            "params": {
                "client_id": client_id,
                "response_type": "code",
                "scope": pushed.scope,
                "redirect_uri": pushed.redirect_uri,
                "state": pushed.state,
                "nonce": pushed.nonce,
                "request_uri": request_uri,
            },
        },
        "tpp": {
            "clientId": client.client_id,
            "tppId": client.org_id,
            "tppName": "obconf TPP",
            "softwareStatementId": client.software_statement_id,
            "decodedSsa": {"redirect_uris": client.redirect_uris},
            "orgId": client.org_id,
        },
    });
    json_response(StatusCode::OK, &body, false)
}

fn see_other(location: String) -> Response {
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn enc(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The callback URL: `redirect_uri?<params>&state=..&iss=..`.
fn callback(bank: &Bank, pushed: &Pushed, params: &[(&str, &str)]) -> String {
    let mut query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    if let Some(state) = &pushed.state {
        query.push(format!("state={}", enc(state)));
    }
    if !bank.faults.has(faults::CALLBACK_WITHOUT_ISS) {
        query.push(format!("iss={}", enc(bank.issuer())));
    }
    format!("{}?{}", pushed.redirect_uri, query.join("&"))
}

/// The interaction's pushed request, taken out (the interaction and its request_uri are spent).
fn complete(bank: &Bank, interaction: &str) -> Option<Pushed> {
    let mut flows = bank.flows.0.lock();
    let request_uri = flows.interactions.remove(interaction)?;
    flows.pushed.remove(&request_uri)
}

/// `POST /auth/{interactionId}/doConfirm`.
pub(crate) async fn do_confirm(
    State(bank): State<Arc<Bank>>,
    Path(interaction): Path<String>,
) -> Response {
    let now = bank.clock.now();
    let ready = {
        let flows = bank.flows.0.lock();
        flows
            .interactions
            .get(&interaction)
            .and_then(|uri| flows.pushed.get(uri))
            .cloned()
    };
    let Some(pushed) = ready else {
        return bad("unknown or completed interaction");
    };
    let Some(consent) = bank.consents.get(&pushed.consent_id) else {
        return bad("the interaction's consent is gone");
    };
    if consent.status_at(now) != AUTHORIZED {
        return bad(
            "the PSU has not authorised the consent: PATCH it at the consent manager first",
        );
    }
    let Some(pushed) = complete(&bank, &interaction) else {
        return bad("unknown or completed interaction");
    };
    if consent.kind == Kind::Payment {
        let jwe = consent.body["PersonalIdentifiableInformation"]
            .as_str()
            .unwrap_or_default();
        match pii::open_consent_pii(&bank, &consent.client_id, jwe) {
            Ok(value) => {
                bank.consents.update(&consent.id, |c| c.pii = Some(value));
            }
            Err(problem) => {
                bank.consents.set_status(&consent.id, REJECTED, now);
                return see_other(callback(
                    &bank,
                    &pushed,
                    &[
                        ("error", "access_denied"),
                        ("error_description", &problem.message()),
                    ],
                ));
            }
        }
    }
    let code = random::token(32);
    bank.flows.0.lock().codes.insert(
        code.clone(),
        Code {
            pushed: pushed.clone(),
            user_id: consent.user_id.clone().unwrap_or_default(),
            expires: now + Duration::seconds(CODE_TTL_SECS),
            redeemed: None,
        },
    );
    see_other(callback(&bank, &pushed, &[("code", &code)]))
}

/// `POST /auth/{interactionId}/doFail`: the PSU refused; the consent is Rejected.
pub(crate) async fn do_fail(
    State(bank): State<Arc<Bank>>,
    Path(interaction): Path<String>,
) -> Response {
    let Some(pushed) = complete(&bank, &interaction) else {
        return bad("unknown or completed interaction");
    };
    bank.consents
        .set_status(&pushed.consent_id, REJECTED, bank.clock.now());
    see_other(callback(
        &bank,
        &pushed,
        &[
            ("error", "access_denied"),
            ("error_description", "the PSU refused the consent"),
        ],
    ))
}
