//! The healthy STET bank's accounts, consents, balances and identity: each persona's documented
//! outcome. These tests must never activate a fault.

use axum::http::StatusCode;
use serde_json::json;

use super::*;

#[tokio::test]
async fn first_use_lists_claire_two_accounts_without_details() {
    let env = Env::healthy();
    let token = env.token("CLAIRE", "aisp").await;
    let reply = env.get(&token, "/accounts").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.header("content-type"),
        Some("application/hal+json; charset=utf-8")
    );
    let body = reply.json();
    let accounts = body["accounts"].as_array().expect("accounts");
    assert_eq!(accounts.len(), 2);
    for account in accounts {
        assert!(account.get("resourceId").is_none());
        assert!(account.get("balances").is_none());
        assert!(account.get("_links").is_none());
        assert!(account["accountId"]["iban"].is_string());
    }
    assert_eq!(
        body["_links"],
        json!({ "self": { "href": format!("{API_PREFIX}/accounts") } })
    );
}

#[tokio::test]
async fn after_consent_the_list_shows_what_is_granted() {
    let env = Env::healthy();
    let token = env.token("CLAIRE", "aisp").await;
    let positive = account("CLAIRE", "positive-balance").iban;
    let zero = account("CLAIRE", "zero-balance").iban;
    let consent = json!({
        "balances": [{ "iban": positive }, { "iban": zero }],
        "transactions": [{ "iban": positive }],
        "psuIdentity": true,
    });
    let put = env.put_consent(&token, &consent).await;
    assert_eq!(put.status, StatusCode::CREATED);
    assert!(put.body.is_empty());
    let body = env.get(&token, "/accounts").await.json();
    let accounts = body["accounts"].as_array().expect("accounts");
    assert_eq!(accounts.len(), 2);
    for account in accounts {
        let id = account["resourceId"].as_str().expect("a resourceId");
        assert_ne!(id, account["accountId"]["iban"]);
        assert_eq!(account["balances"][0]["balanceType"], "CLBD");
        assert!(account["_links"]["balances"]["href"].is_string());
    }
    let by_iban = |iban: &str| {
        accounts
            .iter()
            .find(|a| a["accountId"]["iban"] == iban)
            .expect("listed")
    };
    assert!(by_iban(positive)["_links"]["transactions"]["href"].is_string());
    assert!(by_iban(zero)["_links"].get("transactions").is_none());
    assert_eq!(
        by_iban(zero)["balances"][0]["balanceAmount"]["amount"],
        "0.00"
    );
    assert_eq!(
        body["_links"]["endUserIdentity"]["href"],
        format!("{API_PREFIX}/end-user-identity")
    );
}

#[tokio::test]
async fn a_consent_replaces_the_prior_one_and_an_empty_one_revokes() {
    let env = Env::healthy();
    let token = env.consented("LEA").await;
    let (balances, transactions) = (
        balances_path("LEA", "current"),
        transactions_path("LEA", "current"),
    );
    assert_eq!(env.get(&token, &balances).await.status, StatusCode::OK);
    assert_eq!(env.get(&token, &transactions).await.status, StatusCode::OK);

    let iban = account("LEA", "current").iban;
    let keep_balances = json!({ "balances": [{ "iban": iban }] });
    assert_eq!(
        env.put_consent(&token, &keep_balances).await.status,
        StatusCode::CREATED
    );
    assert_eq!(env.get(&token, &balances).await.status, StatusCode::OK);
    assert_eq!(
        env.get(&token, &transactions).await.status,
        StatusCode::FORBIDDEN
    );

    assert_eq!(
        env.put_consent(&token, &json!({})).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        env.get(&token, &balances).await.status,
        StatusCode::FORBIDDEN
    );
    let list = env.get(&token, "/accounts").await.json();
    assert!(
        list["accounts"][0].get("resourceId").is_none(),
        "first use again"
    );
}

#[tokio::test]
async fn a_consent_on_foreign_ibans_or_not_json_is_a_bad_request() {
    let env = Env::healthy();
    let token = env.token("LEA", "aisp").await;
    let foreign = json!({ "balances": [{ "iban": account("CLAIRE", "zero-balance").iban }] });
    assert_eq!(
        env.put_consent(&token, &foreign).await.status,
        StatusCode::BAD_REQUEST
    );
    let not_json = axum::http::Request::put(format!("{API_PREFIX}/consents"))
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from("balances=all"))
        .expect("request");
    let reply = env.send(not_json).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["status"], 400);
}

#[tokio::test]
async fn balances_give_the_signed_accounting_balance() {
    let env = Env::healthy();
    let claire = env.consented("CLAIRE").await;
    let lea = env.consented("LEA").await;
    for (token, persona, role, amount) in [
        (&claire, "CLAIRE", "zero-balance", "0.00"),
        (&claire, "CLAIRE", "positive-balance", "1520.35"),
        (&lea, "LEA", "current", "-245.10"),
        (&lea, "LEA", "savings", "3200.00"),
    ] {
        let reply = env.get(token, &balances_path(persona, role)).await;
        assert_eq!(reply.status, StatusCode::OK, "{persona} {role}");
        let body = reply.json();
        assert_eq!(body["balances"][0]["balanceType"], "CLBD");
        assert_eq!(body["balances"][0]["balanceAmount"]["amount"], amount);
        assert_eq!(
            body["balances"][0]["referenceDate"],
            env.today().to_string()
        );
        assert!(body["_links"]["parent-list"]["href"].is_string());
    }
    let others = env
        .get(&lea, &balances_path("CLAIRE", "zero-balance"))
        .await;
    assert_eq!(others.status, StatusCode::NOT_FOUND);
    let unknown = env.get(&lea, "/accounts/CPT30014684067/balances").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let fresh = env.token("GEORGES", "aisp").await;
    let unconsented = env.get(&fresh, &balances_path("GEORGES", "current")).await;
    assert_eq!(unconsented.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn identity_needs_the_psu_identity_consent() {
    let env = Env::healthy();
    let marc = env.consented("MARC").await;
    let reply = env.get(&marc, "/end-user-identity").await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["connectedPsu"], "Marc DUPONT");
    assert_eq!(body["connectedPsuFirstName"], "Marc");
    assert_eq!(body["connectedPsuLastName"], "DUPONT");
    let techn_co = env.token("TECHNCO", "aisp").await;
    assert_eq!(
        env.get(&techn_co, "/end-user-identity").await.status,
        StatusCode::FORBIDDEN
    );
    let consented = env.consented("TECHNCO").await;
    let company = env.get(&consented, "/end-user-identity").await.json();
    assert_eq!(company["connectedPsu"], "TECH'N CO");
    assert!(company.get("connectedPsuFirstName").is_none());
}

#[tokio::test]
async fn trusted_beneficiaries_are_not_implemented() {
    let env = Env::healthy();
    let token = env.consented("LEA").await;
    let reply = env.get(&token, "/trusted-beneficiaries").await;
    assert_eq!(reply.status, StatusCode::NOT_IMPLEMENTED);
    assert_eq!(reply.json()["status"], 501);
}
