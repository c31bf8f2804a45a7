//! OAuth2 as a TPP drives it: the authorization-code flow (the PSU logs in at the bank's page and
//! the bank redirects to the TPP's callback with a one-time code), refresh, revoke, client
//! credentials, and the password grant.
//!
//! The PSU step is a real HTTP exchange: obconf reads the bank's login form, fills in the persona's
//! credentials and reads the code from the redirect, without following it. Every token and code
//! is registered for redaction the moment it is seen; nothing here prints one.

use super::form::fill_form;
use crate::family::{Wire, deliver};
use crate::http::{Body, Exchange, HttpClient, Purpose, RequestSpec};
use crate::target::{Login, OAuth, Secret};

/// The state value obconf sends to the authorize endpoint and expects back.
pub const STATE: &str = "obconf-state";

/// The callback used when the target names none.
pub const DEFAULT_REDIRECT_URI: &str = "https://tpp.obconf.test/callback";

/// Tokens from a successful token response.
#[derive(Clone, Debug)]
pub struct TokenSet {
    pub access: Secret,
    pub refresh: Option<Secret>,
    pub scope: Option<String>,
    pub token_type: Option<String>,
}

/// Reads a 200 token response; registers every token in it for redaction.
pub fn token_set(exchange: &Exchange) -> Option<TokenSet> {
    if exchange.status() != Some(200) {
        return None;
    }
    let json = exchange.json()?;
    let text = |k: &str| json.get(k).and_then(|v| v.as_str()).map(str::to_string);
    Some(TokenSet {
        access: Secret::new(text("access_token")?),
        refresh: text("refresh_token").map(Secret::new),
        scope: text("scope"),
        token_type: text("token_type"),
    })
}

/// Why the PSU step of the authorization-code flow did not yield a code.
#[derive(Debug, thiserror::Error)]
pub enum AuthorizeError {
    #[error("the target's oauth section has no authorize_url")]
    NoAuthorizeUrl,
    #[error("the bank's authorize page did not offer a login form")]
    NoForm,
    #[error("the bank did not redirect to the callback with a code")]
    NoCode,
    #[error("the callback's state is not the one sent (expected `{STATE}`)")]
    WrongState,
}

/// The OAuth2 endpoints of one target, spoken through the run's client and the family's wire
/// (which adds what the family's token requests carry, such as a correlation id).
pub struct OAuthClient<'a> {
    pub http: &'a HttpClient,
    pub wire: &'a dyn Wire,
    pub oauth: &'a OAuth,
}

