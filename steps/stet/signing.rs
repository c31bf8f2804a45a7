//! STET's wire on the TPP side: the family's `settings:` (QSEAL key and keyId), and what every
//! request carries: `X-Request-ID` (token requests too), the PSU context, and on API calls the
//! `Digest` + `Signature` headers.
//!
//! The signature covers `(request-target)`, `digest` (when there is a body), `x-request-id` and the
//! PSU headers present, as the document's Signature parameter asks. A scenario that needs an
//! unsigned or tampered request says so (`next_omit`, `next_after_signing`); nothing here is
//! skipped silently, and a request the key cannot sign is not sent. The QSEAL key is a secret and
//! is never printed.

use serde::Deserialize;

use crate::auth::httpsig::{self, Signer};
use crate::family::{Wire, WireError};
use crate::http::{Purpose, RequestSpec};
use crate::target::{SecretSpec, Target, TargetError};

/// The PSU IP address sent when the scenario does not say otherwise: the document asks for it when
/// the PSU is connected, and without it a bank may rate-limit AIS calls to 4 a day.
const PSU_IP_ADDRESS: &str = "192.0.2.10";

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

/// STET's wire for one run.
#[derive(Debug, Default)]
pub struct StetWire {
    pub signer: Option<Signer>,
}

impl Wire for StetWire {
    fn decorate(&self, request: &mut RequestSpec) -> Result<(), WireError> {
        request.default_header("X-Request-ID", uuid::Uuid::new_v4().to_string());
        if request.purpose != Purpose::Api {
            return Ok(());
        }
        request.default_header("Accept", "application/hal+json, application/json");
        request.default_header("PSU-IP-Address", PSU_IP_ADDRESS);
        // Last: the signature covers the headers added above.
        sign(self, request)
    }
}

/// Reads the settings and loads the QSEAL key.
pub fn prepare(target: &Target) -> Result<StetWire, TargetError> {
    let Some(settings) = target.settings::<StetSettings>()? else {
        return Ok(StetWire::default());
    };
    let Some(qseal) = settings.qseal else {
        return Ok(StetWire::default());
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
    Ok(StetWire {
        signer: Some(signer),
    })
}

/// Adds `Digest` (with a body) and `Signature` (with a QSEAL key) to `request`; a request the
/// key cannot sign is refused, naming the setting.
pub fn sign(wire: &StetWire, request: &mut RequestSpec) -> Result<(), WireError> {
    if let Some(body) = request.body_bytes() {
        request.default_header("Digest", httpsig::digest(&body));
    }
    let Some(signer) = &wire.signer else {
        return Ok(());
    };
    if request.has_header("Signature") || request.omits("Signature") {
        return Ok(());
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
    let signature = signer
        .sign(&method, &path, &request.headers, &covered)
        .map_err(|e| {
            WireError::new(format!(
                "the QSEAL key (settings.qseal.key) could not sign it: {e}"
            ))
        })?;
    request.set_header("Signature", signature.render());
    Ok(())
}
