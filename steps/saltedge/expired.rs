//! Expiry against any bank: the Access-Token and the session the target gives as already expired
//! (`settings.expired`), for the expiry rules that otherwise need the embedded bank's clock.
//!
//! A target without them cannot have these rules checked: the scenario ends "could not check"
//! with the setting to add, never a pass and never a bank failure.

use cucumber::{given, when};
use serde_json::{Map, Value, json};

use super::state;
use crate::http::{Body, RequestSpec};
use crate::world::{Failure, ObWorld, StepResult};

#[given("the Access-Token the target gives as already expired")]
async fn expired_token(w: &mut ObWorld) -> StepResult {
    let token = state(w)?.expired_access_token.clone().ok_or_else(|| {
        Failure::could_not_check(
            "the target gives no Access-Token that has already expired (hint: settings.expired.access_token: a token the bank issued to settings.app_id, past its expiry)",
        )
    })?;
    w.token = Some(token);
    Ok(())
}

#[given("the session the target gives as already expired")]
async fn expired_session(w: &mut ObWorld) -> StepResult {
    let secret = state(w)?.expired_session_secret.clone().ok_or_else(|| {
        Failure::could_not_check(
            "the target gives no session that has already expired (hint: settings.expired.session_secret: the session_secret of a session settings.app_id opened more than its lifetime ago)",
        )
    })?;
    w.vars.insert("session".into(), secret.expose().to_string());
    Ok(())
}

/// Confirms the session in `{session}` with every sandbox credential the target gives (the
/// session cannot be shown first: an expired session answers that too with its error).
#[when("the TPP confirms that session with the sandbox credentials")]
async fn confirm_expired(w: &mut ObWorld) -> StepResult {
    let s = state(w)?;
    let credentials: Map<String, Value> = s
        .sandbox_credentials
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.expose())))
        .collect();
    let url = w.api_url("/sessions/{session}")?;
    let body = json!({ "data": { "credentials": credentials } });
    w.send(RequestSpec::new("PUT", url).body(Body::Json(body)))
        .await?;
    Ok(())
}
