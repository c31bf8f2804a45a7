//! The fault matrix: for every entry of FAULTS, one probe of the behaviour it names, observed on a
//! healthy bank and on a bank with only that fault, each against its expected value. The faults of
//! a bank with a registered TPP are probed on one (`faults_tpp.rs`). A fault without a probe fails
//! the test; probes must never depend on another fault.

use axum::http::Method;
use serde_json::{Value, json};

use super::*;

/// The status codes of a list of replies.
fn statuses(replies: &[Reply]) -> Value {
    replies.iter().map(|r| r.status.as_u16()).collect()
}

/// Expected observation of each fault's probe: (healthy bank, faulty bank).
fn expected(name: &str) -> Option<(Value, Value)> {
    Some(match name {
        "wrong-scope-accepted" => (json!([403, 403, 403, 403]), json!([200, 201, 200, 200])),
        "post-allowed" => (json!([405, 405, 405, 405]), json!([200, 201, 200, 200])),
        "extra-closed-account" => (json!([2, 2]), json!([3, 3])),
        "consent-answers-200" => (json!(201), json!(200)),
        "unconsented-details-shown" => (json!([false, false, false]), json!([true, true, true])),
        "identity-link-missing" => (json!(true), json!(false)),
        "consent-widened-to-every-account" => (json!([403]), json!([200])),
        "identity-link-without-consent" => (json!(false), json!(true)),
        "revocation-ignored" => (json!([403, 403]), json!([200, 200])),
        "consent-merged" => (json!([200, 403]), json!([200, 200])),
        "balance-sign-lost" => (json!(["-245.10", "-245.10"]), json!(["245.10", "245.10"])),
        "unknown-account-403" => (json!([404, 404]), json!([403, 403])),
        "clbd-missing" => (json!(["CLBD", "CLBD"]), json!(["XPCD", "XPCD"])),
        "history-missing" => (json!([200, 200]), json!([204, 204])),
        "date-from-exclusive" => (json!(true), json!(false)),
        "date-to-inclusive" => (json!(false), json!(true)),
        "entry-reference-invented" => (json!(false), json!(true)),
        "no-62-day-bound" => (json!([400, true]), json!([200, false])),
        "lenient-dates" => (json!([400, 400]), json!([200, 200])),
        "strict-dates" => (json!([200, 200, 200, 200]), json!([400, 200, 400, 400])),
        "empty-history-200" => (json!([204, null]), json!([200, []])),
        "pending-status" => (json!(false), json!(true)),
        "identity-forbidden" => (json!(200), json!(403)),
        "identity-without-consent" => (json!(403), json!(200)),
        "trusted-beneficiaries-400" => (json!(501), json!(400)),
        "request-id-not-echoed" => (json!(["r-1", "r-1"]), json!([null, null])),
        "expired-token-accepted" => (json!(401), json!(200)),
        "accept-ignored" => (json!(406), json!(200)),
        "charset-missing" => (
            json!("application/hal+json; charset=utf-8"),
            json!("application/hal+json"),
        ),
        "unauthenticated-403" => (json!([401, 401]), json!([403, 403])),
        _ => return None,
    })
}

