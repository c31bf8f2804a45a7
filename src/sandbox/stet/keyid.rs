//! What a careless bank does with a keyId (the `keyid-certificate-trusted` fault): fetch the
//! certificate the keyId URL names and verify the signature with it, whoever it belongs to.
//!
//! STET asks that the keyId be "an URL aiming to provide the relevant Qualified Certificate", so
//! a bank may well fetch it; the rule it must keep is that the certificate is the TPP's own QSEAL.
//! This module exists only for the fault. It fetches from loopback only (the embedded bank never
//! calls out of the machine), with a short timeout, and never more than a certificate's worth.

use std::time::Duration;

use axum::http::request::Parts;

use crate::auth::httpsig::{self, SignatureHeader};
use crate::tls::pki::{public_key_der, sha256_fingerprint};

/// The most bytes read from a keyId URL.
const MAX_PEM: usize = 16 * 1024;

/// A certificate fetched from a request's keyId.
#[derive(Debug)]
pub(super) struct NamedKey {
    /// Lowercase hex SHA-256 of the certificate (DER).
    pub fingerprint: String,
    /// Its SubjectPublicKeyInfo (DER).
    pub spki: Vec<u8>,
}

/// The certificate the request's keyId URL serves, if the keyId is a loopback `http://` URL that
/// answers with a PEM certificate; `None` for anything else.
pub(super) async fn fetch(parts: &Parts) -> Option<NamedKey> {
    let value = parts.headers.get("signature")?.to_str().ok()?;
    let url = SignatureHeader::parse(value).ok()?.key_id;
    let rest = url.strip_prefix("http://")?;
    if !(rest.starts_with("127.0.0.1:") || rest.starts_with("localhost:")) {
        return None;
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .ok()?;
    let answer = client.get(&url).send().await.ok()?;
    let bytes = answer.bytes().await.ok()?;
    if bytes.len() > MAX_PEM {
        return None;
    }
    let der = httpsig::pem_body(std::str::from_utf8(&bytes).ok()?)?;
    Some(NamedKey {
        fingerprint: sha256_fingerprint(&der),
        spki: public_key_der(&der)?,
    })
}
