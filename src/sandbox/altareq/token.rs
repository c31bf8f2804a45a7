//! `POST /token` (notes §4.4–4.7): client authentication as at PAR, then the grant:
//! `authorization_code` (the code exists, is unexpired, unused and the client's; the redirect URI is
//! the pushed one; the PKCE verifier hashes to the challenge; all `invalid_grant`, and a second
//! redemption also revokes what the first issued), `client_credentials` (scopes from the documented
//! set) and `refresh_token`. Access tokens are opaque, live 10 minutes and are bound to the
//! connection's certificate (`cnf.x5t#S256`).
//!
//! This file must never issue a token without a certificate thumbprint to bind it to.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{Extensions, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use sha2::Digest as _;

use super::assertion::{self, Endpoint};
use super::consent::{AUTHORIZED, Consent, Kind};
use super::keys::Client;
use super::reply::{OAuthError, json_response};
use super::{Bank, faults, guard, jose, payment_views};
use crate::sandbox::kit::{Locked, random};

/// Access-token lifetime (NB: 10 minutes).
pub(crate) const ACCESS_TTL_SECS: i64 = 600;
const CC_SCOPES: &[&str] = &[
    "openid",
    "accounts",
    "payments",
    "confirmation-of-payee",
    "products",
];

/// How a token was granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Grant {
    AuthorizationCode,
    ClientCredentials,
}

impl Grant {
    pub fn describe(self) -> &'static str {
        match self {
            Self::AuthorizationCode => "PSU-authorised (authorization_code)",
            Self::ClientCredentials => "client_credentials",
        }
    }
}

/// An access token as the bank keeps it.
#[derive(Clone, Debug)]
pub(crate) struct AccessToken {
    pub client_id: String,
    pub grant: Grant,
    pub scopes: Vec<String>,
    pub consent_id: Option<String>,
    /// `x5t#S256` of the certificate it is bound to.
    pub cnf: String,
    pub expires: DateTime<Utc>,
    pub revoked: bool,
}

#[derive(Clone, Debug)]
struct Refresh {
    client_id: String,
    consent_id: String,
    scopes: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct TokenStore {
    access: Locked<HashMap<String, AccessToken>>,
    refresh: Locked<HashMap<String, Refresh>>,
}

impl TokenStore {
    pub fn access(&self, token: &str) -> Option<AccessToken> {
        self.access.lock().get(token).cloned()
    }

    fn issue(&self, token: AccessToken) -> String {
        let value = random::token(32);
        self.access.lock().insert(value.clone(), token);
        value
    }

    fn revoke(&self, tokens: &[String]) {
        let mut access = self.access.lock();
        for t in tokens {
            if let Some(token) = access.get_mut(t) {
                token.revoked = true;
            }
        }
    }
}

pub(crate) async fn token(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    match grant(&bank, &extensions, form) {
        Ok(body) => json_response(StatusCode::OK, &body, true),
        Err(error) => error.into_response(),
    }
}

fn grant(
    bank: &Bank,
    extensions: &Extensions,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Result<Value, OAuthError> {
    let form = OAuthError::form(form)?;
    let client = assertion::authenticate(bank, extensions, &form, Endpoint::Token)?;
    let cnf = guard::connection_thumbprint(extensions).unwrap_or_default();
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => authorization_code(bank, client, &form, cnf),
        Some("client_credentials") => client_credentials(bank, client, &form, cnf),
        Some("refresh_token") => refresh(bank, client, &form, cnf),
        Some(other) => Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            format!("grant_type {other:?} is not supported"),
        )),
        None => Err(OAuthError::request("grant_type is required")),
    }
}

/// `BASE64URL(SHA256(verifier))` (RFC 7636 §4.2).
pub(crate) fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

