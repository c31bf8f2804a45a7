//! The `settings:` section of a Salt Edge target file, and the run state built from it: the
//! application's id, secret and private key (secrets from the environment or a file), the provider
//! under test, and how to obtain an Access-Token.
//!
//! Parsing is strict (an unknown key is an error) and every secret is resolved and its key parsed
//! before the run starts, so a bad target file is exit 2 with the file named. This file must never
//! print a secret, nor read the environment other than through the target's secret resolution.

use std::collections::BTreeMap;

use serde::Deserialize;
use tokio::sync::Mutex;

use super::signing::Signer;
use crate::target::{Secret, SecretSpec, Target, TargetError};

/// The provider tested when the file names none.
const DEFAULT_PROVIDER: &str = "demobank";
/// Where Remote says the PSU goes back to when the file names no redirect_url.
const DEFAULT_REDIRECT_URL: &str = "https://tpp.example/saltedge/callback";
/// The error class pointers tried, in turn, when the file names none.
const DEFAULT_ERROR_CLASS_POINTERS: &[&str] =
    &["/error_class", "/error/class", "/error/error_class"];

/// One application's credentials as written in the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSettings {
    /// App-Id (connection details tab). Not a secret.
    pub app_id: String,
    /// App-Secret: `"${ENV}"` or `{ file: path }`.
    pub app_secret: SecretSpec,
    /// The RSA private key (PEM) the request JWTs are signed with: `{ file: path }` or `"${ENV}"`.
    pub private_key: SecretSpec,
}

/// The family's `settings:` section.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// App-Id (connection details tab). Not a secret.
    pub app_id: String,
    /// App-Secret: `"${ENV}"` or `{ file: path }`.
    pub app_secret: SecretSpec,
    /// The RSA private key (PEM) the request JWTs are signed with: `{ file: path }` or `"${ENV}"`.
    pub private_key: SecretSpec,
    /// The provider (ASPSP) the scenarios authorize at.
    #[serde(default)]
    pub provider_code: Option<String>,
    /// A provider that has not approved this TPP (SE-TOKEN-REMOTE-05).
    #[serde(default)]
    pub unapproved_provider_code: Option<String>,
    /// The authorization type Remote asks for; the provider's first when absent.
    #[serde(default)]
    pub authorization_type: Option<String>,
    /// The scopes Remote asks for.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    #[serde(default)]
    pub redirect_url: Option<String>,
    /// A ready Access-Token for the scenarios that only read with one.
    #[serde(default)]
    pub access_token: Option<SecretSpec>,
    /// Values of the session's fields by code; the provider's published sandbox_credentials when absent.
    #[serde(default)]
    pub sandbox_credentials: BTreeMap<String, SecretSpec>,
    /// A JSON pointer to the error class in error bodies.
    #[serde(default)]
    pub error_class_pointer: Option<String>,
    /// An application whose certificate has no permissions (capability saltedge.certificate-permissions).
    #[serde(default)]
    pub application_without_permissions: Option<AppSettings>,
    /// Credentials the bank issued that have already expired (SE-TOKEN-SHOW-06,
    /// SE-SESSION-CONFIRM-03 against a bank whose clock obconf cannot move).
    #[serde(default)]
    pub expired: Option<ExpiredSettings>,
}

/// `settings.expired`: an Access-Token past its expiry, and the secret of a session past its
/// lifetime, both issued to the target's application.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpiredSettings {
    #[serde(default)]
    pub access_token: Option<SecretSpec>,
    #[serde(default)]
    pub session_secret: Option<SecretSpec>,
}

/// One application, ready to sign.
#[derive(Debug)]
pub struct AppKeys {
    pub app_id: String,
    pub app_secret: Secret,
    pub signer: Signer,
}

/// What the family keeps for a run.
#[derive(Debug)]
pub struct SaltEdgeWire {
    pub app: AppKeys,
    pub without_permissions: Option<AppKeys>,
    pub provider_code: String,
    pub unapproved_provider_code: Option<String>,
    pub authorization_type: Option<String>,
    pub scopes: Vec<String>,
    pub redirect_url: String,
    pub access_token: Option<Secret>,
    /// `settings.expired.access_token`.
    pub expired_access_token: Option<Secret>,
    /// `settings.expired.session_secret`.
    pub expired_session_secret: Option<Secret>,
    /// The target's own sandbox credentials (empty: use the provider's published ones).
    pub sandbox_credentials: BTreeMap<String, Secret>,
    pub error_class_pointers: Vec<String>,
    /// The provider's published sandbox credentials, fetched once per run.
    pub published_credentials: Mutex<Option<BTreeMap<String, String>>>,
}

