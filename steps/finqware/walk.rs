//! Walking a session step by step (`POST /sessions/{session_id}/steps`), each step presenting the
//! nonce of the previous answer, and the checks on each answer.
//!
//! The tenant app's view of a session (its id, the nonce to present next, the nonces it already
//! presented, how many steps were accepted) is kept in the scenario's World. It moves on only when
//! Finqware accepts a step, so a refused step leaves it where it was: the next step with the right
//! nonce then proves that Finqware's session did not move either (the document has no endpoint to
//! read a session back). This file must never put a nonce in `vars`, which debugging output shows.

use cucumber::{given, then, when};

use serde_json::{Value, json};

use super::outcome::{Outcome, expect, succeeded};
use super::settings::SkillPlan;
use super::{FinqwareRun, run};
use crate::http::{Body, RequestSpec};
use crate::world::{Failure, ObWorld, StepResult};

/// Which of the scenario's sessions a step speaks of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Which {
    /// "the session".
    This,
    /// "the other session".
    Other,
}

/// The scenario's sessions, as the tenant app sees them (typed World state).
#[derive(Clone, Debug, Default)]
struct Sessions {
    this: Option<SessionState>,
    other: Option<SessionState>,
}

impl Sessions {
    fn slot(&mut self, which: Which) -> &mut Option<SessionState> {
        match which {
            Which::This => &mut self.this,
            Which::Other => &mut self.other,
        }
    }
}

/// Which session the last step went to (typed World state).
#[derive(Clone, Copy, Debug)]
struct LastSession(Which);

/// What went wrong while walking a session to its end, if anything (typed World state).
#[derive(Clone, Debug)]
struct WalkProblem(Option<String>);

/// The tenant app's view of one session.
#[derive(Clone, Debug, Default)]
pub(super) struct SessionState {
    pub session_id: String,
    /// Whether it is a session of the multi-step skill (else the single-step one).
    pub multi_step: bool,
    /// The nonce to present with the next step, from the last answer that carried one.
    pub nonce: Option<String>,
    /// The nonces presented with accepted steps, oldest first.
    pub used: Vec<String>,
    /// How many steps Finqware accepted.
    pub done: usize,
    /// The step_id of the last accepted step.
    pub last_step_id: Option<String>,
    /// Where this bank gave the nonce after an upload-requiring step, once seen: the document
    /// allows both readings, and the evidence says which one the bank follows.
    pub nonce_reading: Option<NonceReading>,
}

/// The two readings of where the nonce after an upload-requiring step comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NonceReading {
    /// In the answer to the step itself.
    StepAnswer,
    /// In the answer to the step's upload (the step's own answer carries none).
    UploadAnswer,
}

impl NonceReading {
    pub fn describe(self) -> &'static str {
        match self {
            NonceReading::StepAnswer => "in the upload-requiring step's own answer",
            NonceReading::UploadAnswer => "in the answer to the step's upload",
        }
    }
}

impl SessionState {
    pub fn load(w: &ObWorld, which: Which) -> Result<Self, Failure> {
        w.state::<Sessions>()
            .and_then(|s| match which {
                Which::This => s.this.clone(),
                Which::Other => s.other.clone(),
            })
            .ok_or_else(|| {
                Failure::new(format!(
                    "no {} has been started: begin with `Given the tenant app has started {} session for the multi-step sandbox skill`",
                    if which == Which::This { "session" } else { "other session" },
                    if which == Which::This { "a" } else { "another" },
                ))
            })
    }

    pub fn save(&self, w: &mut ObWorld, which: Which) {
        *w.state_mut::<Sessions>().slot(which) = Some(self.clone());
    }

    pub fn plan<'a>(&self, run: &'a FinqwareRun) -> &'a SkillPlan {
        if self.multi_step {
            &run.multi_step
        } else {
            &run.single_step
        }
    }
}

/// Which nonce a step presents.
#[derive(Clone, Copy, Debug)]
enum Presenting {
    /// The nonce of the session's previous answer.
    Previous,
    /// The nonce the session's last accepted step already presented.
    AlreadyUsed,
    /// The other session's current nonce.
    OtherSessions,
}

