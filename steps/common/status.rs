//! Checking the status code.

use cucumber::then;

use crate::world::{Failure, ObWorld, StepResult};

#[then(regex = r"^the response status is (\d{3})$")]
async fn status_is(w: &mut ObWorld, expected: u16) -> StepResult {
    let actual = w.last()?.status();
    if actual == Some(expected) {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("HTTP {expected}"),
            format!("HTTP {}", actual.unwrap_or(0)),
        ))
    }
}

#[then(regex = r"^the response status is (\d{3}) or (\d{3})$")]
async fn status_is_either(w: &mut ObWorld, a: u16, b: u16) -> StepResult {
    let actual = w.last()?.status();
    if actual == Some(a) || actual == Some(b) {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("HTTP {a} or {b}"),
            format!("HTTP {}", actual.unwrap_or(0)),
        ))
    }
}
