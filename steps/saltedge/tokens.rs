//! Access-Tokens and request authorization: obtaining a token through Remote and Confirm, a ready
//! one, a revoked one; deliberately bad Authorization JWTs; the application whose certificate has
//! no permissions; and the Revoke answer.
//!
//! Every scenario obtains its own token (a revoked or expired token is never one another scenario
//! uses). Headers put in `next_headers` here are left alone by the family's decoration.

use cucumber::{given, then};
use serde_json::{Value, json};

use super::flow::{obtain_token, require_200};
use super::signing::{JWT_LIFETIME_SECONDS, foreign_signer};
use super::state;
use crate::http::RequestSpec;
use crate::world::{Failure, ObWorld, StepResult};

#[given("an Access-Token obtained through remote and confirm")]
async fn obtained(w: &mut ObWorld) -> StepResult {
    obtain_token(w, 90).await
}

#[given(
    regex = r"^an Access-Token obtained through remote and confirm with consent_period_days (\d+)$"
)]
async fn obtained_for(w: &mut ObWorld, days: i64) -> StepResult {
    obtain_token(w, days).await
}

#[given("an active Access-Token")]
async fn active(w: &mut ObWorld) -> StepResult {
    match state(w)?.access_token.clone() {
        Some(token) => {
            w.token = Some(token);
            Ok(())
        }
        None => obtain_token(w, 90).await,
    }
}

#[given("that Access-Token has been revoked")]
async fn revoked(w: &mut ObWorld) -> StepResult {
    let url = w.api_url("/tokens")?;
    w.send(RequestSpec::new("DELETE", url)).await?;
    require_200(w, "Revoke of the Access-Token this scenario starts from")
}

#[given("the next request's Authorization is a JWT whose exp is in the past")]
async fn expired_jwt(w: &mut ObWorld) -> StepResult {
    let exp = chrono::Utc::now().timestamp() - JWT_LIFETIME_SECONDS;
    let jwt = state(w)?
        .app
        .signer
        .jwt_with_exp(&json!({}), exp)
        .map_err(|e| {
            Failure::new(format!(
                "cannot sign a JWT with the application's private key (settings.private_key): {e}"
            ))
        })?;
    w.next_headers
        .push(("Authorization".into(), format!("Bearer {jwt}")));
    Ok(())
}

#[given(
    "the next request's Authorization is a JWT signed with a key that is not the application's"
)]
async fn foreign_jwt(w: &mut ObWorld) -> StepResult {
    let exp = chrono::Utc::now().timestamp() + JWT_LIFETIME_SECONDS;
    let jwt = foreign_signer()
        .await?
        .jwt_with_exp(&json!({}), exp)
        .map_err(|e| Failure::new(format!("cannot sign a JWT with the foreign key: {e}")))?;
    w.next_headers
        .push(("Authorization".into(), format!("Bearer {jwt}")));
    Ok(())
}

#[given("the next request comes from the application whose certificate has no permissions")]
async fn without_permissions(w: &mut ObWorld) -> StepResult {
    let s = state(w)?;
    let app = s.without_permissions.as_ref().ok_or_else(|| {
        Failure::new(
            "the target names no application whose certificate has no permissions (hint: settings.application_without_permissions)",
        )
    })?;
    let jwt = app
        .signer
        .request_jwt(&json!({}))
        .map_err(|e| {
            Failure::new(format!(
                "cannot sign a JWT with that application's private key (settings.application_without_permissions.private_key): {e}"
            ))
        })?;
    w.next_headers.push(("App-Id".into(), app.app_id.clone()));
    w.next_headers
        .push(("App-Secret".into(), app.app_secret.expose().to_string()));
    w.next_headers
        .push(("Authorization".into(), format!("Bearer {jwt}")));
    Ok(())
}

#[then("the revocation answer carries data.revoked true and the Access-Token")]
async fn revocation_answer(w: &mut ObWorld) -> StepResult {
    let sent = w
        .last()?
        .request_header("Access-Token")
        .ok_or_else(|| Failure::new("the request carried no Access-Token"))?
        .to_string();
    let json = w.last_json()?;
    let revoked = json.pointer("/data/revoked");
    let token = json.pointer("/data/access_token").and_then(Value::as_str);
    if revoked == Some(&Value::Bool(true)) && token == Some(sent.as_str()) {
        return Ok(());
    }
    Err(Failure::expected(
        "data.revoked true and data.access_token the revoked Access-Token",
        format!(
            "data.revoked {} and {}",
            revoked.cloned().unwrap_or(Value::Null),
            match token {
                Some(t) if t == sent => "the same access_token",
                Some(_) => "another access_token",
                None => "no access_token",
            }
        ),
    ))
}
