//! What the payment APIs show (notes §7.1, §7.5): the payment resource (settled one second after
//! creation), the payment consent with `PaymentConsumption` and `Links.Related` (one URL per
//! payment made), and the reads a client-credentials token may make: `GET /payments/{id}`,
//! `GET /payments` by `x-idempotency-key`, `GET /payment-consents/{id}` and by `baseConsentId`.
//!
//! Every answer is a signed JWT (plain JSON only under `unsigned-payment-response`); a client sees
//! only its own payments and consents (404 otherwise).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::consent::{Consent, Kind};
use super::guard::{self, Need};
use super::payments::Payment;
use super::reply::{JSON, JWT, Refusal, jwt_response};
use super::token::{AccessToken, Grant};
use super::{Bank, PAY_BASE, data, faults, jose, payment_rules};

pub(crate) fn payment_url(bank: &Bank, id: &str) -> String {
    format!("{}{PAY_BASE}/payments/{id}", bank.rs())
}

fn consent_url(bank: &Bank, id: &str) -> String {
    format!("{}{PAY_BASE}/payment-consents/{id}", bank.rs())
}

/// The payment as its resource shows it at `now` (settled one second after creation).
pub(crate) fn payment_view(bank: &Bank, p: &Payment, now: DateTime<Utc>) -> Value {
    let settled = now >= p.created + Duration::seconds(1);
    let status = if settled {
        "AcceptedSettlementCompleted"
    } else {
        "Pending"
    };
    let updated = if settled {
        p.created + Duration::seconds(1)
    } else {
        p.created
    };
    let mut data = json!({
        "PaymentId": p.id,
        "ConsentId": p.consent_id,
        "Status": status,
        "StatusUpdateDateTime": data::stamp(updated),
        "CreationDateTime": data::stamp(p.created),
        "Instruction": p.data["Instruction"],
        "PaymentPurposeCode": p.data["PaymentPurposeCode"],
        "OpenFinanceBilling": p.data["OpenFinanceBilling"],
    });
    // The payment's schema (AEPaymentIdResponse) echoes the debtor's reference, not the
    // creditor's, which the request carries only for the creditor's statement.
    if let Some(v) = p.data.get("DebtorReference") {
        data["DebtorReference"] = v.clone();
    }
    json!({
        "Data": data,
        "Links": {"Self": payment_url(bank, &p.id), "Related": consent_url(bank, &p.consent_id)},
        "Meta": {},
    })
}

/// The payment consent's `Data` (token `authorization_details` and the consent views): the lodged
/// consent without its `PersonalIdentifiableInformation`, which only the bank reads (the consent
/// status schemas have no place for it).
pub(crate) fn consent_data(bank: &Bank, consent: &Consent) -> Value {
    let now = bank.clock.now();
    let mut data = consent.body.clone();
    if let Some(d) = data.as_object_mut() {
        d.remove("PersonalIdentifiableInformation");
    }
    data["Status"] = json!(consent.status_at(now));
    data["CreationDateTime"] = json!(data::stamp(consent.created));
    data["StatusUpdateDateTime"] = json!(data::stamp(consent.status_updated));
    data["OpenFinanceBilling"] = json!({"IsLargeCorporate": false});
    data["PaymentConsumption"] =
        payment_rules::consumption(consent, &bank.payments.made(consent), now);
    data
}

pub(crate) fn consent_view(bank: &Bank, consent: &Consent) -> Value {
    let related: Vec<String> = consent
        .payment_ids
        .iter()
        .map(|id| payment_url(bank, id))
        .collect();
    json!({
        "Data": consent_data(bank, consent),
        "Links": {"Self": consent_url(bank, &consent.id), "Related": related},
        "Meta": {},
    })
}

/// A signed answer (plain JSON under `unsigned-payment-response`).
pub(crate) fn answer(
    bank: &Bank,
    status: StatusCode,
    client_id: &str,
    message: &Value,
) -> (String, &'static str, Response) {
    if bank.faults.has(faults::UNSIGNED_PAYMENT_RESPONSE) {
        let body = message.to_string();
        (
            body.clone(),
            JSON,
            super::reply::json_response(status, message, false),
        )
    } else {
        let token = jose::signed_message(bank, client_id, message);
        (token.clone(), JWT, jwt_response(status, token))
    }
}

/// The client id refusals are signed for: the connection's client.
pub(crate) fn caller(bank: &Bank, extensions: &Extensions) -> String {
    guard::connection_client(bank, extensions)
        .map(|c| c.client_id.clone())
        .unwrap_or_default()
}

