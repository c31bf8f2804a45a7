//! The fault probes: for every entry of FAULTS, one observation of the behaviour it names, on a
//! healthy bank and on a bank with only that fault, each against its expected value. A fault without
//! a probe fails the test; a probe must never depend on another fault.

use axum::http::Method;
use serde_json::json;

use super::*;

/// Expected observation of each fault's probe: (healthy bank, faulty bank).
fn expected(name: &str) -> Option<(Value, Value)> {
    let row = |status: u16, class: &str| json!([status, class]);
    Some(match name {
        "token-show-without-expiry" => (json!(true), json!(false)),
        "token-missing-as-401" => (row(400, "TokenMissing"), row(401, "TokenMissing")),
        "authorization-missing-misnamed" => {
            (row(401, "AuthorizationMissing"), row(401, "Unauthorized"))
        }
        "unknown-token-misnamed" => (row(401, "TokenNotFound"), row(401, "TokenRevoked")),
        "revoked-token-accepted" => (row(401, "TokenRevoked"), json!([200, null])),
        "token-expiry-ignored" => (row(401, "TokenExpired"), json!([200, null])),
        "unknown-app-as-401" => (row(404, "OauthAppNotFound"), row(401, "OauthAppNotFound")),
        "certificate-permissions-ignored" => (row(404, "CertificateNotFound"), json!([200, null])),
        "jwt-signature-not-checked" => (row(401, "JWTDecodeError"), json!([200, null])),
        "jwt-exp-not-checked" => (row(401, "JWTExpired"), json!([200, null])),
        "session-secret-missing" => (json!(["session_secret"]), json!(["secret"])),
        "scopes-not-checked" => (row(400, "ScopesInvalid"), json!([200, null])),
        "provider-not-found-as-400" => (
            json!([
                [404, "ProviderNotFound"],
                [404, "ProviderNotFound"],
                [404, "ProviderNotFound"]
            ]),
            json!([
                [400, "ProviderNotFound"],
                [400, "ProviderNotFound"],
                [400, "ProviderNotFound"]
            ]),
        ),
        "consent-period-unbounded" => (row(400, "ValueOutOfRange"), json!([200, null])),
        "access-denied-as-403" => (
            json!([[401, "AccessDenied"], [401, "AccessDenied"]]),
            json!([[403, "AccessDenied"], [403, "AccessDenied"]]),
        ),
        "reconnect-without-session" => (json!(true), json!(false)),
        "session-show-incomplete" => (json!([true, true]), json!([false, false])),
        "session-not-found-misnamed" => (row(404, "SessionNotFound"), row(404, "NotFound")),
        "confirm-stalls" => (json!("waiting_confirmation_code"), json!("created")),
        "session-closed-as-409" => (row(400, "SessionClosed"), row(409, "SessionClosed")),
        "session-expiry-ignored" => (row(401, "SessionExpired"), json!([200, null])),
        "incompatible-credentials-as-400" => {
            (row(406, "ActionNotAllowed"), row(400, "ActionNotAllowed"))
        }
        "destroy-keeps-session-open" => (json!("canceled"), json!("created")),
        "beneficiary-without-identifiers" => (json!(true), json!(false)),
        "beneficiary-not-found-misnamed" => (
            row(404, "TrustedBeneficiaryNotFound"),
            row(404, "RecordNotFound"),
        ),
        "beneficiaries-of-every-provider" => (
            json!(["demobank", "demobank"]),
            json!([
                "demobank",
                "demobank",
                "unapproved_demobank",
                "demobank_lite"
            ]),
        ),
        "beneficiaries-accept-revoked-token" => (
            json!([[401, "TokenRevoked"], [401, "TokenRevoked"]]),
            json!([[200, null], [200, null]]),
        ),
        "next-id-missing" => (json!(true), json!(false)),
        "from-id-exclusive" => (json!([105]), json!([])),
        "unapproved-providers-listed" => (json!(false), json!(true)),
        "per-page-unbounded" => (json!([400, 400]), json!([200, 200])),
        "templates-without-attributes" => (json!(true), json!(false)),
        "client-request-id-not-echoed" => (json!(["54", "17"]), json!([null, null])),
        _ => return None,
    })
}

