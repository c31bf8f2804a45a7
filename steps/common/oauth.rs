//! OAuth2 as the documents describe it, step by step: the PSU authorises the TPP at the bank, the
//! TPP redeems the one-time code, refreshes, revokes, and asks for client-credentials tokens; and
//! the mutual-TLS checks of the token endpoint. Tokens and codes stay in the World as secrets.

use cucumber::{given, then, when};

use crate::auth::oauth::{self, OAuthClient};
use crate::http::Purpose;
use crate::target::Secret;
use crate::world::{Failure, ObWorld, StepResult};

fn client(w: &ObWorld) -> Result<OAuthClient<'_>, Failure> {
    Ok(w.ctx.tokens.oauth()?)
}

/// The OAuth credentials a scenario holds, kept in its typed state.
#[derive(Clone, Debug, Default)]
struct Held {
    code: Option<Secret>,
    access: Option<Secret>,
    refresh: Option<Secret>,
    previous_refresh: Option<Secret>,
}

/// The credential in `slot`, or a failure naming the step that should have obtained it.
fn held(w: &ObWorld, slot: fn(&Held) -> &Option<Secret>, what: &str) -> Result<Secret, Failure> {
    w.state::<Held>()
        .and_then(|h| slot(h).clone())
        .ok_or_else(|| Failure::new(format!("no {what} was obtained earlier in this scenario")))
}

fn login(w: &ObWorld, persona: &str) -> Result<crate::target::Login, Failure> {
    w.ctx
        .target
        .personas
        .get(persona)
        .and_then(|p| p.login.clone())
        .ok_or_else(|| {
            Failure::new(format!(
                "persona {persona} has no login in {} (hint: personas.{persona}.login)",
                w.ctx.target.origin()
            ))
        })
}

#[given(
    regex = r"^(\w+) authorised the TPP at the bank's login page for scope (\w+), which redirected to the callback with a one-time code$"
)]
async fn authorised(w: &mut ObWorld, persona: String, scope: String) -> StepResult {
    let login = login(w, &persona)?;
    let (code, evidence) = client(w)?.authorize(&login, &scope).await;
    for exchange in evidence {
        w.record(exchange);
    }
    let code = code
        .map_err(|e| Failure::expected("a redirect to the callback carrying a one-time code", e))?;
    w.state_mut::<Held>().code = Some(code);
    w.persona = Some(persona);
    Ok(())
}

#[when(regex = r"^the TPP redeems (?:that|the same) code at the token endpoint, without a scope$")]
async fn redeem(w: &mut ObWorld) -> StepResult {
    let code = held(w, |h| &h.code, "code")?;
    let exchange = client(w)?.exchange_code(&code).await;
    w.keep(exchange)?;
    Ok(())
}

#[when("the TPP refreshes the token with its refresh token")]
async fn refresh(w: &mut ObWorld) -> StepResult {
    let refresh = held(w, |h| &h.refresh, "refresh token")?;
    let exchange = client(w)?.refresh(&refresh).await;
    w.state_mut::<Held>().previous_refresh = Some(refresh);
    w.keep(exchange)?;
    Ok(())
}

#[when("the TPP refreshes the token with the previous refresh token")]
async fn refresh_with_previous(w: &mut ObWorld) -> StepResult {
    let refresh = held(w, |h| &h.previous_refresh, "previous refresh token")?;
    let exchange = client(w)?.refresh(&refresh).await;
    w.keep(exchange)?;
    Ok(())
}

#[when("the TPP revokes the refresh token")]
async fn revoke(w: &mut ObWorld) -> StepResult {
    let refresh = held(w, |h| &h.refresh, "refresh token")?;
    let exchange = client(w)?
        .revoke(&refresh)
        .await
        .ok_or_else(|| Failure::new("the target's oauth section has no revoke_url"))?;
    w.keep(exchange)?;
    Ok(())
}

#[when(regex = r"^the TPP requests a client-credentials token of scope (\w+)$")]
async fn client_credentials(w: &mut ObWorld, scope: String) -> StepResult {
    let exchange = client(w)?.client_credentials(&scope).await;
    w.keep(exchange)?;
    Ok(())
}

#[given(regex = r"^the TPP with a client-credentials token of scope (\w+)$")]
async fn with_client_token(w: &mut ObWorld, scope: String) -> StepResult {
    w.token = Some(w.client_token(&scope).await?);
    Ok(())
}

#[then(
    regex = r"^the response carries a Bearer access token(?: of scope (\w+))?(, and a refresh token| and no refresh token)?$"
)]
async fn carries_tokens(w: &mut ObWorld, scope: String, refresh: String) -> StepResult {
    let e = w.last()?;
    let set = oauth::token_set(e).ok_or_else(|| {
        Failure::expected(
            "HTTP 200 with an access_token",
            format!("HTTP {}", e.status().unwrap_or(0)),
        )
    })?;
    if !set
        .token_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("bearer"))
    {
        return Err(Failure::expected(
            "token_type Bearer",
            format!("{:?}", set.token_type),
        ));
    }
    if !scope.is_empty() && set.scope.as_deref() != Some(scope.as_str()) {
        return Err(Failure::expected(
            format!("scope {scope}"),
            format!("scope {:?}", set.scope),
        ));
    }
    match (refresh.contains("and a refresh"), &set.refresh) {
        (true, None) => return Err(Failure::expected("a refresh_token", "none")),
        (false, Some(_)) if refresh.contains("no refresh") => {
            return Err(Failure::expected("no refresh_token", "a refresh_token"));
        }
        _ => {}
    }
    let before = w.state::<Held>().cloned().unwrap_or_default();
    if let Some(previous) = &before.access
        && previous == &set.access
    {
        return Err(Failure::expected(
            "a NEW access token",
            "the previous one again",
        ));
    }
    if let (Some(previous), Some(new)) = (&before.previous_refresh, &set.refresh)
        && previous == new
    {
        return Err(Failure::expected(
            "a NEW refresh token",
            "the previous one again",
        ));
    }
    let held = w.state_mut::<Held>();
    held.access = Some(set.access);
    if let Some(r) = set.refresh {
        held.refresh = Some(r);
    }
    Ok(())
}

