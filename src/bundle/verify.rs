//! `obconf verify DIR [--cert CERT.pem]`: checks a bundle offline.
//!
//! In order: the signature of `manifest.jws` (with the pinned certificate, else the key the JWS
//! carries), `manifest.json` against the signed payload byte for byte, every listed file's SHA-256,
//! and no file that the manifest does not list. The first mismatch is returned, named. It reads
//! only the bundle and the certificate, never the network, and never writes or prints anything.

use std::path::Path;

use super::jws::{self, KeySource, VerifyFailure};
use super::{
    BundleError, FORMAT, MANIFEST, Manifest, SIGNATURE, Tampered, hex, is_manifest, is_plain,
};

/// A bundle that verified.
#[derive(Clone, Debug)]
pub struct Intact {
    /// How many files the manifest lists (all present and unchanged).
    pub files: usize,
    pub alg: String,
    /// Where the verifying key came from: a pinned certificate checks identity too.
    pub key: KeySource,
    pub manifest: Manifest,
}

/// Why verification refused: a usage error (exit 2), or a bundle that is not what was signed
/// (exit 1).
#[derive(Debug)]
pub enum Refusal {
    Usage(BundleError),
    Tampered(Tampered),
}

impl From<BundleError> for Refusal {
    fn from(e: BundleError) -> Self {
        Refusal::Usage(e)
    }
}

impl From<Tampered> for Refusal {
    fn from(e: Tampered) -> Self {
        Refusal::Tampered(e)
    }
}

/// Verifies the bundle in `dir`, with the key of `cert` (a certificate file) when given.
pub fn verify(dir: &Path, cert: Option<&Path>) -> Result<Intact, Refusal> {
    if !dir.is_dir() {
        return Err(BundleError::NoDir(dir.into()).into());
    }
    let pinned = cert.map(jws::read_cert).transpose()?;
    let manifest_bytes = std::fs::read(dir.join(MANIFEST)).ok();
    let signature = std::fs::read_to_string(dir.join(SIGNATURE)).ok();
    let (manifest_bytes, signature) = match (manifest_bytes, signature) {
        (None, None) => return Err(BundleError::NotABundle(dir.into()).into()),
        (None, Some(_)) => return Err(Tampered::ManifestMissing(MANIFEST).into()),
        (Some(_), None) => return Err(Tampered::ManifestMissing(SIGNATURE).into()),
        (Some(m), Some(s)) => (m, s),
    };
    let verified = jws::verify(&signature, pinned.as_deref()).map_err(|f| match f {
        VerifyFailure::Tampered(t) => Refusal::Tampered(t),
        VerifyFailure::PinnedCert(detail) => Refusal::Usage(BundleError::Cert {
            path: cert.map(Path::to_path_buf).unwrap_or_default(),
            detail,
        }),
        VerifyFailure::NoKey => Refusal::Usage(BundleError::NoKey),
    })?;
    if verified.payload != manifest_bytes {
        return Err(Tampered::ManifestChanged.into());
    }
    let manifest: Manifest = serde_json::from_slice(&verified.payload)
        .map_err(|e| Tampered::BadManifest(e.to_string()))?;
    if manifest.format != FORMAT {
        return Err(
            Tampered::BadManifest(format!("format `{}` is not {FORMAT}", manifest.format)).into(),
        );
    }
    for entry in &manifest.files {
        if !is_plain(&entry.path) || is_manifest(&entry.path) {
            return Err(Tampered::UnsafePath(entry.path.clone()).into());
        }
        let path = dir.join(&entry.path);
        let is_file = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
        let bytes = if is_file {
            std::fs::read(&path).ok()
        } else {
            None
        };
        let Some(bytes) = bytes else {
            return Err(Tampered::Missing {
                path: entry.path.clone(),
                expected: entry.sha256.clone(),
            }
            .into());
        };
        let actual = hex(&jws::sha256(&bytes));
        if actual != entry.sha256 {
            return Err(Tampered::Digest {
                path: entry.path.clone(),
                expected: entry.sha256.clone(),
                actual,
            }
            .into());
        }
    }
    let present = super::list(dir).map_err(|source| BundleError::Read {
        path: dir.into(),
        source,
    })?;
    if let Some(extra) = present
        .into_iter()
        .filter(|p| !is_manifest(p))
        .find(|p| !manifest.files.iter().any(|e| &e.path == p))
    {
        return Err(Tampered::Unlisted(extra).into());
    }
    Ok(Intact {
        files: manifest.files.len(),
        alg: verified.alg,
        key: verified.key,
        manifest,
    })
}
