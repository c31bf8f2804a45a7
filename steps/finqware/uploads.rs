//! Uploads to a step (`POST /steps/{step_id}/upload`, multipart): the file the target's settings
//! give for the step that asks for one, with the tenant app's client_id beside it.
//!
//! Evidence shows which parts were sent and their sizes, never the bytes. This file must never
//! decide whether a session may go on; the next step's answer says that.

use cucumber::{then, when};

use super::outcome::{Outcome, expect};
use super::run;
use super::walk::{SessionState, Which, text};
use crate::http::{Body, FilePart, RequestSpec};
use crate::world::{Failure, ObWorld, StepResult};

/// Sends `file` to `POST /steps/{step_id}/upload`; a nonce in the answer becomes the session's.
async fn upload(w: &mut ObWorld, step_id: &str, file: FilePart) -> StepResult {
    let client_id = FilePart {
        name: "client_id".into(),
        filename: None,
        content_type: "text/plain".into(),
        bytes: run(w)?.client_id.clone().into_bytes(),
    };
    let url = w.api_url(&format!("/steps/{step_id}/upload"))?;
    let e = w
        .send(RequestSpec::new("POST", url).body(Body::Multipart(vec![client_id, file])))
        .await?;
    let nonce = e.json().and_then(|a| text(&a, "nonce"));
    if let (Some(nonce), Ok(mut state)) = (nonce, SessionState::load(w, Which::This)) {
        state.nonce = Some(nonce);
        state.save(w, Which::This);
    }
    Ok(())
}

/// Uploads `file` to the step the session's last accepted step_id names.
pub(super) async fn upload_to_last_step(w: &mut ObWorld, file: FilePart) -> StepResult {
    let step_id = SessionState::load(w, Which::This)?
        .last_step_id
        .ok_or_else(|| Failure::new("no step_id came back from the step to upload to"))?;
    upload(w, &step_id, file).await
}

/// The file the multi-step skill's upload step sends.
fn upload_file(w: &ObWorld) -> Result<FilePart, Failure> {
    let plan = &run(w)?.multi_step;
    plan.upload_step()
        .and_then(|i| plan.steps[i].upload.clone())
        .ok_or_else(|| Failure::new("the multi-step skill has no step with an upload"))
}

#[when("the tenant app uploads a file to the step it just submitted")]
async fn uploads_to_step(w: &mut ObWorld) -> StepResult {
    let state = SessionState::load(w, Which::This)?;
    let run = run(w)?;
    let plan = state.plan(&run);
    let file = state
        .done
        .checked_sub(1)
        .and_then(|i| plan.steps.get(i))
        .and_then(|s| s.upload.clone())
        .ok_or_else(|| {
            Failure::new("the step just submitted asks for no upload in the target's settings")
        })?;
    upload_to_last_step(w, file).await
}

#[when("the tenant app uploads a file to a step_id that does not exist")]
async fn uploads_to_unknown(w: &mut ObWorld) -> StepResult {
    let file = upload_file(w)?;
    let step_id = uuid::Uuid::new_v4().to_string();
    upload(w, &step_id, file).await
}

#[then("Finqware accepts the upload")]
async fn accepts_upload(w: &mut ObWorld) -> StepResult {
    expect(w, Outcome::UploadAccepted)
}
