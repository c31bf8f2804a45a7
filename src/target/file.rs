//! The target file's shape, exactly as written, and its resolution into a [`Target`].
//!
//! Every struct denies unknown keys so that a typo is an error with a line number rather than a
//! silently ignored setting.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::{DEFAULT_TIMEOUT, Login, OAuth, Persona, SecretSpec, Target, TargetError, TlsSettings};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub name: String,
    pub family: Spanned<String>,
    #[serde(default)]
    pub base_url: Option<Spanned<String>>,
    #[serde(default)]
    pub embedded: bool,
    #[serde(default)]
    pub faults: Vec<String>,
    #[serde(default)]
    pub api_prefix: Option<String>,
    #[serde(default)]
    pub capabilities: Option<BTreeSet<String>>,
    #[serde(default)]
    pub personas: BTreeMap<String, PersonaSpec>,
    #[serde(default)]
    pub oauth: Option<OAuthSpec>,
    #[serde(default)]
    pub tls: Option<TlsSpec>,
    /// Per-request timeout in seconds.
    #[serde(default)]
    pub timeout_secs: Option<Spanned<u64>>,
    /// Upper bound on scenarios run at once against this bank.
    #[serde(default)]
    pub concurrency: Option<Spanned<usize>>,
    /// The family's own settings; the family checks them (see [`Target::settings`]).
    #[serde(default)]
    pub settings: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonaSpec {
    #[serde(default)]
    pub tokens: BTreeMap<String, Spanned<SecretSpec>>,
    #[serde(default)]
    pub login: Option<LoginSpec>,
    /// A refresh token obconf redeems itself for access tokens.
    #[serde(default)]
    pub refresh_token: Option<Spanned<SecretSpec>>,
    /// A command that prints an access token (for banks whose PSU login needs a browser). Run with
    /// OBCONF_PERSONA and OBCONF_SCOPE set; its standard output, trimmed, is the token.
    #[serde(default)]
    pub token_command: Option<String>,
    #[serde(default)]
    pub accounts: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginSpec {
    pub username: String,
    pub password: Spanned<SecretSpec>,
}

/// The `oauth:` section has no secrets, so it is read as it is.
pub type OAuthSpec = OAuth;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSpec {
    /// Extra CA certificate (PEM) to trust.
    #[serde(default)]
    pub ca: Option<Spanned<PathBuf>>,
    /// Client certificate (PEM) for mutual TLS.
    #[serde(default)]
    pub client_cert: Option<Spanned<PathBuf>>,
    /// Client private key (PEM) for mutual TLS.
    #[serde(default)]
    pub client_key: Option<Spanned<PathBuf>>,
    /// Turns certificate verification off. Prints a warning on every run.
    #[serde(default)]
    pub insecure: bool,
}

impl TargetFile {
    pub(super) fn resolve(
        self,
        path: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Target, TargetError> {
        let shown = path.display().to_string();
        let base_dir = path.parent().unwrap_or(Path::new("."));
        let invalid = |line: u64, message: String, hint: &str| TargetError::Invalid {
            path: shown.clone(),
            line,
            message,
            hint: hint.to_string(),
        };

        let base_url = match (&self.base_url, self.embedded) {
            (Some(url), false) => {
                let value = url.value.trim();
                if !(value.starts_with("http://") || value.starts_with("https://")) {
                    return Err(invalid(
                        url.referenced.line(),
                        format!("base_url `{value}` is not an http:// or https:// URL"),
                        "write it as https://host:port, without the API prefix",
                    ));
                }
                value.trim_end_matches('/').to_string()
            }
            (Some(url), true) => {
                return Err(invalid(
                    url.referenced.line(),
                    "an embedded target must not set base_url".into(),
                    "remove base_url, or remove `embedded: true` to run against that URL",
                ));
            }
            (None, true) => String::new(),
            (None, false) => {
                return Err(invalid(
                    1,
                    "base_url is missing".into(),
                    "add `base_url: https://host:port`, or `embedded: true` for the embedded bank",
                ));
            }
        };
        if !self.faults.is_empty() && !self.embedded {
            return Err(invalid(
                1,
                "faults can only be switched on in an embedded bank".into(),
                "remove `faults`, or add `embedded: true`",
            ));
        }

        let mut personas = BTreeMap::new();
        for (name, spec) in self.personas {
            let mut tokens = BTreeMap::new();
            for (scope, secret) in spec.tokens {
                let value = secret.value.resolve(base_dir, env).map_err(|e| {
                    invalid(
                        secret.referenced.line(),
                        format!("persona {name}, token `{scope}`: {e}"),
                        "tokens are `${ENV_VAR}` or `{ file: path }`",
                    )
                })?;
                tokens.insert(scope, value);
            }
            let login = match spec.login {
                Some(l) => Some(Login {
                    username: l.username,
                    password: l.password.value.resolve(base_dir, env).map_err(|e| {
                        invalid(
                            l.password.referenced.line(),
                            format!("persona {name}, login password: {e}"),
                            "passwords are `${ENV_VAR}` or `{ file: path }`",
                        )
                    })?,
                }),
                None => None,
            };
            let refresh_token = match spec.refresh_token {
                Some(r) => Some(r.value.resolve(base_dir, env).map_err(|e| {
                    invalid(
                        r.referenced.line(),
                        format!("persona {name}, refresh_token: {e}"),
                        "refresh tokens are `${ENV_VAR}` or `{ file: path }`",
                    )
                })?),
                None => None,
            };
            personas.insert(
                name,
                Persona {
                    tokens,
                    login,
                    refresh_token,
                    token_command: spec.token_command,
                    accounts: spec.accounts,
                },
            );
        }

        let tls = match self.tls {
            Some(spec) => spec.resolve(base_dir, &shown)?,
            None => TlsSettings::default(),
        };
        let timeout = match self.timeout_secs {
            Some(t) if t.value == 0 => {
                return Err(invalid(
                    t.referenced.line(),
                    "timeout_secs must be at least 1".into(),
                    "give the per-request timeout in seconds, e.g. `timeout_secs: 30`",
                ));
            }
            Some(t) => Duration::from_secs(t.value),
            None => DEFAULT_TIMEOUT,
        };
        let concurrency = match self.concurrency {
            Some(c) if c.value == 0 => {
                return Err(invalid(
                    c.referenced.line(),
                    "concurrency must be at least 1".into(),
                    "`concurrency: 1` runs one scenario at a time",
                ));
            }
            Some(c) => Some(c.value),
            None => None,
        };

        Ok(Target {
            name: self.name,
            family: self.family.value,
            source: Some(path.to_path_buf()),
            base_url,
            api_prefix: self.api_prefix.map(|p| p.trim_end_matches('/').to_string()),
            embedded: self.embedded,
            faults: self.faults,
            variant: None,
            real_waits: false,
            capabilities: self.capabilities,
            personas,
            oauth: self.oauth,
            tls,
            timeout,
            concurrency,
            settings: self.settings,
            base_dir: base_dir.to_path_buf(),
            text: None,
        })
    }

    /// The line of the `family:` value, for "unknown family" messages.
    pub fn family_line(&self) -> u64 {
        self.family.referenced.line()
    }
}

impl TlsSpec {
    fn resolve(self, base_dir: &Path, shown: &str) -> Result<TlsSettings, TargetError> {
        let read = |p: &Spanned<PathBuf>, what: &str| {
            let full = base_dir.join(&p.value);
            std::fs::read(&full).map_err(|e| TargetError::Invalid {
                path: shown.to_string(),
                line: p.referenced.line(),
                message: format!("cannot read the {what} `{}`: {e}", full.display()),
                hint: "paths in a target file are relative to the file itself".into(),
            })
        };
        let read_pem = |p: &Spanned<PathBuf>, what: &str, marker: &str, hint: &str| {
            let bytes = read(p, what)?;
            if bytes.windows(marker.len()).any(|w| w == marker.as_bytes()) {
                return Ok(bytes);
            }
            Err(TargetError::Invalid {
                path: shown.to_string(),
                line: p.referenced.line(),
                message: format!(
                    "the {what} `{}` is not PEM: it has no `{marker}` block",
                    p.value.display()
                ),
                hint: hint.to_string(),
            })
        };
        const CERT: &str = "-----BEGIN CERTIFICATE-----";
        const CERT_HINT: &str =
            "convert a DER certificate with `openssl x509 -inform der -in cert.der -out cert.pem`";
        let ca_pem = self
            .ca
            .as_ref()
            .map(|p| read_pem(p, "CA certificate", CERT, CERT_HINT))
            .transpose()?;
        let identity_pem = match (&self.client_cert, &self.client_key) {
            (Some(cert), Some(key)) => {
                let mut pem = read_pem(cert, "client certificate", CERT, CERT_HINT)?;
                pem.push(b'\n');
                pem.extend(read_pem(
                    key,
                    "client key",
                    "PRIVATE KEY-----",
                    "convert a DER key with `openssl pkey -inform der -in key.der -out key.pem`",
                )?);
                let text = String::from_utf8(pem).map_err(|_| TargetError::Invalid {
                    path: shown.to_string(),
                    line: cert.referenced.line(),
                    message: "the client certificate or key is not PEM text".into(),
                    hint: "convert DER files with `openssl x509 -inform der -out cert.pem`".into(),
                })?;
                Some(super::Secret::new(text))
            }
            (None, None) => None,
            (Some(p), None) | (None, Some(p)) => {
                return Err(TargetError::Invalid {
                    path: shown.to_string(),
                    line: p.referenced.line(),
                    message: "tls needs both client_cert and client_key, or neither".into(),
                    hint: "add the missing one".into(),
                });
            }
        };
        Ok(TlsSettings {
            ca_pem,
            identity_pem,
            insecure: self.insecure,
        })
    }
}
