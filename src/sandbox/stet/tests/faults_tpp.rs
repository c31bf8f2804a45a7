//! The fault matrix's probes for the faults of a bank with a registered TPP (mutual TLS,
//! signatures, OAuth2 flows, rate limit, CBPII and PISP): each observes, on a bank with the test
//! TPP registered, the one behaviour its fault changes. `faults.rs` runs them with the others.

use axum::http::Method;
use serde_json::{Value, json};

use super::pisp::{confirm, create, decide};
use super::tpp::{OTHER_ID, Seal, TPP_ID};
use super::*;
use crate::auth::httpsig::Signer;
use crate::sandbox::stet::{ONLINE_BANKING_LOGIN_PATH, REVOKE_PATH};
use crate::target::Secret;
use crate::tls::pki::sha256_fingerprint;

/// Expected observation of each probe: (healthy bank, faulty bank); None for a fault of the
/// unregistered bank.
pub(super) fn expected(name: &str) -> Option<(Value, Value)> {
    Some(match name {
        "signature-not-checked" => (json!([400, 400]), json!([200, 200])),
        "client-id-not-matched" => (json!([401, 401]), json!([200, 200])),
        "client-cert-not-required" => (json!([401, 401, 401]), json!([200, 200, 200])),
        "code-reusable" => (json!([200, 400]), json!([200, 200])),
        "refresh-token-reusable" => (json!([200, 400]), json!([200, 200])),
        "revoke-keeps-access-token" => (json!([200, 401, 400]), json!([200, 200, 400])),
        "client-credentials-scope-ignored" => (json!(["pisp", "cbpii"]), json!(["aisp", "aisp"])),
        "fallback-ignored" => (json!([302, true]), json!([400, false])),
        "no-rate-limit" => (
            json!([200, 200, 200, 200, 429]),
            json!([200, 200, 200, 200, 200]),
        ),
        "rate-limit-with-psu-ip" => (
            json!([200, 200, 200, 200, 200]),
            json!([200, 200, 200, 200, 429]),
        ),
        "funds-confirmation-always-true" => (json!([true, false]), json!([true, true])),
        "funds-confirmation-any-scope" => (json!([200, 403]), json!([200, 200])),
        "payment-location-missing" => (json!([201, true]), json!([201, false])),
        "payment-reconfirmable" => (json!([200, 409]), json!([200, 200])),
        "unapproved-payment-confirmable" => (json!(409), json!(200)),
        "keyid-certificate-trusted" => (json!(400), json!(200)),
        "rejected-payment-confirmable" => (json!(409), json!(200)),
        "confirmation-without-body" => (json!([400, 400, 200]), json!([200, 200, 200])),
        _ => return None,
    })
}

/// The bank a probe runs on: the test TPP registered, `name` the only fault (or none).
pub(super) fn env(name: Option<&str>) -> Env {
    match name {
        Some(name) => Env::registered_with(
            FaultSet::parse(&[name], FAULTS).expect("a fault of the STET bank"),
        ),
        None => Env::registered(),
    }
}

async fn calls(env: &Env, token: &str, psu_ip: bool) -> Value {
    let mut seen = Vec::new();
    for _ in 0..5 {
        let mut call = env.tpp(Method::GET, "/accounts").token(token);
        if psu_ip {
            call = call.header("psu-ip-address", "192.0.2.10");
        }
        seen.push(call.send().await.status.as_u16());
    }
    json!(seen)
}

