//! ALT-DISC-01 and ALT-REG-01: the discovery values and the JWKS, and the TPP's registration at
//! the hub. Every value is read from the target's own answers and settings.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cucumber::{then, when};
use serde_json::Value;

use super::call::{self, As};
use super::oauth;
use crate::http::RequestSpec;
use crate::world::{Failure, ObWorld, StepResult};

#[when("the TPP reads the issuer's discovery document")]
async fn read_discovery(w: &mut ObWorld) -> StepResult {
    let url = call::run(w)?.discovery_url();
    call::send(
        w,
        As::Client,
        RequestSpec::new("GET", url),
        "GET /.well-known/openid-configuration",
    )
    .await?;
    Ok(())
}

#[then(
    "the discovery document names the issuer, and the authorization, PAR and token endpoints and the JWKS as https URLs"
)]
async fn discovery_complete(w: &mut ObWorld) -> StepResult {
    let run = call::run(w)?;
    let doc = w.last_json()?;
    let issuer = doc.get("issuer").and_then(Value::as_str).unwrap_or("");
    if issuer != run.issuer() {
        return Err(Failure::expected(
            format!(
                "issuer `{}` (the discovery URL without /.well-known/openid-configuration)",
                run.issuer()
            ),
            format!("issuer `{issuer}`"),
        ));
    }
    let own = &run.settings.endpoints;
    for (field, override_) in [
        ("authorization_endpoint", &own.authorization),
        ("pushed_authorization_request_endpoint", &own.par),
        ("token_endpoint", &own.token),
        ("jwks_uri", &own.jwks),
    ] {
        let value = override_
            .clone()
            .or_else(|| doc.get(field).and_then(Value::as_str).map(str::to_string));
        match value {
            Some(v) if v.starts_with("https://") && v.len() > 8 => {}
            Some(v) => {
                return Err(Failure::expected(
                    format!("`{field}` an absolute https URL"),
                    format!("`{field}`: {v}"),
                ));
            }
            None => return Err(Failure::expected(format!("a `{field}`"), "none")),
        }
    }
    Ok(())
}

#[when("the TPP reads the bank's JWKS")]
async fn read_jwks(w: &mut ObWorld) -> StepResult {
    let run = call::run(w)?;
    oauth::ready(w, &run).await?;
    let url = run
        .bank()
        .map_err(|e| Failure::new(e.to_string()))?
        .jwks_uri
        .clone();
    call::send(w, As::Client, RequestSpec::new("GET", url), "GET /jwks").await?;
    Ok(())
}

#[then("the JWKS holds at least one RSA signing key of 2048 bits or more, with a kid")]
async fn jwks_signing_key(w: &mut ObWorld) -> StepResult {
    let json = w.last_json()?;
    let keys = json
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| Failure::expected("a JWK set with `keys`", "no keys array"))?;
    let good = keys.iter().any(|k| {
        let bits = k
            .get("n")
            .and_then(Value::as_str)
            .and_then(|n| URL_SAFE_NO_PAD.decode(n.trim_end_matches('=')).ok())
            .map(|n| n.iter().skip_while(|b| **b == 0).count() * 8)
            .unwrap_or(0);
        k.get("kty").and_then(Value::as_str) == Some("RSA")
            && k.get("use")
                .and_then(Value::as_str)
                .is_none_or(|u| u == "sig")
            && k.get("kid")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
            && bits >= 2048
    });
    if good {
        Ok(())
    } else {
        Err(Failure::expected(
            "an RSA key with use=sig (or no use), a kid and a modulus of 2048 bits or more",
            format!("{} keys, none such", keys.len()),
        ))
    }
}

/// The registration endpoint: discovered, else `{rs}/tpp-registration`.
async fn registration_url(w: &mut ObWorld) -> Result<String, Failure> {
    let run = call::run(w)?;
    oauth::ready(w, &run).await?;
    let bank = run.bank().map_err(|e| Failure::new(e.to_string()))?;
    Ok(bank
        .registration
        .clone()
        .unwrap_or_else(|| format!("{}/tpp-registration", w.ctx.target.base_url)))
}

#[when("the TPP registers at the registration endpoint")]
async fn register(w: &mut ObWorld) -> StepResult {
    let url = registration_url(w).await?;
    call::send(
        w,
        As::Client,
        RequestSpec::new("POST", url),
        "POST /tpp-registration",
    )
    .await?;
    Ok(())
}

#[when("the TPP registers at the registration endpoint without its client certificate")]
async fn register_without_cert(w: &mut ObWorld) -> StepResult {
    let url = registration_url(w).await?;
    call::attempt(
        w,
        As::NoCertificate,
        RequestSpec::new("POST", url),
        "POST /tpp-registration",
    )
    .await
}

#[then("the registration is accepted (HTTP 204, 200 or 201)")]
async fn registered(w: &mut ObWorld) -> StepResult {
    match w.last()?.status() {
        Some(204 | 200 | 201) => Ok(()),
        other => Err(Failure::expected(
            "HTTP 204 (v2.1), or 200 or 201 (developer guide)",
            format!("HTTP {}", other.unwrap_or(0)),
        )),
    }
}
