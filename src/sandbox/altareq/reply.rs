//! How the model bank answers: OAuth JSON errors on `/par` and `/token` (RFC 6749 §5.2), the Open
//! Finance `{"Errors":[...]}` model on resources (plain JSON, or as the `message` of a signed JWT on
//! payments and CoP), bodiless 401/404/405/406/415, and the success shapes.
//!
//! This file never decides whether a request is refused; it only says how a decision looks on the
//! wire (notes §9).

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Bank, jose};

pub(crate) const JSON: &str = "application/json; charset=utf-8";
pub(crate) const JWT: &str = "application/jwt";

/// An OAuth error of the authorisation server.
#[derive(Clone, Debug)]
pub(crate) struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
        }
    }

    /// 400 `invalid_request`.
    pub fn request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    /// 401 `invalid_client`.
    pub fn client(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }

    /// 400 `invalid_request_object`.
    pub fn request_object(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_object",
            description,
        )
    }

    /// 400 `invalid_grant`.
    /// The form of a `/par` or `/token` request, or `invalid_request` when the body is not one.
    pub fn form(
        form: Result<
            axum::extract::Form<std::collections::HashMap<String, String>>,
            axum::extract::rejection::FormRejection,
        >,
    ) -> Result<std::collections::HashMap<String, String>, Self> {
        form.map(|axum::extract::Form(form)| form).map_err(|e| {
            Self::request(format!(
                "the body must be application/x-www-form-urlencoded: {e}"
            ))
        })
    }

    pub fn grant(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.error, "error_description": self.description});
        json_response(self.status, &body, true)
    }
}

/// A refusal of a resource API.
#[derive(Clone, Debug)]
pub(crate) enum Refusal {
    /// 401 with `WWW-Authenticate: Bearer error="invalid_token"` and no body.
    Unauthorized,
    /// A bodiless status (404, 405, 406, 415).
    Bare(StatusCode),
    /// A status with one `Errors` entry.
    Errors {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
}

impl Refusal {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::Errors {
            status: StatusCode::BAD_REQUEST,
            code,
            message: message.into(),
        }
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::Errors {
            status: StatusCode::FORBIDDEN,
            code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Bare(status) => *status,
            Self::Errors { status, .. } => *status,
        }
    }

    /// What the refusal says, in words.
    pub fn message(&self) -> String {
        match self {
            Self::Errors { code, message, .. } => format!("{code}: {message}"),
            other => other.status().to_string(),
        }
    }

    fn errors(&self) -> Option<Value> {
        match self {
            Self::Errors { code, message, .. } => {
                Some(json!({"Errors": [{"Code": code, "Message": message}]}))
            }
            _ => None,
        }
    }

    fn bare(&self) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = self.status();
        if matches!(self, Self::Unauthorized) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        }
        response
    }

    /// As data sharing answers: a JSON `Errors` body.
    pub fn json(&self) -> Response {
        match self.errors() {
            Some(body) => json_response(self.status(), &body, false),
            None => self.bare(),
        }
    }

    /// As payments answer: the `Errors` body signed for `client_id`.
    pub fn jwt(&self, bank: &Bank, client_id: &str) -> Response {
        self.jwt_as(bank, jose::Audience::List, client_id)
    }

    /// As payments (`Audience::List`) or CoP (`Audience::One`) answer: the `Errors` body signed
    /// for `client_id`.
    pub fn jwt_as(&self, bank: &Bank, audience: jose::Audience, client_id: &str) -> Response {
        match self.errors() {
            Some(body) => jwt_response(
                self.status(),
                jose::signed_message_as(bank, audience, client_id, &body),
            ),
            None => self.bare(),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        self.json()
    }
}

/// A JSON answer; `no_store` adds `Cache-Control: no-store` (PAR, token).
pub(crate) fn json_response(status: StatusCode, body: &Value, no_store: bool) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    if no_store {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A signed-JWT answer.
pub(crate) fn jwt_response(status: StatusCode, token: String) -> Response {
    let mut response = Response::new(Body::from(token));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JWT));
    response
}

/// Payments and CoP answer only `application/jwt`: any other `Accept` is 406.
pub(crate) fn accepts_jwt(headers: &axum::http::HeaderMap) -> Result<(), Refusal> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    let fits = accept.split(',').any(|m| {
        matches!(
            m.split(';').next().unwrap_or("").trim(),
            "application/jwt" | "*/*" | "application/*" | ""
        )
    });
    if fits {
        Ok(())
    } else {
        Err(Refusal::Bare(StatusCode::NOT_ACCEPTABLE))
    }
}

/// Anything outside the documented paths: 404 without a body.
pub(crate) async fn not_found() -> Response {
    Refusal::Bare(StatusCode::NOT_FOUND).json()
}

/// A documented path with a method it does not serve: 405 without a body.
pub(crate) async fn method_not_allowed() -> Response {
    Refusal::Bare(StatusCode::METHOD_NOT_ALLOWED).json()
}
