//! Healthy variants of a bank: everything a bank may choose within its document, drawn from a seed.
//!
//! obconf must give the right verdict on any bank that follows a document, not only on the one it
//! wrote. A bank started with a seed ([`Variant::seeded`]) draws what the document leaves open
//! (opaque ids, IBANs, dates, page sizes, optional fields, array and key order, a status among the
//! allowed ones, each documented reading of an ambiguity) from that seed, so the same seed always
//! starts the same bank and a failure can be reproduced. Without a seed ([`Variant::canonical`])
//! every choice is the canonical one: the bank behaves exactly as it always did.
//!
//! A variant is healthy by construction: it must never break a documented rule (that is what
//! faults are for). Variants are test data, not secrets: tokens and passwords stay in
//! [`super::random`], never seeded. This file never names a family; a bank says what it varies.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use crate::sandbox::Protocol;

/// The seed a bank draws its choices from, or none (the canonical bank).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Variant {
    seed: Option<u64>,
}

impl Variant {
    /// The canonical bank: every choice its default.
    pub fn canonical() -> Self {
        Self { seed: None }
    }

    /// The variant of `seed`.
    pub fn seeded(seed: u64) -> Self {
        Self { seed: Some(seed) }
    }

    /// [`Self::seeded`] or [`Self::canonical`].
    pub fn of(seed: Option<u64>) -> Self {
        Self { seed }
    }

    pub fn seed(&self) -> Option<u64> {
        self.seed
    }

    pub fn is_canonical(&self) -> bool {
        self.seed.is_none()
    }

    /// A generator for one named purpose (`"transaction dates"`): each purpose draws from its own
    /// stream, so a bank that adds a draw for one purpose does not change the others. `None` for
    /// the canonical bank.
    pub fn rng(&self, purpose: &str) -> Option<StdRng> {
        let seed = self.seed?;
        // FNV-1a of the purpose, mixed with the seed: stable across builds and platforms.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in purpose.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Some(StdRng::seed_from_u64(seed ^ h))
    }

    /// One of `options` for `purpose`; `canonical` for the canonical bank.
    pub fn pick<T: Clone>(&self, purpose: &str, canonical: T, options: &[T]) -> T {
        match (self.rng(purpose), options.is_empty()) {
            (Some(mut rng), false) => options[rng.random_range(0..options.len())].clone(),
            _ => canonical,
        }
    }

    /// Whether a variant takes the alternative `purpose` (half the variants do); never for the
    /// canonical bank.
    pub fn flip(&self, purpose: &str) -> bool {
        self.rng(purpose).is_some_and(|mut r| r.random_bool(0.5))
    }

    /// A number in `low..=high` for `purpose`; `canonical` for the canonical bank.
    pub fn number(&self, purpose: &str, canonical: u64, low: u64, high: u64) -> u64 {
        match self.rng(purpose) {
            Some(mut rng) if low <= high => rng.random_range(low..=high),
            _ => canonical,
        }
    }

    /// `items` shuffled for `purpose`; untouched for the canonical bank.
    pub fn shuffle<T>(&self, purpose: &str, items: &mut [T]) {
        if let Some(mut rng) = self.rng(purpose) {
            items.shuffle(&mut rng);
        }
    }

    /// How the variant's server speaks HTTP: half the variants serve HTTP/1.1 only, with header
    /// names in Title-Case (header names are case-insensitive; a client must not depend on their
    /// case, and the `h2` the canonical bank negotiates always writes them in lower case).
    pub fn protocol(&self) -> Protocol {
        if self.flip("http/1.1 only") {
            Protocol::Http1TitleCase
        } else {
            Protocol::Negotiated
        }
    }

    /// `len` characters of `alphabet` for `purpose` and `index`: an opaque id a variant gives
    /// instead of the canonical one. `None` for the canonical bank.
    pub fn opaque(
        &self,
        purpose: &str,
        index: usize,
        alphabet: &[u8],
        len: usize,
    ) -> Option<String> {
        let mut rng = self.rng(&format!("{purpose}/{index}"))?;
        Some(
            (0..len)
                .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
                .collect(),
        )
    }
}

/// Upper-case letters and digits: ids that read like a bank's.
pub const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// A middleware that writes every JSON response of a variant with its object keys in an order
/// drawn from the variant (JSON object members are unordered; a client must not depend on their
/// order). Every response gets its own order. The canonical bank's answers pass untouched.
pub async fn reorder_json_keys(
    State(variant): State<Arc<Variant>>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.split(';').next().unwrap_or("").trim().ends_with("json"));
    let Some(mut rng) = variant.rng("json key order") else {
        return response;
    };
    if !is_json {
        return response;
    }
    // A different order per response, still reproducible from the seed and the body.
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, crate::http::MAX_BODY_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let salt = bytes
        .iter()
        .fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(*b));
    let mut rng = StdRng::seed_from_u64(rng.random::<u64>() ^ salt);
    let mut out = String::with_capacity(bytes.len());
    write_shuffled(&value, &mut rng, &mut out);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

/// `value` as JSON text, each object's members in a shuffled order.
fn write_shuffled(value: &Value, rng: &mut StdRng, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.shuffle(rng);
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                write_shuffled(&map[k.as_str()], rng, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_shuffled(v, rng, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_choices_and_the_canonical_bank_none() {
        let a = Variant::seeded(7);
        assert_eq!(
            a.number("n", 0, 1, 1000),
            Variant::seeded(7).number("n", 0, 1, 1000)
        );
        assert_eq!(Variant::canonical().number("n", 42, 1, 1000), 42);
        assert!(!Variant::canonical().flip("x"));
        assert_eq!(Variant::canonical().opaque("id", 0, ID_ALPHABET, 8), None);
        assert_eq!(Variant::canonical().protocol(), Protocol::Negotiated);
        let protocols: std::collections::BTreeSet<bool> = (1..=3)
            .map(|s| Variant::seeded(s).protocol() == Protocol::Http1TitleCase)
            .collect();
        assert_eq!(
            protocols.len(),
            2,
            "seeds 1-3 (cargo test's) serve both protocols"
        );
        let seen: std::collections::BTreeSet<u64> = (0..20)
            .map(|s| Variant::seeded(s).number("n", 0, 1, 1000))
            .collect();
        assert!(seen.len() > 10, "seeds vary: {seen:?}");
    }

    #[test]
    fn reordered_json_is_the_same_value() {
        let v: Value =
            serde_json::json!({"a": 1, "b": [{"c": "x\"y", "d": null}], "e": {"f": true}});
        let mut rng = StdRng::seed_from_u64(3);
        let mut out = String::new();
        write_shuffled(&v, &mut rng, &mut out);
        assert_eq!(serde_json::from_str::<Value>(&out).unwrap(), v);
    }
}
