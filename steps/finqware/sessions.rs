//! Starting an onboarding session (`POST /sessions` with client_id, client_app_key and skill), with
//! the tenant app's own credentials or with credentials Finqware must refuse, and the checks on
//! what comes back.
//!
//! The client_app_key is only ever taken from the run's state as a `Secret` at the moment the body
//! is built; the World keeps only which key to send, never the key itself.

use cucumber::{given, then, when};
use serde_json::json;

use super::outcome::{Outcome, expect, succeeded};
use super::run;
use super::walk::{SessionState, Which, text};
use crate::http::{Body, RequestSpec};
use crate::world::{Failure, ObWorld, StepResult};

/// The credentials of the next `POST /sessions`: the tenant app's unless a step says otherwise.
#[derive(Clone, Debug, Default)]
struct Credentials {
    /// A client_id Finqware never registered, instead of the tenant app's.
    unknown_client_id: Option<String>,
    /// A client_app_key the tenant app was never given, instead of its own.
    wrong_app_key: Option<String>,
}

impl Credentials {
    fn of(w: &ObWorld) -> Self {
        w.state::<Self>().cloned().unwrap_or_default()
    }

    fn keep(self, w: &mut ObWorld) {
        w.keep_state(self);
    }
}

/// Which skill a session is started for.
#[derive(Clone, Copy, Debug)]
enum SkillChoice {
    SingleStep,
    MultiStep,
    Unknown,
    Unregistered,
}

impl SkillChoice {
    fn parse(shape: &str) -> Self {
        if shape == "multi" {
            SkillChoice::MultiStep
        } else {
            SkillChoice::SingleStep
        }
    }
}

/// Sends `POST /sessions` for `skill`; a created session becomes the scenario's `which` session.
async fn start(w: &mut ObWorld, skill: SkillChoice, which: Which) -> StepResult {
    let run = run(w)?;
    let credentials = Credentials::of(w);
    let name = match skill {
        SkillChoice::SingleStep => run.single_step.skill.clone(),
        SkillChoice::MultiStep => run.multi_step.skill.clone(),
        SkillChoice::Unknown => run.unknown_skill.clone(),
        SkillChoice::Unregistered => run.unregistered_skill.clone(),
    };
    let body = json!({
        "client_id": credentials.unknown_client_id.unwrap_or_else(|| run.client_id.clone()),
        "client_app_key": credentials
            .wrong_app_key
            .as_deref()
            .unwrap_or_else(|| run.app_key.expose()),
        "skill": name,
    });
    let url = w.api_url("/sessions")?;
    let e = w
        .send(RequestSpec::new("POST", url).body(Body::Json(body)))
        .await?;
    let created = succeeded(e.status());
    let answer = e.json().unwrap_or_default();
    if let (true, Some(session_id)) = (created, text(&answer, "session_id")) {
        SessionState {
            session_id,
            multi_step: matches!(skill, SkillChoice::MultiStep),
            nonce: text(&answer, "nonce"),
            ..SessionState::default()
        }
        .save(w, which);
    }
    Ok(())
}

#[given("the tenant app with its client_id and client_app_key")]
async fn own_credentials(w: &mut ObWorld) {
    Credentials::default().keep(w);
}

#[given("the tenant app with its client_id and a client_app_key it was never given")]
async fn wrong_key(w: &mut ObWorld) {
    Credentials {
        wrong_app_key: Some(format!("never-issued-{}", uuid::Uuid::new_v4().simple())),
        ..Credentials::default()
    }
    .keep(w);
}

#[given("a client_id Finqware never registered, with the tenant app's client_app_key")]
async fn unknown_client(w: &mut ObWorld) {
    Credentials {
        unknown_client_id: Some(format!(
            "never-registered-{}",
            uuid::Uuid::new_v4().simple()
        )),
        ..Credentials::default()
    }
    .keep(w);
}

#[when(regex = r"^the tenant app starts a session for the (single|multi)-step sandbox skill$")]
async fn starts(w: &mut ObWorld, shape: String) -> StepResult {
    start(w, SkillChoice::parse(&shape), Which::This).await
}

#[when("the tenant app starts a session for a skill that is not in the catalog")]
async fn starts_unknown(w: &mut ObWorld) -> StepResult {
    start(w, SkillChoice::Unknown, Which::This).await
}

#[when("the tenant app starts a session for a catalog skill it has not registered")]
async fn starts_unregistered(w: &mut ObWorld) -> StepResult {
    start(w, SkillChoice::Unregistered, Which::This).await
}

#[given(
    regex = r"^the tenant app has started (a|another) session for the (single|multi)-step sandbox skill$"
)]
async fn has_started(w: &mut ObWorld, which: String, shape: String) -> StepResult {
    let which = if which == "another" {
        Which::Other
    } else {
        Which::This
    };
    start(w, SkillChoice::parse(&shape), which).await?;
    expect(w, Outcome::SessionCreated)?;
    let state = SessionState::load(w, which)
        .map_err(|_| Failure::expected("a session_id in the answer", "none"))?;
    if state.nonce.is_none() {
        return Err(Failure::expected("a nonce in the answer", "none"));
    }
    Ok(())
}

#[then("Finqware creates the session")]
async fn creates(w: &mut ObWorld) -> StepResult {
    expect(w, Outcome::SessionCreated)
}

#[then("Finqware refuses the session as unauthorised")]
async fn refuses_credentials(w: &mut ObWorld) -> StepResult {
    expect(w, Outcome::CredentialsRefused)
}

#[then("Finqware refuses the session for a skill that is not in the catalog")]
async fn refuses_unknown(w: &mut ObWorld) -> StepResult {
    expect(w, Outcome::UnknownSkill)
}

#[then("Finqware refuses the session for a skill the tenant app has not registered")]
async fn refuses_unregistered(w: &mut ObWorld) -> StepResult {
    expect(w, Outcome::SkillNotRegistered)
}

/// Without an endpoint to list sessions, "no session is created" is what the tenant app can see:
/// the refusal hands out neither a session_id nor a nonce to go on with.
#[then("Finqware creates no session")]
async fn creates_none(w: &mut ObWorld) -> StepResult {
    let answer = w.last()?.json().unwrap_or_default();
    let handed: Vec<&str> = ["session_id", "nonce"]
        .into_iter()
        .filter(|m| text(&answer, m).is_some())
        .collect();
    if handed.is_empty() {
        Ok(())
    } else {
        Err(Failure::expected(
            "no session_id and no nonce in the refusal",
            format!("{} in it", handed.join(" and ")),
        ))
    }
}
