//! ALT-DS-01 and ALT-DS-03: the consent read back with a client-credentials token, alone and in
//! the list of its base consent id, as the bank holds it after the PSU's authorisation.
//! These steps only read: they must never change a consent.

use chrono::DateTime;
use cucumber::{then, when};
use serde_json::Value;

use super::call::{self, As};
use super::consents;
use super::flow::{AIS, cc_token};
use super::oauth::Grants;
use crate::http::RequestSpec;
use crate::world::{Failure, ObWorld, StepResult};

/// GETs `{AIS}{path}`, `{id}` the current consent's id, with a client-credentials token;
/// `operation` names the call in the evidence.
async fn read_with_client_token(w: &mut ObWorld, path: &str, operation: &str) -> StepResult {
    let id = w.state_mut::<Grants>().current()?.consent_id.clone();
    let token = cc_token(w, "accounts openid").await?;
    let url = w.api_url(&format!("{AIS}{}", path.replace("{id}", &id)))?;
    let req = RequestSpec::new("GET", url).bearer(token);
    call::send(w, As::Client, req, &format!("GET {AIS}{operation}")).await?;
    Ok(())
}

#[when("the TPP reads the consent with a client-credentials token")]
async fn read_consent(w: &mut ObWorld) -> StepResult {
    read_with_client_token(
        w,
        "/account-access-consents/{id}",
        "/account-access-consents/{ConsentId}",
    )
    .await
}

#[when("the TPP lists the consents of its base consent id")]
async fn list_consents(w: &mut ObWorld) -> StepResult {
    read_with_client_token(
        w,
        "/account-access-consents?baseConsentId={id}",
        "/account-access-consents",
    )
    .await
}

/// The consent object of an answer: `Data`, or the object itself.
fn consent_data(v: &Value) -> &Value {
    v.get("Data").unwrap_or(v)
}

#[then("the consent is Authorized, with the permissions and the expiry asked for")]
async fn consent_authorised(w: &mut ObWorld) -> StepResult {
    let grant = w.state_mut::<Grants>().current()?.clone();
    let json = w.last_json()?;
    let data = consent_data(&json);
    let asked = &grant.detail["consent"];
    let id = data.get("ConsentId").and_then(Value::as_str).unwrap_or("");
    let status = data.get("Status").and_then(Value::as_str).unwrap_or("");
    let mut permissions = crate::steps::common::json::strings_at(data, "/Permissions");
    permissions.sort();
    let mut wanted: Vec<String> = consents::PERMISSIONS
        .iter()
        .map(|s| s.to_string())
        .collect();
    wanted.sort();
    let instant = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
    };
    let same_expiry = instant(data.get("ExpirationDateTime")).is_some()
        && instant(data.get("ExpirationDateTime")) == instant(asked.get("ExpirationDateTime"));
    if id == grant.consent_id && status == "Authorized" && permissions == wanted && same_expiry {
        Ok(())
    } else {
        Err(Failure::expected(
            format!(
                "ConsentId {}, Status Authorized, Permissions {wanted:?}, ExpirationDateTime {}",
                grant.consent_id, asked["ExpirationDateTime"]
            ),
            format!(
                "ConsentId {id}, Status {status}, Permissions {permissions:?}, ExpirationDateTime {}",
                data.get("ExpirationDateTime")
                    .cloned()
                    .unwrap_or(Value::Null)
            ),
        ))
    }
}

#[then("the list holds the consent as Authorized")]
async fn list_holds(w: &mut ObWorld) -> StepResult {
    let id = w.state_mut::<Grants>().current()?.consent_id.clone();
    let json = w.last_json()?;
    let items = json
        .as_array()
        .or_else(|| json.get("Data").and_then(Value::as_array))
        .cloned()
        .unwrap_or_default();
    let found = items
        .iter()
        .map(consent_data)
        .find(|d| d.get("ConsentId").and_then(Value::as_str) == Some(id.as_str()));
    match found.and_then(|d| d.get("Status")).and_then(Value::as_str) {
        Some("Authorized") => Ok(()),
        Some(other) => Err(Failure::expected(
            format!("consent {id} Authorized"),
            format!("Status {other}"),
        )),
        None => Err(Failure::expected(
            format!("consent {id} in the list"),
            format!("{} consents, not it", items.len()),
        )),
    }
}
