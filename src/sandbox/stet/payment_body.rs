//! The body of `POST /payment-requests`: a STET PaymentRequestResource, read and checked.
//!
//! The members this bank relies on are required (paymentInformationId, creationDateTime,
//! numberOfTransactions, initiatingParty, paymentTypeInformation, creditor, creditorAccount.iban,
//! creditTransferTransaction with paymentId, instructedAmount and remittanceInformation, and the
//! report URLs of supplementaryData); the request is kept as sent, to be returned. This file must
//! never store anything, and never panic on what a client sends.

use chrono::{DateTime, NaiveDateTime};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::funds::{Amount, eur_cents};
use super::html::is_redirectable_url;
use super::reply::ApiError;

/// A payment request the bank can save.
#[derive(Clone, Debug)]
pub(super) struct ValidPayment {
    /// The request as sent (a JSON object).
    pub request: Map<String, Value>,
    pub debtor_iban: Option<String>,
    pub creditor_name: String,
    pub total_cents: i64,
    pub successful_report_url: String,
    pub unsuccessful_report_url: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PaymentRequest {
    payment_information_id: String,
    creation_date_time: String,
    number_of_transactions: u32,
    initiating_party: Party,
    payment_type_information: Map<String, Value>,
    debtor_account: Option<AccountId>,
    creditor: Party,
    creditor_account: AccountId,
    credit_transfer_transaction: Vec<CreditTransfer>,
    supplementary_data: SupplementaryData,
}

#[derive(Debug, Deserialize)]
struct Party {
    name: String,
}

#[derive(Debug, Deserialize)]
struct AccountId {
    iban: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreditTransfer {
    payment_id: PaymentId,
    instructed_amount: Amount,
    remittance_information: Value,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PaymentId {
    instruction_id: String,
    end_to_end_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SupplementaryData {
    accepted_authentication_approach: Option<Vec<String>>,
    successful_report_url: String,
    unsuccessful_report_url: String,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::BadRequest(message.into())
}

/// An IBAN's shape: country code, check digits, then 11 to 30 letters and digits.
fn is_iban(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (Some(country), Some(check), Some(rest)) =
        (bytes.get(..2), bytes.get(2..4), bytes.get(4..))
    else {
        return false;
    };
    (15..=34).contains(&bytes.len())
        && country.iter().all(u8::is_ascii_uppercase)
        && check.iter().all(u8::is_ascii_digit)
        && rest.iter().all(u8::is_ascii_alphanumeric)
}

/// An ISODateTime as STET writes it (with or without offset, with or without fraction).
fn is_date_time(text: &str) -> bool {
    DateTime::parse_from_rfc3339(text).is_ok()
        || NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").is_ok()
}

/// Unstructured remittance information: a list of strings (STET 1.4) or `{"unstructured": [...]}`.
fn is_remittance(value: &Value) -> bool {
    let lines = match value {
        Value::Object(map) => map.get("unstructured"),
        other => Some(other),
    };
    lines
        .and_then(Value::as_array)
        .is_some_and(|lines| !lines.is_empty() && lines.iter().all(Value::is_string))
}

/// Reads and checks a payment request body.
pub(super) fn validate(body: &[u8]) -> Result<ValidPayment, ApiError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| bad(format!("the body is not JSON: {e}")))?;
    let Value::Object(request) = value else {
        return Err(bad("the body must be a JSON object"));
    };
    let parsed: PaymentRequest = serde_json::from_value(Value::Object(request.clone()))
        .map_err(|e| bad(format!("the body is not a STET payment request: {e}")))?;
    let required = [
        ("paymentInformationId", &parsed.payment_information_id),
        ("initiatingParty.name", &parsed.initiating_party.name),
        ("creditor.name", &parsed.creditor.name),
    ];
    for (name, value) in required {
        if value.trim().is_empty() {
            return Err(bad(format!("{name} must not be empty")));
        }
    }
    if !is_date_time(&parsed.creation_date_time) {
        return Err(bad("creationDateTime is not an ISO 8601 date-time"));
    }
    if parsed.payment_type_information.is_empty() {
        return Err(bad("paymentTypeInformation must say the service level"));
    }
    if !is_iban(&parsed.creditor_account.iban) {
        return Err(bad("creditorAccount.iban is not an IBAN"));
    }
    let debtor_iban = parsed.debtor_account.map(|a| a.iban);
    if debtor_iban.as_deref().is_some_and(|iban| !is_iban(iban)) {
        return Err(bad("debtorAccount.iban is not an IBAN"));
    }
    let transfers = &parsed.credit_transfer_transaction;
    if transfers.is_empty() {
        return Err(bad(
            "creditTransferTransaction must hold at least one transfer",
        ));
    }
    if usize::try_from(parsed.number_of_transactions).ok() != Some(transfers.len()) {
        return Err(bad(
            "numberOfTransactions is not the number of creditTransferTransaction entries",
        ));
    }
    let mut total_cents: i64 = 0;
    for transfer in transfers {
        let id = &transfer.payment_id;
        if id.instruction_id.trim().is_empty() || id.end_to_end_id.trim().is_empty() {
            return Err(bad("paymentId needs instructionId and endToEndId"));
        }
        if !is_remittance(&transfer.remittance_information) {
            return Err(bad(
                "remittanceInformation must hold unstructured remittance lines",
            ));
        }
        let cents = eur_cents(&transfer.instructed_amount)?;
        total_cents = total_cents
            .checked_add(cents)
            .ok_or_else(|| bad("the total amount is too large"))?;
    }
    let data = parsed.supplementary_data;
    if data
        .accepted_authentication_approach
        .as_ref()
        .is_some_and(|approaches| !approaches.iter().any(|a| a == "REDIRECT"))
    {
        return Err(bad(
            "this ASPSP only offers the REDIRECT authentication approach",
        ));
    }
    for (name, url) in [
        ("successfulReportUrl", &data.successful_report_url),
        ("unsuccessfulReportUrl", &data.unsuccessful_report_url),
    ] {
        if !is_redirectable_url(url) {
            return Err(bad(format!(
                "supplementaryData.{name} must be an absolute http(s) URL"
            )));
        }
    }
    Ok(ValidPayment {
        request,
        debtor_iban,
        creditor_name: parsed.creditor.name,
        total_cents,
        successful_report_url: data.successful_report_url,
        unsuccessful_report_url: data.unsuccessful_report_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_dates_and_remittances_are_checked_by_shape() {
        assert!(is_iban("FR7617515900000400358074026"));
        for bad in [
            "FR76",
            "fr7617515900000400358074026",
            "FR7X17515900000400358074026",
        ] {
            assert!(!is_iban(bad), "{bad}");
        }
        assert!(is_date_time("2026-03-01T10:15:00.000+01:00"));
        assert!(is_date_time("2026-03-01T10:15:00"));
        assert!(!is_date_time("2026-03-01"));
        assert!(is_remittance(&serde_json::json!(["INV 1"])));
        assert!(is_remittance(
            &serde_json::json!({ "unstructured": ["INV 1"] })
        ));
        assert!(!is_remittance(&serde_json::json!([])));
        assert!(!is_remittance(&serde_json::json!("INV 1")));
    }
}
