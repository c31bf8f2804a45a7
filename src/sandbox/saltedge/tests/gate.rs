//! The gate's documented errors, each as its (HTTP code, error class) pair: the application, the
//! Authorization JWT (signature and exp) and the Access-Token (missing, unknown, revoked, expired).
//! Every row asserts the code AND the class; a test must never accept one without the other.

use axum::http::Method;
use serde_json::json;

use super::*;

#[tokio::test]
async fn a_valid_token_shows_its_scopes_and_expiry() {
    let env = Env::healthy();
    let token = env.token_for(30).await;
    let reply = env.show_token(&token).await;
    assert_eq!(reply.status, StatusCode::OK);
    let data = &reply.json()["data"];
    assert_eq!(
        data["scopes"],
        json!(["accounts", "transactions", "trusted_beneficiaries"])
    );
    let expires: chrono::DateTime<chrono::Utc> = data["access_token_expires_at"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("an RFC 3339 instant");
    let days = (expires - env.clock.now()).num_hours();
    assert!((29 * 24..=30 * 24).contains(&days), "{days} hours");
}

#[tokio::test]
async fn application_errors_are_oauth_app_not_found_and_certificate_not_found() {
    let env = Env::healthy();
    let token = env.token().await;
    let unknown = env
        .send(Call::get("/tokens").token(&token).header("App-Id", "nope"))
        .await;
    assert_eq!(unknown.row(), json!([404, "OauthAppNotFound"]));
    let wrong_secret = env
        .send(
            Call::get("/tokens")
                .token(&token)
                .header("App-Secret", "nope"),
        )
        .await;
    assert_eq!(wrong_secret.row(), json!([404, "OauthAppNotFound"]));
    let other = env.apps.without_permissions.clone();
    let no_permissions = env
        .send(Call::get("/tokens").token(&token).app(&other))
        .await;
    assert_eq!(no_permissions.row(), json!([404, "CertificateNotFound"]));
}

#[tokio::test]
async fn the_authorization_jwt_must_be_present_signed_and_alive() {
    let env = Env::healthy();
    let token = env.token().await;
    let row = |auth: Auth| {
        let call = Call::get("/tokens").token(&token).auth(auth);
        async { env.send(call).await.row() }
    };
    assert_eq!(row(Auth::None).await, json!([401, "AuthorizationMissing"]));
    let past = sign(&env.apps.main.private_key, &json!({}), in_a_minute() - 120);
    assert_eq!(
        row(Auth::Raw(format!("Bearer {past}"))).await,
        json!([401, "JWTExpired"])
    );
    let foreign = sign(
        &env.apps.without_permissions.private_key,
        &json!({}),
        in_a_minute(),
    );
    assert_eq!(
        row(Auth::Raw(format!("Bearer {foreign}"))).await,
        json!([401, "JWTDecodeError"])
    );
    assert_eq!(
        row(Auth::Raw("Bearer not.a.jwt".into())).await,
        json!([401, "JWTDecodeError"])
    );
    assert_eq!(
        row(Auth::Raw("Basic abc".into())).await,
        json!([401, "JWTDecodeError"])
    );
    let list = sign(&env.apps.main.private_key, &json!([1, 2]), in_a_minute());
    assert_eq!(
        row(Auth::Raw(format!("Bearer {list}"))).await,
        json!([400, "WrongRequestFormat"])
    );
}

#[tokio::test]
async fn access_token_errors_follow_the_related_errors_table() {
    let env = Env::healthy();
    assert_eq!(
        env.send(Call::get("/tokens")).await.row(),
        json!([400, "TokenMissing"])
    );
    assert_eq!(
        env.show_token("never-issued").await.row(),
        json!([401, "TokenNotFound"])
    );
    let token = env.token().await;
    let revoked = env
        .send(Call::new(Method::DELETE, "/tokens").token(&token))
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert_eq!(
        revoked.json()["data"],
        json!({ "revoked": true, "access_token": token })
    );
    assert_eq!(
        env.show_token(&token).await.row(),
        json!([401, "TokenRevoked"])
    );
    let short = env.token_for(1).await;
    assert_eq!(env.show_token(&short).await.status, StatusCode::OK);
    env.advance(chrono::Duration::days(1) + chrono::Duration::seconds(1));
    assert_eq!(
        env.show_token(&short).await.row(),
        json!([401, "TokenExpired"])
    );
}

#[tokio::test]
async fn a_token_of_another_application_is_not_found() {
    let env = Env::healthy();
    let other = Env::healthy();
    let token = other.token().await;
    assert_eq!(
        env.show_token(&token).await.row(),
        json!([401, "TokenNotFound"])
    );
}
