//! The embedded model bank as the family starts it: [`ModelBank::start_variant`] (the target's variant, canonical without one) on loopback (the hub on
//! the run's address, the front beside it), and the embedded target filled from what it minted:
//! the hub as `base_url`, the CA, both clients' keys and certificates, the headless authoriser and
//! the data the scenarios send. The settings live in memory only (they hold the minted keys).

use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::family::{EmbeddedBank, EmbeddedError};
use crate::sandbox::altareq::{ClientKit, ModelBank, Started};
use crate::sandbox::{Clock, FaultSet};
use crate::target::{Secret, Target};

pub async fn start(
    base: Target,
    faults: FaultSet,
    listen: SocketAddr,
) -> Result<EmbeddedBank, EmbeddedError> {
    let front = SocketAddr::new(listen.ip(), 0);
    let variant = crate::sandbox::kit::Variant::of(base.variant);
    let started = ModelBank::start_variant(faults, Clock::system(), front, listen, variant).await?;
    let mut target = base;
    target.base_url = started.rs.clone();
    target.tls.ca_pem = Some(started.ca_pem.clone().into_bytes());
    target.tls.identity_pem = Some(identity(&started.client1));
    target.settings = Some(settings(target.settings.take(), &started));
    target.text = None;
    target.declare_if_unset(super::CAPABILITIES);
    let Started {
        bank,
        ca_pem,
        front,
        hub,
        ..
    } = started;
    Ok(EmbeddedBank {
        target,
        ca_pem,
        server: hub,
        clock: None,
        state: Arc::new((bank, front)),
    })
}

fn identity(kit: &ClientKit) -> Secret {
    Secret::new(format!(
        "{}\n{}\n",
        kit.transport_cert_pem.trim(),
        kit.transport_key_pem.trim()
    ))
}

fn client(kit: &ClientKit) -> Value {
    crate::redact::register(&kit.signing_key_pem);
    crate::redact::register(&kit.transport_key_pem);
    json!({
        "client_id": kit.client_id,
        "signing_kid": kit.signing_kid,
        "signing_key": kit.signing_key_pem,
        "transport_cert": kit.transport_cert_pem,
        "transport_key": kit.transport_key_pem,
    })
}

/// The embedded target's settings: the file's own (an embedded target file may set tolerances),
/// with what the bank minted filled in.
fn settings(own: Option<Value>, s: &Started) -> Value {
    let mut map = match own {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    map.insert("issuer".into(), Value::from(s.issuer.clone()));
    map.insert("redirect_uri".into(), Value::from(s.redirect_uri.clone()));
    map.insert("client".into(), client(&s.client1));
    map.insert("client2".into(), client(&s.client2));
    // The model bank's test user `mits` (notes §12) and the accounts it shares, as this bank
    // (or its variant) names them.
    let f = &s.fixture;
    map.entry("authoriser").or_insert_with(|| {
        json!({
            "kind": "headless",
            "consent_manager": format!("{}/cs", s.rs),
            "user_id": f.user_id,
            "account_ids": f.account_ids,
            "debtor_account_id": f.debtor_account_id,
            "authorization_channel": "Web",
        })
    });
    map.entry("payments").or_insert_with(
        || json!({ "creditor": { "iban": f.creditor_iban, "name": f.creditor_name } }),
    );
    if s.par_status != 201 {
        // The PAR reading this bank follows (notes §15.2), unless the file says otherwise.
        let tolerances = map.entry("tolerances").or_insert_with(|| json!({}));
        if let Some(t) = tolerances.as_object_mut() {
            t.entry("par_status")
                .or_insert_with(|| json!([s.par_status]));
        }
    }
    map.entry("cop").or_insert_with(|| {
        json!({
            "iban": f.cop_iban,
            "name": { "full": "Ibrahim Al Suwaidi", "given": "Ibrahim", "last": "Al Suwaidi" },
            "wrong_name": "Fatima Khan",
            "close_name": "Ibrahim Al Swaidi",
        })
    });
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The settings the embedded bank of `variant` fills in.
    async fn settings_of(variant: Option<u64>) -> Value {
        let mut base = Target::embedded("altareq");
        base.variant = variant;
        let listen = "127.0.0.1:0".parse().expect("an address");
        let bank = start(base, FaultSet::none(), listen)
            .await
            .expect("the bank starts");
        bank.target.settings.clone().expect("settings")
    }

    #[tokio::test]
    async fn the_targets_variant_reaches_the_bank_and_its_settings_follow_its_data() {
        let canonical = settings_of(None).await;
        assert_eq!(
            canonical["authoriser"]["user_id"],
            "100001000000000000000002"
        );
        assert!(canonical.get("tolerances").is_none());
        let seeded = settings_of(Some(4)).await;
        let again = settings_of(Some(4)).await;
        for pointer in [
            "/authoriser/user_id",
            "/authoriser/account_ids",
            "/authoriser/debtor_account_id",
            "/payments",
            "/cop",
            "/tolerances",
        ] {
            assert_eq!(seeded.pointer(pointer), again.pointer(pointer), "{pointer}");
        }
        assert_ne!(
            seeded["authoriser"]["user_id"],
            canonical["authoriser"]["user_id"]
        );
        assert_ne!(
            seeded["authoriser"]["account_ids"],
            canonical["authoriser"]["account_ids"]
        );
        assert_ne!(
            seeded["payments"]["creditor"],
            canonical["payments"]["creditor"]
        );
        assert_ne!(seeded["cop"]["iban"], canonical["cop"]["iban"]);
    }
}
