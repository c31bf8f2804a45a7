//! AlTareq's wire: the run's TPP clients and what every request and answer passes through.
//!
//! Each registered client has its own mutual-TLS HTTP client (its transport certificate and key);
//! the wire learns the bank once per run from the issuer's discovery document (overrides from
//! the target file win) and its JWKS. Every request carries a fresh `x-fapi-interaction-id` (a
//! UUID); a payment carries `x-idempotency-key`, `x-fapi-auth-date` and
//! `x-fapi-customer-ip-address`; a header the request already has, or omits, is left alone.
//! Every answer that is a JWT is verified against the bank's `use=sig` keys (PS256, by policy)
//! and its `message` is what `Then` steps read; one that does not verify fails its step. Every
//! answer of PAR, the token endpoint and `/open-finance/...` (a JSON body, or a signed answer's
//! whole claims) is checked against its published schema (`schemas`), and one that breaks it
//! fails its step with each violation's JSON path and rule. This file must never print a key, a
//! token, an assertion or a claim set.

use serde_json::Value;
use tokio::sync::OnceCell;

use super::jose::{BankKeys, SigningKey};
use super::schemas::Addressed;
use super::settings::{AltareqSettings, ClientSettings};
use crate::family::{Credentials, Wire, WireError};
use crate::http::{Exchange, HttpClient, RequestSpec};
use crate::target::{Target, TargetError};

pub const INTERACTION_ID: &str = "x-fapi-interaction-id";
pub const IDEMPOTENCY_KEY: &str = "x-idempotency-key";

/// One registered TPP client as the run holds it.
#[derive(Debug)]
pub struct Tpp {
    pub client_id: String,
    pub key: SigningKey,
    /// Presents this client's transport certificate (and, `without_client_certificate`, none).
    pub http: HttpClient,
}

/// The bank as discovery describes it.
#[derive(Clone, Debug)]
pub struct Bank {
    pub metadata: Value,
    pub authorization: String,
    pub par: String,
    pub token: String,
    pub registration: Option<String>,
    pub jwks_uri: String,
    pub keys: BankKeys,
}

/// Everything an AlTareq run keeps: settings, the two clients, and the bank once discovered.
#[derive(Debug)]
pub struct AltareqRun {
    pub settings: AltareqSettings,
    pub clients: [Tpp; 2],
    bank: OnceCell<Bank>,
}

impl AltareqRun {
    /// The run's wire for `target`, whose settings are already checked.
    pub fn new(target: &Target, settings: AltareqSettings) -> Result<Self, TargetError> {
        let tpp = |c: &ClientSettings, section: &str| -> Result<Tpp, TargetError> {
            let invalid = |message: String| TargetError::Invalid {
                path: target.origin(),
                line: 1,
                message,
                hint: format!("check settings.{section}"),
            };
            let key = SigningKey::from_pem(&c.signing_key, &c.signing_kid)
                .map_err(|e| invalid(format!("settings.{section}.signing_key: {e}")))?;
            let mut own = target.clone();
            own.tls.identity_pem = Some(c.transport_identity.clone());
            let http = HttpClient::new(&own)
                .map_err(|e| invalid(format!("settings.{section}.transport_cert: {e}")))?;
            Ok(Tpp {
                client_id: c.client_id.clone(),
                key,
                http,
            })
        };
        Ok(Self {
            clients: [
                tpp(&settings.client, "client")?,
                tpp(&settings.client2, "client2")?,
            ],
            settings,
            bank: OnceCell::new(),
        })
    }

    /// The bank, once [`Wire::ready`] has learnt it.
    pub fn bank(&self) -> Result<&Bank, WireError> {
        self.bank.get().ok_or_else(|| {
            WireError::new("the bank's discovery document and JWKS have not been read")
        })
    }

    pub fn issuer(&self) -> &str {
        &self.settings.issuer
    }

