//! Client authentication at `/par` and `/token` (notes §3.5, §3.7-3): the transport certificate
//! names the client; a `private_key_jwt` assertion (RFC 7523) proves it. Checked in order: the
//! assertion type, a compact JWS, `alg` PS256, a `kid` of *that* client's registered keys, the
//! signature, `iss` = `sub` = client id (= the form's `client_id` when sent), `aud` = the issuer as
//! one string, `exp` in the future, `iat`/`nbf` at most 10 s ahead, a lifetime of at most 5 minutes,
//! and a `jti` never seen before (kept until it expires). Every failure is `invalid_client`.
//!
//! This file must never pick a key from another client, nor a verifier from the token's header.

use std::collections::HashMap;

use axum::http::Extensions;
use serde_json::Value;

use super::keys::Client;
use super::reply::OAuthError;
use super::{Bank, faults, guard, jose};
use crate::sandbox::kit::Locked;

pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Tolerated clock skew for `iat`/`nbf` in the future (FAPI 2.0 SP).
pub(crate) const SKEW_SECS: i64 = 10;
/// The longest assertion lifetime (NB: exp at most 5 minutes after iat).
const MAX_LIFETIME_SECS: i64 = 300;

/// The `jti`s seen, with the `exp` until which each is kept.
#[derive(Debug, Default)]
pub(crate) struct JtiStore(Locked<HashMap<(String, String), i64>>);

impl JtiStore {
    /// Records `jti` of `client_id`; false when it was seen and has not expired yet.
    fn first_use(&self, client_id: &str, jti: &str, exp: i64, now: i64) -> bool {
        let mut seen = self.0.lock();
        seen.retain(|_, until| *until >= now);
        seen.insert((client_id.to_string(), jti.to_string()), exp)
            .is_none()
    }
}

/// What the endpoint is: its URL is the `aud` the `accept-endpoint-aud` fault lets through, and PAR
/// is where `skip-client-auth-at-par` applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Par,
    Token,
}

/// The client that the connection and the assertion of `form` authenticate.
pub(crate) fn authenticate<'a>(
    bank: &'a Bank,
    extensions: &Extensions,
    form: &HashMap<String, String>,
    endpoint: Endpoint,
) -> Result<&'a Client, OAuthError> {
    let by_cert = guard::connection_client(bank, extensions);
    let has_cert = guard::connection_cert(extensions).is_some();
    if by_cert.is_none() && (has_cert || !bank.faults.has(faults::MTLS_OPTIONAL)) {
        return Err(OAuthError::client(
            "the transport certificate does not name a client registered in the trust framework",
        ));
    }
    let assertion = form.get("client_assertion").filter(|a| !a.is_empty());
    let Some(assertion) = assertion else {
        if endpoint == Endpoint::Par
            && bank.faults.has(faults::SKIP_CLIENT_AUTH_AT_PAR)
            && let Some(client) = by_cert
        {
            return Ok(client);
        }
        return Err(OAuthError::client(
            "client_assertion is required (private_key_jwt)",
        ));
    };
    if form.get("client_assertion_type").map(String::as_str) != Some(ASSERTION_TYPE) {
        return Err(OAuthError::client(format!(
            "client_assertion_type must be {ASSERTION_TYPE}"
        )));
    }
    let jws =
        jose::split(assertion).map_err(|e| OAuthError::client(format!("client_assertion: {e}")))?;
    let client = match by_cert {
        Some(client) => client,
        None => jws
            .text("iss")
            .and_then(|iss| bank.client(iss))
            .ok_or_else(|| OAuthError::client("the assertion's iss is not a registered client"))?,
    };
    let rs256 = jws.alg() == Some("RS256") && bank.faults.has(faults::ACCEPT_RS256_ASSERTION);
    if jws.alg() != Some("PS256") && !rs256 {
        return Err(OAuthError::client(format!(
            "client_assertion must be signed PS256, not {:?}",
            jws.alg().unwrap_or("(none)")
        )));
    }
    let kid = jws.kid().unwrap_or_default();
    let key = if kid == client.signing_kid {
        Some(&client.signing_jwk)
    } else if bank.faults.has(faults::ACCEPT_FOREIGN_ASSERTION_KEY) {
        bank.clients
            .iter()
            .find(|c| c.signing_kid == kid)
            .map(|c| &c.signing_jwk)
    } else {
        None
    };
    let key = key.ok_or_else(|| {
        OAuthError::client(format!(
            "kid {kid:?} is not a signing key registered for client {}",
            client.client_id
        ))
    })?;
    let verified = if rs256 {
        jose::verify_rs256(&jws.raw, key)
    } else {
        jose::verify_ps256(&jws.raw, key)
    };
    if !bank.faults.has(faults::SKIP_ASSERTION_SIGNATURE) && !verified {
        return Err(OAuthError::client(
            "the client_assertion's signature does not verify with the client's key",
        ));
    }
    check_claims(bank, client, &jws, form, endpoint)?;
    Ok(client)
}

