//! Time passing at the bank: how expiry rules are checked. An embedded bank's clock is moved
//! forward (no wait); against a bank whose clock cannot move, a run with `--allow-waits` waits the
//! time for real. Scenarios using these steps need `@capability:sandbox.clock` and `@serial`
//! (every scenario shares the bank's clock; the runner lifts `@serial` when waits are real).

use cucumber::{given, when};

use crate::world::{Failure, ObWorld, StepResult};

#[given(regex = r"^(\d+) (second|minute|hour|day)s? pass(?:es)? at the bank$")]
#[when(regex = r"^(\d+) (second|minute|hour|day)s? pass(?:es)? at the bank$")]
async fn time_passes(w: &mut ObWorld, n: i64, unit: String) -> StepResult {
    let by = match unit.as_str() {
        "second" => chrono::Duration::seconds(n),
        "minute" => chrono::Duration::minutes(n),
        "hour" => chrono::Duration::hours(n),
        _ => chrono::Duration::days(n),
    };
    pass(w, by).await
}

/// Lets `by` pass at the bank: its clock moves when obconf runs it, else the run waits for real
/// (`--allow-waits`); without either the check cannot be made.
pub async fn pass(w: &mut ObWorld, by: chrono::Duration) -> StepResult {
    match w.ctx.bank_clock.clone() {
        Some(clock) => {
            clock.advance(by);
            w.ctx.tokens.forget_obtained().await;
            Ok(())
        }
        None if w.ctx.target.real_waits => {
            tokio::time::sleep(by.to_std().unwrap_or_default()).await;
            Ok(())
        }
        None => Err(Failure::could_not_check(
            "this target's clock cannot be moved (hint: run with --allow-waits to wait the time for real, or tag the scenario @capability:sandbox.clock)",
        )),
    }
}