/// Observes, on `env`, the behaviour that the fault `name` changes.
async fn probe(name: &str, env: &Env) -> Value {
    let georges_current = transactions_path("GEORGES", "current");
    let day = |n: u64| {
        env.today()
            .checked_sub_days(chrono::Days::new(n))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    match name {
        "wrong-scope-accepted" => {
            env.consented("LEA").await;
            let pisp = env.token("LEA", "pisp").await;
            let consent = json!({ "balances": [{ "iban": account("LEA", "current").iban }],
                                  "transactions": [{ "iban": account("LEA", "current").iban }] });
            statuses(&[
                env.get(&pisp, "/accounts").await,
                env.put_consent(&pisp, &consent).await,
                env.get(&pisp, &balances_path("LEA", "current")).await,
                env.get(&pisp, &transactions_path("LEA", "current")).await,
            ])
        }
        "post-allowed" => {
            let token = env.consented("LEA").await;
            let consent = json!({ "balances": [{ "iban": account("LEA", "current").iban }],
                                  "transactions": [{ "iban": account("LEA", "current").iban }] });
            let post = |path: String, body: Option<Value>| {
                let token = token.clone();
                async move {
                    env.call(Method::POST, &path, Some(&token), &[], body.as_ref())
                        .await
                }
            };
            statuses(&[
                post("/accounts".into(), None).await,
                post("/consents".into(), Some(consent)).await,
                post(balances_path("LEA", "current"), None).await,
                post(transactions_path("LEA", "current"), None).await,
            ])
        }
        "extra-closed-account" => {
            let token = env.token("CLAIRE", "aisp").await;
            let first = env.get(&token, "/accounts").await.json();
            let token = env.consented("CLAIRE").await;
            let after = env.get(&token, "/accounts").await.json();
            json!([
                first["accounts"].as_array().map(Vec::len),
                after["accounts"].as_array().map(Vec::len)
            ])
        }
        "consent-answers-200" => {
            let token = env.token("LEA", "aisp").await;
            let consent = json!({ "balances": [{ "iban": account("LEA", "current").iban }] });
            json!(env.put_consent(&token, &consent).await.status.as_u16())
        }
        "unconsented-details-shown" => {
            let token = env.token("CLAIRE", "aisp").await;
            let body = env.get(&token, "/accounts").await.json();
            let accounts = body["accounts"].as_array().cloned().unwrap_or_default();
            let any = |key: &str| accounts.iter().any(|a| a.get(key).is_some());
            json!([any("resourceId"), any("balances"), any("_links")])
        }
        "identity-link-without-consent" => {
            let token = env.token("LEA", "aisp").await;
            let current = account("LEA", "current").iban;
            let without_identity = json!({ "balances": [{ "iban": current }],
                                           "psuIdentity": false });
            env.put_consent(&token, &without_identity).await;
            let body = env.get(&token, "/accounts").await.json();
            json!(body["_links"].get("endUserIdentity").is_some())
        }
        "identity-link-missing" => {
            let token = env.consented("MARC").await;
            let body = env.get(&token, "/accounts").await.json();
            json!(body["_links"].get("endUserIdentity").is_some())
        }
        "consent-widened-to-every-account" => {
            let token = env.consented("LEA").await;
            let current = account("LEA", "current").iban;
            let only = json!({ "balances": [{ "iban": current }],
                               "transactions": [{ "iban": current }] });
            env.put_consent(&token, &only).await;
            statuses(&[env.get(&token, &balances_path("LEA", "savings")).await])
        }
        "revocation-ignored" | "consent-merged" => {
            let token = env.consented("LEA").await;
            let newer = if name == "revocation-ignored" {
                json!({ "balances": [], "transactions": [] })
            } else {
                json!({ "balances": [{ "iban": account("LEA", "current").iban }] })
            };
            env.put_consent(&token, &newer).await;
            statuses(&[
                env.get(&token, &balances_path("LEA", "current")).await,
                env.get(&token, &transactions_path("LEA", "current")).await,
            ])
        }
        "balance-sign-lost" | "clbd-missing" => {
            let token = env.consented("LEA").await;
            let report = env
                .get(&token, &balances_path("LEA", "current"))
                .await
                .json();
            let list = env.get(&token, "/accounts").await.json();
            let iban = account("LEA", "current").iban;
            let listed = list["accounts"]
                .as_array()
                .and_then(|l| l.iter().find(|a| a["accountId"]["iban"] == iban))
                .map(|a| a["balances"][0].clone())
                .unwrap_or_default();
            let field = |b: &Value| {
                if name == "clbd-missing" {
                    b["balanceType"].clone()
                } else {
                    b["balanceAmount"]["amount"].clone()
                }
            };
            json!([field(&report["balances"][0]), field(&listed)])
        }
        "unknown-account-403" => {
            let token = env.consented("LEA").await;
            statuses(&[
                env.get(&token, "/accounts/CPT30014684067/balances").await,
                env.get(&token, "/accounts/CPT30014684067/transactions")
                    .await,
            ])
        }
        "history-missing" => {
            let token = env.consented("GEORGES").await;
            let windowed = format!(
                "{georges_current}?dateFrom={}&dateTo={}",
                env.days_ago(30),
                env.days_ago(5)
            );
            statuses(&[
                env.get(&token, &georges_current).await,
                env.get(&token, &windowed).await,
            ])
        }
        "date-from-exclusive" | "date-to-inclusive" => {
            let token = env.consented("GEORGES").await;
            let query = if name == "date-from-exclusive" {
                format!("?dateFrom={}", env.days_ago(10))
            } else {
                format!("?dateTo={}", env.days_ago(10))
            };
            let body = env
                .get(&token, &format!("{georges_current}{query}"))
                .await
                .json();
            json!(
                body["transactions"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|t| t["bookingDate"] == day(10)))
            )
        }
        "entry-reference-invented" => {
            let token = env.consented("GEORGES").await;
            let path = transactions_path("GEORGES", "no-entry-reference");
            let body = env.get(&token, &path).await.json();
            json!(
                body["transactions"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|t| t.get("entryReference").is_some()))
            )
        }
        "no-62-day-bound" => {
            let lea = env.consented("LEA").await;
            let old = format!(
                "{}?dateFrom={}",
                transactions_path("LEA", "current"),
                env.days_ago(70)
            );
            let georges = env.consented("GEORGES").await;
            let page = env.get(&georges, &georges_current).await.json();
            let bounded = booking_dates(&page)
                .iter()
                .all(|d| d.to_string() >= day(62));
            json!([env.get(&lea, &old).await.status.as_u16(), bounded])
        }
        "lenient-dates" => {
            let token = env.consented("GEORGES").await;
            statuses(&[
                env.get(&token, &format!("{georges_current}?dateFrom=2026-01-01"))
                    .await,
                env.get(&token, &format!("{georges_current}?dateTo=tomorrow"))
                    .await,
            ])
        }
        "strict-dates" => {
            let token = env.consented("GEORGES").await;
            let mut replies = Vec::new();
            for suffix in ["", "Z", "%2B0100", "%2B01:00"] {
                let query = format!(
                    "{georges_current}?dateFrom={}T08:00:00.000{suffix}",
                    day(20)
                );
                replies.push(env.get(&token, &query).await);
            }
            statuses(&replies)
        }
        "empty-history-200" => {
            let token = env.consented("CLAIRE").await;
            let reply = env
                .get(&token, &transactions_path("CLAIRE", "zero-balance"))
                .await;
            json!([reply.status.as_u16(), reply.json().get("transactions")])
        }
        "pending-status" => {
            let token = env.consented("GEORGES").await;
            let body = env.get(&token, &georges_current).await.json();
            json!(
                body["transactions"]
                    .as_array()
                    .is_some_and(|l| l.iter().any(|t| t["status"] == "PDNG"))
            )
        }
        "identity-forbidden" => {
            let token = env.consented("MARC").await;
            json!(env.get(&token, "/end-user-identity").await.status.as_u16())
        }
        "identity-without-consent" => {
            let token = env.token("TECHNCO", "aisp").await;
            json!(env.get(&token, "/end-user-identity").await.status.as_u16())
        }
        "trusted-beneficiaries-400" => {
            let token = env.consented("LEA").await;
            json!(
                env.get(&token, "/trusted-beneficiaries")
                    .await
                    .status
                    .as_u16()
            )
        }
        "request-id-not-echoed" => {
            let token = env.token("LEA", "aisp").await;
            let id = [("x-request-id", "r-1")];
            let ok = env
                .call(Method::GET, "/accounts", Some(&token), &id, None)
                .await;
            let error = env.call(Method::GET, "/accounts", None, &id, None).await;
            json!([ok.header("x-request-id"), error.header("x-request-id")])
        }
        "expired-token-accepted" => {
            let expired = env.bank.issue_expired_token("LEA").unwrap_or_default();
            json!(env.get(&expired, "/accounts").await.status.as_u16())
        }
        "accept-ignored" => {
            let token = env.token("LEA", "aisp").await;
            let html = [("accept", "text/html")];
            json!(
                env.call(Method::GET, "/accounts", Some(&token), &html, None)
                    .await
                    .status
                    .as_u16()
            )
        }
        "charset-missing" => {
            let token = env.token("LEA", "aisp").await;
            json!(env.get(&token, "/accounts").await.header("content-type"))
        }
        "unauthenticated-403" => statuses(&[
            env.call(Method::GET, "/accounts", None, &[], None).await,
            env.get("never-issued", "/accounts").await,
        ]),
        _ => Value::Null,
    }
}

