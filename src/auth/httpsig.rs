//! HTTP message signatures in the cavage draft form (`Signature` and `Digest` headers), as some
//! PSD2 documents ask for them.
//!
//! A TPP signs `(request-target)`, `digest` and whichever headers its document names with its
//! QSEAL key (rsa-sha256); a bank verifies against the QSEAL certificate the keyId names. Both
//! sides use this module, so it is pinned to the draft's own published test vectors (appendix C)
//! rather than to itself. It must never log a key or accept an algorithm it cannot check.

use std::fmt::Write as _;

use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::{self, UnparsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::Digest as _;

use crate::target::Secret;

/// The only algorithm obconf signs and verifies with.
pub const RSA_SHA256: &str = "rsa-sha256";

/// Why a signature could not be made, read or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigError {
    #[error("the signing key is not an RSA private key in PEM (PKCS#1 or PKCS#8)")]
    Key,
    #[error("the Signature header is malformed: {0}")]
    Malformed(String),
    #[error("the signature covers `{0}`, which the request does not carry")]
    MissingHeader(String),
    #[error("header `{0}` holds a line break, which a signing string cannot carry")]
    LineBreak(String),
    #[error("algorithm `{0}` is not supported (rsa-sha256 only)")]
    Algorithm(String),
    #[error("the signature does not verify")]
    Invalid,
}

/// `SHA-256=<base64>` of `body`: the `Digest` header value.
pub fn digest(body: &[u8]) -> String {
    format!("SHA-256={}", B64.encode(sha2::Sha256::digest(body)))
}

/// The parameters of a `Signature` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHeader {
    pub key_id: String,
    pub algorithm: String,
    /// Covered header names, lower case; `date` alone when the header lists none (the draft's default).
    pub headers: Vec<String>,
    pub signature: Vec<u8>,
}

impl SignatureHeader {
    /// Parses `keyId="…",algorithm="…",headers="…",signature="…"` (spaces after commas allowed).
    pub fn parse(value: &str) -> Result<Self, SigError> {
        let mut key_id = None;
        let mut algorithm = None;
        let mut headers = None;
        let mut signature = None;
        let mut rest = value.trim();
        while !rest.is_empty() {
            let (name, after) = rest
                .split_once('=')
                .ok_or_else(|| SigError::Malformed(format!("no `=` in `{rest}`")))?;
            let after = after
                .strip_prefix('"')
                .ok_or_else(|| SigError::Malformed(format!("`{}` is not quoted", name.trim())))?;
            let end = after
                .find('"')
                .ok_or_else(|| SigError::Malformed("an unterminated quote".into()))?;
            let v = after[..end].to_string();
            match name.trim() {
                "keyId" => key_id = Some(v),
                "algorithm" => algorithm = Some(v),
                "headers" => headers = Some(v),
                "signature" => signature = Some(v),
                _ => {}
            }
            rest = after[end + 1..].trim_start_matches([',', ' ']);
        }
        let signature = B64
            .decode(signature.ok_or_else(|| SigError::Malformed("no signature".into()))?)
            .map_err(|_| SigError::Malformed("the signature is not base64".into()))?;
        Ok(Self {
            key_id: key_id.ok_or_else(|| SigError::Malformed("no keyId".into()))?,
            algorithm: algorithm.unwrap_or_else(|| RSA_SHA256.to_string()),
            headers: headers
                .map(|h| h.split_whitespace().map(str::to_ascii_lowercase).collect())
                .unwrap_or_else(|| vec!["date".to_string()]),
            signature,
        })
    }

    /// The header value, in the order the draft's examples use.
    pub fn render(&self) -> String {
        format!(
            "keyId=\"{}\",algorithm=\"{}\",headers=\"{}\",signature=\"{}\"",
            self.key_id,
            self.algorithm,
            self.headers.join(" "),
            B64.encode(&self.signature)
        )
    }
}

