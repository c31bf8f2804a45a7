//! Payments v2.1 on the healthy bank: a single instant payment (ALT-PAY-01), idempotent replays and
//! the one-payment rule (ALT-PAY-02), PII that is not a JWE to the bank (ALT-PAY-03), and the
//! multi-payment controls (ALT-MPAY-01).

use serde_json::{Value, json};

use super::tpp::{Env, Signer, claims, now, sign};
use super::*;
use crate::sandbox::altareq::PAY_BASE;

/// A signed POST /payments body of client 1.
pub(crate) fn payment_jwt(env: &Env, consent_id: &str, amount: &str, pii: &str) -> String {
    let t = now();
    let message = json!({"Data": {
        "ConsentId": consent_id,
        "Instruction": {"Amount": {"Amount": amount, "Currency": "AED"}},
        "PersonalIdentifiableInformation": pii,
        "PaymentPurposeCode": "ACM",
        "DebtorReference": "OBCONF-TEST",
        "CreditorReference": "OBCONF-TEST",
        "OpenFinanceBilling": {"Type": "PushP2P"},
    }});
    sign(
        &json!({"iss": env.c1().client_id, "aud": [env.issuer()], "iat": t, "nbf": t - 10, "exp": t + 300, "message": message}),
        Signer::Client(env.c1()),
    )
}

pub(crate) async fn post_payment(
    env: &Env,
    token: &str,
    body: &str,
    key: &str,
) -> reqwest::Response {
    env.hub1
        .post(env.rs(&format!("{PAY_BASE}/payments")))
        .bearer_auth(token)
        .header("content-type", "application/jwt")
        .header("x-idempotency-key", key)
        .header("x-fapi-auth-date", "Sun, 10 Sep 2017 19:43:31 UTC")
        .body(body.to_string())
        .send()
        .await
        .expect("an answer")
}

/// The payment consent as GET /payment-consents/{id} shows it (`message`).
async fn consent_view(env: &Env, consent_id: &str) -> Value {
    let cc = env.cc_token("payments openid").await;
    let text = env
        .get(&format!("{PAY_BASE}/payment-consents/{consent_id}"), &cc)
        .await
        .text()
        .await
        .unwrap();
    claims(&text)["message"].clone()
}

#[tokio::test]
async fn a_single_instant_payment_is_created_signed_and_readable_and_replays_return_it() {
    let env = Env::healthy().await;
    let auth = env.payment_consent(single_payment()).await;
    assert!(
        auth.token.get("refresh_token").is_none(),
        "a single payment gets no refresh token"
    );
    let body = payment_jwt(
        &env,
        &auth.consent_id,
        "150.00",
        &env.pii(payment_pii()).await,
    );
    let created = post_payment(&env, auth.access(), &body, "key-1").await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["content-type"], "application/jwt");
    assert_eq!(created.headers()["x-idempotency-key"], "key-1");
    let location = created.headers()["location"].to_str().unwrap().to_string();
    let first = created.text().await.unwrap();
    let payment = claims(&first);
    let id = payment["message"]["Data"]["PaymentId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(location.ends_with(&format!("/payments/{id}")));
    assert_eq!(payment["message"]["Data"]["Status"], "Pending");
    assert_eq!(payment["aud"][0], env.c1().client_id.as_str());
    let replay = post_payment(&env, auth.access(), &body, "key-1").await;
    assert_eq!(replay.status(), 201);
    assert_eq!(
        replay.text().await.unwrap(),
        first,
        "the replay is the original answer"
    );
    let second_body = payment_jwt(
        &env,
        &auth.consent_id,
        "150.00",
        &env.pii(payment_pii()).await,
    );
    let second = post_payment(&env, auth.access(), &second_body, "key-2").await;
    assert_eq!(second.status(), 400);
    assert_eq!(
        claims(&second.text().await.unwrap())["message"]["Errors"][0]["Code"],
        "Consent.BusinessRuleViolation"
    );
    let cc = env.cc_token("payments openid").await;
    let read = env.get(&format!("{PAY_BASE}/payments/{id}"), &cc).await;
    assert_eq!(read.status(), 200);
    assert_eq!(
        claims(&read.text().await.unwrap())["message"]["Data"]["PaymentId"],
        id.as_str()
    );
    let by_key = env
        .hub1
        .get(env.rs(&format!("{PAY_BASE}/payments")))
        .bearer_auth(&cc)
        .header("x-idempotency-key", "key-1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        claims(&by_key.text().await.unwrap())["message"]["Links"]["Self"],
        location.as_str()
    );
    let consent = consent_view(&env, &auth.consent_id).await;
    assert_eq!(consent["Links"]["Related"], json!([location]));
    assert_eq!(
        consent["Data"]["PaymentConsumption"]["CumulativeNumberOfPayments"],
        1
    );
    assert_eq!(consent["Data"]["Status"], "Consumed");
}

