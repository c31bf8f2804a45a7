//! The bundle's signature: a compact JWS (RFC 7515) whose payload is the exact bytes of
//! `manifest.json`, signed PS256 with an RSA key or ES256 with an EC P-256 key.
//!
//! The protected header carries the signer's certificate in `x5c` when one is given, else the
//! public key as a `jwk`. Verification takes the key from a pinned certificate (`--cert`) when
//! there is one, else from the header, and then says that only integrity was checked.
//! Built on jsonwebtoken's aws-lc-rs backend. The signing key is a secret: it is registered for
//! redaction when read, never printed, never written, and no error here carries any of it.

use std::fmt;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use serde_json::{Value, json};

use super::{BundleError, Tampered};

const RSA_OID: &str = "1.2.840.113549.1.1.1";
const EC_OID: &str = "1.2.840.10045.2.1";

/// The key that signs a bundle's manifest, and the certificate that goes with it.
pub struct Signer {
    key: EncodingKey,
    alg: Algorithm,
    /// The certificate (DER) for `x5c`.
    cert: Option<Vec<u8>>,
    /// The public key, when there is no certificate.
    jwk: Option<Jwk>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("alg", &self.alg)
            .field("key", &crate::redact::MASK)
            .field("cert", &self.cert.is_some())
            .finish()
    }
}

impl Signer {
    /// Reads the signing key (PEM: RSA, or EC P-256) and the certificate, if given, and checks
    /// that they belong together by signing and verifying a probe.
    pub fn load(key_path: &Path, cert_path: Option<&Path>) -> Result<Self, BundleError> {
        let key_err = |detail: String| BundleError::Key {
            path: key_path.to_path_buf(),
            detail,
        };
        let pem = std::fs::read_to_string(key_path).map_err(|e| key_err(e.to_string()))?;
        let pem = crate::target::Secret::new(pem);
        let bytes = pem.expose().as_bytes();
        let (key, alg) = match EncodingKey::from_rsa_pem(bytes) {
            Ok(key) => (key, Algorithm::PS256),
            Err(_) => match EncodingKey::from_ec_pem(bytes) {
                Ok(key) => (key, Algorithm::ES256),
                Err(_) => return Err(key_err("not a PEM RSA or EC private key".into())),
            },
        };
        let probe = jsonwebtoken::crypto::sign(b"obconf probe", &key, alg).map_err(|_| {
            key_err(format!(
                "cannot sign {alg:?} with it (EC keys must be P-256)"
            ))
        })?;
        let cert = match cert_path {
            Some(path) => {
                let der = read_cert(path)?;
                let (public, cert_alg, _) = cert_key(&der).map_err(|detail| BundleError::Cert {
                    path: path.to_path_buf(),
                    detail,
                })?;
                let fits = cert_alg == alg
                    && jsonwebtoken::crypto::verify(&probe, b"obconf probe", &public, alg)
                        .unwrap_or(false);
                if !fits {
                    return Err(BundleError::KeyCertMismatch {
                        key: key_path.to_path_buf(),
                        cert: path.to_path_buf(),
                    });
                }
                Some(der)
            }
            None => None,
        };
        let jwk = match cert {
            Some(_) => None,
            None => Some(
                Jwk::from_encoding_key(&key, alg)
                    .map_err(|_| key_err("cannot derive its public key".into()))?,
            ),
        };
        Ok(Self {
            key,
            alg,
            cert,
            jwk,
        })
    }

    /// `PS256` or `ES256`.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The compact JWS of `payload`: `header.payload.signature`.
    pub fn sign(&self, payload: &[u8]) -> Result<String, BundleError> {
        let mut header = json!({
            "alg": format!("{:?}", self.alg),
            "typ": "JOSE",
            "cty": "application/json",
        });
        if let Some(der) = &self.cert {
            header["x5c"] = json!([STANDARD.encode(der)]);
            header["x5t#S256"] = json!(URL_SAFE_NO_PAD.encode(sha256(der)));
        }
        if let Some(jwk) = &self.jwk {
            header["jwk"] =
                serde_json::to_value(jwk).map_err(|e| BundleError::Sign(e.to_string()))?;
        }
        let header = serde_json::to_vec(&header).map_err(|e| BundleError::Sign(e.to_string()))?;
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let signature = jsonwebtoken::crypto::sign(input.as_bytes(), &self.key, self.alg)
            .map_err(|e| BundleError::Sign(e.to_string()))?;
        Ok(format!("{input}.{signature}"))
    }
}

/// Where the key that verified the signature came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// The certificate given with `--cert`: identity and integrity.
    Pinned { subject: String },
    /// The certificate in the header's `x5c`: integrity only.
    X5c { subject: String },
    /// The public key in the header's `jwk`: integrity only.
    Jwk,
}

