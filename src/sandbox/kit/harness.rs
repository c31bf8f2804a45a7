//! The test harness every bank's tests share: send a request through a bank's router in-process
//! (no TLS, no socket) and read what came back.
//!
//! Only the mechanics live here; how a bank's tests build and authorize their requests stays in
//! the bank's own `tests.rs`. Compiled for tests only; it must never be used by a running bank.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

/// What came back.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON (`Value::Null` when empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// A header's value, when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A string member of the JSON body.
    pub fn text(&self, member: &str) -> Option<String> {
        self.json()[member].as_str().map(str::to_string)
    }

    /// The status code as a number.
    pub fn code(&self) -> u16 {
        self.status.as_u16()
    }
}

/// Sends `request` through `router` and collects the whole answer.
pub async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("the router is infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a readable body")
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}
