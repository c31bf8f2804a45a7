//! `POST /funds-confirmations` (STET-CBPII-01/02) on a bank with a registered TPP: a cbpii
//! client-credentials token gets the request echoed with a Boolean that says whether the account's
//! balance covers the amount; other scopes are refused, unknown accounts are 404 and malformed
//! requests 400. These tests must never activate a fault.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;

fn coverage(iban: &str, amount: &str) -> Value {
    json!({
        "paymentCoverageRequestId": "MyCoverage123456",
        "payee": "Merchant123",
        "instructedAmount": { "currency": "EUR", "amount": amount },
        "accountId": { "iban": iban },
    })
}

async fn confirm(env: &Env, token: &str, body: &Value) -> Reply {
    env.tpp(Method::POST, "/funds-confirmations")
        .token(token)
        .json(body)
        .send()
        .await
}

#[tokio::test]
async fn the_result_says_whether_the_balance_covers_the_amount() {
    let env = Env::registered();
    let token = env.client_token("cbpii").await;
    let cases = [
        (account("LEA", "savings").iban, "12.00", true),
        (account("LEA", "savings").iban, "3200", true),
        (account("LEA", "savings").iban, "3200.01", false),
        (account("LEA", "current").iban, "0.01", false),
        (account("CLAIRE", "zero-balance").iban, "0.5", false),
        (account("CLAIRE", "positive-balance").iban, "1520.35", true),
    ];
    for (iban, amount, covered) in cases {
        let request = coverage(iban, amount);
        let reply = confirm(&env, &token, &request).await;
        assert_eq!(reply.status, StatusCode::OK, "{iban} {amount}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/hal+json; charset=utf-8")
        );
        let body = reply.json();
        assert_eq!(body["result"], covered, "{iban} {amount}");
        assert_eq!(body["request"], request);
        assert_eq!(
            body["_links"]["self"]["href"],
            format!("{API_PREFIX}/funds-confirmations")
        );
    }
}

#[tokio::test]
async fn only_a_cbpii_token_may_ask() {
    let env = Env::registered();
    let aisp = env.tpp_consented("LEA").await;
    let pisp = env.client_token("pisp").await;
    let request = coverage(account("LEA", "savings").iban, "12.00");
    for token in [&aisp, &pisp] {
        let reply = confirm(&env, token, &request).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
    }
    let get = env
        .tpp(Method::GET, "/funds-confirmations")
        .token(&env.client_token("cbpii").await)
        .send()
        .await;
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(get.header("allow"), Some("POST"));
}

#[tokio::test]
async fn unknown_accounts_are_404_and_malformed_requests_400() {
    let env = Env::registered();
    let token = env.client_token("cbpii").await;
    let unknown = confirm(
        &env,
        &token,
        &coverage("FR7630001007941234567890185", "1.00"),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let iban = account("LEA", "savings").iban;
    let mut no_id = coverage(iban, "1.00");
    no_id
        .as_object_mut()
        .map(|o| o.remove("paymentCoverageRequestId"));
    let mut dollars = coverage(iban, "1.00");
    dollars["instructedAmount"]["currency"] = "USD".into();
    let bad = [
        no_id,
        coverage(iban, "-1.00"),
        coverage(iban, "0"),
        coverage(iban, "1.234"),
        coverage(iban, "12,00"),
        dollars,
        json!({ "accountId": { "iban": iban } }),
        json!([1, 2]),
    ];
    for body in bad {
        let reply = confirm(&env, &token, &body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
    }
    let not_json = env
        .tpp(Method::POST, "/funds-confirmations")
        .token(&token)
        .header("content-type", "application/json")
        .raw(b"amount=12".to_vec())
        .send()
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
}
