//! `x-idempotency-key` (notes §7.4): a payment request is processed once per (TPP, key) within
//! 24 hours; a replay with the same body gets the original answer (same `PaymentId`, same bytes), a
//! replay with another body creates nothing. Checked before any side effect; only successful
//! answers are kept, so a refused attempt can be retried with its key.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sha2::Digest as _;

use crate::sandbox::kit::Locked;

/// How long a key is remembered.
const TTL_HOURS: i64 = 24;

/// The answer first given under a key.
#[derive(Clone, Debug)]
pub(crate) struct Original {
    pub body_hash: Vec<u8>,
    pub payment_id: String,
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Default)]
pub(crate) struct IdempotencyStore(Locked<HashMap<(String, String), Original>>);

/// SHA-256 of a request body.
pub(crate) fn hash(body: &[u8]) -> Vec<u8> {
    sha2::Sha256::digest(body).to_vec()
}

/// Whether a key has the documented form: 1 to 40 characters without white space.
pub(crate) fn is_key(key: &str) -> bool {
    (1..=40).contains(&key.len()) && !key.chars().any(char::is_whitespace)
}

impl IdempotencyStore {
    /// The unexpired original answer of `client_id` under `key`.
    pub fn find(&self, client_id: &str, key: &str, now: DateTime<Utc>) -> Option<Original> {
        self.0
            .lock()
            .get(&(client_id.to_string(), key.to_string()))
            .filter(|o| now - o.at < Duration::hours(TTL_HOURS))
            .cloned()
    }

    pub fn remember(&self, client_id: &str, key: &str, original: Original) {
        self.0
            .lock()
            .insert((client_id.to_string(), key.to_string()), original);
    }
}
