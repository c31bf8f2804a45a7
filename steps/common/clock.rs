//! Moving an embedded bank's clock: how expiry rules are checked without waiting.
//! Scenarios using these steps need `@capability:sandbox.clock` and `@serial` (every scenario
//! shares the bank's clock).

use cucumber::{given, when};

use crate::world::{Failure, ObWorld, StepResult};

#[given(regex = r"^(\d+) (second|minute|hour|day)s? pass(?:es)? at the bank$")]
#[when(regex = r"^(\d+) (second|minute|hour|day)s? pass(?:es)? at the bank$")]
async fn time_passes(w: &mut ObWorld, n: i64, unit: String) -> StepResult {
    let clock = w.ctx.bank_clock.clone().ok_or_else(|| {
        Failure::new(
            "this target's clock cannot be moved: tag the scenario @capability:sandbox.clock",
        )
    })?;
    let by = match unit.as_str() {
        "second" => chrono::Duration::seconds(n),
        "minute" => chrono::Duration::minutes(n),
        "hour" => chrono::Duration::hours(n),
        _ => chrono::Duration::days(n),
    };
    clock.advance(by);
    w.ctx.tokens.forget_obtained().await;
    Ok(())
}
