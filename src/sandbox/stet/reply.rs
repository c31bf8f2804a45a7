//! How the STET bank answers: HAL+JSON bodies, the STET ErrorModel and the typed request errors.
//!
//! Every refusal a handler can make is an [`ApiError`] variant, rendered here into the status, the
//! headers (`Allow`, `WWW-Authenticate`) and the ErrorModel body. This file must never decide
//! whether a request is refused; it only says how a decision looks on the wire.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::mtls::ClientError;
use super::signature::SignatureError;
use crate::sandbox::kit::deferred;

/// The media type of every JSON answer of the AIS API.
pub(super) const HAL_JSON: &str = "application/hal+json; charset=utf-8";
/// The media type of OAuth2 token endpoint answers (RFC 6749 section 5.1).
pub(super) const OAUTH_JSON: &str = "application/json; charset=utf-8";

/// Why the bank refuses a request.
#[derive(Clone, Debug, thiserror::Error)]
pub(super) enum ApiError {
    #[error("method {method} is not allowed on this resource")]
    MethodNotAllowed { method: String, allow: &'static str },
    #[error("an access token is required: Authorization: Bearer <token>")]
    MissingToken,
    #[error("the access token is not valid")]
    InvalidToken,
    #[error("the access token has expired")]
    ExpiredToken,
    /// `unauthenticated-403`: a missing or unknown token answered as a refusal instead.
    #[error("access to the resource is not allowed without a valid access token")]
    Unauthenticated,
    #[error("the ASPSP can only answer application/hal+json or application/json")]
    NotAcceptable,
    #[error("the access token's scope does not give access to this resource")]
    WrongScope,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotImplemented(&'static str),
    /// No client certificate, or one of another TPP (mutual TLS).
    #[error("{0}")]
    InvalidClient(ClientError),
    #[error("invalid signature: {0}")]
    BadSignature(SignatureError),
    #[error("{0}")]
    Conflict(String),
    #[error(
        "more than {limit} calls today to this method for this PSU and account without PSU-IP-Address"
    )]
    TooManyRequests { limit: u32 },
}

impl ApiError {
    pub(super) fn status(&self) -> StatusCode {
        match self {
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::MissingToken | ApiError::InvalidToken | ApiError::ExpiredToken => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            ApiError::Unauthenticated | ApiError::WrongScope | ApiError::Forbidden(_) => {
                StatusCode::FORBIDDEN
            }
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) | ApiError::BadSignature(_) => StatusCode::BAD_REQUEST,
            ApiError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            ApiError::InvalidClient(_) => StatusCode::UNAUTHORIZED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// The ErrorModel `error` field: `invalid_token` for token errors, `invalid_client` without a
    /// valid client certificate, else the reason phrase.
    fn error_text(&self) -> &'static str {
        match self {
            ApiError::InvalidToken | ApiError::ExpiredToken => "invalid_token",
            ApiError::InvalidClient(_) => "invalid_client",
            other => other.status().canonical_reason().unwrap_or("Error"),
        }
    }

    fn www_authenticate(&self) -> Option<&'static str> {
        match self {
            ApiError::MissingToken => Some("Bearer realm=\"stet\""),
            ApiError::InvalidToken | ApiError::ExpiredToken => {
                Some("Bearer error=\"invalid_token\"")
            }
            _ => None,
        }
    }

    /// The ErrorModel response for this error, about the request `path`, stamped `now`.
    pub(super) fn render(&self, path: &str, now: DateTime<Utc>) -> Response {
        let status = self.status();
        let body = json!({
            "timestamp": now.to_rfc3339_opts(SecondsFormat::Millis, true),
            "status": status.as_u16(),
            "error": self.error_text(),
            "message": self.to_string(),
            "path": path,
        });
        let mut response = json_response(status, &body, HAL_JSON);
        let headers = response.headers_mut();
        if let ApiError::MethodNotAllowed { allow, .. } = self {
            headers.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        if let Some(challenge) = self.www_authenticate() {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        response
    }
}

/// A refusal is rendered by the bank's `finish` middleware, the one place that knows what the
/// ErrorModel names besides the error: the request's path and the bank's time ([`deferred`]).
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        deferred::defer(self)
    }
}

/// A JSON response of that media type.
pub(super) fn json_response(
    status: StatusCode,
    body: &Value,
    media_type: &'static str,
) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    response
}

/// A HAL+JSON response.
pub(super) fn hal(status: StatusCode, body: &Value) -> Response {
    json_response(status, body, HAL_JSON)
}

/// A response with a status and no body at all (201 of PUT /consents, 204 of an empty history).
pub(super) fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// `{"href": href}`, the HAL link object.
pub(super) fn link(href: impl Into<String>) -> Value {
    json!({ "href": href.into() })
}
