//! The TPP's side of FAPI 2.0 at the bank: PAR with a signed request object and a
//! `private_key_jwt` assertion, the PSU's authorisation (by the target's strategy), the callback
//! check (`state`, `iss`: RFC 9207), and the token requests (authorization code with PKCE, client
//! credentials). The deliberately wrong variants the security scenarios send are built here, so
//! that a scenario names the flaw and this module makes exactly that one.

use serde_json::{Value, json};

use super::call::{self, As};
use super::consents::Kind;
use super::jose::{self, Alg, Authorisation, Pkce, SigningKey};
use super::wire::AltareqRun;
use crate::http::{Body, Purpose, RequestSpec};
use crate::target::Secret;
use crate::world::{Failure, ObWorld, StepResult};

pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// What is wrong with a client assertion (ALT-SEC-01), or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssertionFlaw {
    None,
    Missing,
    ForeignKey,
    /// Signed by the other registered client's key, under its kid (`iss` still the TPP's).
    OtherClientsKey,
    Rs256,
    WrongAud,
    ParUrlAud,
    ArrayAud,
    Expired,
    /// The last assertion sent, sent again.
    Reused,
}

/// What is wrong with a request object (ALT-SEC-02), or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestFlaw {
    None,
    BadSignature,
    AlgNone,
    Expired,
    NoExp,
    NoNbf,
    NbfTooOld,
    WrongAud,
    OtherClientsKey,
    Unsigned,
}

/// One consent on its way: what PAR asked, and what came back along the way.
#[derive(Clone, Debug)]
pub struct Grant {
    pub kind: Kind,
    pub consent_id: String,
    pub detail: Value,
    pub state: String,
    pub nonce: String,
    pub pkce: Pkce,
    pub request_uri: Option<String>,
    pub code: Option<Secret>,
    pub token: Option<Secret>,
}

impl Grant {
    pub fn new(kind: Kind, consent_id: String, detail: Value) -> Self {
        Self {
            kind,
            consent_id,
            detail,
            state: uuid::Uuid::new_v4().to_string(),
            nonce: uuid::Uuid::new_v4().to_string(),
            pkce: Pkce::fresh(),
            request_uri: None,
            code: None,
            token: None,
        }
    }
}

/// The grants of the scenario: the one being built, and the finished ones by kind.
#[derive(Clone, Debug, Default)]
pub struct Grants {
    pub current: Option<Grant>,
    pub data_sharing: Option<Grant>,
    pub payment: Option<Grant>,
}

impl Grants {
    pub fn current(&self) -> Result<&Grant, Failure> {
        self.current
            .as_ref()
            .ok_or_else(|| Failure::new("no consent was asked for before this step"))
    }

    pub fn current_mut(&mut self) -> Result<&mut Grant, Failure> {
        self.current
            .as_mut()
            .ok_or_else(|| Failure::new("no consent was asked for before this step"))
    }

    /// Files the current grant under its kind (it stays current).
    pub fn file(&mut self) {
        if let Some(g) = &self.current {
            match g.kind {
                Kind::DataSharing => self.data_sharing = Some(g.clone()),
                Kind::Payment => self.payment = Some(g.clone()),
            }
        }
    }
}

/// The last client assertion sent, for the replay check.
#[derive(Clone, Debug)]
struct LastAssertion(Secret);

fn failure(e: impl std::fmt::Display) -> Failure {
    Failure::new(e.to_string())
}

