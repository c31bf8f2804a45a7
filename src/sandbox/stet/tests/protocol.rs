//! The healthy STET bank's protocol rules: the password grant, token expiry, the order of the
//! error classes (405, 401, 406, 403, 404, 400) and the X-Request-ID echo. These tests must never
//! activate a fault.

use axum::http::{Method, StatusCode};

use super::*;

#[tokio::test]
async fn password_grant_issues_a_bearer_token_and_refuses_bad_requests() {
    let env = Env::healthy();
    let (user, password) = env.bank.login("LEA").expect("LEA logs in");
    assert_eq!(user, "LEA");
    let ok = env
        .post_form(&format!(
            "grant_type=password&username=LEA&password={password}&scope=aisp&client_id=tpp"
        ))
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let body = ok.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["scope"], "aisp");
    assert!(body["access_token"].as_str().is_some_and(|t| t.len() == 43));

    let cases = [
        (
            "grant_type=password&username=LEA&password=nope&scope=aisp&client_id=tpp",
            "invalid_grant",
        ),
        (
            "grant_type=password&username=NOBODY&password=x&scope=aisp&client_id=tpp",
            "invalid_grant",
        ),
        (
            "grant_type=client_credentials&scope=aisp&client_id=tpp",
            "invalid_scope",
        ),
        (
            "grant_type=implicit&scope=aisp&client_id=tpp",
            "unsupported_grant_type",
        ),
        (
            &format!(
                "grant_type=password&username=LEA&password={password}&scope=cbpii&client_id=tpp"
            ),
            "invalid_scope",
        ),
        (
            &format!("grant_type=password&username=LEA&password={password}&scope=aisp"),
            "invalid_request",
        ),
    ];
    for (form, error) in cases {
        let reply = env.post_form(form).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{form}");
        assert_eq!(reply.json()["error"], error, "{form}");
    }
    let get = env
        .send(
            axum::http::Request::get(TOKEN_PATH)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(get.header("allow"), Some("POST"));
}

#[tokio::test]
async fn logins_are_per_bank_and_unknown_personas_have_none() {
    let (a, b) = (Env::healthy(), Env::healthy());
    assert_ne!(a.bank.login("MARC"), b.bank.login("MARC"));
    assert_eq!(a.bank.login("NOBODY"), None);
    assert_eq!(a.bank.issue_expired_token("NOBODY"), None);
}

#[tokio::test]
async fn error_classes_come_in_the_documented_order() {
    let env = Env::healthy();
    let aisp = env.consented("LEA").await;
    let pisp = env.token("LEA", "pisp").await;
    let expired = env.bank.issue_expired_token("LEA").expect("LEA");
    let html = [("accept", "text/html")];

    let post = env
        .call(Method::POST, "/accounts", Some(&aisp), &[], None)
        .await;
    assert_eq!(
        (post.status, post.header("allow")),
        (StatusCode::METHOD_NOT_ALLOWED, Some("GET"))
    );
    let delete = env.call(Method::DELETE, "/consents", None, &[], None).await;
    assert_eq!(
        (delete.status, delete.header("allow")),
        (StatusCode::METHOD_NOT_ALLOWED, Some("PUT"))
    );

    let missing = env.call(Method::GET, "/accounts", None, &html, None).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        missing.header("www-authenticate"),
        Some("Bearer realm=\"stet\"")
    );
    let basic = env
        .call(
            Method::GET,
            "/accounts",
            None,
            &[("authorization", "Basic TEVBOng=")],
            None,
        )
        .await;
    assert_eq!(basic.status, StatusCode::UNAUTHORIZED);
    let unknown = env.get("never-issued", "/accounts").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        unknown.header("www-authenticate"),
        Some("Bearer error=\"invalid_token\"")
    );
    assert_eq!(unknown.json()["error"], "invalid_token");
    let late = env.get(&expired, "/accounts").await;
    assert_eq!(late.status, StatusCode::UNAUTHORIZED);
    assert_eq!(late.json()["message"], "the access token has expired");

    let not_json = env
        .call(Method::GET, "/accounts", Some(&pisp), &html, None)
        .await;
    assert_eq!(not_json.status, StatusCode::NOT_ACCEPTABLE);
    for accept in [
        "application/json;q=0.9",
        "text/html, application/*",
        "*/*",
        "APPLICATION/HAL+JSON",
    ] {
        let ok = env
            .call(
                Method::GET,
                "/accounts",
                Some(&aisp),
                &[("accept", accept)],
                None,
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{accept}");
    }
    let scope = env
        .get(&pisp, &balances_path("CLAIRE", "zero-balance"))
        .await;
    assert_eq!(scope.status, StatusCode::FORBIDDEN);
    let foreign = env
        .get(
            &aisp,
            &format!(
                "{}?dateFrom=bad",
                transactions_path("CLAIRE", "zero-balance")
            ),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    let path = env.get(&aisp, "/card-accounts").await;
    assert_eq!(path.status, StatusCode::NOT_FOUND);
    assert_eq!(path.json()["path"], format!("{API_PREFIX}/card-accounts"));
}

#[tokio::test]
async fn tokens_expire_after_fifteen_minutes() {
    let env = Env::healthy();
    let token = env.token("LEA", "aisp").await;
    assert_eq!(env.get(&token, "/accounts").await.status, StatusCode::OK);
    env.clock.advance(chrono::Duration::minutes(15));
    assert_eq!(
        env.get(&token, "/accounts").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_request_id_is_echoed_on_success_and_error() {
    let env = Env::healthy();
    let token = env.token("LEA", "aisp").await;
    let id = [("x-request-id", "0f9b7c1e-5a41-4f7d-9a43-6c2d1c1e8a10")];
    for (token, path) in [
        (Some(token.as_str()), "/accounts"),
        (None, "/accounts"),
        (None, "/nowhere"),
    ] {
        let reply = env.call(Method::GET, path, token, &id, None).await;
        assert_eq!(
            reply.header("x-request-id"),
            Some(id[0].1),
            "{path} {}",
            reply.status
        );
    }
}

#[tokio::test]
async fn methods_a_route_does_not_serve_get_its_own_refusal() {
    let env = Env::healthy();
    let token = env.consented("LEA").await;
    let head = env
        .call(Method::HEAD, "/accounts", Some(&token), &[], None)
        .await;
    assert_eq!(
        (head.status, head.header("allow")),
        (StatusCode::METHOD_NOT_ALLOWED, Some("GET"))
    );
    let get_token = Request::get(TOKEN_PATH)
        .body(Body::empty())
        .expect("a request");
    let get_token = env.send(get_token).await;
    assert_eq!(
        (get_token.status, get_token.header("allow")),
        (StatusCode::METHOD_NOT_ALLOWED, Some("POST"))
    );
    assert_eq!(get_token.json()["status"], 405);
    for method in [Method::DELETE, Method::HEAD] {
        let page = Request::builder()
            .method(method.clone())
            .uri(crate::sandbox::stet::AUTHORIZE_PATH)
            .body(Body::empty())
            .expect("a request");
        let page = env.send(page).await;
        assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(page.header("allow"), None, "{method}");
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{method}"
        );
    }
}
