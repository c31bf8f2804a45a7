//! The PSU's approval of a payment request (the consentApproval link of the REDIRECT approach):
//! `GET PAYMENT_APPROVAL_PATH?id=…` shows the payment and a login form, `POST` with a persona's
//! credentials authorises it (ACCP) and redirects the browser to successfulReportUrl; refusing it
//! makes it RJCT and redirects to unsuccessfulReportUrl.
//!
//! The PSU's browser has no client certificate and signs nothing, so nothing here asks for either.
//! This file must never put a password in a page, and only redirects to the report URLs the payment
//! request gave (checked when it was saved).

use std::sync::Arc;

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use super::data::amount_text;
use super::html::{
    CREDENTIAL_INPUTS, error_paragraph, escape, hidden, page, page_params, redirect,
};
use super::payments::{Payment, PaymentStatus};
use super::{PAYMENT_APPROVAL_PATH, StetBank};

/// The query of the GET and the form of the POST.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ApprovalParams {
    id: Option<String>,
    username: Option<String>,
    password: Option<String>,
    /// `approve` (the default) or `reject`.
    decision: Option<String>,
}

/// `GET` and `POST` of [`PAYMENT_APPROVAL_PATH`].
pub(super) async fn approval(
    State(bank): State<Arc<StetBank>>,
    method: Method,
    params: Result<Form<ApprovalParams>, FormRejection>,
) -> Response {
    let params = match page_params(params, "Invalid request") {
        Ok(params) => params,
        Err(refused) => return *refused,
    };
    let id = params.id.clone().unwrap_or_default();
    let Some(payment) = bank.payments.get(&id) else {
        return page(
            StatusCode::NOT_FOUND,
            "Unknown payment",
            &error_paragraph("no payment request waits for your approval here"),
        );
    };
    if payment.status != PaymentStatus::Pdng {
        return page(
            StatusCode::CONFLICT,
            "Payment already decided",
            &error_paragraph("this payment request was already approved or refused"),
        );
    }
    if method == Method::GET {
        return approval_form(&id, &payment, None);
    }
    if params.decision.as_deref() == Some("reject") {
        return match bank.payments.transition(
            &id,
            &[PaymentStatus::Pdng],
            PaymentStatus::Rjct,
            None,
        ) {
            Some(Ok(payment)) => redirect(&payment.body.unsuccessful_report_url),
            _ => already_decided(),
        };
    }
    let Some(persona) =
        bank.authenticate_psu(params.username.as_deref(), params.password.as_deref())
    else {
        return approval_form(&id, &payment, Some("unknown username or wrong password"));
    };
    let mut held = bank.ledger.of_persona(persona);
    let debtor = match payment.body.debtor_iban.as_deref() {
        Some(iban) => held.find(|a| a.iban == iban),
        None => held.next(),
    };
    let Some(debtor) = debtor else {
        return approval_form(
            &id,
            &payment,
            Some("the account to debit is not one of your accounts"),
        );
    };
    match bank.payments.transition(
        &id,
        &[PaymentStatus::Pdng],
        PaymentStatus::Accp,
        Some((persona, debtor.iban.clone())),
    ) {
        Some(Ok(payment)) => redirect(&payment.body.successful_report_url),
        _ => already_decided(),
    }
}

fn already_decided() -> Response {
    page(
        StatusCode::CONFLICT,
        "Payment already decided",
        &error_paragraph("this payment request was already approved or refused"),
    )
}

/// The payment and the PSU's login form (200), with an error after a failed try.
fn approval_form(id: &str, payment: &Payment, error: Option<&str>) -> Response {
    let mut body = String::new();
    if let Some(error) = error {
        body.push_str(&error_paragraph(error));
        body.push('\n');
    }
    body.push_str(&format!(
        "<p>Virement de {} EUR à {}.</p>\n<form method=\"post\" action=\"{PAYMENT_APPROVAL_PATH}\">\n{}\n\
         {CREDENTIAL_INPUTS}\n<button type=\"submit\" name=\"decision\" value=\"approve\">Valider</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"reject\">Refuser</button>\n</form>",
        amount_text(payment.body.total_cents),
        escape(&payment.body.creditor_name),
        hidden("id", id),
    ));
    page(StatusCode::OK, "Validation du paiement", &body)
}
