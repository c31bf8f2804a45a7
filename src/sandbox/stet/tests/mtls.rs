//! Mutual TLS and the client_id (STET-OAUTH-04) on a bank with a registered TPP: the token, revoke
//! and API endpoints need the registered TPP's QWAC, and the form's client_id must be its
//! organizationIdentifier; the PSU's pages need no certificate. Without a registered TPP nothing of
//! this is enforced. These tests must never activate a fault.

use axum::http::{Method, StatusCode};

use super::tpp::{OTHER_ID, TPP_ID, pki};
use super::*;
use crate::sandbox::stet::{AUTHORIZE_PATH, REVOKE_PATH};

#[tokio::test]
async fn the_token_endpoint_wants_the_registered_qwac_and_its_client_id() {
    let env = Env::registered();
    let pki = pki();
    let form = |client_id: &'static str| {
        [
            ("grant_type", "client_credentials"),
            ("scope", "pisp"),
            ("client_id", client_id),
        ]
    };
    let ok = env.oauth(TOKEN_PATH, &form(TPP_ID)).send().await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json());
    let cases = [
        (None, TPP_ID, "no certificate"),
        (Some(&pki.qwac), OTHER_ID, "client_id of another TPP"),
        (Some(&pki.other_qwac), TPP_ID, "certificate of another TPP"),
        (Some(&pki.other_qwac), OTHER_ID, "unregistered TPP"),
    ];
    for (cert, client_id, case) in cases {
        let reply = env
            .oauth(TOKEN_PATH, &form(client_id))
            .cert(cert)
            .send()
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{case}");
        assert_eq!(reply.json()["error"], "invalid_client", "{case}");
    }
    let missing = env
        .oauth(
            TOKEN_PATH,
            &[("grant_type", "client_credentials"), ("scope", "pisp")],
        )
        .send()
        .await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn revoke_and_the_api_want_the_registered_qwac() {
    let env = Env::registered();
    let (access, refresh) = env.code_tokens("LEA", "aisp").await;
    let revoke = [("token", refresh.as_str()), ("client_id", TPP_ID)];
    let no_cert = env.oauth(REVOKE_PATH, &revoke).cert(None).send().await;
    assert_eq!(no_cert.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_cert.json()["error"], "invalid_client");
    let other = [("token", refresh.as_str()), ("client_id", OTHER_ID)];
    let mismatch = env.oauth(REVOKE_PATH, &other).send().await;
    assert_eq!(mismatch.status, StatusCode::UNAUTHORIZED);

    for cert in [None, Some(&pki().other_qwac)] {
        let reply = env
            .tpp(Method::GET, "/accounts")
            .token(&access)
            .cert(cert)
            .send()
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        let body = reply.json();
        assert_eq!(body["error"], "invalid_client");
        assert_eq!(body["status"], 401);
        assert_eq!(body["path"], format!("{API_PREFIX}/accounts"));
    }
    let ok = env
        .tpp(Method::GET, "/accounts")
        .token(&access)
        .send()
        .await;
    assert_eq!(ok.status, StatusCode::OK);
}

#[tokio::test]
async fn the_psu_pages_need_no_certificate() {
    let env = Env::registered();
    let page = env.browser_get(&Env::authorize_query("aisp", "s1")).await;
    assert_eq!(page.status, StatusCode::OK);
    let reply = env.psu_authorizes("LEA", "aisp").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert!(
        env.browser_get(AUTHORIZE_PATH)
            .await
            .status
            .is_client_error()
    );
}

#[tokio::test]
async fn without_a_registered_tpp_no_certificate_is_asked_for() {
    let env = Env::healthy();
    let token = env.token("LEA", "aisp").await;
    let reply = env
        .tpp(Method::GET, "/accounts")
        .token(&token)
        .cert(None)
        .seal(super::tpp::Seal::Unsigned)
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let cc = env
        .oauth(
            TOKEN_PATH,
            &[
                ("grant_type", "client_credentials"),
                ("scope", "cbpii"),
                ("client_id", "any-client"),
            ],
        )
        .cert(None)
        .send()
        .await;
    assert_eq!(cc.status, StatusCode::OK);
}