/// Observes, on `env`, the behaviour that the fault `name` changes.
pub(super) async fn probe(name: &str, env: &Env) -> Value {
    let status = |reply: Reply| json!(reply.status.as_u16());
    let cc = |client_id: &'static str| {
        [
            ("grant_type", "client_credentials"),
            ("scope", "pisp"),
            ("client_id", client_id),
        ]
    };
    match name {
        "signature-not-checked" => {
            let token = env.tpp_consented("LEA").await;
            let unsigned = env
                .tpp(Method::GET, "/accounts")
                .token(&token)
                .seal(Seal::Unsigned);
            let impostor = env
                .tpp(Method::GET, "/accounts")
                .token(&token)
                .seal(Seal::Impostor);
            json!([status(unsigned.send().await), status(impostor.send().await)])
        }
        "keyid-certificate-trusted" => {
            let token = env.tpp_consented("LEA").await;
            let signer = throwaway_signer().await;
            let call = env.tpp(Method::GET, "/accounts").token(&token);
            status(call.seal(Seal::By(signer)).send().await)
        }
        "client-id-not-matched" => {
            let token = env.oauth(TOKEN_PATH, &cc(OTHER_ID)).send().await;
            let revoke = [("token", "never-issued"), ("client_id", OTHER_ID)];
            let revoked = env.oauth(REVOKE_PATH, &revoke).send().await;
            json!([status(token), status(revoked)])
        }
        "client-cert-not-required" => {
            let token = env.oauth(TOKEN_PATH, &cc(TPP_ID)).cert(None).send().await;
            let revoke = [("token", "never-issued"), ("client_id", TPP_ID)];
            let revoked = env.oauth(REVOKE_PATH, &revoke).cert(None).send().await;
            let pisp = env.client_token("pisp").await;
            let (id, _) = create(env, &pisp).await;
            let api = env
                .tpp(Method::GET, &format!("/payment-requests/{id}"))
                .token(&pisp)
                .cert(None)
                .send()
                .await;
            json!([status(token), status(revoked), status(api)])
        }
        "code-reusable" => {
            let code = env.code("LEA", "aisp").await;
            json!([
                status(env.exchange(&code).await),
                status(env.exchange(&code).await)
            ])
        }
        "refresh-token-reusable" => {
            let (_, refresh) = env.code_tokens("LEA", "aisp").await;
            json!([
                status(env.refresh(&refresh).await),
                status(env.refresh(&refresh).await)
            ])
        }
        "revoke-keeps-access-token" => {
            let (access, refresh) = env.code_tokens("LEA", "aisp").await;
            let revoke = [("token", refresh.as_str()), ("client_id", TPP_ID)];
            let revoked = env.oauth(REVOKE_PATH, &revoke).send().await;
            let api = env
                .tpp(Method::GET, "/accounts")
                .token(&access)
                .send()
                .await;
            json!([
                status(revoked),
                status(api),
                status(env.refresh(&refresh).await)
            ])
        }
        "client-credentials-scope-ignored" => {
            let pisp = env.client_credentials("pisp").await.json();
            let cbpii = env.client_credentials("cbpii").await.json();
            json!([pisp["scope"], cbpii["scope"]])
        }
        "fallback-ignored" => {
            let form = [
                ("client_id", TPP_ID),
                ("grant_type", "client_credentials"),
                ("scope", "aisp"),
            ];
            let reply = env
                .oauth(TOKEN_PATH, &form)
                .header("fallback", "1")
                .send()
                .await;
            let to_login = reply
                .header("location")
                .is_some_and(|l| l.contains(ONLINE_BANKING_LOGIN_PATH));
            json!([reply.status.as_u16(), to_login])
        }
        "no-rate-limit" => {
            let token = env.tpp_consented("LEA").await;
            calls(env, &token, false).await
        }
        "rate-limit-with-psu-ip" => {
            let token = env.tpp_consented("LEA").await;
            calls(env, &token, true).await
        }
        "funds-confirmation-always-true" | "funds-confirmation-any-scope" => {
            let cbpii = env.client_token("cbpii").await;
            let aisp = env.tpp_consented("LEA").await;
            let request = |iban: &str| {
                json!({
                    "paymentCoverageRequestId": "cov-1",
                    "instructedAmount": { "currency": "EUR", "amount": "100.00" },
                    "accountId": { "iban": iban },
                })
            };
            let ask = |token: String, iban: &'static str| {
                let body = request(iban);
                async move {
                    env.tpp(Method::POST, "/funds-confirmations")
                        .token(&token)
                        .json(&body)
                        .send()
                        .await
                }
            };
            let savings = account("LEA", "savings").iban;
            let overdrawn = account("LEA", "current").iban;
            if name == "funds-confirmation-always-true" {
                let covered = ask(cbpii.clone(), savings).await.json()["result"].clone();
                let uncovered = ask(cbpii, overdrawn).await.json()["result"].clone();
                json!([covered, uncovered])
            } else {
                json!([
                    status(ask(cbpii, savings).await),
                    status(ask(aisp, savings).await)
                ])
            }
        }
        "payment-location-missing" => {
            let token = env.client_token("pisp").await;
            let (_, reply) = create(env, &token).await;
            json!([reply.status.as_u16(), reply.header("location").is_some()])
        }
        "payment-reconfirmable" => {
            let token = env.client_token("pisp").await;
            let (id, _) = create(env, &token).await;
            decide(env, &id, "LEA", "approve").await;
            json!([
                status(confirm(env, &token, &id, Some(b"{}")).await),
                status(confirm(env, &token, &id, Some(b"{}")).await)
            ])
        }
        "unapproved-payment-confirmable" => {
            let token = env.client_token("pisp").await;
            let (id, _) = create(env, &token).await;
            json!(status(confirm(env, &token, &id, Some(b"{}")).await))
        }
        "rejected-payment-confirmable" => {
            let token = env.client_token("pisp").await;
            let (id, _) = create(env, &token).await;
            decide(env, &id, "LEA", "reject").await;
            json!(status(confirm(env, &token, &id, Some(b"{}")).await))
        }
        "confirmation-without-body" => {
            let token = env.client_token("pisp").await;
            let mut seen = Vec::new();
            for body in [None, Some(&b"ok"[..]), Some(&b"{}"[..])] {
                let (id, _) = create(env, &token).await;
                decide(env, &id, "LEA", "approve").await;
                seen.push(status(confirm(env, &token, &id, body).await));
            }
            json!(seen)
        }
        _ => Value::Null,
    }
}

/// A QSEAL-like key that is not the TPP's, whose keyId is a loopback URL serving its certificate
/// (in the STET form: URL, `_`, SHA-256 fingerprint), as a TPP's impostor would present it.
async fn throwaway_signer() -> &'static Signer {
    let cert = super::tpp::pki()
        .ca
        .qseal("Throwaway", "PSDFR-ACPR-00000")
        .expect("a QSEAL");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let url = format!(
        "http://{}/qseal",
        listener.local_addr().expect("an address")
    );
    let pem = cert.cert_pem.clone();
    let serve = axum::Router::new().fallback(move || async move { pem });
    tokio::spawn(async move { axum::serve(listener, serve).await });
    let key_id = format!("{url}_{}", sha256_fingerprint(&cert.cert_der));
    let signer = Signer::from_pem(&Secret::new(cert.key_pem()), key_id).expect("an RSA key");
    Box::leak(Box::new(signer))
}