#[tokio::test]
async fn every_fault_breaks_exactly_the_behaviour_it_names() {
    let mut failures = Vec::new();
    for fault in FAULTS {
        let (seen_healthy, seen_faulty, healthy, faulty) =
            if let Some((healthy, faulty)) = expected(fault.name) {
                let seen_healthy = probe(fault.name, &Env::healthy()).await;
                let seen_faulty = probe(fault.name, &Env::with_fault(fault.name)).await;
                (seen_healthy, seen_faulty, healthy, faulty)
            } else if let Some((healthy, faulty)) = faults_tpp::expected(fault.name) {
                let seen_healthy = faults_tpp::probe(fault.name, &faults_tpp::env(None)).await;
                let seen_faulty =
                    faults_tpp::probe(fault.name, &faults_tpp::env(Some(fault.name))).await;
                (seen_healthy, seen_faulty, healthy, faulty)
            } else {
                failures.push(format!("{}: no probe", fault.name));
                continue;
            };
        if seen_healthy != healthy || seen_faulty != faulty {
            failures.push(format!(
                "{}: healthy {seen_healthy} (want {healthy}), faulty {seen_faulty} (want {faulty})",
                fault.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_fault_table_is_well_formed() {
    let mut names: Vec<&str> = FAULTS.iter().map(|f| f.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), FAULTS.len(), "fault names are unique");
    for fault in FAULTS {
        assert!(
            !fault.rule.is_empty() && !fault.breaks.is_empty(),
            "{}",
            fault.name
        );
        assert!(
            fault.breaks.iter().all(|id| id.starts_with("STET-")),
            "{}",
            fault.name
        );
    }
}
