//! The rich authorization request (RFC 9396) of a PAR (notes §3.3, §3.4, §3.7-6): exactly one
//! `authorization_details` entry of a known v2.1 type whose consent follows the schema: no
//! undocumented members, a fresh `ConsentId`, an expiry in the future and within a year, known
//! permissions with their dependency rule, AED amounts, at least one VOD control, a period start
//! that is not past, and the PII as a five-part compact JWE (decrypted at authorisation).
//!
//! Failures are `invalid_request` (the UAE sources' code) with the JSON path. This file must never
//! store anything; [`super::par`] lodges what it returns.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{Map, Value};

use super::Bank;
use super::consent::Kind;
use super::payment_rules::is_amount;
use super::reply::OAuthError;

pub(crate) const ACCOUNT_ACCESS: &str = "urn:openfinanceuae:account-access-consent:v2.1";
pub(crate) const SERVICE_INITIATION: &str = "urn:openfinanceuae:service-initiation-consent:v2.1";

const DS_PERMISSIONS: &[&str] = &[
    "ReadAccountsBasic",
    "ReadAccountsDetail",
    "ReadBalances",
    "ReadBeneficiariesBasic",
    "ReadBeneficiariesDetail",
    "ReadFXTransactionsBasic",
    "ReadFXTransactionsDetail",
    "ReadFXRemittanceCharges",
    "ReadTransactionsBasic",
    "ReadTransactionsDetail",
    "ReadProduct",
    "ReadScheduledPaymentsBasic",
    "ReadScheduledPaymentsDetail",
    "ReadDirectDebits",
    "ReadStandingOrdersBasic",
    "ReadStandingOrdersDetail",
    "ReadStatements",
    "ReadPartyUser",
    "ReadPartyUserIdentity",
    "ReadParty",
    "ReadProductFinanceRates",
];
/// Permissions that need no account permission beside them.
const PARTY_PERMISSIONS: &[&str] = &["ReadPartyUser", "ReadPartyUserIdentity", "ReadParty"];
const PAY_PERMISSIONS: &[&str] = &[
    "ReadAccountsBasic",
    "ReadAccountsDetail",
    "ReadBalances",
    "ReadRefundAccount",
];
const DS_MEMBERS: &[&str] = &[
    "ConsentId",
    "BaseConsentId",
    "Permissions",
    "ExpirationDateTime",
    "OpenFinanceBilling",
    "FromDate",
    "ToDate",
    "AccountType",
    "AccountSubType",
    "OnBehalfOf",
];
const PAY_MEMBERS: &[&str] = &[
    "ConsentId",
    "BaseConsentId",
    "IsSingleAuthorization",
    "AuthorizationExpirationDateTime",
    "ExpirationDateTime",
    "Permissions",
    "CurrencyRequest",
    "ControlParameters",
    "PersonalIdentifiableInformation",
    "PaymentPurposeCode",
    "DebtorReference",
    "CreditorReference",
    "SponsoredTPPInformation",
];
const USER_TYPES: &[&str] = &["Retail", "SME", "Corporate"];
const PURPOSES: &[&str] = &[
    "AccountAggregation",
    "RiskAssessment",
    "TaxFiling",
    "Onboarding",
    "Verification",
    "QuoteComparison",
    "BudgetingAnalysis",
    "FinancialAdvice",
    "AuditReconciliation",
];

/// A validated consent request.
#[derive(Clone, Debug)]
pub(crate) struct Requested {
    pub kind: Kind,
    pub consent_id: String,
    pub expires: DateTime<Utc>,
    pub permissions: Vec<String>,
    pub body: Value,
}

fn bad(path: &str, problem: impl std::fmt::Display) -> OAuthError {
    OAuthError::request(format!("authorization_details{path}: {problem}"))
}

