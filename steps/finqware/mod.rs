//! The Finqware family (alpha Sessions API): its plugin (embedded bank, defaults, request
//! decoration) and its steps. Everything Finqware-specific on the tenant app's side lives in this
//! folder; the engine knows it only through [`Family`].

mod outcome;
mod sessions;
mod settings;
mod uploads;
mod walk;

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::family::{About, EmbeddedBank, EmbeddedError, Family, Wire};
use crate::sandbox::finqware::{self as bank, FinqwareBank};
use crate::sandbox::kit;
use crate::sandbox::{Clock, FaultSet};
use crate::target::{Login, Secret, Target, TargetError};
use crate::world::{Failure, ObWorld};

pub use settings::FinqwareRun;

/// The Finqware family.
pub struct Finqware;

/// The registry entry.
pub static FINQWARE: Finqware = Finqware;

/// The family's constants.
pub static ABOUT: About = About {
    name: "finqware",
    title: "Finqware Sessions API (alpha)",
    catalog_prefix: "FQ-",
    api_prefix: bank::API_PREFIX,
    faults: bank::FAULTS,
    capabilities: &[],
};

impl Family for Finqware {
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
            let variant = kit::Variant::of(base.variant);
            let lifetime = settings::nonce_lifetime_seconds(&base);
            let bank = FinqwareBank::new_variant(faults, clock.clone(), variant)
                .with_nonce_lifetime(chrono::Duration::seconds(
                    i64::try_from(lifetime).unwrap_or(i64::MAX / 1000),
                ));
            let router = bank.router();
            let tls = kit::Tls::TestPki;
            let mut started = kit::start(bank, router, clock, base, listen, tls).await?;
            let tenant = started
                .target
                .personas
                .entry(settings::TENANT.to_string())
                .or_default();
            if tenant.login.is_none() {
                let (client_id, app_key) = started.bank.tenant_credentials();
                tenant.login = Some(Login {
                    username: client_id,
                    password: Secret::new(app_key),
                });
            }
            Ok(started.into_embedded())
        })
    }

    fn prepare(&self, target: &Target) -> Result<Arc<dyn Wire>, TargetError> {
        Ok(Arc::new(settings::prepare(target)?))
    }
}

/// The run's Finqware wire (settings and the tenant app's credentials); fails in another
/// family's run.
fn run(w: &ObWorld) -> Result<Arc<FinqwareRun>, Failure> {
    w.wire::<FinqwareRun>(ABOUT.name)
}
