//! What a family does on the wire for one run: the hooks every request and response pass through.
//!
//! A [`Wire`] is built once per run by [`super::Family::prepare`] and holds the family's parsed
//! settings and keys. It is the family's per-run state too: a family's steps reach their own wire
//! through [`crate::world::ObWorld::wire`], the one typed accessor. The hooks, each with a default
//! that does nothing:
//! - [`Wire::token`]: a persona's access token (default: the target's own sources, [`TokenBook`]);
//! - [`Wire::decorate`]: changes every outgoing request, token requests included (correlation
//!   ids, signatures), and may refuse: the request is then not sent and the step fails with it
//!   as evidence, because a request that should be signed and is not is a wrong verdict;
//! - [`Wire::unwrap`]: verifies a response and gives the payload `Then` steps read (a signed
//!   JWT's JSON), while the raw bytes stay as evidence;
//! - [`Wire::credentials`]: header and field names that carry credentials, masked in all output.
//!
//! This module must never name a family, nor print what a wire signs or unwraps.

use std::any::Any;
use std::fmt;

use futures::future::BoxFuture;

use crate::auth::{AuthError, TokenBook};
use crate::http::{Exchange, HttpClient, RequestSpec};
use crate::target::Secret;

/// Why a wire refused a request before sending it, or a response after receiving it. The text
/// names what failed and the setting behind it (`settings.qseal.key could not sign …`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WireError(pub String);

impl WireError {
    pub fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }
}

/// Header and field names a family treats as credentials (case-insensitive), masked wherever
/// evidence is written, on top of the engine's own list.
#[derive(Clone, Copy, Debug, Default)]
pub struct Credentials {
    pub headers: &'static [&'static str],
    pub fields: &'static [&'static str],
}

/// A family's hooks for one run. See the module docs.
pub trait Wire: Any + Send + Sync + fmt::Debug {
    /// Learns what the other hooks need from the bank (discovery, keys), before the first request
    /// of each scenario. Called for every request: a wire fetches once (a `OnceCell`) and answers
    /// at once afterwards. An error fails the step that was about to send, with the reason.
    fn ready<'a>(&'a self, _http: &'a HttpClient) -> BoxFuture<'a, Result<(), WireError>> {
        Box::pin(async { Ok(()) })
    }

    /// An access token of `scope` for `persona`.
    fn token<'a>(
        &'a self,
        tokens: &'a TokenBook,
        persona: &'a str,
        scope: &'a str,
    ) -> BoxFuture<'a, Result<Secret, AuthError>> {
        Box::pin(tokens.token(persona, scope))
    }

    /// Adds what every request of this family carries. Headers the request already has, or
    /// lists in `omit`, must be left alone; [`RequestSpec::purpose`] tells API calls from token
    /// requests and the PSU's pages.
    fn decorate(&self, _request: &mut RequestSpec) -> Result<(), WireError> {
        Ok(())
    }

    /// The payload of a response that `Then` steps read instead of its raw body: `Ok(None)` when
    /// the body is read as it is, an error when a response that must verify does not.
    fn unwrap(&self, _exchange: &Exchange) -> Result<Option<String>, WireError> {
        Ok(None)
    }

    /// The names this family's credentials travel under.
    fn credentials(&self) -> Credentials {
        Credentials::default()
    }
}

/// The wire of a family that adds nothing.
#[derive(Debug, Default)]
pub struct PlainWire;

impl Wire for PlainWire {}

/// Sends `request` through `wire` and `http`: decorated first (a refusal gives an exchange
/// without a response whose error says why, and nothing is sent), then unwrapped.
pub async fn deliver(http: &HttpClient, wire: &dyn Wire, mut request: RequestSpec) -> Exchange {
    let prepared = match wire.ready(http).await {
        Ok(()) => wire.decorate(&mut request),
        Err(e) => Err(e),
    };
    if let Err(refused) = prepared {
        let exchange = http.not_sent(
            &request,
            format!("not sent: the family could not prepare it: {refused}"),
        );
        let _ = CAPTURED.try_with(|c| c.borrow_mut().push(exchange.clone()));
        return exchange;
    }
    for name in request.omit.clone() {
        request.remove_header(&name);
    }
    let exchange = wire_finish(wire, http.send(request).await);
    // Outside `capture` there is no list to add to: the caller keeps the exchange itself.
    let _ = CAPTURED.try_with(|c| c.borrow_mut().push(exchange.clone()));
    exchange
}

tokio::task_local! {
    /// The exchanges made by the task that runs inside [`capture`].
    static CAPTURED: std::cell::RefCell<Vec<Exchange>>;
}

