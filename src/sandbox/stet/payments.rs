//! Payment requests of the STET bank (PISP, STET-PISP-01..03): `POST /payment-requests`, `GET
//! /payment-requests/{id}` and `POST /payment-requests/{id}/o-confirmation`, and the store the PSU's
//! approval page (`approval.rs`) shares.
//!
//! A request is saved PDNG and answered 201 with its Location and the REDIRECT approach's
//! consentApproval link; the PSU's approval makes it ACCP (or RJCT), and the PISP's confirmation
//! ACSC. Only a pisp token of the client that created a request sees it. This file must never move
//! money or decide a PSU's approval; it never holds its lock across an await.

use std::collections::HashMap;
use std::sync::{Arc, MutexGuard};

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::auth::{Grant, Scope};
use super::data::PersonaData;
use super::faults::{
    CONFIRMATION_WITHOUT_BODY, PAYMENT_LOCATION_MISSING, PAYMENT_RECONFIRMABLE,
    REJECTED_PAYMENT_CONFIRMABLE, UNAPPROVED_PAYMENT_CONFIRMABLE,
};
use super::html::{bank_url, with_query};
use super::payment_body::{ValidPayment, validate};
use super::reply::{ApiError, hal, link};
use super::{API_PREFIX, PAYMENT_APPROVAL_PATH, StetBank};
use crate::sandbox::kit::Locked;

/// paymentInformationStatus of a payment request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PaymentStatus {
    /// Saved, waiting for the PSU.
    Pdng,
    /// Authorised by the PSU, waiting for the PISP's confirmation.
    Accp,
    /// Confirmed: the credit transfer is executed.
    Acsc,
    /// Refused by the PSU.
    Rjct,
}

impl PaymentStatus {
    fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pdng => "PDNG",
            PaymentStatus::Accp => "ACCP",
            PaymentStatus::Acsc => "ACSC",
            PaymentStatus::Rjct => "RJCT",
        }
    }
}

/// One saved payment request.
#[derive(Clone, Debug)]
pub(super) struct Payment {
    pub client_id: String,
    pub body: ValidPayment,
    pub status: PaymentStatus,
    /// The PSU who approved or refused it, and the account debited.
    pub debtor: Option<(&'static PersonaData, String)>,
}

/// Payment requests by resource id.
#[derive(Debug, Default)]
pub(super) struct PaymentStore {
    payments: Locked<HashMap<String, Payment>>,
}

impl PaymentStore {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Payment>> {
        self.payments.lock()
    }

    fn insert(&self, payment: Payment) -> String {
        let id = format!("PR-{}", uuid::Uuid::new_v4().simple());
        self.lock().insert(id.clone(), payment);
        id
    }

    pub(super) fn get(&self, id: &str) -> Option<Payment> {
        self.lock().get(id).cloned()
    }

    /// Moves a request from `from` to `to` (recording the debtor if given); the status it had when
    /// the move was refused otherwise, or None for an unknown id.
    pub(super) fn transition(
        &self,
        id: &str,
        from: &[PaymentStatus],
        to: PaymentStatus,
        debtor: Option<(&'static PersonaData, String)>,
    ) -> Option<Result<Payment, PaymentStatus>> {
        let mut payments = self.lock();
        let payment = payments.get_mut(id)?;
        if !from.contains(&payment.status) {
            return Some(Err(payment.status));
        }
        payment.status = to;
        if debtor.is_some() {
            payment.debtor = debtor;
        }
        Some(Ok(payment.clone()))
    }
}

/// `POST /payment-requests`.
pub(super) async fn create(
    State(bank): State<Arc<StetBank>>,
    parts: Parts,
    body: Bytes,
) -> Result<Response, ApiError> {
    bank.create_payment(&parts, &body)
}

/// `GET /payment-requests/{id}`.
pub(super) async fn retrieve(
    State(bank): State<Arc<StetBank>>,
    id: Result<Path<String>, PathRejection>,
    parts: Parts,
) -> Result<Response, ApiError> {
    let id = id.ok().map(|Path(id)| id).unwrap_or_default();
    bank.retrieve_payment(&parts, &id)
}

/// `POST /payment-requests/{id}/o-confirmation`.
pub(super) async fn confirm(
    State(bank): State<Arc<StetBank>>,
    id: Result<Path<String>, PathRejection>,
    parts: Parts,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = id.ok().map(|Path(id)| id).unwrap_or_default();
    bank.confirm_payment(&parts, &id, &body)
}

fn payment_href(id: &str) -> String {
    format!("{API_PREFIX}/payment-requests/{id}")
}

/// `{"paymentRequest": …}`: the request as sent, with its resourceId and status.
fn payment_json(id: &str, payment: &Payment) -> Value {
    let mut request: Map<String, Value> = payment.body.request.clone();
    request.insert("resourceId".into(), id.into());
    request.insert(
        "paymentInformationStatus".into(),
        payment.status.as_str().into(),
    );
    if let Some((_, iban)) = &payment.debtor {
        request
            .entry("debtorAccount")
            .or_insert_with(|| json!({ "iban": iban }));
    }
    json!({
        "paymentRequest": request,
        "_links": { "self": link(payment_href(id)) },
    })
}

/// Whether a confirmation body is a JSON object (`{}` included).
fn is_json_object(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body).is_ok_and(|v| v.is_object())
}

impl StetBank {
    fn admit_pisp(&self, parts: &Parts) -> Result<Grant, ApiError> {
        self.admit_scope(parts, Scope::Pisp, false)
    }

