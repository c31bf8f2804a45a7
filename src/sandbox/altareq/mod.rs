//! The embedded AlTareq (UAE Open Finance v2.1, FAPI 2.0) model bank: an LFI, its API hub and a
//! trust-framework stub in one, as the notes (`altareq.md` §14) describe what a real one verifies.
//!
//! Two TLS listeners share one CA minted at start: the **front** (browser-facing: discovery, JWKS,
//! the headless authorisation of the Ozone hub; no client certificate) and the **hub** (mutual TLS
//! required in the handshake: PAR, token, registration, the consent manager and every
//! `/open-finance/...` resource). Each concern lives in its own file; this one holds the public API
//! (the contract with the TPP side), the bank's state and the routers. The bank must never panic
//! on what a client sends (a malformed request is a 4xx), never reach outside the process, and break
//! a documented rule only when a fault of [`FAULTS`] asks it to.

pub mod data;
pub mod target_file;

mod account_consents;
mod accounts;
mod assertion;
mod authorize;
mod consent;
mod cop;
mod discovery;
mod faults;
mod guard;
mod iban;
mod idempotency;
mod jose;
mod keys;
mod par;
mod payment_rules;
mod payment_views;
mod payments;
mod pii;
mod rar;
mod reply;
mod shapes;
mod signed;
mod token;
mod variant;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

use crate::family::EmbeddedError;
use crate::sandbox::kit::variant::{self as kit_variant, Variant};
use crate::sandbox::{ClientAuth, Clock, FaultSet, ServerHandle, serve_with};
use crate::tls::pki::TestCa;

pub use self::faults::FAULTS;
pub use self::keys::ClientKit;
pub use self::variant::Fixture;

/// Where the Open Finance resource APIs live on the hub.
pub const API_PREFIX: &str = "/open-finance";
/// Data sharing (account information) v2.1.
pub const AIS_BASE: &str = "/open-finance/account-information/v2.1";
/// Bank service initiation (payments) v2.1.
pub const PAY_BASE: &str = "/open-finance/payment/v2.1";
/// Confirmation of Payee v2.1.
pub const COP_BASE: &str = "/open-finance/confirmation-of-payee/v2.1";
/// The Ozone consent manager's versioned path on the hub (`{cs}` = `{rs}/cs`).
pub const CONSENT_MANAGER: &str = "/cs/v2024.46/consents";
/// The callback registered for both clients in the trust-framework stub.
pub const REDIRECT_URI: &str = "https://tpp.obconf.test/callback";
/// Capabilities (catalog `capability:` names) this bank implements.
pub const CAPABILITIES: &[&str] = &[
    "altareq.mtls",
    "altareq.payments",
    "altareq.multi-payments",
    "altareq.cop",
    "altareq.registration",
];

pub(crate) const INTERACTION_ID: HeaderName = HeaderName::from_static("x-fapi-interaction-id");

/// One running model bank. Cheap to clone (the state is shared).
#[derive(Clone)]
pub struct ModelBank(Arc<Bank>);

impl std::fmt::Debug for ModelBank {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelBank")
            .field("issuer", &self.0.issuer())
            .field("faults", &self.0.faults)
            .finish_non_exhaustive()
    }
}

/// The bank, started: its addresses, the CA to trust, the two registered clients and the
/// listeners (dropping `front` or `hub` stops that listener).
#[derive(Debug)]
pub struct Started {
    pub bank: ModelBank,
    /// `https://127.0.0.1:<front>`: the issuer, the front listener.
    pub issuer: String,
    /// `https://127.0.0.1:<hub>`: the resource server, the hub listener.
    pub rs: String,
    /// The CA of both listeners and of the trust framework (PEM).
    pub ca_pem: String,
    pub client1: ClientKit,
    pub client2: ClientKit,
    /// Registered for both clients.
    pub redirect_uri: String,
    /// The records of the data set the target's settings name (a variant's own).
    pub fixture: Fixture,
    /// The PAR success status this bank answers (a documented reading, see `faults.rs`).
    pub par_status: u16,
    pub front: ServerHandle,
    pub hub: ServerHandle,
}