    /// The discovery document's URL.
    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.settings.issuer)
    }

    async fn discover(&self) -> Result<Bank, WireError> {
        let http = &self.clients[0].http;
        let url = self.discovery_url();
        let e = http
            .send(RequestSpec::new("GET", url.clone()).header(INTERACTION_ID, fresh_id()))
            .await;
        let metadata: Value = match (e.status(), e.json()) {
            (Some(200), Some(json)) => json,
            _ => {
                return Err(WireError::new(format!(
                    "the issuer's discovery document ({url}) could not be read: {}",
                    e.summary()
                )));
            }
        };
        let endpoints = &self.settings.endpoints;
        let pick = |own: &Option<String>, field: &str| -> Option<String> {
            own.clone().or_else(|| {
                metadata
                    .get(field)
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
        };
        let need = |v: Option<String>, field: &str| {
            v.ok_or_else(|| {
                WireError::new(format!(
                    "the discovery document has no `{field}` (and settings.endpoints gives none)"
                ))
            })
        };
        let jwks_uri = need(pick(&endpoints.jwks, "jwks_uri"), "jwks_uri")?;
        let e = http
            .send(RequestSpec::new("GET", jwks_uri.clone()).header(INTERACTION_ID, fresh_id()))
            .await;
        let keys = match (e.status(), e.body()) {
            (Some(200), Some(body)) => BankKeys::parse(body)
                .map_err(|err| WireError::new(format!("the bank's JWKS ({jwks_uri}): {err}")))?,
            _ => {
                return Err(WireError::new(format!(
                    "the bank's JWKS ({jwks_uri}) could not be read: {}",
                    e.summary()
                )));
            }
        };
        Ok(Bank {
            authorization: need(
                pick(&endpoints.authorization, "authorization_endpoint"),
                "authorization_endpoint",
            )?,
            par: need(
                pick(&endpoints.par, "pushed_authorization_request_endpoint"),
                "pushed_authorization_request_endpoint",
            )?,
            token: need(pick(&endpoints.token, "token_endpoint"), "token_endpoint")?,
            registration: pick(&endpoints.registration, "registration_endpoint"),
            jwks_uri,
            keys,
            metadata,
        })
    }

    /// The client ids of the run: a bank's answer is addressed to one of them.
    fn ours(&self, aud: &str) -> bool {
        self.clients.iter().any(|c| c.client_id == aud)
    }
}

impl AltareqRun {
    /// Checks `body` (a JSON answer, or a signed answer's whole claims) against its schema in the
    /// v2.1-errata2 documents, for the bank's PAR and token endpoints and the `/open-finance/...`
    /// resources; other answers (discovery, JWKS, the hub's sandbox API) have no published schema
    /// and pass. A violation is a [`WireError`] naming the operation, the schema, and each
    /// violation's JSON path and rule (never the offending value).
    fn check_schema(&self, exchange: &Exchange, body: &Value) -> Result<(), WireError> {
        let Ok(url) = reqwest::Url::parse(&exchange.request.url) else {
            return Ok(());
        };
        let Some(status) = exchange.status() else {
            return Ok(());
        };
        let bare = format!("{}://{}{}", url.scheme(), url.authority(), url.path());
        let bank = self.bank.get();
        let addressed = if bank.is_some_and(|b| b.par == bare) {
            Addressed::Operation("/par")
        } else if bank.is_some_and(|b| b.token == bare) {
            Addressed::Operation("/token")
        } else if url.path().starts_with(super::ABOUT.api_prefix) {
            Addressed::Path(url.path())
        } else {
            return Ok(());
        };
        super::schemas::check(
            &exchange.request.method,
            addressed,
            status,
            exchange.header("content-type"),
            body,
        )
        .map(|_| ())
        .map_err(WireError::new)
    }

    /// A signed answer's claims, verified against the bank's `use=sig` keys, issued by the
    /// issuer, not expired, and addressed (if at all) to one of the run's clients.
    fn verified_claims(&self, jwt: &str) -> Result<Value, WireError> {
        let claims = self
            .bank()?
            .keys
            .verify(jwt)
            .map_err(|e| WireError::new(format!("the bank's signed answer: {e}")))?;
        if let Some(iss) = claims.get("iss").and_then(Value::as_str)
            && iss.trim_end_matches('/') != self.issuer()
        {
            return Err(WireError::new(format!(
                "the bank's signed answer has iss `{iss}`, not the issuer `{}`",
                self.issuer()
            )));
        }
        let now = super::jose::now();
        match claims.get("exp").and_then(Value::as_i64) {
            Some(exp) if exp + 10 >= now => {}
            Some(_) => return Err(WireError::new("the bank's signed answer has expired")),
            None => return Err(WireError::new("the bank's signed answer has no exp")),
        }
        let aud_ok = match claims.get("aud") {
            None => true,
            Some(Value::String(a)) => self.ours(a),
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).any(|a| self.ours(a)),
            Some(_) => false,
        };
        if !aud_ok {
            return Err(WireError::new(
                "the bank's signed answer is addressed (aud) to another client",
            ));
        }
        Ok(claims)
    }
}

/// A fresh interaction id (RFC 4122 UUID).
pub fn fresh_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `Tue, 01 Dec 2026 10:00:00 GMT` (RFC 7231), the form `x-fapi-auth-date` takes.
fn http_date() -> String {
    chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// Whether the answer is a JWT: its content type says so.
fn is_jwt(exchange: &Exchange) -> bool {
    exchange.header("content-type").is_some_and(|ct| {
        ct.trim()
            .to_ascii_lowercase()
            .starts_with("application/jwt")
    })
}

impl Wire for AltareqRun {
    fn ready<'a>(
        &'a self,
        _http: &'a HttpClient,
    ) -> futures::future::BoxFuture<'a, Result<(), WireError>> {
        Box::pin(async move {
            self.bank.get_or_try_init(|| self.discover()).await?;
            Ok(())
        })
    }

    fn decorate(&self, request: &mut RequestSpec) -> Result<(), WireError> {
        request.default_header(INTERACTION_ID, fresh_id());
        let path = request.url.split('?').next().unwrap_or("");
        if request.method == "POST" && path.ends_with("/payments") {
            request.default_header(IDEMPOTENCY_KEY, fresh_id());
            request.default_header("x-fapi-auth-date", http_date());
            request.default_header("x-fapi-customer-ip-address", "10.1.1.10");
        }
        Ok(())
    }

    /// A JWT answer is verified and its `message` (or, without one, its claims) is what `Then`
    /// steps read; an answer that says it is a JWT and does not verify fails its step. Every
    /// answer (a JWT's whole claims, else a JSON body) is then checked against its published
    /// schema, and one that breaks it fails its step too.
    fn unwrap(&self, exchange: &Exchange) -> Result<Option<String>, WireError> {
        let body = exchange
            .response
            .as_ref()
            .map(|r| r.body.trim())
            .unwrap_or("");
        if body.is_empty() {
            return Ok(None);
        }
        if !is_jwt(exchange) {
            if let Ok(json) = serde_json::from_str::<Value>(body) {
                self.check_schema(exchange, &json)?;
            }
            return Ok(None);
        }
        let claims = self.verified_claims(body)?;
        self.check_schema(exchange, &claims)?;
        let payload = claims.get("message").cloned().unwrap_or(claims);
        Ok(Some(payload.to_string()))
    }

    fn credentials(&self) -> Credentials {
        Credentials {
            headers: &[],
            fields: &[
                "client_assertion",
                "request",
                "code",
                "code_verifier",
                "access_token",
                "refresh_token",
                "id_token",
                "PersonalIdentifiableInformation",
            ],
        }
    }
}
