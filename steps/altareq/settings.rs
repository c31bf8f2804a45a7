//! What an AlTareq run needs from its target: the issuer and endpoint overrides, the two TPP
//! clients (ids, signing keys, transport certificates), the redirect URI, how the PSU authorises,
//! the payment and Confirmation of Payee test data, and the tolerances where the sources disagree.
//! Checked once, in `Family::prepare`; an error names the target file and line.
//!
//! Secrets (`signing_key`, `transport_key`) use the target file's secret forms (`"${ENV}"`,
//! `{ file: }`) and are never printed. This file must never send a request.

use std::path::PathBuf;

use serde::Deserialize;

use crate::target::{Secret, SecretSpec, Target, TargetError};

/// The version of the standard the scenarios are written to.
pub const VERSION: &str = "v2.1";

/// The `settings:` section of an AlTareq target file, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    version: Option<String>,
    issuer: String,
    #[serde(default)]
    endpoints: Endpoints,
    redirect_uri: String,
    client: ClientSpec,
    client2: ClientSpec,
    authoriser: AuthoriserSpec,
    #[serde(default)]
    payments: Option<PaymentsSpec>,
    #[serde(default)]
    cop: Option<CopSpec>,
    #[serde(default)]
    tolerances: Tolerances,
}

/// Endpoints that override the issuer's discovery document (absolute URLs).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    #[serde(default)]
    pub authorization: Option<String>,
    #[serde(default)]
    pub par: Option<String>,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub registration: Option<String>,
    #[serde(default)]
    pub jwks: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientSpec {
    client_id: String,
    signing_kid: String,
    signing_key: SecretSpec,
    /// A PEM file relative to the target file, or the PEM text itself.
    transport_cert: String,
    transport_key: SecretSpec,
}

/// How the PSU authorises a consent.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Authoriser {
    /// The Ozone sandbox API the Postman collection drives: getAuth at the authorization
    /// endpoint, the consent manager's GET and PATCH, doConfirm answering 303 to the callback.
    Headless {
        consent_manager: String,
        user_id: String,
        account_ids: Vec<String>,
        debtor_account_id: String,
        #[serde(default = "web")]
        authorization_channel: String,
    },
    /// A program that receives the authorization URL (argument and `OBCONF_AUTHORIZATION_URL`)
    /// and prints the callback URL on its standard output.
    Command {
        command: String,
        #[serde(default = "default_timeout")]
        timeout_secs: u64,
    },
}

/// The raw form, so that errors in it keep their line.
type AuthoriserSpec = Authoriser;

fn web() -> String {
    "Web".into()
}

fn default_timeout() -> u64 {
    120
}

/// The creditor of the payment scenarios.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Creditor {
    pub iban: String,
    pub name: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentsSpec {
    creditor: Creditor,
}

/// A payee's name as Confirmation of Payee takes it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayeeName {
    pub full: String,
    #[serde(default)]
    pub given: Option<String>,
    #[serde(default)]
    pub last: Option<String>,
}

/// Confirmation of Payee test data: an account, its holder's name, a wrong and a close name.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cop {
    pub iban: String,
    pub name: PayeeName,
    pub wrong_name: String,
    pub close_name: String,
}

type CopSpec = Cop;

/// Where the sources disagree, what the target's bank is allowed to answer. The defaults are the
/// notes' readings (§15): PAR answers 201, a bad request object is `invalid_request_object`, a bad
/// client assertion `invalid_client`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerances {
    #[serde(default = "par_status")]
    pub par_status: Vec<u16>,
    #[serde(default = "request_object_error")]
    pub request_object_error: Vec<String>,
    #[serde(default = "client_auth_error")]
    pub client_auth_error: Vec<String>,
}

impl Default for Tolerances {
    fn default() -> Self {
        Self {
            par_status: par_status(),
            request_object_error: request_object_error(),
            client_auth_error: client_auth_error(),
        }
    }
}

fn par_status() -> Vec<u16> {
    vec![201]
}

fn request_object_error() -> Vec<String> {
    vec!["invalid_request_object".into()]
}

fn client_auth_error() -> Vec<String> {
    vec!["invalid_client".into()]
}

