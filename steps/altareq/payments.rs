//! ALT-PAY-01..03, ALT-MPAY-01 and ALT-SEC-05 (payment side): payments posted as signed JWTs with
//! their PII encrypted to the bank (or, for the negatives, not), read back with client
//! credentials, and the consent's list of the payments made under it.

use cucumber::{then, when};
use serde_json::{Value, json};

use super::call::{self, As};
use super::consents;
use super::flow::{self, PAY};
use super::jose::{self, Alg, PiiForm};
use super::oauth::{self, Grants};
use super::wire::IDEMPOTENCY_KEY;
use crate::http::{Body, RequestSpec};
use crate::target::Secret;
use crate::world::{Failure, ObWorld, StepResult};

/// The statuses a payment may have in v2.1 (`AEPaymentStatus`).
const STATUSES: &[&str] = &[
    "Pending",
    "AcceptedSettlementCompleted",
    "AcceptedCreditSettlementCompleted",
    "AcceptedWithoutPosting",
    "Rejected",
];

/// The payments of the scenario: those the bank created, and the last request (to replay it).
#[derive(Clone, Debug, Default)]
struct Payments {
    made: Vec<String>,
    last: Option<(String, String, String)>,
    amount: String,
}

fn failure(e: impl std::fmt::Display) -> Failure {
    Failure::new(e.to_string())
}

/// The amount the single-payment consent allows.
fn consent_amount(detail: &Value) -> Option<String> {
    detail
        .pointer("/consent/ControlParameters/ConsentSchedule/SinglePayment/Amount/Amount")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Posts a payment of `amount` under the payment consent, with the token of `token_of`.
async fn post(
    w: &mut ObWorld,
    amount: Option<String>,
    form: PiiForm,
    data_sharing_token: bool,
) -> StepResult {
    let run = call::run(w)?;
    oauth::ready(w, &run).await?;
    let grants = w.state_mut::<Grants>().clone();
    let grant = grants
        .payment
        .clone()
        .ok_or_else(|| Failure::new("no payment consent was authorised"))?;
    let token = if data_sharing_token {
        grants.data_sharing.and_then(|g| g.token)
    } else {
        grant.token.clone()
    }
    .ok_or_else(|| Failure::new("the TPP holds no token for this payment"))?;
    let amount = amount
        .or_else(|| consent_amount(&grant.detail))
        .ok_or_else(|| Failure::new("no amount: the consent has none and the step gives none"))?;
    let me = &run.clients[0];
    let bank = run.bank().map_err(failure)?;
    let pii = consents::payment_pii(&flow::creditor(&run)?);
    let pii = jose::protect_pii(&pii, &me.key, &me.client_id, run.issuer(), &bank.keys, form)
        .map_err(failure)?;
    let now = jose::now();
    let claims = json!({
        "iss": me.client_id, "aud": [run.issuer()], "iat": now, "nbf": now - 10, "exp": now + 300,
        "jti": jose::jti(),
        "message": { "Data": consents::payment_data(&grant.consent_id, &amount, pii) },
    });
    let jwt = me
        .key
        .sign(Alg::Ps256, Some("JWT"), &claims)
        .map_err(failure)?;
    let key = uuid::Uuid::new_v4().to_string();
    let url = w.api_url(&format!("{PAY}/payments"))?;
    let payments = w.state_mut::<Payments>();
    payments.last = Some((url.clone(), key.clone(), jwt.clone()));
    payments.amount = amount;
    send_payment(w, url, key, jwt, token).await
}

async fn send_payment(
    w: &mut ObWorld,
    url: String,
    key: String,
    jwt: String,
    token: Secret,
) -> StepResult {
    let req = RequestSpec::new("POST", url)
        .bearer(token)
        .header("Accept", "application/jwt")
        .header(IDEMPOTENCY_KEY, key)
        .body(Body::Raw {
            content_type: "application/jwt".into(),
            text: jwt,
        });
    let e = call::send(w, As::Client, req, &format!("POST {PAY}/payments")).await?;
    let id = (e.status() == Some(201))
        .then(|| e.json())
        .flatten()
        .and_then(|j| {
            j.pointer("/Data/PaymentId")
                .and_then(Value::as_str)
                .map(str::to_string)
        });
    if let Some(id) = id {
        let made = &mut w.state_mut::<Payments>().made;
        if !made.contains(&id) {
            made.push(id);
        }
    }
    Ok(())
}

#[when("the TPP posts the payment with its PII encrypted to the bank")]
async fn post_encrypted(w: &mut ObWorld) -> StepResult {
    post(w, None, PiiForm::Encrypted, false).await
}

#[when(
    regex = r"^the TPP posts the payment with its PII (as plain JSON|as a JWS without encryption|encrypted to a key that is not the bank's|encrypted with RSA1_5)$"
)]
async fn post_badly(w: &mut ObWorld, how: String) -> StepResult {
    let form = match how.as_str() {
        "as plain JSON" => PiiForm::PlainJson,
        "as a JWS without encryption" => PiiForm::SignedOnly,
        "encrypted to a key that is not the bank's" => PiiForm::ToAnotherKey,
        _ => PiiForm::Rsa15,
    };
    post(w, None, form, false).await
}

