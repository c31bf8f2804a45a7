//! Forwarding the PSU's consent (PUT /consents), the "mixed" consent model of the document.

use cucumber::{given, when};
use serde_json::{Value, json};

use super::ibans_of;
use crate::http::{Body, RequestSpec};
use crate::world::{Failure, ObWorld, StepResult};

fn access(ibans: &[String]) -> Value {
    Value::Array(ibans.iter().map(|i| json!({ "iban": i })).collect())
}

/// Sends a PUT /consents with the scenario's current token.
async fn put_consent(w: &mut ObWorld, body: Value) -> StepResult {
    let url = w.api_url("/consents")?;
    w.send(RequestSpec::new("PUT", url).body(Body::Json(body)))
        .await?;
    Ok(())
}

/// Sends the consent with the persona's aisp token and requires the documented 201: a Given that
/// cannot establish its state must stop the scenario, saying so.
async fn establish(w: &mut ObWorld, persona: &str, body: Value) -> StepResult {
    let token = w.persona_token(persona, "aisp").await?;
    let url = w.api_url("/consents")?;
    let e = w
        .send(
            RequestSpec::new("PUT", url)
                .bearer(token)
                .body(Body::Json(body)),
        )
        .await?;
    if e.status() == Some(201) {
        Ok(())
    } else {
        Err(Failure::expected(
            "HTTP 201 to the consent this scenario starts from",
            format!("HTTP {}", e.status().unwrap_or(0)),
        ))
    }
}

fn full_consent(w: &ObWorld, persona: &str, identity: bool) -> Value {
    let ibans = ibans_of(w, persona);
    json!({
        "balances": access(&ibans),
        "transactions": access(&ibans),
        "psuIdentity": identity,
        "trustedBeneficiaries": false,
    })
}

#[given(
    regex = r"^(\w+) has forwarded (?:her|his|its) consent to balances and transactions on all (?:her|his|its) accounts$"
)]
async fn has_consented(w: &mut ObWorld, persona: String) -> StepResult {
    let body = full_consent(w, &persona, false);
    establish(w, &persona, body).await
}

#[given(
    regex = r"^(\w+) has forwarded (?:her|his|its) consent to balances, transactions and (?:her|his|its) identity$"
)]
async fn has_consented_with_identity(w: &mut ObWorld, persona: String) -> StepResult {
    let body = full_consent(w, &persona, true);
    establish(w, &persona, body).await
}

#[given(regex = r"^(\w+) has revoked every account by forwarding a consent with no account$")]
async fn has_revoked(w: &mut ObWorld, persona: String) -> StepResult {
    establish(w, &persona, json!({ "psuIdentity": false })).await
}

#[when(
    regex = r"^(\w+)'s consent to balances and transactions on all (?:her|his|its) accounts is forwarded$"
)]
async fn forwards_consent(w: &mut ObWorld, persona: String) -> StepResult {
    let body = full_consent(w, &persona, false);
    put_consent(w, body).await
}

#[when(regex = r"^a consent with no account at all is forwarded for (\w+)$")]
async fn forwards_empty(w: &mut ObWorld, _persona: String) -> StepResult {
    put_consent(w, json!({ "psuIdentity": false })).await
}

#[when(
    regex = r#"^a consent keeping balances and dropping transactions on (\w+)'s "([\w-]+)" account is forwarded$"#
)]
async fn forwards_balances_only(w: &mut ObWorld, persona: String, role: String) -> StepResult {
    let iban = super::iban_of(w, &persona, &role)?;
    put_consent(
        w,
        json!({ "balances": [{ "iban": iban }], "transactions": [], "psuIdentity": false }),
    )
    .await
}

#[when(
    regex = r#"^a consent to balances and transactions on (\w+)'s "([\w-]+)" account only is forwarded$"#
)]
async fn forwards_one_account(w: &mut ObWorld, persona: String, role: String) -> StepResult {
    let iban = super::iban_of(w, &persona, &role)?;
    put_consent(
        w,
        json!({
            "balances": [{ "iban": iban }],
            "transactions": [{ "iban": iban }],
            "psuIdentity": false,
        }),
    )
    .await
}
