//! The refusals of ALT-SEC-01..04: a bad client assertion, a bad request object, a bad grant, and a
//! call without the certificate the token is bound to. Each check also proves that the refusal
//! issued nothing (no request_uri, no token, no data). The error codes allowed are the target's
//! tolerances (notes §15), defaulting to the documents' own.

use cucumber::then;
use serde_json::Value;

use super::call;
use crate::world::{Failure, ObWorld, StepResult};

/// The OAuth `error` of the last answer.
fn oauth_error(w: &ObWorld) -> Result<(u16, String, Value), Failure> {
    let e = w.last()?;
    let json = e.json().unwrap_or(Value::Null);
    let error = json
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or("(none)")
        .to_string();
    Ok((e.status().unwrap_or(0), error, json))
}

fn refused(
    w: &ObWorld,
    statuses: &[u16],
    allowed: &[String],
    must_not_hold: &[&str],
) -> StepResult {
    let (status, error, json) = oauth_error(w)?;
    let issued: Vec<&str> = must_not_hold
        .iter()
        .copied()
        .filter(|f| json.get(*f).is_some())
        .collect();
    if !issued.is_empty() {
        return Err(Failure::expected(
            "nothing issued",
            format!("HTTP {status} with {}", issued.join(", ")),
        ));
    }
    if statuses.contains(&status) && allowed.contains(&error) {
        Ok(())
    } else {
        Err(Failure::expected(
            format!(
                "HTTP {} with error {}",
                statuses
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(" or "),
                allowed.join(" or ")
            ),
            format!("HTTP {status} with error {error}"),
        ))
    }
}

#[then(
    "the bank refuses the client authentication (HTTP 400 or 401, invalid_client) and issues nothing"
)]
async fn client_refused(w: &mut ObWorld) -> StepResult {
    let run = call::run(w)?;
    refused(
        w,
        &[400, 401],
        &run.settings.tolerances.client_auth_error,
        &["request_uri", "access_token"],
    )
}

#[then(
    "the bank refuses the request object (HTTP 400, invalid_request_object) and issues no request_uri"
)]
async fn request_object_refused(w: &mut ObWorld) -> StepResult {
    let run = call::run(w)?;
    refused(
        w,
        &[400],
        &run.settings.tolerances.request_object_error,
        &["request_uri"],
    )
}

#[then("the bank refuses the grant (HTTP 400, invalid_grant) and issues no token")]
async fn grant_refused(w: &mut ObWorld) -> StepResult {
    refused(w, &[400], &["invalid_grant".to_string()], &["access_token"])
}

/// A refused handshake is a TLS alert from the bank (no status); an HTTP refusal must be 401.
/// Either way no data. A refused connection, a reset or a timeout is no evidence of a refusal and
/// fails the step: a closed port must never pass it.
#[then("the call is refused (TLS handshake refused, or HTTP 401) and returns no data")]
async fn call_refused(w: &mut ObWorld) -> StepResult {
    let e = w
        .exchange
        .as_ref()
        .ok_or_else(|| Failure::new("no request was sent before this check"))?;
    let data = e.json().is_some_and(|j| j.get("Data").is_some());
    let seen = call_refusal(e.status(), e.tls_alert.as_deref(), e.error.as_deref(), data)?;
    w.note(seen);
    Ok(())
}

/// The verdict of [`call_refused`] on what came back (the shared mTLS refusal, with 401 as the
/// only status, and no `Data`); on success, which refusal the bank gave.
fn call_refusal(
    status: Option<u16>,
    tls_alert: Option<&str>,
    error: Option<&str>,
    data: bool,
) -> Result<String, Failure> {
    crate::steps::common::oauth::refusal(status, tls_alert, error, 401, 401)?;
    match (status, tls_alert) {
        (None, alert) => Ok(format!(
            "the bank refused in the TLS handshake ({})",
            alert.unwrap_or_default()
        )),
        (Some(_), _) if data => Err(Failure::expected(
            "HTTP 401 without data",
            "HTTP 401 with Data",
        )),
        (Some(s), _) => Ok(format!("the bank refused with HTTP {s}")),
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::call_refusal;

    /// Only the bank's own refusal passes: its TLS alert, or 401 without data. A network error
    /// (no status, no alert) fails, as does any other status or a 401 that carries data.
    #[test]
    fn a_refused_call_is_the_banks_alert_or_401_never_a_network_error() {
        assert!(call_refusal(None, Some("CertificateRequired"), Some("alert"), false).is_ok());
        assert!(call_refusal(Some(401), None, None, false).is_ok());
        for error in [
            "connection refused",
            "connection reset by peer",
            "timed out",
        ] {
            let failure = call_refusal(None, None, Some(error), false).unwrap_err();
            assert!(failure.to_string().contains(error), "{failure}");
        }
        assert!(call_refusal(None, None, None, false).is_err());
        assert!(call_refusal(Some(401), None, None, true).is_err());
        assert!(call_refusal(Some(403), None, None, false).is_err());
        assert!(call_refusal(Some(200), None, None, false).is_err());
    }
}
