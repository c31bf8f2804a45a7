//! The gate every Salt Edge call passes, in the order the headers are documented: the application
//! (App-Id, App-Secret, its certificate), the request's Authorization JWT, then the Access-Token.
//!
//! The JWT is verified with the application's public key (RS256), its `exp` must be greater than the
//! current time, and its `data` carries the request's parameters. The `exp` is compared with the
//! wall clock, not the bank's movable clock: it bounds a request's life on the wire, and the TPP
//! signing it cannot see a sandbox clock that scenarios moved forward. Access-Token and session
//! lifetimes follow the bank's clock. This file must never look at providers or sessions.

use axum::http::{HeaderMap, StatusCode, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Map, Value};

use super::SaltEdgeBank;
use super::apps::Application;
use super::faults::{
    AUTHORIZATION_MISSING_MISNAMED, CERTIFICATE_PERMISSIONS_IGNORED, JWT_EXP_NOT_CHECKED,
    JWT_SIGNATURE_NOT_CHECKED, REVOKED_TOKEN_ACCEPTED, TOKEN_EXPIRY_IGNORED, TOKEN_MISSING_AS_401,
    UNKNOWN_APP_AS_401, UNKNOWN_TOKEN_MISNAMED,
};
use super::reply::{ApiError, ErrorClass};
use super::tokens::Grant;

/// What an endpoint requires besides App-Id and App-Secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Needs {
    /// App-Id and App-Secret only (providers, templates).
    App,
    /// Plus the Authorization JWT (sessions, remote).
    Jwt,
    /// Plus the Access-Token (tokens, trusted beneficiaries).
    JwtAndToken,
}

/// An admitted call: the application, the JWT's `data`, and the Access-Token with its grant.
#[derive(Debug)]
pub(super) struct Call {
    pub app: Application,
    pub data: Map<String, Value>,
    pub token: Option<(String, Grant)>,
}

impl Call {
    /// The Access-Token and its grant (present whenever the endpoint needs them).
    pub(super) fn grant(&self) -> Result<&(String, Grant), ApiError> {
        self.token
            .as_ref()
            .ok_or_else(|| ApiError::new(ErrorClass::TokenMissing, "no Access-Token"))
    }
}

/// A header's value, trimmed; `None` when absent, empty or not text.
pub(super) fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

impl SaltEdgeBank {
    /// Lets the call in, or says which documented error stops it.
    pub(super) fn admit(&self, headers: &HeaderMap, needs: Needs) -> Result<Call, ApiError> {
        let app = self.application(headers)?;
        let data = match needs {
            Needs::App => Map::new(),
            Needs::Jwt | Needs::JwtAndToken => self.jwt_data(headers, &app)?,
        };
        let token = match needs {
            Needs::JwtAndToken => Some(self.access_token(headers, &app)?),
            _ => None,
        };
        Ok(Call { app, data, token })
    }

    fn application(&self, headers: &HeaderMap) -> Result<Application, ApiError> {
        let not_found = |message: &str| {
            let error = ApiError::new(ErrorClass::OauthAppNotFound, message);
            if self.faults.has(UNKNOWN_APP_AS_401) {
                error.with_status(StatusCode::UNAUTHORIZED)
            } else {
                error
            }
        };
        let app_id = header(headers, "app-id").ok_or_else(|| not_found("App-Id is missing"))?;
        let app = self
            .apps
            .iter()
            .find(|a| a.app_id == app_id)
            .ok_or_else(|| not_found("no application has this App-Id"))?;
        if header(headers, "app-secret") != Some(app.app_secret.as_str()) {
            return Err(not_found("App-Secret does not match the application"));
        }
        if !app.certificate_permissions && !self.faults.has(CERTIFICATE_PERMISSIONS_IGNORED) {
            return Err(ApiError::new(
                ErrorClass::CertificateNotFound,
                "the application's certificate has no permissions",
            ));
        }
        Ok(app.clone())
    }

