//! CBPII funds confirmations and PISP payment requests: create, PSU approval by redirect,
//! retrieval, o-confirmation.

use cucumber::{then, when};
use serde_json::{Value, json};

use super::iban_of;
use crate::auth::form::{fill_form, submit_button};
use crate::http::{Body, Purpose, RequestSpec};
use crate::world::{Failure, ObWorld, StepResult};

#[when(
    regex = r#"^the TPP asks whether (\d+\.\d{2}) EUR are covered on (\w+)'s "([\w-]+)" account$"#
)]
async fn funds(w: &mut ObWorld, amount: String, persona: String, role: String) -> StepResult {
    let iban = iban_of(w, &persona, &role)?;
    let body = json!({
        "paymentCoverageRequestId": format!("obconf-{}", uuid::Uuid::new_v4().simple()),
        "payee": "Merchant obconf",
        "instructedAmount": { "currency": "EUR", "amount": amount },
        "accountId": { "iban": iban },
    });
    w.keep_state(CoverageRequest(body.clone()));
    let url = w.api_url("/funds-confirmations")?;
    w.send(RequestSpec::new("POST", url).body(Body::Json(body)))
        .await?;
    Ok(())
}

/// The funds-confirmation request sent, kept to check the bank's echo of it.
#[derive(Clone, Debug)]
struct CoverageRequest(Value);

#[then(regex = r"^the answer echoes the request and its result is (true|false)$")]
async fn funds_result(w: &mut ObWorld, expected: bool) -> StepResult {
    let json = w.last_json()?;
    let sent = w
        .state::<CoverageRequest>()
        .map(|r| r.0.clone())
        .unwrap_or(Value::Null);
    let echoed = json.get("request").cloned().unwrap_or(Value::Null);
    for key in ["paymentCoverageRequestId", "instructedAmount", "accountId"] {
        if echoed.get(key) != sent.get(key) {
            return Err(Failure::expected(
                format!("request.{key} = {}", sent.get(key).unwrap_or(&Value::Null)),
                format!(
                    "request.{key} = {}",
                    echoed.get(key).unwrap_or(&Value::Null)
                ),
            ));
        }
    }
    match json.get("result").and_then(Value::as_bool) {
        Some(r) if r == expected => Ok(()),
        other => Err(Failure::expected(
            format!("result {expected}"),
            format!("result {other:?}"),
        )),
    }
}

