//! The seam between the engine and an API family.
//!
//! The engine knows families only through [`Family`]: its constants ([`About`]: name, title,
//! catalog prefix, faults, capabilities), its embedded bank, and what it does on the wire for one
//! run ([`Wire`], built by [`Family::prepare`]). The list of families is the one registry in
//! `steps/mod.rs`; nothing in the engine names a family, and this module must never learn one.

mod wire;

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::BoxFuture;

pub use wire::{Credentials, PlainWire, Wire, WireError, capture, deliver, wire_finish};

use crate::sandbox::{Fault, FaultSet, ServerHandle};
use crate::target::Target;

/// What a family is, whatever the run: the values the engine, the CLI and the reports read.
#[derive(Debug)]
pub struct About {
    /// The folder under `features/` and `steps/`, and the `family:` value of target files.
    pub name: &'static str,
    /// A human title: the document and its version.
    pub title: &'static str,
    /// Catalog ids of this family start with this (`SE-`).
    pub catalog_prefix: &'static str,
    /// The API prefix when a target does not give one.
    pub api_prefix: &'static str,
    /// The embedded bank's named faults.
    pub faults: &'static [Fault],
    /// Every capability the family's scenarios may ask for (`@capability:<name>.<feature>`), besides the
    /// engine's own (`sandbox.clock`). A target declares those its bank implements.
    pub capabilities: &'static [&'static str],
}

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

/// An API family: its constants, its bank, and its wire for a run.
pub trait Family: Send + Sync + 'static {
    /// The family's constants.
    fn about(&self) -> &'static About;
    /// Starts the embedded bank on `listen` with `faults`, completing `base` (an embedded target).
    fn start_embedded(
        &self,
        base: Target,
        faults: FaultSet,
        listen: SocketAddr,
    ) -> BoxFuture<'static, Result<EmbeddedBank, EmbeddedError>>;
    /// The embedded target used when `obconf run` is given no target file.
    fn embedded_target(&self) -> Target {
        Target::embedded(self.about().name)
    }
    /// Checks the family's part of a target (its `settings:` section, its personas) and builds
    /// its wire for the run: parsed settings, resolved secrets and keys, and the hooks every
    /// request and response of the run pass through. Called before a run; an error is exit 2.
    fn prepare(&self, _target: &Target) -> Result<Arc<dyn Wire>, crate::target::TargetError> {
        Ok(Arc::new(PlainWire))
    }
}

/// The family named `name` among `families`.
pub fn find(families: &[&'static dyn Family], name: &str) -> Option<&'static dyn Family> {
    families.iter().copied().find(|f| f.about().name == name)
}

/// Mints a test PKI and serves `router` over TLS on `listen`, speaking HTTP as `protocol` says:
/// what every embedded bank needs. Returns the running server and the CA certificate (PEM) clients
/// must trust.
pub async fn serve_with_test_pki(
    router: axum::Router,
    listen: SocketAddr,
    protocol: crate::sandbox::Protocol,
) -> Result<(ServerHandle, String), EmbeddedError> {
    let ca = crate::tls::pki::TestCa::mint("obconf embedded bank CA")?;
    let server_cert = ca.server_cert()?;
    let auth = crate::sandbox::ClientAuth::None;
    let server = crate::sandbox::serve_with(listen, &server_cert, router, auth, protocol).await?;
    Ok((server, ca.cert.cert_pem.clone()))
}
