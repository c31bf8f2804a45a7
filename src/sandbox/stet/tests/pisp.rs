//! Payment requests (STET-PISP-01..03) on a bank with a registered TPP: creation (201, Location,
//! consentApproval), the PSU's approval page, retrieval, and the o-confirmation with its 409 and
//! 400 cases. These tests must never activate a fault.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::tpp::{query_param, text};
use super::*;
use crate::sandbox::stet::PAYMENT_APPROVAL_PATH;

pub(super) const SUCCESS_URL: &str = "https://tpp.example/payment/ok";
pub(super) const FAILURE_URL: &str = "https://tpp.example/payment/ko";

/// A STET payment request of one credit transfer of `amount` EUR.
pub(super) fn payment_request(amount: &str) -> Value {
    json!({
        "paymentInformationId": "MyPmtInfId",
        "creationDateTime": "2026-03-01T10:15:00.000+01:00",
        "numberOfTransactions": 1,
        "initiatingParty": { "name": "MyPremiumMerchant" },
        "paymentTypeInformation": { "serviceLevel": "SEPA", "localInstrument": "INST", "categoryPurpose": "DVPM" },
        "creditor": { "name": "myMerchant" },
        "creditorAccount": { "iban": "FR7612345987650123456789014" },
        "creditTransferTransaction": [{
            "paymentId": { "instructionId": "MyInstrId", "endToEndId": "MyEndToEndId" },
            "instructedAmount": { "currency": "EUR", "amount": amount },
            "remittanceInformation": ["MyRemittanceInformation"],
        }],
        "supplementaryData": {
            "acceptedAuthenticationApproach": ["REDIRECT"],
            "successfulReportUrl": SUCCESS_URL,
            "unsuccessfulReportUrl": FAILURE_URL,
        },
    })
}

/// Creates a payment request: (resourceId, the 201 reply).
pub(super) async fn create(env: &Env, token: &str) -> (String, Reply) {
    let reply = env
        .tpp(Method::POST, "/payment-requests")
        .token(token)
        .json(&payment_request("12.25"))
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json());
    let href = reply.json()["_links"]["consentApproval"]["href"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let id = query_param(&href, "id").expect("an id in consentApproval");
    (id, reply)
}

/// The PSU `persona` approves (or, with `decision` reject, refuses) payment `id`.
pub(super) async fn decide(env: &Env, id: &str, persona: &str, decision: &str) -> Reply {
    let (username, password) = env.bank.login(persona).expect("a persona");
    let form = [
        ("id", id),
        ("username", username.as_str()),
        ("password", password.as_str()),
        ("decision", decision),
    ];
    env.browser_post(PAYMENT_APPROVAL_PATH, &form).await
}

pub(super) async fn confirm(env: &Env, token: &str, id: &str, body: Option<&[u8]>) -> Reply {
    let call = env
        .tpp(
            Method::POST,
            &format!("/payment-requests/{id}/o-confirmation"),
        )
        .token(token);
    let call = match body {
        Some(body) => call
            .header("content-type", "application/json")
            .raw(body.to_vec()),
        None => call,
    };
    call.send().await
}

async fn status_of(env: &Env, token: &str, id: &str) -> Value {
    let reply = env
        .tpp(Method::GET, &format!("/payment-requests/{id}"))
        .token(token)
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.json()["paymentRequest"]["paymentInformationStatus"].clone()
}

