//! Trusted beneficiaries: the Index of a provider (provider_code in the request's data) and the
//! id of one beneficiary to Show.
//! These steps only read: they must never revoke or change the token they use.

use cucumber::{given, then, when};
use serde_json::{Value, json};

use super::flow::require_200;
use super::state;
use crate::http::{Body, RequestSpec};
use crate::world::{Failure, ObWorld, StepResult};

/// GET /trusted_beneficiaries for `provider_code`.
async fn list(w: &mut ObWorld, provider_code: String) -> StepResult {
    let url = w.api_url("/trusted_beneficiaries")?;
    let body = json!({ "data": { "provider_code": provider_code } });
    w.send(RequestSpec::new("GET", url).body(Body::Json(body)))
        .await?;
    Ok(())
}

#[when("the TPP lists the trusted beneficiaries of the provider")]
async fn list_of_provider(w: &mut ObWorld) -> StepResult {
    let code = state(w)?.provider_code.clone();
    list(w, code).await
}

#[when(regex = r#"^the TPP lists the trusted beneficiaries of provider "([^"]+)"$"#)]
async fn list_of(w: &mut ObWorld, code: String) -> StepResult {
    list(w, code).await
}

#[given("the id of a trusted beneficiary listed for the provider")]
async fn some_beneficiary(w: &mut ObWorld) -> StepResult {
    let code = state(w)?.provider_code.clone();
    list(w, code).await?;
    require_200(w, "Trusted beneficiaries Index of the provider")?;
    let json = w.last_json()?;
    let id = json
        .pointer("/data/0/id")
        .map(|id| match id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .ok_or_else(|| {
            Failure::expected(
                "at least one trusted beneficiary of the provider's sandbox customer",
                "an empty list",
            )
        })?;
    w.vars.insert("beneficiary".into(), id);
    Ok(())
}

#[then("every trusted beneficiary listed belongs to the provider")]
async fn all_of_provider(w: &mut ObWorld) -> StepResult {
    let code = state(w)?.provider_code.clone();
    let json = w.last_json()?;
    let Some(list) = json.get("data").and_then(Value::as_array) else {
        return Err(Failure::expected(
            "data: a list of beneficiaries",
            "no list",
        ));
    };
    for (i, item) in list.iter().enumerate() {
        let has_id = item.get("id").is_some_and(|v| !v.is_null());
        let of = item.get("provider_code").and_then(Value::as_str);
        if !has_id || of != Some(code.as_str()) {
            return Err(Failure::expected(
                format!("every beneficiary with an id and provider_code {code}"),
                format!(
                    "data[{i}]: id {}, provider_code {}",
                    item.get("id").cloned().unwrap_or(Value::Null),
                    of.unwrap_or("(none)")
                ),
            ));
        }
    }
    Ok(())
}
