//! The STET PSD2 v1.4.2 family: its plugin (embedded bank, defaults, request decoration) and its
//! steps. Everything STET-specific on the TPP side lives in this folder.

mod accounts;
mod balances;
mod consents;
mod transactions;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use crate::family::{EmbeddedBank, EmbeddedError, Family, FamilyState, serve_with_test_pki};
use crate::http::RequestSpec;
use crate::sandbox::stet::{self as bank, StetBank};
use crate::sandbox::{Clock, Fault, FaultSet};
use crate::target::{Login, OAuth, Secret, Target, TlsSettings};
use crate::world::{Failure, ObWorld};

/// The STET family.
pub struct Stet;

/// The registry entry.
pub static STET: Stet = Stet;

/// The OAuth client id of the embedded bank's test TPP (an ACPR authorisation number, as the
/// document's fallback example shows).
pub const SANDBOX_CLIENT_ID: &str = "PSDFR-ACPR-12345";

/// The PSU IP address sent when the scenario does not say otherwise: the document asks for it when
/// the PSU is connected, and without it a bank may rate-limit AIS calls to 4 a day.
const PSU_IP_ADDRESS: &str = "192.0.2.10";

impl Family for Stet {
    fn name(&self) -> &'static str {
        "stet"
    }

    fn title(&self) -> &'static str {
        "STET PSD2 v1.4.2"
    }

    fn catalog_prefix(&self) -> &'static str {
        "STET-"
    }

    fn default_api_prefix(&self) -> &'static str {
        bank::API_PREFIX
    }

    fn faults(&self) -> &'static [Fault] {
        bank::FAULTS
    }

    fn embedded_target(&self) -> Target {
        Target {
            name: "embedded-stet".to_string(),
            family: "stet".to_string(),
            source: None,
            base_url: String::new(),
            api_prefix: None,
            embedded: true,
            faults: Vec::new(),
            capabilities: None,
            personas: Default::default(),
            oauth: None,
            tls: TlsSettings::default(),
            timeout: Duration::from_secs(10),
            concurrency: None,
            settings: None,
            base_dir: PathBuf::from("."),
            text: None,
        }
    }

    fn start_embedded(
        &self,
        base: Target,
        faults: FaultSet,
        listen: SocketAddr,
    ) -> BoxFuture<'static, Result<EmbeddedBank, EmbeddedError>> {
        Box::pin(async move {
            let clock = Clock::system();
            let bank = StetBank::new(faults, clock.clone());
            let (server, ca_pem) = serve_with_test_pki(bank.router(), listen).await?;
            let mut target = base;
            target.base_url = server.base_url();
            target.tls.ca_pem = Some(ca_pem.clone().into_bytes());
            target.oauth.get_or_insert_with(|| OAuth {
                token_url: bank::TOKEN_PATH.to_string(),
                client_id: SANDBOX_CLIENT_ID.to_string(),
            });
            for p in bank::data::PERSONAS {
                let persona = target.personas.entry(p.name.to_string()).or_default();
                if persona.login.is_none()
                    && let Some((username, password)) = bank.login(p.name)
                {
                    persona.login = Some(Login {
                        username,
                        password: Secret::new(password),
                    });
                }
                if !persona.tokens.contains_key("expired")
                    && let Some(token) = bank.issue_expired_token(p.name)
                {
                    persona.tokens.insert("expired".into(), Secret::new(token));
                }
            }
            if target.capabilities.is_none() {
                target.capabilities = Some(
                    bank::CAPABILITIES
                        .iter()
                        .map(|c| c.to_string())
                        .collect::<BTreeSet<_>>(),
                );
            }
            Ok(EmbeddedBank {
                target,
                ca_pem,
                server,
                clock: Some(clock),
                state: bank as Arc<dyn std::any::Any + Send + Sync>,
            })
        })
    }

    fn decorate(&self, _state: &FamilyState, request: &mut RequestSpec) {
        if !request.has_header("X-Request-ID") {
            request.set_header("X-Request-ID", uuid::Uuid::new_v4().to_string());
        }
        if !request.has_header("Accept") {
            request.set_header("Accept", "application/hal+json, application/json");
        }
        if !request.has_header("PSU-IP-Address") {
            request.set_header("PSU-IP-Address", PSU_IP_ADDRESS);
        }
    }
}

/// The IBAN of `persona`'s account `role`: the target's override, else the document's persona data.
pub(crate) fn iban_of(w: &ObWorld, persona: &str, role: &str) -> Result<String, Failure> {
    if let Some(iban) = w
        .ctx
        .target
        .personas
        .get(persona)
        .and_then(|p| p.accounts.get(role))
    {
        return Ok(iban.clone());
    }
    bank::data::PERSONAS
        .iter()
        .find(|p| p.name == persona)
        .and_then(|p| p.accounts.iter().find(|a| a.role == role))
        .map(|a| a.iban.to_string())
        .ok_or_else(|| {
            Failure::new(format!(
                "persona {persona} has no \"{role}\" account: add personas.{persona}.accounts.{role}: <IBAN> to the target file"
            ))
        })
}

/// Every IBAN of `persona`: the target's overrides when it gives any, else the document's.
pub(crate) fn ibans_of(w: &ObWorld, persona: &str) -> Vec<String> {
    if let Some(p) = w.ctx.target.personas.get(persona)
        && !p.accounts.is_empty()
    {
        return p.accounts.values().cloned().collect();
    }
    bank::data::PERSONAS
        .iter()
        .find(|p| p.name == persona)
        .map(|p| p.accounts.iter().map(|a| a.iban.to_string()).collect())
        .unwrap_or_default()
}
