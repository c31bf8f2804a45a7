//! Confirmation of Payee on the healthy bank (ALT-COP-01): discovery with mod-97 checks, and the
//! three match verdicts with masked names, all signed.

use serde_json::{Value, json};

use super::tpp::{Env, Signer, claims, now, sign};
use crate::sandbox::altareq::COP_BASE;

pub(crate) async fn cop(env: &Env, token: &str, path: &str, data: Value) -> (u16, Value) {
    let t = now();
    let body = sign(
        &json!({"iss": env.c1().client_id, "aud": [env.issuer()], "iat": t, "nbf": t, "exp": t + 300, "message": {"Data": data}}),
        Signer::Client(env.c1()),
    );
    let answer = env
        .hub1
        .post(env.rs(&format!("{COP_BASE}{path}")))
        .bearer_auth(token)
        .header("content-type", "application/jwt")
        .header("accept", "application/jwt")
        .body(body)
        .send()
        .await
        .expect("an answer");
    let status = answer.status().as_u16();
    (
        status,
        claims(&answer.text().await.unwrap_or_default())["message"].clone(),
    )
}

pub(crate) fn name(full: &str) -> Value {
    json!({"SchemeName": "IBAN", "Identification": "AE070331234567890123456", "Name": {"FullName": full}})
}

#[tokio::test]
async fn discovery_locates_a_valid_iban_and_refuses_one_failing_mod_97() {
    let env = Env::healthy().await;
    let token = env.cc_token("confirmation-of-payee").await;
    let (status, found) = cop(
        &env,
        &token,
        "/discovery",
        json!({"SchemeName": "IBAN", "Identification": "AE070331234567890123456"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        found["Data"]["DiscoveryEndpointUrl"],
        format!("{}/.well-known/openid-configuration", env.issuer())
    );
    assert_eq!(found["Data"]["ResourceServerUrl"], env.rs(""));
    let (status, refused) = cop(
        &env,
        &token,
        "/discovery",
        json!({"SchemeName": "IBAN", "Identification": "AE320260001234567890123"}),
    )
    .await;
    assert_eq!(
        (status, refused["Errors"][0]["Code"].as_str()),
        (400, Some("Body.InvalidFormat"))
    );
    let accounts = env.cc_token("accounts openid").await;
    assert_eq!(
        cop(
            &env,
            &accounts,
            "/discovery",
            json!({"SchemeName": "IBAN", "Identification": "AE070331234567890123456"})
        )
        .await
        .0,
        403
    );
}

#[tokio::test]
async fn confirmation_says_yes_partial_or_no_and_masks_the_holder_name() {
    let env = Env::healthy().await;
    let token = env.cc_token("confirmation-of-payee").await;
    let (status, yes) = cop(&env, &token, "/confirmation", name("Ibrahim Al Suwaidi")).await;
    assert_eq!(status, 200);
    assert_eq!(
        yes["Data"],
        json!({"NameMatchIndicator": "ConfirmationOfPayee.Yes"})
    );
    let (_, no) = cop(&env, &token, "/confirmation", name("Fatima Khan")).await;
    assert_eq!(no["Data"]["NameMatchIndicator"], "ConfirmationOfPayee.No");
    assert_eq!(no["Data"]["MaskedName"], "Ibrahim Al S******");
    let (_, close) = cop(&env, &token, "/confirmation", name("Ibrahim Al Swaidi")).await;
    assert_eq!(
        close["Data"]["NameMatchIndicator"],
        "ConfirmationOfPayee.Partial"
    );
    let (status, missing) = cop(&env, &token, "/confirmation", json!({"SchemeName": "IBAN", "Identification": "AE070331234567890123456", "Name": {"GivenName": "Ibrahim"}})).await;
    assert_eq!(
        (status, missing["Errors"][0]["Code"].as_str()),
        (400, Some("Body.InvalidFormat"))
    );
    let opted_out = json!({"SchemeName": "IBAN", "Identification": "AE651000010000109020003", "Name": {"FullName": "Anyone"}});
    assert_eq!(cop(&env, &token, "/confirmation", opted_out).await.0, 204);
}