/// Submits `which` session's next step presenting `nonce`, and moves the session on when
/// Finqware accepts it.
async fn submit(w: &mut ObWorld, which: Which, nonce: Presenting) -> StepResult {
    let mut state = SessionState::load(w, which)?;
    let run = run(w)?;
    let plan = state.plan(&run);
    let step = plan.steps.get(state.done).ok_or_else(|| {
        Failure::new(format!(
            "the session went through all {} steps the target lists for skill `{}`",
            plan.steps.len(),
            plan.skill
        ))
    })?;
    let presented = match nonce {
        Presenting::Previous => state.nonce.clone().ok_or_else(|| {
            Failure::expected(
                "a nonce in the previous answer (after an upload-requiring step: in the step's answer or in its upload's)",
                "none to present",
            )
        })?,
        Presenting::AlreadyUsed => state
            .used
            .last()
            .cloned()
            .ok_or_else(|| Failure::new("no step has presented a nonce yet"))?,
        Presenting::OtherSessions => SessionState::load(w, Which::Other)?
            .nonce
            .ok_or_else(|| Failure::new("the other session has no nonce to present"))?,
    };
    let body = json!({
        "client_id": run.client_id,
        "nonce": presented,
        "skill": plan.skill,
        "step": step.step,
        "data": step.data,
    });
    let url = w.api_url(&format!("/sessions/{}/steps", state.session_id))?;
    w.keep_state(LastSession(which));
    let e = w
        .send(RequestSpec::new("POST", url).body(Body::Json(body)))
        .await?;
    if succeeded(e.status()) {
        let answer = e.json().unwrap_or(Value::Null);
        state.used.push(presented);
        state.nonce = text(&answer, "nonce");
        state.last_step_id = text(&answer, "step_id");
        state.done += 1;
        state.save(w, which);
    }
    Ok(())
}

/// A non-empty string member of `answer`.
pub(super) fn text(answer: &Value, member: &str) -> Option<String> {
    answer
        .get(member)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
}

/// The session the last step went to.
fn last_session(w: &ObWorld) -> Which {
    w.state::<LastSession>().map_or(Which::This, |l| l.0)
}

/// The last answer accepts a step: a 2xx with a step_id and, when `new_nonce`, a nonce that no
/// step of the session presented before. After a step that asks for an upload, the document
/// leaves open whether that nonce is in the step's answer or in the upload's: both are accepted
/// here, and [`holds_new_nonce`] checks it once the upload is answered.
fn accepted(w: &mut ObWorld, new_nonce: bool) -> StepResult {
    expect(w, Outcome::StepAccepted)?;
    let answer = w.last_json()?;
    if text(&answer, "step_id").is_none() {
        return Err(Failure::expected("a step_id in the answer", "none"));
    }
    if new_nonce {
        let which = last_session(w);
        let mut state = SessionState::load(w, which)?;
        let run = run(w)?;
        let asks_upload = state
            .done
            .checked_sub(1)
            .and_then(|i| state.plan(&run).steps.get(i))
            .is_some_and(|s| s.upload.is_some());
        match text(&answer, "nonce") {
            None if asks_upload => {
                state.nonce_reading = Some(NonceReading::UploadAnswer);
                state.save(w, which);
            }
            Some(_) if asks_upload => {
                state.nonce_reading = Some(NonceReading::StepAnswer);
                state.save(w, which);
            }
            None => {
                return Err(Failure::expected(
                    "the nonce for the next step in the answer",
                    "none",
                ));
            }
            Some(n) if state.used.contains(&n) => {
                return Err(Failure::expected(
                    "a new nonce for the next step",
                    "a nonce the session already presented",
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

#[when("the tenant app submits the next step with the nonce of the previous answer")]
async fn submits_next(w: &mut ObWorld) -> StepResult {
    submit(w, Which::This, Presenting::Previous).await
}

#[given("the tenant app has submitted the next step with the nonce of the previous answer")]
async fn has_submitted_next(w: &mut ObWorld) -> StepResult {
    submit(w, Which::This, Presenting::Previous).await?;
    accepted(w, true)
}

#[when("the tenant app submits the next step with the nonce it already used")]
async fn submits_used(w: &mut ObWorld) -> StepResult {
    submit(w, Which::This, Presenting::AlreadyUsed).await
}

#[when("the tenant app submits the next step with the other session's nonce")]
async fn submits_foreign(w: &mut ObWorld) -> StepResult {
    submit(w, Which::This, Presenting::OtherSessions).await
}

#[when(
    "the tenant app submits the other session's next step with the nonce of its previous answer"
)]
async fn submits_other(w: &mut ObWorld) -> StepResult {
    submit(w, Which::Other, Presenting::Previous).await
}

#[given("the tenant app has walked the session up to the step that asks for an upload")]
async fn walked_to_upload(w: &mut ObWorld) -> StepResult {
    let state = SessionState::load(w, Which::This)?;
    let upload_at = state.plan(&*run(w)?).upload_step().unwrap_or(0);
    for _ in state.done..upload_at {
        submit(w, Which::This, Presenting::Previous).await?;
        accepted(w, true)?;
    }
    Ok(())
}

#[when(
    "the tenant app walks the session through every step of its skill, uploading where a step asks for it"
)]
async fn walks_to_end(w: &mut ObWorld) -> StepResult {
    let problem = walk(w).await.err().map(|f| f.0);
    w.keep_state(WalkProblem(problem));
    Ok(())
}

/// Submits every remaining step, uploading each step's file; stops at the first answer that does
/// not let the session go on.
async fn walk(w: &mut ObWorld) -> StepResult {
    loop {
        let state = SessionState::load(w, Which::This)?;
        let run = run(w)?;
        let plan = state.plan(&run);
        let Some(step) = plan.steps.get(state.done) else {
            return Ok(());
        };
        let (name, upload, last) = (
            step.step.clone(),
            step.upload.clone(),
            state.done + 1 == plan.steps.len(),
        );
        let at = |f: Failure| Failure::new(format!("step `{name}`: {f}"));
        submit(w, Which::This, Presenting::Previous)
            .await
            .map_err(at)?;
        accepted(w, !last).map_err(at)?;
        if let Some(file) = upload {
            super::uploads::upload_to_last_step(w, file)
                .await
                .map_err(at)?;
            expect(w, Outcome::UploadAccepted).map_err(at)?;
            if !last {
                holds_new_nonce(w).map_err(at)?;
            }
        }
    }
}

/// The session holds a nonce for its next step that no step presented before, from the
/// upload-requiring step's answer or from its upload's answer.
/// Which reading the bank follows goes into the scenario's evidence.
pub(super) fn holds_new_nonce(w: &mut ObWorld) -> StepResult {
    let state = SessionState::load(w, Which::This)?;
    let reading = state
        .nonce_reading
        .map(NonceReading::describe)
        .unwrap_or("after no upload-requiring step");
    match &state.nonce {
        Some(n) if !state.used.contains(n) => {
            if state.nonce_reading.is_some() {
                w.note(format!(
                    "documented reading: the bank gives the nonce after an upload-requiring step {reading}"
                ));
            }
            Ok(())
        }
        Some(_) => Err(Failure::expected(
            "a new nonce for the next step",
            format!("a nonce the session already presented ({reading})"),
        )),
        None => Err(Failure::expected(
            "the nonce for the next step, in the upload-requiring step's answer or in its upload's answer",
            "in neither",
        )),
    }
}

#[then(
    "the tenant app holds a new nonce for the next step, from the step's answer or from its upload's answer"
)]
async fn holds_nonce(w: &mut ObWorld) -> StepResult {
    holds_new_nonce(w)
}

