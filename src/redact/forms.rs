//! The encoded forms of a secret that a bank may reflect: base64 and base64url at every byte
//! alignment (so the secret is found inside a longer encoded text, a JWT's payload among them),
//! percent-encoded (URL and form) and JSON-escaped.
//!
//! [`of`] only computes forms; `redact::register` registers each as a secret of its own. Nothing
//! here may keep or print what it is given.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};

/// Every encoded form of `secret` that differs from it.
pub fn of(secret: &str) -> Vec<String> {
    let mut forms = Vec::new();
    for shift in 0..3 {
        forms.extend(base64_core(secret.as_bytes(), shift));
    }
    forms.push(percent(secret, false, true));
    forms.push(percent(secret, false, false));
    forms.push(percent(secret, true, true));
    forms.push(percent(secret, true, false));
    if let Ok(json) = serde_json::to_string(secret) {
        forms.push(json[1..json.len() - 1].to_string());
        // Some encoders escape `/` too.
        forms.push(json[1..json.len() - 1].replace('/', "\\/"));
    }
    forms.sort();
    forms.dedup();
    forms.retain(|f| f != secret);
    forms
}

/// The base64 and base64url characters that depend on `secret`'s bytes alone when it starts
/// `shift` bytes into the encoded data: whatever bytes surround it, an encoding of a text holding
/// the secret at that alignment holds these characters.
fn base64_core(secret: &[u8], shift: usize) -> Vec<String> {
    let mut data = vec![0u8; shift];
    data.extend_from_slice(secret);
    // Character i covers bits 6i..6i+6; the secret holds bits 8·shift..8·(shift+len).
    let start = (8 * shift).div_ceil(6);
    let end = 8 * (shift + secret.len()) / 6;
    if end <= start {
        return Vec::new();
    }
    [STANDARD_NO_PAD.encode(&data), URL_SAFE_NO_PAD.encode(&data)]
        .into_iter()
        .filter_map(|e| e.get(start..end).map(str::to_string))
        .collect()
}

/// `text` percent-encoded: every byte but the unreserved ones (RFC 3986), upper- or lower-case
/// hex; with `plus`, a space as `+` (form encoding).
fn percent(text: &str, plus: bool, upper: bool) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(b));
            }
            b' ' if plus => out.push('+'),
            b if upper => out.push_str(&format!("%{b:02X}")),
            b => out.push_str(&format!("%{b:02x}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    use super::*;

    const SECRET: &str = "tok/en+\"q\" 1234";

    fn found(text: &str) -> bool {
        of(SECRET).iter().any(|f| text.contains(f.as_str()))
    }

    #[test]
    fn every_encoding_at_every_alignment_holds_a_form() {
        for prefix in ["", "a", "ab", "abc"] {
            let data = format!("{prefix}{SECRET}tail");
            assert!(found(&STANDARD.encode(&data)), "base64 after {prefix:?}");
            assert!(
                found(&URL_SAFE_NO_PAD.encode(&data)),
                "base64url after {prefix:?}"
            );
        }
        assert!(found("tok%2Fen%2B%22q%22%201234"));
        assert!(found("tok%2fen%2b%22q%22+1234"));
        assert!(found(r#"{"t":"tok/en+\"q\" 1234"}"#));
    }

    #[test]
    fn a_jwt_payload_carrying_the_secret_holds_a_form() {
        let payload =
            URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"x","token":"{}"}}"#, "plain-secret-42"));
        let jwt = format!("eyJhbGciOiJub25lIn0.{payload}.sig");
        assert!(
            of("plain-secret-42")
                .iter()
                .any(|f| jwt.contains(f.as_str()))
        );
    }

    #[test]
    fn the_secret_itself_is_not_a_form() {
        assert!(!of("plain-secret-42").contains(&"plain-secret-42".to_string()));
    }
}
