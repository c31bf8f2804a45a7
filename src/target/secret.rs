//! Secret values in target files: `${ENV_VAR}` references, `{ file: path }`, or (discouraged) inline.
//!
//! A [`Secret`] resolves once, when the target is loaded, and registers its value with
//! [`crate::redact`] so that it can never be printed. Its `Debug` and `Display` never show the value.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// A credential taken from the target file, resolved and registered for redaction.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value obtained at run time (a token a bank issued) and registers it for redaction.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        crate::redact::register(&value);
        Self(value)
    }

    /// The value, for the one place that sends it (an HTTP header or body).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::redact::MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::redact::MASK)
    }
}

/// How a secret is written in the file, before resolution.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum SecretSpec {
    /// `"${ENV_VAR}"` or, discouraged, a literal value.
    Text(String),
    /// `{ file: path }`: the file's content, trimmed; the path is relative to the target file.
    File { file: PathBuf },
}

/// Why a secret could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("environment variable `{var}` is not set (hint: export {var}=... before the run)")]
    MissingEnv { var: String },
    #[error(
        "cannot read secret file `{path}`: {source} (hint: paths are relative to the target file)"
    )]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("secret file `{path}` is empty")]
    EmptyFile { path: PathBuf },
}

impl SecretSpec {
    /// Resolves the value, reading the environment through `env` (so tests need not mutate it).
    pub fn resolve(
        &self,
        base_dir: &Path,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Secret, SecretError> {
        match self {
            SecretSpec::Text(text) => Ok(Secret::new(expand_env(text, env)?)),
            SecretSpec::File { file } => {
                let path = base_dir.join(file);
                let content =
                    std::fs::read_to_string(&path).map_err(|source| SecretError::File {
                        path: path.clone(),
                        source,
                    })?;
                let value = content.trim();
                if value.is_empty() {
                    return Err(SecretError::EmptyFile { path });
                }
                Ok(Secret::new(value))
            }
        }
    }
}

/// Replaces every `${NAME}` in `text` with the variable's value.
pub fn expand_env(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<String, SecretError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let var = &after[..end];
        let value = env(var).ok_or_else(|| SecretError::MissingEnv {
            var: var.to_string(),
        })?;
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_references_expand_and_missing_ones_name_the_variable() {
        let env = |k: &str| (k == "LEA_AISP").then(|| "tok-lea-123456".to_string());
        let s = SecretSpec::Text("${LEA_AISP}".into())
            .resolve(Path::new("."), &env)
            .unwrap();
        assert_eq!(s.expose(), "tok-lea-123456");
        assert_eq!(format!("{s:?} {s}"), "[REDACTED] [REDACTED]");
        let err = SecretSpec::Text("${NOPE}".into())
            .resolve(Path::new("."), &env)
            .unwrap_err();
        assert!(err.to_string().contains("`NOPE` is not set"));
    }
}
