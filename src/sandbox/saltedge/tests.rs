//! Tests of the Salt Edge reference bank, driven in-process through its router (no TLS, no socket).
//!
//! This file holds the shared helpers: requests signed like a TPP signs them (RS256 JWT with the
//! application's private key), and the Remote + Confirm flow that yields an Access-Token. `tests/`
//! holds the healthy-bank tests, the fault probes and the insta snapshots. Tests must never depend
//! on the wall-clock date: every instant in a snapshot is redacted.

mod faults;
mod flow;
mod gate;
mod providers;
mod snapshots;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::{API_PREFIX, AppCredentials, EmbeddedApps, FAULTS, SaltEdgeBank};
use crate::sandbox::kit::harness::{self, Reply, TestEnv};
use crate::sandbox::{Clock, Fault, FaultSet};

/// One bank, its router and the applications' credentials.
struct Env {
    router: Router,
    clock: Clock,
    apps: EmbeddedApps,
}

/// What a Salt Edge error row is about.
trait Row {
    /// `[status, error_class]`, the pair every error row is about.
    fn row(&self) -> Value;
}

impl Row for Reply {
    fn row(&self) -> Value {
        json!([self.status.as_u16(), self.json()["error_class"]])
    }
}

/// How a request is authorized.
#[derive(Clone, Debug)]
enum Auth {
    /// No Authorization header.
    None,
    /// A JWT carrying this data, signed by the application, exp one minute ahead.
    Data(Value),
    /// This exact Authorization header value.
    Raw(String),
}

/// A request under [`API_PREFIX`].
#[derive(Clone, Debug)]
struct Call {
    method: Method,
    path: String,
    auth: Auth,
    token: Option<String>,
    headers: Vec<(String, String)>,
    /// `None`: the main application.
    app: Option<AppCredentials>,
}

impl Call {
    fn new(method: Method, path: &str) -> Self {
        Self {
            method,
            path: path.to_string(),
            auth: Auth::Data(json!({})),
            token: None,
            headers: Vec::new(),
            app: None,
        }
    }

    fn get(path: &str) -> Self {
        Self::new(Method::GET, path)
    }

    fn data(mut self, data: Value) -> Self {
        self.auth = Auth::Data(data);
        self
    }

    fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_string());
        self
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    fn app(mut self, app: &AppCredentials) -> Self {
        self.app = Some(app.clone());
        self
    }
}

/// A JWT `{"data": data, "exp": exp}` signed with `private_key`.
fn sign(private_key: &crate::target::Secret, data: &Value, exp: i64) -> String {
    let key = EncodingKey::from_rsa_pem(private_key.expose().as_bytes()).expect("an RSA key");
    jsonwebtoken::encode(
        &Header::new(Algorithm::RS256),
        &json!({ "data": data, "exp": exp }),
        &key,
    )
    .expect("a signed JWT")
}

/// A minute from now, as a JWT exp.
fn in_a_minute() -> i64 {
    chrono::Utc::now().timestamp() + 60
}

impl TestEnv for Env {
    const FAULTS: &'static [Fault] = FAULTS;

    fn with_faults(faults: FaultSet) -> Self {
        let clock = Clock::system();
        let (bank, apps) = SaltEdgeBank::new(faults, clock.clone()).expect("the bank starts");
        let router = Arc::clone(&bank).router();
        Self {
            router,
            clock,
            apps,
        }
    }
}

impl Env {
    async fn send(&self, call: Call) -> Reply {
        let app = call.app.as_ref().unwrap_or(&self.apps.main);
        let mut builder = Request::builder()
            .method(call.method)
            .uri(format!("{API_PREFIX}{}", call.path))
            .header("App-Id", app.app_id.as_str())
            .header("App-Secret", app.app_secret.expose());
        match &call.auth {
            Auth::None => {}
            Auth::Data(data) => {
                let jwt = sign(&app.private_key, data, in_a_minute());
                builder = builder.header("Authorization", format!("Bearer {jwt}"));
            }
            Auth::Raw(value) => builder = builder.header("Authorization", value.as_str()),
        }
        if let Some(token) = &call.token {
            builder = builder.header("Access-Token", token.as_str());
        }
        let mut request = builder.body(Body::empty()).expect("a valid request");
        for (name, value) in &call.headers {
            request.headers_mut().insert(
                axum::http::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
                value.parse().expect("a header value"),
            );
        }
        harness::send(&self.router, request).await
    }

    /// POST /tokens/remote for demobank with these overrides of the document's example data.
    async fn remote(&self, overrides: Value) -> Reply {
        let mut data = json!({
            "provider_code": "demobank",
            "scopes": ["accounts", "transactions", "trusted_beneficiaries"],
            "redirect_url": "https://tpp.example/back",
            "consent_period_days": 90,
            "credentials": { "authorization_type": "sms_pin" },
        });
        if let (Some(d), Some(o)) = (data.as_object_mut(), overrides.as_object()) {
            for (k, v) in o {
                d.insert(k.clone(), v.clone());
            }
        }
        self.send(Call::new(Method::POST, "/tokens/remote").data(data))
            .await
    }

    /// A session just opened by Remote.
    async fn session(&self) -> String {
        let reply = self.remote(json!({})).await;
        assert_eq!(reply.status, StatusCode::OK, "remote: {}", reply.json());
        reply.json()["data"]["session_secret"]
            .as_str()
            .expect("a session_secret")
            .to_string()
    }

    async fn confirm(&self, secret: &str, credentials: Value) -> Reply {
        self.send(
            Call::new(Method::PUT, &format!("/sessions/{secret}"))
                .data(json!({ "credentials": credentials })),
        )
        .await
    }

    /// The sandbox credentials of both steps, confirmed in turn: the session's final answer.
    async fn complete(&self, secret: &str) -> Reply {
        let first = self
            .confirm(
                secret,
                json!({ "login": "demo_user", "password": "demo_password" }),
            )
            .await;
        assert_eq!(first.status, StatusCode::OK, "confirm: {}", first.json());
        self.confirm(secret, json!({ "sms_pincode": "4568" })).await
    }

    /// An Access-Token obtained through Remote and Confirm, with that consent period.
    async fn token_for(&self, days: i64) -> String {
        let reply = self.remote(json!({ "consent_period_days": days })).await;
        let secret = reply.json()["data"]["session_secret"]
            .as_str()
            .expect("a session_secret")
            .to_string();
        let done = self.complete(&secret).await;
        done.json()["data"]["token"]["access_token"]
            .as_str()
            .expect("a token after the MFA step")
            .to_string()
    }

    async fn token(&self) -> String {
        self.token_for(90).await
    }

    /// GET /tokens with that token.
    async fn show_token(&self, token: &str) -> Reply {
        self.send(Call::get("/tokens").token(token)).await
    }

    fn advance(&self, by: chrono::Duration) {
        self.clock.advance(by);
    }
}
