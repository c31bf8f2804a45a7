//! Checking JSON bodies by JSON pointer (`/accounts/0/resourceId`).

use cucumber::then;
use serde_json::Value;

use crate::world::{Failure, ObWorld, StepResult};

/// The strings of the JSON array at `pointer` in `json` (members that are not strings left out);
/// empty when there is no array there.
pub(crate) fn strings_at(json: &Value, pointer: &str) -> Vec<String> {
    json.pointer(pointer)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[then(regex = r#"^the JSON value at "([^"]*)" is "([^"]*)"$"#)]
async fn value_is(w: &mut ObWorld, pointer: String, expected: String) -> StepResult {
    let json = w.last_json()?;
    match json.pointer(&pointer) {
        Some(Value::String(s)) if *s == expected => Ok(()),
        Some(other) => Err(Failure::expected(
            format!("{pointer} = \"{expected}\""),
            format!("{pointer} = {other}"),
        )),
        None => Err(Failure::expected(
            format!("{pointer} = \"{expected}\""),
            format!("no {pointer}"),
        )),
    }
}

#[then(regex = r#"^the JSON array at "([^"]*)" has (\d+) items?$"#)]
async fn array_len(w: &mut ObWorld, pointer: String, expected: usize) -> StepResult {
    let json = w.last_json()?;
    match json.pointer(&pointer) {
        Some(Value::Array(items)) if items.len() == expected => Ok(()),
        Some(Value::Array(items)) => Err(Failure::expected(
            format!("{expected} items at {pointer}"),
            format!("{} items", items.len()),
        )),
        _ => Err(Failure::expected(format!("an array at {pointer}"), "none")),
    }
}

#[then(regex = r#"^the JSON body has a non-empty "([^"]*)"$"#)]
async fn non_empty(w: &mut ObWorld, pointer: String) -> StepResult {
    let json = w.last_json()?;
    match json.pointer(&pointer) {
        Some(Value::Null) | None => Err(Failure::expected(format!("a value at {pointer}"), "none")),
        Some(Value::String(s)) if s.trim().is_empty() => Err(Failure::expected(
            format!("a value at {pointer}"),
            "an empty string",
        )),
        Some(_) => Ok(()),
    }
}

#[then("the response has no body")]
async fn no_body(w: &mut ObWorld) -> StepResult {
    let e = w.last()?;
    let body = e.response.as_ref().map(|r| r.body.trim()).unwrap_or("");
    if body.is_empty() {
        Ok(())
    } else {
        Err(Failure::expected(
            "no body",
            format!("a body of {} bytes", body.len()),
        ))
    }
}