/// The bank's state: what is fixed at start, and the stores requests change.
pub(crate) struct Bank {
    pub(crate) faults: FaultSet,
    /// The documented readings this bank follows where the sources disagree.
    pub(crate) readings: faults::Readings,
    pub(crate) variant: Arc<Variant>,
    pub(crate) clock: Clock,
    issuer: OnceLock<String>,
    rs: OnceLock<String>,
    pub(crate) keys: keys::BankKeys,
    pub(crate) clients: Vec<keys::Client>,
    pub(crate) ledger: data::Ledger,
    pub(crate) jtis: assertion::JtiStore,
    pub(crate) consents: consent::ConsentStore,
    pub(crate) flows: authorize::FlowStore,
    pub(crate) tokens: token::TokenStore,
    pub(crate) payments: payments::PaymentStore,
    pub(crate) idempotency: idempotency::IdempotencyStore,
}

impl Bank {
    /// The issuer (`https://127.0.0.1:<front>`), set once the front listener is bound.
    pub(crate) fn issuer(&self) -> &str {
        self.issuer.get().map(String::as_str).unwrap_or_default()
    }

    /// The hub's base URL (`{rs}`), set once the hub listener is bound.
    pub(crate) fn rs(&self) -> &str {
        self.rs.get().map(String::as_str).unwrap_or_default()
    }

    /// The registered client whose id is `client_id`.
    pub(crate) fn client(&self, client_id: &str) -> Option<&keys::Client> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }
}

impl ModelBank {
    /// Mints PKI + keys, builds the data, starts both listeners. `front`/`hub` may be port 0.
    pub async fn start(
        faults: FaultSet,
        clock: Clock,
        front: SocketAddr,
        hub: SocketAddr,
    ) -> Result<Started, EmbeddedError> {
        Self::start_variant(faults, clock, front, hub, Variant::canonical()).await
    }

    /// [`ModelBank::start`] as the healthy `variant`: its own data set, readings and JSON key
    /// order (see `variant.rs` and `faults.rs`).
    pub async fn start_variant(
        faults: FaultSet,
        clock: Clock,
        front: SocketAddr,
        hub: SocketAddr,
        variant: Variant,
    ) -> Result<Started, EmbeddedError> {
        let ca = TestCa::mint("obconf AlTareq trust framework CA")?;
        let minted = keys::mint(&ca)?;
        let bank = Arc::new(Bank {
            ledger: data::Ledger::build_variant(clock.now(), &variant),
            readings: faults::Readings::of(&variant),
            variant: Arc::new(variant),
            faults,
            clock,
            issuer: OnceLock::new(),
            rs: OnceLock::new(),
            keys: minted.bank,
            clients: minted.clients,
            jtis: Default::default(),
            consents: Default::default(),
            flows: Default::default(),
            tokens: Default::default(),
            payments: Default::default(),
            idempotency: Default::default(),
        });
        let protocol = bank.variant.protocol();
        let front_router = front_router(&bank);
        let front_handle = serve_with(
            front,
            &minted.server,
            front_router,
            ClientAuth::None,
            protocol,
        )
        .await?;
        let _ = bank.issuer.set(front_handle.base_url());
        let hub_router = hub_router(&bank);
        let ca_der = ca.cert.cert_der.clone();
        let hub_auth = if bank.faults.has(faults::MTLS_OPTIONAL) {
            ClientAuth::Optional(ca_der)
        } else {
            ClientAuth::Required(ca_der)
        };
        let hub_handle = serve_with(hub, &minted.server, hub_router, hub_auth, protocol).await?;
        let _ = bank.rs.set(hub_handle.base_url());
        Ok(Started {
            issuer: front_handle.base_url(),
            rs: hub_handle.base_url(),
            ca_pem: ca.cert.cert_pem.clone(),
            client1: minted.kits[0].clone(),
            client2: minted.kits[1].clone(),
            redirect_uri: REDIRECT_URI.to_string(),
            fixture: Fixture::of(&bank.ledger),
            par_status: bank.readings.par_status,
            bank: ModelBank(bank),
            front: front_handle,
            hub: hub_handle,
        })
    }

