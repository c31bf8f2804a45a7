//! The gate in front of the API (STET-GEN-02, and the mutual-TLS half of STET-OAUTH-04): a client
//! certificate of the registered TPP, then an HTTP signature by its QSEAL certificate.
//!
//! The [`guard_api`] middleware refuses a request without the right client certificate at once,
//! reads the body (a Digest is checked against its bytes) and leaves the signature's verdict on the
//! request; the handlers' gate enforces that verdict right after the 405 method check, so the
//! documented order of error classes holds. Without a registered TPP nothing is checked. This file
//! must never look at tokens, and never let an unverified request through when a TPP is registered.

use std::sync::Arc;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::faults::{KEYID_CERTIFICATE_TRUSTED, SIGNATURE_NOT_CHECKED};
use super::keyid::{self, NamedKey};
use super::reply::ApiError;
use super::{API_PREFIX, StetBank};
use crate::auth::httpsig::{self, SigError, SignatureHeader};

/// The largest request body the bank reads, in bytes.
const MAX_BODY: usize = 1 << 20;

/// Why a request's signature is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(super) enum SignatureError {
    #[error("the Signature header is missing")]
    Missing,
    #[error("the Signature header is not visible ASCII")]
    NotText,
    #[error("{0}")]
    Header(SigError),
    #[error(
        "keyId {0:?} does not end with _ and the SHA-256 fingerprint of the registered QSEAL certificate"
    )]
    UnknownKey(String),
    #[error("the signature must cover {0}")]
    NotCovered(&'static str),
    #[error("a request with a body needs a Digest header (SHA-256=<base64>)")]
    MissingDigest,
    #[error("the Digest header has no SHA-256 digest")]
    DigestAlgorithm,
    #[error("the SHA-256 Digest does not match the body")]
    DigestMismatch,
    #[error("the registered QSEAL certificate has no readable public key")]
    NoPublicKey,
    #[error("the request was not inspected by the signature gate")]
    NotInspected,
}

/// The signature verdict that [`guard_api`] leaves on a request for the handlers' gate.
#[derive(Clone, Debug)]
pub(super) struct SignatureVerdict(Result<(), SignatureError>);

/// Whether `path` is under [`API_PREFIX`].
fn is_api_path(path: &str) -> bool {
    path.strip_prefix(API_PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The middleware in front of every API path (a no-op without a registered TPP).
pub(super) async fn guard_api(
    State(bank): State<Arc<StetBank>>,
    request: Request,
    next: Next,
) -> Response {
    if bank.registration.is_none() || !is_api_path(request.uri().path()) {
        return next.run(request).await;
    }
    if let Err(error) = bank.check_api_client(request.extensions()) {
        return ApiError::InvalidClient(error).into_response();
    }
    let (mut parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        let error = ApiError::BadRequest(format!(
            "the request body cannot be read or is larger than {MAX_BODY} bytes"
        ));
        return error.into_response();
    };
    let named = if bank.faults.has(KEYID_CERTIFICATE_TRUSTED) {
        keyid::fetch(&parts).await
    } else {
        None
    };
    let verdict = bank.verify_signature(&parts, &body, named.as_ref());
    parts.extensions.insert(SignatureVerdict(verdict));
    next.run(Request::from_parts(parts, Body::from(body))).await
}

/// The SHA-256 value of a Digest header (`SHA-256=<base64>`, possibly among other algorithms).
fn sha256_digest(value: &str) -> Option<&str> {
    value.split(',').find_map(|item| {
        let (algorithm, digest) = item.trim().split_once('=')?;
        algorithm
            .trim()
            .eq_ignore_ascii_case("SHA-256")
            .then(|| digest.trim())
    })
}

impl StetBank {
    /// Checks the request's Signature (and Digest) against the registered QSEAL certificate, or,
    /// under the `keyid-certificate-trusted` fault, against the certificate the keyId served.
    fn verify_signature(
        &self,
        parts: &Parts,
        body: &Bytes,
        named: Option<&NamedKey>,
    ) -> Result<(), SignatureError> {
        let Some(registration) = &self.registration else {
            return Ok(());
        };
        let value = parts
            .headers
            .get("signature")
            .ok_or(SignatureError::Missing)?
            .to_str()
            .map_err(|_| SignatureError::NotText)?;
        let header = SignatureHeader::parse(value).map_err(SignatureError::Header)?;
        let named = named.filter(|n| header.key_id.ends_with(&format!("_{}", n.fingerprint)));
        let suffix = format!("_{}", registration.qseal_fingerprint);
        if named.is_none() && !header.key_id.ends_with(&suffix) {
            return Err(SignatureError::UnknownKey(header.key_id));
        }
        let covers = |name: &str| header.headers.iter().any(|h| h == name);
        for required in ["(request-target)", "x-request-id"] {
            if !covers(required) {
                return Err(SignatureError::NotCovered(required));
            }
        }
        let digest = parts.headers.get("digest");
        if !body.is_empty() {
            if digest.is_none() {
                return Err(SignatureError::MissingDigest);
            }
            if !covers("digest") {
                return Err(SignatureError::NotCovered("digest"));
            }
        }
        if let Some(digest) = digest {
            let text = digest
                .to_str()
                .map_err(|_| SignatureError::DigestAlgorithm)?;
            let given = sha256_digest(text).ok_or(SignatureError::DigestAlgorithm)?;
            if format!("SHA-256={given}") != httpsig::digest(body) {
                return Err(SignatureError::DigestMismatch);
            }
        }
        let spki = match named {
            Some(named) => Some(named.spki.as_slice()),
            None => registration.qseal_spki.as_deref(),
        }
        .ok_or(SignatureError::NoPublicKey)?;
        let headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .filter_map(|(name, value)| {
                let value = value.to_str().ok()?;
                Some((name.as_str().to_string(), value.to_string()))
            })
            .collect();
        let target = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path(), |pq| pq.as_str());
        httpsig::verify(&header, parts.method.as_str(), target, &headers, spki)
            .map_err(SignatureError::Header)
    }

    /// The gate's signature step: the verdict [`guard_api`] left, unless no TPP is registered or the
    /// `signature-not-checked` fault is on.
    pub(super) fn signature_checked(&self, parts: &Parts) -> Result<(), ApiError> {
        if self.registration.is_none() || self.faults.has(SIGNATURE_NOT_CHECKED) {
            return Ok(());
        }
        match parts.extensions.get::<SignatureVerdict>() {
            Some(SignatureVerdict(Ok(()))) => Ok(()),
            Some(SignatureVerdict(Err(error))) => Err(ApiError::BadSignature(error.clone())),
            None => Err(ApiError::BadSignature(SignatureError::NotInspected)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_and_digest_values_are_read_strictly() {
        assert!(is_api_path(API_PREFIX));
        assert!(is_api_path(&format!("{API_PREFIX}/accounts")));
        assert!(!is_api_path(&format!("{API_PREFIX}x/accounts")));
        assert!(!is_api_path("/stet/psd2/oauth/token"));
        assert_eq!(sha256_digest("SHA-256=abc="), Some("abc="));
        assert_eq!(sha256_digest("SHA-512=x, sha-256=abc="), Some("abc="));
        assert_eq!(sha256_digest("MD5=abc"), None);
    }
}
