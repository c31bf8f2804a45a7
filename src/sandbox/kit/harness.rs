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

use crate::sandbox::{Fault, FaultSet};

/// A bank's test environment, built from the faults its bank breaks: `healthy()`,
/// `with_fault(name)`, and the bank's own `with_faults`.
pub trait TestEnv: Sized {
    /// The bank's named faults.
    const FAULTS: &'static [Fault];

    /// An environment whose bank breaks `faults`.
    fn with_faults(faults: FaultSet) -> Self;

    /// An environment with a healthy bank.
    fn healthy() -> Self {
        Self::with_faults(FaultSet::none())
    }

    /// An environment whose bank breaks the one fault `name` (a fault of [`Self::FAULTS`]).
    fn with_fault(name: &str) -> Self {
        let faults = FaultSet::parse(&[name], Self::FAULTS).expect("a fault of this bank");
        Self::with_faults(faults)
    }
}

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