#[when(regex = r"^the TPP posts a payment of (\d+\.\d{2}) AED under the consent$")]
async fn post_amount(w: &mut ObWorld, amount: String) -> StepResult {
    post(w, Some(amount), PiiForm::Encrypted, false).await
}

#[when("the TPP posts the payment with the data-sharing token")]
async fn post_with_data_sharing_token(w: &mut ObWorld) -> StepResult {
    post(w, None, PiiForm::Encrypted, true).await
}

#[when("the TPP posts the same payment again with the same idempotency key")]
async fn replay(w: &mut ObWorld) -> StepResult {
    let (url, key, jwt) = w
        .state_mut::<Payments>()
        .last
        .clone()
        .ok_or_else(|| Failure::new("no payment was posted before"))?;
    let token = w
        .state_mut::<Grants>()
        .payment
        .clone()
        .and_then(|g| g.token)
        .ok_or_else(|| Failure::new("no payment token"))?;
    send_payment(w, url, key, jwt, token).await
}

#[when("the TPP posts the payment again with a new idempotency key")]
async fn post_again(w: &mut ObWorld) -> StepResult {
    let amount = w.state_mut::<Payments>().amount.clone();
    post(w, Some(amount), PiiForm::Encrypted, false).await
}

#[then("the payment is created for the consent, with a status of the standard")]
async fn created(w: &mut ObWorld) -> StepResult {
    let consent = w
        .state_mut::<Grants>()
        .payment
        .clone()
        .map(|g| g.consent_id)
        .unwrap_or_default();
    let amount = w.state_mut::<Payments>().amount.clone();
    let e = w.last()?;
    if e.status() != Some(201) {
        return Err(Failure::expected(
            "HTTP 201",
            format!("HTTP {}", e.status().unwrap_or(0)),
        ));
    }
    let json = w.last_json()?;
    payment_is(&json, None, &consent, Some(&amount))
}

