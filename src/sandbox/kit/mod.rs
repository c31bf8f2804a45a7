//! The bank kit: the machinery every embedded reference bank needs and none should copy: random
//! tokens ([`random`]) and a lock that survives a panicked handler ([`Locked`]).
//!
//! The kit never names a family and never decides what a bank answers: a bank's documents, data,
//! errors and faults stay in the bank's own folder.

pub mod random;

mod lock;

pub use self::lock::Locked;
