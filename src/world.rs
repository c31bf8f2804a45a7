//! The scenario state every step sees, and the run context behind it.
//!
//! cucumber builds a fresh [`ObWorld`] per scenario with no arguments, so the run's context (target,
//! HTTP client, tokens, family) is published in [`RunContext::install`] before the run starts and
//! read by [`ObWorld::new`]. Runs in one process are serialised by the runner. The World is also the
//! evidence store: when a step fails, the reporter renders the World's last exchange.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;

use crate::auth::TokenBook;
use crate::family::Family;
use crate::http::{Exchange, HttpClient, RequestSpec};
use crate::target::{Secret, Target};

/// Everything a run shares between its scenarios.
pub struct RunContext {
    pub target: Arc<Target>,
    pub http: HttpClient,
    pub tokens: TokenBook,
    pub family: &'static dyn Family,
    /// What the family prepared for this run (see [`Family::prepare`]).
    pub family_state: crate::family::FamilyState,
    /// The target's API prefix, or the family's default.
    pub api_prefix: String,
    /// The run's calendar day (UTC), for dates "computed from today".
    pub today: NaiveDate,
    /// The embedded bank's clock, when the run started one (`sandbox.clock` capability).
    pub bank_clock: Option<crate::sandbox::Clock>,
}

impl fmt::Debug for RunContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunContext")
            .field("target", &self.target.name)
            .field("family", &self.family.name())
            .finish()
    }
}

static CURRENT: RwLock<Option<Arc<RunContext>>> = RwLock::new(None);

impl RunContext {
    /// Publishes this context for the Worlds of the run about to start.
    pub fn install(ctx: Arc<RunContext>) {
        if let Ok(mut slot) = CURRENT.write() {
            *slot = Some(ctx);
        }
    }

    /// Withdraws the published context (after a run).
    pub fn clear() {
        if let Ok(mut slot) = CURRENT.write() {
            *slot = None;
        }
    }

    fn current() -> Option<Arc<RunContext>> {
        CURRENT.read().ok().and_then(|c| c.clone())
    }
}

/// A step's failure: what the document expects against what the bank did. The reporter adds the
/// catalog id and the evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure(pub String);

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// `expected: …` / `  actual: …`.
    pub fn expected(expected: impl fmt::Display, actual: impl fmt::Display) -> Self {
        Self(format!("expected: {expected}\n  actual: {actual}"))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<crate::auth::AuthError> for Failure {
    fn from(e: crate::auth::AuthError) -> Self {
        Self(e.to_string())
    }
}

/// What a step returns.
pub type StepResult = Result<(), Failure>;

/// The state of one scenario.
#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct ObWorld {
    pub ctx: Arc<RunContext>,
    /// The PSU persona the scenario acts for.
    pub persona: Option<String>,
    /// The bearer token the next requests carry (`None`: no Authorization header).
    pub token: Option<Secret>,
    /// Headers the next request carries in addition to the family's own.
    pub next_headers: Vec<(String, String)>,
    /// Headers the next request must not carry, even those the family adds.
    pub next_omit: Vec<String>,
    /// Headers set on the next request AFTER the family decorated (signed) it: how a scenario
    /// proves that a request changed after signing is refused.
    pub next_after_signing: Vec<(String, String)>,
    /// Whether the next request goes out without the client certificate (mTLS checks).
    pub next_without_client_certificate: bool,
    /// Credentials the scenario holds (a one-time code, a refresh token), by name.
    pub secrets: BTreeMap<String, Secret>,
    /// The last exchange: what `Then` steps check, and the evidence when one fails.
    pub exchange: Option<Exchange>,
    /// Every exchange of the scenario so far, in the order sent (the last one included): the
    /// evidence of passed steps as well as failed ones.
    pub exchanges: Vec<Exchange>,
    /// Named values found along the way (`account` → a resource id), substituted as `{name}` in paths.
    pub vars: BTreeMap<String, String>,
    /// Structured values kept between steps (a list read earlier, to compare with a later one).
    pub kept: BTreeMap<String, serde_json::Value>,
}

impl fmt::Debug for ObWorld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObWorld")
            .field("persona", &self.persona)
            .field("vars", &self.vars)
            .field("last", &self.exchange.as_ref().map(Exchange::summary))
            .finish()
    }
}

/// Raised when a World is built outside a run (a bug in the runner, never in user input).
#[derive(Debug, thiserror::Error)]
#[error("no run context is installed: scenarios must be started through obconf's runner")]
pub struct NoRunContext;

