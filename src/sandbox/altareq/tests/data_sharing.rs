//! The healthy bank's discovery, registration, data-sharing flow and resources (ALT-DISC-01,
//! ALT-REG-01, ALT-DS-01..03, ALT-GEN-01), over real TLS.

use serde_json::Value;

use super::tpp::{Env, claims};
use super::*;
use crate::sandbox::altareq::AIS_BASE;

#[tokio::test]
async fn discovery_names_every_endpoint_and_the_jwks_a_signing_and_an_encryption_key() {
    let env = Env::healthy().await;
    let url = format!("{}/.well-known/openid-configuration", env.issuer());
    let meta: Value = env
        .front
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(meta["issuer"], env.issuer());
    assert_eq!(
        meta["pushed_authorization_request_endpoint"],
        env.rs("/par")
    );
    assert_eq!(meta["token_endpoint"], env.rs("/token"));
    assert_eq!(meta["tls_client_certificate_bound_access_tokens"], true);
    let jwks: Value = env
        .front
        .get(meta["jwks_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(
        (keys[0]["use"].as_str(), keys[0]["alg"].as_str()),
        (Some("sig"), Some("PS256"))
    );
    assert_eq!(
        (keys[1]["use"].as_str(), keys[1]["alg"].as_str()),
        (Some("enc"), Some("RSA-OAEP-256"))
    );
    for key in keys {
        assert_eq!(key["kid"], key["x5t#S256"]);
        assert!(key["x5c"][0].is_string());
        assert!(key.get("d").is_none(), "a private member is published");
    }
}

#[tokio::test]
async fn registration_is_204_with_the_transport_certificate_and_refused_in_the_handshake_without() {
    let env = Env::healthy().await;
    let id = "6f1d1b2e-8c1a-4c55-9a33-2b7f1c0a9d11";
    let ok = env
        .hub1
        .post(env.rs("/tpp-registration"))
        .header("x-fapi-interaction-id", id)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 204);
    assert_eq!(ok.headers()["x-fapi-interaction-id"], id);
    let without = env.hub_none.post(env.rs("/tpp-registration")).send().await;
    assert!(
        without.is_err(),
        "the hub let a connection without a certificate in"
    );
}

#[tokio::test]
async fn a_data_sharing_consent_is_pushed_authorised_and_redeemed_for_a_bound_token() {
    let env = Env::healthy().await;
    let auth = env.data_sharing().await;
    let token = &auth.token;
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 600);
    assert!(token["refresh_token"].is_string() && token["id_token"].is_string());
    let lodged = &token["authorization_details"][0];
    assert_eq!(lodged["type"], crate::sandbox::altareq::rar::ACCOUNT_ACCESS);
    assert_eq!(
        lodged["consent"]["Data"]["ConsentId"],
        auth.consent_id.as_str()
    );
    assert_eq!(lodged["consent"]["Data"]["Status"], "Authorized");
    let id_token = claims(token["id_token"].as_str().unwrap());
    assert_eq!(id_token["sub"], "100001000000000000000002");
    assert_eq!(id_token["aud"], env.c1().client_id.as_str());
}

#[tokio::test]
async fn accounts_balances_transactions_and_parties_show_only_the_consented_accounts() {
    let env = Env::healthy().await;
    let auth = env.data_sharing().await;
    let accounts: Value = env
        .get(&format!("{AIS_BASE}/accounts"), auth.access())
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = accounts["Data"]["Account"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["AccountId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [MITS_CURRENT, MITS_SAVINGS]);
    assert_eq!(accounts["Meta"]["TotalPages"], 1);
    let balances = env
        .get(
            &format!("{AIS_BASE}/accounts/{MITS_CURRENT}/balances"),
            auth.access(),
        )
        .await;
    assert_eq!(balances.status(), 200);
    let balances: Value = balances.json().await.unwrap();
    assert_eq!(
        balances["Data"]["Balance"][0]["Amount"]["Amount"],
        "8200.50"
    );
    let all: Value = env
        .get(
            &format!("{AIS_BASE}/accounts/{MITS_CURRENT}/transactions"),
            auth.access(),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["Data"]["Transaction"].as_array().unwrap().len(), 6);
    let from = (chrono::Utc::now() - chrono::Duration::days(30)).format("%Y-%m-%dT%H:%M:%S");
    let recent: Value = env
        .get(
            &format!("{AIS_BASE}/accounts/{MITS_CURRENT}/transactions?fromBookingDateTime={from}"),
            auth.access(),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        recent["Data"]["Transaction"].as_array().unwrap().len(),
        5,
        "the 40-day-old one is outside"
    );
    let parties: Value = env
        .get(&format!("{AIS_BASE}/parties"), auth.access())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        parties["Data"]["Party"]["VerifiedClaims"][0]["Claims"]["FullName"],
        "Mitsuki Al Mansoori"
    );
    let other = env
        .get(
            &format!("{AIS_BASE}/accounts/{MITS_BUSINESS}/balances"),
            auth.access(),
        )
        .await;
    assert_eq!(other.status(), 403);
    let refusal: Value = other.json().await.unwrap();
    assert_eq!(
        refusal["Errors"][0]["Code"],
        "Consent.PermanentAccountAccessFailure"
    );
}

#[tokio::test]
async fn accept_application_jwt_gives_the_envelope_signed_for_the_client() {
    let env = Env::healthy().await;
    let auth = env.data_sharing().await;
    let answer = env
        .hub1
        .get(env.rs(&format!("{AIS_BASE}/accounts")))
        .bearer_auth(auth.access())
        .header("accept", "application/jwt")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()["content-type"], "application/jwt");
    let token = answer.text().await.unwrap();
    let jwt = claims(&token);
    assert_eq!(jwt["iss"], env.issuer());
    assert_eq!(jwt["aud"][0], env.c1().client_id.as_str());
    assert_eq!(
        jwt["message"]["Data"]["Account"][0]["AccountId"],
        MITS_CURRENT
    );
    let refused = env
        .hub1
        .get(env.rs(&format!("{AIS_BASE}/accounts")))
        .bearer_auth(auth.access())
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 406);
}

