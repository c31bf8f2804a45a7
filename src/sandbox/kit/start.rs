//! Starting an embedded bank: serve its router over TLS on loopback, point a target at it, and
//! hand the engine an [`EmbeddedBank`] that keeps bank, clock and server alive together.
//!
//! This is the part every family's `start_embedded` shares; what a family adds to the target
//! (personas, settings, OAuth endpoints, capabilities) it does itself between [`start`] and
//! [`Started::into_embedded`]. This file must never name a family, read a target file or touch
//! the network beyond the one listening socket.

use std::any::Any;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;

use crate::family::{EmbeddedBank, EmbeddedError, serve_with_test_pki};
use crate::sandbox::kit::Variant;
use crate::sandbox::{ClientAuth, Clock, ServerHandle, serve_with};
use crate::target::Target;
use crate::tls::pki::{Certified, TestCa};

/// How the bank is served.
#[derive(Clone, Copy, Debug)]
pub enum Tls<'a> {
    /// Server-authenticated TLS with a CA minted for this start.
    TestPki,
    /// Mutual TLS: `server` is the bank's certificate, issued by `ca`, which also issues the
    /// client certificates the bank asks for. A client without one is refused in the handshake
    /// when `required`, else let through for the bank to answer.
    Mutual {
        ca: &'a TestCa,
        server: &'a Certified,
        required: bool,
    },
}

/// A bank that is being served, and the target that points at it.
#[derive(Debug)]
pub struct Started<B> {
    /// The bank, for what the family still reads from it (logins, credentials).
    pub bank: Arc<B>,
    /// The bank's clock.
    pub clock: Clock,
    /// The base target with `base_url` and the CA it must trust filled in; the family completes it.
    pub target: Target,
    /// The CA certificate (PEM) a client must trust to reach the bank.
    pub ca_pem: String,
    /// Keeps the server running.
    pub server: ServerHandle,
}

/// Serves `router` (the router of `bank`, whose clock is `clock`) on `listen` over `tls`, and
/// points `base` at it: its `base_url` and the CA it trusts.
pub async fn start<B>(
    bank: Arc<B>,
    router: Router,
    clock: Clock,
    base: Target,
    listen: SocketAddr,
    tls: Tls<'_>,
) -> Result<Started<B>, EmbeddedError> {
    let protocol = Variant::of(base.variant).protocol();
    let (server, ca_pem) = match tls {
        Tls::TestPki => serve_with_test_pki(router, listen, protocol).await?,
        Tls::Mutual {
            ca,
            server,
            required,
        } => {
            let ca_der = ca.cert.cert_der.clone();
            let auth = if required {
                ClientAuth::Required(ca_der)
            } else {
                ClientAuth::Optional(ca_der)
            };
            let handle = serve_with(listen, server, router, auth, protocol).await?;
            (handle, ca.cert.cert_pem.clone())
        }
    };
    let mut target = base;
    target.base_url = server.base_url();
    target.tls.ca_pem = Some(ca_pem.clone().into_bytes());
    Ok(Started {
        bank,
        clock,
        target,
        ca_pem,
        server,
    })
}

impl<B: Any + Send + Sync> Started<B> {
    /// The running bank as the engine keeps it, with a clock that scenarios may move.
    pub fn into_embedded(self) -> EmbeddedBank {
        EmbeddedBank {
            target: self.target,
            ca_pem: self.ca_pem,
            server: self.server,
            clock: Some(self.clock),
            state: self.bank as Arc<dyn Any + Send + Sync>,
        }
    }
}
