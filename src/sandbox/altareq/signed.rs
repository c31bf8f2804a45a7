//! Signed request bodies (`Content-Type: application/jwt`) of payments and Confirmation of Payee
//! (notes §7.2, §8, §14): a compact JWS (`JWS.Malformed`), PS256 with the TPP's signing `kid`
//! (`JWS.InvalidHeader`), a signature that verifies (`JWS.InvalidSignature`), `iss` = client id,
//! `exp` in the future, `nbf` at most 10 s ahead, `aud` (if present) naming the issuer
//! (`JWS.InvalidClaim`), and a `message.Data` object (`Body.InvalidFormat`).

use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Value, json};

use super::assertion::SKEW_SECS;
use super::keys::Client;
use super::reply::Refusal;
use super::{Bank, jose};

fn bad(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal::bad_request(code, message)
}

/// `message.Data` of a signed request body sent by `client`.
pub(crate) fn message_data(
    bank: &Bank,
    client: &Client,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, Refusal> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim);
    if media != Some("application/jwt") {
        return Err(Refusal::Bare(StatusCode::UNSUPPORTED_MEDIA_TYPE));
    }
    let text =
        std::str::from_utf8(body).map_err(|_| bad("JWS.Malformed", "the body is not text"))?;
    let jws = jose::split(text).map_err(|e| bad("JWS.Malformed", e.to_string()))?;
    if jws.alg() != Some("PS256") {
        return Err(bad("JWS.InvalidHeader", "the body must be signed PS256"));
    }
    if jws.kid() != Some(client.signing_kid.as_str()) {
        return Err(bad(
            "JWS.InvalidHeader",
            "kid must be the TPP's registered signing key",
        ));
    }
    if !jose::verify_ps256(&jws.raw, &client.signing_jwk) {
        return Err(bad(
            "JWS.InvalidSignature",
            "the body's signature does not verify with the TPP's key",
        ));
    }
    if jws.text("iss") != Some(client.client_id.as_str()) {
        return Err(bad("JWS.InvalidClaim", "iss must be the client_id"));
    }
    let now = bank.clock.now().timestamp();
    if jws.number("exp").is_none_or(|exp| exp <= now) {
        return Err(bad(
            "JWS.InvalidClaim",
            "exp is required and must be in the future",
        ));
    }
    if jws.number("nbf").is_none_or(|nbf| nbf > now + SKEW_SECS) {
        return Err(bad(
            "JWS.InvalidClaim",
            "nbf is required and must not be in the future",
        ));
    }
    let issuer = json!(bank.issuer());
    let aud_ok = match jws.claims.get("aud") {
        None => true,
        Some(Value::Array(auds)) => auds.contains(&issuer),
        Some(aud) => *aud == issuer,
    };
    if !aud_ok {
        return Err(bad(
            "JWS.InvalidClaim",
            format!("aud must name the issuer {}", bank.issuer()),
        ));
    }
    let data = &jws.claims.get("message").cloned().unwrap_or_default()["Data"];
    if !data.is_object() {
        return Err(bad("Body.InvalidFormat", "message.Data must be an object"));
    }
    Ok(data.clone())
}
