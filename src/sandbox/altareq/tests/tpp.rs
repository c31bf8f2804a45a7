//! A tiny TPP for the bank's tests: HTTPS clients (with client 1's, client 2's or no transport
//! certificate), client assertions and request objects signed with a chosen key, alg and claims,
//! PKCE, PII signed then encrypted to the bank's `use=enc` key, and the headless authorisation.
//! The real TPP lives on the TPP side; this one exists to drive and break the bank's checks.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwk::Jwk;
use josekit::jwk::KeyPair as _;
use josekit::jwk::alg::rsa::RsaKeyPair;
use josekit::jws::{JwsHeader, PS256, RS256};
use serde_json::{Value, json};

use super::super::{ClientKit, FAULTS, ModelBank, REDIRECT_URI, Started};
use crate::sandbox::kit::Variant;
use crate::sandbox::{Clock, FaultSet};

/// A started bank and a TPP pointed at it.
pub(crate) struct Env {
    pub started: Started,
    pub front: reqwest::Client,
    pub hub1: reqwest::Client,
    pub hub2: reqwest::Client,
    pub hub_none: reqwest::Client,
}

fn client(ca: &str, identity: Option<&ClientKit>) -> reqwest::Client {
    crate::tls::install_crypto_provider();
    let mut builder = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(ca.as_bytes()).expect("CA PEM"))
        .redirect(reqwest::redirect::Policy::none());
    if let Some(kit) = identity {
        let pem = format!("{}{}", kit.transport_cert_pem, kit.transport_key_pem);
        builder = builder.identity(reqwest::Identity::from_pem(pem.as_bytes()).expect("identity"));
    }
    builder.build().expect("a client")
}