impl ObWorld {
    pub async fn new() -> Result<Self, NoRunContext> {
        let ctx = RunContext::current().ok_or(NoRunContext)?;
        Ok(Self {
            ctx,
            persona: None,
            token: None,
            next_headers: Vec::new(),
            next_omit: Vec::new(),
            next_after_signing: Vec::new(),
            next_without_client_certificate: false,
            secrets: BTreeMap::new(),
            exchange: None,
            exchanges: Vec::new(),
            vars: BTreeMap::new(),
            kept: BTreeMap::new(),
        })
    }

    /// The persona the scenario acts for, or a failure saying a Given step is missing.
    pub fn persona(&self) -> Result<&str, Failure> {
        self.persona.as_deref().ok_or_else(|| {
            Failure::new("no persona chosen: start the scenario with `Given the PSU persona …`")
        })
    }

    /// `path` with `{name}` placeholders filled from [`Self::vars`] and the API prefix in front.
    pub fn api_url(&self, path: &str) -> Result<String, Failure> {
        let filled = self.fill(path)?;
        if filled.starts_with("http://") || filled.starts_with("https://") {
            Ok(filled)
        } else {
            Ok(format!("{}{}", self.ctx.api_prefix, filled))
        }
    }

    /// Fills `{name}` placeholders from [`Self::vars`].
    pub fn fill(&self, text: &str) -> Result<String, Failure> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            let name = &rest[start + 1..start + len];
            let value = self.vars.get(name).ok_or_else(|| {
                Failure::new(format!(
                    "`{{{name}}}` in `{text}` is not known yet: an earlier step must find it"
                ))
            })?;
            out.push_str(&rest[..start]);
            out.push_str(value);
            rest = &rest[start + len + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Sends `request` with the scenario's token and headers and the family's decoration, and keeps
    /// the exchange. Fails when no response came back (the exchange is still kept as evidence).
    pub async fn send(&mut self, mut request: RequestSpec) -> Result<&Exchange, Failure> {
        if request.bearer.is_none() {
            request.bearer = self.token.clone();
        }
        for (k, v) in self.next_headers.drain(..) {
            request.set_header(k, v);
        }
        request.omit.append(&mut self.next_omit);
        self.ctx
            .family
            .decorate(&self.ctx.family_state, &mut request);
        for name in request.omit.clone() {
            request.remove_header(&name);
        }
        for (k, v) in self.next_after_signing.drain(..) {
            request.set_header(k, v);
        }
        request.without_client_certificate |=
            std::mem::take(&mut self.next_without_client_certificate);
        let exchange = self.ctx.http.send(request).await;
        self.keep(exchange)
    }

    /// Keeps an exchange made outside [`Self::send`] (a token request) as the one `Then` steps
    /// check. Fails when no response came back.
    pub fn keep(&mut self, exchange: Exchange) -> Result<&Exchange, Failure> {
        let failed = exchange.response.is_none().then(|| exchange.summary());
        self.record(exchange);
        if let Some(summary) = failed {
            return Err(Failure::new(format!("the bank did not answer: {summary}")));
        }
        self.last()
    }

    /// Records an exchange as the scenario's last (what `Then` steps check) and as evidence,
    /// whether or not a response came back.
    pub fn record(&mut self, exchange: Exchange) {
        self.exchanges.push(exchange.clone());
        self.exchange = Some(exchange);
    }

    /// A credential the scenario holds, or a failure naming the step that should have got it.
    pub fn secret(&self, name: &str) -> Result<Secret, Failure> {
        self.secrets
            .get(name)
            .cloned()
            .ok_or_else(|| Failure::new(format!("no {name} was obtained earlier in this scenario")))
    }

    /// The last exchange, which must have a response.
    pub fn last(&self) -> Result<&Exchange, Failure> {
        match &self.exchange {
            Some(e) if e.response.is_some() => Ok(e),
            Some(e) => Err(Failure::new(format!(
                "the bank did not answer: {}",
                e.summary()
            ))),
            None => Err(Failure::new("no request was sent before this check")),
        }
    }

    /// The last response body as JSON, or a failure naming what came instead.
    pub fn last_json(&self) -> Result<serde_json::Value, Failure> {
        let e = self.last()?;
        e.json().ok_or_else(|| {
            Failure::expected(
                "a JSON body",
                format!(
                    "{} with {}",
                    e.status().unwrap_or(0),
                    e.response
                        .as_ref()
                        .map(|r| if r.body.is_empty() {
                            "no body".to_string()
                        } else {
                            format!("{} bytes of non-JSON", r.body.len())
                        })
                        .unwrap_or_default()
                ),
            )
        })
    }
}
