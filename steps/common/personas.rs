//! Who the scenario acts for and with which token.

use cucumber::given;

use crate::target::Secret;
use crate::world::{ObWorld, StepResult};

#[given(regex = r"^the PSU persona (\w+) with an access token of scope (\w+)$")]
async fn persona_with_scope(w: &mut ObWorld, persona: String, scope: String) -> StepResult {
    w.token = Some(w.persona_token(&persona, &scope).await?);
    w.persona = Some(persona);
    Ok(())
}

#[given(regex = r"^the PSU persona (\w+) with an access token that has expired$")]
async fn persona_with_expired_token(w: &mut ObWorld, persona: String) -> StepResult {
    w.token = Some(w.persona_token(&persona, "expired").await?);
    w.persona = Some(persona);
    Ok(())
}

#[given("the request carries no access token")]
async fn no_token(w: &mut ObWorld) {
    w.token = None;
}

#[given("the request carries an access token the bank never issued")]
async fn forged_token(w: &mut ObWorld) {
    w.token = Some(Secret::new(format!(
        "never-issued-{}",
        uuid::Uuid::new_v4().simple()
    )));
}
