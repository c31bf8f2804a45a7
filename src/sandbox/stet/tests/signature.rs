//! HTTP signatures (STET-GEN-02) on a bank with a registered TPP: every API request is signed by
//! the registered QSEAL (keyId ending with its fingerprint), covering (request-target), x-request-id
//! and, with a body, a matching Digest; anything else is a 400 that names the reason, checked right
//! after the 405 and before the access token. These tests must never activate a fault.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::tpp::{Seal, pki};
use super::*;

#[tokio::test]
async fn a_properly_signed_request_passes_with_and_without_body() {
    let env = Env::registered();
    let token = env.tpp_consented("LEA").await;
    let get = env.tpp(Method::GET, "/accounts").token(&token).send().await;
    assert_eq!(get.status, StatusCode::OK);
    let with_query = env
        .tpp(
            Method::GET,
            &format!(
                "{}?dateFrom={}",
                transactions_path("LEA", "current"),
                env.days_ago(5)
            ),
        )
        .token(&token)
        .send()
        .await;
    assert!(with_query.status.is_success(), "{}", with_query.status);
}

#[tokio::test]
async fn every_bad_signature_is_a_400_naming_its_reason() {
    let env = Env::registered();
    let token = env.tpp_consented("LEA").await;
    let consent = json!({ "balances": [{ "iban": account("LEA", "current").iban }] });
    let fingerprint_of_another = format!("https://tpp.example/qseal_{}", "0".repeat(64));
    let cases: Vec<(Seal, bool, &str)> = vec![
        (Seal::Unsigned, false, "missing"),
        (Seal::Garbage, false, "malformed"),
        (Seal::KeyId(fingerprint_of_another), false, "keyId"),
        (
            Seal::Covering(vec!["x-request-id"]),
            false,
            "(request-target)",
        ),
        (
            Seal::Covering(vec!["(request-target)"]),
            false,
            "x-request-id",
        ),
        (Seal::Impostor, false, "does not verify"),
        (Seal::OtherTarget, false, "does not verify"),
        (
            Seal::Covering(vec!["(request-target)", "x-request-id"]),
            true,
            "cover digest",
        ),
        (Seal::WrongDigest, true, "Digest does not match"),
    ];
    for (seal, with_body, reason) in cases {
        let call = if with_body {
            env.tpp(Method::PUT, "/consents").json(&consent)
        } else {
            env.tpp(Method::GET, "/accounts")
        };
        let reply = call.token(&token).seal(seal.clone()).send().await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{seal:?}");
        let message = reply.json()["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(message.contains(reason), "{seal:?}: {message}");
    }
}

#[tokio::test]
async fn a_body_needs_a_digest() {
    let env = Env::registered();
    let token = env.tpp_consented("LEA").await;
    // Signed without digest coverage and sent without a Digest header at all.
    let request = axum::http::Request::put(format!("{API_PREFIX}/consents"))
        .header("x-request-id", "r-1")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json");
    let headers = vec![("x-request-id".to_string(), "r-1".to_string())];
    let signature = pki()
        .signer
        .sign(
            "PUT",
            &format!("{API_PREFIX}/consents"),
            &headers,
            &["(request-target)".into(), "x-request-id".into()],
        )
        .expect("signed");
    let mut request = request
        .header("signature", signature.render())
        .body(Body::from("{}"))
        .expect("request");
    request
        .extensions_mut()
        .insert(crate::sandbox::PeerCertificates(std::sync::Arc::new(vec![
            pki().qwac.cert_der.clone(),
        ])));
    let reply = env.send(request).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.json()["message"]
            .as_str()
            .is_some_and(|m| m.contains("needs a Digest")),
        "{}",
        reply.json()
    );
}

#[tokio::test]
async fn the_signature_comes_after_the_method_and_before_the_token() {
    let env = Env::registered();
    let post = env
        .tpp(Method::POST, "/accounts")
        .seal(Seal::Unsigned)
        .send()
        .await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    let unsigned = env
        .tpp(Method::GET, "/accounts")
        .seal(Seal::Unsigned)
        .send()
        .await;
    assert_eq!(unsigned.status, StatusCode::BAD_REQUEST);
    let signed = env.tpp(Method::GET, "/accounts").send().await;
    assert_eq!(signed.status, StatusCode::UNAUTHORIZED);
    let echoed = env
        .tpp(Method::GET, "/accounts")
        .seal(Seal::Unsigned)
        .header("x-request-id", "r-7")
        .send()
        .await;
    assert!(echoed.header("x-request-id").is_some());
}

#[tokio::test]
async fn oauth_endpoints_and_psu_pages_are_not_signed() {
    let env = Env::registered();
    let token = env.client_token("cbpii").await;
    assert!(!token.is_empty());
    let page = env.browser_get(&Env::authorize_query("aisp", "s")).await;
    assert_eq!(page.status, StatusCode::OK);
}
