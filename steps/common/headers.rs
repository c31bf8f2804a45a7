//! Checking response headers.

use cucumber::then;

use crate::world::{Failure, ObWorld, StepResult};

#[then(regex = r#"^the response carries the request's "([^"]+)" header unchanged$"#)]
async fn echoes(w: &mut ObWorld, name: String) -> StepResult {
    let e = w.last()?;
    let sent = e
        .request_header(&name)
        .ok_or_else(|| Failure::new(format!("the request carried no {name} header to compare")))?;
    match e.header(&name) {
        Some(got) if got == sent => Ok(()),
        Some(got) => Err(Failure::expected(
            format!("{name}: {sent}"),
            format!("{name}: {got}"),
        )),
        None => Err(Failure::expected(
            format!("{name}: {sent}"),
            format!("no {name} header"),
        )),
    }
}

#[then(regex = r#"^the response content type is one of ((?:"[^"]+"(?:, )?)+)$"#)]
async fn content_type_one_of(w: &mut ObWorld, list: String) -> StepResult {
    let accepted: Vec<String> = list
        .split('"')
        .skip(1)
        .step_by(2)
        .map(normalise_media_type)
        .collect();
    let got = w.last()?.header("content-type").unwrap_or("");
    if accepted.contains(&normalise_media_type(got)) {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("Content-Type one of {}", accepted.join(" | ")),
            format!("Content-Type: {got}"),
        ))
    }
}

#[then(regex = r#"^the response header "([^"]+)" contains "([^"]*)"$"#)]
async fn header_contains(w: &mut ObWorld, name: String, needle: String) -> StepResult {
    match w.last()?.header(&name) {
        Some(v) if v.contains(&needle) => Ok(()),
        Some(v) => Err(Failure::expected(
            format!("{name} containing `{needle}`"),
            format!("{name}: {v}"),
        )),
        None => Err(Failure::expected(format!("a {name} header"), "none")),
    }
}

/// `application/json;charset=UTF-8` and `application/json; charset=utf-8` are the same type.
fn normalise_media_type(s: &str) -> String {
    s.split(';')
        .map(|p| p.trim().to_ascii_lowercase().replace("\"", ""))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// RFC 6750: the error is named in `WWW-Authenticate: Bearer error="…"`, or in the body's `error`.
#[then(regex = r"^the response names the error (\w+)$")]
async fn names_error(w: &mut ObWorld, error: String) -> StepResult {
    let e = w.last()?;
    let in_header = e
        .header("www-authenticate")
        .is_some_and(|h| h.contains(&format!("error=\"{error}\"")));
    let in_body = e
        .json()
        .and_then(|j| j.get("error").and_then(|v| v.as_str()).map(|s| s == error))
        .unwrap_or(false);
    if in_header || in_body {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("error {error} in WWW-Authenticate or in the body's `error`"),
            format!(
                "WWW-Authenticate: {}; body error: {}",
                e.header("www-authenticate").unwrap_or("(none)"),
                e.json()
                    .and_then(|j| j.get("error").cloned())
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "(none)".into())
            ),
        ))
    }
}
