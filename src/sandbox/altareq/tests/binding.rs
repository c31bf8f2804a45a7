//! The token endpoint's PKCE and one-time codes (ALT-SEC-03), certificate-bound tokens
//! (ALT-SEC-04), scopes per grant (ALT-SEC-05), and the expiry rules, with the bank's clock moved
//! forward instead of waiting.

use serde_json::{Value, json};

use super::tpp::Env;
use super::*;
use crate::sandbox::altareq::{AIS_BASE, PAY_BASE};

#[tokio::test]
async fn the_token_endpoint_wants_the_right_verifier_and_a_code_used_once() {
    let env = Env::healthy().await;
    let (code, verifier, _) = env
        .code_for(
            env.c1(),
            "accounts openid",
            data_sharing_details(),
            &[MITS_CURRENT],
        )
        .await;
    let wrong = env.redeem(&code, Some(&format!("{verifier}x"))).await;
    assert_eq!(wrong.status(), 400);
    assert_eq!(
        wrong.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
    let none = env.redeem(&code, None).await;
    assert_eq!(
        none.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
    let first: Value = env
        .redeem(&code, Some(&verifier))
        .await
        .json()
        .await
        .unwrap();
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(
        env.get(&format!("{AIS_BASE}/accounts"), access)
            .await
            .status(),
        200
    );
    let again = env.redeem(&code, Some(&verifier)).await;
    assert_eq!(again.status(), 400);
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
    assert_eq!(
        env.get(&format!("{AIS_BASE}/accounts"), access)
            .await
            .status(),
        401,
        "the first token is revoked"
    );
    let no_assertion = env
        .hub1
        .post(env.rs("/token"))
        .form(&[("grant_type", "authorization_code"), ("code", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        no_assertion.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
}

#[tokio::test]
async fn a_token_works_only_over_the_certificate_it_is_bound_to() {
    let env = Env::healthy().await;
    let auth = env.data_sharing().await;
    let path = env.rs(&format!("{AIS_BASE}/accounts"));
    let other = env
        .hub2
        .get(&path)
        .bearer_auth(auth.access())
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 401);
    assert!(
        env.hub_none
            .get(&path)
            .bearer_auth(auth.access())
            .send()
            .await
            .is_err()
    );
    let forged = env
        .hub2
        .get(&path)
        .bearer_auth(auth.access())
        .header("x-cert-dn", format!("CN={}", env.c1().client_id))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    assert_eq!(
        env.hub1
            .get(&path)
            .bearer_auth(auth.access())
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn data_sharing_and_payment_tokens_are_refused_on_each_others_apis_with_403() {
    let env = Env::healthy().await;
    let data = env.data_sharing().await;
    let payment = env.payment_consent(single_payment()).await;
    let body = super::payments::payment_jwt(
        &env,
        &payment.consent_id,
        "150.00",
        &env.pii(payment_pii()).await,
    );
    let refused = super::payments::post_payment(&env, data.access(), &body, "k-sec-05").await;
    assert_eq!(refused.status(), 403);
    let message = super::tpp::claims(&refused.text().await.unwrap())["message"].clone();
    assert_eq!(message["Errors"][0]["Code"], "AccessToken.InvalidScope");
    let read = env
        .get(
            &format!("{AIS_BASE}/accounts/{MITS_CURRENT}/transactions"),
            payment.access(),
        )
        .await;
    assert_eq!(read.status(), 403);
    assert_eq!(
        read.json::<Value>().await.unwrap()["Errors"][0]["Code"],
        "AccessToken.InvalidScope"
    );
    let cc = env.cc_token("payments openid").await;
    let consent = env
        .get(
            &format!("{PAY_BASE}/payment-consents/{}", payment.consent_id),
            &cc,
        )
        .await
        .text()
        .await
        .unwrap();
    let consent = super::tpp::claims(&consent);
    assert_eq!(consent["message"]["Links"]["Related"], json!([]));
    assert_eq!(
        consent["message"]["Data"]["PaymentConsumption"]["CumulativeNumberOfPayments"],
        0
    );
}

#[tokio::test]
async fn a_code_expires_after_60_seconds_and_a_token_after_10_minutes() {
    let env = Env::healthy().await;
    let (code, verifier, _) = env
        .code_for(
            env.c1(),
            "accounts openid",
            data_sharing_details(),
            &[MITS_CURRENT],
        )
        .await;
    env.started
        .bank
        .clock()
        .advance(chrono::Duration::seconds(61));
    let late = env.redeem(&code, Some(&verifier)).await;
    assert_eq!(late.status(), 400);
    assert_eq!(
        late.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
    let auth = env.data_sharing().await;
    assert_eq!(
        env.get(&format!("{AIS_BASE}/accounts"), auth.access())
            .await
            .status(),
        200
    );
    env.started
        .bank
        .clock()
        .advance(chrono::Duration::seconds(601));
    assert_eq!(
        env.get(&format!("{AIS_BASE}/accounts"), auth.access())
            .await
            .status(),
        401
    );
    let cc = env.cc_token("accounts openid").await;
    let consent: Value = env
        .get(
            &format!("{AIS_BASE}/account-access-consents/{}", auth.consent_id),
            &cc,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        consent["Data"]["Status"], "Expired",
        "the consent expired 10 minutes after it was lodged"
    );
}

#[tokio::test]
async fn the_banks_response_signatures_verify_with_an_independent_jose_implementation() {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
    let env = Env::healthy().await;
    let auth = env.data_sharing().await;
    let jwks: Value = env
        .front
        .get(format!("{}/jwks", env.issuer()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sig = &jwks["keys"][0];
    let key =
        DecodingKey::from_rsa_components(sig["n"].as_str().unwrap(), sig["e"].as_str().unwrap())
            .unwrap();
    let token = env
        .hub1
        .get(env.rs(&format!("{AIS_BASE}/accounts")))
        .bearer_auth(auth.access())
        .header("accept", "application/jwt")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        decode_header(&token).unwrap().kid.as_deref(),
        sig["kid"].as_str()
    );
    let mut validation = Validation::new(Algorithm::PS256);
    validation.set_audience(&[env.c1().client_id.as_str()]);
    validation.set_issuer(&[env.issuer()]);
    let verified = decode::<Value>(&token, &key, &validation).expect("the signature verifies");
    assert_eq!(
        verified.claims["message"]["Data"]["Account"][0]["AccountId"],
        MITS_CURRENT
    );
    let id_token = auth.token["id_token"].as_str().unwrap();
    let mut id_validation = Validation::new(Algorithm::PS256);
    id_validation.set_audience(&[env.c1().client_id.as_str()]);
    assert!(decode::<Value>(id_token, &key, &id_validation).is_ok());
}
