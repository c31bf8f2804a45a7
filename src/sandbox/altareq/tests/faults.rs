//! Every fault, shown to break its rule: for each one a probe sends the request its rule is about
//! to a bank with that fault and sees the rule broken (the healthy bank's refusals are the other
//! test files'). Plus the fault table's own rules.

use futures::StreamExt as _;
use serde_json::{Value, json};

use super::cop::{cop, name as payee};
use super::payments::{payment_jwt, post_payment, variable_on_demand};
use super::tpp::{Env, Signer, callback_params, claims, now, pkce, sign};
use super::*;
use crate::sandbox::altareq::assertion::ASSERTION_TYPE;
use crate::sandbox::altareq::{AIS_BASE, FAULTS, PAY_BASE};

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

/// PAR of a valid data-sharing request object of client 1 with assertion `claims` signed by
/// `signer` (None: no assertion): the status.
async fn par_with(
    env: &Env,
    assertion: Option<(Value, Signer<'_>)>,
    request: Option<String>,
) -> u16 {
    let (_, challenge) = pkce();
    let valid = env.request_claims(
        env.c1(),
        "accounts openid",
        data_sharing_details(),
        &challenge,
    );
    let request = request.unwrap_or_else(|| sign(&valid, Signer::Client(env.c1())));
    let assertion = assertion.map(|(claims, signer)| sign(&claims, signer));
    let mut form = vec![
        ("client_assertion_type", ASSERTION_TYPE),
        ("request", request.as_str()),
    ];
    if let Some(a) = &assertion {
        form.push(("client_assertion", a));
    }
    env.par_form(&env.hub1, &form).await.status().as_u16()
}

/// A request object of client 1 changed by `change`, signed by `signer`.
fn request(env: &Env, signer: Signer<'_>, change: impl Fn(&mut Value)) -> String {
    let (_, challenge) = pkce();
    let mut claims = env.request_claims(
        env.c1(),
        "accounts openid",
        data_sharing_details(),
        &challenge,
    );
    change(&mut claims);
    sign(&claims, signer)
}

/// POST /payments of `amount` under `auth` with key `key` and `pii`: status and `message`.
async fn pay(env: &Env, auth: &Authorised, amount: &str, key: &str, pii: Value) -> (u16, Value) {
    let t = now();
    let message = json!({"Data": {"ConsentId": auth.consent_id, "Instruction": {"Amount": {"Amount": amount, "Currency": "AED"}},
        "PersonalIdentifiableInformation": pii, "PaymentPurposeCode": "ACM", "DebtorReference": "OBCONF-TEST",
        "CreditorReference": "OBCONF-TEST", "OpenFinanceBilling": {"Type": "PushP2P"}}});
    let body = sign(
        &json!({"iss": env.c1().client_id, "iat": t, "nbf": t, "exp": t + 300, "message": message}),
        Signer::Client(env.c1()),
    );
    let answer = post_payment(env, auth.access(), &body, key).await;
    let status = answer.status().as_u16();
    (
        status,
        claims(&answer.text().await.unwrap_or_default())["message"].clone(),
    )
}

/// Whether the bank with fault `name` shows the fault's broken rule.
async fn shows(name: &str) -> bool {
    let env = Env::with_fault(name).await;
    let c1 = env.c1();
    let ok = |status: u16| status == 201;
    match name {
        "jwks-without-sig-key" => {
            let jwks: Value = env
                .front
                .get(format!("{}/jwks", env.issuer()))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            jwks["keys"]
                .as_array()
                .unwrap()
                .iter()
                .all(|k| k["use"] != "sig")
        }
        "issuer-trailing-slash" => {
            let url = format!("{}/.well-known/openid-configuration", env.issuer());
            let meta: Value = env
                .front
                .get(url)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            meta["issuer"] != env.issuer()
        }
        "registration-refused" => {
            env.hub1
                .post(env.rs("/tpp-registration"))
                .send()
                .await
                .unwrap()
                .status()
                != 204
        }
        "mtls-optional" => env
            .hub_none
            .post(env.rs("/tpp-registration"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 204),
        "skip-client-auth-at-par" => ok(par_with(&env, None, None).await),
        "skip-assertion-signature" => ok(par_with(
            &env,
            Some((env.assertion_claims(c1), Signer::Foreign(&c1.signing_kid))),
            None,
        )
        .await),
        "accept-foreign-assertion-key" => ok(par_with(
            &env,
            Some((env.assertion_claims(c1), Signer::Client(env.c2()))),
            None,
        )
        .await),
        "accept-rs256-assertion" => ok(par_with(
            &env,
            Some((env.assertion_claims(c1), Signer::Rs256(c1))),
            None,
        )
        .await),
        "skip-assertion-aud" => {
            let mut claims = env.assertion_claims(c1);
            claims["aud"] = json!("https://not-the-issuer.obconf.test");
            ok(par_with(&env, Some((claims, Signer::Client(c1))), None).await)
        }
        "accept-array-aud" => {
            let mut claims = env.assertion_claims(c1);
            claims["aud"] = json!([env.issuer()]);
            ok(par_with(&env, Some((claims, Signer::Client(c1))), None).await)
        }
        "accept-endpoint-aud" => {
            let mut claims = env.assertion_claims(c1);
            claims["aud"] = json!(env.rs("/par"));
            ok(par_with(&env, Some((claims, Signer::Client(c1))), None).await)
        }
        "accept-expired-assertion" => {
            let mut claims = env.assertion_claims(c1);
            claims["iat"] = json!(now() - 400);
            claims["exp"] = json!(now() - 300);
            ok(par_with(&env, Some((claims, Signer::Client(c1))), None).await)
        }
        "allow-jti-reuse" => {
            let claims = env.assertion_claims(c1);
            par_with(&env, Some((claims.clone(), Signer::Client(c1))), None).await;
            ok(par_with(&env, Some((claims, Signer::Client(c1))), None).await)
        }
        "accept-alg-none" => ok(par_with(
            &env,
            Some((env.assertion_claims(c1), Signer::Client(c1))),
            Some(request(&env, Signer::None, |_| {})),
        )
        .await),
        "accept-unsigned-request" => {
            let (_, challenge) = pkce();
            let plain = env
                .request_claims(c1, "accounts openid", data_sharing_details(), &challenge)
                .to_string();
            ok(par_with(
                &env,
                Some((env.assertion_claims(c1), Signer::Client(c1))),
                Some(plain),
            )
            .await)
        }
        "skip-request-signature" => ok(par_with(
            &env,
            Some((env.assertion_claims(c1), Signer::Client(c1))),
            Some(request(&env, Signer::Foreign(&c1.signing_kid), |_| {})),
        )
        .await),
        "accept-foreign-request-signature" => ok(par_with(
            &env,
            Some((env.assertion_claims(c1), Signer::Client(c1))),
            Some(request(&env, Signer::Client(env.c2()), |_| {})),
        )
        .await),
        "accept-expired-request-object" => {
            let expired = request(&env, Signer::Client(c1), |c| {
                c["exp"] = json!(now() - 60);
                c["nbf"] = json!(now() - 120);
            });
            ok(par_with(
                &env,
                Some((env.assertion_claims(c1), Signer::Client(c1))),
                Some(expired),
            )
            .await)
        }
        "accept-request-without-exp"
        | "accept-request-without-nbf"
        | "accept-old-request-nbf"
        | "skip-request-aud" => {
            let flawed = request(&env, Signer::Client(c1), |c| {
                let c = c.as_object_mut().unwrap();
                match name {
                    "accept-request-without-exp" => {
                        c.remove("exp");
                    }
                    "accept-request-without-nbf" => {
                        c.remove("nbf");
                    }
                    "accept-old-request-nbf" => {
                        c.insert("nbf".into(), json!(now() - 1200));
                        c.insert("iat".into(), json!(now() - 1200));
                    }
                    _ => {
                        c.insert("aud".into(), json!("https://not-the-issuer.obconf.test"));
                    }
                }
            });
            ok(par_with(
                &env,
                Some((env.assertion_claims(c1), Signer::Client(c1))),
                Some(flawed),
            )
            .await)
        }
        "skip-pkce" | "allow-code-reuse" => {
            let (code, verifier, _) = env
                .code_for(
                    c1,
                    "accounts openid",
                    data_sharing_details(),
                    &[MITS_CURRENT],
                )
                .await;
            if name == "skip-pkce" {
                env.redeem(
                    &code,
                    Some("a-verifier-that-was-never-hashed-into-the-challenge"),
                )
                .await
                .status()
                    == 200
            } else {
                env.redeem(&code, Some(&verifier)).await;
                env.redeem(&code, Some(&verifier)).await.status() == 200
            }
        }
        "callback-without-iss" => {
            let (_, challenge) = pkce();
            let claims =
                env.request_claims(c1, "accounts openid", data_sharing_details(), &challenge);
            let pushed: Value = env
                .par(c1, &sign(&claims, Signer::Client(c1)))
                .await
                .json()
                .await
                .unwrap();
            let location = env
                .authorise(c1, pushed["request_uri"].as_str().unwrap(), &[MITS_CURRENT])
                .await;
            !callback_params(&location).contains_key("iss")
        }
        "token-without-authorization-details" => env
            .data_sharing()
            .await
            .token
            .get("authorization_details")
            .is_none(),
        "lodged-consent-without-links" => {
            let token = env.data_sharing().await.token;
            token["authorization_details"][0]["consent"]
                .get("Links")
                .is_none()
        }
        "ignore-cnf" => {
            let auth = env.data_sharing().await;
            env.hub2
                .get(env.rs(&format!("{AIS_BASE}/accounts")))
                .bearer_auth(auth.access())
                .send()
                .await
                .unwrap()
                .status()
                == 200
        }
        "payments-accept-data-token" => {
            let data = env.data_sharing().await;
            let payment = env.payment_consent(single_payment()).await;
            let body = payment_jwt(
                &env,
                &payment.consent_id,
                "150.00",
                &env.pii(payment_pii()).await,
            );
            post_payment(&env, data.access(), &body, "k").await.status() == 201
        }
        "payment-token-reads-accounts" => {
            let payment = env.payment_consent(single_payment()).await;
            env.get(
                &format!("{AIS_BASE}/accounts/{MITS_CURRENT}/transactions"),
                payment.access(),
            )
            .await
            .status()
                == 200
        }
        "all-accounts-listed" => {
            let auth = env.data_sharing().await;
            let accounts: Value = env
                .get(&format!("{AIS_BASE}/accounts"), auth.access())
                .await
                .json()
                .await
                .unwrap();
            accounts["Data"]["Account"].as_array().unwrap().len() == 3
        }
        "balances-refused" => {
            let auth = env.data_sharing().await;
            env.get(
                &format!("{AIS_BASE}/accounts/{MITS_CURRENT}/balances"),
                auth.access(),
            )
            .await
            .status()
                == 403
        }
        "unshared-account-readable" => {
            let auth = env.data_sharing().await;
            env.get(
                &format!("{AIS_BASE}/accounts/{MITS_BUSINESS}/balances"),
                auth.access(),
            )
            .await
            .status()
                == 200
        }
        "consent-not-listed" | "consent-stays-awaiting" => {
            let auth = env.data_sharing().await;
            let cc = env.cc_token("accounts openid").await;
            if name == "consent-not-listed" {
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
                list == json!([])
            } else {
                let one: Value = env
                    .get(
                        &format!("{AIS_BASE}/account-access-consents/{}", auth.consent_id),
                        &cc,
                    )
                    .await
                    .json()
                    .await
                    .unwrap();
                one["Data"]["Status"] == "AwaitingAuthorization"
            }
        }
        "unsigned-payment-response"
        | "payment-answers-200"
        | "second-single-payment"
        | "no-idempotency" => {
            let auth = env.payment_consent(single_payment()).await;
            let body = payment_jwt(
                &env,
                &auth.consent_id,
                "150.00",
                &env.pii(payment_pii()).await,
            );
            let first = post_payment(&env, auth.access(), &body, "k1").await;
            match name {
                "unsigned-payment-response" => first.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("application/json"),
                "payment-answers-200" => first.status() == 200,
                "no-idempotency" => {
                    post_payment(&env, auth.access(), &body, "k1")
                        .await
                        .status()
                        != 201
                }
                _ => {
                    let second = payment_jwt(
                        &env,
                        &auth.consent_id,
                        "150.00",
                        &env.pii(payment_pii()).await,
                    );
                    post_payment(&env, auth.access(), &second, "k2")
                        .await
                        .status()
                        == 201
                }
            }
        }
        "accept-plain-pii" | "accept-unencrypted-jws-pii" | "accept-any-jwe-alg" => {
            let auth = env.payment_consent(single_payment()).await;
            let t = now();
            let mut inner = payment_pii();
            for (k, v) in [
                ("iss", json!(c1.client_id)),
                ("iat", json!(t)),
                ("exp", json!(t + 300)),
            ] {
                inner[k] = v;
            }
            let jws = sign(&inner, Signer::Client(c1));
            let pii = match name {
                "accept-plain-pii" => payment_pii(),
                "accept-unencrypted-jws-pii" => json!(jws),
                _ => {
                    let (mut key, kid) = env.enc_key().await;
                    key.set_algorithm("RSA1_5");
                    let mut header = josekit::jwe::JweHeader::new();
                    header.set_content_encryption("A256GCM");
                    header.set_key_id(kid);
                    #[allow(deprecated)]
                    let encrypter = josekit::jwe::RSA1_5.encrypter_from_jwk(&key).unwrap();
                    json!(
                        josekit::jwe::serialize_compact(jws.as_bytes(), &header, &encrypter)
                            .unwrap()
                    )
                }
            };
            pay(&env, &auth, "150.00", "k", pii).await.0 == 201
        }
        "skip-individual-limit"
        | "skip-period-count"
        | "count-refused-attempts"
        | "multi-consent-consumed" => {
            let auth = env.payment_consent(variable_on_demand()).await;
            let mut statuses = Vec::new();
            for (i, amount) in ["250.00", "100.00", "50.00", "100.00"].iter().enumerate() {
                let pii = json!(env.pii(payment_pii()).await);
                statuses.push(pay(&env, &auth, amount, &format!("K{i}"), pii).await.0);
            }
            match name {
                "skip-individual-limit" => statuses[0] == 201,
                "skip-period-count" => statuses[3] == 201,
                _ => statuses[2] != 201,
            }
        }
        "skip-period-value" => {
            let auth = env.payment_consent(variable_on_demand()).await;
            let mut statuses = Vec::new();
            for (i, amount) in ["200.00", "150.00"].iter().enumerate() {
                let pii = json!(env.pii(payment_pii()).await);
                statuses.push(pay(&env, &auth, amount, &format!("K{i}"), pii).await.0);
            }
            statuses == [201, 201]
        }
        "skip-consent-count" | "skip-consent-value" => {
            // The week allows more than the whole consent, so only the consent's limit refuses.
            let mut consent = variable_on_demand();
            let multi = &mut consent["MultiPayment"];
            let amounts: &[&str] = if name == "skip-consent-count" {
                multi["MaximumCumulativeNumberOfPayments"] = json!(2);
                &["50.00", "50.00", "50.00"]
            } else {
                multi["MaximumCumulativeValueOfPayments"]["Amount"] = json!("250.00");
                &["200.00", "100.00"]
            };
            let controls = &mut multi["PeriodicSchedule"]["Controls"];
            controls["MaximumCumulativeNumberOfPaymentsPerPeriod"] = json!(3);
            controls["MaximumCumulativeValueOfPaymentsPerPeriod"]["Amount"] = json!("400.00");
            let auth = env.payment_consent(consent).await;
            let mut last = 0;
            for (i, amount) in amounts.iter().enumerate() {
                let pii = json!(env.pii(payment_pii()).await);
                last = pay(&env, &auth, amount, &format!("K{i}"), pii).await.0;
            }
            last == 201
        }
        "cop-always-yes" | "cop-unmasked-name" => {
            let token = env.cc_token("confirmation-of-payee").await;
            let (_, answer) = cop(&env, &token, "/confirmation", payee("Fatima Khan")).await;
            if name == "cop-always-yes" {
                answer["Data"]["NameMatchIndicator"] == "ConfirmationOfPayee.Yes"
            } else {
                answer["Data"]["MaskedName"] == "Ibrahim Al Suwaidi"
            }
        }
        "cop-accept-invalid-iban" => {
            let token = env.cc_token("confirmation-of-payee").await;
            let data = json!({"SchemeName": "IBAN", "Identification": "AE320260001234567890123"});
            cop(&env, &token, "/discovery", data).await.0 == 200
        }
        "drop-interaction-id-on-error" => {
            let answer = env
                .hub1
                .get(env.rs(&format!("{PAY_BASE}/payments/x")))
                .header("x-fapi-interaction-id", "a")
                .send()
                .await
                .unwrap();
            answer.status() == 401 && !answer.headers().contains_key("x-fapi-interaction-id")
        }
        other => panic!("no probe for fault {other}: add one"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_breaks_its_rule() {
    let results: Vec<(&str, bool)> = futures::stream::iter(FAULTS)
        .map(|fault| tokio::spawn(async move { (fault.name, shows(fault.name).await) }))
        .buffer_unordered(3)
        .map(|joined| joined.expect("a probe finishes"))
        .collect()
        .await;
    let silent: Vec<&str> = results
        .iter()
        .filter(|(_, shown)| !shown)
        .map(|(name, _)| *name)
        .collect();
    assert!(silent.is_empty(), "faults that changed nothing: {silent:?}");
    assert_eq!(results.len(), FAULTS.len());
}
