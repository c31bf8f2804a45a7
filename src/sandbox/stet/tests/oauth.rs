//! OAuth2 as the document describes it, on a bank with a registered TPP: the authorization page and
//! its one-time code (STET-OAUTH-01), refresh (02), revocation (03), client credentials (05) and the
//! fallback redirect (STET-FALLBACK-01). These tests must never activate a fault.

use axum::http::{Method, StatusCode};

use super::tpp::{CALLBACK, OTHER_ID, TPP_ID, query_param, text};
use super::*;
use crate::sandbox::stet::html::percent_encode;
use crate::sandbox::stet::{AUTHORIZE_PATH, ONLINE_BANKING_LOGIN_PATH, REVOKE_PATH};

#[tokio::test]
async fn the_authorization_page_is_a_login_form_for_the_registered_client_only() {
    let env = Env::registered();
    let page = env
        .browser_get(&Env::authorize_query("aisp", "st<1>"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = text(&page);
    assert!(html.contains(&format!(
        "<form method=\"post\" action=\"{AUTHORIZE_PATH}\">"
    )));
    for input in [
        format!("name=\"client_id\" value=\"{TPP_ID}\""),
        format!("name=\"redirect_uri\" value=\"{CALLBACK}\""),
        "name=\"scope\" value=\"aisp\"".to_string(),
        "name=\"state\" value=\"st&lt;1&gt;\"".to_string(),
        "type=\"text\" name=\"username\"".to_string(),
        "name=\"password\"".to_string(),
    ] {
        assert!(html.contains(&input), "{input} in {html}");
    }
    let callback = percent_encode(CALLBACK);
    for bad in [
        format!(
            "{AUTHORIZE_PATH}?response_type=code&client_id={OTHER_ID}&redirect_uri={callback}&scope=aisp"
        ),
        format!(
            "{AUTHORIZE_PATH}?response_type=code&client_id={TPP_ID}&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&scope=aisp"
        ),
        format!("{AUTHORIZE_PATH}?response_type=code&redirect_uri={callback}&scope=aisp"),
    ] {
        let reply = env.browser_get(&bad).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(reply.header("location").is_none());
    }
    let scope = env.browser_get(&Env::authorize_query("cbpii", "s")).await;
    assert_eq!(scope.status, StatusCode::FOUND);
    let location = scope.header("location").unwrap_or_default();
    assert!(location.starts_with(CALLBACK), "{location}");
    assert_eq!(
        query_param(location, "error").as_deref(),
        Some("invalid_scope")
    );
    assert_eq!(query_param(location, "state").as_deref(), Some("s"));
}

#[tokio::test]
async fn the_psu_login_redirects_with_a_one_time_code_and_state() {
    let env = Env::registered();
    let wrong = [
        ("response_type", "code"),
        ("client_id", TPP_ID),
        ("redirect_uri", CALLBACK),
        ("scope", "aisp"),
        ("state", "xyz"),
        ("username", "LEA"),
        ("password", "wrong"),
    ];
    let retry = env.browser_post(AUTHORIZE_PATH, &wrong).await;
    assert_eq!(retry.status, StatusCode::OK);
    assert!(retry.header("location").is_none());
    assert!(text(&retry).contains("wrong password"));

    let (username, password) = env.bank.login("CLAIRE").expect("CLAIRE");
    let posted_fields_only = [
        ("client_id", TPP_ID),
        ("redirect_uri", CALLBACK),
        ("scope", "aisp"),
        ("state", "only"),
        ("username", username.as_str()),
        ("password", password.as_str()),
    ];
    let minimal = env.browser_post(AUTHORIZE_PATH, &posted_fields_only).await;
    assert_eq!(minimal.status, StatusCode::FOUND);
    let code = query_param(minimal.header("location").unwrap_or_default(), "code");
    assert!(code.is_some(), "{:?}", minimal.header("location"));

    let ok = env.psu_authorizes("LEA", "aisp").await;
    assert_eq!(ok.status, StatusCode::FOUND);
    let location = ok.header("location").unwrap_or_default();
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );
    assert_eq!(query_param(location, "state").as_deref(), Some("xyz"));
}

#[tokio::test]
async fn a_code_is_exchanged_once_without_scope_for_a_bearer_and_refresh_token() {
    let env = Env::registered();
    let code = env.code("LEA", "aisp").await;
    let with_scope = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("client_id", TPP_ID),
        ("scope", "aisp"),
    ];
    let refused = env.oauth(TOKEN_PATH, &with_scope).send().await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"], "invalid_request");

    let reply = env.exchange(&code).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["scope"], "aisp");
    let access = body["access_token"].as_str().expect("access token");
    assert!(body["refresh_token"].as_str().is_some_and(|r| r != access));
    let accounts = env.tpp(Method::GET, "/accounts").token(access).send().await;
    assert_eq!(accounts.status, StatusCode::OK);

    let again = env.exchange(&code).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.json()["error"], "invalid_grant");

    let other_callback = env.code("LEA", "aisp").await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", other_callback.as_str()),
        ("redirect_uri", "https://tpp.example/other"),
        ("client_id", TPP_ID),
    ];
    let mismatch = env.oauth(TOKEN_PATH, &form).send().await;
    assert_eq!(mismatch.json()["error"], "invalid_grant");

    let late = env.code("LEA", "aisp").await;
    env.clock.advance(chrono::Duration::seconds(61));
    let expired = env.exchange(&late).await;
    assert_eq!(expired.status, StatusCode::BAD_REQUEST);
    assert_eq!(expired.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn a_refresh_replaces_both_tokens_and_retires_the_old_refresh_token() {
    let env = Env::registered();
    let (access, refresh) = env.code_tokens("MARC", "aisp").await;
    let reply = env.refresh(&refresh).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
    let body = reply.json();
    let new_access = body["access_token"].as_str().expect("access").to_string();
    let new_refresh = body["refresh_token"].as_str().expect("refresh").to_string();
    assert_ne!(new_access, access);
    assert_ne!(new_refresh, refresh);
    assert_eq!(body["scope"], "aisp");
    let old = env.refresh(&refresh).await;
    assert_eq!(old.status, StatusCode::BAD_REQUEST);
    assert_eq!(old.json()["error"], "invalid_grant");
    let list = env
        .tpp(Method::GET, "/accounts")
        .token(&new_access)
        .send()
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(env.refresh(&new_refresh).await.status, StatusCode::OK);
    let form = [("grant_type", "refresh_token"), ("client_id", TPP_ID)];
    let missing = env.oauth(TOKEN_PATH, &form).send().await;
    assert_eq!(missing.json()["error"], "invalid_request");
}

#[tokio::test]
async fn revoking_the_refresh_token_revokes_every_token_of_the_authorisation() {
    let env = Env::registered();
    let (first_access, refresh) = env.code_tokens("LEA", "aisp").await;
    let refreshed = env.refresh(&refresh).await.json();
    let access = refreshed["access_token"]
        .as_str()
        .expect("access")
        .to_string();
    let refresh = refreshed["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_string();
    let (other_access, _) = env.code_tokens("LEA", "aisp").await;

    let revoke = [("token", refresh.as_str()), ("client_id", TPP_ID)];
    let reply = env.oauth(REVOKE_PATH, &revoke).send().await;
    assert_eq!(reply.status, StatusCode::OK);
    for token in [&first_access, &access] {
        let denied = env.tpp(Method::GET, "/accounts").token(token).send().await;
        assert_eq!(denied.status, StatusCode::UNAUTHORIZED);
        assert_eq!(denied.json()["error"], "invalid_token");
    }
    let dead = env.refresh(&refresh).await;
    assert_eq!(dead.status, StatusCode::BAD_REQUEST);
    assert_eq!(dead.json()["error"], "invalid_grant");
    let untouched = env
        .tpp(Method::GET, "/accounts")
        .token(&other_access)
        .send()
        .await;
    assert_eq!(untouched.status, StatusCode::OK);

    let (access, refresh) = env.code_tokens("GEORGES", "aisp").await;
    let by_access = [("token", access.as_str()), ("client_id", TPP_ID)];
    assert_eq!(
        env.oauth(REVOKE_PATH, &by_access).send().await.status,
        StatusCode::OK
    );
    assert_eq!(env.refresh(&refresh).await.json()["error"], "invalid_grant");
    let unknown = [("token", "never-issued"), ("client_id", TPP_ID)];
    assert_eq!(
        env.oauth(REVOKE_PATH, &unknown).send().await.status,
        StatusCode::OK
    );
    let missing = env
        .oauth(REVOKE_PATH, &[("client_id", TPP_ID)])
        .send()
        .await;
    assert_eq!(missing.json()["error"], "invalid_request");
}

#[tokio::test]
async fn client_credentials_give_pisp_or_cbpii_tokens_without_psu_or_refresh() {
    let env = Env::registered();
    for scope in ["pisp", "cbpii"] {
        let reply = env.client_credentials(scope).await;
        assert_eq!(reply.status, StatusCode::OK, "{scope}");
        let body = reply.json();
        assert_eq!(body["scope"], scope);
        assert_eq!(body["token_type"], "Bearer");
        assert!(body.get("refresh_token").is_none());
        let token = body["access_token"].as_str().expect("token");
        let ais = env.tpp(Method::GET, "/accounts").token(token).send().await;
        assert_eq!(ais.status, StatusCode::FORBIDDEN, "{scope}");
    }
    for scope in ["aisp", "extended_transaction_history", ""] {
        let reply = env.client_credentials(scope).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{scope}");
        assert_eq!(reply.json()["error"], "invalid_scope", "{scope}");
    }
}

#[tokio::test]
async fn the_password_grant_still_works_for_the_registered_client() {
    let env = Env::registered();
    let (username, password) = env.bank.login("LEA").expect("LEA");
    let form = [
        ("grant_type", "password"),
        ("username", username.as_str()),
        ("password", password.as_str()),
        ("scope", "aisp"),
        ("client_id", TPP_ID),
    ];
    let reply = env.oauth(TOKEN_PATH, &form).send().await;
    assert_eq!(reply.status, StatusCode::OK);
    let unknown = env
        .oauth(
            TOKEN_PATH,
            &[("grant_type", "implicit"), ("client_id", TPP_ID)],
        )
        .send()
        .await;
    assert_eq!(unknown.json()["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn fallback_redirects_to_the_online_banking_login() {
    let env = Env::registered();
    let form = [
        ("client_id", TPP_ID),
        ("grant_type", "client_credentials"),
        ("scope", "aisp"),
    ];
    let reply = env
        .oauth(TOKEN_PATH, &form)
        .header("fallback", "1")
        .header("host", "www.17515.sandbox.example:8443")
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=iso-8859-1")
    );
    let location = reply.header("location").unwrap_or_default().to_string();
    assert!(
        location.starts_with(&format!(
            "https://www.17515.sandbox.example:8443{ONLINE_BANKING_LOGIN_PATH}?"
        )),
        "{location}"
    );
    assert!(query_param(&location, "fallback_token").is_some());
    let body = text(&reply);
    assert!(
        body.contains("<h1>Found</h1>") && body.contains("here</a>"),
        "{body}"
    );
    assert!(body.is_ascii());

    let path = location.trim_start_matches("https://www.17515.sandbox.example:8443");
    let login = env.browser_get(path).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(text(&login).contains(TPP_ID));
    assert_eq!(
        env.browser_get(ONLINE_BANKING_LOGIN_PATH).await.status,
        StatusCode::OK
    );

    let quoted = env
        .oauth(TOKEN_PATH, &form)
        .header("fallback", "\"1\"")
        .send()
        .await;
    assert_eq!(quoted.status, StatusCode::FOUND);
    let without_cert = env
        .oauth(TOKEN_PATH, &form)
        .header("fallback", "1")
        .cert(None)
        .send()
        .await;
    assert_eq!(without_cert.status, StatusCode::UNAUTHORIZED);
    let not_fallback = env
        .oauth(TOKEN_PATH, &form)
        .header("fallback", "0")
        .send()
        .await;
    assert_eq!(not_fallback.json()["error"], "invalid_scope");
}
