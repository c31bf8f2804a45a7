//! Bank service initiation v2.1 (notes §7): `POST /payments`, a signed JWT with the user's payment
//! token, idempotent per TPP and key, checked against its consent and PII. What the payment APIs
//! show and the reads live in [`super::payment_views`].
//!
//! Every answer, refusals included, is a signed JWT (`application/jwt`); 401/404/415 have no body.
//! A refused payment leaves nothing behind: no payment, no consumption, no idempotency record.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::consent::{AUTHORIZED, CONSUMED, Consent, Kind};
use super::guard::{self, Need};
use super::idempotency::{self, Original};
use super::payment_views::{answer, caller, payment_url, payment_view};
use super::reply::Refusal;
use super::token::{AccessToken, Grant};
use super::{Bank, faults, payment_rules, pii, signed};
use crate::sandbox::kit::Locked;

const BILLING_TYPES: &[&str] = &[
    "Collection",
    "LargeValueCollection",
    "PushP2P",
    "PullP2P",
    "Me2Me",
];

/// One payment.
#[derive(Clone, Debug)]
pub(crate) struct Payment {
    pub id: String,
    pub consent_id: String,
    pub client_id: String,
    pub created: DateTime<Utc>,
    pub cents: i64,
    pub data: Value,
}

#[derive(Debug, Default)]
pub(crate) struct PaymentStore(Locked<HashMap<String, Payment>>);

impl PaymentStore {
    pub(crate) fn get(&self, id: &str) -> Option<Payment> {
        self.0.lock().get(id).cloned()
    }

    /// (creation time, amount) of the payments made under `consent`.
    pub(crate) fn made(&self, consent: &Consent) -> Vec<(DateTime<Utc>, i64)> {
        let payments = self.0.lock();
        consent
            .payment_ids
            .iter()
            .filter_map(|id| payments.get(id))
            .map(|p| (p.created, p.cents))
            .collect()
    }
}

/// `POST /payments`.
pub(crate) async fn create(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let client_id = caller(&bank, &extensions);
    match make(&bank, &extensions, &headers, &body) {
        Ok(response) => response,
        Err(refusal) => refusal.jwt(&bank, &client_id),
    }
}