#[given("the requests carry the access token just issued")]
#[when("the requests carry the access token just issued")]
async fn use_issued(w: &mut ObWorld) -> StepResult {
    w.token = Some(held(w, |h| &h.access, "access token")?);
    Ok(())
}

#[when(regex = r"^the TPP requests a client-credentials token of scope (\w+) as client_id (\S+)$")]
async fn client_credentials_as(w: &mut ObWorld, scope: String, client_id: String) -> StepResult {
    let mut oauth = w
        .ctx
        .target
        .oauth
        .clone()
        .ok_or_else(|| Failure::new("the target has no oauth section"))?;
    oauth.client_id = client_id;
    let exchange = OAuthClient {
        http: &w.ctx.http,
        wire: w.ctx.wire.as_ref(),
        oauth: &oauth,
    }
    .client_credentials(&scope)
    .await;
    w.record(exchange);
    Ok(())
}

#[when(
    regex = r"^the TPP requests a client-credentials token of scope (\w+) without presenting its client certificate$"
)]
async fn client_credentials_anonymous(w: &mut ObWorld, scope: String) -> StepResult {
    let oauth = w
        .ctx
        .target
        .oauth
        .clone()
        .ok_or_else(|| Failure::new("the target has no oauth section"))?;
    let mut request = crate::http::RequestSpec::new("POST", oauth.token_url.clone())
        .header("Accept", "application/json")
        .body(crate::http::Body::Form(vec![
            ("grant_type".into(), "client_credentials".into()),
            ("scope".into(), scope),
            ("client_id".into(), oauth.client_id.clone()),
        ]));
    request.without_client_certificate = true;
    let exchange = w.deliver(request.purpose(Purpose::Token)).await;
    w.record(exchange);
    Ok(())
}

/// For mTLS refusals the document allows a refused handshake as well as an HTTP error. A refused
/// handshake is a TLS alert from the bank; a refused connection, a DNS failure or a timeout is
/// no evidence of anything and fails the step.
#[then(regex = r"^the request is refused \(TLS handshake refused, or HTTP (\d{3}) or (\d{3})\)$")]
async fn refused(w: &mut ObWorld, a: u16, b: u16) -> StepResult {
    let e = w
        .exchange
        .as_ref()
        .ok_or_else(|| Failure::new("no request was sent before this check"))?;
    let (status, alert) = (e.status(), e.tls_alert.clone());
    refusal(status, alert.as_deref(), e.error.as_deref(), a, b)?;
    // Both readings are allowed: the evidence says which one the bank follows.
    w.note(match (status, alert) {
        (Some(s), _) => format!("the bank refused with HTTP {s}"),
        (None, alert) => format!(
            "the bank refused in the TLS handshake ({})",
            alert.unwrap_or_default()
        ),
    });
    Ok(())
}

/// The verdict of [`refused`] on what came back: an HTTP status, the TLS alert the bank sent, the
/// transport error. Any family's mTLS refusal step judges with it (`a` and `b` may be equal).
pub(crate) fn refusal(
    status: Option<u16>,
    tls_alert: Option<&str>,
    error: Option<&str>,
    a: u16,
    b: u16,
) -> StepResult {
    let expected = || {
        let statuses = if a == b {
            format!("HTTP {a}")
        } else {
            format!("HTTP {a} or {b}")
        };
        format!("a TLS alert from the bank refusing the handshake, or {statuses}")
    };
    match (status, tls_alert) {
        (None, Some(_)) => Ok(()),
        (None, None) => Err(Failure::expected(
            expected(),
            format!(
                "no answer from the bank, and no TLS alert: {}",
                error.unwrap_or("nothing was sent")
            ),
        )),
        (Some(s), _) if s == a || s == b => Ok(()),
        (Some(s), _) => Err(Failure::expected(expected(), format!("HTTP {s}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::refusal;

    /// Only the bank's own refusal passes: its TLS alert, or one of the two statuses. A refused
    /// connection, a reset or a timeout (no status, no alert) is no evidence and fails.
    #[test]
    fn a_refusal_is_the_banks_alert_or_status_never_a_network_error() {
        assert!(refusal(None, Some("CertificateRequired"), Some("alert"), 401, 403).is_ok());
        assert!(refusal(Some(401), None, None, 401, 403).is_ok());
        assert!(refusal(Some(403), None, None, 401, 403).is_ok());
        for error in [
            "connection refused",
            "connection reset by peer",
            "timed out",
            "dns error",
        ] {
            let failure = refusal(None, None, Some(error), 401, 403).unwrap_err();
            assert!(failure.to_string().contains(error), "{failure}");
        }
        assert!(refusal(None, None, None, 401, 403).is_err());
        assert!(refusal(Some(200), None, None, 401, 403).is_err());
        assert!(refusal(Some(500), Some("x"), None, 401, 403).is_err());
    }
}
