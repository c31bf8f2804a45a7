//! `GET /end-user-identity` and `GET /trusted-beneficiaries` of the STET bank.
//!
//! The identity is given only while the consent in force has psuIdentity true. Trusted
//! beneficiaries are not supported by this ASPSP (BPCE): the entry point exists and answers 501.
//! These handlers must never change a consent.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde_json::{Map, Value};

use super::faults::{IDENTITY_FORBIDDEN, IDENTITY_WITHOUT_CONSENT, TRUSTED_BENEFICIARIES_400};
use super::ratelimit::AisMethod;
use super::reply::{ApiError, hal, link};
use super::{API_PREFIX, StetBank};

/// `GET /end-user-identity`.
pub(super) async fn end_user_identity(
    State(bank): State<Arc<StetBank>>,
    parts: Parts,
) -> Result<Response, ApiError> {
    bank.identity(&parts)
}

/// `GET /trusted-beneficiaries`.
pub(super) async fn trusted_beneficiaries(
    State(bank): State<Arc<StetBank>>,
    parts: Parts,
) -> Result<Response, ApiError> {
    bank.beneficiaries(&parts)
}

impl StetBank {
    fn identity(&self, parts: &Parts) -> Result<Response, ApiError> {
        let caller = self.admit(parts)?;
        self.count_ais_call(parts, &caller, AisMethod::EndUserIdentity, None)?;
        let consented = self
            .consents
            .current(&caller)
            .is_some_and(|c| c.psu_identity);
        let allowed = (consented || self.faults.has(IDENTITY_WITHOUT_CONSENT))
            && !self.faults.has(IDENTITY_FORBIDDEN);
        if !allowed {
            return Err(ApiError::Forbidden(
                "the PSU has not consented to share their identity",
            ));
        }
        let identity = &caller.persona.identity;
        let mut body = Map::new();
        body.insert("connectedPsu".into(), identity.full_name.into());
        if let Some(first) = identity.first_name {
            body.insert("connectedPsuFirstName".into(), first.into());
        }
        if let Some(last) = identity.last_name {
            body.insert("connectedPsuLastName".into(), last.into());
        }
        let mut links = Map::new();
        links.insert(
            "self".into(),
            link(format!("{API_PREFIX}/end-user-identity")),
        );
        body.insert("_links".into(), links.into());
        Ok(hal(StatusCode::OK, &Value::Object(body)))
    }

    fn beneficiaries(&self, parts: &Parts) -> Result<Response, ApiError> {
        self.admit(parts)?;
        Err(if self.faults.has(TRUSTED_BENEFICIARIES_400) {
            ApiError::BadRequest("unknown entry point".to_string())
        } else {
            ApiError::NotImplemented("trusted beneficiaries are not supported by this ASPSP")
        })
    }
}
