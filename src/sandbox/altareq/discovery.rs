//! Discovery (notes §1.2), the bank's JWKS (§1.3) and TPP registration (§2).
//!
//! The metadata names the front listener as issuer and authorization endpoint and the hub (mutual
//! TLS) for PAR, token and registration; every URL is absolute. Registration is the trust-framework
//! stub's: the client is the transport certificate's CN, known from start, so a registration of a
//! known client is an idempotent 204. Nothing here reads a token.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{Extensions, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::reply::{Refusal, json_response};
use super::{Bank, faults, guard};

/// `GET /.well-known/openid-configuration`.
pub(crate) async fn metadata(State(bank): State<Arc<Bank>>) -> Response {
    let issuer = bank.issuer();
    let rs = bank.rs();
    let named = if bank.faults.has(faults::ISSUER_TRAILING_SLASH) {
        format!("{issuer}/")
    } else {
        issuer.to_string()
    };
    let body = json!({
        "issuer": named,
        "authorization_endpoint": format!("{issuer}/auth"),
        "pushed_authorization_request_endpoint": format!("{rs}/par"),
        "require_pushed_authorization_requests": true,
        "token_endpoint": format!("{rs}/token"),
        "registration_endpoint": format!("{rs}/tpp-registration"),
        "jwks_uri": format!("{issuer}/jwks"),
        "scopes_supported": ["openid", "accounts", "payments", "confirmation-of-payee", "products"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["PS256"],
        "request_object_signing_alg_values_supported": ["PS256"],
        "id_token_signing_alg_values_supported": ["PS256"],
        "code_challenge_methods_supported": ["S256"],
        "tls_client_certificate_bound_access_tokens": true,
        "authorization_response_iss_parameter_supported": true,
        "authorization_details_types_supported": [
            super::rar::ACCOUNT_ACCESS,
            super::rar::SERVICE_INITIATION,
        ],
        "subject_types_supported": ["public"],
        "claims_parameter_supported": false,
    });
    let mut response = json_response(StatusCode::OK, &body, false);
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("max-age=900"),
    );
    response
}

/// `GET /jwks`: the `use=sig` key, then the `use=enc` key.
pub(crate) async fn jwks(State(bank): State<Arc<Bank>>) -> Response {
    let mut jwks = bank.keys.jwks.clone();
    if bank.faults.has(faults::JWKS_WITHOUT_SIG_KEY)
        && let Some(keys) = jwks["keys"].as_array_mut()
    {
        keys.retain(|k| k["use"] != "sig");
    }
    json_response(StatusCode::OK, &jwks, false)
}

/// `POST /tpp-registration`: an empty body (or `{}`); the client is the transport certificate's.
pub(crate) async fn register(State(bank): State<Arc<Bank>>, extensions: Extensions) -> Response {
    let Some(client) = guard::connection_client(&bank, &extensions) else {
        if bank.faults.has(faults::MTLS_OPTIONAL) {
            return Refusal::Bare(StatusCode::NO_CONTENT).json();
        }
        return Refusal::Unauthorized.json();
    };
    if bank.faults.has(faults::REGISTRATION_REFUSED) {
        return Refusal::forbidden(
            "GenericError",
            format!("client {} is not activated", client.client_id),
        )
        .json();
    }
    let status =
        StatusCode::from_u16(bank.readings.registration_status).unwrap_or(StatusCode::NO_CONTENT);
    Refusal::Bare(status).json()
}
