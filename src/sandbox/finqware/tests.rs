//! Tests of the Finqware reference bank, driven in-process through its router (no TLS, no socket).
//!
//! This file holds the shared helpers; `tests/` holds the healthy-bank tests, the multipart parser,
//! the fault probes and the insta snapshots. Tests move the bank's clock, never wait for the wall
//! clock, and redact every id, nonce and timestamp from snapshots.

mod faults;
mod healthy;
mod multipart;
mod snapshots;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use super::{API_PREFIX, FAULTS, FinqwareBank};
use crate::sandbox::kit::harness::{self, Reply, TestEnv};
use crate::sandbox::{Clock, Fault, FaultSet};

const SINGLE: &str = "xyz_aisp_sbx_#1.0";
const MULTI: &str = "xyz_sbx_#3.0";
const BOUNDARY: &str = "obconf-test-boundary";

/// One bank and its router.
struct Env {
    bank: Arc<FinqwareBank>,
    router: Router,
    clock: Clock,
}

/// A session the tests walk: its id and the nonce to present next.
#[derive(Clone, Debug)]
struct Walk {
    id: String,
    nonce: String,
}

impl TestEnv for Env {
    const FAULTS: &'static [Fault] = FAULTS;

    fn with_faults(faults: FaultSet) -> Self {
        let clock = Clock::system();
        let bank = FinqwareBank::new(faults, clock.clone());
        let router = bank.router();
        Self {
            bank,
            router,
            clock,
        }
    }
}

impl Env {
    fn client_id(&self) -> String {
        self.bank.tenant_credentials().0
    }

    fn app_key(&self) -> String {
        self.bank.tenant_credentials().1
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        harness::send(&self.router, request).await
    }

    async fn post_json(&self, path: &str, body: &Value) -> Reply {
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("{API_PREFIX}{path}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("a valid request");
        self.send(request).await
    }

    /// `POST /sessions` with the tenant app's credentials.
    async fn create(&self, skill: &str) -> Reply {
        let body = json!({
            "client_id": self.client_id(),
            "client_app_key": self.app_key(),
            "skill": skill,
        });
        self.post_json("/sessions", &body).await
    }

    /// A created session of `skill`.
    async fn start(&self, skill: &str) -> Walk {
        let reply = self.create(skill).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.json());
        Walk {
            id: reply.text("session_id").expect("a session_id"),
            nonce: reply.text("nonce").expect("a nonce"),
        }
    }

    /// `POST /sessions/{id}/steps` for `step` of `skill` with `nonce` and the catalog's example data.
    async fn submit(&self, session: &str, skill: &str, step: &str, nonce: &str) -> Reply {
        let data: serde_json::Map<String, Value> = super::catalog::skill(skill)
            .and_then(|s| s.step(step))
            .map(|(_, def)| {
                def.fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), json!(v)))
                    .collect()
            })
            .unwrap_or_default();
        let body = json!({
            "client_id": self.client_id(),
            "nonce": nonce,
            "skill": skill,
            "step": step,
            "data": data,
        });
        self.post_json(&format!("/sessions/{session}/steps"), &body)
            .await
    }

    /// Submits `step` with the walk's nonce; on acceptance the walk takes the answer's nonce.
    async fn step(&self, walk: &mut Walk, skill: &str, step: &str) -> Reply {
        let reply = self.submit(&walk.id, skill, step, &walk.nonce).await;
        if let Some(nonce) = reply.text("nonce") {
            walk.nonce = nonce;
        }
        reply
    }

    /// `POST /steps/{step_id}/upload` with a raw multipart body.
    async fn upload_raw(&self, step_id: &str, content_type: &str, body: Vec<u8>) -> Reply {
        let request = Request::builder()
            .method(Method::POST)
            .uri(format!("{API_PREFIX}/steps/{step_id}/upload"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("a valid request");
        self.send(request).await
    }

    /// Uploads an ID document to `step_id` as the tenant app.
    async fn upload(&self, step_id: &str) -> Reply {
        let body = multipart(&[
            ("client_id", None, self.client_id().as_bytes()),
            (
                "file",
                Some("id-card.png"),
                b"\x89PNG\r\n--not-a-boundary\r\n",
            ),
        ]);
        self.upload_raw(step_id, &multipart_type(), body).await
    }

    /// A multi-step session walked up to its KYC step, submitted: (walk, the KYC step_id).
    async fn at_kyc(&self) -> (Walk, String) {
        let mut walk = self.start(MULTI).await;
        let form = self.step(&mut walk, MULTI, "product_form").await;
        assert_eq!(form.status, StatusCode::CREATED, "{:?}", form.json());
        let kyc = self.step(&mut walk, MULTI, "kyc").await;
        assert_eq!(kyc.status, StatusCode::CREATED, "{:?}", kyc.json());
        let step_id = kyc.text("step_id").expect("a step_id");
        (walk, step_id)
    }
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// A multipart body of (field, filename, bytes) parts.
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, bytes) in parts {
        body.extend(format!("--{BOUNDARY}\r\n").into_bytes());
        match filename {
            Some(f) => body.extend(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: image/png\r\n\r\n"
                )
                .into_bytes(),
            ),
            None => body.extend(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").into_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").into_bytes());
    body
}
