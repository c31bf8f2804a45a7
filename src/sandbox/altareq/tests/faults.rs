//! A few faults, each shown to break exactly its rule: the healthy bank refuses (other tests), the
//! faulty one lets the same request through. Plus the fault table's own rules.

use serde_json::{Value, json};

use super::tpp::{Env, Signer, claims, pkce, sign};
use super::*;
use crate::sandbox::altareq::assertion::ASSERTION_TYPE;
use crate::sandbox::altareq::{AIS_BASE, FAULTS};

#[test]
fn every_fault_is_kebab_case_unique_and_breaks_altareq_ids_only() {
    let mut names = std::collections::BTreeSet::new();
    for fault in FAULTS {
        assert!(names.insert(fault.name), "{} twice", fault.name);
        assert!(
            fault
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}",
            fault.name
        );
        assert!(
            !fault.breaks.is_empty() && fault.breaks.iter().all(|id| id.starts_with("ALT-")),
            "{}",
            fault.name
        );
        assert!(!fault.rule.is_empty());
    }
    let catalog = [
        "ALT-DISC-01",
        "ALT-REG-01",
        "ALT-DS-01",
        "ALT-DS-02",
        "ALT-DS-03",
        "ALT-SEC-01",
        "ALT-SEC-02",
        "ALT-SEC-03",
        "ALT-SEC-04",
        "ALT-SEC-05",
        "ALT-PAY-01",
        "ALT-PAY-02",
        "ALT-PAY-03",
        "ALT-MPAY-01",
        "ALT-COP-01",
        "ALT-GEN-01",
    ];
    for id in catalog {
        assert!(
            FAULTS.iter().any(|f| f.breaks.contains(&id)),
            "no fault breaks {id}"
        );
    }
}

#[tokio::test]
async fn accept_alg_none_lets_an_unsigned_request_object_through() {
    let env = Env::with_fault("accept-alg-none").await;
    let (_, challenge) = pkce();
    let request = sign(
        &env.request_claims(
            env.c1(),
            "accounts openid",
            data_sharing_details(),
            &challenge,
        ),
        Signer::None,
    );
    assert_eq!(env.par(env.c1(), &request).await.status(), 201);
}

#[tokio::test]
async fn allow_code_reuse_redeems_a_code_twice() {
    let env = Env::with_fault("allow-code-reuse").await;
    let (code, verifier, _) = env
        .code_for(
            env.c1(),
            "accounts openid",
            data_sharing_details(),
            &[MITS_CURRENT],
        )
        .await;
    assert_eq!(env.redeem(&code, Some(&verifier)).await.status(), 200);
    assert_eq!(env.redeem(&code, Some(&verifier)).await.status(), 200);
}

#[tokio::test]
async fn ignore_cnf_serves_a_token_over_another_clients_certificate() {
    let env = Env::with_fault("ignore-cnf").await;
    let auth = env.data_sharing().await;
    let answer = env
        .hub2
        .get(env.rs(&format!("{AIS_BASE}/accounts")))
        .bearer_auth(auth.access())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

#[tokio::test]
async fn mtls_optional_lets_a_connection_without_a_certificate_register() {
    let env = Env::with_fault("mtls-optional").await;
    let answer = env
        .hub_none
        .post(env.rs("/tpp-registration"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
}

#[tokio::test]
async fn allow_jti_reuse_accepts_a_replayed_assertion() {
    let env = Env::with_fault("allow-jti-reuse").await;
    let assertion = env.assertion(env.c1());
    for _ in 0..2 {
        let (_, challenge) = pkce();
        let request = sign(
            &env.request_claims(
                env.c1(),
                "accounts openid",
                data_sharing_details(),
                &challenge,
            ),
            Signer::Client(env.c1()),
        );
        let answer = env
            .par_form(
                &env.hub1,
                &[
                    ("client_assertion_type", ASSERTION_TYPE),
                    ("client_assertion", &assertion),
                    ("request", &request),
                ],
            )
            .await;
        assert_eq!(answer.status(), 201);
    }
}

#[tokio::test]
async fn cop_always_yes_confirms_a_wrong_name() {
    let env = Env::with_fault("cop-always-yes").await;
    let token = env.cc_token("confirmation-of-payee").await;
    let (_, answer) = super::cop::cop(
        &env,
        &token,
        "/confirmation",
        super::cop::name("Fatima Khan"),
    )
    .await;
    assert_eq!(
        answer["Data"]["NameMatchIndicator"],
        "ConfirmationOfPayee.Yes"
    );
}

#[tokio::test]
async fn drop_interaction_id_on_error_answers_a_401_without_it() {
    let env = Env::with_fault("drop-interaction-id-on-error").await;
    let answer = env
        .hub1
        .get(env.rs(&format!("{AIS_BASE}/accounts")))
        .header("x-fapi-interaction-id", "a")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    assert!(!answer.headers().contains_key("x-fapi-interaction-id"));
}

#[tokio::test]
async fn jwks_without_sig_key_publishes_only_the_encryption_key() {
    let env = Env::with_fault("jwks-without-sig-key").await;
    let jwks: Value = env
        .front
        .get(format!("{}/jwks", env.issuer()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["use"] == "enc")
    );
}

#[tokio::test]
async fn no_idempotency_makes_a_replay_create_a_second_payment() {
    let env = Env::with_fault("no-idempotency").await;
    let auth = env
        .payment_consent(super::payments::variable_on_demand())
        .await;
    let body = super::payments::payment_jwt(
        &env,
        &auth.consent_id,
        "10.00",
        &env.pii(payment_pii()).await,
    );
    let first = super::payments::post_payment(&env, auth.access(), &body, "same")
        .await
        .text()
        .await
        .unwrap();
    let second = super::payments::post_payment(&env, auth.access(), &body, "same")
        .await
        .text()
        .await
        .unwrap();
    let id = |t: &str| claims(t)["message"]["Data"]["PaymentId"].clone();
    assert_ne!(id(&first), id(&second));
    assert_ne!(id(&first), json!(null));
}

#[tokio::test]
async fn accept_plain_pii_creates_a_payment_from_a_json_object() {
    let env = Env::with_fault("accept-plain-pii").await;
    let auth = env.payment_consent(single_payment()).await;
    let t = super::tpp::now();
    let message = json!({"Data": {"ConsentId": auth.consent_id, "Instruction": {"Amount": {"Amount": "150.00", "Currency": "AED"}},
        "PersonalIdentifiableInformation": payment_pii(), "PaymentPurposeCode": "ACM", "DebtorReference": "OBCONF-TEST",
        "CreditorReference": "OBCONF-TEST", "OpenFinanceBilling": {"Type": "PushP2P"}}});
    let body = sign(
        &json!({"iss": env.c1().client_id, "iat": t, "nbf": t, "exp": t + 300, "message": message}),
        Signer::Client(env.c1()),
    );
    assert_eq!(
        super::payments::post_payment(&env, auth.access(), &body, "plain")
            .await
            .status(),
        201
    );
}
