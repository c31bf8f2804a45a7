//! Access tokens for personas: taken from the target file, or obtained from the bank's token endpoint.
//!
//! One [`TokenBook`] per run caches tokens by persona and scope, so a suite asks the bank for each
//! token once. Every token is a [`Secret`] and is registered for redaction the moment it is known.
//! This module must never log a token or a password.

use std::collections::HashMap;
use std::sync::Arc;

pub mod httpsig;
pub mod jose;

use tokio::sync::Mutex;

use crate::http::{Body, Exchange, HttpClient, RequestSpec};
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
    cache: Mutex<HashMap<(String, String), Secret>>,
}

impl TokenBook {
    pub fn new(target: Arc<Target>, http: HttpClient) -> Self {
        Self {
            target,
            http,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// A token for `persona` with `scope`: the target's own, or one obtained with the persona's login.
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
        let Some(login) = &p.login else {
            return Err(AuthError::NoToken {
                origin: self.target.origin(),
                persona: persona.to_string(),
                scope: scope.to_string(),
            });
        };
        let Some(oauth) = &self.target.oauth else {
            return Err(AuthError::NoTokenEndpoint {
                origin: self.target.origin(),
                persona: persona.to_string(),
            });
        };
        let request = RequestSpec::new("POST", oauth.token_url.clone())
            .header("Accept", "application/json")
            .header("X-Request-ID", uuid::Uuid::new_v4().to_string())
            .body(Body::Form(vec![
                ("grant_type".into(), "password".into()),
                ("client_id".into(), oauth.client_id.clone()),
                ("scope".into(), scope.to_string()),
                ("username".into(), login.username.clone()),
                ("password".into(), login.password.expose().to_string()),
            ]));
        let exchange = self.http.send(request).await;
        let token = access_token(&exchange).ok_or_else(|| AuthError::Refused {
            persona: persona.to_string(),
            scope: scope.to_string(),
            summary: exchange.summary(),
            evidence: exchange.render(),
        })?;
        cache.insert(key, token.clone());
        Ok(token)
    }
}

impl TokenBook {
    /// Forgets the tokens obtained during the run (not the target's own), after the bank's clock
    /// moved past their lifetime; the next request for one logs in again.
    pub async fn forget_obtained(&self) {
        self.cache.lock().await.clear();
    }
}

/// The `access_token` of a successful token response, registered for redaction.
pub fn access_token(exchange: &Exchange) -> Option<Secret> {
    if exchange.status() != Some(200) {
        return None;
    }
    let json = exchange.json()?;
    if let Some(refresh) = json.get("refresh_token").and_then(|v| v.as_str()) {
        crate::redact::register(refresh);
    }
    json.get("access_token")
        .and_then(|v| v.as_str())
        .map(Secret::new)
}
