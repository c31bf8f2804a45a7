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
        line: target.line_of("settings.qseal.key"),
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
    sign_with(wire.signer.as_ref(), request)
}

/// [`sign`] with `signer` in place of the run's QSEAL key (none: the request goes unsigned).
pub fn sign_with(signer: Option<&Signer>, request: &mut RequestSpec) -> Result<(), WireError> {
    if let Some(body) = request.body_bytes() {
        request.default_header("Digest", httpsig::digest(&body));
    }
    let Some(signer) = signer else {
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::auth::jose::RsaKeyPem;
    use crate::world::{ObWorld, RunContext};

    /// A STET run whose requests are signed with a minted QSEAL key, against a closed port: what
    /// the wire refuses must never reach the network.
    fn world() -> ObWorld {
        let key = RsaKeyPem::generate().expect("a key");
        let wire = StetWire {
            signer: Some(
                Signer::from_pem(&key.private_pem, "https://tpp.example/qseal_ab12").expect("key"),
            ),
        };
        let mut target = Target::embedded("stet");
        target.base_url = "https://127.0.0.1:9".into();
        let ctx = RunContext::new(Arc::new(target), &super::super::STET, Arc::new(wire))
            .expect("a context");
        ObWorld::in_context(Arc::new(ctx))
    }

    #[tokio::test]
    async fn a_request_the_qseal_key_cannot_sign_is_not_sent_and_fails_the_step() {
        crate::tls::install_crypto_provider();
        let mut w = world();
        w.next_headers
            .push(("PSU-User-Agent".into(), "line one\nline two".into()));
        let failure = w
            .send(RequestSpec::new("GET", "/stet/psd2/v1.4.2/accounts"))
            .await
            .expect_err("an unsignable request fails the step");
        assert_eq!(
            failure.to_string(),
            "the request was not sent: the QSEAL key (settings.qseal.key) could not sign it: header `psu-user-agent` holds a line break, which a signing string cannot carry"
        );
        let evidence = w.exchange.as_ref().expect("the request is evidence");
        assert!(evidence.response.is_none());
        assert_eq!(evidence.request_header("Signature"), None);
        let rendered = evidence.render();
        assert!(
            rendered.contains("GET https://127.0.0.1:9/stet/psd2/v1.4.2/accounts"),
            "{rendered}"
        );
        assert!(rendered.contains("not sent"), "{rendered}");
    }

    #[test]
    fn api_calls_are_signed_and_token_requests_carry_only_a_request_id() {
        let w = world();
        let mut api = RequestSpec::new("GET", "/stet/psd2/v1.4.2/accounts");
        w.ctx.wire.decorate(&mut api).expect("signed");
        for name in ["X-Request-ID", "PSU-IP-Address", "Signature"] {
            assert!(api.has_header(name), "{name} on an API call");
        }
        let mut token = RequestSpec::new("POST", "/token").purpose(Purpose::Token);
        w.ctx.wire.decorate(&mut token).expect("decorated");
        assert!(token.has_header("X-Request-ID"));
        assert!(!token.has_header("Signature") && !token.has_header("PSU-IP-Address"));
        let mut page = RequestSpec::new("GET", "/authorize").purpose(Purpose::Psu);
        w.ctx.wire.decorate(&mut page).expect("decorated");
        assert!(!page.has_header("Signature"));
    }
}
