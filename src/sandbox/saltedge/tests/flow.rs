//! Remote, the session states and their documented transitions, Reconnect and Destroy. Each test
//! opens its own sessions on its own bank and must never rely on another test's state.

use axum::http::Method;
use serde_json::json;

use super::*;

fn status(reply: &Reply) -> Value {
    reply.json()["data"]["status"].clone()
}

#[tokio::test]
async fn a_session_goes_from_created_through_mfa_to_success_with_a_token() {
    let env = Env::healthy();
    let secret = env.session().await;
    let shown = env.send(Call::get(&format!("/sessions/{secret}"))).await;
    assert_eq!(status(&shown), "created");
    assert_eq!(shown.json()["data"]["secret"], secret.as_str());
    assert_eq!(shown.json()["data"]["provider_code"], "demobank");
    let asked = &shown.json()["data"]["authorization_details"]["required_fields"];
    assert_eq!(asked[0]["code"], "login");
    let mfa = env
        .confirm(
            &secret,
            json!({ "login": "demo_user", "password": "demo_password" }),
        )
        .await;
    assert_eq!(status(&mfa), "waiting_confirmation_code");
    assert_eq!(
        mfa.json()["data"]["authorization_details"]["mfa_fields"][0]["code"],
        "sms_pincode"
    );
    let done = env.confirm(&secret, json!({ "sms_pincode": "4568" })).await;
    assert_eq!(status(&done), "success");
    let token = done.json()["data"]["token"]["access_token"].clone();
    assert!(token.as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(
        done.json()["data"]["events"].as_array().map(Vec::len),
        Some(3)
    );
}

#[tokio::test]
async fn wrong_values_fail_the_session_and_wrong_fields_are_not_allowed() {
    let env = Env::healthy();
    let secret = env.session().await;
    let wrong_fields = env.confirm(&secret, json!({ "sms_pincode": "4568" })).await;
    assert_eq!(wrong_fields.row(), json!([406, "ActionNotAllowed"]));
    let extra = env
        .confirm(
            &secret,
            json!({ "login": "demo_user", "password": "demo_password", "x": "1" }),
        )
        .await;
    assert_eq!(extra.row(), json!([406, "ActionNotAllowed"]));
    let not_a_hash = env
        .send(
            Call::new(Method::PUT, &format!("/sessions/{secret}"))
                .data(json!({ "credentials": "text" })),
        )
        .await;
    assert_eq!(not_a_hash.row(), json!([400, "WrongRequestFormat"]));
    let failed = env
        .confirm(
            &secret,
            json!({ "login": "demo_user", "password": "wrong" }),
        )
        .await;
    assert_eq!(status(&failed), "failed");
    assert!(failed.json()["data"]["fail_at"].is_string());
    let closed = env.complete_row(&secret).await;
    assert_eq!(closed, json!([400, "SessionClosed"]));
}

impl Env {
    async fn complete_row(&self, secret: &str) -> Value {
        self.confirm(secret, json!({})).await.row()
    }
}

#[tokio::test]
async fn destroy_cancels_and_a_closed_session_cannot_be_modified() {
    let env = Env::healthy();
    let secret = env.session().await;
    let path = format!("/sessions/{secret}");
    let destroyed = env.send(Call::new(Method::DELETE, &path)).await;
    assert_eq!(destroyed.status, StatusCode::OK);
    assert_eq!(destroyed.json()["data"]["session_secret"], secret.as_str());
    assert_eq!(status(&env.send(Call::get(&path)).await), "canceled");
    assert_eq!(
        env.complete_row(&secret).await,
        json!([400, "SessionClosed"])
    );
    assert_eq!(
        env.send(Call::new(Method::DELETE, &path)).await.row(),
        json!([400, "SessionClosed"])
    );
}

#[tokio::test]
async fn an_open_session_expires_on_the_bank_clock() {
    let env = Env::healthy();
    let secret = env.session().await;
    let path = format!("/sessions/{secret}");
    env.advance(chrono::Duration::minutes(
        super::super::SESSION_LIFETIME_MINUTES + 1,
    ));
    assert_eq!(status(&env.send(Call::get(&path)).await), "expired");
    assert_eq!(
        env.complete_row(&secret).await,
        json!([401, "SessionExpired"])
    );
    assert_eq!(
        env.send(Call::new(Method::DELETE, &path)).await.row(),
        json!([401, "SessionExpired"])
    );
}

#[tokio::test]
async fn sessions_belong_to_the_application_that_opened_them() {
    // The other application may call only while its missing permissions are overlooked.
    let env = Env::with_fault("certificate-permissions-ignored");
    let secret = env.session().await;
    let path = format!("/sessions/{secret}");
    assert_eq!(env.send(Call::get(&path)).await.status, StatusCode::OK);
    let other = env.apps.without_permissions.clone();
    assert_eq!(
        env.send(Call::get(&path).app(&other)).await.row(),
        json!([404, "SessionNotFound"])
    );
    assert_eq!(
        env.send(Call::get("/sessions/nope")).await.row(),
        json!([404, "SessionNotFound"])
    );
}

#[tokio::test]
async fn remote_checks_provider_scopes_and_consent_period() {
    let env = Env::healthy();
    let row = |overrides: Value| async { env.remote(overrides).await.row() };
    assert_eq!(
        row(json!({ "scopes": ["accounts", "crypto"] })).await,
        json!([400, "ScopesInvalid"])
    );
    assert_eq!(
        row(json!({ "provider_code": "demobank_lite", "scopes": ["payments"] })).await,
        json!([400, "ScopesInvalid"])
    );
    assert_eq!(
        row(json!({ "scopes": [] })).await,
        json!([400, "ScopesInvalid"])
    );
    assert_eq!(
        row(json!({ "scopes": "accounts" })).await,
        json!([400, "ScopesInvalid"])
    );
    assert_eq!(
        row(json!({ "provider_code": "nope" })).await,
        json!([404, "ProviderNotFound"])
    );
    assert_eq!(
        row(json!({ "provider_code": "unapproved_demobank" })).await,
        json!([401, "AccessDenied"])
    );
    assert_eq!(
        row(json!({ "consent_period_days": 91 })).await,
        json!([400, "ValueOutOfRange"])
    );
    assert_eq!(
        row(json!({ "consent_period_days": 0 })).await,
        json!([400, "ValueOutOfRange"])
    );
    assert_eq!(
        row(json!({ "consent_period_days": "ninety" })).await,
        json!([400, "WrongRequestFormat"])
    );
    assert_eq!(
        row(json!({ "credentials": { "authorization_type": "oauth" } })).await,
        json!([406, "ActionNotAllowed"])
    );
    let ok = env.remote(json!({ "consent_period_days": 90 })).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.json()["data"]["session_secret"].is_string());
}

#[tokio::test]
async fn reconnect_opens_a_session_at_the_mfa_step_that_issues_a_new_token() {
    let env = Env::healthy();
    let token = env.token().await;
    let reconnect = |data: Value| {
        let call = Call::new(Method::POST, "/tokens/reconnect")
            .data(data)
            .token(&token);
        async { env.send(call).await }
    };
    assert_eq!(
        reconnect(json!({})).await.row(),
        json!([406, "ActionNotAllowed"])
    );
    let reply = reconnect(json!({ "consent_approved": true })).await;
    assert_eq!(reply.status, StatusCode::OK);
    let secret = reply.json()["data"]["session_secret"]
        .as_str()
        .expect("a session_secret")
        .to_string();
    let done = env.confirm(&secret, json!({ "sms_pincode": "4568" })).await;
    assert_eq!(status(&done), "success");
    assert_ne!(done.json()["data"]["token"]["access_token"], token.as_str());
}