fn authorization_code(
    bank: &Bank,
    client: &Client,
    form: &HashMap<String, String>,
    cnf: String,
) -> Result<Value, OAuthError> {
    let code_value = form
        .get("code")
        .ok_or_else(|| OAuthError::request("code is required"))?;
    let now = bank.clock.now();
    let code = bank
        .flows
        .code(code_value)
        .ok_or_else(|| OAuthError::grant("the code is unknown"))?;
    if code.pushed.client_id != client.client_id {
        return Err(OAuthError::grant("the code was issued to another client"));
    }
    if code.expires <= now {
        return Err(OAuthError::grant("the code has expired"));
    }
    if code.redeemed.is_some() && !bank.faults.has(faults::ALLOW_CODE_REUSE) {
        if let Some(earlier) = bank.flows.redeem(code_value, Vec::new()) {
            bank.tokens.revoke(&earlier);
        }
        return Err(OAuthError::grant("the code was already redeemed"));
    }
    if form.get("redirect_uri") != Some(&code.pushed.redirect_uri) {
        return Err(OAuthError::grant(
            "redirect_uri differs from the pushed request's",
        ));
    }
    let verifier = form
        .get("code_verifier")
        .ok_or_else(|| OAuthError::grant("code_verifier is required (PKCE)"))?;
    if s256(verifier) != code.pushed.code_challenge && !bank.faults.has(faults::SKIP_PKCE) {
        return Err(OAuthError::grant(
            "code_verifier does not match the code_challenge",
        ));
    }
    let consent = bank
        .consents
        .get(&code.pushed.consent_id)
        .filter(|c| c.status_at(now) == AUTHORIZED)
        .ok_or_else(|| OAuthError::grant("the consent is no longer authorised"))?;
    let scopes: Vec<String> = code
        .pushed
        .scope
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let access = bank.tokens.issue(AccessToken {
        client_id: client.client_id.clone(),
        grant: Grant::AuthorizationCode,
        scopes: scopes.clone(),
        consent_id: Some(consent.id.clone()),
        cnf,
        expires: now + Duration::seconds(ACCESS_TTL_SECS),
        revoked: false,
    });
    bank.flows.redeem(code_value, vec![access.clone()]);
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TTL_SECS,
        "scope": code.pushed.scope,
    });
    if !bank.faults.has(faults::TOKEN_WITHOUT_AUTHORIZATION_DETAILS) {
        body["authorization_details"] = authorization_details(bank, &consent);
    }
    if refreshable(&consent) {
        let refresh = random::token(32);
        bank.tokens.refresh.lock().insert(
            refresh.clone(),
            Refresh {
                client_id: client.client_id.clone(),
                consent_id: consent.id.clone(),
                scopes,
            },
        );
        body["refresh_token"] = json!(refresh);
    }
    if code.pushed.scope.split_whitespace().any(|s| s == "openid") {
        let t = now.timestamp();
        let mut claims = json!({
            "iss": bank.issuer(),
            "sub": code.user_id,
            "aud": client.client_id,
            "iat": t,
            "exp": t + ACCESS_TTL_SECS,
            "auth_time": t,
        });
        if let Some(nonce) = &code.pushed.nonce {
            claims["nonce"] = json!(nonce);
        }
        body["id_token"] = json!(jose::sign(bank, &claims));
    }
    Ok(body)
}

/// Data-sharing and multi-payment consents get a refresh token; a single payment does not.
fn refreshable(consent: &Consent) -> bool {
    consent.kind == Kind::DataSharing
        || consent.body["ControlParameters"]["ConsentSchedule"]
            .get("MultiPayment")
            .is_some()
}

/// `authorization_details` of a token answer: the lodged consent (AUTH21 lodged-consent shapes),
/// as the consent's own resource shows it, `Links` included (the schema requires them).
fn authorization_details(bank: &Bank, consent: &Consent) -> Value {
    let status = consent.status_at(bank.clock.now());
    let mut lodged = match consent.kind {
        Kind::DataSharing => super::consent::data_sharing_view(bank, consent, status),
        Kind::Payment => payment_views::consent_view(bank, consent),
    };
    if bank.faults.has(faults::LODGED_CONSENT_WITHOUT_LINKS)
        && let Some(view) = lodged.as_object_mut()
    {
        view.remove("Links");
    }
    json!([{"type": consent.kind.urn(), "consent": lodged}])
}

fn client_credentials(
    bank: &Bank,
    client: &Client,
    form: &HashMap<String, String>,
    cnf: String,
) -> Result<Value, OAuthError> {
    let scope = form.get("scope").map(String::as_str).unwrap_or_default();
    let scopes: Vec<String> = scope.split_whitespace().map(str::to_string).collect();
    if scopes.is_empty() {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "scope is required",
        ));
    }
    if let Some(unknown) = scopes.iter().find(|s| !CC_SCOPES.contains(&s.as_str())) {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            format!("scope {unknown} cannot be granted to a client"),
        ));
    }
    let access = bank.tokens.issue(AccessToken {
        client_id: client.client_id.clone(),
        grant: Grant::ClientCredentials,
        scopes,
        consent_id: None,
        cnf,
        expires: bank.clock.now() + Duration::seconds(ACCESS_TTL_SECS),
        revoked: false,
    });
    Ok(
        json!({"access_token": access, "token_type": "Bearer", "expires_in": ACCESS_TTL_SECS, "scope": scope}),
    )
}

fn refresh(
    bank: &Bank,
    client: &Client,
    form: &HashMap<String, String>,
    cnf: String,
) -> Result<Value, OAuthError> {
    let value = form
        .get("refresh_token")
        .ok_or_else(|| OAuthError::request("refresh_token is required"))?;
    let refresh = bank
        .tokens
        .refresh
        .lock()
        .get(value)
        .cloned()
        .filter(|r| r.client_id == client.client_id)
        .ok_or_else(|| OAuthError::grant("the refresh token is unknown or another client's"))?;
    let now = bank.clock.now();
    let consent = bank
        .consents
        .get(&refresh.consent_id)
        .filter(|c| c.status_at(now) == AUTHORIZED)
        .ok_or_else(|| OAuthError::grant("the consent is no longer authorised"))?;
    let access = bank.tokens.issue(AccessToken {
        client_id: client.client_id.clone(),
        grant: Grant::AuthorizationCode,
        scopes: refresh.scopes.clone(),
        consent_id: Some(consent.id.clone()),
        cnf,
        expires: now + Duration::seconds(ACCESS_TTL_SECS),
        revoked: false,
    });
    Ok(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TTL_SECS,
        "refresh_token": value,
        "scope": refresh.scopes.join(" "),
        "authorization_details": authorization_details(bank, &consent),
    }))
}