/// One registered TPP client, resolved: its id, its signing key, and its transport identity.
#[derive(Clone, Debug)]
pub struct ClientSettings {
    pub client_id: String,
    pub signing_kid: String,
    /// PKCS#8 (or PKCS#1) RSA private key, PEM.
    pub signing_key: Secret,
    /// The transport certificate and its key, PEM, in one buffer (the mTLS identity).
    pub transport_identity: Secret,
}

/// The settings of a run, resolved and checked.
#[derive(Clone, Debug)]
pub struct AltareqSettings {
    pub version: String,
    /// `https://host[:port]`, without a trailing slash: discovery is at
    /// `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub endpoints: Endpoints,
    pub redirect_uri: String,
    pub client: ClientSettings,
    pub client2: ClientSettings,
    pub authoriser: Authoriser,
    pub creditor: Option<Creditor>,
    pub cop: Option<Cop>,
    pub tolerances: Tolerances,
}

/// Reads and checks the AlTareq part of `target`.
pub fn parse(target: &Target) -> Result<AltareqSettings, TargetError> {
    let invalid = |needle: &str, message: String, hint: &str| TargetError::Invalid {
        path: target.origin(),
        line: line_of(target, needle),
        message,
        hint: hint.to_string(),
    };
    let settings: Settings = target.settings()?.ok_or_else(|| {
        invalid(
            "family:",
            "the AlTareq settings are missing".into(),
            "add a `settings:` section with issuer, redirect_uri, client, client2 and authoriser (see targets/altareq.example.yaml)",
        )
    })?;
    let version = settings.version.unwrap_or_else(|| VERSION.to_string());
    if version != VERSION {
        return Err(invalid(
            "version:",
            format!("settings.version `{version}` is not supported"),
            "the scenarios are written to UAE Open Finance v2.1 (+ errata2): write `version: v2.1`",
        ));
    }
    let issuer = https_url(target, "issuer", &settings.issuer)?;
    for (key, url) in [
        ("authorization", &settings.endpoints.authorization),
        ("par", &settings.endpoints.par),
        ("token", &settings.endpoints.token),
        ("registration", &settings.endpoints.registration),
        ("jwks", &settings.endpoints.jwks),
    ] {
        if let Some(url) = url {
            https_url(target, key, url)?;
        }
    }
    if !settings.redirect_uri.starts_with("https://") {
        return Err(invalid(
            "redirect_uri:",
            format!(
                "settings.redirect_uri `{}` is not an https:// URL",
                settings.redirect_uri
            ),
            "write the callback registered for both clients at the trust framework",
        ));
    }
    let client = settings.client.resolve(target, "client:")?;
    let client2 = settings.client2.resolve(target, "client2:")?;
    if client.client_id == client2.client_id {
        return Err(invalid(
            "client2:",
            "settings.client2 has the same client_id as settings.client".into(),
            "the binding and cross-client checks need a second registered client",
        ));
    }
    match &settings.authoriser {
        Authoriser::Headless {
            consent_manager,
            account_ids,
            debtor_account_id,
            ..
        } => {
            https_url(target, "consent_manager", consent_manager)?;
            if account_ids.is_empty() {
                return Err(invalid(
                    "account_ids:",
                    "settings.authoriser.account_ids is empty".into(),
                    "list the PSU's accounts to share (at least one)",
                ));
            }
            if debtor_account_id.is_empty() {
                return Err(invalid(
                    "debtor_account_id:",
                    "settings.authoriser.debtor_account_id is empty".into(),
                    "name the PSU's account that pays",
                ));
            }
        }
        Authoriser::Command {
            command,
            timeout_secs,
        } => {
            if command.trim().is_empty() || *timeout_secs == 0 {
                return Err(invalid(
                    "command:",
                    "settings.authoriser needs a command and a timeout above 0".into(),
                    "write `{ kind: command, command: ./authorise.sh, timeout_secs: 120 }`",
                ));
            }
        }
    }
    let tolerances = settings.tolerances;
    if tolerances.par_status.is_empty()
        || tolerances
            .par_status
            .iter()
            .any(|s| !matches!(s, 200 | 201))
    {
        return Err(invalid(
            "par_status:",
            format!(
                "settings.tolerances.par_status {:?} allows a status no source gives",
                tolerances.par_status
            ),
            "RFC 9126 and v1.2 say 201, the v2.1 OpenAPI says 200: list one or both",
        ));
    }
    for (key, list) in [
        ("request_object_error:", &tolerances.request_object_error),
        ("client_auth_error:", &tolerances.client_auth_error),
    ] {
        if list.is_empty() {
            return Err(invalid(
                key,
                format!("settings.tolerances.{} is empty", key.trim_end_matches(':')),
                "list at least one OAuth error code",
            ));
        }
    }
    Ok(AltareqSettings {
        version,
        issuer,
        endpoints: settings.endpoints,
        redirect_uri: settings.redirect_uri,
        client,
        client2,
        authoriser: settings.authoriser,
        creditor: settings.payments.map(|p| p.creditor),
        cop: settings.cop,
        tolerances,
    })
}