fn make(
    bank: &Bank,
    extensions: &Extensions,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, Refusal> {
    let lenient = bank.faults.has(faults::PAYMENTS_ACCEPT_DATA_TOKEN);
    let need = Need {
        grant: Grant::AuthorizationCode,
        scope: "payments",
        lenient,
    };
    let token = guard::bearer(bank, headers, extensions, need)?;
    super::reply::accepts_jwt(headers)?;
    let client = bank.client(&token.client_id).ok_or(Refusal::Unauthorized)?;
    let key = headers
        .get("x-idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| idempotency::is_key(k))
        .ok_or_else(|| {
            Refusal::bad_request(
                "Resource.InvalidFormat",
                "x-idempotency-key (1 to 40 characters, no spaces) is required",
            )
        })?
        .to_string();
    let data = signed::message_data(bank, client, headers, body)?;
    let now = bank.clock.now();
    let body_hash = idempotency::hash(body);
    if !bank.faults.has(faults::NO_IDEMPOTENCY)
        && let Some(original) = bank.idempotency.find(&client.client_id, &key, now)
    {
        if original.body_hash != body_hash {
            return Err(Refusal::bad_request(
                "Consent.BusinessRuleViolation",
                "this x-idempotency-key was used with another request body",
            ));
        }
        return Ok(replay(bank, &original, &key));
    }
    let consent = consent_of(bank, &token, &data)?;
    let amount = check_data(&data)?;
    let consent_pii = consent.pii.clone();
    let pii = data.get("PersonalIdentifiableInformation").ok_or_else(|| {
        Refusal::bad_request(
            "Body.InvalidFormat",
            "PersonalIdentifiableInformation (a compact JWE) is required",
        )
    })?;
    let outcome = pii::open_payment_pii(bank, &client.client_id, pii, consent_pii.as_ref())
        .and_then(|_| {
            payment_rules::check(bank, &consent, &data, amount, &bank.payments.made(&consent))
        });
    if let Err(refusal) = outcome {
        bank.consents
            .update(&consent.id, |c| c.refused.push((now, amount)));
        return Err(refusal);
    }
    let mut stored = data.clone();
    stored
        .as_object_mut()
        .map(|d| d.remove("PersonalIdentifiableInformation"));
    let payment = Payment {
        id: super::variant::payment_id(&bank.variant),
        consent_id: consent.id.clone(),
        client_id: client.client_id.clone(),
        created: now,
        cents: amount,
        data: stored,
    };
    bank.payments
        .0
        .lock()
        .insert(payment.id.clone(), payment.clone());
    let single = consent.body["ControlParameters"]["ConsentSchedule"]
        .get("SinglePayment")
        .is_some();
    bank.consents.update(&consent.id, |c| {
        c.payment_ids.push(payment.id.clone());
        // `second-single-payment` leaves the consent open for another payment.
        let used_up = single && !bank.faults.has(faults::SECOND_SINGLE_PAYMENT);
        if used_up || bank.faults.has(faults::MULTI_CONSENT_CONSUMED) {
            c.status = CONSUMED;
            c.status_updated = now;
        }
    });
    let status = if bank.faults.has(faults::PAYMENT_ANSWERS_200) {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let (text, content_type, response) = answer(
        bank,
        status,
        &client.client_id,
        &payment_view(bank, &payment, now),
    );
    let original = Original {
        body_hash,
        payment_id: payment.id.clone(),
        status: status.as_u16(),
        content_type,
        body: text,
        at: now,
    };
    bank.idempotency
        .remember(&client.client_id, &key, original.clone());
    Ok(with_payment_headers(
        bank,
        response,
        &original.payment_id,
        &key,
    ))
}

fn with_payment_headers(
    bank: &Bank,
    mut response: Response,
    payment_id: &str,
    key: &str,
) -> Response {
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(&payment_url(bank, payment_id)) {
        headers.insert(header::LOCATION, location);
    }
    if let Ok(key) = HeaderValue::from_str(key) {
        headers.insert("x-idempotency-key", key);
    }
    response
}

/// The original answer again, byte for byte.
fn replay(bank: &Bank, original: &Original, key: &str) -> Response {
    let mut response = Response::new(axum::body::Body::from(original.body.clone()));
    *response.status_mut() = StatusCode::from_u16(original.status).unwrap_or(StatusCode::CREATED);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(original.content_type),
    );
    with_payment_headers(bank, response, &original.payment_id, key)
}

/// The payment consent the token (and the body's `ConsentId`) names.
fn consent_of(bank: &Bank, token: &AccessToken, data: &Value) -> Result<Consent, Refusal> {
    let named = data["ConsentId"].as_str().unwrap_or_default();
    let lenient = bank.faults.has(faults::PAYMENTS_ACCEPT_DATA_TOKEN);
    if token.consent_id.as_deref() != Some(named) && !lenient {
        return Err(Refusal::bad_request(
            "Consent.Invalid",
            "ConsentId is not the consent of the access token",
        ));
    }
    let consent = bank
        .consents
        .get(named)
        .filter(|c| c.client_id == token.client_id && c.kind == Kind::Payment)
        .ok_or_else(|| {
            Refusal::bad_request(
                "Consent.Invalid",
                "ConsentId is not a payment consent of this TPP",
            )
        })?;
    let status = consent.status_at(bank.clock.now());
    if status != AUTHORIZED {
        return Err(Refusal::bad_request(
            "Consent.BusinessRuleViolation",
            format!("the consent is {status}, not Authorized"),
        ));
    }
    Ok(consent)
}

/// The documented shape of `message.Data`; the amount in fils.
fn check_data(data: &Value) -> Result<i64, Refusal> {
    let invalid = |m: &str| Refusal::bad_request("Body.InvalidFormat", m.to_string());
    let amount = data["Instruction"]["Amount"]["Amount"]
        .as_str()
        .and_then(payment_rules::cents)
        .ok_or_else(|| invalid("Instruction.Amount.Amount must match ^\\d{1,16}\\.\\d{2}$"))?;
    if data["Instruction"]["Amount"]["Currency"]
        .as_str()
        .map(str::len)
        != Some(3)
    {
        return Err(invalid("Instruction.Amount.Currency is required"));
    }
    if data["PaymentPurposeCode"].as_str().map(str::len) != Some(3) {
        return Err(invalid("PaymentPurposeCode is required"));
    }
    if !data["OpenFinanceBilling"]["Type"]
        .as_str()
        .is_some_and(|t| BILLING_TYPES.contains(&t))
    {
        return Err(invalid(
            "OpenFinanceBilling.Type is required, from its enum",
        ));
    }
    Ok(amount)
}
