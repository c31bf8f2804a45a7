//! The embedded Finqware reference bank (the middleware's alpha Sessions API, as its API Reference
//! documents it): a test & dev tenant app with its client_id and client_app_key, the skills catalog
//! in both flavours, onboarding sessions walked step by step with single-use nonces that live 30
//! minutes, and uploads kept with the step that asked for them.
//!
//! This file holds the public API and the router; each concern lives in its own file. The bank must
//! never panic on what a client sends (a malformed request is a 4xx), never reach outside the
//! process, read time only through its [`Clock`], and break a documented rule only when a fault of
//! [`FAULTS`] asks it to. The document has no endpoint that reads a session back, so neither does
//! this bank: what a session went through shows in how it answers the next step.

pub mod catalog;

mod faults;
mod reply;
mod sessions;
mod store;
mod upload;
mod variant;

#[cfg(test)]
mod tests;

use std::sync::{Arc, MutexGuard};

use axum::Router;
use axum::http::Uri;
use axum::response::Response;
use axum::routing::post;

use crate::sandbox::kit::variant::{Variant, reorder_json_keys};
use crate::sandbox::kit::{Locked, random};
use crate::sandbox::{Clock, FaultSet};

use self::reply::ApiError;
use self::store::Store;

pub use self::faults::FAULTS;

/// Where Finqware's public API lives.
pub const API_PREFIX: &str = "/v1";

/// A tenant app: "identified by its client_id, authorised by its client_app_key", and the skills it
/// registered.
#[derive(Debug)]
struct Tenant {
    client_id: String,
    app_key: String,
    skills: &'static [&'static str],
}

impl Tenant {
    fn key_is(&self, presented: &str) -> bool {
        aws_lc_rs::constant_time::verify_slices_are_equal(
            self.app_key.as_bytes(),
            presented.as_bytes(),
        )
        .is_ok()
    }
}

/// One running Finqware reference bank.
#[derive(Debug)]
pub struct FinqwareBank {
    faults: FaultSet,
    /// The documented reading this bank follows where the document is silent (see [`faults`]).
    readings: faults::Readings,
    /// How long a nonce lives: the document's 30 minutes unless the bank is configured otherwise.
    nonce_lifetime: chrono::Duration,
    variant: Arc<Variant>,
    /// What the variant drew within the document (see `variant.rs`).
    choices: variant::Choices,
    clock: Clock,
    tenant: Tenant,
    store: Locked<Store>,
}

impl FinqwareBank {
    /// A bank with its sandbox tenant app, whose client_app_key is fresh and random.
    pub fn new(faults: FaultSet, clock: Clock) -> Arc<Self> {
        Self::new_variant(faults, clock, Variant::canonical())
    }

    /// [`FinqwareBank::new`] as the healthy `variant`: its own ids, client_id, status codes,
    /// optional members, HTTP protocol and JSON key order and, where the document allows two
    /// readings, the one the variant drew.
    pub fn new_variant(faults: FaultSet, clock: Clock, variant: Variant) -> Arc<Self> {
        let choices = variant::Choices::of(&variant, catalog::SANDBOX_CLIENT_ID);
        Arc::new(Self {
            faults,
            readings: faults::Readings::of(&variant),
            nonce_lifetime: sessions::NONCE_LIFETIME,
            variant: Arc::new(variant),
            clock,
            tenant: Tenant {
                client_id: choices.client_id.clone(),
                app_key: random::token(32),
                skills: catalog::SANDBOX_TENANT_SKILLS,
            },
            store: Locked::new(Store::default()),
            choices,
        })
    }

    /// The same bank with nonces that live `lifetime` (a test bank whose expiry a real wait can
    /// reach); the `nonce-expires-early` fault then cuts it to a third.
    pub fn with_nonce_lifetime(mut self: Arc<Self>, lifetime: chrono::Duration) -> Arc<Self> {
        if let Some(bank) = Arc::get_mut(&mut self) {
            bank.nonce_lifetime = lifetime;
        }
        self
    }

    /// Serves everything under [`API_PREFIX`].
    pub fn router(self: &Arc<Self>) -> Router {
        let api = |path: &str| format!("{API_PREFIX}{path}");
        Router::new()
            .route(&api("/sessions"), post(sessions::create))
            .route(&api("/sessions/{session_id}/steps"), post(sessions::submit))
            .route(&api("/steps/{step_id}/upload"), post(upload::upload))
            .method_not_allowed_fallback(method_not_allowed)
            .fallback(unknown_path)
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&self.variant),
                reorder_json_keys,
            ))
            .with_state(Arc::clone(self))
    }

    /// The sandbox tenant app's (client_id, client_app_key).
    pub fn tenant_credentials(&self) -> (String, String) {
        (self.tenant.client_id.clone(), self.tenant.app_key.clone())
    }

    fn tenant(&self, client_id: &str) -> Option<&Tenant> {
        (self.tenant.client_id == client_id).then_some(&self.tenant)
    }

    /// The answer to a request: the handler's, or its refusal with this variant's status.
    fn answer(&self, result: Result<Response, ApiError>) -> Response {
        result.unwrap_or_else(|refusal| {
            reply::json_response(self.choices.status_of(&refusal), &refusal.body())
        })
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock()
    }
}

/// A documented path with a method it does not serve (axum adds `Allow`).
async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Anything outside the documented paths.
async fn unknown_path(uri: Uri) -> ApiError {
    ApiError::NotFound(uri.path().to_string())
}
