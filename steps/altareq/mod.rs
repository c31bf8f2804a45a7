//! The AlTareq family (UAE Open Finance v2.1 + errata2, FAPI 2.0): obconf as the TPP. Its plugin
//! (embedded model bank, the target file's settings, the wire every request passes through) and its
//! steps. Everything AlTareq-specific on the TPP's side lives in this folder; the engine knows it
//! only through [`Family`].

#[allow(dead_code)] // used by the wire and the steps, which come next
mod jose;
mod settings;

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::family::{About, EmbeddedBank, EmbeddedError, Family, Wire};
use crate::sandbox::FaultSet;
use crate::target::{Target, TargetError};

pub use settings::AltareqSettings;

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
    api_prefix: "/open-finance",
    faults: &[],
    capabilities: CAPABILITIES,
};

/// The run's settings, for the steps (the wire comes next).
#[derive(Debug)]
pub struct AltareqRun {
    pub settings: AltareqSettings,
}

impl Wire for AltareqRun {}

impl Family for Altareq {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn start_embedded(
        &self,
        _base: Target,
        _faults: FaultSet,
        _listen: SocketAddr,
    ) -> BoxFuture<'static, Result<EmbeddedBank, EmbeddedError>> {
        Box::pin(async {
            Err(EmbeddedError::Family {
                family: "altareq",
                reason: "the model bank is not built into this binary yet".into(),
            })
        })
    }

    fn prepare(&self, target: &Target) -> Result<Arc<dyn Wire>, TargetError> {
        Ok(Arc::new(AltareqRun {
            settings: settings::parse(target)?,
        }))
    }
}
