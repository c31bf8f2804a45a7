//! The fault matrix of the Finqware bank: for every entry of FAULTS, one probe of the behaviour it
//! names, observed on a healthy bank and on a bank with only that fault, each against its expected
//! value. A fault without a probe fails the test; probes must never depend on another fault.

use chrono::Duration;

use super::*;

/// Expected observation of each fault's probe: (healthy bank, faulty bank).
fn expected(name: &str) -> Option<(Value, Value)> {
    Some(match name {
        "session-status-wrong" => (json!("SESSION_CREATED"), json!("CREATED")),
        "wrong-app-key-accepted" => (json!(401), json!(201)),
        "unknown-client-id-accepted" => (json!(401), json!(201)),
        "refusal-creates-session" => (json!([401, false]), json!([401, true])),
        "unknown-skill-accepted" => (json!(400), json!(201)),
        "unregistered-skill-accepted" => (json!(403), json!(201)),
        "step-id-missing" => (json!(true), json!(false)),
        "nonce-static" => (json!(false), json!(true)),
        "nonce-reusable" => (json!(409), json!(201)),
        "nonce-not-bound-to-session" => (json!(401), json!(201)),
        "refusal-changes-session" => (json!([409, 201]), json!([409, 409])),
        "refused-nonce-consumed" => (json!([401, 201]), json!([401, 409])),
        "nonce-never-expires" => (json!(401), json!(201)),
        "nonce-expires-early" => (json!(201), json!(401)),
        "upload-lost" => (json!([201, 201]), json!([201, 409])),
        "upload-to-unknown-step-accepted" => (json!(404), json!(201)),
        "upload-not-required" => (json!(409), json!(201)),
        _ => return None,
    })
}

/// Observes, on `env`, the behaviour that the fault `name` changes.
async fn probe(name: &str, env: &Env) -> Value {
    let credentials = |client_id: String, key: String| json!({ "client_id": client_id, "client_app_key": key, "skill": SINGLE });
    match name {
        "session-status-wrong" => json!(env.create(SINGLE).await.text("status")),
        "wrong-app-key-accepted" | "refusal-creates-session" => {
            let body = credentials(env.client_id(), "not-the-key".into());
            let reply = env.post_json("/sessions", &body).await;
            if name == "refusal-creates-session" {
                json!([reply.code(), reply.text("session_id").is_some()])
            } else {
                json!(reply.code())
            }
        }
        "unknown-client-id-accepted" => {
            let body = credentials("nobody".into(), env.app_key());
            json!(env.post_json("/sessions", &body).await.code())
        }
        "unknown-skill-accepted" => json!(env.create("no_such_skill").await.code()),
        "unregistered-skill-accepted" => json!(env.create("xyz_pisp_sbx_#1.0").await.code()),
        "step-id-missing" | "nonce-static" => {
            let walk = env.start(MULTI).await;
            let reply = env
                .submit(&walk.id, MULTI, "product_form", &walk.nonce)
                .await;
            if name == "step-id-missing" {
                json!(reply.text("step_id").is_some())
            } else {
                json!(reply.text("nonce") == Some(walk.nonce))
            }
        }
        "nonce-reusable" | "refusal-changes-session" => {
            let mut walk = env.start(MULTI).await;
            let used = walk.nonce.clone();
            env.step(&mut walk, MULTI, "product_form").await;
            let replay = env.submit(&walk.id, MULTI, "kyc", &used).await.code();
            if name == "nonce-reusable" {
                json!(replay)
            } else {
                json!([replay, env.step(&mut walk, MULTI, "kyc").await.code()])
            }
        }
        "nonce-not-bound-to-session" | "refused-nonce-consumed" => {
            let mine = env.start(MULTI).await;
            let mut other = env.start(MULTI).await;
            let foreign = env
                .submit(&mine.id, MULTI, "product_form", &other.nonce)
                .await
                .code();
            if name == "nonce-not-bound-to-session" {
                json!(foreign)
            } else {
                json!([
                    foreign,
                    env.step(&mut other, MULTI, "product_form").await.code()
                ])
            }
        }
        "nonce-never-expires" | "nonce-expires-early" => {
            let mut walk = env.start(MULTI).await;
            let minutes = if name == "nonce-never-expires" {
                31
            } else {
                15
            };
            env.clock.advance(Duration::minutes(minutes));
            json!(env.step(&mut walk, MULTI, "product_form").await.code())
        }
        "upload-lost" => {
            let (mut walk, kyc) = env.at_kyc().await;
            let upload = env.upload(&kyc).await.code();
            json!([
                upload,
                env.step(&mut walk, MULTI, "confirmation").await.code()
            ])
        }
        "upload-to-unknown-step-accepted" => json!(env.upload("no-such-step").await.code()),
        "upload-not-required" => {
            let (mut walk, _kyc) = env.at_kyc().await;
            json!(env.step(&mut walk, MULTI, "confirmation").await.code())
        }
        _ => Value::Null,
    }
}

#[tokio::test]
async fn every_fault_changes_exactly_what_it_names() {
    for fault in FAULTS {
        let (healthy, faulty) = expected(fault.name)
            .unwrap_or_else(|| panic!("fault {} has no probe in this test", fault.name));
        assert_eq!(
            probe(fault.name, &Env::healthy()).await,
            healthy,
            "{} on the healthy bank",
            fault.name
        );
        assert_eq!(
            probe(fault.name, &Env::with_fault(fault.name)).await,
            faulty,
            "{} with the fault on",
            fault.name
        );
    }
}

#[test]
fn every_fault_claims_finqware_ids_of_the_catalog() {
    let catalog = crate::catalog::catalog();
    for fault in FAULTS {
        assert!(!fault.breaks.is_empty(), "{} claims nothing", fault.name);
        for id in fault.breaks {
            assert!(id.starts_with("FQ-"), "{}: {id}", fault.name);
            assert!(
                catalog.get(id).is_some(),
                "{}: {id} is not in the catalog",
                fault.name
            );
        }
    }
}
