//! The target: which bank a run talks to and with what credentials, read from a YAML file.
//!
//! The file is strict (an unknown key is an error with its line), secrets are never required inline
//! (`${ENV_VAR}` or `{ file: path }`), paths are relative to the file, and nothing about a particular
//! API family is hard-coded here: family names and defaults come from the family registry.
//! Loading never touches the network.

mod file;
mod lines;
pub mod secret;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use file::{LoginSpec, OAuthSpec, PersonaSpec, TargetFile, TlsSpec};
pub use secret::{Secret, SecretError, SecretSpec};

/// Requests that take longer than this fail, unless the target file says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A target ready to run against: every secret resolved, every path read.
#[derive(Clone, Debug)]
pub struct Target {
    pub name: String,
    pub family: String,
    /// Where it was read from, for messages; `None` for a target built in memory.
    pub source: Option<PathBuf>,
    /// `scheme://host:port`, no trailing slash. Empty for an embedded target until its bank starts.
    pub base_url: String,
    /// `None` means the family's default prefix.
    pub api_prefix: Option<String>,
    /// Whether the run starts the family's embedded bank and points this target at it.
    pub embedded: bool,
    /// Faults to switch on in the embedded bank (embedded targets only).
    pub faults: Vec<String>,
    /// The seed of a healthy variant of the embedded bank (embedded targets only): its data,
    /// ids, page sizes, optional fields, orders and documented readings drawn from the seed
    /// within what the document allows. `None` is the canonical bank.
    pub variant: Option<u64>,
    /// Set by `run --allow-waits`: against a bank whose clock obconf cannot move, the clock
    /// scenarios wait the time they name for real (concurrently with the rest) instead of being
    /// skipped.
    pub real_waits: bool,
    /// Capabilities declared by the file; `None` lets an embedded bank declare its own.
    pub capabilities: Option<BTreeSet<String>>,
    pub personas: BTreeMap<String, Persona>,
    pub oauth: Option<OAuth>,
    pub tls: TlsSettings,
    pub timeout: Duration,
    pub concurrency: Option<usize>,
    /// The family's own `settings:` section, unchecked here (see [`Target::settings`]).
    pub settings: Option<serde_json::Value>,
    /// The folder relative paths and `{ file: }` secrets resolve against.
    pub base_dir: PathBuf,
    /// The file's text, kept so that family settings errors can point at their line.
    pub text: Option<String>,
}

/// A PSU persona as the target knows it.
#[derive(Clone, Debug, Default)]
pub struct Persona {
    /// Ready access tokens by scope name (`aisp`, `pisp`), plus `expired` for a token the bank issued
    /// that has since expired.
    pub tokens: BTreeMap<String, Secret>,
    /// The PSU's credentials at the bank: obconf authorises itself through the bank's login page
    /// (authorization-code flow), or the password grant when the target has no authorize_url.
    pub login: Option<Login>,
    /// A refresh token obconf redeems for access tokens.
    pub refresh_token: Option<Secret>,
    /// A command that prints an access token.
    pub token_command: Option<String>,
    /// Account overrides: role name (as the features use it) to IBAN.
    pub accounts: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
pub struct Login {
    pub username: String,
    pub password: Secret,
}

/// The bank's OAuth2 endpoints and the TPP's client identity. URLs are absolute, or paths on
/// `base_url`.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth {
    pub token_url: String,
    pub client_id: String,
    /// Where the PSU authorises the TPP (authorization-code flow).
    #[serde(default)]
    pub authorize_url: Option<String>,
    /// Where the TPP revokes a refresh token.
    #[serde(default)]
    pub revoke_url: Option<String>,
    /// The TPP's registered callback.
    #[serde(default)]
    pub redirect_uri: Option<String>,
}

/// TLS material for the client side.
#[derive(Clone, Debug, Default)]
pub struct TlsSettings {
    /// Extra trusted CA certificates, PEM.
    pub ca_pem: Option<Vec<u8>>,
    /// Client certificate and key, PEM, in one buffer (for mTLS). A secret: never printed.
    pub identity_pem: Option<Secret>,
    /// Certificate verification turned off. Only ever by an explicit `insecure: true`.
    pub insecure: bool,
}