fn payment_is(json: &Value, id: Option<&str>, consent: &str, amount: Option<&str>) -> StepResult {
    let got = |p: &str| {
        json.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (pid, cid, status, amt) = (
        got("/Data/PaymentId"),
        got("/Data/ConsentId"),
        got("/Data/Status"),
        got("/Data/Instruction/Amount/Amount"),
    );
    let ok = !pid.is_empty()
        && id.is_none_or(|i| i == pid)
        && cid == consent
        && STATUSES.contains(&status.as_str())
        && amount.is_none_or(|a| a == amt);
    if ok {
        Ok(())
    } else {
        Err(Failure::expected(
            format!(
                "PaymentId {}, ConsentId {consent}, Status one of {STATUSES:?}{}",
                id.unwrap_or("(any)"),
                amount.map(|a| format!(", amount {a}")).unwrap_or_default()
            ),
            format!("PaymentId {pid}, ConsentId {cid}, Status {status}, amount {amt}"),
        ))
    }
}

#[then("the answer names the same payment")]
async fn same_payment(w: &mut ObWorld) -> StepResult {
    let made = w.state_mut::<Payments>().made.clone();
    let json = w.last_json()?;
    let id = json
        .pointer("/Data/PaymentId")
        .and_then(Value::as_str)
        .unwrap_or("");
    match made.as_slice() {
        [only] if only == id => Ok(()),
        _ => Err(Failure::expected(
            "the first payment's PaymentId, and one payment",
            format!("PaymentId {id}; payments created: {}", made.len()),
        )),
    }
}

#[then("the bank refuses the payment with a 4xx")]
async fn refused(w: &mut ObWorld) -> StepResult {
    match w.last()?.status() {
        Some(400..=499) => Ok(()),
        other => Err(Failure::expected(
            "a 4xx",
            format!("HTTP {}", other.unwrap_or(0)),
        )),
    }
}

#[when("the TPP reads each payment made with a client-credentials token")]
async fn read_each(w: &mut ObWorld) -> StepResult {
    let made = w.state_mut::<Payments>().made.clone();
    if made.is_empty() {
        return Err(Failure::new("no payment was created to read"));
    }
    let consent = w
        .state_mut::<Grants>()
        .payment
        .clone()
        .map(|g| g.consent_id)
        .unwrap_or_default();
    let token = flow::cc_token(w, "payments openid").await?;
    for id in made {
        let url = w.api_url(&format!("{PAY}/payments/{id}"))?;
        let req = RequestSpec::new("GET", url)
            .bearer(token.clone())
            .header("Accept", "application/jwt");
        let e = call::send(
            w,
            As::Client,
            req,
            &format!("GET {PAY}/payments/{{PaymentId}}"),
        )
        .await?;
        if e.status() != Some(200) {
            return Err(Failure::expected(
                format!("HTTP 200 for payment {id}"),
                e.summary(),
            ));
        }
        payment_is(&w.last_json()?, Some(&id), &consent, None)?;
    }
    Ok(())
}

#[when("the TPP reads the payment consent with a client-credentials token")]
async fn read_payment_consent(w: &mut ObWorld) -> StepResult {
    let consent = w
        .state_mut::<Grants>()
        .payment
        .clone()
        .map(|g| g.consent_id)
        .ok_or_else(|| Failure::new("no payment consent"))?;
    let token = flow::cc_token(w, "payments openid").await?;
    let url = w.api_url(&format!("{PAY}/payment-consents/{consent}"))?;
    let req = RequestSpec::new("GET", url)
        .bearer(token)
        .header("Accept", "application/jwt");
    call::send(
        w,
        As::Client,
        req,
        &format!("GET {PAY}/payment-consents/{{ConsentId}}"),
    )
    .await?;
    Ok(())
}

#[then(regex = r"^(exactly the payments made are|no payment is) listed under the consent$")]
async fn listed(w: &mut ObWorld, which: String) -> StepResult {
    let made = if which.starts_with("no") {
        Vec::new()
    } else {
        w.state_mut::<Payments>().made.clone()
    };
    let e = w.last()?;
    if e.status() != Some(200) {
        return Err(Failure::expected("HTTP 200 for the consent", e.summary()));
    }
    let json = w.last_json()?;
    let related = crate::steps::common::json::strings_at(&json, "/Links/Related");
    let count = json
        .pointer("/Data/PaymentConsumption/CumulativeNumberOfPayments")
        .and_then(Value::as_u64);
    let all_there = made.iter().all(|id| {
        related
            .iter()
            .filter(|u| u.ends_with(&format!("/payments/{id}")))
            .count()
            == 1
    });
    if all_there && related.len() == made.len() && count.is_none_or(|c| c as usize == made.len()) {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("{} payments under the consent: {made:?}", made.len()),
            format!("Links.Related {related:?}, CumulativeNumberOfPayments {count:?}"),
        ))
    }
}
