//! The Salt Edge PSD2 Compliance (API v2) family: its plugin (embedded bank, defaults, request
//! signing) and its steps. Everything Salt Edge-specific on the TPP side lives in this folder.
//!
//! Every request carries App-Id, App-Secret and a Client-Request-Id; those the document signs carry
//! `Authorization: Bearer <JWT>` whose `data` is the request's parameters (the JSON body's `data`).
//! The scenario's access token travels as the `Access-Token` header, never as a bearer token.
//! Decoration never replaces a header the request already has, nor adds one the scenario omits.

mod beneficiaries;
mod errors;
mod flow;
mod providers;
mod sessions;
mod settings;
mod signing;
mod tokens;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::family::{EmbeddedBank, EmbeddedError, Family, FamilyState};
use crate::http::{Body, RequestSpec};
use crate::sandbox::saltedge::{self as bank, AppCredentials, SaltEdgeBank};
use crate::sandbox::{Clock, Fault, FaultSet};
use crate::target::{Target, TargetError};
use crate::world::{Failure, ObWorld};

pub use self::settings::SaltEdgeState;

/// The Salt Edge family.
pub struct SaltEdge;

/// The registry entry.
pub static SALTEDGE: SaltEdge = SaltEdge;

const ACCESS_TOKEN: &str = "Access-Token";
const CLIENT_REQUEST_ID: &str = "Client-Request-Id";

impl Family for SaltEdge {
    fn name(&self) -> &'static str {
        "saltedge"
    }

    fn title(&self) -> &'static str {
        "Salt Edge PSD2 Compliance API v2"
    }

    fn catalog_prefix(&self) -> &'static str {
        "SE-"
    }

    fn default_api_prefix(&self) -> &'static str {
        bank::API_PREFIX
    }

    fn faults(&self) -> &'static [Fault] {
        bank::FAULTS
    }

    fn start_embedded(
        &self,
        base: Target,
        faults: FaultSet,
        listen: SocketAddr,
    ) -> BoxFuture<'static, Result<EmbeddedBank, EmbeddedError>> {
        Box::pin(async move {
            let clock = Clock::system();
            let (bank, apps) =
                SaltEdgeBank::new(faults, clock.clone()).map_err(|e| EmbeddedError::Family {
                    family: "saltedge",
                    reason: e.to_string(),
                })?;
            let router = bank.router();
            let tls = crate::sandbox::kit::Tls::TestPki;
            let mut started =
                crate::sandbox::kit::start(bank, router, clock, base, listen, tls).await?;
            let target = &mut started.target;
            target.settings = Some(embedded_settings(
                target.settings.take(),
                &apps.main,
                &apps.without_permissions,
            ));
            // The settings now live in memory only (they hold the minted private keys): a target
            // file's own text must not shadow them.
            target.text = None;
            target.declare_if_unset(bank::CAPABILITIES);
            Ok(started.into_embedded())
        })
    }

    fn prepare(&self, target: &Target) -> Result<FamilyState, TargetError> {
        Ok(Arc::new(settings::prepare(target)?))
    }

    fn decorate(&self, state: &FamilyState, request: &mut RequestSpec) {
        let Some(state) = state.downcast_ref::<SaltEdgeState>() else {
            return;
        };
        if let Some(token) = request.bearer.take()
            && !request.has_header(ACCESS_TOKEN)
            && !request.omits(ACCESS_TOKEN)
        {
            request.set_header(ACCESS_TOKEN, token.expose());
        }
        let app = &state.app;
        add(request, "App-Id", || app.app_id.clone());
        add(request, "App-Secret", || {
            app.app_secret.expose().to_string()
        });
        add(request, CLIENT_REQUEST_ID, || {
            uuid::Uuid::new_v4().to_string()
        });
        if signed(&request.url) {
            let data = match &request.body {
                Some(Body::Json(body)) => body.get("data").cloned().unwrap_or_else(|| json!({})),
                _ => json!({}),
            };
            if let Some(jwt) = (!request.has_header("Authorization")
                && !request.omits("Authorization"))
            .then(|| app.signer.request_jwt(&data))
            .flatten()
            {
                request.set_header("Authorization", format!("Bearer {jwt}"));
            }
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

/// The embedded target's settings: the file's own (when an embedded target file gives some),
/// with the minted applications' credentials and the bank's providers filled in.
fn embedded_settings(
    own: Option<Value>,
    main: &AppCredentials,
    without_permissions: &AppCredentials,
) -> Value {
    let mut settings = match own {
        Some(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    settings.insert("app_id".into(), Value::from(main.app_id.clone()));
    settings.insert("app_secret".into(), Value::from(main.app_secret.expose()));
    settings.insert("private_key".into(), Value::from(main.private_key.expose()));
    settings
        .entry("provider_code")
        .or_insert_with(|| Value::from(bank::PROVIDER_CODE));
    settings
        .entry("unapproved_provider_code")
        .or_insert_with(|| Value::from(bank::UNAPPROVED_PROVIDER_CODE));
    settings.insert(
        "application_without_permissions".into(),
        json!({
            "app_id": without_permissions.app_id,
            "app_secret": without_permissions.app_secret.expose(),
            "private_key": without_permissions.private_key.expose(),
        }),
    );
    Value::Object(settings)
}

/// The run's Salt Edge state.
pub(crate) fn state(w: &ObWorld) -> Result<Arc<SaltEdgeState>, Failure> {
    w.ctx
        .family_state
        .clone()
        .downcast::<SaltEdgeState>()
        .map_err(|_| {
            Failure::new("this step belongs to the saltedge family: run it with a saltedge target")
        })
}
