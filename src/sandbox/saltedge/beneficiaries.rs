//! The Trusted beneficiaries endpoints of the Salt Edge bank: Index (GET /trusted_beneficiaries,
//! `provider_code` in the JWT's data) and Show (GET /trusted_beneficiaries/:id).
//!
//! Both need the Access-Token: a token gives the beneficiaries of its own provider's sandbox
//! customer only. This file must never change a token or a session.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::Value;

use super::faults::{
    BENEFICIARIES_ACCEPT_REVOKED_TOKEN, BENEFICIARIES_OF_EVERY_PROVIDER,
    BENEFICIARY_NOT_FOUND_MISNAMED, BENEFICIARY_WITHOUT_IDENTIFIERS,
};
use super::gate::{Call, Needs, header};
use super::reply::{Answer, ApiError, ErrorClass};
use super::{Bank, SaltEdgeBank};

/// GET /trusted_beneficiaries.
pub(super) async fn index(
    State(bank): State<Bank>,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    bank.beneficiaries(&headers)
}

/// GET /trusted_beneficiaries/:id.
pub(super) async fn show(
    State(bank): State<Bank>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    bank.beneficiary(&headers, &id)
}

impl SaltEdgeBank {
    /// Admits a trusted-beneficiaries call with its Access-Token (a revoked one too, under the
    /// `beneficiaries-accept-revoked-token` fault).
    fn admit_with_token(&self, headers: &HeaderMap) -> Result<Call, ApiError> {
        match self.admit(headers, Needs::JwtAndToken) {
            Err(e)
                if e.class == ErrorClass::TokenRevoked
                    && self.faults.has(BENEFICIARIES_ACCEPT_REVOKED_TOKEN) =>
            {
                let mut call = self.admit(headers, Needs::Jwt)?;
                let token = header(headers, "access-token").unwrap_or_default();
                call.token = self.tokens.lookup(token).map(|g| (token.to_string(), g));
                Ok(call)
            }
            admitted => admitted,
        }
    }

    fn beneficiaries(&self, headers: &HeaderMap) -> Result<Answer, ApiError> {
        let call = self.admit_with_token(headers)?;
        let (_, grant) = call.grant()?;
        let code = call
            .data
            .get("provider_code")
            .and_then(Value::as_str)
            .unwrap_or("");
        let provider = self.approved_provider(code)?;
        if provider.code != grant.provider.code {
            return Err(ApiError::new(
                ErrorClass::AccessDenied,
                format!("the Access-Token was not issued by `{code}`"),
            ));
        }
        let list = self
            .providers
            .iter()
            .filter(|p| p.code == code || self.faults.has(BENEFICIARIES_OF_EVERY_PROVIDER))
            .flat_map(|p| p.beneficiaries.iter().map(|b| b.to_json(p.code)))
            .collect();
        Ok(Answer::data(Value::Array(list)))
    }

    fn beneficiary(&self, headers: &HeaderMap, id: &str) -> Result<Answer, ApiError> {
        let call = self.admit_with_token(headers)?;
        let (_, grant) = call.grant()?;
        let provider = grant.provider;
        let found = id
            .parse::<u64>()
            .ok()
            .and_then(|id| provider.beneficiaries.iter().find(|b| b.id == id))
            .ok_or_else(|| {
                let error = ApiError::new(
                    ErrorClass::TrustedBeneficiaryNotFound,
                    "Trusted Beneficiary specified in request does not exist or cannot be retrieved.",
                );
                if self.faults.has(BENEFICIARY_NOT_FOUND_MISNAMED) {
                    error.named("RecordNotFound")
                } else {
                    error
                }
            })?;
        let mut json = found.to_json(provider.code);
        if self.faults.has(BENEFICIARY_WITHOUT_IDENTIFIERS)
            && let Some(map) = json.as_object_mut()
        {
            map.remove("identifiers");
        }
        Ok(Answer::data(json))
    }
}
