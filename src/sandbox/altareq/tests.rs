//! Tests of the AlTareq model bank, over real TLS on loopback: the bank is started as the family
//! starts it (both listeners, certificates minted at start) and driven by a tiny TPP (`tests/tpp.rs`)
//! that signs, encrypts and authorises like the real one, or breaks one rule at a time.
//!
//! This file holds the flows the other test files share (a data-sharing consent and token, a
//! payment consent and token); `tests/` holds healthy paths, each check's refusal, faults, the
//! target file and the snapshots. Tests never depend on the wall-clock date: dates come from the
//! clock at run time and are redacted in snapshots.

mod authorisation;
mod binding;
mod cop;
mod data_sharing;
mod faults;
mod files;
mod payments;
mod security;
mod snapshots;
mod tpp;
mod variants;

use serde_json::{Value, json};

use self::tpp::{Env, callback_params, pkce};
use super::ClientKit;

pub(crate) const MITS_CURRENT: &str = "100004000000000000000003";
pub(crate) const MITS_SAVINGS: &str = "100004000000000000000005";
pub(crate) const MITS_BUSINESS: &str = "100004000000000000000002";

/// An account-access consent (RAR entry) with a fresh ConsentId, expiring 10 minutes ahead.
pub(crate) fn data_sharing_details() -> Value {
    let expires = chrono::Utc::now() + chrono::Duration::minutes(10);
    json!({
        "type": super::rar::ACCOUNT_ACCESS,
        "consent": {
            "ConsentId": uuid::Uuid::new_v4().to_string(),
            "Permissions": ["ReadAccountsBasic", "ReadAccountsDetail", "ReadBalances", "ReadTransactionsBasic", "ReadTransactionsDetail", "ReadParty"],
            "ExpirationDateTime": expires.format("%Y-%m-%dT%H:%M:%S+00:00").to_string(),
            "OpenFinanceBilling": {"UserType": "Retail", "Purpose": "AccountAggregation"},
        },
    })
}

/// The creditor of the payment tests: rora's savings account.
pub(crate) fn creditor_account() -> Value {
    json!({"SchemeName": "IBAN", "Identification": "AE651000010000109010109", "Name": {"en": "Rora Al Hashimi"}})
}

/// The consent PII (PAR form).
pub(crate) fn consent_pii() -> Value {
    json!({
        "Initiation": {"Creditor": [{"CreditorAccount": creditor_account()}]},
        "Risk": {"CreditorIndicators": {"IsCreditorConfirmed": false}},
    })
}

/// The payment PII (flat form).
pub(crate) fn payment_pii() -> Value {
    json!({"Initiation": {"CreditorAccount": creditor_account()}, "Risk": {}})
}

/// A service-initiation consent with `schedule` (the `ConsentSchedule`) and encrypted `pii`.
pub(crate) fn payment_details(schedule: Value, pii: &str) -> Value {
    let expires = chrono::Utc::now() + chrono::Duration::minutes(10);
    json!({
        "type": super::rar::SERVICE_INITIATION,
        "consent": {
            "ConsentId": uuid::Uuid::new_v4().to_string(),
            "IsSingleAuthorization": true,
            "ExpirationDateTime": expires.format("%Y-%m-%dT%H:%M:%S+00:00").to_string(),
            "ControlParameters": {"ConsentSchedule": schedule},
            "PersonalIdentifiableInformation": pii,
            "PaymentPurposeCode": "ACM",
            "DebtorReference": "OBCONF-TEST",
            "CreditorReference": "OBCONF-TEST",
        },
    })
}

/// The single instant payment schedule of 150.00 AED.
pub(crate) fn single_payment() -> Value {
    json!({"SinglePayment": {"Type": "SingleInstantPayment", "Amount": {"Amount": "150.00", "Currency": "AED"}}})
}

/// What a full authorisation gave: the token answer, the consent id, the PKCE verifier.
pub(crate) struct Authorised {
    pub token: Value,
    pub consent_id: String,
}

impl Authorised {
    pub fn access(&self) -> &str {
        self.token["access_token"]
            .as_str()
            .expect("an access token")
    }
}

impl Env {
    /// PAR → authorise → callback for `details` under `scope`; returns (code, verifier, consent id).
    pub async fn code_for(
        &self,
        kit: &ClientKit,
        scope: &str,
        details: Value,
        accounts: &[&str],
    ) -> (String, String, String) {
        let consent_id = details["consent"]["ConsentId"]
            .as_str()
            .expect("an id")
            .to_string();
        let (verifier, challenge) = pkce();
        let claims = self.request_claims(kit, scope, details, &challenge);
        let state = claims["state"].as_str().expect("state").to_string();
        let request = tpp::sign(&claims, tpp::Signer::Client(kit));
        let pushed = self.par(kit, &request).await;
        assert_eq!(pushed.status(), self.started.par_status);
        let pushed: Value = pushed.json().await.expect("JSON");
        let request_uri = pushed["request_uri"].as_str().expect("a request_uri");
        let location = self.authorise(kit, request_uri, accounts).await;
        let params = callback_params(&location);
        assert_eq!(params.get("state"), Some(&state), "{location}");
        assert_eq!(params.get("iss").map(String::as_str), Some(self.issuer()));
        (params["code"].clone(), verifier, consent_id)
    }

    /// A data-sharing token of client 1 for mits' current and savings accounts.
    pub async fn data_sharing(&self) -> Authorised {
        let (code, verifier, consent_id) = self
            .code_for(
                self.c1(),
                "accounts openid",
                data_sharing_details(),
                &[MITS_CURRENT, MITS_SAVINGS],
            )
            .await;
        let answer = self.redeem(&code, Some(&verifier)).await;
        assert_eq!(answer.status(), 200);
        Authorised {
            token: answer.json().await.expect("JSON"),
            consent_id,
        }
    }

    /// A payment token of client 1 for a consent with `schedule`, debtor mits' current account.
    pub async fn payment_consent(&self, schedule: Value) -> Authorised {
        let pii = self.pii(consent_pii()).await;
        let (code, verifier, consent_id) = self
            .code_for(
                self.c1(),
                "payments openid",
                payment_details(schedule, &pii),
                &[MITS_CURRENT],
            )
            .await;
        let answer = self.redeem(&code, Some(&verifier)).await;
        assert_eq!(answer.status(), 200);
        Authorised {
            token: answer.json().await.expect("JSON"),
            consent_id,
        }
    }

    /// GET `path` on the hub with `token` over client 1's connection.
    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.hub1
            .get(self.rs(path))
            .bearer_auth(token)
            .header("x-fapi-interaction-id", uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .expect("an answer")
    }
}