/// What `sign` signs with.
#[derive(Clone, Copy)]
pub(crate) enum Signer<'a> {
    /// PS256 with a client's registered key and kid.
    Client(&'a ClientKit),
    /// PS256 with a fresh key that nobody registered, under `kid`.
    Foreign(&'a str),
    /// RS256 with a client's key.
    Rs256(&'a ClientKit),
    /// `alg: none`.
    None,
}

pub(crate) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A compact JWS of `claims`.
pub(crate) fn sign(claims: &Value, signer: Signer<'_>) -> String {
    let payload = serde_json::to_vec(claims).expect("JSON");
    let mut header = JwsHeader::new();
    header.set_token_type("JWT");
    match signer {
        Signer::Client(kit) => {
            header.set_key_id(&kit.signing_kid);
            let jwk = RsaKeyPair::from_pem(&kit.signing_key_pem)
                .expect("key")
                .to_jwk_private_key();
            josekit::jws::serialize_compact(
                &payload,
                &header,
                &PS256.signer_from_jwk(&jwk).expect("signer"),
            )
            .expect("signs")
        }
        Signer::Foreign(kid) => {
            header.set_key_id(kid);
            let jwk = RsaKeyPair::generate(2048)
                .expect("a key")
                .to_jwk_private_key();
            josekit::jws::serialize_compact(
                &payload,
                &header,
                &PS256.signer_from_jwk(&jwk).expect("signer"),
            )
            .expect("signs")
        }
        Signer::Rs256(kit) => {
            header.set_key_id(&kit.signing_kid);
            let jwk = RsaKeyPair::from_pem(&kit.signing_key_pem)
                .expect("key")
                .to_jwk_private_key();
            josekit::jws::serialize_compact(
                &payload,
                &header,
                &RS256.signer_from_jwk(&jwk).expect("signer"),
            )
            .expect("signs")
        }
        Signer::None => {
            let head = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
            format!("{head}.{}.", URL_SAFE_NO_PAD.encode(&payload))
        }
    }
}

impl Env {
    pub async fn with_faults(faults: FaultSet) -> Self {
        Self::variant_with_faults(faults, Variant::canonical()).await
    }

    /// The bank started as the healthy `variant` (see `variant.rs`).
    pub async fn variant_with_faults(faults: FaultSet, variant: Variant) -> Self {
        let any = "127.0.0.1:0".parse().expect("an address");
        let started = ModelBank::start_variant(faults, Clock::system(), any, any, variant)
            .await
            .expect("the bank starts");
        Self {
            front: client(&started.ca_pem, None),
            hub1: client(&started.ca_pem, Some(&started.client1)),
            hub2: client(&started.ca_pem, Some(&started.client2)),
            hub_none: client(&started.ca_pem, None),
            started,
        }
    }

    pub async fn healthy() -> Self {
        Self::with_faults(FaultSet::none()).await
    }

    pub async fn with_fault(name: &str) -> Self {
        Self::with_faults(FaultSet::parse(&[name], FAULTS).expect("a fault of this bank")).await
    }

    /// The bank's time (tests may move its clock), in seconds.
    pub fn now(&self) -> i64 {
        self.started.bank.clock().now().timestamp()
    }

    pub fn c1(&self) -> &ClientKit {
        &self.started.client1
    }

    pub fn c2(&self) -> &ClientKit {
        &self.started.client2
    }

    pub fn issuer(&self) -> &str {
        &self.started.issuer
    }

    pub fn rs(&self, path: &str) -> String {
        format!("{}{path}", self.started.rs)
    }

    /// Claims of a valid client assertion of `kit`.
    pub fn assertion_claims(&self, kit: &ClientKit) -> Value {
        let t = self.now();
        json!({"iss": kit.client_id, "sub": kit.client_id, "aud": self.issuer(), "iat": t, "exp": t + 60, "jti": uuid::Uuid::new_v4().to_string()})
    }

    pub fn assertion(&self, kit: &ClientKit) -> String {
        sign(&self.assertion_claims(kit), Signer::Client(kit))
    }

    /// Claims of a valid request object of `kit` carrying `details` (one RAR entry).
    pub fn request_claims(
        &self,
        kit: &ClientKit,
        scope: &str,
        details: Value,
        challenge: &str,
    ) -> Value {
        let t = self.now();
        json!({
            "iss": kit.client_id, "aud": self.issuer(), "client_id": kit.client_id,
            "response_type": "code", "redirect_uri": REDIRECT_URI, "scope": scope,
            "state": uuid::Uuid::new_v4().to_string(), "nonce": uuid::Uuid::new_v4().to_string(),
            "code_challenge": challenge, "code_challenge_method": "S256",
            "nbf": t - 10, "exp": t + 300, "authorization_details": [details],
        })
    }

    /// POST /par with `form` over `hub`.
    pub async fn par_form(
        &self,
        hub: &reqwest::Client,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        hub.post(self.rs("/par"))
            .form(form)
            .send()
            .await
            .expect("an answer")
    }

    /// POST /par of `request` with a fresh assertion of `kit` (client 1's connection).
    pub async fn par(&self, kit: &ClientKit, request: &str) -> reqwest::Response {
        let assertion = self.assertion(kit);
        let hub = if kit.client_id == self.c1().client_id {
            &self.hub1
        } else {
            &self.hub2
        };
        self.par_form(
            hub,
            &[
                (
                    "client_assertion_type",
                    super::super::assertion::ASSERTION_TYPE,
                ),
                ("client_assertion", &assertion),
                ("request", request),
            ],
        )
        .await
    }

    /// getAuth, consent manager PATCH (mits, `accounts`) and doConfirm: the callback Location.
    pub async fn authorise(&self, kit: &ClientKit, request_uri: &str, accounts: &[&str]) -> String {
        let hub = if kit.client_id == self.c1().client_id {
            &self.hub1
        } else {
            &self.hub2
        };
        let auth: Value = self
            .front
            .get(format!(
                "{}/auth?client_id={}&response_type=code&scope=openid&request_uri={}",
                self.issuer(),
                kit.client_id,
                request_uri.replace(':', "%3A")
            ))
            .send()
            .await
            .expect("getAuth")
            .json()
            .await
            .expect("JSON");
        let interaction = auth["interaction"]["interactionId"]
            .as_str()
            .expect("an interaction")
            .to_string();
        let consent_id = auth["interaction"]["consentIdsList"][0]
            .as_str()
            .expect("a consent")
            .to_string();
        let patched = hub
            .patch(self.rs(&format!("/cs/v2024.46/consents/{consent_id}")))
            .json(&json!({"psuIdentifiers": {"userId": self.started.fixture.user_id}, "accountIds": accounts, "authorizationChannel": "Web", "consentBody.Data.Status": "Authorized"}))
            .send().await.expect("PATCH");
        assert_eq!(
            patched.status(),
            200,
            "{}",
            patched.text().await.unwrap_or_default()
        );
        let confirmed = self
            .front
            .post(format!("{}/auth/{interaction}/doConfirm", self.issuer()))
            .form(&[("heimdall.suppressRefreshToken", "false")])
            .send()
            .await
            .expect("doConfirm");
        assert_eq!(confirmed.status(), 303);
        confirmed.headers()["location"]
            .to_str()
            .expect("text")
            .to_string()
    }

    /// POST /token for `code` with `verifier` (and a fresh assertion of client 1).
    pub async fn redeem(&self, code: &str, verifier: Option<&str>) -> reqwest::Response {
        let assertion = self.assertion(self.c1());
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            (
                "client_assertion_type",
                super::super::assertion::ASSERTION_TYPE,
            ),
            ("client_assertion", &assertion),
        ];
        if let Some(v) = verifier {
            form.push(("code_verifier", v));
        }
        self.hub1
            .post(self.rs("/token"))
            .form(&form)
            .send()
            .await
            .expect("an answer")
    }

    /// A client-credentials token of client 1 for `scope`.
    pub async fn cc_token(&self, scope: &str) -> String {
        let assertion = self.assertion(self.c1());
        let answer: Value = self
            .hub1
            .post(self.rs("/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("scope", scope),
                (
                    "client_assertion_type",
                    super::super::assertion::ASSERTION_TYPE,
                ),
                ("client_assertion", &assertion),
            ])
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("JSON");
        answer["access_token"]
            .as_str()
            .expect("a token")
            .to_string()
    }

    /// The bank's `use=enc` key from its JWKS.
    pub async fn enc_key(&self) -> (Jwk, String) {
        let jwks: Value = self
            .front
            .get(format!("{}/jwks", self.issuer()))
            .send()
            .await
            .expect("jwks")
            .json()
            .await
            .expect("JSON");
        let key = jwks["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .find(|k| k["use"] == "enc")
            .expect("an enc key");
        let kid = key["kid"].as_str().expect("kid").to_string();
        (
            Jwk::from_map(key.as_object().expect("object").clone()).expect("a JWK"),
            kid,
        )
    }

    /// PII claims signed by client 1 and encrypted to the bank.
    pub async fn pii(&self, pii: Value) -> String {
        let (key, kid) = self.enc_key().await;
        let t = now();
        let mut claims = pii;
        let id = &self.c1().client_id;
        for (k, v) in [
            ("iss", json!(id)),
            ("sub", json!(id)),
            ("aud", json!(self.issuer())),
            ("iat", json!(t)),
            ("exp", json!(t + 300)),
            ("jti", json!(uuid::Uuid::new_v4().to_string())),
        ] {
            claims[k] = v;
        }
        let jws = sign(&claims, Signer::Client(self.c1()));
        super::super::jose::encrypt(jws.as_bytes(), &key, &kid)
    }
}

/// A PKCE pair (verifier, S256 challenge).
pub(crate) fn pkce() -> (String, String) {
    let verifier = format!("{}{}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let challenge = super::super::token::s256(&verifier);
    (verifier, challenge)
}

/// The query parameters of a callback URL.
pub(crate) fn callback_params(location: &str) -> HashMap<String, String> {
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), percent_decode(v)))
        .collect()
}

fn percent_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&v[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The claims of a compact JWS, unverified (for reading the bank's answers in tests).
pub(crate) fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap_or_default();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap_or_default())
        .unwrap_or(Value::Null)
}