/// Runs `work` and returns what it gave with every exchange [`deliver`] made for it: how a step
/// that asks for a token (whose requests the token book makes) still keeps them as evidence.
pub async fn capture<T>(work: impl std::future::Future<Output = T>) -> (T, Vec<Exchange>) {
    CAPTURED
        .scope(std::cell::RefCell::new(Vec::new()), async move {
            let out = work.await;
            let made = CAPTURED.with(|c| c.take());
            (out, made)
        })
        .await
}

/// Applies the wire's unwrap hook to an exchange that came back.
pub fn wire_finish(wire: &dyn Wire, mut exchange: Exchange) -> Exchange {
    if exchange.response.is_some() {
        match wire.unwrap(&exchange) {
            Ok(payload) => exchange.unwrapped = payload,
            Err(e) => exchange.rejected = Some(e.0),
        }
    }
    exchange
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::http::{RecordedRequest, RecordedResponse};

    /// A family whose answers are `{"message": <payload>}` and whose `"forged"` answers fail.
    #[derive(Debug)]
    struct Enveloped;

    impl Wire for Enveloped {
        fn unwrap(&self, exchange: &Exchange) -> Result<Option<String>, WireError> {
            let body = exchange
                .response
                .as_ref()
                .map(|r| r.body.as_str())
                .unwrap_or("");
            if body.contains("forged") {
                return Err(WireError::new("the signature does not verify"));
            }
            let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
            Ok(json.get("message").map(|m| m.to_string()))
        }
    }

    fn answered(body: &str) -> Exchange {
        Exchange {
            request: RecordedRequest {
                method: "GET".into(),
                url: "https://bank.example/payments/1".into(),
                headers: Vec::new(),
                body: None,
            },
            response: Some(RecordedResponse {
                status: 200,
                headers: Vec::new(),
                body: body.into(),
            }),
            error: None,
            tls_alert: None,
            elapsed: Duration::ZERO,
            at: chrono::Utc::now(),
            unwrapped: None,
            rejected: None,
        }
    }

    #[test]
    fn then_steps_read_the_unwrapped_payload_and_evidence_keeps_the_raw_body() {
        let e = wire_finish(
            &Enveloped,
            answered(r#"{"message":{"status":"AcceptedSettlementCompleted"}}"#),
        );
        assert_eq!(e.json().unwrap()["status"], "AcceptedSettlementCompleted");
        let shown = e.render();
        assert!(shown.contains(r#""message""#), "raw body kept: {shown}");
        assert!(shown.contains("unwrapped by the family"), "{shown}");
        assert_eq!(e.rejected, None);
    }

    #[test]
    fn a_response_the_wire_rejects_says_why_and_keeps_its_body() {
        let e = wire_finish(&Enveloped, answered(r#"{"message":"forged"}"#));
        assert_eq!(e.rejected.as_deref(), Some("the signature does not verify"));
        assert!(
            e.render()
                .contains("rejected by the family: the signature does not verify")
        );
        let plain = wire_finish(&PlainWire, answered(r#"{"a":1}"#));
        assert_eq!(plain.json().unwrap()["a"], 1);
        assert_eq!(plain.unwrapped, None);
    }

    /// A family that cannot learn the bank's keys.
    #[derive(Debug)]
    struct Unready;

    impl Wire for Unready {
        fn ready<'a>(&'a self, _http: &'a HttpClient) -> BoxFuture<'a, Result<(), WireError>> {
            Box::pin(async {
                Err(WireError::new(
                    "the issuer's discovery document is unreachable",
                ))
            })
        }
    }

    #[tokio::test]
    async fn a_wire_that_is_not_ready_sends_nothing_and_says_why() {
        crate::tls::install_crypto_provider();
        let mut target = crate::target::Target::embedded("f");
        target.base_url = "https://127.0.0.1:9".into();
        let http = HttpClient::new(&target).expect("a client");
        let e = deliver(&http, &Unready, RequestSpec::new("GET", "/x")).await;
        assert!(e.response.is_none());
        assert_eq!(
            e.error.as_deref(),
            Some(
                "not sent: the family could not prepare it: the issuer's discovery document is unreachable"
            )
        );
    }

    #[tokio::test]
    async fn exchanges_made_for_a_token_are_captured_for_the_step_that_asked() {
        crate::tls::install_crypto_provider();
        let mut target = crate::target::Target::embedded("f");
        target.base_url = "https://127.0.0.1:9".into();
        let http = HttpClient::new(&target).expect("a client");
        let (e, made) = capture(async {
            deliver(&http, &PlainWire, RequestSpec::new("POST", "/token")).await;
            deliver(&http, &Unready, RequestSpec::new("GET", "/x")).await
        })
        .await;
        assert!(e.error.is_some());
        assert_eq!(made.len(), 2, "the refused request is evidence too");
        assert_eq!(made[0].request.method, "POST");
        // Outside a capture, delivering keeps nothing aside.
        let alone = deliver(&http, &PlainWire, RequestSpec::new("GET", "/y")).await;
        assert!(alone.response.is_none());
    }
}
