//! How the Salt Edge bank answers: `{"data": …, "meta": …}` on success, and on refusal the error
//! class with its HTTP code from the document's "Related Errors" tables.
//!
//! Every refusal is an [`ApiError`]: an [`ErrorClass`] (which fixes the documented code) and a
//! message. A fault may misreport the code or the class ([`ApiError::with_status`],
//! [`ApiError::named`]); nothing else may. This file must never decide whether a request is refused.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::sandbox::kit::deferred;

/// The media type of every answer.
const JSON: &str = "application/json; charset=utf-8";

/// The error classes of the document's tables, plus the few the document leaves unnamed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ErrorClass {
    TokenMissing,
    AuthorizationMissing,
    TokenNotFound,
    TokenRevoked,
    TokenExpired,
    OauthAppNotFound,
    CertificateNotFound,
    ScopesInvalid,
    AccessDenied,
    ProviderNotFound,
    SessionNotFound,
    SessionClosed,
    SessionExpired,
    ActionNotAllowed,
    TrustedBeneficiaryNotFound,
    /// Not in the document: the Authorization JWT does not verify with the application's key.
    JwtDecodeError,
    /// Not in the document: the Authorization JWT's `exp` is not greater than the current time.
    JwtExpired,
    /// Not in the document: a parameter outside its documented range (per_page, consent_period_days).
    ValueOutOfRange,
    /// Not in the document: a parameter of the wrong type.
    WrongRequestFormat,
    /// Not in the document: no endpoint at that path, or not with that method.
    RouteNotFound,
}

impl ErrorClass {
    /// The class name, as the body carries it.
    pub(super) fn name(self) -> &'static str {
        match self {
            ErrorClass::TokenMissing => "TokenMissing",
            ErrorClass::AuthorizationMissing => "AuthorizationMissing",
            ErrorClass::TokenNotFound => "TokenNotFound",
            ErrorClass::TokenRevoked => "TokenRevoked",
            ErrorClass::TokenExpired => "TokenExpired",
            ErrorClass::OauthAppNotFound => "OauthAppNotFound",
            ErrorClass::CertificateNotFound => "CertificateNotFound",
            ErrorClass::ScopesInvalid => "ScopesInvalid",
            ErrorClass::AccessDenied => "AccessDenied",
            ErrorClass::ProviderNotFound => "ProviderNotFound",
            ErrorClass::SessionNotFound => "SessionNotFound",
            ErrorClass::SessionClosed => "SessionClosed",
            ErrorClass::SessionExpired => "SessionExpired",
            ErrorClass::ActionNotAllowed => "ActionNotAllowed",
            ErrorClass::TrustedBeneficiaryNotFound => "TrustedBeneficiaryNotFound",
            ErrorClass::JwtDecodeError => "JWTDecodeError",
            ErrorClass::JwtExpired => "JWTExpired",
            ErrorClass::ValueOutOfRange => "ValueOutOfRange",
            ErrorClass::WrongRequestFormat => "WrongRequestFormat",
            ErrorClass::RouteNotFound => "RouteNotFound",
        }
    }

    /// The documented HTTP code of the class.
    pub(super) fn status(self) -> StatusCode {
        match self {
            ErrorClass::TokenMissing
            | ErrorClass::ScopesInvalid
            | ErrorClass::SessionClosed
            | ErrorClass::ValueOutOfRange
            | ErrorClass::WrongRequestFormat => StatusCode::BAD_REQUEST,
            ErrorClass::AuthorizationMissing
            | ErrorClass::TokenNotFound
            | ErrorClass::TokenRevoked
            | ErrorClass::TokenExpired
            | ErrorClass::AccessDenied
            | ErrorClass::SessionExpired
            | ErrorClass::JwtDecodeError
            | ErrorClass::JwtExpired => StatusCode::UNAUTHORIZED,
            ErrorClass::OauthAppNotFound
            | ErrorClass::CertificateNotFound
            | ErrorClass::ProviderNotFound
            | ErrorClass::SessionNotFound
            | ErrorClass::TrustedBeneficiaryNotFound
            | ErrorClass::RouteNotFound => StatusCode::NOT_FOUND,
            ErrorClass::ActionNotAllowed => StatusCode::NOT_ACCEPTABLE,
        }
    }
}

/// Why the bank refuses a request.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}: {message}", self.class_name())]
pub(super) struct ApiError {
    pub class: ErrorClass,
    pub message: String,
    /// A fault's code instead of the documented one.
    status: Option<StatusCode>,
    /// A fault's class name instead of the documented one.
    name: Option<&'static str>,
}

impl ApiError {
    pub(super) fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        Self {
            class,
            message: message.into(),
            status: None,
            name: None,
        }
    }

    /// The same refusal answered with another HTTP code (a fault).
    pub(super) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// The same refusal under another class name (a fault).
    pub(super) fn named(mut self, name: &'static str) -> Self {
        self.name = Some(name);
        self
    }

    pub(super) fn status(&self) -> StatusCode {
        self.status.unwrap_or(self.class.status())
    }

    pub(super) fn class_name(&self) -> &'static str {
        self.name.unwrap_or(self.class.name())
    }
}

/// A successful answer: its `data` and the endpoint's own `meta` members (`next_id`).
#[derive(Clone, Debug)]
pub(super) struct Answer {
    pub data: Value,
    pub meta: Map<String, Value>,
}

impl Answer {
    pub(super) fn data(data: Value) -> Self {
        Self {
            data,
            meta: Map::new(),
        }
    }
}

/// What a handler answers, on its way to the bank's `finish` middleware: the one place that renders
/// it, since `meta` holds the request's Client-Request-Id and the bank's time ([`deferred`]).
pub(super) type Outcome = Result<Answer, ApiError>;

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        deferred::defer::<Outcome>(Ok(self))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        deferred::defer::<Outcome>(Err(self))
    }
}

/// The response to `outcome`; `client_request_id` goes into `meta` when given, with the bank's `now`.
pub(super) fn render(
    outcome: Outcome,
    client_request_id: Option<&str>,
    now: DateTime<Utc>,
) -> Response {
    let (status, mut body, mut meta) = match outcome {
        Ok(answer) => (StatusCode::OK, json!({ "data": answer.data }), answer.meta),
        Err(error) => (
            error.status(),
            json!({ "error_class": error.class_name(), "error_message": error.message }),
            Map::new(),
        ),
    };
    if let Some(id) = client_request_id {
        meta.insert("client_request_id".into(), Value::from(id));
    }
    meta.insert(
        "time".into(),
        Value::from(now.to_rfc3339_opts(SecondsFormat::Millis, true)),
    );
    body["meta"] = Value::Object(meta);
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    response
}

/// An instant as the document writes it (`2019-11-18T16:04:50.725Z`).
pub(super) fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}
