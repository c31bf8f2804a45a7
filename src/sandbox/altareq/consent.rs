//! Consents as the hub keeps them (lodged at PAR, `AwaitingAuthorization`), and the Ozone consent
//! manager the headless authorisation drives (notes §4.2-2/3): `GET {cs}/v2024.46/consents/{id}`
//! and `PATCH` with the PSU's user id, the selected accounts (the one debtor account for a payment)
//! and `"consentBody.Data.Status": "Authorized"`.
//!
//! A consent is only ever seen and changed by the client that lodged it. This file must never
//! issue codes or tokens; [`super::authorize`] and [`super::token`] do.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{Extensions, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::reply::{Refusal, json_response};
use super::{Bank, data, guard, rar};
use crate::sandbox::kit::Locked;

pub(crate) const AWAITING: &str = "AwaitingAuthorization";
pub(crate) const AUTHORIZED: &str = "Authorized";
pub(crate) const REJECTED: &str = "Rejected";
pub(crate) const REVOKED: &str = "Revoked";
pub(crate) const EXPIRED: &str = "Expired";
pub(crate) const CONSUMED: &str = "Consumed";

/// The two consent types of v2.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    DataSharing,
    Payment,
}

impl Kind {
    pub fn urn(self) -> &'static str {
        match self {
            Self::DataSharing => rar::ACCOUNT_ACCESS,
            Self::Payment => rar::SERVICE_INITIATION,
        }
    }
}

/// One consent.
#[derive(Clone, Debug)]
pub(crate) struct Consent {
    pub id: String,
    pub client_id: String,
    pub kind: Kind,
    pub status: &'static str,
    pub created: DateTime<Utc>,
    pub status_updated: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    /// The RAR `consent` object as the TPP sent it.
    pub body: Value,
    pub permissions: Vec<String>,
    pub user_id: Option<String>,
    pub account_ids: Vec<String>,
    pub revoked_by: Option<String>,
    /// Payments made under it, in order.
    pub payment_ids: Vec<String>,
    /// Refused payment attempts (counted only under the `count-refused-attempts` fault).
    pub refused: Vec<(DateTime<Utc>, i64)>,
    /// The decrypted consent PII (payments), once validated at authorisation.
    pub pii: Option<Value>,
}

impl Consent {
    /// The status as seen at `now`: an Authorized or awaiting consent past its expiry is Expired.
    pub fn status_at(&self, now: DateTime<Utc>) -> &'static str {
        if matches!(self.status, AUTHORIZED | AWAITING) && now >= self.expires {
            EXPIRED
        } else {
            self.status
        }
    }

    /// `BaseConsentId`, or the consent's own id (a fresh consent is its own group).
    pub fn base_id(&self) -> &str {
        self.body["BaseConsentId"].as_str().unwrap_or(&self.id)
    }

    fn set_status(&mut self, status: &'static str, now: DateTime<Utc>) {
        self.status = status;
        self.status_updated = now;
    }
}

#[derive(Debug, Default)]
pub(crate) struct ConsentStore(Locked<HashMap<String, Consent>>);

impl ConsentStore {
    pub fn exists(&self, id: &str) -> bool {
        self.0.lock().contains_key(id)
    }

    pub fn insert(&self, consent: Consent) {
        self.0.lock().insert(consent.id.clone(), consent);
    }

    pub fn get(&self, id: &str) -> Option<Consent> {
        self.0.lock().get(id).cloned()
    }

    /// Applies `change` to the consent `id`, returning what it returns.
    pub fn update<T>(&self, id: &str, change: impl FnOnce(&mut Consent) -> T) -> Option<T> {
        self.0.lock().get_mut(id).map(change)
    }

    /// Every consent of `client_id` in group `base`, of `kind`.
    pub fn group(&self, client_id: &str, base: &str, kind: Kind) -> Vec<Consent> {
        let mut found: Vec<Consent> = self
            .0
            .lock()
            .values()
            .filter(|c| c.client_id == client_id && c.kind == kind && c.base_id() == base)
            .cloned()
            .collect();
        found.sort_by_key(|c| c.created);
        found
    }

    pub fn set_status(&self, id: &str, status: &'static str, now: DateTime<Utc>) {
        self.update(id, |c| c.set_status(status, now));
    }
}

/// The consent as the consent manager shows it.
fn manager_view(consent: &Consent, now: DateTime<Utc>) -> Value {
    let mut data = consent.body.clone();
    data["Status"] = json!(consent.status_at(now));
    data["CreationDateTime"] = json!(data::stamp(consent.created));
    data["StatusUpdateDateTime"] = json!(data::stamp(consent.status_updated));
    json!({"data": {
        "id": consent.id,
        "consentType": consent.kind.urn(),
        "status": consent.status_at(now),
        "clientId": consent.client_id,
        "consentBody": {"Data": data},
        "psuIdentifiers": consent.user_id.as_ref().map(|u| json!({"userId": u})),
        "accountIds": consent.account_ids,
    }, "meta": {}})
}

