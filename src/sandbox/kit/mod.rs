//! The bank kit: the machinery every embedded reference bank needs and none should copy: random
//! tokens ([`random`]), a lock that survives a panicked handler ([`Locked`]), method routes that
//! answer other methods with the bank's own refusal ([`refusing`]), starting a bank over TLS and
//! pointing a target at it ([`start()`]), answers rendered by one middleware of the bank
//! ([`deferred`]), healthy variants drawn from a seed ([`variant`]), and, for tests only, driving a bank's router in-process (`harness`).
//!
//! The kit never names a family and never decides what a bank answers: a bank's documents, data,
//! errors and faults stay in the bank's own folder.

pub mod deferred;
pub mod random;
pub mod routes;
pub mod start;
pub mod variant;

mod lock;

#[cfg(test)]
pub mod harness;

pub use self::lock::Locked;
pub use self::routes::refusing;
pub use self::start::{Started, Tls, start};
pub use self::variant::Variant;
