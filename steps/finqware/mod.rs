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

use crate::family::{EmbeddedBank, EmbeddedError, Family, FamilyState};
use crate::http::RequestSpec;
use crate::sandbox::finqware::{self as bank, FinqwareBank};
use crate::sandbox::{Clock, Fault, FaultSet};
use crate::target::{Login, Secret, Target, TargetError};
use crate::world::{Failure, ObWorld};

pub use settings::FinqwareRun;

/// The Finqware family.
pub struct Finqware;

/// The registry entry.
pub static FINQWARE: Finqware = Finqware;

impl Family for Finqware {
    fn name(&self) -> &'static str {
        "finqware"
    }

    fn title(&self) -> &'static str {
        "Finqware Sessions API (alpha)"
    }

    fn catalog_prefix(&self) -> &'static str {
        "FQ-"
    }

    fn default_api_prefix(&self) -> &'static str {
        bank::API_PREFIX
    }

    fn faults(&self) -> &'static [Fault] {
        bank::FAULTS
    }

    fn start_embedded(
        &self,
        base: Target,
        faults: FaultSet,
        listen: SocketAddr,
    ) -> BoxFuture<'static, Result<EmbeddedBank, EmbeddedError>> {
        Box::pin(async move {
            let clock = Clock::system();
            let bank = FinqwareBank::new(faults, clock.clone());
            let router = bank.router();
            let tls = crate::sandbox::kit::Tls::TestPki;
            let mut started =
                crate::sandbox::kit::start(bank, router, clock, base, listen, tls).await?;
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

    fn prepare(&self, target: &Target) -> Result<FamilyState, TargetError> {
        Ok(Arc::new(settings::prepare(target)?))
    }

    fn decorate(&self, _state: &FamilyState, request: &mut RequestSpec) {
        if !request.has_header("Accept") {
            request.set_header("Accept", "application/json");
        }
    }
}

/// The run's Finqware state.
fn run(w: &ObWorld) -> Result<&FinqwareRun, Failure> {
    w.ctx
        .family_state
        .downcast_ref::<FinqwareRun>()
        .ok_or_else(|| Failure::new("the Finqware steps ran outside a Finqware run"))
}
