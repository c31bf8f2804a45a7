//! The consents the scenarios ask for, as `authorization_details` entries (RAR, notes §3.3-3.4),
//! and the PII a payment consent and a payment carry (notes §7.3). Values come from the target's
//! settings; ids and times are fresh for every consent.

use chrono::{Duration, FixedOffset, Utc};
use serde_json::{Value, json};

use super::settings::Creditor;

pub const ACCOUNT_ACCESS: &str = "urn:openfinanceuae:account-access-consent:v2.1";
pub const SERVICE_INITIATION: &str = "urn:openfinanceuae:service-initiation-consent:v2.1";

/// What kind of consent a grant is for: its scope and how the PSU authorises it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    DataSharing,
    Payment,
}

impl Kind {
    pub fn scope(self) -> &'static str {
        match self {
            Kind::DataSharing => "accounts openid",
            Kind::Payment => "payments openid",
        }
    }
}

/// The permissions ALT-DS-01 asks for (notes §13).
pub const PERMISSIONS: &[&str] = &[
    "ReadAccountsBasic",
    "ReadAccountsDetail",
    "ReadBalances",
    "ReadTransactionsBasic",
    "ReadTransactionsDetail",
    "ReadParty",
];

/// `now + minutes`, as the documents write a date-time: `YYYY-MM-DDThh:mm:ss+00:00`.
pub fn in_minutes(minutes: i64) -> String {
    (Utc::now() + Duration::minutes(minutes))
        .format("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string()
}

/// An account-access consent with a fresh ConsentId, expiring ten minutes ahead.
pub fn account_access(consent_id: &str) -> Value {
    json!({
        "type": ACCOUNT_ACCESS,
        "consent": {
            "ConsentId": consent_id,
            "Permissions": PERMISSIONS,
            "ExpirationDateTime": in_minutes(10),
            "OpenFinanceBilling": { "UserType": "Retail", "Purpose": "AccountAggregation" },
        }
    })
}

/// The creditor account as the PII names it.
fn creditor_account(creditor: &Creditor) -> Value {
    json!({
        "SchemeName": "IBAN",
        "Identification": creditor.iban,
        "Name": { "en": creditor.name },
    })
}

fn risk() -> Value {
    json!({ "CreditorIndicators": { "IsCreditorConfirmed": false } })
}

/// The consent's PII (`AEDomesticPaymentPII`): one creditor.
pub fn consent_pii(creditor: &Creditor) -> Value {
    json!({
        "Initiation": { "Creditor": [ { "CreditorAccount": creditor_account(creditor) } ] },
        "Risk": risk(),
    })
}

/// A payment's PII: the flat form, the same creditor as the consent's.
pub fn payment_pii(creditor: &Creditor) -> Value {
    json!({
        "Initiation": { "CreditorAccount": creditor_account(creditor) },
        "Risk": risk(),
    })
}

/// The references both the consent and its payments carry.
pub const REFERENCE: &str = "OBCONF-TEST";

/// A single instant payment consent of `amount` AED, expiring ten minutes ahead.
pub fn single_payment(consent_id: &str, amount: &str, pii: Value) -> Value {
    service_initiation(
        consent_id,
        json!({ "SinglePayment": { "Type": "SingleInstantPayment", "Amount": aed(amount) } }),
        pii,
    )
}

/// The limits of a variable-on-demand consent.
#[derive(Clone, Debug)]
pub struct Limits {
    pub individual: String,
    pub per_period_count: u32,
    pub per_period_value: String,
    pub count: u32,
    pub value: String,
}

/// A variable-on-demand multi-payment consent: weekly periods from today (UAE time).
pub fn multi_payment(consent_id: &str, limits: &Limits, pii: Value) -> Value {
    let uae = FixedOffset::east_opt(4 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).unwrap());
    let today = Utc::now().with_timezone(&uae).date_naive().to_string();
    service_initiation(
        consent_id,
        json!({ "MultiPayment": {
            "MaximumCumulativeNumberOfPayments": limits.count,
            "MaximumCumulativeValueOfPayments": aed(&limits.value),
            "PeriodicSchedule": {
                "Type": "VariableOnDemand",
                "PeriodType": "Week",
                "PeriodStartDate": today,
                "Controls": {
                    "MaximumIndividualAmount": aed(&limits.individual),
                    "MaximumCumulativeNumberOfPaymentsPerPeriod": limits.per_period_count,
                    "MaximumCumulativeValueOfPaymentsPerPeriod": aed(&limits.per_period_value),
                }
            }
        } }),
        pii,
    )
}

fn service_initiation(consent_id: &str, schedule: Value, pii: Value) -> Value {
    json!({
        "type": SERVICE_INITIATION,
        "consent": {
            "ConsentId": consent_id,
            "IsSingleAuthorization": true,
            "ExpirationDateTime": in_minutes(10),
            "ControlParameters": { "ConsentSchedule": schedule },
            "PersonalIdentifiableInformation": pii,
            "PaymentPurposeCode": "ACM",
            "DebtorReference": REFERENCE,
            "CreditorReference": REFERENCE,
        }
    })
}

/// `{"Amount": "150.00", "Currency": "AED"}`.
pub fn aed(amount: &str) -> Value {
    json!({ "Amount": amount, "Currency": "AED" })
}

/// The `message.Data` of a payment under `consent_id` (notes §7.2).
pub fn payment_data(consent_id: &str, amount: &str, pii: Value) -> Value {
    json!({
        "ConsentId": consent_id,
        "Instruction": { "Amount": aed(amount) },
        "PersonalIdentifiableInformation": pii,
        "PaymentPurposeCode": "ACM",
        "DebtorReference": REFERENCE,
        "CreditorReference": REFERENCE,
        "OpenFinanceBilling": { "Type": "PushP2P" },
    })
}
