//! Helpers for a bank with a registered TPP: one test PKI for the whole test binary (a QWAC and a
//! QSEAL of the registered TPP, and of another one), requests that present a client certificate and
//! carry an HTTP signature (or deliberately do not), and the OAuth2 flows as a TPP and a PSU run them.
//!
//! The client certificate is put on the request as the TLS server would ([`PeerCertificates`]).
//! Helpers must never hide a refusal: each returns the bank's reply, or panics with it in its message.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use super::*;
use crate::auth::httpsig::{self, Signer};
use crate::sandbox::PeerCertificates;
use crate::sandbox::stet::html::percent_encode;
use crate::sandbox::stet::{AUTHORIZE_PATH, RegisteredTpp};
use crate::target::Secret;
use crate::tls::pki::{Certified, TestCa, sha256_fingerprint};

/// The registered TPP's authorisation number (its QWAC's organizationIdentifier).
pub(super) const TPP_ID: &str = "PSDFR-ACPR-12345";
/// Another TPP's, known to the test CA but not registered with the bank.
pub(super) const OTHER_ID: &str = "PSDFR-ACPR-99999";
/// The registered callback of the authorization-code flow.
pub(super) const CALLBACK: &str = "https://tpp.example/callback";

/// The test PKI: minted once, since RSA keys are slow to make.
pub(super) struct Pki {
    /// The CA of every certificate here, and the client CA of a bank served over mutual TLS.
    pub ca: TestCa,
    /// The bank's server certificate.
    pub server: Certified,
    pub qwac: Certified,
    pub other_qwac: Certified,
    pub qseal: Certified,
    /// The registered QSEAL's keyId, signing with it.
    pub signer: Signer,
    /// Another QSEAL key that claims the registered keyId.
    pub impostor: Signer,
}

pub(super) fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let ca = TestCa::mint("STET test CA").expect("a CA");
        let qseal = ca.qseal("Test TPP", TPP_ID).expect("a QSEAL");
        let other_qseal = ca.qseal("Other TPP", OTHER_ID).expect("a QSEAL");
        let key_id = format!(
            "https://tpp.example/certs/qseal_{}",
            sha256_fingerprint(&qseal.cert_der)
        );
        let signer = Signer::from_pem(&Secret::new(qseal.key_pem()), key_id.clone())
            .expect("an RSA QSEAL key");
        let impostor =
            Signer::from_pem(&Secret::new(other_qseal.key_pem()), key_id).expect("an RSA key");
        Pki {
            server: ca.server_cert().expect("a server certificate"),
            qwac: ca.qwac("Test TPP", TPP_ID).expect("a QWAC"),
            other_qwac: ca.qwac("Other TPP", OTHER_ID).expect("a QWAC"),
            qseal,
            signer,
            impostor,
            ca,
        }
    })
}

