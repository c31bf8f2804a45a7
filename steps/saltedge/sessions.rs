//! Remote (initiating the authentication on behalf of the PSU) and the session it opens: Show,
//! Confirm with the sandbox credentials, and the checks on what a session answers.
//! A session secret is registered for redaction the moment it is known and must never be printed;
//! confirming uses the kept session's own fields, never a hard-coded provider's.

use super::flow::{
    RemoteRequest, Sessions, asked_credentials, confirm, keep_session_secret, open_session, remote,
    session_token,
};
use super::state;
use crate::world::{Failure, ObWorld, StepResult};
use cucumber::{given, then, when};
use serde_json::{Map, Value};

/// A field name no provider asks for.
const UNASKED_FIELD: &str = "obconf_field_not_asked_for";
/// Confirm rounds before the TPP stops trying to end a session.
const MAX_ROUNDS: usize = 6;

#[when("the TPP initiates a remote authentication at the provider")]
async fn remote_default(w: &mut ObWorld) -> StepResult {
    let r = RemoteRequest::defaults(w)?;
    remote(w, r).await
}

#[when(
    regex = r"^the TPP initiates a remote authentication at the provider with consent_period_days (\d+)$"
)]
async fn remote_days(w: &mut ObWorld, days: i64) -> StepResult {
    let mut r = RemoteRequest::defaults(w)?;
    r.consent_period_days = days;
    remote(w, r).await
}

#[when(
    regex = r#"^the TPP initiates a remote authentication at the provider with the scopes "([^"]*)"$"#
)]
async fn remote_scopes(w: &mut ObWorld, scopes: String) -> StepResult {
    let mut r = RemoteRequest::defaults(w)?;
    r.scopes = scopes
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    remote(w, r).await
}

#[when(regex = r#"^the TPP initiates a remote authentication at provider "([^"]+)"$"#)]
async fn remote_at(w: &mut ObWorld, code: String) -> StepResult {
    let mut r = RemoteRequest::defaults(w)?;
    r.provider_code = code;
    remote(w, r).await
}

#[when("the TPP initiates a remote authentication at the provider that has not approved the TPP")]
async fn remote_unapproved(w: &mut ObWorld) -> StepResult {
    let code = state(w)?.unapproved_provider_code.clone().ok_or_else(|| {
        Failure::new(
            "the target names no provider that has not approved this TPP (hint: settings.unapproved_provider_code)",
        )
    })?;
    let mut r = RemoteRequest::defaults(w)?;
    r.provider_code = code;
    remote(w, r).await
}

#[then("the response carries a session_secret")]
async fn carries_session_secret(w: &mut ObWorld) -> StepResult {
    keep_session_secret(w).map(|_| ())
}

#[given("a session just created through remote")]
async fn session_created(w: &mut ObWorld) -> StepResult {
    open_session(w, 90).await
}

#[when("the TPP confirms the session with the sandbox credentials it asks for")]
async fn confirm_asked(w: &mut ObWorld) -> StepResult {
    let credentials = asked_credentials(w).await?;
    confirm(w, credentials).await
}

#[when("the TPP confirms the session with a credential field it does not ask for")]
async fn confirm_unasked(w: &mut ObWorld) -> StepResult {
    let mut credentials = Map::new();
    credentials.insert(UNASKED_FIELD.into(), Value::from("1"));
    confirm(w, credentials).await
}

#[when(
    "the TPP keeps confirming the session with the sandbox credentials until it asks for nothing more"
)]
async fn confirm_to_the_end(w: &mut ObWorld) -> StepResult {
    for _ in 0..MAX_ROUNDS {
        let credentials = asked_credentials(w).await?;
        if credentials.is_empty() || w.last()?.status() != Some(200) {
            break;
        }
        confirm(w, credentials).await?;
    }
    Ok(())
}

/// The status of the last session shown (`before`: of the one shown before it).
fn status_of(w: &ObWorld, before: bool) -> Value {
    w.state::<Sessions>()
        .and_then(|s| {
            if before {
                s.before.as_ref()
            } else {
                s.last.as_ref()
            }
        })
        .and_then(|s| s.get("status"))
        .cloned()
        .unwrap_or(Value::Null)
}

#[then("the session shown is the one created")]
async fn shown_is_created(w: &mut ObWorld) -> StepResult {
    let secret = w.vars.get("session").cloned().unwrap_or_default();
    let json = w.last_json()?;
    match json.pointer("/data/secret").and_then(Value::as_str) {
        Some(s) if s == secret => Ok(()),
        Some(_) => Err(Failure::expected(
            "data.secret the secret Remote answered",
            "another secret",
        )),
        None => Err(Failure::expected("data.secret", "none")),
    }
}

#[then("the session has moved on from its previous status")]
async fn moved_on(w: &mut ObWorld) -> StepResult {
    let (before, now) = (status_of(w, true), status_of(w, false));
    if before.is_null() || now.is_null() {
        return Err(Failure::new(
            "no two session states to compare: Show, then Confirm, must both have answered 200",
        ));
    }
    if before != now {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("a status other than {before} after Confirm"),
            format!("status {now}"),
        ))
    }
}

#[then("the session has ended with a token")]
async fn ended_with_token(w: &mut ObWorld) -> StepResult {
    if session_token(w).is_some() {
        Ok(())
    } else {
        Err(Failure::expected(
            "a session with data.token.access_token",
            format!("status {} and no token", status_of(w, false)),
        ))
    }
}

#[then("the answer names the session in data.session_secret")]
async fn names_session(w: &mut ObWorld) -> StepResult {
    let secret = w.vars.get("session").cloned().unwrap_or_default();
    let json = w.last_json()?;
    match json.pointer("/data/session_secret").and_then(Value::as_str) {
        Some(s) if s == secret => Ok(()),
        Some(_) => Err(Failure::expected(
            "data.session_secret the session's secret",
            "another secret",
        )),
        None => Err(Failure::expected("data.session_secret", "none")),
    }
}