    /// The request `id` if the caller's client created it.
    fn own_payment(&self, grant: &Grant, id: &str) -> Result<Payment, ApiError> {
        self.payments
            .get(id)
            .filter(|p| p.client_id == grant.client_id)
            .ok_or_else(|| ApiError::NotFound(format!("no payment request {id}")))
    }

    fn create_payment(&self, parts: &Parts, body: &[u8]) -> Result<Response, ApiError> {
        let grant = self.admit_pisp(parts)?;
        let body = validate(body)?;
        let id = self.payments.insert(Payment {
            client_id: grant.client_id,
            body,
            status: PaymentStatus::Pdng,
            debtor: None,
        });
        let approval = with_query(&bank_url(parts, PAYMENT_APPROVAL_PATH), &[("id", &id)]);
        let answer = json!({
            "appliedAuthenticationApproach": "REDIRECT",
            "_links": { "consentApproval": link(approval) },
        });
        let mut response = hal(StatusCode::CREATED, &answer);
        if !self.faults.has(PAYMENT_LOCATION_MISSING)
            && let Ok(location) = HeaderValue::from_str(&bank_url(parts, &payment_href(&id)))
        {
            response.headers_mut().insert(header::LOCATION, location);
        }
        Ok(response)
    }

    fn retrieve_payment(&self, parts: &Parts, id: &str) -> Result<Response, ApiError> {
        let grant = self.admit_pisp(parts)?;
        let payment = self.own_payment(&grant, id)?;
        Ok(hal(StatusCode::OK, &payment_json(id, &payment)))
    }

    fn confirm_payment(&self, parts: &Parts, id: &str, body: &[u8]) -> Result<Response, ApiError> {
        let grant = self.admit_pisp(parts)?;
        self.own_payment(&grant, id)?;
        if !is_json_object(body) && !self.faults.has(CONFIRMATION_WITHOUT_BODY) {
            return Err(ApiError::BadRequest(
                "a JSON confirmation body is required, even if void: {}".to_string(),
            ));
        }
        let mut from = vec![PaymentStatus::Accp];
        if self.faults.has(PAYMENT_RECONFIRMABLE) {
            from.push(PaymentStatus::Acsc);
        }
        if self.faults.has(UNAPPROVED_PAYMENT_CONFIRMABLE) {
            from.push(PaymentStatus::Pdng);
        }
        if self.faults.has(REJECTED_PAYMENT_CONFIRMABLE) {
            from.push(PaymentStatus::Rjct);
        }
        match self
            .payments
            .transition(id, &from, PaymentStatus::Acsc, None)
        {
            Some(Ok(payment)) => Ok(hal(StatusCode::OK, &payment_json(id, &payment))),
            Some(Err(status)) => Err(ApiError::Conflict(format!(
                "the payment request is {} and cannot be confirmed{}",
                status.as_str(),
                match status {
                    PaymentStatus::Pdng => ": the PSU has not authorised it yet",
                    PaymentStatus::Acsc => ": it is already confirmed",
                    PaymentStatus::Rjct => ": the PSU refused it",
                    _ => "",
                }
            ))),
            None => Err(ApiError::NotFound(format!("no payment request {id}"))),
        }
    }
}
