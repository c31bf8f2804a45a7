//! `POST TOKEN_PATH` of the STET bank: client authentication (QWAC and client_id), the fallback
//! redirect, and the grants: authorization_code (without scope, as the document requires),
//! refresh_token (a new refresh token replaces the old one), client_credentials (pisp or cbpii, no
//! PSU, no refresh token) and the sandbox's password grant.
//!
//! Errors follow RFC 6749 §5.2 (`invalid_client` is a 401, the others 400). This file must never
//! log a code, token or password, and never issue a token before the client checks pass.

use std::sync::Arc;

use axum::Form;
use axum::body::Body;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::Duration;
use serde::Deserialize;
use serde_json::json;

use super::auth::{Grant, Scope, TOKEN_LIFETIME_SECONDS};
use super::data::PersonaData;
use super::faults::{
    CLIENT_CREDENTIALS_SCOPE_IGNORED, CODE_REUSABLE, FALLBACK_IGNORED, REFRESH_TOKEN_REUSABLE,
};
use super::html::{bank_url, escape, with_query};
use super::mtls::ClientError;
use super::oauth::{REFRESH_LIFETIME_DAYS, Refresh};
use super::reply::{OAUTH_JSON, json_response};
use super::{ONLINE_BANKING_LOGIN_PATH, StetBank};

/// The form of `POST /token`, every grant's parameters together.
#[derive(Debug, Default, Deserialize)]
pub(super) struct TokenForm {
    grant_type: Option<String>,
    username: Option<String>,
    password: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    refresh_token: Option<String>,
}

/// An RFC 6749 error answer (400).
pub(super) fn oauth_error(code: &str, description: &str) -> Response {
    let body = json!({ "error": code, "error_description": description });
    json_response(StatusCode::BAD_REQUEST, &body, OAUTH_JSON)
}

/// The 401 `invalid_client` answer of the token and revoke endpoints.
pub(super) fn client_error(error: &ClientError) -> Response {
    let body = json!({ "error": "invalid_client", "error_description": error.to_string() });
    json_response(StatusCode::UNAUTHORIZED, &body, OAUTH_JSON)
}

/// Whether the request carries `fallback: 1` (the document writes it `fallback:"1"` too).
fn asks_fallback(headers: &HeaderMap) -> bool {
    headers
        .get("fallback")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().trim_matches('"') == "1")
}

/// What the token and revoke endpoints check first (the router already refused any method but
/// POST), in this order: the client certificate, a form body, and a client_id that matches the
/// certificate. The form, or the answer that refuses the request.
pub(super) fn client_gate<F>(
    bank: &StetBank,
    parts: &Parts,
    form: Result<Form<F>, FormRejection>,
    client_id: impl Fn(&F) -> Option<&str>,
) -> Result<F, Box<Response>> {
    let certificate = bank
        .presented_client(&parts.extensions)
        .map_err(|error| Box::new(client_error(&error)))?;
    let Ok(Form(form)) = form else {
        return Err(Box::new(oauth_error(
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        )));
    };
    bank.match_client_id(certificate.as_deref(), client_id(&form))
        .map_err(|error| Box::new(client_error(&error)))?;
    Ok(form)
}

/// `POST TOKEN_PATH`.
pub(super) async fn token(
    State(bank): State<Arc<StetBank>>,
    parts: Parts,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Response {
    let form = match client_gate(&bank, &parts, form, |f: &TokenForm| f.client_id.as_deref()) {
        Ok(form) => form,
        Err(refused) => return *refused,
    };
    if asks_fallback(&parts.headers) && !bank.faults.has(FALLBACK_IGNORED) {
        return bank.fallback(&parts, form.client_id.as_deref().unwrap_or_default());
    }
    let Some(client_id) = form
        .client_id
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
    else {
        return oauth_error("invalid_request", "client_id is required");
    };
    match form.grant_type.as_deref() {
        None => oauth_error("invalid_request", "grant_type is required"),
        Some("password") => bank.password_grant(form, client_id),
        Some("authorization_code") => bank.code_grant(form, client_id),
        Some("refresh_token") => bank.refresh_grant(form, client_id),
        Some("client_credentials") => bank.client_credentials_grant(form, client_id),
        Some(_) => oauth_error(
            "unsupported_grant_type",
            "grant_type must be authorization_code, refresh_token, client_credentials or password",
        ),
    }
}

/// The 200 token answer.
fn token_response(access_token: &str, scope: Scope, refresh_token: Option<&str>) -> Response {
    let mut body = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": TOKEN_LIFETIME_SECONDS,
        "scope": scope.as_str(),
    });
    if let Some(refresh_token) = refresh_token {
        body["refresh_token"] = refresh_token.into();
    }
    let mut response = json_response(StatusCode::OK, &body, OAUTH_JSON);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

