//! JOSE: RS256-signed JWTs, and RSA key pairs minted at start, for both sides.
//!
//! A TPP signs request JWTs with its private key; an embedded bank verifies them with the
//! registered public key, exactly as a real bank would. Built on jsonwebtoken's aws-lc-rs backend,
//! so no OpenSSL is linked. Private keys are [`Secret`]s: never printed, registered for redaction.

use std::fmt;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};

use crate::target::Secret;

/// Why signing or verification failed.
#[derive(Debug, thiserror::Error)]
pub enum JoseError {
    #[error("the private key is not a usable RSA PEM key: {0}")]
    Key(jsonwebtoken::errors::Error),
    #[error("cannot sign the JWT: {0}")]
    Sign(jsonwebtoken::errors::Error),
    #[error("the JWT does not verify: {0}")]
    Verify(jsonwebtoken::errors::Error),
    #[error("cannot generate an RSA key: {0}")]
    Generate(String),
}

/// An RSA key pair as PEM: PKCS#8 private key and SubjectPublicKeyInfo public key.
#[derive(Clone)]
pub struct RsaKeyPem {
    pub private_pem: Secret,
    pub public_pem: String,
}

impl fmt::Debug for RsaKeyPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaKeyPem")
            .field("private_pem", &self.private_pem)
            .field("public_pem", &self.public_pem)
            .finish()
    }
}

impl RsaKeyPem {
    /// A fresh 2048-bit RSA key pair.
    pub fn generate() -> Result<Self, JoseError> {
        let pair =
            KeyPair::generate(KeySize::Rsa2048).map_err(|e| JoseError::Generate(e.to_string()))?;
        let private: Pkcs8V1Der<'static> = pair
            .as_der()
            .map_err(|e| JoseError::Generate(e.to_string()))?;
        let public: PublicKeyX509Der<'static> = pair
            .public_key()
            .as_der()
            .map_err(|e| JoseError::Generate(e.to_string()))?;
        Ok(Self {
            private_pem: Secret::new(pem("PRIVATE KEY", private.as_ref())),
            public_pem: pem("PUBLIC KEY", public.as_ref()),
        })
    }
}

/// PEM-encodes DER bytes under `label`.
pub fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Signs `claims` as an RS256 JWT with `private_pem` (PKCS#1 or PKCS#8).
pub fn sign_rs256(
    claims: &serde_json::Value,
    private_pem: &Secret,
    kid: Option<&str>,
) -> Result<String, JoseError> {
    let key = EncodingKey::from_rsa_pem(private_pem.expose().as_bytes()).map_err(JoseError::Key)?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_string);
    jsonwebtoken::encode(&header, claims, &key).map_err(JoseError::Sign)
}

/// Verifies an RS256 JWT against `public_pem` and returns its claims. `exp` is required and checked
/// (no leeway) when `check_exp`.
pub fn verify_rs256(
    token: &str,
    public_pem: &str,
    check_exp: bool,
) -> Result<serde_json::Value, JoseError> {
    let key = DecodingKey::from_rsa_pem(public_pem.as_bytes()).map_err(JoseError::Key)?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = 0;
    validation.validate_aud = false;
    validation.validate_exp = check_exp;
    validation.required_spec_claims = if check_exp {
        ["exp".to_string()].into()
    } else {
        Default::default()
    };
    jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)
        .map(|d| d.claims)
        .map_err(JoseError::Verify)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_signed_jwt_verifies_with_its_public_key_only() {
        let key = RsaKeyPem::generate().unwrap();
        let other = RsaKeyPem::generate().unwrap();
        let exp = chrono::Utc::now().timestamp() + 60;
        let jwt = sign_rs256(
            &json!({"data": {"a": 1}, "exp": exp}),
            &key.private_pem,
            None,
        )
        .unwrap();
        let claims = verify_rs256(&jwt, &key.public_pem, true).unwrap();
        assert_eq!(claims["data"]["a"], 1);
        assert!(verify_rs256(&jwt, &other.public_pem, true).is_err());
        let old = sign_rs256(&json!({"exp": exp - 3600}), &key.private_pem, None).unwrap();
        assert!(verify_rs256(&old, &key.public_pem, true).is_err());
        assert!(!format!("{key:?}").contains("PRIVATE"));
    }
}