/// Why a target file could not be used. Rendered once, at the command line's edge.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("cannot read target file `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// serde-saphyr's own rendering, with the line, column and a snippet.
    #[error("{rendered}\n  hint: the example target files under targets/ document every key")]
    Syntax { rendered: String },
    #[error("{path}:{line}: {message}\n  hint: {hint}")]
    Invalid {
        path: String,
        line: u64,
        message: String,
        hint: String,
    },
}

fn syntax(e: &serde_saphyr::Error, path: &Path) -> TargetError {
    TargetError::Syntax {
        rendered: e
            .to_string()
            .replace("<input>", &path.display().to_string()),
    }
}

impl Target {
    /// The target of a family's embedded bank, before the bank starts and completes it (base URL,
    /// certificates, personas, capabilities).
    pub fn embedded(family: &str) -> Self {
        Self {
            name: format!("embedded-{family}"),
            family: family.to_string(),
            source: None,
            base_url: String::new(),
            api_prefix: None,
            embedded: true,
            faults: Vec::new(),
            variant: None,
            real_waits: false,
            capabilities: None,
            personas: BTreeMap::new(),
            oauth: None,
            tls: TlsSettings::default(),
            timeout: Duration::from_secs(10),
            concurrency: None,
            settings: None,
            base_dir: PathBuf::from("."),
            text: None,
        }
    }