/// A client assertion for the client at `audience`'s endpoints, with `flaw`.
fn assertion(
    w: &mut ObWorld,
    run: &AltareqRun,
    flaw: AssertionFlaw,
) -> Result<Option<Secret>, Failure> {
    let me = &run.clients[0];
    let issuer = run.issuer().to_string();
    let mut claims = jose::assertion_claims(&me.client_id, &issuer);
    let mut key = me.key.clone();
    let mut alg = Alg::Ps256;
    match flaw {
        AssertionFlaw::None => {}
        AssertionFlaw::Missing => return Ok(None),
        AssertionFlaw::Reused => {
            return w
                .state::<LastAssertion>()
                .map(|a| Some(a.0.clone()))
                .ok_or_else(|| Failure::new("no client assertion was sent before to reuse"));
        }
        AssertionFlaw::ForeignKey => {
            key = SigningKey::forged("altareq forged assertion", me.key.kid()).map_err(failure)?
        }
        AssertionFlaw::OtherClientsKey => key = run.clients[1].key.clone(),
        AssertionFlaw::Rs256 => alg = Alg::Rs256,
        AssertionFlaw::WrongAud => claims["aud"] = json!("https://not-the-issuer.obconf.test"),
        AssertionFlaw::ParUrlAud => claims["aud"] = json!(run.bank().map_err(failure)?.par),
        AssertionFlaw::ArrayAud => claims["aud"] = json!([issuer]),
        AssertionFlaw::Expired => {
            let now = jose::now();
            claims["iat"] = json!(now - 600);
            claims["nbf"] = json!(now - 600);
            claims["exp"] = json!(now - 300);
        }
    }
    let signed = Secret::new(key.sign(alg, None, &claims).map_err(failure)?);
    w.keep_state(LastAssertion(signed.clone()));
    Ok(Some(signed))
}

/// The form fields of client authentication.
fn client_auth(form: &mut Vec<(String, String)>, client_id: &str, assertion: Option<Secret>) {
    form.push(("client_id".into(), client_id.to_string()));
    if let Some(a) = assertion {
        form.push(("client_assertion_type".into(), ASSERTION_TYPE.into()));
        form.push(("client_assertion".into(), a.expose().to_string()));
    }
}

/// The request object of the current grant, with `flaw`.
fn request_object(run: &AltareqRun, grant: &Grant, flaw: RequestFlaw) -> Result<Secret, Failure> {
    let me = &run.clients[0];
    let ask = Authorisation {
        redirect_uri: &run.settings.redirect_uri,
        scope: grant.kind.scope(),
        state: &grant.state,
        nonce: &grant.nonce,
        code_challenge: &grant.pkce.challenge,
        detail: &grant.detail,
    };
    let mut claims = jose::request_object_claims(&me.client_id, run.issuer(), &ask);
    let now = jose::now();
    let mut key = me.key.clone();
    let mut alg = Alg::Ps256;
    let object = claims
        .as_object_mut()
        .ok_or_else(|| Failure::new("claims"))?;
    match flaw {
        RequestFlaw::None | RequestFlaw::BadSignature | RequestFlaw::Unsigned => {}
        RequestFlaw::AlgNone => alg = Alg::None,
        RequestFlaw::Expired => {
            object.insert("nbf".into(), json!(now - 120));
            object.insert("exp".into(), json!(now - 60));
        }
        RequestFlaw::NoExp => {
            object.remove("exp");
        }
        RequestFlaw::NoNbf => {
            object.remove("nbf");
        }
        RequestFlaw::NbfTooOld => {
            object.insert("nbf".into(), json!(now - 1200));
            object.insert("iat".into(), json!(now - 1200));
        }
        RequestFlaw::WrongAud => {
            object.insert("aud".into(), json!("https://not-the-issuer.obconf.test"));
        }
        RequestFlaw::OtherClientsKey => key = run.clients[1].key.clone(),
    }
    let text = match flaw {
        RequestFlaw::Unsigned => {
            let plain = claims.to_string();
            crate::redact::register(&plain);
            plain
        }
        RequestFlaw::BadSignature => {
            jose::flip_signature(&key.sign(alg, None, &claims).map_err(failure)?)
        }
        _ => key.sign(alg, None, &claims).map_err(failure)?,
    };
    Ok(Secret::new(text))
}

/// POST /par for the current grant; the answer is the scenario's last exchange. A `request_uri`
/// that comes back is kept on the grant.
pub async fn push(
    w: &mut ObWorld,
    assertion_flaw: AssertionFlaw,
    request_flaw: RequestFlaw,
) -> StepResult {
    let run = call::run(w)?;
    ready(w, &run).await?;
    let grant = w.state_mut::<Grants>().current()?.clone();
    let object = request_object(&run, &grant, request_flaw)?;
    let assertion = assertion(w, &run, assertion_flaw)?;
    let mut form = vec![("request".to_string(), object.expose().to_string())];
    client_auth(&mut form, &run.clients[0].client_id, assertion);
    let par = run.bank().map_err(failure)?.par.clone();
    let request = RequestSpec::new("POST", par)
        .header("Accept", "application/json")
        .body(Body::Form(form))
        .purpose(Purpose::Token);
    let e = call::send(w, As::Client, request, "POST /par").await?;
    let uri = e.json().and_then(|j| {
        j.get("request_uri")
            .and_then(Value::as_str)
            .map(str::to_string)
    });
    if let Some(uri) = uri {
        w.state_mut::<Grants>().current_mut()?.request_uri = Some(uri);
    }
    Ok(())
}