#[tokio::test]
async fn a_payment_is_created_approved_by_the_psu_and_confirmed() {
    let env = Env::registered();
    let token = env.client_token("pisp").await;
    let (id, created) = create(&env, &token).await;
    let location = created.header("location").unwrap_or_default();
    assert_eq!(
        location,
        format!("https://localhost{API_PREFIX}/payment-requests/{id}")
    );
    let body = created.json();
    assert_eq!(body["appliedAuthenticationApproach"], "REDIRECT");
    let href = body["_links"]["consentApproval"]["href"]
        .as_str()
        .unwrap_or_default();
    assert!(href.starts_with(&format!("https://localhost{PAYMENT_APPROVAL_PATH}?id=")));
    assert_eq!(status_of(&env, &token, &id).await, "PDNG");
    assert_eq!(
        confirm(&env, &token, &id, Some(b"{}")).await.status,
        StatusCode::CONFLICT
    );

    let page = env
        .browser_get(&format!("{PAYMENT_APPROVAL_PATH}?id={id}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = text(&page);
    assert!(
        html.contains(&format!("name=\"id\" value=\"{id}\"")),
        "{html}"
    );
    assert!(html.contains("name=\"username\"") && html.contains("name=\"password\""));
    assert!(html.contains("12.25"));

    let wrong = [
        ("id", id.as_str()),
        ("username", "LEA"),
        ("password", "nope"),
    ];
    let retry = env.browser_post(PAYMENT_APPROVAL_PATH, &wrong).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert!(text(&retry).contains("wrong password"));
    assert_eq!(status_of(&env, &token, &id).await, "PDNG");

    let approved = decide(&env, &id, "LEA", "approve").await;
    assert_eq!(approved.status, StatusCode::FOUND);
    assert_eq!(approved.header("location"), Some(SUCCESS_URL));
    assert_eq!(status_of(&env, &token, &id).await, "ACCP");

    assert_eq!(
        confirm(&env, &token, &id, None).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        confirm(&env, &token, &id, Some(b"confirm")).await.status,
        StatusCode::BAD_REQUEST
    );
    let confirmed = confirm(&env, &token, &id, Some(b"{}")).await;
    assert_eq!(confirmed.status, StatusCode::OK);
    let body = confirmed.json();
    assert_eq!(body["paymentRequest"]["paymentInformationStatus"], "ACSC");
    assert_eq!(body["paymentRequest"]["paymentInformationId"], "MyPmtInfId");
    let again = confirm(&env, &token, &id, Some(b"{}")).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json()["status"], 409);
    assert_eq!(status_of(&env, &token, &id).await, "ACSC");
    let decided = env
        .browser_get(&format!("{PAYMENT_APPROVAL_PATH}?id={id}"))
        .await;
    assert_eq!(decided.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_refused_payment_cannot_be_confirmed() {
    let env = Env::registered();
    let token = env.client_token("pisp").await;
    let (id, _) = create(&env, &token).await;
    let refused = decide(&env, &id, "LEA", "reject").await;
    assert_eq!(refused.status, StatusCode::FOUND);
    assert_eq!(refused.header("location"), Some(FAILURE_URL));
    assert_eq!(status_of(&env, &token, &id).await, "RJCT");
    assert_eq!(
        confirm(&env, &token, &id, Some(b"{}")).await.status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn unknown_ids_wrong_scopes_and_bad_bodies_are_refused() {
    let env = Env::registered();
    let token = env.client_token("pisp").await;
    assert_eq!(
        confirm(&env, &token, "PR-unknown", Some(b"{}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let get = env
        .tpp(Method::GET, "/payment-requests/PR-unknown")
        .token(&token)
        .send()
        .await;
    assert_eq!(get.status, StatusCode::NOT_FOUND);
    assert_eq!(
        env.browser_get(&format!("{PAYMENT_APPROVAL_PATH}?id=PR-unknown"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let list = env
        .tpp(Method::GET, "/payment-requests")
        .token(&token)
        .send()
        .await;
    assert_eq!(list.status, StatusCode::METHOD_NOT_ALLOWED);

    for scope_token in [
        env.client_token("cbpii").await,
        env.tpp_consented("LEA").await,
    ] {
        let reply = env
            .tpp(Method::POST, "/payment-requests")
            .token(&scope_token)
            .json(&payment_request("1.00"))
            .send()
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
    }

    let mut two = payment_request("1.00");
    two["numberOfTransactions"] = 2.into();
    let mut no_urls = payment_request("1.00");
    no_urls["supplementaryData"]["successfulReportUrl"] = "not a url".into();
    let mut embedded = payment_request("1.00");
    embedded["supplementaryData"]["acceptedAuthenticationApproach"] = json!(["EMBEDDED-1-FACTOR"]);
    let mut no_creditor = payment_request("1.00");
    no_creditor
        .as_object_mut()
        .map(|o| o.remove("creditorAccount"));
    let mut no_e2e = payment_request("1.00");
    no_e2e["creditTransferTransaction"][0]["paymentId"]
        .as_object_mut()
        .map(|o| o.remove("endToEndId"));
    for body in [
        payment_request("0"),
        two,
        no_urls,
        embedded,
        no_creditor,
        no_e2e,
        json!({}),
    ] {
        let reply = env
            .tpp(Method::POST, "/payment-requests")
            .token(&token)
            .json(&body)
            .send()
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
    }
}

#[tokio::test]
async fn a_payment_is_seen_only_by_the_client_that_created_it() {
    let env = Env::healthy();
    let form =
        |client: &str| format!("grant_type=client_credentials&scope=pisp&client_id={client}");
    let mine = env.post_form(&form("tpp-a")).await.json()["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let theirs = env.post_form(&form("tpp-b")).await.json()["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (id, _) = create(&env, &mine).await;
    let reply = env
        .tpp(Method::GET, &format!("/payment-requests/{id}"))
        .token(&theirs)
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}