fn check_claims(
    bank: &Bank,
    client: &Client,
    jws: &jose::Compact,
    form: &HashMap<String, String>,
    endpoint: Endpoint,
) -> Result<(), OAuthError> {
    let id = client.client_id.as_str();
    if jws.text("iss") != Some(id) || jws.text("sub") != Some(id) {
        return Err(OAuthError::client(
            "the assertion's iss and sub must both be the client_id",
        ));
    }
    if let Some(form_id) = form.get("client_id")
        && form_id != id
    {
        return Err(OAuthError::client(
            "client_id does not match the assertion's iss",
        ));
    }
    let issuer = bank.issuer();
    let endpoint_url = match endpoint {
        Endpoint::Par => format!("{}/par", bank.rs()),
        Endpoint::Token => format!("{}/token", bank.rs()),
    };
    let aud_ok = match jws.claims.get("aud") {
        Some(Value::String(aud)) if aud == issuer => true,
        Some(Value::String(aud)) => {
            (bank.faults.has(faults::ACCEPT_ENDPOINT_AUD) && *aud == endpoint_url)
                || bank.faults.has(faults::SKIP_ASSERTION_AUD)
        }
        Some(Value::Array(auds)) => {
            bank.faults.has(faults::ACCEPT_ARRAY_AUD) && auds.iter().any(|a| a == issuer)
        }
        _ => false,
    };
    if !aud_ok {
        return Err(OAuthError::client(format!(
            "the assertion's aud must be the issuer {issuer} as one string"
        )));
    }
    let now = bank.clock.now().timestamp();
    let exp = jws
        .number("exp")
        .ok_or_else(|| OAuthError::client("the assertion has no exp"))?;
    if exp <= now && !bank.faults.has(faults::ACCEPT_EXPIRED_ASSERTION) {
        return Err(OAuthError::client("the assertion has expired"));
    }
    let iat = jws
        .number("iat")
        .ok_or_else(|| OAuthError::client("the assertion has no iat"))?;
    for (name, value) in [("iat", Some(iat)), ("nbf", jws.number("nbf"))] {
        if let Some(value) = value
            && value > now + SKEW_SECS
        {
            return Err(OAuthError::client(format!(
                "the assertion's {name} is in the future"
            )));
        }
    }
    if exp - iat > MAX_LIFETIME_SECS + SKEW_SECS {
        return Err(OAuthError::client(
            "the assertion lives longer than 5 minutes (exp - iat)",
        ));
    }
    let jti = jws
        .text("jti")
        .filter(|j| !j.is_empty())
        .ok_or_else(|| OAuthError::client("the assertion has no jti"))?;
    if !bank.jtis.first_use(id, jti, exp, now) && !bank.faults.has(faults::ALLOW_JTI_REUSE) {
        return Err(OAuthError::client("the assertion's jti was used before"));
    }
    Ok(())
}