#[when("the tenant app submits the next step without the upload its previous step asks for")]
async fn submits_without_upload(w: &mut ObWorld) -> StepResult {
    let state = SessionState::load(w, Which::This)?;
    if state.nonce.is_none() {
        // The bank gives the next nonce only with the upload: nothing can authorise the next
        // step before it. Present the nonce already used, which must be refused either way.
        return submit(w, Which::This, Presenting::AlreadyUsed).await;
    }
    submit(w, Which::This, Presenting::Previous).await
}

#[then("Finqware refuses the step: the previous step waits for its upload")]
async fn refused_upload_required(w: &mut ObWorld) -> StepResult {
    let state = SessionState::load(w, Which::This)?;
    if state.nonce_reading == Some(NonceReading::UploadAnswer) {
        // Under this reading the step went out with a used nonce: any refusal holds the session.
        return expect(w, Outcome::NonceReused).or_else(|_| expect(w, Outcome::UploadRequired));
    }
    expect(w, Outcome::UploadRequired)
}

/// A fraction of the bank's nonce lifetime passes (31/30: just past it; 29/30: just before).
#[when(regex = r"^(\d+)/(\d+) of the nonce's lifetime pass(?:es)? at the bank$")]
async fn part_of_lifetime_passes(w: &mut ObWorld, n: i32, d: i32) -> StepResult {
    if d == 0 {
        return Err(Failure::new(
            "a fraction of the nonce's lifetime needs a denominator above 0",
        ));
    }
    let by = run(w)?.nonce_lifetime * n / d;
    crate::steps::common::clock::pass(w, by).await
}

#[then("Finqware accepts the step with a step_id")]
async fn accepts_step(w: &mut ObWorld) -> StepResult {
    accepted(w, false)
}

#[then("Finqware accepts the step with a step_id and a new nonce for the next one")]
async fn accepts_step_with_nonce(w: &mut ObWorld) -> StepResult {
    accepted(w, true)
}

#[then(
    "Finqware accepted every step of the skill, each with a step_id and, until the last, a new nonce for the next one"
)]
async fn accepted_every_step(w: &mut ObWorld) -> StepResult {
    if let Some(WalkProblem(Some(problem))) = w.state::<WalkProblem>() {
        return Err(Failure::new(problem.clone()));
    }
    let state = SessionState::load(w, Which::This)?;
    let run = run(w)?;
    let plan = state.plan(&run);
    if state.done == plan.steps.len() {
        Ok(())
    } else {
        Err(Failure::expected(
            format!(
                "all {} steps of skill `{}` accepted",
                plan.steps.len(),
                plan.skill
            ),
            format!("{} accepted", state.done),
        ))
    }
}

#[then("Finqware refuses the step for a nonce already used")]
async fn refused_used(w: &mut ObWorld) -> StepResult {
    expect(w, Outcome::NonceReused)
}

#[then("Finqware refuses the step for another session's nonce")]
async fn refused_foreign(w: &mut ObWorld) -> StepResult {
    expect(w, Outcome::NonceForeign)
}

#[then("Finqware refuses the step for an expired nonce")]
async fn refused_expired(w: &mut ObWorld) -> StepResult {
    expect(w, Outcome::NonceExpired)
}
