//! STET's transport rules, on the TPP side: a request altered after it is signed, the 4-calls-a-day
//! limit without PSU-IP-Address, and the fallback mode of the token endpoint.

use cucumber::{given, then, when};

use crate::http::{Body, Purpose, RequestSpec};
use crate::world::{Failure, ObWorld, StepResult};

#[given(
    regex = r#"^the next request's "([^"]+)" header is changed to "([^"]*)" after it is signed$"#
)]
async fn changed_after_signing(w: &mut ObWorld, name: String, value: String) {
    w.next_after_signing.push((name, value));
}

#[when(
    regex = r"^the TPP sends GET (\S+) without PSU-IP-Address until it is refused, at most (\d+) times$"
)]
async fn until_refused(w: &mut ObWorld, path: String, times: usize) -> StepResult {
    let url = w.api_url(&path)?;
    let mut statuses = Vec::new();
    for _ in 0..times {
        w.next_omit.push("PSU-IP-Address".into());
        let status = w
            .send(RequestSpec::new("GET", url.clone()))
            .await?
            .status()
            .unwrap_or(0);
        statuses.push(status);
        if status != 200 {
            break;
        }
    }
    w.keep_state(Statuses(statuses));
    Ok(())
}

/// The statuses of repeated calls, in order.
#[derive(Clone, Debug)]
struct Statuses(Vec<u16>);

/// Robust to earlier runs the same day: what the rule forbids is a fifth answer, not an early 429.
#[then(
    regex = r"^the calls were refused with HTTP (\d{3}) after at most (\d+) answers HTTP (\d{3})$"
)]
async fn refused_after(w: &mut ObWorld, refused: u16, at_most: usize, ok: u16) -> StepResult {
    let Statuses(statuses) = w
        .state::<Statuses>()
        .cloned()
        .ok_or_else(|| Failure::new("no repeated requests were sent before this check"))?;
    let successes = statuses.iter().take_while(|s| **s == ok).count();
    let last = statuses.last().copied().unwrap_or(0);
    if successes <= at_most && last == refused {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("at most {at_most} x HTTP {ok}, then HTTP {refused}"),
            format!("statuses {statuses:?}"),
        ))
    }
}

#[when(
    regex = r"^the TPP asks the token endpoint for a client-credentials token of scope (\w+) in fallback mode$"
)]
async fn fallback(w: &mut ObWorld, scope: String) -> StepResult {
    let oauth =
        w.ctx.target.oauth.clone().ok_or_else(|| {
            Failure::new("the target has no oauth section (token_url, client_id)")
        })?;
    let request = RequestSpec::new("POST", oauth.token_url)
        .header("fallback", "1")
        .header("Accept", "*/*")
        .body(Body::Form(vec![
            ("client_id".into(), oauth.client_id),
            ("grant_type".into(), "client_credentials".into()),
            ("scope".into(), scope),
        ]))
        .purpose(Purpose::Token);
    let exchange = w.deliver(request).await;
    w.keep(exchange)?;
    Ok(())
}

#[then("the Location header leads to the bank's online banking login page")]
async fn location_is_login(w: &mut ObWorld) -> StepResult {
    let location = w
        .last()?
        .header("location")
        .map(str::to_string)
        .ok_or_else(|| Failure::expected("a Location header", "none"))?;
    if !location.starts_with("https://") {
        return Err(Failure::expected("an absolute https:// Location", location));
    }
    let page = w
        .deliver(
            RequestSpec::new("GET", location.clone())
                .header("Accept", "text/html")
                .purpose(Purpose::Psu),
        )
        .await;
    let ok = page.status() == Some(200)
        && page
            .header("content-type")
            .is_some_and(|c| c.contains("text/html"));
    let got = page.summary();
    w.keep(page)?;
    if ok {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("an HTML login page at {location}"),
            got,
        ))
    }
}