/// How a test request is signed.
#[derive(Clone, Debug)]
pub(super) enum Seal {
    /// Properly: (request-target), x-request-id, and digest with a body.
    Signed,
    /// No Signature header.
    Unsigned,
    /// Properly, but claiming this keyId.
    KeyId(String),
    /// Covering only these headers.
    Covering(Vec<&'static str>),
    /// By a key that is not the registered QSEAL's.
    Impostor,
    /// By this signer, under its own keyId.
    By(&'static Signer),
    /// For another request target than the one sent.
    OtherTarget,
    /// With a Digest that is not the body's.
    WrongDigest,
    /// A header that is not a signature at all.
    Garbage,
}

/// A request as the TPP sends it.
pub(super) struct TppCall<'e> {
    env: &'e Env,
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    cert: Option<&'static Certified>,
    seal: Seal,
}

impl TppCall<'_> {
    pub(super) fn token(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub(super) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub(super) fn json(self, body: &Value) -> Self {
        self.header("content-type", "application/json")
            .raw(body.to_string().into_bytes())
    }

    pub(super) fn raw(mut self, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self
    }

    pub(super) fn cert(mut self, cert: Option<&'static Certified>) -> Self {
        self.cert = cert;
        self
    }

    pub(super) fn seal(mut self, seal: Seal) -> Self {
        self.seal = seal;
        self
    }

    pub(super) async fn send(self) -> Reply {
        let mut headers = self.headers;
        let body = self.body.unwrap_or_default();
        if !body.is_empty() {
            let digest = match self.seal {
                Seal::WrongDigest => httpsig::digest(b"another body"),
                _ => httpsig::digest(&body),
            };
            headers.push(("digest".to_string(), digest));
        }
        let mut covered = vec!["(request-target)", "x-request-id"];
        if !body.is_empty() {
            covered.push("digest");
        }
        let pki = pki();
        let (signer, covered, target) = match &self.seal {
            Seal::Unsigned | Seal::Garbage => (None, covered, self.path.clone()),
            Seal::Covering(list) => (Some(&pki.signer), list.clone(), self.path.clone()),
            Seal::Impostor => (Some(&pki.impostor), covered, self.path.clone()),
            Seal::By(signer) => (Some(*signer), covered, self.path.clone()),
            Seal::OtherTarget => (Some(&pki.signer), covered, format!("{}/x", self.path)),
            _ => (Some(&pki.signer), covered, self.path.clone()),
        };
        if let Some(signer) = signer {
            let covered: Vec<String> = covered.iter().map(|c| c.to_string()).collect();
            let mut signature = signer
                .sign(self.method.as_str(), &target, &headers, &covered)
                .expect("the covered headers are present");
            if let Seal::KeyId(key_id) = &self.seal {
                signature.key_id = key_id.clone();
            }
            headers.push(("signature".to_string(), signature.render()));
        }
        if let Seal::Garbage = self.seal {
            headers.push(("signature".to_string(), "this is not a signature".into()));
        }
        let mut builder = Request::builder().method(self.method).uri(&self.path);
        for (name, value) in &headers {
            builder = builder.header(name, value);
        }
        let mut request = builder.body(Body::from(body)).expect("a valid request");
        if let Some(cert) = self.cert {
            request
                .extensions_mut()
                .insert(PeerCertificates(Arc::new(vec![cert.cert_der.clone()])));
        }
        self.env.send(request).await
    }
}

impl Env {
    /// A healthy bank with the test TPP registered.
    pub(super) fn registered() -> Self {
        Self::registered_with(FaultSet::none())
    }

    pub(super) fn registered_with(faults: FaultSet) -> Self {
        let pki = pki();
        Self::build(
            faults,
            Some(RegisteredTpp {
                client_id: TPP_ID.to_string(),
                qseal_cert_der: pki.qseal.cert_der.to_vec(),
                redirect_uri: CALLBACK.to_string(),
            }),
        )
    }

    /// An API request (`path` under API_PREFIX) with the TPP's QWAC, X-Request-ID and signature.
    pub(super) fn tpp(&self, method: Method, path: &str) -> TppCall<'_> {
        TppCall {
            env: self,
            method,
            path: format!("{API_PREFIX}{path}"),
            headers: vec![("x-request-id".into(), uuid::Uuid::new_v4().to_string())],
            body: None,
            cert: Some(&pki().qwac),
            seal: Seal::Signed,
        }
    }

