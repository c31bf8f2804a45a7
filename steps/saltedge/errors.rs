//! The document's "Related Errors" rows as checks: the HTTP code AND the error class, read from the
//! JSON body at the target's pointer (default `/error_class`, then `/error/class`, then
//! `/error/error_class`); and the Client-Request-Id echoed in `meta`.
//! These checks must never pass on the code alone, nor on the class alone.

use cucumber::then;
use serde_json::Value;

use super::state;
use crate::world::{Failure, ObWorld, StepResult};

/// The error class of the last answer, and where it was looked for.
fn error_class(w: &ObWorld) -> Result<(Option<String>, String), Failure> {
    let pointers = state(w)?.error_class_pointers.clone();
    let class = w.last()?.json().and_then(|json| {
        pointers
            .iter()
            .find_map(|p| json.pointer(p).and_then(Value::as_str).map(str::to_string))
    });
    Ok((class, pointers.join(", ")))
}

#[then(regex = r"^the request is refused with HTTP (\d{3}) (\w+)$")]
async fn refused_with(w: &mut ObWorld, code: u16, class: String) -> StepResult {
    let status = w.last()?.status().unwrap_or(0);
    let (found, looked_at) = error_class(w)?;
    if status == code && found.as_deref() == Some(class.as_str()) {
        return Ok(());
    }
    Err(Failure::expected(
        format!("HTTP {code} {class}"),
        format!(
            "HTTP {status} {}",
            found.unwrap_or_else(|| format!("with no error class at {looked_at}"))
        ),
    ))
}

#[then("the request is refused with a 4xx")]
async fn refused_4xx(w: &mut ObWorld) -> StepResult {
    refused_in_4xx(w, false)
}

#[then("the request is refused with a 4xx and an error class")]
async fn refused_4xx_with_class(w: &mut ObWorld) -> StepResult {
    refused_in_4xx(w, true)
}

fn refused_in_4xx(w: &ObWorld, with_class: bool) -> StepResult {
    let status = w.last()?.status().unwrap_or(0);
    let (found, looked_at) = error_class(w)?;
    if (400..500).contains(&status) && (!with_class || found.is_some()) {
        return Ok(());
    }
    Err(Failure::expected(
        if with_class {
            "HTTP 4xx and an error class"
        } else {
            "HTTP 4xx"
        },
        format!(
            "HTTP {status} {}",
            found.unwrap_or_else(|| format!("with no error class at {looked_at}"))
        ),
    ))
}

#[then("the response's meta carries the request's Client-Request-Id")]
async fn meta_echoes(w: &mut ObWorld) -> StepResult {
    let e = w.last()?;
    let sent = e
        .request_header("Client-Request-Id")
        .ok_or_else(|| Failure::new("the request carried no Client-Request-Id to compare"))?
        .to_string();
    let meta = e
        .json()
        .and_then(|j| j.get("meta").cloned())
        .unwrap_or(Value::Null);
    // The document does not name meta's member: `client_request_id` is looked at first, then any.
    let same = |v: &Value| match v {
        Value::String(s) => *s == sent,
        Value::Number(n) => n.to_string() == sent,
        _ => false,
    };
    let echoed = meta.get("client_request_id").is_some_and(same)
        || meta.as_object().is_some_and(|m| m.values().any(same));
    if echoed {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("meta carrying the Client-Request-Id `{sent}`"),
            format!("meta: {meta}"),
        ))
    }
}
