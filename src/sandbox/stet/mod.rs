//! The embedded STET PSD2 v1.4.2 reference bank, as BPCE (Caisse d'Epargne / BTP Banque) documents
//! it: OAuth2 (authorization code, refresh, revocation, client credentials, fallback, and the
//! sandbox's password grant), mutual TLS and HTTP signatures of a registered TPP, the "mixed" AISP
//! consent, accounts, balances, transactions, the end-user identity and the daily rate limit, the
//! CBPII funds confirmation and PISP payment requests, with the BPCE sandbox personas.
//!
//! This file holds the public API and the router; each concern lives in its own file. The bank must
//! never panic on what a client sends (a malformed request is a 4xx), never reach outside the
//! process, and break a documented rule only when a fault of [`FAULTS`] asks it to.

pub mod data;

mod accounts;
mod approval;
mod auth;
mod authorize;
mod consent;
mod dates;
mod faults;
mod funds;
mod html;
mod identity;
mod keyid;
mod mtls;
mod oauth;
mod payment_body;
mod payments;
mod ratelimit;
mod reply;
mod routes;
mod signature;
mod token;
mod transactions;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Uri, header};
use axum::middleware::{self, Next};
use axum::response::Response;

use crate::sandbox::kit::deferred;
use crate::sandbox::kit::random;
use crate::sandbox::kit::variant::{self, Variant};
use crate::sandbox::{Clock, FaultSet};

use self::auth::TokenStore;
use self::consent::ConsentStore;
use self::data::{Ledger, PERSONAS};
use self::oauth::OAuthStore;
use self::payments::PaymentStore;
use self::ratelimit::RateLimiter;
use self::reply::ApiError;
use self::routes::{Resources, only_allowing, page};
use crate::tls::pki::{public_key_der, sha256_fingerprint};

pub use self::faults::FAULTS;

/// Where the API lives (AIS, CBPII and PISP resources).
pub const API_PREFIX: &str = "/stet/psd2/v1.4.2";
/// The OAuth2 token endpoint.
pub const TOKEN_PATH: &str = "/stet/psd2/oauth/token";
/// The OAuth2 authorization endpoint: the PSU's login page (authorization-code flow).
pub const AUTHORIZE_PATH: &str = "/stet/psd2/oauth/authorize";
/// The OAuth2 revocation endpoint (RFC 7009).
pub const REVOKE_PATH: &str = "/stet/psd2/oauth/revoke";
/// The online-banking login page that the fallback redirect points to.
pub const ONLINE_BANKING_LOGIN_PATH: &str = "/online-banking/login";
/// The PSU's approval page of a payment request (`?id=<resourceId>`), the consentApproval link.
pub const PAYMENT_APPROVAL_PATH: &str = "/online-banking/payment-approval";
/// Capabilities (catalog `capability:` names) this bank implements.
pub const CAPABILITIES: &[&str] = &[
    "stet.end-user-identity",
    "stet.bpce-limits",
    "stet.mtls",
    "stet.rate-limit",
    "stet.fallback",
    "stet.cbpii",
    "stet.pisp",
];

/// The TPP this bank has registered (the QWAC's organisation identifier is its client_id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredTpp {
    /// The TPP's authorisation number: its QWAC's organizationIdentifier and its OAuth client_id.
    pub client_id: String,
    /// The QSEAL certificate (DER) whose key signs the TPP's requests.
    pub qseal_cert_der: Vec<u8>,
    /// The one callback URL of the authorization-code flow.
    pub redirect_uri: String,
}

/// A registered TPP with what the bank derives from its QSEAL certificate once.
#[derive(Debug)]
struct Registration {
    tpp: RegisteredTpp,
    /// Lowercase hex SHA-256 of the QSEAL certificate: the end of every keyId.
    qseal_fingerprint: String,
    /// Its SubjectPublicKeyInfo; None when the certificate cannot be read (every signature fails).
    qseal_spki: Option<Vec<u8>>,
}