    /// Reads and resolves a target file. `env` looks up environment variables.
    pub fn load(path: &Path, env: &dyn Fn(&str) -> Option<String>) -> Result<Self, TargetError> {
        let bytes = std::fs::read(path).map_err(|source| TargetError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let shown = path.display().to_string();
        let text = String::from_utf8(bytes).map_err(|e| {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = good.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            let column = good.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            TargetError::Invalid {
                path: shown.clone(),
                line,
                message: format!(
                    "the target file is not UTF-8 text (a byte at column {column} is not)"
                ),
                hint: "save the file as UTF-8 (`iconv -f latin1 -t utf-8`)".into(),
            }
        })?;
        if text.trim().is_empty() {
            return Err(TargetError::Invalid {
                path: shown,
                line: 1,
                message: "the target file is empty".into(),
                hint: "it needs at least name, family and base_url: start from the family's example under targets/".into(),
            });
        }
        Self::parse(&text, path, env)
    }

    /// Parses and resolves target-file text; `path` names it in messages and anchors relative paths.
    pub fn parse(
        text: &str,
        path: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, TargetError> {
        let file: TargetFile = serde_saphyr::from_str(text).map_err(|e| syntax(&e, path))?;
        let mut target = file.resolve(path, env)?;
        target.text = Some(text.to_string());
        Ok(target)
    }

    /// The family's `settings:` section as `T` (which should deny unknown fields). Errors point at
    /// the file and line. `None` when the section is absent.
    pub fn settings<T: serde::de::DeserializeOwned>(&self) -> Result<Option<T>, TargetError> {
        #[derive(serde::Deserialize)]
        struct Doc<T> {
            #[serde(default = "Option::default")]
            settings: Option<T>,
        }
        // From the file's text when the file has the section (errors then carry its line); else
        // from the value set in memory (an embedded bank completing its target).
        if let (Some(text), Some(path)) = (&self.text, &self.source) {
            let from_file = serde_saphyr::from_str::<Doc<T>>(text)
                .map(|d| d.settings)
                .map_err(|e| syntax(&e, path))?;
            if from_file.is_some() {
                return Ok(from_file);
            }
        }
        match &self.settings {
            None => Ok(None),
            Some(v) => {
                serde_json::from_value(v.clone())
                    .map(Some)
                    .map_err(|e| TargetError::Invalid {
                        path: self.origin(),
                        line: 1,
                        message: format!("settings: {e}"),
                        hint: "see the family's example target file under targets/".into(),
                    })
            }
        }
    }

    /// Resolves a secret written in the family's settings, relative to the target file.
    pub fn resolve_secret(&self, spec: &SecretSpec) -> Result<Secret, SecretError> {
        spec.resolve(&self.base_dir, &|k| std::env::var(k).ok())
    }

    /// Declares `capabilities` when the target file declared none: what an embedded bank does for
    /// its own target.
    pub fn declare_if_unset(&mut self, capabilities: &[&str]) {
        self.capabilities
            .get_or_insert_with(|| capabilities.iter().map(|c| c.to_string()).collect());
    }

    /// Refuses a declared capability that is not in `known` (the family's list): a misspelt one
    /// would silently skip the scenarios it was meant to run. The engine's own capabilities
    /// (`sandbox.clock`) are declared by the engine, never by a file.
    pub fn check_capabilities(&self, known: &[&str]) -> Result<(), TargetError> {
        for declared in self.capabilities.iter().flatten() {
            if !known.contains(&declared.as_str()) {
                let line = self
                    .text
                    .as_deref()
                    .and_then(|t| t.lines().position(|l| l.contains(declared.as_str())))
                    .map_or(1, |i| i as u64 + 1);
                return Err(TargetError::Invalid {
                    path: self.origin(),
                    line,
                    message: format!(
                        "capabilities: `{declared}` is not a capability of the {} family",
                        self.family
                    ),
                    hint: if declared == crate::features::SANDBOX_CLOCK {
                        "sandbox.clock is never declared by a file: the engine gives it to an embedded bank whose clock scenarios may move; against an outside bank, give already-expired credentials in the target file (see the family's example) and remove the line".to_string()
                    } else if known.is_empty() {
                        format!(
                            "the {} family has no optional capabilities: remove the line",
                            self.family
                        )
                    } else {
                        format!("declare only these: {}", known.join(", "))
                    },
                });
            }
        }
        Ok(())
    }

    /// The capabilities this target declares (none when the file declares none).
    pub fn declared_capabilities(&self) -> BTreeSet<String> {
        self.capabilities.clone().unwrap_or_default()
    }

    /// Where to say a problem is: the file, or "the embedded target".
    pub fn origin(&self) -> String {
        match &self.source {
            Some(p) => p.display().to_string(),
            None => format!("the embedded {} target", self.family),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct FamilySettings {
        app_id: String,
    }

    #[test]
    fn family_settings_are_parsed_by_the_family_with_their_line() {
        let env = |_: &str| None;
        let text =
            "name: x\nfamily: f\nbase_url: https://h\nsettings:\n  app_id: a\n  app_idd: b\n";
        let t = Target::parse(text, Path::new("t.yaml"), &env).unwrap();
        let err = t.settings::<FamilySettings>().unwrap_err().to_string();
        assert!(err.contains("t.yaml:6:3"), "{err}");
        let ok = "name: x\nfamily: f\nbase_url: https://h\nsettings:\n  app_id: a\n";
        let t = Target::parse(ok, Path::new("t.yaml"), &env).unwrap();
        assert_eq!(t.settings::<FamilySettings>().unwrap().unwrap().app_id, "a");
        let none = Target::parse(
            "name: x\nfamily: f\nbase_url: https://h\n",
            Path::new("t.yaml"),
            &env,
        )
        .unwrap();
        assert!(none.settings::<FamilySettings>().unwrap().is_none());
    }

    #[test]
    fn a_capability_the_family_does_not_know_is_an_error_with_its_line() {
        let env = |_: &str| None;
        let text = "name: x\nfamily: f\nbase_url: https://h\ncapabilities: [f.pay, f.payz]\n";
        let t = Target::parse(text, Path::new("t.yaml"), &env).unwrap();
        assert!(t.check_capabilities(&["f.pay", "f.payz"]).is_ok());
        assert_eq!(
            t.check_capabilities(&["f.pay", "f.cards"])
                .unwrap_err()
                .to_string(),
            "t.yaml:4: capabilities: `f.payz` is not a capability of the f family\n  hint: declare only these: f.pay, f.cards"
        );
        assert!(
            t.check_capabilities(&[])
                .unwrap_err()
                .to_string()
                .contains("no optional capabilities")
        );
    }
}
