//! Tests of the STET reference bank, driven in-process through its router (no TLS, no socket).
//!
//! This file holds the shared helpers (`tests/tpp.rs` those of a bank with a registered TPP: test
//! PKI, signed requests, the OAuth2 flows); `tests/` holds the healthy-bank tests, the fault matrix
//! and the insta snapshots. Tests must never depend on the wall-clock date: every date is computed from
//! the bank's clock and every date in a snapshot is redacted.

mod cbpii;
mod faults;
mod faults_tpp;
mod healthy;
mod history;
mod mtls;
mod oauth;
mod pisp;
mod protocol;
mod ratelimit;
mod served;
mod signature;
mod snapshots;
mod tpp;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{Days, NaiveDate};
use serde_json::{Value, json};

use super::data::{self, AccountData};
use super::{API_PREFIX, FAULTS, StetBank, TOKEN_PATH};
use crate::sandbox::kit::harness::{self, Reply, TestEnv};
use crate::sandbox::{Clock, Fault, FaultSet};

/// One bank and its router.
struct Env {
    bank: Arc<StetBank>,
    router: Router,
    clock: Clock,
}

impl TestEnv for Env {
    const FAULTS: &'static [Fault] = FAULTS;

    fn with_faults(faults: FaultSet) -> Self {
        Self::build(faults, None)
    }
}

impl Env {
    /// A bank with `tpp` registered (or none: nothing about the client is enforced).
    fn build(faults: FaultSet, tpp: Option<super::RegisteredTpp>) -> Self {
        let clock = Clock::system();
        let bank = StetBank::new(faults, clock.clone(), tpp);
        let router = bank.router();
        Self {
            bank,
            router,
            clock,
        }
    }

    fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// `today - days` as a dateFrom/dateTo value in the `...SSSZ` form.
    fn days_ago(&self, days: u64) -> String {
        let date = self
            .today()
            .checked_sub_days(Days::new(days))
            .expect("a representable date");
        format!("{date}T00:00:00.000Z")
    }

    async fn send(&self, request: Request<Body>) -> Reply {
        harness::send(&self.router, request).await
    }

    /// A request under [`API_PREFIX`] with an optional bearer token and extra headers.
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Reply {
        let mut builder = Request::builder()
            .method(method)
            .uri(format!("{API_PREFIX}{path}"));
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let body = match body {
            Some(json) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(builder.body(body).expect("a valid request"))
            .await
    }

    /// A GET as the harness sends it: with a PSU-IP-Address (the PSU is connected), so that the
    /// daily limit of calls without one never gets in the way; `call` sends only what it is given.
    async fn get(&self, token: &str, path: &str) -> Reply {
        let connected = [("psu-ip-address", "192.0.2.10")];
        self.call(Method::GET, path, Some(token), &connected, None)
            .await
    }

    async fn post_form(&self, form: &str) -> Reply {
        let request = Request::builder()
            .method(Method::POST)
            .uri(TOKEN_PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_string()))
            .expect("a valid request");
        self.send(request).await
    }

    /// A fresh access token of `scope` for `persona`, by the password grant.
    async fn token(&self, persona: &str, scope: &str) -> String {
        let (username, password) = self.bank.login(persona).expect("a known persona");
        let reply = self
            .post_form(&format!(
                "grant_type=password&username={username}&password={password}&scope={scope}&client_id=obconf-tests"
            ))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "token: {:?}", reply.json());
        reply.json()["access_token"]
            .as_str()
            .expect("an access token")
            .to_string()
    }

    async fn put_consent(&self, token: &str, consent: &Value) -> Reply {
        self.call(Method::PUT, "/consents", Some(token), &[], Some(consent))
            .await
    }

    /// An aisp token for `persona` after granting balances and transactions on every account,
    /// and psuIdentity.
    async fn consented(&self, persona: &str) -> String {
        let token = self.token(persona, "aisp").await;
        let ibans: Vec<Value> = persona_data(persona)
            .accounts
            .iter()
            .map(|a| json!({ "iban": a.iban }))
            .collect();
        let reply = self
            .put_consent(
                &token,
                &json!({ "balances": ibans, "transactions": ibans, "psuIdentity": true }),
            )
            .await;
        assert!(reply.status.is_success(), "consent: {}", reply.status);
        token
    }
}

fn persona_data(name: &str) -> &'static data::PersonaData {
    data::persona(name).expect("a known persona")
}

fn account(persona: &str, role: &str) -> &'static AccountData {
    persona_data(persona)
        .accounts
        .iter()
        .find(|a| a.role == role)
        .expect("an account of that role")
}

/// The resourceId of a persona's account of that role.
fn rid(persona: &str, role: &str) -> String {
    data::resource_id(account(persona, role).iban)
}

fn balances_path(persona: &str, role: &str) -> String {
    format!("/accounts/{}/balances", rid(persona, role))
}

fn transactions_path(persona: &str, role: &str) -> String {
    format!("/accounts/{}/transactions", rid(persona, role))
}

/// The bookingDate of every transaction of a page.
fn booking_dates(page: &Value) -> Vec<NaiveDate> {
    page["transactions"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|t| t["bookingDate"].as_str())
                .filter_map(|d| d.parse().ok())
                .collect()
        })
        .unwrap_or_default()
}
