//! The Salt Edge authorization flow as a TPP drives it: Remote opens a session, Show tells what the
//! session asks for, Confirm answers with the sandbox credentials, until the session ends with an
//! Access-Token. Steps use these helpers to send the requests and to set up their own state.
//!
//! The session's secret is kept as the `{session}` variable and the last session seen in the
//! typed [`Sessions`] state; secrets and tokens met on the way are registered for redaction. Helpers that
//! set up state fail with what the scenario needed and what came; they must never print a secret.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::state;
use crate::http::{Body, RequestSpec};
use crate::target::Secret;
use crate::world::{Failure, ObWorld, StepResult};

/// The most Confirm rounds a session may take before the helper gives up.
const MAX_ROUNDS: usize = 6;
/// How long to wait before showing again a session that asks for nothing yet.
const POLL_PAUSE: std::time::Duration = std::time::Duration::from_millis(300);
/// Session statuses after which nothing more will happen.
const ENDED: &[&str] = &[
    "success",
    "failed",
    "canceled",
    "cancelled",
    "expired",
    "closed",
];

/// The most provider pages read when looking for the provider's sandbox credentials.
const MAX_PAGES: usize = 20;

/// The body of a Remote request.
pub(super) struct RemoteRequest {
    pub provider_code: String,
    pub scopes: Vec<String>,
    pub consent_period_days: i64,
}

impl RemoteRequest {
    /// The target's provider and scopes, for the document's 90 days.
    pub(super) fn defaults(w: &ObWorld) -> Result<Self, Failure> {
        let s = state(w)?;
        Ok(Self {
            provider_code: s.provider_code.clone(),
            scopes: s.scopes.clone(),
            consent_period_days: 90,
        })
    }
}

/// Sends POST /tokens/remote; the answer is the scenario's last exchange.
pub(super) async fn remote(w: &mut ObWorld, r: RemoteRequest) -> StepResult {
    let s = state(w)?;
    let mut credentials = Map::new();
    if let Some(kind) = &s.authorization_type {
        credentials.insert("authorization_type".into(), Value::from(kind.clone()));
    }
    let body = json!({ "data": {
        "provider_code": r.provider_code,
        "scopes": r.scopes,
        "redirect_url": s.redirect_url,
        "consent_period_days": r.consent_period_days,
        "credentials": credentials,
    }});
    let url = w.api_url("/tokens/remote")?;
    w.send(RequestSpec::new("POST", url).body(Body::Json(body)))
        .await?;
    Ok(())
}

/// The `data.session_secret` of the last answer, kept as `{session}` and registered for redaction.
pub(super) fn keep_session_secret(w: &mut ObWorld) -> Result<String, Failure> {
    let json = w.last_json()?;
    let secret = json
        .pointer("/data/session_secret")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Failure::expected(
                "data.session_secret",
                format!(
                    "HTTP {} without it",
                    w.last().ok().and_then(|e| e.status()).unwrap_or(0)
                ),
            )
        })?
        .to_string();
    crate::redact::register(&secret);
    w.vars.insert("session".into(), secret.clone());
    Ok(secret)
}

/// Keeps the session of a 200 answer (registering its token), remembering the one before it.
fn keep_session(w: &mut ObWorld) -> Result<(), Failure> {
    let e = w.last()?;
    if e.status() != Some(200) {
        return Ok(());
    }
    let session = w.last_json()?.get("data").cloned().unwrap_or(Value::Null);
    if let Some(token) = session
        .pointer("/token/access_token")
        .and_then(Value::as_str)
    {
        crate::redact::register(token);
    }
    let kept = w.state_mut::<Sessions>();
    kept.before = kept.last.replace(session);
    Ok(())
}

/// The last session the bank showed (its `data`), and the one shown before it.
#[derive(Clone, Debug, Default)]
pub(super) struct Sessions {
    pub last: Option<Value>,
    pub before: Option<Value>,
}

/// The last session shown, or `null`.
pub(super) fn last_session(w: &ObWorld) -> &Value {
    w.state::<Sessions>()
        .and_then(|s| s.last.as_ref())
        .unwrap_or(&Value::Null)
}

/// Opens a session through Remote with the target's defaults and shows it; fails unless both
/// answer 200.
pub(super) async fn open_session(w: &mut ObWorld, consent_period_days: i64) -> StepResult {
    let mut r = RemoteRequest::defaults(w)?;
    r.consent_period_days = consent_period_days;
    remote(w, r).await?;
    require_200(
        w,
        "Remote, which opens the session this scenario starts from",
    )?;
    keep_session_secret(w)?;
    show_session(w).await?;
    require_200(w, "Sessions Show of the session just created")
}

/// GET /sessions/{session}, keeping what it shows.
pub(super) async fn show_session(w: &mut ObWorld) -> StepResult {
    let url = w.api_url("/sessions/{session}")?;
    w.send(RequestSpec::new("GET", url)).await?;
    keep_session(w)
}

/// PUT /sessions/{session} with these credentials, keeping the session it answers with.
pub(super) async fn confirm(w: &mut ObWorld, credentials: Map<String, Value>) -> StepResult {
    let url = w.api_url("/sessions/{session}")?;
    let body = json!({ "data": { "credentials": credentials } });
    w.send(RequestSpec::new("PUT", url).body(Body::Json(body)))
        .await?;
    keep_session(w)
}

/// The codes of the fields the kept session asks for (required fields, else MFA fields), with
/// whether each is optional.
fn asked_fields(session: &Value) -> Vec<(String, bool)> {
    let details = &session["authorization_details"];
    ["required_fields", "mfa_fields"]
        .iter()
        .filter_map(|k| details.get(*k).and_then(Value::as_array))
        .flatten()
        .filter_map(|f| {
            let code = f.get("code")?.as_str()?.to_string();
            let optional = matches!(f.get("optional"), Some(Value::Bool(true)))
                || f.get("optional").and_then(Value::as_str) == Some("true");
            Some((code, optional))
        })
        .collect()
}

