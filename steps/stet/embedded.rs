//! Starting the embedded STET bank and completing the target that points at it.
//!
//! The bank gets what a real ASPSP would hold about the TPP (its client_id, QSEAL certificate and
//! callback), is served over mutual TLS, and the target gets what the TPP holds (the QWAC and its
//! key, the QSEAL key and keyId, the OAuth endpoints, the personas' logins). The test PKI is minted
//! once per process, at the first start: RSA keys are the slow part of a run.

use std::net::SocketAddr;
use std::sync::Arc;

use super::SANDBOX_CLIENT_ID;
use crate::auth::oauth::DEFAULT_REDIRECT_URI;
use crate::family::{EmbeddedBank, EmbeddedError};
use crate::sandbox::kit::{self, Locked, Tls};
use crate::sandbox::stet::{self as bank, RegisteredTpp, StetBank};
use crate::sandbox::{Clock, FaultSet};
use crate::target::{Login, OAuth, Secret, Target};
use crate::tls::pki::{Certified, PkiError, TestCa, sha256_fingerprint};

/// The certificates of the embedded bank and of its test TPP.
struct StetPki {
    ca: TestCa,
    server: Certified,
    qwac: Certified,
    qseal: Certified,
}

static PKI: Locked<Option<Arc<StetPki>>> = Locked::new(None);

fn pki() -> Result<Arc<StetPki>, PkiError> {
    let mut slot = PKI.lock();
    if let Some(pki) = slot.as_ref() {
        return Ok(pki.clone());
    }
    let ca = TestCa::mint("obconf STET sandbox CA")?;
    let pki = Arc::new(StetPki {
        server: ca.server_cert()?,
        qwac: ca.qwac("obconf test TPP", SANDBOX_CLIENT_ID)?,
        qseal: ca.qseal("obconf test TPP", SANDBOX_CLIENT_ID)?,
        ca,
    });
    *slot = Some(pki.clone());
    Ok(pki)
}

pub async fn start(
    base: Target,
    faults: FaultSet,
    listen: SocketAddr,
) -> Result<EmbeddedBank, EmbeddedError> {
    let pki = pki()?;
    let key_id = format!(
        "https://tpp.obconf.test/certs/qseal_{}",
        sha256_fingerprint(&pki.qseal.cert_der)
    );
    let clock = Clock::system();
    let variant = crate::sandbox::kit::Variant::of(base.variant);
    let bank = StetBank::new_variant(
        faults,
        clock.clone(),
        Some(RegisteredTpp {
            client_id: SANDBOX_CLIENT_ID.to_string(),
            qseal_cert_der: pki.qseal.cert_der.to_vec(),
            redirect_uri: DEFAULT_REDIRECT_URI.to_string(),
        }),
        variant,
    );
    let tls = Tls::Mutual {
        ca: &pki.ca,
        server: &pki.server,
        required: bank.refuses_in_handshake(),
    };
    let router = bank.router();
    let mut started = kit::start(bank, router, clock, base, listen, tls).await?;
    let (bank, target) = (&started.bank, &mut started.target);
    target
        .tls
        .identity_pem
        .get_or_insert_with(|| Secret::new(format!("{}{}", pki.qwac.cert_pem, pki.qwac.key_pem())));
    target.oauth.get_or_insert_with(|| OAuth {
        token_url: bank::TOKEN_PATH.to_string(),
        client_id: SANDBOX_CLIENT_ID.to_string(),
        authorize_url: Some(bank::AUTHORIZE_PATH.to_string()),
        revoke_url: Some(bank::REVOKE_PATH.to_string()),
        redirect_uri: Some(DEFAULT_REDIRECT_URI.to_string()),
    });
    target.settings.get_or_insert_with(
        || serde_json::json!({ "qseal": { "key": pki.qseal.key_pem(), "key_id": key_id } }),
    );
    for p in bank::data::PERSONAS {
        let persona = target.personas.entry(p.name.to_string()).or_default();
        if persona.login.is_none()
            && let Some((username, password)) = bank.login(p.name)
        {
            persona.login = Some(Login {
                username,
                password: Secret::new(password),
            });
        }
        if !variant.is_canonical() {
            for a in p.accounts {
                if let Some(iban) = bank.iban_of(p.name, a.role) {
                    persona.accounts.entry(a.role.to_string()).or_insert(iban);
                }
            }
        }
        if !persona.tokens.contains_key("expired")
            && let Some(token) = bank.issue_expired_token(p.name)
        {
            persona.tokens.insert("expired".into(), Secret::new(token));
        }
    }
    target.declare_if_unset(bank::CAPABILITIES);
    Ok(started.into_embedded())
}