    /// The verified JWT's `data` object.
    fn jwt_data(
        &self,
        headers: &HeaderMap,
        app: &Application,
    ) -> Result<Map<String, Value>, ApiError> {
        let missing = || {
            let error = ApiError::new(
                ErrorClass::AuthorizationMissing,
                "Authorization header is missing",
            );
            if self.faults.has(AUTHORIZATION_MISSING_MISNAMED) {
                error.named("Unauthorized")
            } else {
                error
            }
        };
        let value = header(headers, header::AUTHORIZATION.as_str()).ok_or_else(missing)?;
        let jwt = match value.split_once(' ') {
            Some((scheme, jwt)) if scheme.eq_ignore_ascii_case("bearer") => jwt.trim(),
            _ => {
                return Err(ApiError::new(
                    ErrorClass::JwtDecodeError,
                    "Authorization must be `Bearer <JWT>`",
                ));
            }
        };
        let claims = if self.faults.has(JWT_SIGNATURE_NOT_CHECKED) {
            unverified_claims(jwt)
        } else {
            verified_claims(jwt, app).map_err(|e| {
                ApiError::new(
                    ErrorClass::JwtDecodeError,
                    format!("the JWT does not verify with the application's public key: {e}"),
                )
            })?
        };
        let exp = claims.get("exp").and_then(Value::as_i64).ok_or_else(|| {
            ApiError::new(ErrorClass::JwtDecodeError, "the JWT has no integer exp")
        })?;
        if exp <= chrono::Utc::now().timestamp() && !self.faults.has(JWT_EXP_NOT_CHECKED) {
            return Err(ApiError::new(
                ErrorClass::JwtExpired,
                "the JWT's exp is not greater than the current time",
            ));
        }
        match claims.get("data") {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(data)) => Ok(data.clone()),
            Some(_) => Err(ApiError::new(
                ErrorClass::WrongRequestFormat,
                "the JWT's data must be a hash",
            )),
        }
    }

    fn access_token(
        &self,
        headers: &HeaderMap,
        app: &Application,
    ) -> Result<(String, Grant), ApiError> {
        let Some(token) = header(headers, "access-token") else {
            let error = ApiError::new(
                ErrorClass::TokenMissing,
                "This request cannot be performed without Access_Token header.",
            );
            return Err(if self.faults.has(TOKEN_MISSING_AS_401) {
                error.with_status(StatusCode::UNAUTHORIZED)
            } else {
                error
            });
        };
        let grant = self
            .tokens
            .lookup(token)
            .filter(|g| g.app_id == app.app_id)
            .ok_or_else(|| {
                let error = ApiError::new(
                    ErrorClass::TokenNotFound,
                    "Token specified in request does not exist or cannot be retrieved.",
                );
                if self.faults.has(UNKNOWN_TOKEN_MISNAMED) {
                    error.named("TokenRevoked")
                } else {
                    error
                }
            })?;
        if grant.revoked && !self.faults.has(REVOKED_TOKEN_ACCEPTED) {
            return Err(ApiError::new(
                ErrorClass::TokenRevoked,
                "Token specified in request is revoked and cannot be used anymore.",
            ));
        }
        if grant.expires_at <= self.clock.now() && !self.faults.has(TOKEN_EXPIRY_IGNORED) {
            return Err(ApiError::new(
                ErrorClass::TokenExpired,
                "Token specified in request is expired and cannot be used.",
            ));
        }
        Ok((token.to_string(), grant))
    }
}

/// The claims of an RS256 JWT whose signature verifies with the application's public key (`exp`
/// is checked by the caller, against the wall clock).
fn verified_claims(jwt: &str, app: &Application) -> Result<Value, jsonwebtoken::errors::Error> {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims = Default::default();
    jsonwebtoken::decode::<Value>(jwt, &app.public_key, &validation).map(|d| d.claims)
}

/// The claims of a JWT read without checking its signature (the `jwt-signature-not-checked`
/// fault); an unreadable payload gives no claims.
fn unverified_claims(jwt: &str) -> Value {
    jwt.split('.')
        .nth(1)
        .and_then(|payload| URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Null)
}