impl OAuthClient<'_> {
    fn redirect_uri(&self) -> &str {
        self.oauth
            .redirect_uri
            .as_deref()
            .unwrap_or(DEFAULT_REDIRECT_URI)
    }

    fn token_request(&self, form: Vec<(String, String)>) -> RequestSpec {
        RequestSpec::new("POST", self.oauth.token_url.clone())
            .header("Accept", "application/json")
            .body(Body::Form(form))
            .purpose(Purpose::Token)
    }

    /// Sends `request` through the family's wire.
    async fn send(&self, request: RequestSpec) -> Exchange {
        deliver(self.http, self.wire, request).await
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The PSU step: opens the bank's authorize page, logs in as `login` and returns the one-time
    /// code from the redirect, with the exchanges as evidence (the last one is the redirect).
    pub async fn authorize(
        &self,
        login: &Login,
        scope: &str,
    ) -> (Result<Secret, AuthorizeError>, Vec<Exchange>) {
        let mut evidence = Vec::new();
        let Some(authorize_url) = &self.oauth.authorize_url else {
            return (Err(AuthorizeError::NoAuthorizeUrl), evidence);
        };
        let query = crate::http::form_encode(&Self::pairs(&[
            ("response_type", "code"),
            ("client_id", &self.oauth.client_id),
            ("redirect_uri", self.redirect_uri()),
            ("scope", scope),
            ("state", STATE),
        ]));
        let page = self
            .send(
                RequestSpec::new("GET", format!("{authorize_url}?{query}"))
                    .header("Accept", "text/html")
                    .purpose(Purpose::Psu),
            )
            .await;
        let form = page
            .response
            .as_ref()
            .filter(|r| r.status == 200)
            .and_then(|r| {
                fill_form(
                    &r.body,
                    &[
                        ("username", &login.username),
                        ("password", login.password.expose()),
                    ],
                )
            });
        evidence.push(page);
        let Some((action, fields)) = form else {
            return (Err(AuthorizeError::NoForm), evidence);
        };
        let submitted = self
            .send(
                RequestSpec::new("POST", action)
                    .header("Accept", "text/html")
                    .body(Body::Form(fields))
                    .purpose(Purpose::Psu),
            )
            .await;
        let location = submitted.header("location").map(str::to_string);
        evidence.push(submitted);
        let Some(location) = location else {
            return (Err(AuthorizeError::NoCode), evidence);
        };
        let params = query_params(&location);
        let code = params
            .iter()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.clone());
        let state = params
            .iter()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.clone());
        match (code, state) {
            (Some(code), Some(state)) if state == STATE => (Ok(Secret::new(code)), evidence),
            (Some(code), _) => {
                crate::redact::register(&code);
                (Err(AuthorizeError::WrongState), evidence)
            }
            (None, _) => (Err(AuthorizeError::NoCode), evidence),
        }
    }

    /// POST /token with the code, WITHOUT a scope parameter (as RFC 6749 section 4.1.3 has it).
    pub async fn exchange_code(&self, code: &Secret) -> Exchange {
        let form = Self::pairs(&[
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", self.redirect_uri()),
            ("client_id", &self.oauth.client_id),
        ]);
        self.send(self.token_request(form)).await
    }

    /// POST /token with a refresh token.
    pub async fn refresh(&self, refresh: &Secret) -> Exchange {
        let form = Self::pairs(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.expose()),
            ("client_id", &self.oauth.client_id),
        ]);
        self.send(self.token_request(form)).await
    }

    /// POST /token for a client-credentials token of `scope`.
    pub async fn client_credentials(&self, scope: &str) -> Exchange {
        let form = Self::pairs(&[
            ("grant_type", "client_credentials"),
            ("scope", scope),
            ("client_id", &self.oauth.client_id),
        ]);
        self.send(self.token_request(form)).await
    }

    /// POST /token with the PSU's password (resource owner password grant).
    pub async fn password(&self, login: &Login, scope: &str) -> Exchange {
        let form = Self::pairs(&[
            ("grant_type", "password"),
            ("client_id", &self.oauth.client_id),
            ("scope", scope),
            ("username", &login.username),
            ("password", login.password.expose()),
        ]);
        self.send(self.token_request(form)).await
    }

    /// POST to the revoke endpoint with a refresh token.
    pub async fn revoke(&self, refresh: &Secret) -> Option<Exchange> {
        let url = self.oauth.revoke_url.clone()?;
        let form = Self::pairs(&[
            ("token", refresh.expose()),
            ("client_id", &self.oauth.client_id),
        ]);
        Some(
            self.send(
                RequestSpec::new("POST", url)
                    .header("Accept", "application/json")
                    .body(Body::Form(form))
                    .purpose(Purpose::Token),
            )
            .await,
        )
    }
}

/// The decoded query parameters of a URL.
pub fn query_params(url: &str) -> Vec<(String, String)> {
    let Some((_, query)) = url.split_once('?') else {
        return Vec::new();
    };
    let query = query.split('#').next().unwrap_or("");
    query
        .split('&')
        .filter_map(|p| p.split_once('=').or(Some((p, ""))))
        .map(|(k, v)| (percent_decode(k), percent_decode(v)))
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| std::str::from_utf8(&bytes[i + 1..i + 3]).ok())
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (_, Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (b, None) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_parameters_are_decoded() {
        let p = query_params("https://tpp/cb?code=a%2Bb%3D&state=obconf-state#frag");
        assert_eq!(
            p,
            vec![
                ("code".into(), "a+b=".into()),
                ("state".into(), "obconf-state".into())
            ]
        );
        assert_eq!(
            query_params("https://tpp/cb?x=%zz"),
            vec![("x".into(), "%zz".into())]
        );
        assert_eq!(
            query_params("https://tpp/cb?x=%4"),
            vec![("x".into(), "%4".into())]
        );
    }
}