/// The string to sign: one `name: value` line per covered header, `(request-target)` as
/// `<method lower case> <path and query>`.
pub fn signing_string(
    method: &str,
    path_and_query: &str,
    headers: &[(String, String)],
    covered: &[String],
) -> Result<String, SigError> {
    let mut out = String::new();
    for (i, name) in covered.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if name == "(request-target)" {
            let _ = write!(
                out,
                "(request-target): {} {}",
                method.to_ascii_lowercase(),
                path_and_query
            );
            continue;
        }
        let values: Vec<&str> = headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .collect();
        if values.is_empty() {
            return Err(SigError::MissingHeader(name.clone()));
        }
        if values.iter().any(|v| v.contains(['\n', '\r'])) {
            return Err(SigError::LineBreak(name.clone()));
        }
        let _ = write!(out, "{name}: {}", values.join(", "));
    }
    Ok(out)
}

/// A QSEAL signing key.
pub struct Signer {
    key: KeyPair,
    pub key_id: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.key_id)
            .finish()
    }
}

impl Signer {
    /// Loads an RSA private key (PEM, PKCS#1 or PKCS#8) to sign as `key_id`.
    pub fn from_pem(pem: &Secret, key_id: impl Into<String>) -> Result<Self, SigError> {
        let der = pem_body(pem.expose()).ok_or(SigError::Key)?;
        let key = KeyPair::from_pkcs8(&der)
            .or_else(|_| KeyPair::from_der(&der))
            .map_err(|_| SigError::Key)?;
        Ok(Self {
            key,
            key_id: key_id.into(),
        })
    }

    /// Signs the covered headers of a request and returns the `Signature` header.
    pub fn sign(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &[(String, String)],
        covered: &[String],
    ) -> Result<SignatureHeader, SigError> {
        let text = signing_string(method, path_and_query, headers, covered)?;
        let mut sig = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &aws_lc_rs::rand::SystemRandom::new(),
                text.as_bytes(),
                &mut sig,
            )
            .map_err(|_| SigError::Key)?;
        Ok(SignatureHeader {
            key_id: self.key_id.clone(),
            algorithm: RSA_SHA256.to_string(),
            headers: covered.to_vec(),
            signature: sig,
        })
    }
}

/// Checks `header` over the request against the signer's public key (SubjectPublicKeyInfo DER).
pub fn verify(
    header: &SignatureHeader,
    method: &str,
    path_and_query: &str,
    headers: &[(String, String)],
    public_key_spki_der: &[u8],
) -> Result<(), SigError> {
    if header.algorithm != RSA_SHA256 {
        return Err(SigError::Algorithm(header.algorithm.clone()));
    }
    let text = signing_string(method, path_and_query, headers, &header.headers)?;
    let spki = x509_parser::prelude::FromDer::from_der(public_key_spki_der)
        .map(|(_, spki): (_, x509_parser::x509::SubjectPublicKeyInfo)| {
            spki.subject_public_key.data.to_vec()
        })
        .map_err(|_| SigError::Key)?;
    UnparsedPublicKey::new(
        &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        spki,
    )
    .verify(text.as_bytes(), &header.signature)
    .map_err(|_| SigError::Invalid)
}

/// The DER bytes of the first PEM block in `pem`.
pub fn pem_body(pem: &str) -> Option<Vec<u8>> {
    let start = pem.find("-----BEGIN")?;
    let body_start = start + pem[start..].find('\n')? + 1;
    let end = body_start + pem[body_start..].find("-----END")?;
    let b64: String = pem[body_start..end].split_whitespace().collect();
    B64.decode(b64).ok()
}

#[cfg(test)]
mod tests {
    //! draft-cavage-http-signatures, appendix C: the test key, request and expected signatures.
    use super::*;

    const TEST_KEY: &str = "-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----";

    const TEST_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----";