/// Validates the `authorization_details` claim of a request object.
pub(crate) fn validate(bank: &Bank, details: Option<&Value>) -> Result<Requested, OAuthError> {
    let entries = details
        .and_then(Value::as_array)
        .ok_or_else(|| bad("", "an array with exactly one entry is required"))?;
    let [entry] = entries.as_slice() else {
        return Err(bad(
            "",
            format!("exactly one entry is allowed, not {}", entries.len()),
        ));
    };
    let entry = entry
        .as_object()
        .ok_or_else(|| bad("[0]", "must be an object"))?;
    let kind = match entry.get("type").and_then(Value::as_str) {
        Some(ACCOUNT_ACCESS) => Kind::DataSharing,
        Some(SERVICE_INITIATION) => Kind::Payment,
        other => {
            return Err(bad(
                "[0].type",
                format!("{other:?} is not a v2.1 consent type"),
            ));
        }
    };
    if let Some(extra) = entry
        .keys()
        .find(|k| !matches!(k.as_str(), "type" | "consent" | "subscription"))
    {
        return Err(bad("[0]", format!("undocumented member {extra:?}")));
    }
    let consent = entry
        .get("consent")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("[0].consent", "an object is required"))?;
    let members = if kind == Kind::DataSharing {
        DS_MEMBERS
    } else {
        PAY_MEMBERS
    };
    if let Some(extra) = consent.keys().find(|k| !members.contains(&k.as_str())) {
        return Err(bad("[0].consent", format!("undocumented member {extra:?}")));
    }
    let consent_id = consent
        .get("ConsentId")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty() && id.len() <= 128)
        .ok_or_else(|| bad("[0].consent.ConsentId", "1 to 128 characters are required"))?;
    if bank.consents.exists(consent_id) {
        return Err(bad(
            "[0].consent.ConsentId",
            "this ConsentId was used before",
        ));
    }
    let now = bank.clock.now();
    let expires = date_time(consent, "ExpirationDateTime")?;
    if expires <= now || expires > now + Duration::days(365) {
        return Err(bad(
            "[0].consent.ExpirationDateTime",
            "must be in the future and less than a year ahead",
        ));
    }
    let permissions = permissions(consent, kind)?;
    match kind {
        Kind::DataSharing => data_sharing(consent)?,
        Kind::Payment => payment(consent, now)?,
    }
    Ok(Requested {
        kind,
        consent_id: consent_id.to_string(),
        expires,
        permissions,
        body: Value::Object(consent.clone()),
    })
}

fn date_time(consent: &Map<String, Value>, name: &str) -> Result<DateTime<Utc>, OAuthError> {
    consent
        .get(name)
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(|| {
            bad(
                &format!("[0].consent.{name}"),
                "a date-time with offset is required",
            )
        })
}

fn permissions(consent: &Map<String, Value>, kind: Kind) -> Result<Vec<String>, OAuthError> {
    let known = if kind == Kind::DataSharing {
        DS_PERMISSIONS
    } else {
        PAY_PERMISSIONS
    };
    let listed = match consent.get("Permissions") {
        None if kind == Kind::Payment => return Ok(Vec::new()),
        Some(Value::Array(items)) if !items.is_empty() => items,
        _ => {
            return Err(bad(
                "[0].consent.Permissions",
                "a non-empty array is required",
            ));
        }
    };
    let mut permissions = Vec::new();
    for item in listed {
        match item.as_str() {
            Some(p) if known.contains(&p) => permissions.push(p.to_string()),
            _ => {
                return Err(bad(
                    "[0].consent.Permissions",
                    format!("unknown permission {item}"),
                ));
            }
        }
    }
    let has = |p: &str| permissions.iter().any(|x| x == p);
    let account_level = permissions
        .iter()
        .any(|p| !p.starts_with("ReadAccounts") && !PARTY_PERMISSIONS.contains(&p.as_str()));
    if account_level && !has("ReadAccountsBasic") && !has("ReadAccountsDetail") {
        return Err(bad(
            "[0].consent.Permissions",
            "account-level permissions need ReadAccountsBasic or ReadAccountsDetail",
        ));
    }
    Ok(permissions)
}

fn data_sharing(consent: &Map<String, Value>) -> Result<(), OAuthError> {
    let billing = consent
        .get("OpenFinanceBilling")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("[0].consent.OpenFinanceBilling", "an object is required"))?;
    let in_enum = |name: &str, values: &[&str]| {
        billing
            .get(name)
            .and_then(Value::as_str)
            .is_some_and(|v| values.contains(&v))
    };
    if !in_enum("UserType", USER_TYPES) || !in_enum("Purpose", PURPOSES) {
        return Err(bad(
            "[0].consent.OpenFinanceBilling",
            "UserType and Purpose are required, from their enums",
        ));
    }
    for date in ["FromDate", "ToDate"] {
        if let Some(value) = consent.get(date)
            && value
                .as_str()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .is_none()
        {
            return Err(bad(
                &format!("[0].consent.{date}"),
                "a date (YYYY-MM-DD) is required",
            ));
        }
    }
    Ok(())
}