fn cc_token(
    bank: &Bank,
    headers: &HeaderMap,
    extensions: &Extensions,
) -> Result<AccessToken, Refusal> {
    let need = Need {
        grant: Grant::ClientCredentials,
        scope: "payments",
        lenient: false,
    };
    let token = guard::bearer(bank, headers, extensions, need)?;
    super::reply::accepts_jwt(headers)?;
    Ok(token)
}

/// `GET /payments/{PaymentId}`.
pub(crate) async fn one(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let client_id = caller(&bank, &extensions);
    let found = cc_token(&bank, &headers, &extensions).and_then(|token| {
        bank.payments
            .get(&id)
            .filter(|p| p.client_id == token.client_id)
            .ok_or(Refusal::Bare(StatusCode::NOT_FOUND))
    });
    match found {
        Ok(p) => {
            answer(
                &bank,
                StatusCode::OK,
                &client_id,
                &payment_view(&bank, &p, bank.clock.now()),
            )
            .2
        }
        Err(refusal) => refusal.jwt(&bank, &client_id),
    }
}

/// `GET /payments` with `x-idempotency-key`: where the payment made under that key is.
pub(crate) async fn by_key(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
) -> Response {
    let client_id = caller(&bank, &extensions);
    let found = cc_token(&bank, &headers, &extensions).and_then(|token| {
        let key = headers
            .get("x-idempotency-key")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                Refusal::bad_request("Resource.InvalidFormat", "x-idempotency-key is required")
            })?;
        bank.idempotency
            .find(&token.client_id, key, bank.clock.now())
            .ok_or(Refusal::Bare(StatusCode::NOT_FOUND))
    });
    match found {
        Ok(original) => {
            let message = json!({"Data": {}, "Links": {"Self": payment_url(&bank, &original.payment_id)}, "Meta": {}});
            answer(&bank, StatusCode::OK, &client_id, &message).2
        }
        Err(refusal) => refusal.jwt(&bank, &client_id),
    }
}

/// `GET /payment-consents/{ConsentId}`.
pub(crate) async fn consent(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let client_id = caller(&bank, &extensions);
    let found = cc_token(&bank, &headers, &extensions).and_then(|token| {
        bank.consents
            .get(&id)
            .filter(|c| c.client_id == token.client_id && c.kind == Kind::Payment)
            .ok_or(Refusal::Bare(StatusCode::NOT_FOUND))
    });
    match found {
        Ok(c) => answer(&bank, StatusCode::OK, &client_id, &consent_view(&bank, &c)).2,
        Err(refusal) => refusal.jwt(&bank, &client_id),
    }
}

/// `GET /payment-consents?baseConsentId=`.
pub(crate) async fn consents(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let client_id = caller(&bank, &extensions);
    let found = cc_token(&bank, &headers, &extensions).and_then(|token| {
        let base = query.get("baseConsentId").ok_or_else(|| {
            Refusal::bad_request(
                "Resource.InvalidFormat",
                "the baseConsentId query parameter is required",
            )
        })?;
        Ok(bank.consents.group(&token.client_id, base, Kind::Payment))
    });
    match found {
        Ok(list) => {
            let views: Vec<Value> = list.iter().map(|c| consent_view(&bank, c)).collect();
            answer(&bank, StatusCode::OK, &client_id, &Value::Array(views)).2
        }
        Err(refusal) => refusal.jwt(&bank, &client_id),
    }
}

/// `PATCH /payment-consents/{ConsentId}`: a signed `{"Data":{"Status":"Revoked"}}` → 204.
pub(crate) async fn revoke(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let client_id = caller(&bank, &extensions);
    let done = cc_token(&bank, &headers, &extensions).and_then(|token| {
        let client = bank.client(&token.client_id).ok_or(Refusal::Unauthorized)?;
        let consent = bank
            .consents
            .get(&id)
            .filter(|c| c.client_id == token.client_id && c.kind == Kind::Payment)
            .ok_or(Refusal::Bare(StatusCode::NOT_FOUND))?;
        let data = super::signed::message_data(&bank, client, &headers, &body)?;
        if data["Status"] != "Revoked" {
            return Err(Refusal::bad_request(
                "Body.InvalidFormat",
                "Data.Status must be Revoked",
            ));
        }
        let by = data["RevokedBy"].as_str().unwrap_or("TPP").to_string();
        let now = bank.clock.now();
        bank.consents.update(&consent.id, |c| {
            c.status = super::consent::REVOKED;
            c.status_updated = now;
            c.revoked_by = Some(by);
        });
        Ok(())
    });
    match done {
        Ok(()) => Refusal::Bare(StatusCode::NO_CONTENT).json(),
        Err(refusal) => refusal.jwt(&bank, &client_id),
    }
}
