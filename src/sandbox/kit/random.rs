//! Random values for the banks: tokens, codes, ids, secrets and passwords, from the thread's CSPRNG.
//!
//! Only the formats live here (how many bytes, which alphabet); a bank says which it uses for what.
//! Nothing here may be predictable, seeded or reused: a test bank's tokens are still bearer
//! credentials while a run lasts.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;

/// `bytes` random bytes, base64url without padding (`6mWl9hbxoN3rg_nX4804tw` for 16).
pub fn token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    URL_SAFE_NO_PAD.encode(buf)
}

/// `len` random ASCII letters and digits: passwords a person could type.
pub fn alphanumeric(len: usize) -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_have_their_length_and_alphabet() {
        let t = token(32);
        assert_eq!(t.len(), 43);
        assert!(
            t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_ne!(token(16), token(16));
        let p = alphanumeric(20);
        assert_eq!(p.len(), 20);
        assert!(p.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
