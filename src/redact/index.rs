//! The registered secrets indexed by their first bytes, so that [`super::redact`] finds the
//! secrets a text holds in one pass over the text, however many secrets a long run registered.
//!
//! Most texts hold no secret, so most windows of a text must be dismissed cheaply: a bit filter
//! keyed by a multiplicative hash of the window's bytes answers "no secret starts here" for
//! nearly all of them, and only a window whose bit is set is looked up in the map. The window is
//! kept as a rolling integer, so each byte of a text costs a shift, a multiply and a bit test.
//! This index holds secrets; it must never be printed or written anywhere.

use std::collections::{BTreeSet, HashMap};

/// The length of the prefix secrets are indexed by; no shorter secret is registered.
pub(super) const PREFIX: usize = 6;
/// Bits in the filter: 2^FILTER_BITS.
const FILTER_BITS: u32 = 18;
const WINDOW_MASK: u64 = (1 << (8 * PREFIX)) - 1;

#[derive(Default)]
pub(super) struct PrefixIndex {
    /// One bit per hash of a registered prefix.
    filter: Vec<u64>,
    by_prefix: HashMap<u64, Vec<String>>,
    /// The longest secret's length in bytes.
    longest: usize,
}

/// The window's bit in the filter.
fn slot(window: u64) -> usize {
    (window.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FILTER_BITS)) as usize
}

/// The first [`PREFIX`] bytes as the rolling scan holds them.
fn window_of(bytes: &[u8]) -> Option<u64> {
    let prefix = bytes.get(..PREFIX)?;
    Some(prefix.iter().fold(0u64, |w, &b| (w << 8) | u64::from(b)))
}

impl PrefixIndex {
    pub(super) fn insert(&mut self, secret: &str) {
        let Some(window) = window_of(secret.as_bytes()) else {
            return;
        };
        if self.filter.is_empty() {
            self.filter = vec![0; (1 << FILTER_BITS) / 64];
        }
        let bit = slot(window);
        self.filter[bit / 64] |= 1 << (bit % 64);
        self.longest = self.longest.max(secret.len());
        self.by_prefix
            .entry(window)
            .or_default()
            .push(secret.to_string());
    }

    pub(super) fn longest(&self) -> usize {
        self.longest
    }

    /// The registered secrets that start at `at` in `text`.
    pub(super) fn starting_at<'a>(
        &'a self,
        text: &'a [u8],
        at: usize,
    ) -> impl Iterator<Item = &'a String> + 'a {
        let rest = text.get(at..).unwrap_or_default();
        window_of(rest)
            .and_then(|w| self.by_prefix.get(&w))
            .into_iter()
            .flatten()
            .filter(move |c| rest.starts_with(c.as_bytes()))
    }

    /// The registered secrets that occur in `text`.
    pub(super) fn found_in(&self, text: &[u8]) -> BTreeSet<&String> {
        let mut found = BTreeSet::new();
        if self.filter.is_empty() || text.len() < PREFIX {
            return found;
        }
        let mut window = 0u64;
        for (i, &b) in text.iter().enumerate() {
            window = ((window << 8) | u64::from(b)) & WINDOW_MASK;
            if i + 1 < PREFIX {
                continue;
            }
            let bit = slot(window);
            if self.filter[bit / 64] & (1 << (bit % 64)) == 0 {
                continue;
            }
            if let Some(candidates) = self.by_prefix.get(&window) {
                let rest = &text[i + 1 - PREFIX..];
                found.extend(candidates.iter().filter(|c| rest.starts_with(c.as_bytes())));
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_found_at_every_position_and_nothing_else_is() {
        let mut index = PrefixIndex::default();
        index.insert("abcdef-secret");
        index.insert("abcdefgh");
        for pad in 0..9 {
            let text = format!("{}abcdef-secret{}", "x".repeat(pad), "y".repeat(pad));
            let found: Vec<&String> = index.found_in(text.as_bytes()).into_iter().collect();
            assert_eq!(found, vec!["abcdef-secret"], "at {pad}");
        }
        assert!(index.found_in(b"abcdef-secre abcdefg").is_empty());
        assert!(PrefixIndex::default().found_in(b"abcdef-secret").is_empty());
    }
}