impl StetBank {
    /// The fallback answer: 302 to the online-banking login, as in the document's example.
    fn fallback(&self, parts: &Parts, client_id: &str) -> Response {
        let session = self.oauth.open_fallback(client_id, self.clock.now());
        let location = with_query(
            &bank_url(parts, ONLINE_BANKING_LOGIN_PATH),
            &[("client_id", client_id), ("fallback_token", &session)],
        );
        let body = format!(
            "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n\
             <title>302 Found</title>\n</head><body>\n<h1>Found</h1>\n\
             <p>The document has moved <a href=\"{}\">here</a>.</p>\n</body></html>\n",
            escape(&location)
        );
        let mut response = Response::new(Body::from(body));
        *response.status_mut() = StatusCode::FOUND;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=iso-8859-1"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Ok(value) = HeaderValue::from_str(&location) {
            headers.insert(header::LOCATION, value);
        }
        response
    }

    /// An access token of `scope` (aisp under `client-credentials-scope-ignored` when it is a
    /// client-credentials token).
    fn access_token(
        &self,
        persona: Option<&'static PersonaData>,
        client_id: &str,
        scope: Scope,
        family: Option<u64>,
    ) -> String {
        self.tokens.issue(Grant {
            persona,
            client_id: client_id.to_string(),
            scope,
            expires_at: self.clock.now() + Duration::seconds(TOKEN_LIFETIME_SECONDS),
            family,
        })
    }

    /// An access token and a refresh token of one authorisation.
    fn token_pair(
        &self,
        persona: &'static PersonaData,
        client_id: &str,
        scope: Scope,
        family: u64,
    ) -> Response {
        let access = self.access_token(Some(persona), client_id, scope, Some(family));
        let refresh = self.oauth.issue_refresh(Refresh {
            persona,
            client_id: client_id.to_string(),
            scope,
            family,
            expires_at: self.clock.now() + Duration::days(REFRESH_LIFETIME_DAYS),
        });
        token_response(&access, scope, Some(&refresh))
    }

    fn password_grant(&self, form: TokenForm, client_id: String) -> Response {
        let scope = form
            .scope
            .as_deref()
            .and_then(Scope::parse)
            .filter(|s| matches!(s, Scope::Aisp | Scope::Pisp));
        let Some(scope) = scope else {
            return oauth_error("invalid_scope", "scope must be aisp or pisp");
        };
        let Some(persona) =
            self.authenticate_psu(form.username.as_deref(), form.password.as_deref())
        else {
            return oauth_error("invalid_grant", "unknown username or wrong password");
        };
        let token = self.access_token(Some(persona), &client_id, scope, None);
        token_response(&token, scope, None)
    }

    fn code_grant(&self, form: TokenForm, client_id: String) -> Response {
        if form.scope.is_some() {
            return oauth_error(
                "invalid_request",
                "the authorization code grant is sent without the scope parameter",
            );
        }
        let Some(code) = form.code.filter(|c| !c.is_empty()) else {
            return oauth_error("invalid_request", "code is required");
        };
        let Some(redirect_uri) = form.redirect_uri else {
            return oauth_error("invalid_request", "redirect_uri is required");
        };
        let granted = self
            .oauth
            .take_code(&code, self.faults.has(CODE_REUSABLE), self.clock.now());
        let code = match granted {
            Ok(code) => code,
            Err(error) => {
                return oauth_error("invalid_grant", &format!("the code is {error}"));
            }
        };
        if code.client_id != client_id || code.redirect_uri != redirect_uri {
            return oauth_error(
                "invalid_grant",
                "the code was issued to another client or redirect_uri",
            );
        }
        let family = self.oauth.new_family();
        self.token_pair(code.persona, &client_id, code.scope, family)
    }

    fn refresh_grant(&self, form: TokenForm, client_id: String) -> Response {
        let Some(token) = form.refresh_token.filter(|t| !t.is_empty()) else {
            return oauth_error("invalid_request", "refresh_token is required");
        };
        let reusable = self.faults.has(REFRESH_TOKEN_REUSABLE);
        let refresh = match self.oauth.take_refresh(&token, reusable, self.clock.now()) {
            Ok(refresh) => refresh,
            Err(error) => {
                return oauth_error("invalid_grant", &format!("the refresh token is {error}"));
            }
        };
        if refresh.client_id != client_id {
            return oauth_error(
                "invalid_grant",
                "the refresh token was issued to another client",
            );
        }
        if let Some(scope) = form.scope.as_deref()
            && scope != refresh.scope.as_str()
        {
            return oauth_error(
                "invalid_scope",
                "a refresh keeps the scope of the authorisation",
            );
        }
        self.token_pair(refresh.persona, &client_id, refresh.scope, refresh.family)
    }

    fn client_credentials_grant(&self, form: TokenForm, client_id: String) -> Response {
        let scope = form
            .scope
            .as_deref()
            .and_then(Scope::parse)
            .filter(|s| matches!(s, Scope::Pisp | Scope::Cbpii));
        let Some(scope) = scope else {
            return oauth_error(
                "invalid_scope",
                "client credentials are granted for scope pisp or cbpii",
            );
        };
        let scope = if self.faults.has(CLIENT_CREDENTIALS_SCOPE_IGNORED) {
            Scope::Aisp
        } else {
            scope
        };
        let token = self.access_token(None, &client_id, scope, None);
        token_response(&token, scope, None)
    }
}
