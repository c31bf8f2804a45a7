//! The embedded reference banks, one folder per API family, and what they share.
//!
//! A reference bank implements a family's documents faithfully, holds the documents' personas and
//! data, and can be told to break one documented rule at a time ([`fault`]). It is served over real
//! TLS on loopback ([`server`]) so that obconf exercises the same code against it as against a real
//! bank. What every bank would otherwise copy (random tokens, locks, starting a bank, the test
//! harness) lives in [`kit`]. Nothing here may reach outside the process except through that socket.

pub mod altareq;
pub mod clock;
pub mod fault;
pub mod finqware;
pub mod kit;
pub mod saltedge;
pub mod server;
pub mod stet;

pub use clock::Clock;
pub use fault::{Fault, FaultSet, UnknownFault};
pub use server::{
    ClientAuth, PeerCertificates, Protocol, ServerHandle, serve_mtls, serve_mtls_required,
    serve_tls, serve_with,
};