/// A verified JWS: its algorithm, payload and key source.
#[derive(Clone, Debug)]
pub struct Verified {
    pub alg: String,
    pub payload: Vec<u8>,
    pub key: KeySource,
}

/// Verifies the compact JWS `jws` with the key of `pinned` (a DER certificate) when given, else
/// with the header's `x5c` or `jwk`.
pub fn verify(jws: &str, pinned: Option<&[u8]>) -> Result<Verified, VerifyFailure> {
    let bad = |detail: &str| VerifyFailure::Tampered(Tampered::Signature(detail.to_string()));
    let parts: Vec<&str> = jws.trim().split('.').collect();
    let [header_b64, payload_b64, signature] = parts[..] else {
        return Err(bad("it is not a compact JWS (three dot-separated parts)"));
    };
    let header: Value = URL_SAFE_NO_PAD
        .decode(header_b64)
        .ok()
        .and_then(|h| serde_json::from_slice(&h).ok())
        .ok_or_else(|| bad("its header is not base64url JSON"))?;
    let payload = URL_SAFE_NO_PAD
        .decode(payload_b64)
        .map_err(|_| bad("its payload is not base64url"))?;
    let alg = match header["alg"].as_str() {
        Some("PS256") => Algorithm::PS256,
        Some("ES256") => Algorithm::ES256,
        other => {
            return Err(bad(&format!(
                "alg {} is not PS256 or ES256",
                other.unwrap_or("(none)")
            )));
        }
    };
    let (public, key) = if let Some(der) = pinned {
        let (public, _, subject) = cert_key(der).map_err(VerifyFailure::PinnedCert)?;
        (public, KeySource::Pinned { subject })
    } else if let Some(first) = header["x5c"].get(0).and_then(Value::as_str) {
        let der = STANDARD
            .decode(first)
            .map_err(|_| bad("its x5c certificate is not base64"))?;
        let (public, _, subject) =
            cert_key(&der).map_err(|e| bad(&format!("its x5c certificate: {e}")))?;
        (public, KeySource::X5c { subject })
    } else if header.get("jwk").is_some() {
        let jwk: Jwk = serde_json::from_value(header["jwk"].clone())
            .map_err(|_| bad("its jwk is not a JSON Web Key"))?;
        let public = DecodingKey::from_jwk(&jwk).map_err(|_| bad("its jwk is not usable"))?;
        (public, KeySource::Jwk)
    } else {
        return Err(VerifyFailure::NoKey);
    };
    let input = format!("{header_b64}.{payload_b64}");
    let ok =
        jsonwebtoken::crypto::verify(signature, input.as_bytes(), &public, alg).unwrap_or(false);
    if !ok {
        return Err(bad("the signature does not verify"));
    }
    Ok(Verified {
        alg: format!("{alg:?}"),
        payload,
        key,
    })
}

/// Why [`verify`] refused.
#[derive(Debug)]
pub enum VerifyFailure {
    /// The bundle is not what was signed.
    Tampered(Tampered),
    /// The pinned certificate is unusable (a usage error).
    PinnedCert(String),
    /// Nothing to verify with: no `--cert`, no `x5c`, no `jwk`.
    NoKey,
}

/// A certificate file (PEM, or DER) as DER.
pub fn read_cert(path: &Path) -> Result<Vec<u8>, BundleError> {
    let cert_err = |detail: String| BundleError::Cert {
        path: PathBuf::from(path),
        detail,
    };
    let bytes = std::fs::read(path).map_err(|e| cert_err(e.to_string()))?;
    let der = match x509_parser::pem::parse_x509_pem(&bytes) {
        Ok((_, pem)) if pem.label == "CERTIFICATE" => pem.contents,
        Ok((_, pem)) => {
            return Err(cert_err(format!(
                "it holds a {} where a CERTIFICATE was expected",
                pem.label
            )));
        }
        Err(_) => bytes,
    };
    cert_key(&der).map_err(cert_err)?;
    Ok(der)
}

/// The verifying key of a DER certificate, its JWS algorithm and its subject.
fn cert_key(der: &[u8]) -> Result<(DecodingKey, Algorithm, String), String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let spki = cert.public_key();
    let bits = &spki.subject_public_key.data;
    let subject = cert.subject().to_string();
    match spki.algorithm.algorithm.to_id_string().as_str() {
        RSA_OID => Ok((DecodingKey::from_rsa_der(bits), Algorithm::PS256, subject)),
        EC_OID => Ok((DecodingKey::from_ec_der(bits), Algorithm::ES256, subject)),
        other => Err(format!(
            "its key ({other}) is neither RSA nor EC: bundles are signed PS256 or ES256"
        )),
    }
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).to_vec()
}
