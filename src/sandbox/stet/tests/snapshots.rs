//! Insta snapshots of the STET bank's answers: the account list before and after consent, a balance
//! report, a transaction page, an error body, a token answer and a payment request. Ids, tokens,
//! dates and timestamps are redacted, since the data is dated from the day the tests run and tokens
//! are random; a snapshot must never hold a date or a secret.

use axum::http::Method;
use serde_json::json;

use super::*;

#[tokio::test]
async fn first_use_accounts_list() {
    let env = Env::healthy();
    let token = env.token("CLAIRE", "aisp").await;
    let body = env.get(&token, "/accounts").await.json();
    insta::assert_yaml_snapshot!("first_use_accounts_list", body);
}

#[tokio::test]
async fn consented_accounts_list() {
    let env = Env::healthy();
    let token = env.token("CLAIRE", "aisp").await;
    let consent = json!({
        "balances": [
            { "iban": account("CLAIRE", "zero-balance").iban },
            { "iban": account("CLAIRE", "positive-balance").iban },
        ],
        "transactions": [{ "iban": account("CLAIRE", "positive-balance").iban }],
        "psuIdentity": true,
    });
    env.put_consent(&token, &consent).await;
    let body = env.get(&token, "/accounts").await.json();
    insta::assert_yaml_snapshot!("consented_accounts_list", body, {
        ".**.resourceId" => "[id]",
        ".**.referenceDate" => "[date]",
    });
}

#[tokio::test]
async fn balances_report() {
    let env = Env::healthy();
    let token = env.consented("LEA").await;
    let body = env
        .get(&token, &balances_path("LEA", "current"))
        .await
        .json();
    insta::assert_yaml_snapshot!("balances_report", body, {
        ".**.referenceDate" => "[date]",
    });
}

#[tokio::test]
async fn transactions_page() {
    let env = Env::healthy();
    let token = env.consented("LEA").await;
    let body = env
        .get(&token, &transactions_path("LEA", "current"))
        .await
        .json();
    insta::assert_yaml_snapshot!("transactions_page", body, {
        ".**.resourceId" => "[id]",
        ".**.entryReference" => "[entry-reference]",
        ".**.bookingDate" => "[date]",
        ".**.valueDate" => "[date]",
        ".**.transactionDate" => "[date]",
    });
}

#[tokio::test]
async fn error_body() {
    let env = Env::healthy();
    let token = env.consented("LEA").await;
    let body = env
        .get(&token, "/accounts/CPT30014684067/balances")
        .await
        .json();
    insta::assert_yaml_snapshot!("error_body", body, {
        ".timestamp" => "[time]",
    });
}

#[tokio::test]
async fn token_response() {
    let env = Env::registered();
    let code = env.code("LEA", "aisp").await;
    let body = env.exchange(&code).await.json();
    insta::assert_yaml_snapshot!("token_response", body, {
        ".access_token" => "[access-token]",
        ".refresh_token" => "[refresh-token]",
    });
}

#[tokio::test]
async fn payment_request() {
    let env = Env::registered();
    let token = env.client_token("pisp").await;
    let (id, _) = super::pisp::create(&env, &token).await;
    super::pisp::decide(&env, &id, "LEA", "approve").await;
    let body = env
        .tpp(Method::GET, &format!("/payment-requests/{id}"))
        .token(&token)
        .send()
        .await
        .json();
    insta::assert_yaml_snapshot!("payment_request", body, {
        ".paymentRequest.resourceId" => "[id]",
        ".paymentRequest.creationDateTime" => "[date-time]",
        "._links.self.href" => "[href]",
    });
}
