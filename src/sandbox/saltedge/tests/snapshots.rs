//! Insta snapshots of the Salt Edge bank's answers: the providers index, a session waiting for the
//! MFA step, Tokens Show, the templates and an error body. Secrets, tokens, ids and instants are
//! redacted: a snapshot must never hold a value minted at run time.

use axum::http::Method;
use serde_json::json;

use super::*;

#[tokio::test]
async fn providers_index() {
    let env = Env::healthy();
    let body = env
        .send(
            Call::get("/providers?per_page=1")
                .auth(Auth::None)
                .header("Client-Request-Id", "17"),
        )
        .await
        .json();
    insta::assert_yaml_snapshot!("providers_index", body, {
        ".meta.time" => "[time]",
    });
}

#[tokio::test]
async fn session_waiting_for_mfa() {
    let env = Env::healthy();
    let secret = env.session().await;
    let body = env
        .confirm(
            &secret,
            json!({ "login": "demo_user", "password": "demo_password" }),
        )
        .await
        .json();
    insta::assert_yaml_snapshot!("session_waiting_for_mfa", body, {
        ".data.secret" => "[secret]",
        ".data.id" => "[id]",
        ".data.created_at" => "[time]",
        ".data.updated_at" => "[time]",
        ".data.events[].created_at" => "[time]",
        ".meta.time" => "[time]",
    });
}

#[tokio::test]
async fn token_show() {
    let env = Env::healthy();
    let token = env.token().await;
    let body = env.show_token(&token).await.json();
    insta::assert_yaml_snapshot!("token_show", body, {
        ".data.access_token_expires_at" => "[time]",
        ".meta.time" => "[time]",
    });
}

#[tokio::test]
async fn templates() {
    let env = Env::healthy();
    let body = env
        .send(Call::get("/providers/demobank/templates").auth(Auth::None))
        .await
        .json();
    insta::assert_yaml_snapshot!("templates", body, {
        ".meta.time" => "[time]",
    });
}

#[tokio::test]
async fn error_body() {
    let env = Env::healthy();
    let token = env.token().await;
    env.send(Call::new(Method::DELETE, "/tokens").token(&token))
        .await;
    let body = env
        .send(
            Call::get("/tokens")
                .token(&token)
                .header("Client-Request-Id", "54"),
        )
        .await
        .json();
    insta::assert_yaml_snapshot!("error_body", body, {
        ".meta.time" => "[time]",
    });
}