    fn request_headers() -> Vec<(String, String)> {
        [
            ("Host", "example.com"),
            ("Date", "Sun, 05 Jan 2014 21:31:40 GMT"),
            ("Content-Type", "application/json"),
            (
                "Digest",
                "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=",
            ),
            ("Content-Length", "18"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    const PATH: &str = "/foo?param=value&pet=dog";

    /// (covered headers, expected base64 signature) from appendix C.1, C.2 and C.3.
    const VECTORS: &[(&str, &str)] = &[
        (
            "date",
            "SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM=",
        ),
        (
            "(request-target) host date",
            "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=",
        ),
        (
            "(request-target) host date content-type digest content-length",
            "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE=",
        ),
    ];

    #[test]
    fn the_digest_matches_the_drafts_example() {
        assert_eq!(
            digest(br#"{"hello": "world"}"#),
            "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="
        );
    }

    /// The draft's published strings to sign (C.1, C.2, C.3), byte for byte.
    #[test]
    fn signing_strings_are_the_drafts_published_ones() {
        let expected = [
            "date: Sun, 05 Jan 2014 21:31:40 GMT",
            "(request-target): post /foo?param=value&pet=dog\nhost: example.com\ndate: Sun, 05 Jan 2014 21:31:40 GMT",
            "(request-target): post /foo?param=value&pet=dog\nhost: example.com\ndate: Sun, 05 Jan 2014 21:31:40 GMT\ncontent-type: application/json\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\ncontent-length: 18",
        ];
        for ((covered, _), text) in VECTORS.iter().zip(expected) {
            let covered: Vec<String> = covered.split(' ').map(str::to_string).collect();
            assert_eq!(
                signing_string("POST", PATH, &request_headers(), &covered).unwrap(),
                text
            );
        }
    }

    /// aws-lc-rs will not sign with the draft's 1024-bit test key, so the signing path is checked
    /// with a 2048-bit key against the verifier that the published signatures pin above.
    #[test]
    fn a_signature_made_here_verifies_and_breaks_when_the_request_changes() {
        let key = crate::auth::jose::RsaKeyPem::generate().unwrap();
        let signer = Signer::from_pem(&key.private_pem, "qseal").unwrap();
        let covered: Vec<String> = VECTORS[2].0.split(' ').map(str::to_string).collect();
        let header = signer
            .sign("POST", PATH, &request_headers(), &covered)
            .unwrap();
        let parsed = SignatureHeader::parse(&header.render()).unwrap();
        let spki = pem_body(&key.public_pem).unwrap();
        assert_eq!(
            verify(&parsed, "POST", PATH, &request_headers(), &spki),
            Ok(())
        );
        assert_eq!(
            verify(&parsed, "POST", "/foo", &request_headers(), &spki),
            Err(SigError::Invalid)
        );
        // The draft's 1024-bit key is refused for signing, with a clear error rather than a panic.
        assert_eq!(
            Signer::from_pem(&Secret::new(TEST_KEY), "Test").unwrap_err(),
            SigError::Key
        );
    }

    #[test]
    fn the_verifier_accepts_the_drafts_signatures_and_rejects_a_tampered_request() {
        let spki = pem_body(TEST_PUBLIC_KEY).unwrap();
        for (covered, expected) in VECTORS {
            let header = SignatureHeader::parse(&format!(
                "keyId=\"Test\", algorithm=\"rsa-sha256\", headers=\"{covered}\", signature=\"{expected}\""
            ))
            .unwrap();
            assert_eq!(
                verify(&header, "POST", PATH, &request_headers(), &spki),
                Ok(())
            );
            let mut tampered = request_headers();
            tampered[1].1 = "Mon, 06 Jan 2014 21:31:40 GMT".into();
            assert_eq!(
                verify(&header, "POST", PATH, &tampered, &spki),
                Err(SigError::Invalid)
            );
        }
        // C.1 omits `headers`: the draft's default is `date` alone.
        let default = SignatureHeader::parse(&format!(
            "keyId=\"Test\",algorithm=\"rsa-sha256\",signature=\"{}\"",
            VECTORS[0].1
        ))
        .unwrap();
        assert_eq!(default.headers, vec!["date".to_string()]);
        assert_eq!(SignatureHeader::parse(&default.render()).unwrap(), default);
    }

    #[test]
    fn a_signature_over_a_missing_header_or_another_algorithm_is_refused() {
        let key = crate::auth::jose::RsaKeyPem::generate().unwrap();
        let signer = Signer::from_pem(&key.private_pem, "Test").unwrap();
        assert_eq!(
            signer
                .sign("GET", "/", &[], &["x-correlation".to_string()])
                .unwrap_err(),
            SigError::MissingHeader("x-correlation".into())
        );
        let mut h =
            SignatureHeader::parse(&format!("keyId=\"Test\",signature=\"{}\"", VECTORS[0].1))
                .unwrap();
        h.algorithm = "hmac-sha256".into();
        let spki = pem_body(TEST_PUBLIC_KEY).unwrap();
        assert!(matches!(
            verify(&h, "POST", PATH, &request_headers(), &spki),
            Err(SigError::Algorithm(_))
        ));
    }
}