/// Observes, on `env`, the behaviour that the fault `name` changes.
async fn probe(name: &str, env: &Env) -> Value {
    let tokens_row = |call: Call| async { env.send(call).await.row() };
    let data_has = |reply: &Reply, key: &str| reply.json()["data"].get(key).is_some();
    match name {
        "token-show-without-expiry" => {
            let token = env.token().await;
            json!(data_has(
                &env.show_token(&token).await,
                "access_token_expires_at"
            ))
        }
        "token-missing-as-401" => tokens_row(Call::get("/tokens")).await,
        "authorization-missing-misnamed" => {
            let token = env.token().await;
            tokens_row(Call::get("/tokens").token(&token).auth(Auth::None)).await
        }
        "unknown-token-misnamed" => env.show_token("never-issued").await.row(),
        "revoked-token-accepted" => {
            let token = env.token().await;
            env.send(Call::new(Method::DELETE, "/tokens").token(&token))
                .await;
            env.show_token(&token).await.row()
        }
        "token-expiry-ignored" => {
            let token = env.token_for(1).await;
            env.advance(chrono::Duration::days(2));
            env.show_token(&token).await.row()
        }
        "unknown-app-as-401" => tokens_row(Call::get("/tokens").header("App-Id", "nope")).await,
        "certificate-permissions-ignored" => {
            let other = env.apps.without_permissions.clone();
            tokens_row(Call::get("/providers").auth(Auth::None).app(&other)).await
        }
        "jwt-signature-not-checked" => {
            let token = env.token().await;
            let jwt = sign(
                &env.apps.without_permissions.private_key,
                &json!({}),
                in_a_minute(),
            );
            tokens_row(
                Call::get("/tokens")
                    .token(&token)
                    .auth(Auth::Raw(format!("Bearer {jwt}"))),
            )
            .await
        }
        "jwt-exp-not-checked" => {
            let token = env.token().await;
            let jwt = sign(&env.apps.main.private_key, &json!({}), in_a_minute() - 120);
            tokens_row(
                Call::get("/tokens")
                    .token(&token)
                    .auth(Auth::Raw(format!("Bearer {jwt}"))),
            )
            .await
        }
        "session-secret-missing" => {
            let data = env.remote(json!({})).await.json()["data"].clone();
            json!(
                data.as_object()
                    .map(|m| m.keys().cloned().collect::<Vec<_>>())
            )
        }
        "scopes-not-checked" => env.remote(json!({ "scopes": ["crypto"] })).await.row(),
        "provider-not-found-as-400" => {
            let token = env.token().await;
            json!([
                env.remote(json!({ "provider_code": "nope" })).await.row(),
                tokens_row(
                    Call::get("/trusted_beneficiaries")
                        .data(json!({ "provider_code": "nope" }))
                        .token(&token)
                )
                .await,
                tokens_row(Call::get("/providers/nope/templates").auth(Auth::None)).await,
            ])
        }
        "consent-period-unbounded" => {
            let reply = env.remote(json!({ "consent_period_days": 91 })).await;
            json!([reply.status.as_u16(), reply.json()["error_class"]])
        }
        "access-denied-as-403" => json!([
            env.remote(json!({ "provider_code": "unapproved_demobank" }))
                .await
                .row(),
            tokens_row(Call::get("/providers/unapproved_demobank/templates").auth(Auth::None))
                .await,
        ]),
        "reconnect-without-session" => {
            let token = env.token().await;
            let reply = env
                .send(
                    Call::new(Method::POST, "/tokens/reconnect")
                        .data(json!({ "consent_approved": true }))
                        .token(&token),
                )
                .await;
            json!(data_has(&reply, "session_secret"))
        }
        "session-show-incomplete" => {
            let secret = env.session().await;
            let shown = env.send(Call::get(&format!("/sessions/{secret}"))).await;
            json!([
                data_has(&shown, "provider_code"),
                data_has(&shown, "created_at")
            ])
        }
        "session-not-found-misnamed" => tokens_row(Call::get("/sessions/nope")).await,
        "confirm-stalls" => {
            let secret = env.session().await;
            let reply = env
                .confirm(
                    &secret,
                    json!({ "login": "demo_user", "password": "demo_password" }),
                )
                .await;
            reply.json()["data"]["status"].clone()
        }
        "session-closed-as-409" => {
            let secret = env.session().await;
            env.send(Call::new(Method::DELETE, &format!("/sessions/{secret}")))
                .await;
            env.confirm(&secret, json!({})).await.row()
        }
        "session-expiry-ignored" => {
            let secret = env.session().await;
            env.advance(chrono::Duration::days(1));
            let reply = env
                .confirm(
                    &secret,
                    json!({ "login": "demo_user", "password": "demo_password" }),
                )
                .await;
            json!([reply.status.as_u16(), reply.json()["error_class"]])
        }
        "incompatible-credentials-as-400" => {
            let secret = env.session().await;
            env.confirm(&secret, json!({ "x": "1" })).await.row()
        }
        "destroy-keeps-session-open" => {
            let secret = env.session().await;
            let path = format!("/sessions/{secret}");
            env.send(Call::new(Method::DELETE, &path)).await;
            env.send(Call::get(&path)).await.json()["data"]["status"].clone()
        }
        "beneficiary-without-identifiers" => {
            let token = env.token().await;
            let shown = env
                .send(Call::get("/trusted_beneficiaries/719").token(&token))
                .await;
            json!(data_has(&shown, "identifiers"))
        }
        "beneficiary-not-found-misnamed" => {
            let token = env.token().await;
            tokens_row(Call::get("/trusted_beneficiaries/1").token(&token)).await
        }
        "beneficiaries-of-every-provider" => {
            let token = env.token().await;
            let list = env
                .send(
                    Call::get("/trusted_beneficiaries")
                        .data(json!({ "provider_code": "demobank" }))
                        .token(&token),
                )
                .await;
            list.json()["data"]
                .as_array()
                .map(|l| l.iter().map(|b| b["provider_code"].clone()).collect())
                .unwrap_or(Value::Null)
        }
        "beneficiaries-accept-revoked-token" => {
            let token = env.token().await;
            let list = Call::get("/trusted_beneficiaries")
                .data(json!({ "provider_code": "demobank" }))
                .token(&token);
            let id = env.send(list.clone()).await.json()["data"][0]["id"].clone();
            env.send(Call::new(Method::DELETE, "/tokens").token(&token))
                .await;
            json!([
                env.send(list).await.row(),
                env.send(Call::get(&format!("/trusted_beneficiaries/{id}")).token(&token))
                    .await
                    .row()
            ])
        }
        "next-id-missing" => {
            let page = env
                .send(Call::get("/providers?per_page=1").auth(Auth::None))
                .await;
            json!(page.json()["meta"].get("next_id").is_some())
        }
        "unapproved-providers-listed" => {
            let page = env
                .send(Call::get("/providers?per_page=1000").auth(Auth::None))
                .await;
            let listed = page.json()["data"].as_array().cloned().unwrap_or_default();
            json!(listed.iter().any(|p| p["code"] == "unapproved_demobank"))
        }
        "from-id-exclusive" => {
            let page = env
                .send(Call::get("/providers?from_id=105").auth(Auth::None))
                .await;
            page.json()["data"]
                .as_array()
                .map(|l| l.iter().map(|p| p["id"].clone()).collect())
                .unwrap_or(Value::Null)
        }
        "per-page-unbounded" => {
            let status = |q: &'static str| async move {
                env.send(Call::get(&format!("/providers?per_page={q}")).auth(Auth::None))
                    .await
                    .status
                    .as_u16()
            };
            json!([status("0").await, status("1001").await])
        }
        "templates-without-attributes" => {
            let list = env
                .send(Call::get("/providers/demobank/templates").auth(Auth::None))
                .await;
            json!(list.json()["data"][0].get("payment_attributes").is_some())
        }
        "client-request-id-not-echoed" => {
            let ok = env
                .send(
                    Call::get("/providers")
                        .auth(Auth::None)
                        .header("Client-Request-Id", "54"),
                )
                .await;
            let error = env
                .send(Call::get("/sessions/nope").header("Client-Request-Id", "17"))
                .await;
            json!([
                ok.json()["meta"]["client_request_id"],
                error.json()["meta"]["client_request_id"]
            ])
        }
        other => json!(format!("no probe for {other}")),
    }
}

#[tokio::test]
async fn every_fault_changes_exactly_the_behaviour_it_names() {
    for fault in FAULTS {
        let (healthy, faulty) = expected(fault.name)
            .unwrap_or_else(|| panic!("fault {} has no expected observation", fault.name));
        assert_eq!(
            probe(fault.name, &Env::healthy()).await,
            healthy,
            "{} on a healthy bank",
            fault.name
        );
        assert_eq!(
            probe(fault.name, &Env::with_fault(fault.name)).await,
            faulty,
            "{} on a bank with that fault",
            fault.name
        );
    }
}

#[test]
fn fault_names_are_unique_kebab_case_and_claim_salt_edge_ids() {
    let mut names: Vec<&str> = FAULTS.iter().map(|f| f.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), FAULTS.len());
    for fault in FAULTS {
        assert!(
            fault
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            fault.name
        );
        assert!(!fault.breaks.is_empty());
        for id in fault.breaks {
            assert!(
                crate::catalog::catalog().is_id(id),
                "{} claims {id}",
                fault.name
            );
            assert!(id.starts_with("SE-"));
        }
    }
}
