//! Trusted beneficiaries: the Index of a provider (provider_code in the request's data) and the
//! id of one beneficiary to Show, and an id above every one listed (to Show nothing).
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

/// The provider's Index, which must answer 200.
async fn listed(w: &mut ObWorld) -> Result<Value, Failure> {
    let code = state(w)?.provider_code.clone();
    list(w, code).await?;
    require_200(w, "Trusted beneficiaries Index of the provider")?;
    w.last_json()
}

#[given("the id of a trusted beneficiary listed for the provider")]
async fn some_beneficiary(w: &mut ObWorld) -> StepResult {
    let json = listed(w).await?;
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

/// An id for SE-TB-SHOW-02 taken from the bank's own answer: above every id the provider's Index
/// lists (and never below 999999999), in the same digits-only form, so that it is not one of the
/// bank's beneficiaries whatever ids the bank gives.
#[given("an id greater than that of every trusted beneficiary listed for the provider")]
async fn unknown_beneficiary(w: &mut ObWorld) -> StepResult {
    let json = listed(w).await?;
    let ids: Vec<String> = json
        .get("data")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|item| match item.get("id")? {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let id = id_above(&ids);
    w.note(format!(
        "the provider listed {} trusted beneficiaries; the unknown id asked for is {id}",
        ids.len()
    ));
    w.vars.insert("unknown-beneficiary".into(), id);
    Ok(())
}

/// A digits-only id above every digits-only id of `ids` and at least 999999999. Ids too long for
/// a u128 are outdone by one more digit.
fn id_above(ids: &[String]) -> String {
    let longest = ids.iter().map(String::len).max().unwrap_or(0);
    let numbers = ids.iter().filter_map(|id| id.parse::<u128>().ok());
    match numbers.max() {
        _ if longest > 38 => "9".repeat(longest + 1),
        Some(max) if max >= 999_999_999 => (max + 1).to_string(),
        _ => "999999999".to_string(),
    }
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

#[cfg(test)]
mod tests {
    use super::id_above;

    #[test]
    fn the_unknown_id_is_above_every_listed_one() {
        let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(id_above(&[]), "999999999");
        assert_eq!(id_above(&ids(&["12", "abc"])), "999999999");
        assert_eq!(id_above(&ids(&["999999999"])), "1000000000");
        assert_eq!(id_above(&ids(&["5000000000", "7"])), "5000000001");
        assert_eq!(id_above(&ids(&[&"1".repeat(40)])), "9".repeat(41));
    }
}