/// The credentials for what the kept session asks for, from the sandbox credentials.
pub(super) async fn asked_credentials(w: &mut ObWorld) -> Result<Map<String, Value>, Failure> {
    let session = last_session(w).clone();
    let values = sandbox_credentials(w).await?;
    let mut credentials = Map::new();
    for (code, optional) in asked_fields(&session) {
        match values.get(&code) {
            Some(v) => {
                credentials.insert(code, Value::from(v.clone()));
            }
            None if optional => {}
            None => {
                return Err(Failure::new(format!(
                    "the session asks for `{code}` and no sandbox credential has that code (hint: settings.sandbox_credentials.{code})"
                )));
            }
        }
    }
    Ok(credentials)
}

/// Confirms with what the session asks for until it gives a token; fails otherwise.
pub(super) async fn confirm_until_token(w: &mut ObWorld) -> Result<Secret, Failure> {
    for _ in 0..MAX_ROUNDS {
        if let Some(token) = session_token(w) {
            return Ok(token);
        }
        let credentials = asked_credentials(w).await?;
        if !credentials.is_empty() {
            confirm(w, credentials).await?;
            require_200(
                w,
                "Confirm with the sandbox credentials the session asks for",
            )?;
        } else if still_working(w) {
            // "Due to the asynchronous nature of requests": a session that asks for nothing yet
            // and has not ended is shown again a moment later.
            tokio::time::sleep(POLL_PAUSE).await;
            show_session(w).await?;
            require_200(w, "Sessions Show of the session being authorized")?;
        } else {
            break;
        }
    }
    session_token(w).ok_or_else(|| {
        let status = last_session(w)
            .get("status")
            .cloned()
            .unwrap_or(Value::Null);
        Failure::expected(
            "a session that ends with a token after Confirm with the sandbox credentials",
            format!("status {status} and no token"),
        )
    })
}

/// Whether the kept session has not ended (its status is none of [`ENDED`]).
fn still_working(w: &ObWorld) -> bool {
    last_session(w)
        .get("status")
        .and_then(Value::as_str)
        .is_some_and(|status| !ENDED.contains(&status))
}

/// The token of the kept session, if it has one.
pub(super) fn session_token(w: &ObWorld) -> Option<Secret> {
    last_session(w)
        .pointer("/token/access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(Secret::new)
}

/// A fresh Access-Token through Remote and Confirm, made the scenario's token.
pub(super) async fn obtain_token(w: &mut ObWorld, consent_period_days: i64) -> StepResult {
    open_session(w, consent_period_days).await?;
    let token = confirm_until_token(w).await?;
    w.token = Some(token);
    Ok(())
}

/// Fails unless the last answer is 200, naming what the scenario needed it for.
pub(super) fn require_200(w: &ObWorld, what: &str) -> StepResult {
    let status = w.last()?.status().unwrap_or(0);
    if status == 200 {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("HTTP 200 to {what}"),
            format!("HTTP {status}"),
        ))
    }
}

/// The sandbox credentials by field code: the target's own, else those the provider publishes in
/// the Providers Index (fetched once per run).
async fn sandbox_credentials(w: &mut ObWorld) -> Result<BTreeMap<String, String>, Failure> {
    let s = state(w)?;
    if !s.sandbox_credentials.is_empty() {
        return Ok(s
            .sandbox_credentials
            .iter()
            .map(|(k, v)| (k.clone(), v.expose().to_string()))
            .collect());
    }
    let mut published = s.published_credentials.lock().await;
    if let Some(values) = published.as_ref() {
        return Ok(values.clone());
    }
    let provider = find_provider(w, &s.provider_code).await?;
    let types = provider["authorization_types"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let chosen = match &s.authorization_type {
        Some(code) => types.iter().find(|t| t["code"].as_str() == Some(code)),
        None => types.first(),
    }
    .ok_or_else(|| {
        Failure::new(format!(
            "provider {} publishes no authorization type to take sandbox credentials from (hint: settings.sandbox_credentials)",
            s.provider_code
        ))
    })?;
    let mut values = BTreeMap::new();
    for kind in ["required_fields", "mfa_fields"] {
        for field in chosen["sandbox_credentials"][kind]
            .as_array()
            .into_iter()
            .flatten()
        {
            let value = match &field["example"] {
                Value::String(v) => v.clone(),
                Value::Null => continue,
                other => other.to_string(),
            };
            if let Some(code) = field["code"].as_str() {
                values.insert(code.to_string(), value);
            }
        }
    }
    *published = Some(values.clone());
    Ok(values)
}

/// The provider `code` as the Providers Index lists it, walking the pages.
async fn find_provider(w: &mut ObWorld, code: &str) -> Result<Value, Failure> {
    let mut path = "/providers?per_page=1000".to_string();
    for _ in 0..MAX_PAGES {
        let url = w.api_url(&path)?;
        w.send(RequestSpec::new("GET", url)).await?;
        require_200(
            w,
            "the Providers Index, where the sandbox credentials are published",
        )?;
        let json = w.last_json()?;
        if let Some(found) = json["data"]
            .as_array()
            .and_then(|list| list.iter().find(|p| p["code"].as_str() == Some(code)))
        {
            return Ok(found.clone());
        }
        match json.pointer("/meta/next_id") {
            Some(Value::Number(next)) => path = format!("/providers?per_page=1000&from_id={next}"),
            _ => break,
        }
    }
    Err(Failure::new(format!(
        "provider {code} is not in the Providers Index (hint: settings.provider_code, or settings.sandbox_credentials)"
    )))
}
