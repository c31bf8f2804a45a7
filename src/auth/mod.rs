//! Access tokens for personas: taken from the target file, or obtained from the bank's token endpoint.
//!
//! One [`TokenBook`] per run caches tokens by persona and scope, so a suite asks the bank for each
//! token once. Every token is a [`Secret`] and is registered for redaction the moment it is known.
//! This module must never log a token or a password.

use std::collections::HashMap;
use std::sync::Arc;

pub mod httpsig;
pub mod jose;
pub mod oauth;

use tokio::sync::Mutex;

use crate::family::Wire;
use crate::http::{Exchange, HttpClient};
use crate::target::{Secret, Target};

/// Why a persona has no token for a scope.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(
        "{origin} has no persona {persona} (hint: add `personas: {{ {persona}: {{ tokens: {{ {scope}: \"${{ENV_VAR}}\" }} }} }}`)"
    )]
    UnknownPersona {
        origin: String,
        persona: String,
        scope: String,
    },
    #[error(
        "persona {persona} of {origin} has no `{scope}` token and no login (hint: add personas.{persona}.tokens.{scope})"
    )]
    NoToken {
        origin: String,
        persona: String,
        scope: String,
    },
    #[error("persona {persona} has a login but {origin} has no `oauth` section with the token_url")]
    NoTokenEndpoint { origin: String, persona: String },
    #[error("{persona} could not authorise the TPP at the bank's login page: {reason}\n{evidence}")]
    Authorize {
        persona: String,
        reason: String,
        evidence: String,
    },
    #[error("the token command of persona {persona} (`{command}`) failed: {reason}")]
    Command {
        persona: String,
        command: String,
        reason: String,
    },
    #[error("the bank refused a `{scope}` token for {persona}: {summary}\n{evidence}")]
    Refused {
        persona: String,
        scope: String,
        summary: String,
        evidence: String,
    },
}

/// Tokens of one run, by (persona, scope).
#[derive(Debug)]
pub struct TokenBook {
    target: Arc<Target>,
    http: HttpClient,
    /// The family's wire: token requests go through it like every other request.
    wire: Arc<dyn Wire>,
    cache: Mutex<HashMap<(String, String), Secret>>,
}

