//! The headless authorisation's own rules: a request_uri bound to its client and spent at
//! completion, doFail, consent PII checked before a code is issued, codes bound to their client,
//! and the method and media-type refusals.

use serde_json::{Value, json};

use super::tpp::{Env, Signer, callback_params, claims, now, pkce, sign};
use super::*;
use crate::sandbox::altareq::assertion::ASSERTION_TYPE;
use crate::sandbox::altareq::{PAY_BASE, REDIRECT_URI};

/// PAR for client 1 and `details`; the request_uri and the state.
async fn pushed(env: &Env, scope: &str, details: Value) -> (String, String) {
    let (_, challenge) = pkce();
    let claims = env.request_claims(env.c1(), scope, details, &challenge);
    let state = claims["state"].as_str().unwrap().to_string();
    let answer: Value = env
        .par(env.c1(), &sign(&claims, Signer::Client(env.c1())))
        .await
        .json()
        .await
        .unwrap();
    (answer["request_uri"].as_str().unwrap().to_string(), state)
}

async fn get_auth(env: &Env, client_id: &str, request_uri: &str) -> reqwest::Response {
    let url = format!(
        "{}/auth?client_id={client_id}&response_type=code&scope=openid&request_uri={}",
        env.issuer(),
        request_uri.replace(':', "%3A")
    );
    env.front.get(url).send().await.unwrap()
}

#[tokio::test]
async fn a_request_uri_is_bound_to_its_client_and_spent_when_the_interaction_completes() {
    let env = Env::healthy().await;
    let (request_uri, state) = pushed(&env, "accounts openid", data_sharing_details()).await;
    let foreign = get_auth(&env, &env.c2().client_id, &request_uri).await;
    assert_eq!(foreign.status(), 400);
    assert_eq!(foreign.json::<Value>().await.unwrap()["noRedirect"], true);
    let first: Value = get_auth(&env, &env.c1().client_id, &request_uri)
        .await
        .json()
        .await
        .unwrap();
    let again = get_auth(&env, &env.c1().client_id, &request_uri).await;
    assert_eq!(
        again.status(),
        200,
        "a second visit before completion is fine"
    );
    let interaction = first["interaction"]["interactionId"].as_str().unwrap();
    let failed = env
        .front
        .post(format!("{}/auth/{interaction}/doFail", env.issuer()))
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 303);
    let location = failed.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(REDIRECT_URI));
    let params = callback_params(&location);
    assert_eq!(params["error"], "access_denied");
    assert_eq!(params["state"], state);
    assert_eq!(params["iss"], env.issuer());
    assert_eq!(
        get_auth(&env, &env.c1().client_id, &request_uri)
            .await
            .status(),
        400,
        "spent"
    );
}

#[tokio::test]
async fn consent_pii_that_does_not_decrypt_rejects_the_consent_at_authorisation() {
    let env = Env::healthy().await;
    let stranger = josekit::jwk::alg::rsa::RsaKeyPair::generate(2048).unwrap();
    let inner = sign(&consent_pii(), Signer::Client(env.c1()));
    let (_, kid) = env.enc_key().await;
    let pii = crate::sandbox::altareq::jose::encrypt(
        inner.as_bytes(),
        &josekit::jwk::KeyPair::to_jwk_public_key(&stranger),
        &kid,
    );
    let details = payment_details(single_payment(), &pii);
    let consent_id = details["consent"]["ConsentId"]
        .as_str()
        .unwrap()
        .to_string();
    let (request_uri, _) = pushed(&env, "payments openid", details).await;
    let location = env.authorise(env.c1(), &request_uri, &[MITS_CURRENT]).await;
    assert_eq!(callback_params(&location)["error"], "access_denied");
    let cc = env.cc_token("payments openid").await;
    let consent = env
        .get(&format!("{PAY_BASE}/payment-consents/{consent_id}"), &cc)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(claims(&consent)["message"]["Data"]["Status"], "Rejected");
}

#[tokio::test]
async fn a_code_is_bound_to_the_client_it_was_issued_to() {
    let env = Env::healthy().await;
    let (code, verifier, _) = env
        .code_for(
            env.c1(),
            "accounts openid",
            data_sharing_details(),
            &[MITS_CURRENT],
        )
        .await;
    let assertion = env.assertion(env.c2());
    let answer = env
        .hub2
        .post(env.rs("/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", verifier.as_str()),
            ("client_assertion_type", ASSERTION_TYPE),
            ("client_assertion", assertion.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    assert_eq!(
        answer.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
    assert_eq!(
        env.redeem(&code, Some(&verifier)).await.status(),
        200,
        "still redeemable by its client"
    );
}

#[tokio::test]
async fn wrong_methods_and_media_types_are_refused_without_a_body() {
    let env = Env::healthy().await;
    let get_par = env.hub1.get(env.rs("/par")).send().await.unwrap();
    assert_eq!(get_par.status(), 405);
    let auth = env.payment_consent(single_payment()).await;
    let body = super::payments::payment_jwt(
        &env,
        &auth.consent_id,
        "150.00",
        &env.pii(payment_pii()).await,
    );
    let as_json = env
        .hub1
        .post(env.rs(&format!("{PAY_BASE}/payments")))
        .bearer_auth(auth.access())
        .header("content-type", "application/json")
        .header("x-idempotency-key", "k")
        .body(json!({"message": body}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(as_json.status(), 415);
    let html = env
        .hub1
        .post(env.rs(&format!("{PAY_BASE}/payments")))
        .bearer_auth(auth.access())
        .header("content-type", "application/jwt")
        .header("accept", "text/html")
        .header("x-idempotency-key", "k")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(html.status(), 406);
}

#[tokio::test]
async fn a_payment_consent_revoked_by_the_tpp_takes_no_payment() {
    let env = Env::healthy().await;
    let auth = env.payment_consent(single_payment()).await;
    let cc = env.cc_token("payments openid").await;
    let t = now();
    let revoke = sign(
        &json!({"iss": env.c1().client_id, "iat": t, "nbf": t, "exp": t + 300, "message": {"Data": {"Status": "Revoked", "RevokedBy": "TPP"}}}),
        Signer::Client(env.c1()),
    );
    let revoked = env
        .hub1
        .patch(env.rs(&format!("{PAY_BASE}/payment-consents/{}", auth.consent_id)))
        .bearer_auth(&cc)
        .header("content-type", "application/jwt")
        .body(revoke)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let body = super::payments::payment_jwt(
        &env,
        &auth.consent_id,
        "150.00",
        &env.pii(payment_pii()).await,
    );
    let refused = super::payments::post_payment(&env, auth.access(), &body, "after-revoke").await;
    assert_eq!(refused.status(), 400);
}
