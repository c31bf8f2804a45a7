//! How the Finqware bank answers: JSON bodies and the typed refusals.
//!
//! The document leaves its error list out (its `errors` include is not part of it), so every
//! refusal here is `{"error": <code>, "message": <text>}` with the status a REST API would use.
//! This file must never decide whether a request is refused; it only says how a decision looks.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The media type of every answer.
const JSON: &str = "application/json; charset=utf-8";

/// Why the bank refuses a request.
#[derive(Debug, thiserror::Error)]
pub(super) enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("the client_id and client_app_key do not identify a tenant app")]
    InvalidClient,
    #[error("the skill `{0}` is not in the skills catalog")]
    UnknownSkill(String),
    #[error("the tenant app did not register the skill `{0}`")]
    SkillNotRegistered(String),
    #[error("no session {0} for this tenant app")]
    SessionNotFound(String),
    #[error("no step {0}")]
    StepNotFound(String),
    #[error("no resource at {0}")]
    NotFound(String),
    #[error("the nonce is not valid for this session{0}")]
    InvalidNonce(&'static str),
    #[error("the nonce was already used: present the nonce of the previous answer")]
    NonceUsed,
    #[error("the nonce has expired (nonces live 30 minutes)")]
    NonceExpired,
    #[error("{message}")]
    Conflict {
        error: &'static str,
        message: String,
    },
    #[error("{0}")]
    Forbidden(String),
    #[error("uploads are multipart/form-data")]
    UnsupportedMediaType,
    #[error("method not allowed on this resource")]
    MethodNotAllowed,
}

impl ApiError {
    pub(super) fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) | ApiError::UnknownSkill(_) => StatusCode::BAD_REQUEST,
            ApiError::InvalidClient | ApiError::InvalidNonce(_) | ApiError::NonceExpired => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::SkillNotRegistered(_) | ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::SessionNotFound(_) | ApiError::StepNotFound(_) | ApiError::NotFound(_) => {
                StatusCode::NOT_FOUND
            }
            ApiError::NonceUsed | ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    /// The machine-readable `error` member.
    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "invalid_request",
            ApiError::InvalidClient => "invalid_client",
            ApiError::UnknownSkill(_) => "unknown_skill",
            ApiError::SkillNotRegistered(_) => "skill_not_registered",
            ApiError::SessionNotFound(_) => "session_not_found",
            ApiError::StepNotFound(_) => "step_not_found",
            ApiError::NotFound(_) => "not_found",
            ApiError::InvalidNonce(_) => "invalid_nonce",
            ApiError::NonceUsed => "nonce_used",
            ApiError::NonceExpired => "nonce_expired",
            ApiError::Conflict { error, .. } => error,
            ApiError::Forbidden(_) => "forbidden",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::MethodNotAllowed => "method_not_allowed",
        }
    }

    /// The error body, before it is sent (a fault may add to it).
    pub(super) fn body(&self) -> Value {
        json!({ "error": self.code(), "message": self.to_string() })
    }

    pub(super) fn render(&self) -> Response {
        json_response(self.status(), &self.body())
    }
}

/// A JSON answer.
pub(super) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    response
}

/// A refusal is an answer: handlers return `Result<Response, ApiError>` and use `?`.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.render()
    }
}
