//! The embedded Salt Edge PSD2 Compliance reference bank (API v2): applications whose request JWTs
//! it verifies, providers that approved the TPP or not, Access-Tokens with expiry and revocation,
//! sessions with their states, trusted beneficiaries and payment templates.
//!
//! This file holds the public API and the router; each concern lives in its own file. The bank must
//! never panic on what a client sends (a malformed request is a 4xx with an error class), never
//! reach outside the process, and break a documented rule only when a fault of [`FAULTS`] asks it to.

pub mod data;

mod apps;
mod beneficiaries;
mod expired;
mod faults;
mod gate;
mod providers;
mod reply;
mod sessions;
mod tokens;
mod variant;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{Method, Uri};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::MethodRouter;

use crate::auth::jose::JoseError;
use crate::sandbox::kit::variant::{Variant, reorder_json_keys};
use crate::sandbox::kit::{deferred, refusing};
use crate::sandbox::{Clock, FaultSet};

use self::apps::Application;
use self::faults::CLIENT_REQUEST_ID_NOT_ECHOED;
use self::reply::{ApiError, ErrorClass, Outcome};
use self::sessions::SessionStore;
use self::tokens::TokenStore;

pub use self::apps::{AppCredentials, EmbeddedApps};
pub use self::faults::FAULTS;
pub use self::sessions::SESSION_LIFETIME_MINUTES;

/// Where the API lives.
pub const API_PREFIX: &str = "/api/v2";
/// Capabilities (catalog `capability:` names) this bank implements.
pub const CAPABILITIES: &[&str] = &["saltedge.certificate-permissions", "saltedge.reconnect"];
/// The provider the embedded target tests against.
pub const PROVIDER_CODE: &str = "demobank";
/// A provider that has not approved access for the TPP.
pub const UNAPPROVED_PROVIDER_CODE: &str = "unapproved_demobank";

/// The shared handle the handlers receive.
type Bank = Arc<SaltEdgeBank>;

/// One running Salt Edge reference bank.
#[derive(Debug)]
pub struct SaltEdgeBank {
    faults: FaultSet,
    /// What this bank chose within the document (see [`faults`]'s notes on the readings).
    variant: Arc<Variant>,
    clock: Clock,
    /// The providers, in id order: the document's, or the variant's own (see `variant`).
    providers: &'static [data::Provider],
    apps: Vec<Application>,
    tokens: TokenStore,
    sessions: SessionStore,
}

impl SaltEdgeBank {
    /// A bank with its two applications registered; the applications' credentials (private keys
    /// included) are returned for the embedded target and not kept by the bank.
    pub fn new(faults: FaultSet, clock: Clock) -> Result<(Arc<Self>, EmbeddedApps), JoseError> {
        Self::new_variant(faults, clock, Variant::canonical())
    }

    /// [`SaltEdgeBank::new`] as the healthy `variant`: its own session ids, providers (see
    /// `variant.rs`), HTTP protocol and JSON key order.
    pub fn new_variant(
        faults: FaultSet,
        clock: Clock,
        variant: Variant,
    ) -> Result<(Arc<Self>, EmbeddedApps), JoseError> {
        let (apps, credentials) = apps::register()?;
        let first_session_id = variant.number("session ids", 300, 1, 9_000_000_000);
        let bank = Arc::new(Self {
            providers: variant::providers(&variant),
            faults,
            variant: Arc::new(variant),
            clock,
            apps,
            tokens: TokenStore::default(),
            sessions: SessionStore::starting_at(first_session_id),
        });
        Ok((bank, credentials))
    }

    /// The provider with that code.
    fn provider(&self, code: &str) -> Option<&'static data::Provider> {
        self.providers.iter().find(|p| p.code == code)
    }

    /// Serves everything under [`API_PREFIX`].
    pub fn router(self: &Arc<Self>) -> Router {
        let api = |path: &str| format!("{API_PREFIX}{path}");
        Router::new()
            .route(
                &api("/tokens"),
                not_served().get(tokens::show).delete(tokens::revoke),
            )
            .route(&api("/tokens/remote"), not_served().post(tokens::remote))
            .route(
                &api("/tokens/reconnect"),
                not_served().post(tokens::reconnect),
            )
            .route(
                &api("/sessions/{secret}"),
                not_served()
                    .get(sessions::show)
                    .put(sessions::confirm)
                    .delete(sessions::destroy),
            )
            .route(
                &api("/trusted_beneficiaries"),
                not_served().get(beneficiaries::index),
            )
            .route(
                &api("/trusted_beneficiaries/{id}"),
                not_served().get(beneficiaries::show),
            )
            .route(&api("/providers"), not_served().get(providers::index))
            .route(
                &api("/providers/{provider_code}/templates"),
                not_served().get(providers::templates),
            )
            .fallback(unknown_path)
            .layer(middleware::from_fn_with_state(Arc::clone(self), finish))
            .layer(middleware::from_fn_with_state(
                Arc::clone(&self.variant),
                reorder_json_keys,
            ))
            .with_state(Arc::clone(self))
    }
}

/// The bank's one conversion of answers and refusals: a handler's [`reply::Answer`] or
/// [`ApiError`] is deferred to here ([`deferred`]) and rendered: `data` and `meta`, or the error
/// class, with the request's Client-Request-Id in `meta` and the bank's time.
async fn finish(State(bank): State<Bank>, request: Request, next: Next) -> Response {
    let id = gate::header(request.headers(), "client-request-id")
        .filter(|_| !bank.faults.has(CLIENT_REQUEST_ID_NOT_ECHOED))
        .map(str::to_string);
    let mut response = next.run(request).await;
    match deferred::take::<Outcome>(&mut response) {
        Some(outcome) => reply::render(outcome, id.as_deref(), bank.clock.now()),
        None => response,
    }
}

/// A route whose methods are added to it: every other method is [`method_not_allowed`].
fn not_served() -> MethodRouter<Bank> {
    refusing(method_not_allowed)
}

/// A method the endpoint does not serve: RouteNotFound, as for a path it does not have.
async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::new(
        ErrorClass::RouteNotFound,
        format!("this endpoint does not serve {method}"),
    )
}

/// Anything outside the documented paths.
async fn unknown_path(uri: Uri) -> ApiError {
    ApiError::new(
        ErrorClass::RouteNotFound,
        format!("no endpoint at {}", uri.path()),
    )
}