    /// A form POST to an OAuth2 endpoint with the TPP's QWAC (not signed: not an API path).
    pub(super) fn oauth(&self, path: &str, form: &[(&str, &str)]) -> TppCall<'_> {
        let body: Vec<String> = form
            .iter()
            .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
            .collect();
        TppCall {
            env: self,
            method: Method::POST,
            path: path.to_string(),
            headers: vec![(
                header::CONTENT_TYPE.to_string(),
                "application/x-www-form-urlencoded".into(),
            )],
            body: Some(body.join("&").into_bytes()),
            cert: Some(&pki().qwac),
            seal: Seal::Unsigned,
        }
    }

    /// A form the PSU's browser posts (no certificate, no signature).
    pub(super) async fn browser_post(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.oauth(path, form).cert(None).send().await
    }

    pub(super) async fn browser_get(&self, path_and_query: &str) -> Reply {
        let request = Request::get(path_and_query)
            .body(Body::empty())
            .expect("a valid request");
        self.send(request).await
    }

    /// The query of the PSU's login page for `scope`.
    pub(super) fn authorize_query(scope: &str, state: &str) -> String {
        format!(
            "{AUTHORIZE_PATH}?response_type=code&client_id={TPP_ID}&redirect_uri={}&scope={scope}&state={}",
            percent_encode(CALLBACK),
            percent_encode(state)
        )
    }

    /// The PSU `persona` logs in at the authorization page: the 302 back to the callback.
    pub(super) async fn psu_authorizes(&self, persona: &str, scope: &str) -> Reply {
        let (username, password) = self.bank.login(persona).expect("a known persona");
        let form = [
            ("response_type", "code"),
            ("client_id", TPP_ID),
            ("redirect_uri", CALLBACK),
            ("scope", scope),
            ("state", "xyz"),
            ("username", &username),
            ("password", &password),
        ];
        self.browser_post(AUTHORIZE_PATH, &form).await
    }

    /// A one-time code for `persona`.
    pub(super) async fn code(&self, persona: &str, scope: &str) -> String {
        let reply = self.psu_authorizes(persona, scope).await;
        assert_eq!(reply.status, StatusCode::FOUND, "{:?}", reply.body);
        let location = reply.header("location").expect("a Location").to_string();
        query_param(&location, "code").expect("a code in the callback")
    }

    /// The token answer of a code exchange.
    pub(super) async fn exchange(&self, code: &str) -> Reply {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CALLBACK),
            ("client_id", TPP_ID),
        ];
        self.oauth(TOKEN_PATH, &form).send().await
    }

    /// Access and refresh tokens of `scope` for `persona`, by the authorization-code flow.
    pub(super) async fn code_tokens(&self, persona: &str, scope: &str) -> (String, String) {
        let code = self.code(persona, scope).await;
        let reply = self.exchange(&code).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
        let body = reply.json();
        let text = |k: &str| body[k].as_str().expect("a token").to_string();
        (text("access_token"), text("refresh_token"))
    }

    pub(super) async fn refresh(&self, refresh_token: &str) -> Reply {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", TPP_ID),
        ];
        self.oauth(TOKEN_PATH, &form).send().await
    }

    pub(super) async fn client_credentials(&self, scope: &str) -> Reply {
        let form = [
            ("grant_type", "client_credentials"),
            ("scope", scope),
            ("client_id", TPP_ID),
        ];
        self.oauth(TOKEN_PATH, &form).send().await
    }

    /// A client-credentials access token of `scope`.
    pub(super) async fn client_token(&self, scope: &str) -> String {
        let reply = self.client_credentials(scope).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json());
        reply.json()["access_token"]
            .as_str()
            .expect("an access token")
            .to_string()
    }

    /// An aisp token (authorization-code flow) of `persona` with every account consented.
    pub(super) async fn tpp_consented(&self, persona: &str) -> String {
        let (token, _) = self.code_tokens(persona, "aisp").await;
        let ibans: Vec<Value> = persona_data(persona)
            .accounts
            .iter()
            .map(|a| json!({ "iban": a.iban }))
            .collect();
        let consent = json!({ "balances": ibans, "transactions": ibans, "psuIdentity": true });
        let reply = self
            .tpp(Method::PUT, "/consents")
            .token(&token)
            .json(&consent)
            .send()
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json());
        token
    }
}

/// The value of `name` in the query of `url` (values the bank writes need no decoding).
pub(super) fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// The body as text.
pub(super) fn text(reply: &Reply) -> String {
    String::from_utf8_lossy(&reply.body).into_owned()
}
