//! The AlTareq family (UAE Open Finance v2.1 + errata2, FAPI 2.0): obconf as the TPP. Its plugin
//! (embedded model bank, the target file's settings, the wire every request passes through) and its
//! steps. Everything AlTareq-specific on the TPP's side lives in this folder; the engine knows it
//! only through [`Family`].

mod authorise;
mod call;
mod consent_views;
mod consents;
mod cop;
mod data_sharing;
mod discovery;
mod embedded;
mod flow;
mod jose;
mod oauth;
mod payments;
pub mod schemas;
mod security;
mod settings;
mod wire;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::family::{About, EmbeddedBank, EmbeddedError, Family, Wire};
use crate::sandbox::FaultSet;
use crate::target::{Target, TargetError};

pub use settings::AltareqSettings;
pub use wire::AltareqRun;

/// The family's capabilities: what a target declares its bank implements.
pub const CAPABILITIES: &[&str] = &[
    "altareq.mtls",
    "altareq.payments",
    "altareq.multi-payments",
    "altareq.cop",
    "altareq.registration",
];

/// The AlTareq family.
pub struct Altareq;

/// The registry entry.
pub static ALTAREQ: Altareq = Altareq;

/// The family's constants.
pub static ABOUT: About = About {
    name: "altareq",
    title: "UAE Open Finance (AlTareq) v2.1 + errata2, FAPI 2.0",
    catalog_prefix: "ALT-",
    api_prefix: crate::sandbox::altareq::API_PREFIX,
    faults: crate::sandbox::altareq::FAULTS,
    capabilities: CAPABILITIES,
};

impl Family for Altareq {
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

    fn prepare(&self, target: &Target) -> Result<Arc<dyn Wire>, TargetError> {
        let settings = settings::parse(target)?;
        Ok(Arc::new(AltareqRun::new(target, settings)?))
    }
}
