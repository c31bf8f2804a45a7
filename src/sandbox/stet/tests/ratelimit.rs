//! The rate limit of AIS calls without PSU-IP-Address (STET-GEN-04): 4 a calendar day per PSU,
//! method and account, then 429; calls with PSU-IP-Address are neither counted nor limited; the
//! count starts again the next day of the bank clock. These tests must never activate a fault.

use axum::http::{Method, StatusCode};

use super::*;

const PSU_IP: (&str, &str) = ("psu-ip-address", "192.0.2.10");

async fn statuses(
    env: &Env,
    token: &str,
    path: &str,
    headers: &[(&str, &str)],
    n: usize,
) -> Vec<u16> {
    let mut seen = Vec::new();
    for _ in 0..n {
        let reply = env
            .call(Method::GET, path, Some(token), headers, None)
            .await;
        seen.push(reply.status.as_u16());
    }
    seen
}

#[tokio::test]
async fn the_fifth_call_of_the_day_without_psu_ip_address_is_refused() {
    let env = Env::healthy();
    let token = env.consented("LEA").await;
    let limited = statuses(&env, &token, "/accounts", &[], 6).await;
    assert_eq!(limited, [200, 200, 200, 200, 429, 429]);
    let reply = env
        .call(Method::GET, "/accounts", Some(&token), &[], None)
        .await;
    assert_eq!(reply.json()["status"], 429);
    assert!(
        reply.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("PSU-IP-Address"))
    );
    // The PSU is connected: no limit, even today.
    let connected = statuses(&env, &token, "/accounts", &[PSU_IP], 6).await;
    assert_eq!(connected, [200; 6]);
    // A blank PSU-IP-Address is the batch mode of the document: counted.
    let blank = statuses(&env, &token, "/accounts", &[("psu-ip-address", " ")], 1).await;
    assert_eq!(blank, [429]);
}

#[tokio::test]
async fn the_limit_is_per_method_account_and_psu() {
    let env = Env::healthy();
    let lea = env.consented("LEA").await;
    let current = balances_path("LEA", "current");
    assert_eq!(
        statuses(&env, &lea, &current, &[], 5).await,
        [200, 200, 200, 200, 429]
    );
    let savings = balances_path("LEA", "savings");
    assert_eq!(statuses(&env, &lea, &savings, &[], 1).await, [200]);
    let history = transactions_path("LEA", "current");
    let dated = format!("{history}?dateFrom={}", env.days_ago(10));
    assert_eq!(statuses(&env, &lea, &history, &[], 2).await, [200, 200]);
    assert_eq!(
        statuses(&env, &lea, &dated, &[], 3).await,
        [200, 200, 429],
        "one method"
    );
    assert_eq!(
        statuses(&env, &lea, "/end-user-identity", &[], 5).await,
        [200, 200, 200, 200, 429]
    );
    let marc = env.consented("MARC").await;
    assert_eq!(
        statuses(&env, &marc, "/end-user-identity", &[], 1).await,
        [200]
    );
}

#[tokio::test]
async fn the_count_starts_again_the_next_day() {
    let env = Env::healthy();
    let token = env.consented("GEORGES").await;
    let path = balances_path("GEORGES", "current");
    assert_eq!(
        statuses(&env, &token, &path, &[], 5).await,
        [200, 200, 200, 200, 429]
    );
    env.clock.advance(chrono::Duration::days(1));
    let token = env.consented("GEORGES").await;
    assert_eq!(statuses(&env, &token, &path, &[], 1).await, [200]);
}

#[tokio::test]
async fn refused_calls_are_not_counted() {
    let env = Env::healthy();
    let token = env.consented("LEA").await;
    for _ in 0..5 {
        let post = env
            .call(Method::POST, "/accounts", Some(&token), &[], None)
            .await;
        assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    }
    assert_eq!(statuses(&env, &token, "/accounts", &[], 4).await, [200; 4]);
}

#[tokio::test]
async fn a_registered_bank_limits_the_same_way() {
    let env = Env::registered();
    let token = env.tpp_consented("CLAIRE").await;
    let mut seen = Vec::new();
    for _ in 0..5 {
        seen.push(
            env.tpp(Method::GET, "/accounts")
                .token(&token)
                .send()
                .await
                .status
                .as_u16(),
        );
    }
    assert_eq!(seen, [200, 200, 200, 200, 429]);
    let connected = env
        .tpp(Method::GET, "/accounts")
        .token(&token)
        .header("psu-ip-address", "192.0.2.10")
        .send()
        .await;
    assert_eq!(connected.status, StatusCode::OK);
}
