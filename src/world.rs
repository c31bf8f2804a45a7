//! The scenario state every step sees, and the run context behind it.
//!
//! cucumber builds a fresh [`ObWorld`] per scenario with no arguments, so the run's context (target,
//! HTTP client, tokens, family) is published in [`RunContext::install`] before the run starts and
//! read by [`ObWorld::new`]. Runs in one process are serialised by the runner. The World is also the
//! evidence store: it keeps every exchange of its scenario, and when a step fails the reporter
//! renders the last one.
//!
//! What steps keep between them is typed ([`ObWorld::state`], a type map): each family declares
//! the types it keeps, so no step reads another's value by a misspelt name or a JSON round trip.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;

use crate::auth::TokenBook;
use crate::family::{Family, Wire, WireError};
use crate::http::{Exchange, HttpClient, RequestSpec};
use crate::target::{Secret, Target};

/// Everything a run shares between its scenarios.
pub struct RunContext {
    pub target: Arc<Target>,
    pub http: HttpClient,
    pub tokens: TokenBook,
    pub family: &'static dyn Family,
    /// The family's wire for this run (see [`Family::prepare`]): its hooks and its state.
    pub wire: Arc<dyn Wire>,
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
            .field("family", &self.family.about().name)
            .finish()
    }
}

static CURRENT: RwLock<Option<Arc<RunContext>>> = RwLock::new(None);

impl RunContext {
    /// The context of a run of `family` against `target` through `wire`: its client, its token
    /// book, and the wire's credential names registered for redaction.
    pub fn new(
        target: Arc<Target>,
        family: &'static dyn Family,
        wire: Arc<dyn Wire>,
    ) -> Result<Self, crate::http::HttpSetupError> {
        let credentials = wire.credentials();
        crate::redact::register_names(credentials.headers, credentials.fields);
        let http = HttpClient::new(&target)?;
        Ok(Self {
            tokens: TokenBook::new(target.clone(), http.clone(), wire.clone()),
            http,
            family,
            wire,
            api_prefix: target
                .api_prefix
                .clone()
                .unwrap_or_else(|| family.about().api_prefix.to_string()),
            today: chrono::Utc::now().date_naive(),
            target,
            bank_clock: None,
        })
    }

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

    /// The run's wire as the family's own type, when the run is of that family: the one place
    /// a family's state is recovered from the engine's `dyn Wire`.
    pub fn wire_as<W: Wire>(&self) -> Option<Arc<W>> {
        let wire: Arc<dyn std::any::Any + Send + Sync> = self.wire.clone();
        wire.downcast::<W>().ok()
    }
}

/// How the message of a [`Failure::could_not_check`] starts.
pub const COULD_NOT_CHECK: &str = "could not check: ";