impl Registration {
    fn new(tpp: RegisteredTpp) -> Self {
        Self {
            qseal_fingerprint: sha256_fingerprint(&tpp.qseal_cert_der),
            qseal_spki: public_key_der(&tpp.qseal_cert_der),
            tpp,
        }
    }
}

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// One running STET reference bank: its data, its tokens and consents, and its active faults.
#[derive(Debug)]
pub struct StetBank {
    faults: FaultSet,
    /// What this bank chose within the document (see [`faults`]'s notes on the readings).
    variant: Arc<Variant>,
    /// The documented readings this bank follows (see [`faults::Readings`]).
    readings: faults::Readings,
    clock: Clock,
    ledger: Ledger,
    passwords: HashMap<&'static str, String>,
    tokens: TokenStore,
    consents: ConsentStore,
    /// None: TRANSITIONAL, neither client certificates nor signatures are enforced.
    registration: Option<Registration>,
    oauth: OAuthStore,
    limits: RateLimiter,
    payments: PaymentStore,
}

impl StetBank {
    /// A bank whose data is dated from `clock.today()`, with fresh random passwords. With `tpp`,
    /// every token, revoke and API request needs that TPP's client certificate and every API request
    /// its QSEAL signature; without, neither is enforced (transitional).
    pub fn new(faults: FaultSet, clock: Clock, tpp: Option<RegisteredTpp>) -> Arc<Self> {
        Self::new_variant(faults, clock, tpp, Variant::canonical())
    }

    /// [`StetBank::new`] as the healthy `variant`: its own IBANs, ids, dates and orders, and the
    /// documented readings it drew.
    pub fn new_variant(
        faults: FaultSet,
        clock: Clock,
        tpp: Option<RegisteredTpp>,
        variant: Variant,
    ) -> Arc<Self> {
        let ledger = Ledger::build_variant(clock.today(), &variant);
        let passwords = PERSONAS
            .iter()
            .map(|p| (p.name, random::alphanumeric(auth::PASSWORD_LENGTH)))
            .collect();
        Arc::new(Self {
            faults,
            readings: faults::Readings::of(&variant),
            variant: Arc::new(variant),
            clock,
            ledger,
            passwords,
            tokens: TokenStore::default(),
            consents: ConsentStore::default(),
            registration: tpp.map(Registration::new),
            oauth: OAuthStore::default(),
            limits: RateLimiter::default(),
            payments: PaymentStore::default(),
        })
    }

    /// Serves the OAuth2 endpoints, the PSU's pages and everything under [`API_PREFIX`].
    pub fn router(self: &Arc<Self>) -> Router {
        let api = |path: &str| format!("{API_PREFIX}{path}");
        let resource = Resources {
            post_allowed: self.faults.has(faults::POST_ALLOWED),
        };
        Router::new()
            .route(TOKEN_PATH, only_allowing("POST").post(token::token))
            .route(REVOKE_PATH, only_allowing("POST").post(oauth::revoke))
            .route(AUTHORIZE_PATH, page(authorize::authorize))
            .route(
                ONLINE_BANKING_LOGIN_PATH,
                page(authorize::online_banking_login),
            )
            .route(PAYMENT_APPROVAL_PATH, page(approval::approval))
            .route(&api("/funds-confirmations"), resource.post(funds::confirm))
            .route(&api("/payment-requests"), resource.post(payments::create))
            .route(
                &api("/payment-requests/{id}"),
                resource.get(payments::retrieve),
            )
            .route(
                &api("/payment-requests/{id}/o-confirmation"),
                resource.post(payments::confirm),
            )
            .route(&api("/consents"), resource.put(consent::put))
            .route(&api("/accounts"), resource.get(accounts::list))
            .route(
                &api("/accounts/{id}/balances"),
                resource.get(accounts::balances),
            )
            .route(
                &api("/accounts/{id}/transactions"),
                resource.get(transactions::history),
            )
            .route(
                &api("/end-user-identity"),
                resource.get(identity::end_user_identity),
            )
            .route(
                &api("/trusted-beneficiaries"),
                resource.get(identity::trusted_beneficiaries),
            )
            .fallback(unknown_path)
            .layer(middleware::from_fn_with_state(
                Arc::clone(self),
                signature::guard_api,
            ))
            .layer(middleware::from_fn_with_state(Arc::clone(self), finish))
            .layer(middleware::from_fn_with_state(
                Arc::clone(&self.variant),
                variant::reorder_json_keys,
            ))
            .layer(middleware::from_fn_with_state(
                Arc::clone(self),
                echo_request_id,
            ))
            .with_state(Arc::clone(self))
    }

