//! Sending requests: `When the TPP sends GET /accounts`.

use cucumber::{gherkin::Step, given, when};

use crate::http::{Body, RequestSpec};
use crate::world::{Failure, ObWorld, StepResult};

#[when(regex = r"^the TPP sends (GET|POST|PUT|PATCH|DELETE) (\S+)$")]
async fn send(w: &mut ObWorld, method: String, path: String) -> StepResult {
    let url = w.api_url(&path)?;
    w.send(RequestSpec::new(method, url)).await?;
    Ok(())
}

#[when(regex = r"^the TPP sends (GET|POST|PUT|PATCH|DELETE) (\S+) with the JSON body:$")]
async fn send_json(w: &mut ObWorld, method: String, path: String, step: &Step) -> StepResult {
    let text = step
        .docstring
        .as_deref()
        .ok_or_else(|| Failure::new("this step needs the body as a \"\"\" doc string"))?;
    let body: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Failure::new(format!("the doc string is not JSON: {e}")))?;
    let url = w.api_url(&path)?;
    w.send(RequestSpec::new(method, url).body(Body::Json(body)))
        .await?;
    Ok(())
}

#[given(regex = r#"^the next request carries the header "([^"]+): ([^"]*)"$"#)]
async fn next_header(w: &mut ObWorld, name: String, value: String) {
    w.next_headers.push((name, value));
}

#[given(regex = r#"^the next request carries no "([^"]+)" header$"#)]
async fn next_without(w: &mut ObWorld, name: String) {
    w.next_omit.push(name);
}
