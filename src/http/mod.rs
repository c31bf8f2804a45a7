//! The HTTP client every step uses, and the evidence it keeps of each exchange.
//!
//! All requests of a run go through one [`HttpClient`] so that TLS settings, timeouts and evidence
//! capture are the same everywhere. A transport failure is not a Rust error here: it becomes an
//! [`Exchange`] without a response, so a step can fail with the exact request that could not be sent.

mod client;
pub mod evidence;
mod exchange;
mod request;
pub(crate) mod roots;
mod scrub;
pub mod transport;

pub use client::{HttpClient, HttpSetupError, MAX_BODY_BYTES};
pub use evidence::ExchangeRecord;
pub use exchange::{Exchange, RecordedRequest, RecordedResponse};
pub use request::{Body, FilePart, Purpose, RequestSpec, form_encode};