fn aed(value: &Value, path: &str) -> Result<(), OAuthError> {
    if !value["Amount"].as_str().is_some_and(is_amount) || value["Currency"] != "AED" {
        return Err(bad(
            path,
            "an AED amount ({\"Amount\": \"150.00\", \"Currency\": \"AED\"}) is required",
        ));
    }
    Ok(())
}

fn payment(consent: &Map<String, Value>, now: DateTime<Utc>) -> Result<(), OAuthError> {
    let purpose = consent.get("PaymentPurposeCode").and_then(Value::as_str);
    if !purpose.is_some_and(|p| p.len() == 3 && p.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(bad(
            "[0].consent.PaymentPurposeCode",
            "three capital letters are required",
        ));
    }
    let pii = consent
        .get("PersonalIdentifiableInformation")
        .and_then(Value::as_str);
    if pii.is_none_or(|p| super::jose::parts(p) != 5) {
        return Err(bad(
            "[0].consent.PersonalIdentifiableInformation",
            "a compact JWE (five parts) encrypted to the bank's use=enc key is required",
        ));
    }
    if consent.contains_key("CurrencyRequest") {
        return Err(bad(
            "[0].consent.CurrencyRequest",
            "must be absent for a domestic payment",
        ));
    }
    let schedule = &consent
        .get("ControlParameters")
        .cloned()
        .unwrap_or_default()["ConsentSchedule"];
    let path = "[0].consent.ControlParameters.ConsentSchedule";
    match (schedule.get("SinglePayment"), schedule.get("MultiPayment")) {
        (Some(single), None) => {
            if single["Type"] != "SingleInstantPayment" {
                return Err(bad(
                    &format!("{path}.SinglePayment.Type"),
                    "must be SingleInstantPayment",
                ));
            }
            aed(&single["Amount"], &format!("{path}.SinglePayment.Amount"))
        }
        (None, Some(multi)) => multi_payment(multi, now, &format!("{path}.MultiPayment")),
        _ => Err(bad(
            path,
            "exactly one of SinglePayment and MultiPayment is required",
        )),
    }
}

fn multi_payment(multi: &Value, now: DateTime<Utc>, path: &str) -> Result<(), OAuthError> {
    if let Some(value) = multi.get("MaximumCumulativeValueOfPayments") {
        aed(value, &format!("{path}.MaximumCumulativeValueOfPayments"))?;
    }
    if let Some(count) = multi.get("MaximumCumulativeNumberOfPayments")
        && count.as_u64().is_none_or(|n| n == 0)
    {
        return Err(bad(
            &format!("{path}.MaximumCumulativeNumberOfPayments"),
            "a positive integer is required",
        ));
    }
    let schedule = &multi["PeriodicSchedule"];
    let spath = format!("{path}.PeriodicSchedule");
    let kind = schedule["Type"].as_str().unwrap_or_default();
    if !matches!(kind, "VariableOnDemand" | "FixedOnDemand") {
        return Err(bad(
            &format!("{spath}.Type"),
            "the model bank offers VariableOnDemand and FixedOnDemand",
        ));
    }
    if !matches!(
        schedule["PeriodType"].as_str(),
        Some("Day" | "Week" | "Month" | "Year")
    ) {
        return Err(bad(
            &format!("{spath}.PeriodType"),
            "Day, Week, Month or Year is required",
        ));
    }
    let start = schedule["PeriodStartDate"]
        .as_str()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| {
            bad(
                &format!("{spath}.PeriodStartDate"),
                "a date (YYYY-MM-DD) is required",
            )
        })?;
    if start < now.with_timezone(&super::data::uae()).date_naive() {
        return Err(bad(
            &format!("{spath}.PeriodStartDate"),
            "must not be in the past (+04:00)",
        ));
    }
    if kind == "FixedOnDemand" {
        aed(&schedule["Amount"], &format!("{spath}.Amount"))?;
    }
    let controls = schedule["Controls"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let known = [
        "MaximumIndividualAmount",
        "MaximumCumulativeValueOfPaymentsPerPeriod",
        "MaximumCumulativeNumberOfPaymentsPerPeriod",
    ];
    if !controls.keys().any(|k| known.contains(&k.as_str())) {
        return Err(bad(
            &format!("{spath}.Controls"),
            "at least one control is required",
        ));
    }
    for name in [
        "MaximumIndividualAmount",
        "MaximumCumulativeValueOfPaymentsPerPeriod",
    ] {
        if let Some(value) = controls.get(name) {
            aed(value, &format!("{spath}.Controls.{name}"))?;
        }
    }
    Ok(())
}
