//! The STET PSD2 v1.4.2 family: its plugin (embedded bank, defaults, request decoration) and its
//! steps. Everything STET-specific on the TPP side lives in this folder.

mod accounts;
mod balances;
mod consents;
mod embedded;
mod payments;
mod security;
mod signing;
mod transactions;

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::family::{About, EmbeddedBank, EmbeddedError, Family, Wire};
use crate::sandbox::FaultSet;
use crate::sandbox::stet as bank;
use crate::target::Target;
use crate::world::{Failure, ObWorld};

pub use signing::StetWire;

/// The STET family.
pub struct Stet;

/// The registry entry.
pub static STET: Stet = Stet;

/// The family's constants.
pub static ABOUT: About = About {
    name: "stet",
    title: "STET PSD2 v1.4.2",
    catalog_prefix: "STET-",
    api_prefix: bank::API_PREFIX,
    faults: bank::FAULTS,
    capabilities: &[
        "stet.bpce-limits",
        "stet.cbpii",
        "stet.end-user-identity",
        "stet.fallback",
        "stet.mtls",
        "stet.pisp",
        "stet.rate-limit",
        "stet.trusted-beneficiaries",
    ],
};

/// The OAuth client id of the embedded bank's test TPP (an ACPR authorisation number, as the
/// document's fallback example shows).
pub const SANDBOX_CLIENT_ID: &str = "PSDFR-ACPR-12345";

impl Family for Stet {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn start_embedded(
        &self,
        base: Target,
        faults: FaultSet,
        listen: SocketAddr,
    ) -> BoxFuture<'static, Result<EmbeddedBank, EmbeddedError>> {
        Box::pin(embedded::start(base, faults, listen))
    }

    fn prepare(&self, target: &Target) -> Result<Arc<dyn Wire>, crate::target::TargetError> {
        Ok(Arc::new(signing::prepare(target)?))
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
