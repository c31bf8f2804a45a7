//! STET's request signing on the TPP side: the family's `settings:` (QSEAL key and keyId), the run
//! state built from them, and the `Digest` + `Signature` headers every API request carries.
//!
//! The signature covers `(request-target)`, `digest` (when there is a body), `x-request-id` and the
//! PSU headers present, as the document's Signature parameter asks. A scenario that needs an
//! unsigned or tampered request says so (`next_omit`, `next_after_signing`); nothing here is
//! skipped silently. The QSEAL key is a secret and is never printed.

use serde::Deserialize;

use crate::auth::httpsig::{self, Signer};
use crate::http::RequestSpec;
use crate::target::{SecretSpec, Target, TargetError};

/// The `settings:` section of a STET target file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StetSettings {
    /// The QSEAL key that signs requests. Without it requests go unsigned (a bank that requires
    /// signatures then answers 400, and the report says why).
    #[serde(default)]
    pub qseal: Option<QsealSettings>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QsealSettings {
    /// The RSA private key (PEM): `"${ENV}"` or `{ file: path }`.
    pub key: SecretSpec,
    /// The keyId the bank resolves to the QSEAL certificate: in the STET form, a URL ending with
    /// `_` and the certificate's SHA-256 fingerprint.
    pub key_id: String,
}

/// What the STET family keeps for one run.
#[derive(Debug, Default)]
pub struct StetRun {
    pub signer: Option<Signer>,
}

/// Reads the settings and loads the QSEAL key.
pub fn prepare(target: &Target) -> Result<StetRun, TargetError> {
    let Some(settings) = target.settings::<StetSettings>()? else {
        return Ok(StetRun::default());
    };
    let Some(qseal) = settings.qseal else {
        return Ok(StetRun::default());
    };
    let invalid = |message: String| TargetError::Invalid {
        path: target.origin(),
        line: 1,
        message,
        hint:
            "settings.qseal.key is the QSEAL private key in PEM, from `${ENV}` or `{ file: path }`"
                .into(),
    };
    let key = target
        .resolve_secret(&qseal.key)
        .map_err(|e| invalid(format!("settings.qseal.key: {e}")))?;
    let signer = Signer::from_pem(&key, qseal.key_id)
        .map_err(|e| invalid(format!("settings.qseal.key: {e}")))?;
    Ok(StetRun {
        signer: Some(signer),
    })
}

/// Adds `Digest` (with a body) and `Signature` (with a QSEAL key) to `request`.
pub fn sign(run: &StetRun, request: &mut RequestSpec) {
    if let Some(body) = request.body_bytes() {
        request.default_header("Digest", httpsig::digest(&body));
    }
    let Some(signer) = &run.signer else { return };
    if request.has_header("Signature") || request.omits("Signature") {
        return;
    }
    let mut covered = vec!["(request-target)".to_string()];
    for (name, _) in &request.headers {
        let lower = name.to_ascii_lowercase();
        if (lower == "digest" || lower == "x-request-id" || lower.starts_with("psu-"))
            && !covered.contains(&lower)
            && !request.omits(name)
        {
            covered.push(lower);
        }
    }
    let method = request.method.clone();
    let path = request.path_and_query().to_string();
    if let Ok(signature) = signer.sign(&method, &path, &request.headers, &covered) {
        request.set_header("Signature", signature.render());
    }
}
