//! `POST /funds-confirmations` of the STET bank (CBPII, STET-CBPII-01/02): "the ASPSP answers with a
//! structure embedding the original request and the result as a Boolean".
//!
//! It needs a token of scope cbpii (a client-credentials token: no PSU); the result is true when the
//! account's accounting balance covers the amount. This handler reads the ledger only; it must never
//! change a balance or say more about the account than the Boolean.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Scope;
use super::data::{CURRENCY, amount_cents};
use super::faults::{FUNDS_CONFIRMATION_ALWAYS_TRUE, FUNDS_CONFIRMATION_ANY_SCOPE};
use super::reply::{ApiError, hal, link};
use super::{API_PREFIX, StetBank};

/// A STET PaymentCoverageRequestResource (the optional payee is only echoed).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PaymentCoverageRequest {
    payment_coverage_request_id: String,
    instructed_amount: Amount,
    account_id: AccountId,
}

/// An instructed amount: currency and a decimal amount as text.
#[derive(Debug, Deserialize)]
pub(super) struct Amount {
    pub currency: String,
    pub amount: String,
}

#[derive(Debug, Deserialize)]
struct AccountId {
    iban: String,
}

/// `POST /funds-confirmations`.
pub(super) async fn confirm(
    State(bank): State<Arc<StetBank>>,
    parts: Parts,
    body: Bytes,
) -> Result<Response, ApiError> {
    bank.funds_confirmation(&parts, &body)
}

/// The amount in cents of an EUR amount, or why it is not one.
pub(super) fn eur_cents(amount: &Amount) -> Result<i64, ApiError> {
    if amount.currency != CURRENCY {
        return Err(ApiError::BadRequest(format!(
            "instructedAmount.currency must be {CURRENCY}: this ASPSP holds euro accounts only"
        )));
    }
    amount_cents(&amount.amount).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "instructedAmount.amount {:?} is not a positive amount with at most 2 decimals",
            amount.amount
        ))
    })
}

impl StetBank {
    fn funds_confirmation(&self, parts: &Parts, body: &[u8]) -> Result<Response, ApiError> {
        let any_scope = self.faults.has(FUNDS_CONFIRMATION_ANY_SCOPE);
        self.admit_scope(parts, Scope::Cbpii, any_scope)?;
        let echoed: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::BadRequest(format!("the body is not JSON: {e}")))?;
        let request: PaymentCoverageRequest =
            serde_json::from_value(echoed.clone()).map_err(|e| {
                ApiError::BadRequest(format!("the body is not a payment coverage request: {e}"))
            })?;
        if request.payment_coverage_request_id.trim().is_empty() {
            return Err(ApiError::BadRequest(
                "paymentCoverageRequestId must not be empty".to_string(),
            ));
        }
        let cents = eur_cents(&request.instructed_amount)?;
        let account = self
            .ledger
            .by_iban(&request.account_id.iban)
            .ok_or_else(|| {
                ApiError::NotFound(format!(
                    "no account {} at this ASPSP",
                    request.account_id.iban
                ))
            })?;
        let covered =
            account.data.balance_cents >= cents || self.faults.has(FUNDS_CONFIRMATION_ALWAYS_TRUE);
        let body = json!({
            "request": echoed,
            "result": covered,
            "_links": { "self": link(format!("{API_PREFIX}/funds-confirmations")) },
        });
        Ok(hal(StatusCode::OK, &body))
    }
}