/// A step's failure: what the document expects against what the bank did. The reporter adds the
/// catalog id and the evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure(pub String);

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// The failure of a step that belongs to `family` and ran in another family's scenario.
    pub fn belongs_to(family: &str, running: &str) -> Self {
        Self(format!(
            "this step belongs to the {family} family; this scenario runs against a {running} target (hint: use {running}'s own steps, or move the scenario to features/{family}/)"
        ))
    }

    /// The step cannot give a verdict on the bank: the target lacks a setting the check needs, or
    /// its data cannot exercise the rule. `reason` says which, with the hint to fix it when there
    /// is one. The scenario ends `could not check` (never a pass): the one mechanism every family
    /// uses, recognised by the collector from the message's [`COULD_NOT_CHECK`] prefix (cucumber
    /// hands a failed step over as its text only).
    pub fn could_not_check(reason: impl fmt::Display) -> Self {
        Self(format!("{COULD_NOT_CHECK}{reason}"))
    }

    /// Whether a failed step's message came from [`Failure::could_not_check`].
    pub fn is_could_not_check(message: &str) -> bool {
        message.starts_with(COULD_NOT_CHECK)
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

/// A token the target gives no way to get (no persona, no token, no token endpoint, a token
/// command that fails) says nothing of the bank: the check could not be made. A login the bank
/// refuses, or a token request it refuses, is the bank's.
impl From<crate::auth::AuthError> for Failure {
    fn from(e: crate::auth::AuthError) -> Self {
        if e.is_the_targets() {
            Self::could_not_check(e)
        } else {
            Self(e.to_string())
        }
    }
}

/// A step's own signing of the next request (see [`ObWorld::next_resign`]).
pub type Resign = Box<dyn FnOnce(&mut RequestSpec) -> Result<(), WireError> + Send + Sync>;

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
    /// Re-signs the next request after the family decorated it, as a step needs (a signature by a
    /// key that is not the TPP's): applied before [`Self::next_after_signing`].
    pub next_resign: Option<Resign>,
    /// Whether the next request goes out without the client certificate (mTLS checks).
    pub next_without_client_certificate: bool,
    /// The last exchange: what `Then` steps check, and the evidence when one fails.
    pub exchange: Option<Exchange>,
    /// Every exchange of the scenario so far, in the order sent (the last one included): the
    /// evidence of passed steps as well as failed ones.
    pub exchanges: Vec<Exchange>,
    /// Named values found along the way (`account` → a resource id), substituted as `{name}` in paths.
    pub vars: BTreeMap<String, String>,
    /// What steps keep between them (a list read earlier, a session's credentials), one value of
    /// each type: see [`Self::state`].
    pub state: http::Extensions,
    /// What the checks observed about the bank that a certifier should see beside the verdict
    /// (see [`Self::note`]).
    pub notes: Vec<String>,
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
    /// Records in the scenario's evidence what the bank was seen to do where its document allows
    /// more than one reading ("the nonce came in the upload's answer"): the verdict holds for
    /// both, and a certifier sees which one this bank follows. Once per distinct text.
    pub fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        if !self.notes.contains(&text) {
            self.notes.push(text);
        }
    }

    pub async fn new() -> Result<Self, NoRunContext> {
        Ok(Self::in_context(RunContext::current().ok_or(NoRunContext)?))
    }

    /// A fresh scenario state in `ctx` (what cucumber gets through [`Self::new`]).
    pub fn in_context(ctx: Arc<RunContext>) -> Self {
        Self {
            ctx,
            persona: None,
            token: None,
            next_headers: Vec::new(),
            next_omit: Vec::new(),
            next_after_signing: Vec::new(),
            next_resign: None,
            next_without_client_certificate: false,
            exchange: None,
            exchanges: Vec::new(),
            vars: BTreeMap::new(),
            state: http::Extensions::new(),
            notes: Vec::new(),
        }
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

    /// Sends `request` with the scenario's token and headers through the family's wire, and keeps
    /// the exchange. Fails when the wire refused the request (nothing was sent), when no response
    /// came back, or when the wire rejected the response; the exchange is kept as evidence.
    pub async fn send(&mut self, mut request: RequestSpec) -> Result<&Exchange, Failure> {
        if request.bearer.is_none() {
            request.bearer = self.token.clone();
        }
        for (k, v) in self.next_headers.drain(..) {
            request.set_header(k, v);
        }
        request.omit.append(&mut self.next_omit);
        let wire = self.ctx.wire.clone();
        let prepared = match wire.ready(&self.ctx.http).await {
            Ok(()) => wire.decorate(&mut request),
            Err(e) => Err(e),
        };
        if let Err(refused) = prepared {
            return Err(self.not_sent(&request, refused));
        }
        for name in request.omit.clone() {
            request.remove_header(&name);
        }
        if let Some(resign) = self.next_resign.take()
            && let Err(refused) = resign(&mut request)
        {
            return Err(self.not_sent(&request, refused));
        }
        for (k, v) in self.next_after_signing.drain(..) {
            request.set_header(k, v);
        }
        request.without_client_certificate |=
            std::mem::take(&mut self.next_without_client_certificate);
        let exchange = self.ctx.http.send(request).await;
        self.keep(crate::family::wire_finish(wire.as_ref(), exchange))
    }

    /// Sends a request that is not the scenario's API call (a token request, a PSU page) through
    /// the family's wire, and returns the exchange without keeping it.
    pub async fn deliver(&self, request: RequestSpec) -> Exchange {
        crate::family::deliver(&self.ctx.http, self.ctx.wire.as_ref(), request).await
    }

    /// Records a request the wire refused, and the failure that says so.
    fn not_sent(&mut self, request: &RequestSpec, refused: WireError) -> Failure {
        let reason = format!("the request was not sent: {refused}");
        let exchange = self.ctx.http.not_sent(request, reason.clone());
        self.record(exchange);
        Failure::new(reason)
    }

    /// An access token of `scope` for `persona`, from the family's wire (by default the target's
    /// own token sources). The requests made to get it (a login, a token exchange) are kept as
    /// the step's evidence; a token the run already had costs none.
    pub async fn persona_token(&mut self, persona: &str, scope: &str) -> Result<Secret, Failure> {
        let ctx = self.ctx.clone();
        let (token, made) =
            crate::family::capture(ctx.wire.token(&ctx.tokens, persona, scope)).await;
        self.record_all(made);
        Ok(token?)
    }

    /// A client-credentials token of `scope` (no PSU), its requests kept as evidence.
    pub async fn client_token(&mut self, scope: &str) -> Result<Secret, Failure> {
        let ctx = self.ctx.clone();
        let (token, made) = crate::family::capture(ctx.tokens.client_token(scope)).await;
        self.record_all(made);
        Ok(token?)
    }

    /// Keeps exchanges made on the scenario's behalf as evidence, without making the last of them
    /// the one `Then` steps check.
    fn record_all(&mut self, made: Vec<Exchange>) {
        self.exchanges.extend(made);
    }

    /// The run's wire as family `W`'s own type; fails, naming `family`, in another family's run.
    pub fn wire<W: Wire>(&self, family: &str) -> Result<Arc<W>, Failure> {
        self.ctx
            .wire_as::<W>()
            .ok_or_else(|| Failure::belongs_to(family, self.ctx.family.about().name))
    }

    /// The value of type `T` a step kept earlier in the scenario.
    pub fn state<T: Clone + Send + Sync + 'static>(&self) -> Option<&T> {
        self.state.get::<T>()
    }

    /// The value of type `T` kept so far, or its default, to change in place.
    pub fn state_mut<T: Clone + Default + Send + Sync + 'static>(&mut self) -> &mut T {
        self.state.get_or_insert_default::<T>()
    }

    /// Keeps `value` for later steps, and returns the value of its type kept before.
    pub fn keep_state<T: Clone + Send + Sync + 'static>(&mut self, value: T) -> Option<T> {
        self.state.insert(value)
    }

    /// Keeps an exchange made outside [`Self::send`] (a token request) as the one `Then` steps
    /// check. Fails when no response came back.
    pub fn keep(&mut self, exchange: Exchange) -> Result<&Exchange, Failure> {
        let failed = match (&exchange.response, &exchange.rejected) {
            (None, _) => Some(format!("the bank did not answer: {}", exchange.summary())),
            (Some(_), Some(why)) => Some(format!(
                "the response was rejected by the family's checks: {why}"
            )),
            (Some(_), None) => None,
        };
        self.record(exchange);
        if let Some(message) = failed {
            return Err(Failure::new(crate::redact::redact(&message)));
        }
        self.last()
    }

    /// Records an exchange as the scenario's last (what `Then` steps check) and as evidence,
    /// whether or not a response came back.
    pub fn record(&mut self, exchange: Exchange) {
        self.exchanges.push(exchange.clone());
        self.exchange = Some(exchange);
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