/// Learns the bank (discovery, JWKS) before a step needs its endpoints.
pub async fn ready(w: &mut ObWorld, run: &AltareqRun) -> StepResult {
    use crate::family::Wire;
    run.ready(&w.ctx.http)
        .await
        .map_err(|e| Failure::new(format!("the bank could not be discovered: {e}")))
}

/// What flaw a token request has (ALT-SEC-01, ALT-SEC-03), or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenFlaw {
    None,
    WrongVerifier,
    NoVerifier,
    Assertion(AssertionFlaw),
}

/// POST /token with the current grant's code. A token that comes back is kept on the grant.
pub async fn redeem(w: &mut ObWorld, flaw: TokenFlaw) -> StepResult {
    let run = call::run(w)?;
    ready(w, &run).await?;
    let grant = w.state_mut::<Grants>().current()?.clone();
    let code = grant
        .code
        .clone()
        .ok_or_else(|| Failure::new("the PSU has not authorised the consent: there is no code"))?;
    let mut form = vec![
        ("grant_type".to_string(), "authorization_code".to_string()),
        ("code".to_string(), code.expose().to_string()),
        (
            "redirect_uri".to_string(),
            run.settings.redirect_uri.clone(),
        ),
    ];
    match flaw {
        TokenFlaw::NoVerifier => {}
        TokenFlaw::WrongVerifier => {
            let other = Pkce::fresh();
            form.push(("code_verifier".into(), other.verifier.expose().to_string()));
        }
        _ => form.push((
            "code_verifier".into(),
            grant.pkce.verifier.expose().to_string(),
        )),
    }
    let assertion_flaw = match flaw {
        TokenFlaw::Assertion(a) => a,
        _ => AssertionFlaw::None,
    };
    let assertion = assertion(w, &run, assertion_flaw)?;
    client_auth(&mut form, &run.clients[0].client_id, assertion);
    let token_url = run.bank().map_err(failure)?.token.clone();
    let request = RequestSpec::new("POST", token_url)
        .header("Accept", "application/json")
        .body(Body::Form(form))
        .purpose(Purpose::Token);
    let e = call::send(w, As::Client, request, "POST /token").await?;
    let token = (e.status() == Some(200))
        .then(|| e.json())
        .flatten()
        .and_then(|j| {
            j.get("access_token")
                .and_then(Value::as_str)
                .map(Secret::new)
        });
    if let Some(token) = token {
        let grants = w.state_mut::<Grants>();
        grants.current_mut()?.token = Some(token);
        grants.file();
    }
    Ok(())
}

/// A client-credentials token of `scope` at `token_url` for `audience` (the bank's own by
/// default). The answer is the scenario's last exchange; the token, when one came back.
pub async fn client_credentials(
    w: &mut ObWorld,
    scope: &str,
    at: Option<(String, String)>,
) -> Result<Option<Secret>, Failure> {
    let run = call::run(w)?;
    ready(w, &run).await?;
    let (token_url, audience) = match at {
        Some(pair) => pair,
        None => (
            run.bank().map_err(failure)?.token.clone(),
            run.issuer().to_string(),
        ),
    };
    let me = &run.clients[0];
    let claims = jose::assertion_claims(&me.client_id, &audience);
    let signed = Secret::new(me.key.sign(Alg::Ps256, None, &claims).map_err(failure)?);
    let mut form = vec![
        ("grant_type".to_string(), "client_credentials".to_string()),
        ("scope".to_string(), scope.to_string()),
    ];
    client_auth(&mut form, &me.client_id, Some(signed));
    let request = RequestSpec::new("POST", token_url)
        .header("Accept", "application/json")
        .body(Body::Form(form))
        .purpose(Purpose::Token);
    let e = call::send(w, As::Client, request, "POST /token").await?;
    Ok((e.status() == Some(200))
        .then(|| e.json())
        .flatten()
        .and_then(|j| {
            j.get("access_token")
                .and_then(Value::as_str)
                .map(Secret::new)
        }))
}
