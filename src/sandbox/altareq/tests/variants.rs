//! Healthy variants of the model bank: a seed gives the bank its own ids, IBANs, names, amounts and
//! days (reproducibly), the canonical bank keeps its own, and a variant stays within the documents
//! (valid IBANs, the same shape of data set, no transaction booked today).

use serde_json::Value;

use super::tpp::Env;
use super::*;
use crate::sandbox::FaultSet;
use crate::sandbox::altareq::data::{ACCOUNTS, Ledger, USERS};
use crate::sandbox::altareq::{AIS_BASE, Fixture, iban};
use crate::sandbox::kit::Variant;

fn at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-12-02T08:00:00Z")
        .expect("a date")
        .to_utc()
}

#[test]
fn the_canonical_data_set_is_the_documented_one() {
    let ledger = Ledger::build(at());
    let fixture = Fixture::of(&ledger);
    assert_eq!(fixture.user_id, "100001000000000000000002");
    assert_eq!(fixture.account_ids, [MITS_CURRENT, MITS_SAVINGS]);
    assert_eq!(fixture.debtor_account_id, MITS_CURRENT);
    assert_eq!(fixture.creditor_iban, "AE651000010000109010109");
    assert_eq!(fixture.creditor_name, "Rora Al Hashimi");
    assert_eq!(fixture.cop_iban, "AE070331234567890123456");
    assert_eq!(ledger.transactions[0].id, format!("T-{MITS_CURRENT}-001"));
    assert_eq!(format!("{ledger:?}"), format!("{:?}", Ledger::build(at())));
}

#[test]
fn a_seeded_data_set_differs_from_the_canonical_one_and_is_reproducible() {
    let canonical = Ledger::build(at());
    for seed in 1..=8 {
        let variant = Ledger::build_variant(at(), &Variant::seeded(seed));
        let again = Ledger::build_variant(at(), &Variant::seeded(seed));
        assert_eq!(format!("{variant:?}"), format!("{again:?}"), "seed {seed}");
        assert_ne!(
            Fixture::of(&variant),
            Fixture::of(&canonical),
            "seed {seed}"
        );
        assert_eq!(variant.users.len(), USERS.len());
        assert_eq!(variant.accounts.len(), ACCOUNTS.len());
        for (v, c) in variant.users.iter().zip(&canonical.users) {
            assert_ne!(v.user_id, c.user_id);
            assert_eq!(v.name, c.name, "the PSUs' handles stay");
        }
        for (v, c) in variant.accounts.iter().zip(&canonical.accounts) {
            assert_ne!(v.id, c.id);
            assert_ne!(v.iban, c.iban);
            assert!(iban::is_valid_uae(&v.iban), "seed {seed}: {}", v.iban);
            assert_eq!(iban::bank_code(&v.iban), Some("100"));
            assert!((1..=40).contains(&v.id.len()), "AIS21 AccountId: {}", v.id);
            assert_eq!((&v.owner, v.debit), (&c.owner, c.debit));
        }
        for p in &variant.payees {
            assert!(iban::is_valid_uae(&p.iban), "seed {seed}: {}", p.iban);
        }
        assert_eq!(variant.transactions.len(), canonical.transactions.len());
        for t in &variant.transactions {
            assert!(variant.account(&t.account_id).is_some(), "{t:?}");
            assert!((at() - t.booked).num_days() >= 1, "booked today: {t:?}");
            assert!(!canonical.transactions.iter().any(|c| c.id == t.id));
        }
        // A refund keeps the amount of the purchase it refunds.
        let noon: Vec<&str> = variant
            .transactions
            .iter()
            .filter(|t| t.kind == "ECommerce")
            .map(|t| t.amount.as_str())
            .collect();
        assert_eq!(noon.len(), 2);
        assert_eq!(noon[0], noon[1]);
    }
    let one = Fixture::of(&Ledger::build_variant(at(), &Variant::seeded(1)));
    let two = Fixture::of(&Ledger::build_variant(at(), &Variant::seeded(2)));
    assert_ne!(one, two);
}

/// The shared accounts' ids and IBANs as `GET /accounts` answers them, for the PSU of the bank's
/// own fixture.
async fn listed(env: &Env) -> Vec<(String, String)> {
    let fixture = env.started.fixture.clone();
    let ids: Vec<&str> = fixture.account_ids.iter().map(String::as_str).collect();
    let (code, verifier, _) = env
        .code_for(env.c1(), "accounts openid", data_sharing_details(), &ids)
        .await;
    let answer = env.redeem(&code, Some(&verifier)).await;
    assert_eq!(answer.status(), 200);
    let token: Value = answer.json().await.expect("JSON");
    let access = token["access_token"].as_str().expect("a token");
    let listed: Value = env
        .get(&format!("{AIS_BASE}/accounts"), access)
        .await
        .json()
        .await
        .expect("JSON");
    listed["Data"]["Account"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| {
            let iban = a["AccountIdentifiers"]
                .as_array()
                .and_then(|l| l.iter().find(|i| i["SchemeName"] == "IBAN"))
                .and_then(|i| i["Identification"].as_str())
                .unwrap_or_default();
            (
                a["AccountId"].as_str().unwrap_or_default().to_string(),
                iban.to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_seeded_bank_answers_with_its_own_data_and_the_same_seed_with_the_same() {
    let canonical = listed(&Env::healthy().await).await;
    assert_eq!(
        canonical
            .iter()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>(),
        [MITS_CURRENT, MITS_SAVINGS]
    );
    let start = |seed| Env::variant_with_faults(FaultSet::none(), Variant::seeded(seed));
    let (first, again) = (start(3).await, start(3).await);
    assert_eq!(first.started.fixture, again.started.fixture);
    assert_eq!(first.started.par_status, again.started.par_status);
    let seeded = listed(&first).await;
    assert_eq!(seeded, listed(&again).await);
    assert_eq!(seeded.len(), 2);
    for ((id, iban_text), (canonical_id, canonical_iban)) in seeded.iter().zip(&canonical) {
        assert_ne!(id, canonical_id);
        assert_ne!(iban_text, canonical_iban);
        assert!(iban::is_valid_uae(iban_text), "{iban_text}");
    }
}
