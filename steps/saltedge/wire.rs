//! Salt Edge's wire: what every request carries, and the names its credentials travel under.
//!
//! Every request carries App-Id, App-Secret and a Client-Request-Id; those the document signs carry
//! `Authorization: Bearer <JWT>` whose `data` is the request's parameters (the JSON body's `data`).
//! The scenario's access token travels as the `Access-Token` header, never as a bearer token.
//! Decoration never replaces a header the request already has, nor adds one the scenario omits; a
//! request whose JWT cannot be signed is not sent. This file must never print a key or a JWT.

use serde_json::json;

use super::SaltEdgeWire;
use crate::family::{Credentials, Wire, WireError};
use crate::http::{Body, RequestSpec};

const ACCESS_TOKEN: &str = "Access-Token";
const CLIENT_REQUEST_ID: &str = "Client-Request-Id";

impl Wire for SaltEdgeWire {
    fn decorate(&self, request: &mut RequestSpec) -> Result<(), WireError> {
        if let Some(token) = request.bearer.take()
            && !request.has_header(ACCESS_TOKEN)
            && !request.omits(ACCESS_TOKEN)
        {
            request.set_header(ACCESS_TOKEN, token.expose());
        }
        let app = &self.app;
        add(request, "App-Id", || app.app_id.clone());
        add(request, "App-Secret", || {
            app.app_secret.expose().to_string()
        });
        add(request, CLIENT_REQUEST_ID, || {
            uuid::Uuid::new_v4().to_string()
        });
        if signed(&request.url)
            && !request.has_header("Authorization")
            && !request.omits("Authorization")
        {
            let data = match &request.body {
                Some(Body::Json(body)) => body.get("data").cloned().unwrap_or_else(|| json!({})),
                _ => json!({}),
            };
            let jwt = app.signer.request_jwt(&data).map_err(|e| {
                WireError::new(format!(
                    "the application's private key (settings.private_key) could not sign the request JWT: {e}"
                ))
            })?;
            request.set_header("Authorization", format!("Bearer {jwt}"));
        }
        Ok(())
    }

    fn credentials(&self) -> Credentials {
        Credentials {
            headers: &["app-secret", "secret", "access-token"],
            fields: &["app_secret", "session_secret"],
        }
    }
}

/// Sets `name` unless the request has it or omits it.
fn add(request: &mut RequestSpec, name: &str, value: impl FnOnce() -> String) {
    if !request.has_header(name) && !request.omits(name) {
        request.set_header(name, value());
    }
}

/// Whether the document asks for an Authorization JWT on this URL: every endpoint but the
/// Providers ones (Index and Templates take App-Id and App-Secret only).
fn signed(url: &str) -> bool {
    let path = url.split('?').next().unwrap_or(url);
    !path.split('/').any(|segment| segment == "providers")
}