    /// Sandbox login (username, password) of a persona for the password grant; None for an unknown persona.
    pub fn login(&self, persona: &str) -> Option<(String, String)> {
        let persona = data::persona(persona)?;
        let password = self.passwords.get(persona.name)?;
        Some((persona.name.to_string(), password.clone()))
    }

    /// Whether a client without a certificate is refused in the TLS handshake (the variant's
    /// reading, when a TPP is registered and no fault lets such a client through) rather than with
    /// HTTP 401: how the bank must be served.
    pub fn refuses_in_handshake(&self) -> bool {
        self.readings.refuse_in_handshake
            && self.registration.is_some()
            && !self.faults.has(faults::CLIENT_CERT_NOT_REQUIRED)
    }

    /// The IBAN this bank shows for `persona`'s account `role` (a variant's own).
    pub fn iban_of(&self, persona: &str, role: &str) -> Option<String> {
        let persona = data::persona(persona)?;
        self.ledger
            .of_persona(persona)
            .find(|a| a.data.role == role)
            .map(|a| a.iban.clone())
    }

    /// The booking dates of `persona`'s account `role`, newest first: what a test reads to know
    /// which days a variant's history covers.
    pub fn booking_dates(&self, persona: &str, role: &str) -> Vec<chrono::NaiveDate> {
        let Some(persona) = data::persona(persona) else {
            return Vec::new();
        };
        let mut dates: Vec<chrono::NaiveDate> = self
            .ledger
            .of_persona(persona)
            .filter(|a| a.data.role == role)
            .flat_map(|a| a.transactions.iter().map(|t| t.booking_date))
            .collect();
        dates.sort_by(|a, b| b.cmp(a));
        dates
    }

    /// An access token of scope aisp that this bank issued to `persona` and that has already expired.
    pub fn issue_expired_token(&self, persona: &str) -> Option<String> {
        data::persona(persona).map(|p| self.expired_token(p))
    }
}

/// The bank's one conversion of refusals: an [`ApiError`] that a handler, a route or the signature
/// gate answers is deferred to here ([`deferred`]) and rendered as an ErrorModel about the
/// request's path, stamped with the bank's clock.
async fn finish(State(bank): State<Arc<StetBank>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    match deferred::take::<ApiError>(&mut response) {
        Some(error) => error.render(&path, bank.clock.now()),
        None => response,
    }
}

/// Copies the request's X-Request-ID onto the response, errors included. Also where the
/// `charset-missing` fault drops the charset from JSON media types (only those), since every JSON
/// reply passes here.
async fn echo_request_id(
    State(bank): State<Arc<StetBank>>,
    request: Request,
    next: Next,
) -> Response {
    let request_id = request.headers().get(X_REQUEST_ID).cloned();
    let mut response = next.run(request).await;
    if let Some(request_id) = request_id
        && !bank.faults.has(faults::REQUEST_ID_NOT_ECHOED)
    {
        response.headers_mut().insert(X_REQUEST_ID, request_id);
    }
    if bank.faults.has(faults::CHARSET_MISSING)
        && let Some(media_type) = response.headers().get(header::CONTENT_TYPE)
        && let Some(bare) = media_type.to_str().ok().and_then(|t| t.split(';').next())
        && bare.trim().ends_with("json")
        && let Ok(bare) = HeaderValue::from_str(bare.trim())
    {
        response.headers_mut().insert(header::CONTENT_TYPE, bare);
    }
    response
}

/// Anything outside the documented paths.
async fn unknown_path(uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no resource at {}", uri.path()))
}