impl ClientSpec {
    fn resolve(self, target: &Target, section: &str) -> Result<ClientSettings, TargetError> {
        let invalid = |message: String, hint: &str| TargetError::Invalid {
            path: target.origin(),
            line: line_of(target, section),
            message,
            hint: hint.to_string(),
        };
        let name = section.trim_end_matches(':');
        if self.client_id.trim().is_empty() || self.signing_kid.trim().is_empty() {
            return Err(invalid(
                format!("settings.{name} needs a client_id and a signing_kid"),
                "the client_id is the application's UUID at the trust framework, the signing_kid its signing key's kid",
            ));
        }
        let signing_key = target.resolve_secret(&self.signing_key).map_err(|e| {
            invalid(
                format!("settings.{name}.signing_key: {e}"),
                "the TPP's signing private key, PEM",
            )
        })?;
        if josekit::jwk::alg::rsa::RsaKeyPair::from_pem(signing_key.expose().as_bytes()).is_err() {
            return Err(invalid(
                format!("settings.{name}.signing_key is not an RSA private key in PEM"),
                "give the PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 key of the signing certificate",
            ));
        }
        let cert = if self.transport_cert.trim_start().starts_with("-----BEGIN") {
            self.transport_cert.clone()
        } else {
            let path = target.base_dir.join(PathBuf::from(&self.transport_cert));
            std::fs::read_to_string(&path).map_err(|e| {
                invalid(
                    format!(
                        "cannot read settings.{name}.transport_cert `{}`: {e}",
                        path.display()
                    ),
                    "paths in a target file are relative to the file itself",
                )
            })?
        };
        let key = target.resolve_secret(&self.transport_key).map_err(|e| {
            invalid(
                format!("settings.{name}.transport_key: {e}"),
                "the transport certificate's private key, PEM",
            )
        })?;
        let identity = Secret::new(format!("{}\n{}\n", cert.trim(), key.expose().trim()));
        if reqwest::Identity::from_pem(identity.expose().as_bytes()).is_err() {
            return Err(invalid(
                format!(
                    "settings.{name}.transport_cert and transport_key do not make a TLS client identity"
                ),
                "give the transport certificate (PEM) and its private key (PEM)",
            ));
        }
        Ok(ClientSettings {
            client_id: self.client_id,
            signing_kid: self.signing_kid,
            signing_key,
            transport_identity: identity,
        })
    }
}

/// `url` without its trailing slash, when it is an absolute https URL.
fn https_url(target: &Target, key: &str, url: &str) -> Result<String, TargetError> {
    let trimmed = url.trim().trim_end_matches('/');
    if !trimmed.starts_with("https://") || trimmed.len() <= "https://".len() {
        return Err(TargetError::Invalid {
            path: target.origin(),
            line: line_of(target, &format!("{key}:")),
            message: format!("settings: {key} `{url}` is not an https:// URL"),
            hint: "FAPI 2.0 endpoints are https URLs: write https://host[:port][/path]".into(),
        });
    }
    Ok(trimmed.to_string())
}

/// The first line of the target file, comments aside, that contains `needle` (1 when there is no
/// file or no such line): where to point a settings error that serde could not place.
fn line_of(target: &Target, needle: &str) -> u64 {
    target
        .text
        .as_deref()
        .and_then(|t| {
            t.lines()
                .position(|l| !l.trim_start().starts_with('#') && l.contains(needle))
        })
        .map_or(1, |i| i as u64 + 1)
}
