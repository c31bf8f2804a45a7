//! The PSU's side of the OAuth2 authorization-code flow (STET-OAUTH-01) and of the fallback: the
//! login page at `AUTHORIZE_PATH`, which redirects to the TPP's callback with a one-time code, and
//! the online-banking login page the fallback redirect points to.
//!
//! The PSU's browser has no client certificate, so nothing here asks for one; the client_id and
//! redirect_uri must be the registered TPP's (any absolute URL without a registered TPP). This file
//! must never put a password in a page or a URL, and never redirect to an unchecked URL.

use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use chrono::Duration;
use serde::Deserialize;

use super::auth::Scope;
use super::html::{
    CREDENTIAL_INPUTS, error_paragraph, escape, hidden, is_redirectable_url, page, page_params,
    redirect, with_query,
};
use super::oauth::{CODE_LIFETIME_SECONDS, Code};
use super::{AUTHORIZE_PATH, ONLINE_BANKING_LOGIN_PATH, StetBank};

/// The parameters of `GET AUTHORIZE_PATH` (query) and of the login form posted back to it.
#[derive(Debug, Default, Deserialize)]
pub(super) struct AuthorizeParams {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

/// A request the bank can show a login form for: a known client and its callback.
#[derive(Debug)]
struct Authorization {
    client_id: String,
    redirect_uri: String,
    scope: Scope,
    state: Option<String>,
}

/// What is wrong with an authorization request: shown to the PSU, or sent back to the callback.
enum Refusal {
    /// The client or callback cannot be trusted: a 400 page, no redirect.
    Page(&'static str),
    /// An RFC 6749 §4.1.2.1 error, redirected to the (checked) callback: the redirect's location.
    Callback(String),
}

/// `GET` (the login form) and `POST` (the PSU's credentials) of `AUTHORIZE_PATH`.
pub(super) async fn authorize(
    State(bank): State<Arc<StetBank>>,
    method: Method,
    params: Result<Form<AuthorizeParams>, FormRejection>,
) -> Response {
    let params = match page_params(params, "Invalid authorization request") {
        Ok(params) => params,
        Err(refused) => return *refused,
    };
    let authorization = match bank.check_authorization(&params, method == Method::POST) {
        Ok(authorization) => authorization,
        Err(Refusal::Page(reason)) => {
            return page(
                StatusCode::BAD_REQUEST,
                "Invalid authorization request",
                &error_paragraph(reason),
            );
        }
        Err(Refusal::Callback(location)) => return redirect(&location),
    };
    if method == Method::GET {
        return login_form(&authorization, None);
    }
    let Some(persona) =
        bank.authenticate_psu(params.username.as_deref(), params.password.as_deref())
    else {
        return login_form(
            &authorization,
            Some("unknown username or wrong password: please try again"),
        );
    };
    let code = bank.oauth.issue_code(Code {
        persona,
        client_id: authorization.client_id.clone(),
        redirect_uri: authorization.redirect_uri.clone(),
        scope: authorization.scope,
        expires_at: bank.clock.now() + Duration::seconds(CODE_LIFETIME_SECONDS),
    });
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = authorization.state.as_deref() {
        pairs.push(("state", state));
    }
    redirect(&with_query(&authorization.redirect_uri, &pairs))
}

impl StetBank {
    /// Checks an authorization request; the login form posted back may leave response_type out.
    fn check_authorization(
        &self,
        params: &AuthorizeParams,
        posted: bool,
    ) -> Result<Authorization, Refusal> {
        let client_id = params
            .client_id
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .ok_or(Refusal::Page("client_id is required"))?;
        let redirect_uri = params
            .redirect_uri
            .as_deref()
            .ok_or(Refusal::Page("redirect_uri is required"))?;
        match &self.registration {
            Some(registration) if registration.tpp.client_id != client_id => {
                return Err(Refusal::Page("unknown client_id"));
            }
            Some(registration) if registration.tpp.redirect_uri != redirect_uri => {
                return Err(Refusal::Page(
                    "redirect_uri is not the one registered for this client",
                ));
            }
            _ => {}
        }
        if !is_redirectable_url(redirect_uri) {
            return Err(Refusal::Page(
                "redirect_uri must be an absolute http(s) URL without fragment",
            ));
        }
        let state = params.state.clone();
        let callback_error = |error: &str, description: &str| {
            let mut pairs = vec![("error", error), ("error_description", description)];
            if let Some(state) = state.as_deref() {
                pairs.push(("state", state));
            }
            Refusal::Callback(with_query(redirect_uri, &pairs))
        };
        let response_type = match params.response_type.as_deref() {
            None if posted => "code",
            other => other.unwrap_or_default(),
        };
        if response_type != "code" {
            return Err(callback_error(
                "unsupported_response_type",
                "response_type must be code",
            ));
        }
        let scope = params
            .scope
            .as_deref()
            .and_then(Scope::parse)
            .filter(|s| matches!(s, Scope::Aisp | Scope::Pisp))
            .ok_or_else(|| callback_error("invalid_scope", "scope must be aisp or pisp"))?;
        Ok(Authorization {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            scope,
            state,
        })
    }
}

/// The bank's login page for an authorization request (200), with an error after a failed try.
fn login_form(authorization: &Authorization, error: Option<&str>) -> Response {
    let mut body = String::new();
    if let Some(error) = error {
        body.push_str(&error_paragraph(error));
        body.push('\n');
    }
    body.push_str(&format!(
        "<p>{} asks to access your accounts (scope {}).</p>\n",
        escape(&authorization.client_id),
        authorization.scope.as_str()
    ));
    body.push_str(&format!(
        "<form method=\"post\" action=\"{AUTHORIZE_PATH}\">\n"
    ));
    for (name, value) in [
        ("response_type", "code"),
        ("client_id", authorization.client_id.as_str()),
        ("redirect_uri", authorization.redirect_uri.as_str()),
        ("scope", authorization.scope.as_str()),
        ("state", authorization.state.as_deref().unwrap_or_default()),
    ] {
        body.push_str(&hidden(name, value));
        body.push('\n');
    }
    body.push_str(CREDENTIAL_INPUTS);
    body.push_str("\n<button type=\"submit\">Valider</button>\n</form>");
    page(StatusCode::OK, "Authentification", &body)
}

/// The form of the online-banking login (`fallback_token` from the fallback redirect).
#[derive(Debug, Default, Deserialize)]
pub(super) struct LoginParams {
    fallback_token: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

/// `ONLINE_BANKING_LOGIN_PATH`: the online-banking login page the fallback redirect leads to
/// (GET), and its sign-in (POST).
pub(super) async fn online_banking_login(
    State(bank): State<Arc<StetBank>>,
    method: Method,
    params: Result<Form<LoginParams>, FormRejection>,
) -> Response {
    let params = params.map(|Form(p)| p).unwrap_or_default();
    let session = params.fallback_token.clone().unwrap_or_default();
    let client = bank.oauth.fallback_client(&session, bank.clock.now());
    if method == Method::POST {
        if let Some(persona) =
            bank.authenticate_psu(params.username.as_deref(), params.password.as_deref())
        {
            let text = format!(
                "<p>Bienvenue {}. You are signed in to online banking.</p>",
                escape(persona.identity.full_name)
            );
            return page(StatusCode::OK, "Banque en ligne", &text);
        }
        return login_page(
            &session,
            client.as_deref(),
            Some("wrong username or password"),
        );
    }
    login_page(&session, client.as_deref(), None)
}

fn login_page(session: &str, client: Option<&str>, error: Option<&str>) -> Response {
    let mut body = String::new();
    if let Some(error) = error {
        body.push_str(&error_paragraph(error));
        body.push('\n');
    }
    if let Some(client) = client {
        body.push_str(&format!("<p>Fallback access for {}.</p>\n", escape(client)));
    }
    body.push_str(&format!(
        "<form method=\"post\" action=\"{ONLINE_BANKING_LOGIN_PATH}\">\n{}\n{CREDENTIAL_INPUTS}\n\
         <button type=\"submit\">Se connecter</button>\n</form>",
        hidden("fallback_token", session)
    ));
    page(StatusCode::OK, "Banque en ligne", &body)
}
