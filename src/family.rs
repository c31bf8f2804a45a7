//! The seam between the engine and an API family.
//!
//! The engine knows families only through this trait. A family supplies its name (the folder under
//! `features/` and the `family:` value of a target file), its catalog prefix, its embedded bank and
//! faults, and how to decorate requests. The list of families is the one registry in
//! `steps/mod.rs`; nothing in the engine names a family.

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::http::RequestSpec;
use crate::sandbox::{Fault, FaultSet, ServerHandle};
use crate::target::Target;

/// What a family keeps for one run, built by [`Family::prepare`]; steps downcast it.
pub type FamilyState = Arc<dyn std::any::Any + Send + Sync>;

/// An embedded bank serving on loopback, and the target that points at it.
pub struct EmbeddedBank {
    /// Complete: base URL, CA, personas and capabilities filled in.
    pub target: Target,
    /// The CA certificate (PEM) a client must trust to reach the bank.
    pub ca_pem: String,
    /// Keeps the server running; dropping the bank stops it.
    pub server: ServerHandle,
    /// The bank's clock, when scenarios may move it (declares the `sandbox.clock` capability).
    pub clock: Option<crate::sandbox::Clock>,
    /// Family-specific state that must live as long as the server (the bank itself).
    pub state: Arc<dyn std::any::Any + Send + Sync>,
}

impl std::fmt::Debug for EmbeddedBank {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedBank")
            .field("target", &self.target.name)
            .field("addr", &self.server.addr)
            .finish()
    }
}

/// Why an embedded bank could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error(transparent)]
    Pki(#[from] crate::tls::pki::PkiError),
    #[error(transparent)]
    Serve(#[from] crate::sandbox::server::ServeError),
    #[error(transparent)]
    Fault(#[from] crate::sandbox::UnknownFault),
    /// A family's own start-up failure (its keys, its data), in its words.
    #[error("the embedded {family} bank cannot start: {reason}")]
    Family {
        family: &'static str,
        reason: String,
    },
}

/// An API family: its features, its bank, its faults.
pub trait Family: Send + Sync + 'static {
    /// `stet`: the folder under `features/` and the `family:` value in target files.
    fn name(&self) -> &'static str;
    /// A human title: "STET PSD2 v1.4.2".
    fn title(&self) -> &'static str;
    /// Catalog ids of this family start with this (`STET-`).
    fn catalog_prefix(&self) -> &'static str;
    /// The API prefix when a target does not give one.
    fn default_api_prefix(&self) -> &'static str;
    /// The embedded bank's named faults.
    fn faults(&self) -> &'static [Fault];
    /// Starts the embedded bank on `listen` with `faults`, completing `base` (an embedded target).
    fn start_embedded(
        &self,
        base: Target,
        faults: FaultSet,
        listen: SocketAddr,
    ) -> BoxFuture<'static, Result<EmbeddedBank, EmbeddedError>>;
    /// The embedded target used when `obconf run` is given no target file.
    fn embedded_target(&self) -> Target {
        Target::embedded(self.name())
    }
    /// Checks the family's part of a target (its `settings:` section, its personas) and builds
    /// what the family keeps for the run (parsed settings, resolved secrets, keys). Called before
    /// a run; an error is exit 2.
    fn prepare(&self, _target: &Target) -> Result<FamilyState, crate::target::TargetError> {
        Ok(Arc::new(()))
    }
    /// Adds what every request of this family carries (correlation ids, PSU context headers,
    /// signatures). Headers the request already has, or lists in `omit`, must be left alone.
    fn decorate(&self, _state: &FamilyState, _request: &mut RequestSpec) {}
}

/// Mints a test PKI and serves `router` over TLS on `listen`: what every embedded bank needs.
/// Returns the running server and the CA certificate (PEM) clients must trust.
pub async fn serve_with_test_pki(
    router: axum::Router,
    listen: SocketAddr,
) -> Result<(ServerHandle, String), EmbeddedError> {
    let ca = crate::tls::pki::TestCa::mint("obconf embedded bank CA")?;
    let server_cert = ca.server_cert()?;
    let server = crate::sandbox::serve_tls(listen, &server_cert, router).await?;
    Ok((server, ca.cert.cert_pem.clone()))
}