#[tokio::test]
async fn the_consent_is_listed_authorised_by_id_and_by_base_consent_id_and_can_be_revoked() {
    let env = Env::healthy().await;
    let auth = env.data_sharing().await;
    let cc = env.cc_token("accounts openid").await;
    let by_id: Value = env
        .get(
            &format!("{AIS_BASE}/account-access-consents/{}", auth.consent_id),
            &cc,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_id["Data"]["Status"], "Authorized");
    assert_eq!(by_id["Data"]["Permissions"].as_array().unwrap().len(), 6);
    let list: Value = env
        .get(
            &format!(
                "{AIS_BASE}/account-access-consents?baseConsentId={}",
                auth.consent_id
            ),
            &cc,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["Data"]["ConsentId"], auth.consent_id.as_str());
    let revoked = env
        .hub1
        .patch(env.rs(&format!(
            "{AIS_BASE}/account-access-consents/{}",
            auth.consent_id
        )))
        .bearer_auth(&cc)
        .json(&serde_json::json!({"Data": {"Status": "Revoked", "RevokedBy": "TPP"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let after = env
        .get(&format!("{AIS_BASE}/accounts"), auth.access())
        .await;
    assert_eq!(after.status(), 403);
    let psu_token_on_consents = env
        .get(
            &format!("{AIS_BASE}/account-access-consents/{}", auth.consent_id),
            auth.access(),
        )
        .await;
    assert_eq!(psu_token_on_consents.status(), 403);
}

#[tokio::test]
async fn the_interaction_id_is_echoed_on_successes_and_errors_and_generated_when_absent() {
    let env = Env::healthy().await;
    let id = "3b1f6c0e-2d4e-4f7a-9b8c-1d2e3f4a5b6c";
    let unauthorised = env
        .hub1
        .get(env.rs(&format!("{AIS_BASE}/accounts")))
        .header("x-fapi-interaction-id", id)
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorised.status(), 401);
    assert_eq!(unauthorised.headers()["x-fapi-interaction-id"], id);
    assert_eq!(
        unauthorised.headers()["www-authenticate"],
        "Bearer error=\"invalid_token\""
    );
    let generated = env
        .hub1
        .get(env.rs(&format!("{AIS_BASE}/accounts")))
        .send()
        .await
        .unwrap();
    let value = generated.headers()["x-fapi-interaction-id"]
        .to_str()
        .unwrap();
    assert!(uuid::Uuid::parse_str(value).is_ok(), "{value}");
    assert!(generated.headers().contains_key("date"));
}

#[tokio::test]
async fn a_refresh_token_gives_a_new_access_token_for_the_same_consent() {
    let env = Env::healthy().await;
    let auth = env.data_sharing().await;
    let assertion = env.assertion(env.c1());
    let refreshed: Value = env
        .hub1
        .post(env.rs("/token"))
        .form(&[
            ("grant_type", "refresh_token"),
            (
                "refresh_token",
                auth.token["refresh_token"].as_str().unwrap(),
            ),
            (
                "client_assertion_type",
                crate::sandbox::altareq::assertion::ASSERTION_TYPE,
            ),
            ("client_assertion", &assertion),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = refreshed["access_token"].as_str().unwrap();
    assert_ne!(access, auth.access());
    assert_eq!(
        env.get(&format!("{AIS_BASE}/accounts"), access)
            .await
            .status(),
        200
    );
}
