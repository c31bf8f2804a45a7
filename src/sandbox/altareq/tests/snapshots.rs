//! insta snapshots of a few answers of the bank (ports, ids, keys and times redacted).

use serde_json::{Value, json};

use super::tpp::{Env, claims};
use super::*;
use crate::sandbox::altareq::AIS_BASE;

/// `value` with the bank's addresses replaced by stable names.
fn stable(env: &Env, value: &Value) -> Value {
    let text = value
        .to_string()
        .replace(env.issuer(), "https://front")
        .replace(&env.rs(""), "https://hub");
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn discovery_metadata() {
    let env = Env::healthy().await;
    let meta: Value = env
        .front
        .get(format!("{}/.well-known/openid-configuration", env.issuer()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    insta::assert_json_snapshot!(stable(&env, &meta));
}

#[tokio::test]
async fn balances_of_the_current_account() {
    let env = Env::healthy().await;
    let auth = env.data_sharing().await;
    let balances: Value = env
        .get(
            &format!("{AIS_BASE}/accounts/{MITS_CURRENT}/balances"),
            auth.access(),
        )
        .await
        .json()
        .await
        .unwrap();
    insta::assert_json_snapshot!(stable(&env, &balances), {".Data.Balance[].DateTime" => "[time]"});
}

#[tokio::test]
async fn a_refused_payment_signed_for_the_client() {
    let env = Env::healthy().await;
    let auth = env.payment_consent(single_payment()).await;
    let body = super::payments::payment_jwt(
        &env,
        &auth.consent_id,
        "99.00",
        &env.pii(payment_pii()).await,
    );
    let answer = super::payments::post_payment(&env, auth.access(), &body, "snap").await;
    let jwt = claims(&answer.text().await.unwrap());
    let shown =
        json!({"iss": jwt["iss"], "message": jwt["message"], "has_exp": jwt["exp"].is_i64()});
    insta::assert_json_snapshot!(stable(&env, &shown));
}