#[when(
    regex = r#"^the TPP initiates a payment of (\d+\.\d{2}) EUR from (\w+) to the creditor "([^"]+)"$"#
)]
async fn initiate(
    w: &mut ObWorld,
    amount: String,
    persona: String,
    creditor: String,
) -> StepResult {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let body = json!({
        "paymentInformationId": format!("obconf-{id}"),
        "creationDateTime": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "numberOfTransactions": 1,
        "initiatingParty": { "name": "obconf TPP" },
        "paymentTypeInformation": { "serviceLevel": "SEPA", "localInstrument": "INST" },
        "creditor": { "name": creditor },
        "creditorAccount": { "iban": "FR7630004000031234567890143" },
        "creditTransferTransaction": [{
            "paymentId": { "instructionId": format!("i-{id}"), "endToEndId": format!("e-{id}") },
            "instructedAmount": { "currency": "EUR", "amount": amount },
            "remittanceInformation": ["obconf acceptance test"],
        }],
        "supplementaryData": {
            "acceptedAuthenticationApproach": ["REDIRECT"],
            "successfulReportUrl": "https://tpp.obconf.test/payments/ok",
            "unsuccessfulReportUrl": "https://tpp.obconf.test/payments/ko",
        },
    });
    w.persona = Some(persona);
    let url = w.api_url("/payment-requests")?;
    let e = w
        .send(RequestSpec::new("POST", url).body(Body::Json(body)))
        .await?;
    let location = e.header("location").map(str::to_string);
    let approval = e.json().and_then(|j| {
        j.pointer("/_links/consentApproval/href")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    if let Some(location) = location {
        w.vars.insert("payment".into(), location);
    }
    if let Some(href) = approval {
        w.vars.insert("consent approval".into(), href);
    }
    Ok(())
}

#[then("the response gives the payment request's location and the link where the PSU approves it")]
async fn created_links(w: &mut ObWorld) -> StepResult {
    let e = w.last()?;
    if e.header("location").is_none() {
        return Err(Failure::expected("a Location header", "none"));
    }
    if !w.vars.contains_key("consent approval") {
        return Err(Failure::expected("_links.consentApproval.href", "none"));
    }
    Ok(())
}

/// The words of a refusal button on a bank's approval page, in the languages STET banks use.
const REFUSE_WORDS: &[&str] = &["reject", "refus", "deny", "decline"];

#[when(regex = r"^the PSU (approves|refuses) the payment at the bank$")]
async fn decide(w: &mut ObWorld, decision: String) -> StepResult {
    let refuse = decision == "refuses";
    let persona = w.persona()?.to_string();
    let login = w
        .ctx
        .target
        .personas
        .get(&persona)
        .and_then(|p| p.login.clone());
    if login.is_none() && !refuse {
        return Err(Failure::new(format!(
            "persona {persona} has no login to approve the payment with"
        )));
    }
    let href = w
        .vars
        .get("consent approval")
        .cloned()
        .ok_or_else(|| Failure::new("no consentApproval link was given earlier"))?;
    let page = w
        .deliver(
            RequestSpec::new("GET", href)
                .header("Accept", "text/html")
                .purpose(Purpose::Psu),
        )
        .await;
    let html = page
        .response
        .as_ref()
        .map(|r| r.body.clone())
        .unwrap_or_default();
    w.keep(page)?;
    let fill: Vec<(&str, &str)> = login
        .as_ref()
        .map(|l| {
            vec![
                ("username", l.username.as_str()),
                ("password", l.password.expose()),
            ]
        })
        .unwrap_or_default();
    let (action, mut fields) =
        fill_form(&html, &fill).ok_or_else(|| Failure::expected("an approval form", "none"))?;
    if refuse {
        // The PSU presses the page's refusal button; a page without one cannot refuse.
        let button = submit_button(&html, REFUSE_WORDS).ok_or_else(|| {
            Failure::could_not_check(
                "the bank's approval page has no button to refuse the payment (none whose value or label says reject, refuse, deny or decline)",
            )
        })?;
        w.note(format!(
            "the PSU refused with the page's button {}={}",
            button.0, button.1
        ));
        fields.push(button);
    }
    let done = w
        .deliver(
            RequestSpec::new("POST", action)
                .header("Accept", "text/html")
                .body(Body::Form(fields))
                .purpose(Purpose::Psu),
        )
        .await;
    let status = done.status();
    w.keep(done)?;
    if status == Some(302) {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("HTTP 302 back to the TPP after the PSU {decision} the payment"),
            format!("HTTP {}", status.unwrap_or(0)),
        ))
    }
}

#[when("the TPP retrieves the payment request")]
async fn retrieve(w: &mut ObWorld) -> StepResult {
    let url = w
        .vars
        .get("payment")
        .cloned()
        .ok_or_else(|| Failure::new("no payment request location is known"))?;
    w.send(RequestSpec::new("GET", url)).await?;
    Ok(())
}

#[when(regex = r"^the TPP confirms the payment request (with an empty JSON body|without a body)$")]
async fn confirm(w: &mut ObWorld, how: String) -> StepResult {
    let url = w
        .vars
        .get("payment")
        .cloned()
        .ok_or_else(|| Failure::new("no payment request location is known"))?;
    let mut request = RequestSpec::new("POST", format!("{url}/o-confirmation"));
    if how == "with an empty JSON body" {
        request = request.body(Body::Json(json!({})));
    }
    w.send(request).await?;
    Ok(())
}

#[then(regex = r"^the payment request's status is (\w{4})$")]
async fn status_is(w: &mut ObWorld, expected: String) -> StepResult {
    let json = w.last_json()?;
    let got = json
        .pointer("/paymentRequest/paymentInformationStatus")
        .and_then(Value::as_str)
        .unwrap_or("(none)");
    if got == expected {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("paymentInformationStatus {expected}"),
            got.to_string(),
        ))
    }
}
