//! The Salt Edge PSD2 Compliance (API v2) family: its plugin (embedded bank, defaults, request
//! signing) and its steps. Everything Salt Edge-specific on the TPP side lives in this folder.
//!
//! Every request carries App-Id, App-Secret and a Client-Request-Id; those the document signs carry
//! `Authorization: Bearer <JWT>` whose `data` is the request's parameters (the JSON body's `data`).
//! The scenario's access token travels as the `Access-Token` header, never as a bearer token.
//! Decoration never replaces a header the request already has, nor adds one the scenario omits.

mod beneficiaries;
mod errors;
mod expired;
mod flow;
mod providers;
mod sessions;
mod settings;
mod signing;
mod tokens;
mod wire;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::family::{About, EmbeddedBank, EmbeddedError, Family, Wire};
use crate::sandbox::kit;
use crate::sandbox::saltedge::{self as bank, AppCredentials, SaltEdgeBank};
use crate::sandbox::{Clock, FaultSet};
use crate::target::{Secret, Target, TargetError};
use crate::world::{Failure, ObWorld};

pub use self::settings::SaltEdgeWire;

/// The Salt Edge family.
pub struct SaltEdge;

/// The registry entry.
pub static SALTEDGE: SaltEdge = SaltEdge;

/// The family's constants.
pub static ABOUT: About = About {
    name: "saltedge",
    title: "Salt Edge PSD2 Compliance API v2",
    catalog_prefix: "SE-",
    api_prefix: bank::API_PREFIX,
    faults: bank::FAULTS,
    capabilities: bank::CAPABILITIES,
};

impl Family for SaltEdge {
    fn about(&self) -> &'static About {
        &ABOUT
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
                SaltEdgeBank::new_variant(faults, clock.clone(), kit::Variant::of(base.variant))
                    .map_err(|e| EmbeddedError::Family {
                        family: "saltedge",
                        reason: e.to_string(),
                    })?;
            let router = bank.router();
            let tls = kit::Tls::TestPki;
            let mut started = kit::start(bank, router, clock, base, listen, tls).await?;
            let mut settings = embedded_settings(
                started.target.settings.take(),
                &apps.main,
                &apps.without_permissions,
            );
            // Already-expired credentials, as a target file gives them for an outside bank.
            let issuer = &started.bank;
            if let (Some(token), Some(session)) = (
                issuer.issue_expired_token(&apps.main.app_id),
                issuer.open_expired_session(&apps.main.app_id),
            ) {
                settings["expired"] = json!({
                    "access_token": Secret::new(token).expose(),
                    "session_secret": Secret::new(session).expose(),
                });
            }
            let target = &mut started.target;
            target.settings = Some(settings);
            // The settings now live in memory only (they hold the minted private keys): a target
            // file's own text must not shadow them.
            target.text = None;
            target.declare_if_unset(bank::CAPABILITIES);
            Ok(started.into_embedded())
        })
    }

    fn prepare(&self, target: &Target) -> Result<Arc<dyn Wire>, TargetError> {
        Ok(Arc::new(settings::prepare(target)?))
    }
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

/// The run's Salt Edge wire (settings, keys, provider); fails in another family's run.
pub(crate) fn state(w: &ObWorld) -> Result<Arc<SaltEdgeWire>, Failure> {
    w.wire::<SaltEdgeWire>(ABOUT.name)
}
