//! Access tokens for personas: taken from the target file, or obtained from the bank's token endpoint.
//!
//! One [`TokenBook`] per run caches tokens by persona and scope, so a suite asks the bank for each
//! token once. Every token is a [`Secret`] and is registered for redaction the moment it is known.
//! This module must never log a token or a password.

use std::collections::HashMap;
use std::sync::Arc;

mod command;
pub mod form;
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
    #[error("{persona}'s `{scope}` token already failed earlier in this run: {reason}")]
    Remembered {
        persona: String,
        scope: String,
        reason: String,
        /// Whether the first failure was the target file's (see [`AuthError::is_the_targets`]).
        targets: bool,
    },
    #[error("the bank refused a `{scope}` token for {persona}: {summary}\n{evidence}")]
    Refused {
        persona: String,
        scope: String,
        summary: String,
        evidence: String,
    },
}

impl AuthError {
    /// Whether the target file, not the bank, is why no token came: it names no such persona,
    /// gives no token, no token endpoint, or a token command that fails. Such a failure says
    /// nothing of the bank (a check that needs the token could not be made).
    pub fn is_the_targets(&self) -> bool {
        match self {
            AuthError::UnknownPersona { .. }
            | AuthError::NoToken { .. }
            | AuthError::NoTokenEndpoint { .. }
            | AuthError::Command { .. } => true,
            AuthError::Remembered { targets, .. } => *targets,
            _ => false,
        }
    }
}

/// Tokens of one run, by (persona, scope).
#[derive(Debug)]
pub struct TokenBook {
    target: Arc<Target>,
    http: HttpClient,
    /// The family's wire: token requests go through it like every other request.
    wire: Arc<dyn Wire>,
    /// One slot per (persona, scope): a grant in flight holds its own slot only, so scenarios
    /// that need another token never wait on it; a failure stays in the slot for the run.
    cache: std::sync::Mutex<HashMap<(String, String), Slot>>,
}

/// A token once obtained, or why it could not be (rendered, redacted when shown).
/// A token, or the text of the failure that ended its grant and whether the target caused it.
type Slot = Arc<Mutex<Option<Result<Secret, (String, bool)>>>>;

impl TokenBook {
    pub fn new(target: Arc<Target>, http: HttpClient, wire: Arc<dyn Wire>) -> Self {
        Self {
            target,
            http,
            wire,
            cache: std::sync::Mutex::new(HashMap::new()),
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
        self.once(persona, scope, obtain).await
    }

    /// The slot of (`persona`, `scope`): its token, its remembered failure, or what `obtain`
    /// gives, kept for the run. Only this slot is locked while `obtain` runs.
    async fn once<F>(&self, persona: &str, scope: &str, obtain: F) -> Result<Secret, AuthError>
    where
        F: std::future::Future<Output = Result<Secret, AuthError>>,
    {
        let key = (persona.to_string(), scope.to_string());
        let slot = {
            let mut slots = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            slots.entry(key).or_default().clone()
        };
        let mut held = slot.lock().await;
        match &*held {
            Some(Ok(token)) => return Ok(token.clone()),
            Some(Err((reason, targets))) => {
                return Err(AuthError::Remembered {
                    persona: persona.to_string(),
                    scope: scope.to_string(),
                    reason: reason.clone(),
                    targets: *targets,
                });
            }
            None => {}
        }
        let result = obtain.await;
        *held = Some(match &result {
            Ok(token) => Ok(token.clone()),
            Err(e) => Err((e.to_string(), e.is_the_targets())),
        });
        result
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
        // Scenarios that need this same token wait for one grant instead of firing many; a grant
        // that failed is not tried again by each of them.
        self.once(persona, scope, self.obtain(p, persona, scope))
            .await
    }

    /// A new token for `persona` from its source (see [`TokenBook::token`]).
    async fn obtain(
        &self,
        p: &crate::target::Persona,
        persona: &str,
        scope: &str,
    ) -> Result<Secret, AuthError> {
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
            command::run(command, persona, scope, &self.target).await?
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
        Ok(token)
    }

    /// A client-credentials token of `scope` (no PSU), cached for the run.
    pub async fn client_token(&self, scope: &str) -> Result<Secret, AuthError> {
        self.once("", scope, async {
            let exchange = self.oauth()?.client_credentials(scope).await;
            Ok(oauth::token_set(&exchange)
                .ok_or_else(|| AuthError::Refused {
                    persona: "the TPP".into(),
                    scope: scope.to_string(),
                    summary: exchange.summary(),
                    evidence: exchange.render(),
                })?
                .access)
        })
        .await
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

impl TokenBook {
    /// Forgets the tokens obtained during the run (not the target's own), after the bank's clock
    /// moved past their lifetime; the next request for one logs in again.
    pub async fn forget_obtained(&self) {
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).clear();
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