/// The consent `id` if the connection's client lodged it.
fn own(bank: &Bank, extensions: &Extensions, id: &str) -> Result<Consent, Refusal> {
    let client = guard::connection_client(bank, extensions).ok_or(Refusal::Unauthorized)?;
    bank.consents
        .get(id)
        .filter(|c| c.client_id == client.client_id)
        .ok_or(Refusal::Bare(StatusCode::NOT_FOUND))
}

/// `GET {cs}/v2024.46/consents/{consentId}`.
pub(crate) async fn cm_get(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    Path(id): Path<String>,
) -> Response {
    match own(&bank, &extensions, &id) {
        Ok(consent) => json_response(
            StatusCode::OK,
            &manager_view(&consent, bank.clock.now()),
            false,
        ),
        Err(refusal) => refusal.json(),
    }
}

/// `PATCH {cs}/v2024.46/consents/{consentId}`: the PSU authorises (or rejects) the consent.
pub(crate) async fn cm_patch(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    Path(id): Path<String>,
    body: Option<Json<Value>>,
) -> Response {
    match patch(&bank, &extensions, &id, body.map(|Json(b)| b)) {
        Ok(consent) => json_response(
            StatusCode::OK,
            &manager_view(&consent, bank.clock.now()),
            false,
        ),
        Err(refusal) => refusal.json(),
    }
}

fn invalid(message: impl Into<String>) -> Refusal {
    Refusal::bad_request("Body.InvalidFormat", message)
}

fn patch(
    bank: &Bank,
    extensions: &Extensions,
    id: &str,
    body: Option<Value>,
) -> Result<Consent, Refusal> {
    let consent = own(bank, extensions, id)?;
    let body = body.ok_or_else(|| invalid("the body must be a JSON object"))?;
    let now = bank.clock.now();
    if consent.status_at(now) != AWAITING {
        return Err(Refusal::bad_request(
            "Consent.BusinessRuleViolation",
            format!(
                "the consent is {}, not AwaitingAuthorization",
                consent.status_at(now)
            ),
        ));
    }
    let user_id = body["psuIdentifiers"]["userId"]
        .as_str()
        .ok_or_else(|| invalid("psuIdentifiers.userId is required"))?;
    let user = bank.ledger.user_by_id(user_id).ok_or_else(|| {
        Refusal::bad_request(
            "Consent.InvalidUserIdentifier",
            format!("no PSU has userId {user_id}"),
        )
    })?;
    if !matches!(body["authorizationChannel"].as_str(), Some("App" | "Web")) {
        return Err(invalid("authorizationChannel must be App or Web"));
    }
    let target = match body["consentBody.Data.Status"].as_str() {
        Some(AUTHORIZED) => AUTHORIZED,
        Some(REJECTED) => REJECTED,
        _ => {
            return Err(invalid(
                "consentBody.Data.Status must be Authorized or Rejected",
            ));
        }
    };
    let account_ids: Vec<String> = body["accountIds"]
        .as_array()
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if target == AUTHORIZED {
        if account_ids.is_empty() {
            return Err(invalid(
                "accountIds must name at least one of the PSU's accounts",
            ));
        }
        if consent.kind == Kind::Payment && account_ids.len() != 1 {
            return Err(invalid(
                "a payment consent takes exactly one debtor account",
            ));
        }
        if let Some(other) = account_ids
            .iter()
            .find(|id| bank.ledger.account(id).is_none_or(|a| a.owner != user.name))
        {
            return Err(Refusal::bad_request(
                "Consent.InvalidUserIdentifier",
                format!("account {other} is not an account of PSU {user_id}"),
            ));
        }
    }
    bank.consents
        .update(id, |c| {
            c.user_id = Some(user_id.to_string());
            c.account_ids = account_ids;
            c.set_status(target, now);
            c.clone()
        })
        .ok_or(Refusal::Bare(StatusCode::NOT_FOUND))
}

/// A data-sharing consent as `/account-access-consents` shows it (AIS21, errata2 shapes).
pub(crate) fn data_sharing_view(bank: &Bank, consent: &Consent, status: &str) -> Value {
    let mut data = json!({
        "ConsentId": consent.id,
        "CreationDateTime": data::stamp(consent.created),
        "Status": status,
        "StatusUpdateDateTime": data::stamp(consent.status_updated),
        "Permissions": consent.permissions,
        "ExpirationDateTime": consent.body["ExpirationDateTime"],
        "OpenFinanceBilling": consent.body["OpenFinanceBilling"],
    });
    for optional in [
        "BaseConsentId",
        "FromDate",
        "ToDate",
        "AccountType",
        "AccountSubType",
        "OnBehalfOf",
    ] {
        if let Some(value) = consent.body.get(optional) {
            data[optional] = value.clone();
        }
    }
    if let Some(by) = &consent.revoked_by {
        data["RevokedBy"] = json!(by);
    }
    json!({
        "Data": data,
        "Links": {"Self": format!("{}{}/account-access-consents/{}", bank.rs(), super::AIS_BASE, consent.id)},
        "Meta": {},
    })
}
