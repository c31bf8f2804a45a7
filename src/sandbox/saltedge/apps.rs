//! The TPP applications the Salt Edge bank knows: app_id, app_secret, the public key that verifies
//! their request JWTs, their scopes, and whether their certificate has permissions.
//!
//! Two applications are registered at start: the TPP's own, and one whose certificate has no
//! permissions (for CertificateNotFound). Their RSA key pairs are minted once per process (an RSA
//! key takes a tenth of a second to mint, and the mutation matrix starts the bank dozens of times);
//! the app ids and secrets are fresh for every bank. The bank keeps public keys only: the private
//! keys are handed to the embedded target and never stored here.

use std::sync::OnceLock;

use jsonwebtoken::DecodingKey;

use super::data::ALL_SCOPES;
use crate::auth::jose::{JoseError, RsaKeyPem};
use crate::sandbox::kit::random;
use crate::target::Secret;

/// An application as the bank stores it.
#[derive(Clone, Debug)]
pub(super) struct Application {
    pub app_id: String,
    pub app_secret: String,
    /// The public key, parsed once: every signed request is verified with it.
    pub public_key: DecodingKey,
    pub scopes: &'static [&'static str],
    /// `false`: every call answers CertificateNotFound.
    pub certificate_permissions: bool,
}

/// What a TPP needs to act as one application: the target's side, private key included.
#[derive(Clone, Debug)]
pub struct AppCredentials {
    pub app_id: String,
    pub app_secret: Secret,
    pub private_key: Secret,
}

/// The credentials of both registered applications, for the embedded target.
#[derive(Clone, Debug)]
pub struct EmbeddedApps {
    /// The TPP's application: approved by demobank, every scope, certificate with permissions.
    pub main: AppCredentials,
    /// An application whose certificate has no permissions.
    pub without_permissions: AppCredentials,
}

/// The two key pairs, minted on first use (in parallel: two cores mint two keys in the time of one).
fn key_pairs() -> Result<&'static (RsaKeyPem, RsaKeyPem), JoseError> {
    static KEYS: OnceLock<Result<(RsaKeyPem, RsaKeyPem), String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let (a, b) = std::thread::scope(|s| {
            let other = s.spawn(RsaKeyPem::generate);
            let first = RsaKeyPem::generate();
            let second = other
                .join()
                .unwrap_or_else(|_| Err(JoseError::Generate("the key thread panicked".into())));
            (first, second)
        });
        a.and_then(|a| b.map(|b| (a, b))).map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| JoseError::Generate(e.clone()))
}

/// Registers the two applications: what the bank keeps, and what the target gets.
pub(super) fn register() -> Result<(Vec<Application>, EmbeddedApps), JoseError> {
    let (main_keys, other_keys) = key_pairs()?;
    let make = |keys: &RsaKeyPem, permissions: bool| -> Result<_, JoseError> {
        let app = Application {
            app_id: random::token(16),
            app_secret: random::token(16),
            public_key: DecodingKey::from_rsa_pem(keys.public_pem.as_bytes())
                .map_err(JoseError::Key)?,
            scopes: ALL_SCOPES,
            certificate_permissions: permissions,
        };
        let credentials = AppCredentials {
            app_id: app.app_id.clone(),
            app_secret: Secret::new(app.app_secret.clone()),
            private_key: keys.private_pem.clone(),
        };
        Ok((app, credentials))
    };
    let (main, main_credentials) = make(main_keys, true)?;
    let (other, other_credentials) = make(other_keys, false)?;
    Ok((
        vec![main, other],
        EmbeddedApps {
            main: main_credentials,
            without_permissions: other_credentials,
        },
    ))
}