    /// The bank's clock (scenarios may move it forward).
    pub fn clock(&self) -> &Clock {
        &self.0.clock
    }

    /// The issuer this bank names itself by.
    pub fn issuer(&self) -> &str {
        self.0.issuer()
    }
}

/// The browser-facing listener: discovery, JWKS and the hub's headless authorisation.
fn front_router(bank: &Arc<Bank>) -> Router {
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::metadata),
        )
        .route("/jwks", get(discovery::jwks))
        .route("/auth", get(authorize::get_auth))
        .route("/auth/{interaction}/doConfirm", post(authorize::do_confirm))
        .route("/auth/{interaction}/doFail", post(authorize::do_fail))
        .fallback(reply::not_found)
        .method_not_allowed_fallback(reply::method_not_allowed)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&bank.variant),
            kit_variant::reorder_json_keys,
        ))
        .layer(middleware::from_fn_with_state(Arc::clone(bank), stamp))
        .with_state(Arc::clone(bank))
}

/// The mutual-TLS listener: the authorisation server's back channel, the consent manager and the
/// resource APIs.
fn hub_router(bank: &Arc<Bank>) -> Router {
    let ais = |p: &str| format!("{AIS_BASE}{p}");
    let pay = |p: &str| format!("{PAY_BASE}{p}");
    let cop = |p: &str| format!("{COP_BASE}{p}");
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::metadata),
        )
        .route("/jwks", get(discovery::jwks))
        .route("/tpp-registration", post(discovery::register))
        .route("/par", post(par::par))
        .route("/token", post(token::token))
        .route(
            &format!("{CONSENT_MANAGER}/{{id}}"),
            get(consent::cm_get).patch(consent::cm_patch),
        )
        .route(&ais("/accounts"), get(accounts::list))
        .route(&ais("/accounts/{id}"), get(accounts::one))
        .route(&ais("/accounts/{id}/balances"), get(accounts::balances))
        .route(
            &ais("/accounts/{id}/transactions"),
            get(accounts::transactions),
        )
        .route(
            &ais("/accounts/{id}/parties"),
            get(accounts::account_parties),
        )
        .route(&ais("/parties"), get(accounts::parties))
        .route(
            &ais("/account-access-consents"),
            get(account_consents::consents),
        )
        .route(
            &ais("/account-access-consents/{id}"),
            get(account_consents::consent).patch(account_consents::revoke),
        )
        .route(
            &pay("/payments"),
            post(payments::create).get(payment_views::by_key),
        )
        .route(&pay("/payments/{id}"), get(payment_views::one))
        .route(&pay("/payment-consents"), get(payment_views::consents))
        .route(
            &pay("/payment-consents/{id}"),
            get(payment_views::consent).patch(payment_views::revoke),
        )
        .route(&cop("/discovery"), post(cop::discovery))
        .route(&cop("/confirmation"), post(cop::confirmation))
        .fallback(reply::not_found)
        .method_not_allowed_fallback(reply::method_not_allowed)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&bank.variant),
            kit_variant::reorder_json_keys,
        ))
        .layer(middleware::from_fn_with_state(Arc::clone(bank), stamp))
        .with_state(Arc::clone(bank))
}

/// Every answer, errors included: echoes `x-fapi-interaction-id` (or a fresh UUID when the
/// request had none) and carries a `Date` header.
async fn stamp(State(bank): State<Arc<Bank>>, request: Request, next: Next) -> Response {
    let interaction = request
        .headers()
        .get(INTERACTION_ID)
        .cloned()
        .unwrap_or_else(|| {
            HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()).unwrap_or(
                HeaderValue::from_static("00000000-0000-4000-8000-000000000000"),
            )
        });
    let mut response = next.run(request).await;
    let error = response.status().is_client_error() || response.status().is_server_error();
    if !(error && bank.faults.has(faults::DROP_INTERACTION_ID_ON_ERROR)) {
        response.headers_mut().insert(INTERACTION_ID, interaction);
    }
    let date = bank
        .clock
        .now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    if let Ok(date) = HeaderValue::from_str(&date) {
        response.headers_mut().insert(header::DATE, date);
    }
    response
}
