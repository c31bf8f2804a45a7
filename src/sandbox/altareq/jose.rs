//! JOSE for the bank: reading a compact JWS's header and claims, verifying it with the key the
//! bank's policy names, signing the bank's JWT answers, and opening a JWE sent to the bank.
//!
//! The verifier is always chosen from the bank's policy (PS256 and the registered key of the client
//! the connection authenticated), never from the token's header: josekit implements `alg: none`,
//! and a header must never be able to pick it (notes §15.22). This file decides nothing about
//! claims; the callers (assertion, request object, payment, CoP) do.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwk::Jwk;
use josekit::jws::{JwsHeader, PS256};
use serde_json::{Map, Value, json};

use super::Bank;

/// A compact JWS split and decoded, not yet verified.
#[derive(Clone, Debug)]
pub(crate) struct Compact {
    pub raw: String,
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
}

impl Compact {
    /// The header's `alg`, if it is a string.
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// The header's `kid`, if it is a string.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// A string claim.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.claims.get(name).and_then(Value::as_str)
    }

    /// A numeric date claim (seconds since the epoch), if it is a number.
    pub fn number(&self, name: &str) -> Option<i64> {
        self.claims.get(name).and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
        })
    }
}

/// Why a compact JWS could not even be read.
#[derive(Clone, Debug, thiserror::Error)]
pub(crate) enum Malformed {
    #[error("not a compact JWS (three base64url parts separated by dots)")]
    Parts,
    #[error("the JWS {0} is not base64url-encoded JSON object")]
    Json(&'static str),
}

fn decode_object(part: &str, what: &'static str) -> Result<Map<String, Value>, Malformed> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| Malformed::Json(what))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Malformed::Json(what)),
    }
}

/// Splits a compact JWS (`alg: none` tokens have an empty third part and still split).
pub(crate) fn split(token: &str) -> Result<Compact, Malformed> {
    let token = token.trim();
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 || parts[0].is_empty() || parts[1].is_empty() {
        return Err(Malformed::Parts);
    }
    Ok(Compact {
        raw: token.to_string(),
        header: decode_object(parts[0], "header")?,
        claims: decode_object(parts[1], "payload")?,
    })
}

/// Whether `token`'s PS256 signature verifies with `key` (the key the policy names).
pub(crate) fn verify_ps256(token: &str, key: &Jwk) -> bool {
    let Ok(verifier) = PS256.verifier_from_jwk(key) else {
        return false;
    };
    josekit::jws::deserialize_compact(token, &verifier).is_ok()
}

/// Whether `token` verifies as RS256 with `key` (a PS256 JWK): only the `accept-rs256-assertion`
/// fault asks.
pub(crate) fn verify_rs256(token: &str, key: &Jwk) -> bool {
    let mut key = key.clone();
    key.set_algorithm("RS256");
    let Ok(verifier) = josekit::jws::RS256.verifier_from_jwk(&key) else {
        return false;
    };
    josekit::jws::deserialize_compact(token, &verifier).is_ok()
}

/// The number of dot-separated parts of a compact serialization.
pub(crate) fn parts(token: &str) -> usize {
    token.split('.').count()
}

/// The protected header of a compact JWE, decoded.
pub(crate) fn jwe_header(token: &str) -> Option<Map<String, Value>> {
    decode_object(token.split('.').next()?, "header").ok()
}

/// Decrypts a compact JWE with the bank's `use=enc` key (RSA-OAEP-256 only).
pub(crate) fn decrypt(bank: &Bank, token: &str) -> Option<Vec<u8>> {
    josekit::jwe::deserialize_compact(token, &bank.keys.decrypter)
        .ok()
        .map(|(payload, _header)| payload)
}

/// Signs `claims` with the bank's `use=sig` key: PS256, `kid`, `typ: JWT`.
pub(crate) fn sign(bank: &Bank, claims: &Value) -> String {
    let mut header = JwsHeader::new();
    header.set_token_type("JWT");
    header.set_key_id(&bank.keys.sig_kid);
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    josekit::jws::serialize_compact(&payload, &header, &bank.keys.signer).unwrap_or_default()
}

/// How a signed answer names its one recipient: the data-sharing and payment documents type `aud`
/// as an array of client ids, the Confirmation of Payee document (errata2) as one string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Audience {
    List,
    One,
}

/// The bank's signed answer to `client_id`: `{iss, aud: [client_id], iat, nbf, exp, message}`.
/// With the `unsigned-payment-response` fault the caller sends the message as plain JSON instead.
pub(crate) fn signed_message(bank: &Bank, client_id: &str, message: &Value) -> String {
    signed_message_as(bank, Audience::List, client_id, message)
}

/// [`signed_message`] with `aud` in the form `audience` says.
pub(crate) fn signed_message_as(
    bank: &Bank,
    audience: Audience,
    client_id: &str,
    message: &Value,
) -> String {
    let now = bank.clock.now().timestamp();
    let aud = match audience {
        Audience::List => json!([client_id]),
        Audience::One => json!(client_id),
    };
    sign(
        bank,
        &json!({
            "iss": bank.issuer(),
            "aud": aud,
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "message": message,
        }),
    )
}

/// Encrypts `payload` to a public key (tests and the TPP helpers use it; the bank never encrypts).
#[cfg(test)]
pub(crate) fn encrypt(payload: &[u8], key: &Jwk, kid: &str) -> String {
    let mut header = josekit::jwe::JweHeader::new();
    header.set_content_encryption("A256GCM");
    header.set_key_id(kid);
    let encrypter = josekit::jwe::RSA_OAEP_256
        .encrypter_from_jwk(key)
        .expect("an RSA key");
    josekit::jwe::serialize_compact(payload, &header, &encrypter).expect("encrypts")
}