/// The line of `key:` in the target file, for messages (1 when not found).
fn line_of(target: &Target, key: &str) -> u64 {
    let needle = format!("{key}:");
    target
        .text
        .as_deref()
        .and_then(|t| t.lines().position(|l| l.trim_start().starts_with(&needle)))
        .map_or(1, |i| i as u64 + 1)
}

fn invalid(target: &Target, key: &str, message: String, hint: &str) -> TargetError {
    TargetError::Invalid {
        path: target.origin(),
        line: line_of(target, key),
        message,
        hint: hint.to_string(),
    }
}

fn secret(target: &Target, key: &str, spec: &SecretSpec) -> Result<Secret, TargetError> {
    target.resolve_secret(spec).map_err(|e| {
        invalid(
            target,
            key,
            format!("settings.{key}: {e}"),
            "secrets are \"${ENV_VAR}\" or { file: path }",
        )
    })
}

fn app_keys(
    target: &Target,
    app_id: &str,
    app_secret: &SecretSpec,
    private_key: &SecretSpec,
) -> Result<AppKeys, TargetError> {
    let private_key = secret(target, "private_key", private_key)?;
    let signer = Signer::from_pem(&private_key).map_err(|e| {
        invalid(
            target,
            "private_key",
            format!("settings.private_key is not an RSA private key in PEM: {e}"),
            "give the application's private key (-----BEGIN PRIVATE KEY----- or RSA PRIVATE KEY)",
        )
    })?;
    Ok(AppKeys {
        app_id: app_id.to_string(),
        app_secret: secret(target, "app_secret", app_secret)?,
        signer,
    })
}

/// Parses and resolves the target's settings.
pub fn prepare(target: &Target) -> Result<SaltEdgeWire, TargetError> {
    let settings = match target.settings::<Settings>()? {
        Some(s) => s,
        None => {
            return Err(invalid(
                target,
                "settings",
                "a saltedge target needs a `settings:` section".into(),
                "add settings: { app_id, app_secret, private_key } (see targets/saltedge.example.yaml)",
            ));
        }
    };
    let pointer = settings.error_class_pointer.clone();
    if let Some(p) = &pointer
        && !p.starts_with('/')
    {
        return Err(invalid(
            target,
            "error_class_pointer",
            format!("settings.error_class_pointer `{p}` is not a JSON pointer"),
            "write it as /error/class",
        ));
    }
    let access_token = match &settings.access_token {
        Some(spec) => Some(secret(target, "access_token", spec)?),
        None => None,
    };
    let expired = settings.expired.clone().unwrap_or_default();
    let expired_access_token = match &expired.access_token {
        Some(spec) => Some(secret(target, "access_token", spec)?),
        None => None,
    };
    let expired_session_secret = match &expired.session_secret {
        Some(spec) => Some(secret(target, "session_secret", spec)?),
        None => None,
    };
    let mut sandbox_credentials = BTreeMap::new();
    for (code, spec) in &settings.sandbox_credentials {
        sandbox_credentials.insert(code.clone(), secret(target, "sandbox_credentials", spec)?);
    }
    Ok(SaltEdgeWire {
        app: app_keys(
            target,
            &settings.app_id,
            &settings.app_secret,
            &settings.private_key,
        )?,
        without_permissions: settings
            .application_without_permissions
            .as_ref()
            .map(|a| app_keys(target, &a.app_id, &a.app_secret, &a.private_key))
            .transpose()?,
        provider_code: settings
            .provider_code
            .unwrap_or_else(|| DEFAULT_PROVIDER.to_string()),
        unapproved_provider_code: settings.unapproved_provider_code,
        authorization_type: settings.authorization_type,
        scopes: settings.scopes.unwrap_or_else(|| {
            ["accounts", "transactions", "trusted_beneficiaries"]
                .map(String::from)
                .to_vec()
        }),
        redirect_url: settings
            .redirect_url
            .unwrap_or_else(|| DEFAULT_REDIRECT_URL.to_string()),
        access_token,
        expired_access_token,
        expired_session_secret,
        sandbox_credentials,
        error_class_pointers: match pointer {
            Some(p) => vec![p],
            None => DEFAULT_ERROR_CLASS_POINTERS
                .iter()
                .map(|p| p.to_string())
                .collect(),
        },
        published_credentials: Mutex::new(None),
    })
}