impl TokenBook {
    pub fn new(target: Arc<Target>, http: HttpClient, wire: Arc<dyn Wire>) -> Self {
        Self {
            target,
            http,
            wire,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The run's HTTP client: what a family's own token flow (a wire's `token` hook) speaks
    /// through.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// The run's target.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The token cached for (`persona`, `scope`), or the one `obtain` gets, cached for the run.
    /// The lock is held while `obtain` runs: concurrent scenarios wait for one grant instead of
    /// starting many. For a family's own token flow.
    pub async fn cached<F>(
        &self,
        persona: &str,
        scope: &str,
        obtain: F,
    ) -> Result<Secret, AuthError>
    where
        F: std::future::Future<Output = Result<Secret, AuthError>>,
    {
        let key = (persona.to_string(), scope.to_string());
        let mut cache = self.cache.lock().await;
        if let Some(token) = cache.get(&key) {
            return Ok(token.clone());
        }
        let token = obtain.await?;
        cache.insert(key, token.clone());
        Ok(token)
    }

    /// A token for `persona` with `scope`, from the first source the target gives: a ready token,
    /// a refresh token, a token command, or the persona's login (authorization-code flow through
    /// the bank's login page when the target has an authorize_url, else the password grant).
    pub async fn token(&self, persona: &str, scope: &str) -> Result<Secret, AuthError> {
        let p = self
            .target
            .personas
            .get(persona)
            .ok_or_else(|| AuthError::UnknownPersona {
                origin: self.target.origin(),
                persona: persona.to_string(),
                scope: scope.to_string(),
            })?;
        if let Some(token) = p.tokens.get(scope) {
            return Ok(token.clone());
        }
        let key = (persona.to_string(), scope.to_string());
        // Held across the request on purpose: concurrent scenarios wait for one grant, not fire many.
        let mut cache = self.cache.lock().await;
        if let Some(token) = cache.get(&key) {
            return Ok(token.clone());
        }
        let refused = |exchange: &Exchange| AuthError::Refused {
            persona: persona.to_string(),
            scope: scope.to_string(),
            summary: exchange.summary(),
            evidence: exchange.render(),
        };
        let token = if let Some(refresh) = &p.refresh_token {
            let exchange = self.oauth()?.refresh(refresh).await;
            oauth::token_set(&exchange)
                .ok_or_else(|| refused(&exchange))?
                .access
        } else if let Some(command) = &p.token_command {
            run_token_command(command, persona, scope).await?
        } else if let Some(login) = &p.login {
            let client = self.oauth_for(persona)?;
            let exchange = if client.oauth.authorize_url.is_some() {
                let (code, evidence) = client.authorize(login, scope).await;
                let code = code.map_err(|e| AuthError::Authorize {
                    persona: persona.to_string(),
                    reason: e.to_string(),
                    evidence: evidence.last().map(Exchange::render).unwrap_or_default(),
                })?;
                client.exchange_code(&code).await
            } else {
                client.password(login, scope).await
            };
            oauth::token_set(&exchange)
                .ok_or_else(|| refused(&exchange))?
                .access
        } else {
            return Err(AuthError::NoToken {
                origin: self.target.origin(),
                persona: persona.to_string(),
                scope: scope.to_string(),
            });
        };
        cache.insert(key, token.clone());
        Ok(token)
    }

    /// A client-credentials token of `scope` (no PSU), cached for the run.
    pub async fn client_token(&self, scope: &str) -> Result<Secret, AuthError> {
        let key = (String::new(), scope.to_string());
        let mut cache = self.cache.lock().await;
        if let Some(token) = cache.get(&key) {
            return Ok(token.clone());
        }
        let exchange = self.oauth()?.client_credentials(scope).await;
        let token = oauth::token_set(&exchange)
            .ok_or_else(|| AuthError::Refused {
                persona: "the TPP".into(),
                scope: scope.to_string(),
                summary: exchange.summary(),
                evidence: exchange.render(),
            })?
            .access;
        cache.insert(key, token.clone());
        Ok(token)
    }

    /// The target's OAuth endpoints, spoken through the run's client.
    pub fn oauth(&self) -> Result<oauth::OAuthClient<'_>, AuthError> {
        self.oauth_for("the TPP")
    }

    fn oauth_for(&self, persona: &str) -> Result<oauth::OAuthClient<'_>, AuthError> {
        let oauth = self
            .target
            .oauth
            .as_ref()
            .ok_or_else(|| AuthError::NoTokenEndpoint {
                origin: self.target.origin(),
                persona: persona.to_string(),
            })?;
        Ok(oauth::OAuthClient {
            http: &self.http,
            wire: self.wire.as_ref(),
            oauth,
        })
    }
}

/// Runs a persona's token command: `sh -c COMMAND` with OBCONF_PERSONA and OBCONF_SCOPE set.
async fn run_token_command(command: &str, persona: &str, scope: &str) -> Result<Secret, AuthError> {
    let failed = |reason: String| AuthError::Command {
        persona: persona.to_string(),
        command: command.to_string(),
        reason,
    };
    let output = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("OBCONF_PERSONA", persona)
        .env("OBCONF_SCOPE", scope)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| failed(e.to_string()))?;
    let token = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if !output.status.success() {
        return Err(failed(format!("it exited with {}", output.status)));
    }
    if token.is_empty() {
        return Err(failed("it printed nothing".into()));
    }
    Ok(Secret::new(token))
}

impl TokenBook {
    /// Forgets the tokens obtained during the run (not the target's own), after the bank's clock
    /// moved past their lifetime; the next request for one logs in again.
    pub async fn forget_obtained(&self) {
        self.cache.lock().await.clear();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::family::PlainWire;

    #[tokio::test]
    async fn a_familys_own_token_is_obtained_once_per_persona_and_scope() {
        crate::tls::install_crypto_provider();
        let target = Arc::new(Target::embedded("f"));
        let http = HttpClient::new(&target).expect("a client");
        let book = TokenBook::new(target, http, Arc::new(PlainWire));
        let grants = AtomicUsize::new(0);
        let obtain = || async {
            grants.fetch_add(1, Ordering::SeqCst);
            Ok(Secret::new("family-token-123"))
        };
        let first = book
            .cached("LEA", "accounts", obtain())
            .await
            .expect("a token");
        let again = book
            .cached("LEA", "accounts", obtain())
            .await
            .expect("a token");
        assert_eq!(first, again);
        assert_eq!(grants.load(Ordering::SeqCst), 1);
        book.cached("LEA", "payments", obtain())
            .await
            .expect("a token");
        assert_eq!(grants.load(Ordering::SeqCst), 2);
    }
}