#[tokio::test]
async fn pii_that_is_not_a_jwe_to_the_bank_is_refused_and_leaves_nothing_behind() {
    let env = Env::healthy().await;
    let auth = env.payment_consent(single_payment()).await;
    let jws_only = sign(&payment_pii(), Signer::Client(env.c1()));
    let stranger = josekit::jwk::alg::rsa::RsaKeyPair::generate(2048).unwrap();
    let (_, bank_kid) = env.enc_key().await;
    let inner = sign(&payment_pii(), Signer::Client(env.c1()));
    let to_stranger = crate::sandbox::altareq::jose::encrypt(
        inner.as_bytes(),
        &josekit::jwk::KeyPair::to_jwk_public_key(&stranger),
        &bank_kid,
    );
    let rsa1_5 = {
        let (mut key, kid) = env.enc_key().await;
        key.set_algorithm("RSA1_5");
        let mut header = josekit::jwe::JweHeader::new();
        header.set_content_encryption("A256GCM");
        header.set_key_id(kid);
        #[allow(deprecated)]
        let encrypter = josekit::jwe::RSA1_5.encrypter_from_jwk(&key).unwrap();
        josekit::jwe::serialize_compact(inner.as_bytes(), &header, &encrypter).unwrap()
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        ("plain JSON", payment_pii(), "Body.InvalidFormat"),
        (
            "a JWS without encryption",
            json!(jws_only),
            "JWE.InvalidHeader",
        ),
        (
            "a JWE to another key",
            json!(to_stranger),
            "JWE.DecryptionError",
        ),
        ("RSA1_5", json!(rsa1_5), "JWE.InvalidHeader"),
    ];
    for (n, (case, pii, code)) in cases.into_iter().enumerate() {
        let t = now();
        let message = json!({"Data": {"ConsentId": auth.consent_id, "Instruction": {"Amount": {"Amount": "150.00", "Currency": "AED"}},
            "PersonalIdentifiableInformation": pii, "PaymentPurposeCode": "ACM", "DebtorReference": "OBCONF-TEST",
            "CreditorReference": "OBCONF-TEST", "OpenFinanceBilling": {"Type": "PushP2P"}}});
        let body = sign(
            &json!({"iss": env.c1().client_id, "aud": [env.issuer()], "iat": t, "nbf": t, "exp": t + 300, "message": message}),
            Signer::Client(env.c1()),
        );
        let refused = post_payment(&env, auth.access(), &body, &format!("bad-{n}")).await;
        assert_eq!(refused.status(), 400, "{case}");
        assert_eq!(
            claims(&refused.text().await.unwrap())["message"]["Errors"][0]["Code"],
            code,
            "{case}"
        );
    }
    assert_eq!(
        consent_view(&env, &auth.consent_id).await["Links"]["Related"],
        json!([])
    );
    let good = payment_jwt(
        &env,
        &auth.consent_id,
        "150.00",
        &env.pii(payment_pii()).await,
    );
    assert_eq!(
        post_payment(&env, auth.access(), &good, "good")
            .await
            .status(),
        201,
        "the consent was not burnt"
    );
}

/// The VOD schedule of ALT-MPAY-01.
pub(crate) fn variable_on_demand() -> Value {
    let today = chrono::Utc::now()
        .with_timezone(&crate::sandbox::altareq::data::uae())
        .date_naive();
    json!({"MultiPayment": {
        "MaximumCumulativeNumberOfPayments": 3,
        "MaximumCumulativeValueOfPayments": {"Amount": "500.00", "Currency": "AED"},
        "PeriodicSchedule": {"Type": "VariableOnDemand", "PeriodType": "Week", "PeriodStartDate": today.to_string(),
            "Controls": {"MaximumIndividualAmount": {"Amount": "200.00", "Currency": "AED"},
                "MaximumCumulativeNumberOfPaymentsPerPeriod": 2,
                "MaximumCumulativeValueOfPaymentsPerPeriod": {"Amount": "300.00", "Currency": "AED"}}},
    }})
}

#[tokio::test]
async fn multi_payments_stay_within_the_controls_and_refused_attempts_do_not_count() {
    let env = Env::healthy().await;
    let auth = env.payment_consent(variable_on_demand()).await;
    let pay = |amount: &'static str, key: &'static str| {
        let env = &env;
        let auth = &auth;
        async move {
            let body = payment_jwt(env, &auth.consent_id, amount, &env.pii(payment_pii()).await);
            let answer = post_payment(env, auth.access(), &body, key).await;
            (
                answer.status().as_u16(),
                claims(&answer.text().await.unwrap())["message"].clone(),
            )
        }
    };
    let (status, k0) = pay("250.00", "K0").await;
    assert_eq!(
        (status, k0["Errors"][0]["Code"].as_str()),
        (400, Some("Consent.FailsControlParameters"))
    );
    assert_eq!(pay("100.00", "K1").await.0, 201);
    assert_eq!(pay("50.00", "K2").await.0, 201);
    let (status, k3) = pay("100.00", "K3").await;
    assert_eq!(
        (status, k3["Errors"][0]["Code"].as_str()),
        (400, Some("Consent.FailsControlParameters"))
    );
    let consent = consent_view(&env, &auth.consent_id).await;
    assert_eq!(consent["Links"]["Related"].as_array().unwrap().len(), 2);
    assert_eq!(
        consent["Data"]["PaymentConsumption"]["CumulativeNumberOfPayments"],
        2
    );
    assert_eq!(
        consent["Data"]["PaymentConsumption"]["CumulativeValueOfPayments"]["Amount"],
        "150.00"
    );
    assert_eq!(consent["Data"]["Status"], "Authorized");
}
