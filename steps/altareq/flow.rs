//! The steps every consent goes through: PAR (with or without a flaw), the PSU's authorisation,
//! the token, and client-credentials tokens. The consent read back is in `consent_views.rs`.

use cucumber::{given, then, when};
use serde_json::Value;

use super::authorise::{self, Callback};
use super::call;
use super::consents::{self, Kind, Limits};
use super::jose::{self, PiiForm};
use super::oauth::{self, AssertionFlaw, Grant, Grants, RequestFlaw, TokenFlaw};
use crate::world::{Failure, ObWorld, StepResult};

pub const AIS: &str = "/account-information/v2.1";
pub const PAY: &str = "/payment/v2.1";

fn failure(e: impl std::fmt::Display) -> Failure {
    Failure::new(e.to_string())
}

#[given("an account-access consent with a fresh ConsentId, expiring 10 minutes ahead")]
pub(super) async fn account_access(w: &mut ObWorld) {
    let id = uuid::Uuid::new_v4().to_string();
    w.state_mut::<Grants>().current = Some(Grant::new(
        Kind::DataSharing,
        id.clone(),
        consents::account_access(&id),
    ));
}

/// A single instant payment consent to the target's creditor, its PII encrypted to the bank.
pub async fn single_payment_grant(w: &mut ObWorld, amount: &str) -> StepResult {
    let run = call::run(w)?;
    oauth::ready(w, &run).await?;
    let creditor = creditor(&run)?;
    let pii = protect(&run, &consents::consent_pii(&creditor))?;
    let id = uuid::Uuid::new_v4().to_string();
    w.state_mut::<Grants>().current = Some(Grant::new(
        Kind::Payment,
        id.clone(),
        consents::single_payment(&id, amount, pii),
    ));
    Ok(())
}

pub fn creditor(run: &super::AltareqRun) -> Result<super::settings::Creditor, Failure> {
    run.settings.creditor.clone().ok_or_else(|| {
        Failure::new("the target's settings.payments.creditor is needed for the payment scenarios")
    })
}

/// `pii` signed and encrypted to the bank, as a consent carries it.
pub fn protect(run: &super::AltareqRun, pii: &Value) -> Result<Value, Failure> {
    let me = &run.clients[0];
    let bank = run.bank().map_err(failure)?;
    jose::protect_pii(
        pii,
        &me.key,
        &me.client_id,
        run.issuer(),
        &bank.keys,
        PiiForm::Encrypted,
    )
    .map_err(failure)
}

#[when("the TPP pushes the authorization request with a fresh client assertion")]
async fn push(w: &mut ObWorld) -> StepResult {
    oauth::push(w, AssertionFlaw::None, RequestFlaw::None).await
}

#[when("the TPP pushes an authorization request for an account-access consent")]
async fn push_account_access(w: &mut ObWorld) -> StepResult {
    account_access(w).await;
    oauth::push(w, AssertionFlaw::None, RequestFlaw::None).await
}

#[when(regex = r"^the TPP pushes the authorization request with a client assertion (.+)$")]
async fn push_bad_assertion(w: &mut ObWorld, flaw: String) -> StepResult {
    let flaw = match flaw.as_str() {
        "left out" => AssertionFlaw::Missing,
        "signed by a key that is not the TPP's" => AssertionFlaw::ForeignKey,
        "signed RS256" => AssertionFlaw::Rs256,
        "signed by the other client's key" => AssertionFlaw::OtherClientsKey,
        "whose aud is not the issuer" => AssertionFlaw::WrongAud,
        "whose aud is the PAR endpoint" => AssertionFlaw::ParUrlAud,
        "whose aud is an array" => AssertionFlaw::ArrayAud,
        "that has expired" => AssertionFlaw::Expired,
        "used before" => AssertionFlaw::Reused,
        other => return Err(Failure::new(format!("no client assertion flaw `{other}`"))),
    };
    oauth::push(w, flaw, RequestFlaw::None).await
}

#[when(regex = r"^the TPP pushes the authorization request with a request object (.+)$")]
async fn push_bad_request(w: &mut ObWorld, flaw: String) -> StepResult {
    let flaw = match flaw.as_str() {
        "whose signature does not verify" => RequestFlaw::BadSignature,
        "signed with alg none" => RequestFlaw::AlgNone,
        "whose exp has passed" => RequestFlaw::Expired,
        "without exp" => RequestFlaw::NoExp,
        "without nbf" => RequestFlaw::NoNbf,
        "whose nbf is 20 minutes old" => RequestFlaw::NbfTooOld,
        "whose aud is not the issuer" => RequestFlaw::WrongAud,
        "signed by the other client's key" => RequestFlaw::OtherClientsKey,
        "that is not signed" => RequestFlaw::Unsigned,
        other => return Err(Failure::new(format!("no request object flaw `{other}`"))),
    };
    oauth::push(w, AssertionFlaw::None, flaw).await
}

#[then("the bank answers the pushed authorization request with a request_uri")]
async fn par_answered(w: &mut ObWorld) -> StepResult {
    let run = call::run(w)?;
    let e = w.last()?;
    let status = e.status().unwrap_or(0);
    let allowed = &run.settings.tolerances.par_status;
    if !allowed.contains(&status) {
        return Err(Failure::expected(
            format!("HTTP {allowed:?} (settings.tolerances.par_status)"),
            format!("HTTP {status}"),
        ));
    }
    let json = w.last_json()?;
    let uri = json
        .get("request_uri")
        .and_then(Value::as_str)
        .unwrap_or("");
    let expires = json.get("expires_in").and_then(Value::as_i64);
    match expires {
        Some(s) if !uri.is_empty() && (1..=600).contains(&s) => Ok(()),
        _ => Err(Failure::expected(
            "a non-empty request_uri and expires_in between 1 and 600 seconds",
            format!("request_uri `{uri}`, expires_in {expires:?}"),
        )),
    }
}

#[when("the PSU authorises the consent at the bank")]
async fn psu_authorises(w: &mut ObWorld) -> StepResult {
    authorise::authorise(w).await
}

#[then("the callback carries a code, the TPP's state and the bank's issuer")]
async fn callback_checked(w: &mut ObWorld) -> StepResult {
    let run = call::run(w)?;
    let callback = w
        .state::<Callback>()
        .cloned()
        .ok_or_else(|| Failure::new("no callback came back"))?;
    let state = w.state_mut::<Grants>().current()?.state.clone();
    authorise::check_callback(&callback, &state, run.issuer())?;
    callback
        .get("code")
        .filter(|c| !c.is_empty())
        .map(|_| ())
        .ok_or_else(|| Failure::expected("a code", "none"))
}

#[when("the TPP redeems the code with the PKCE verifier")]
async fn redeem(w: &mut ObWorld) -> StepResult {
    oauth::redeem(w, TokenFlaw::None).await
}

#[when(
    regex = r"^the TPP redeems the code (with a wrong PKCE verifier|without the PKCE verifier|again, with a fresh client assertion|without a client assertion|with a client assertion signed by a key that is not the TPP's)$"
)]
async fn redeem_badly(w: &mut ObWorld, how: String) -> StepResult {
    let flaw = match how.as_str() {
        "with a wrong PKCE verifier" => TokenFlaw::WrongVerifier,
        "without the PKCE verifier" => TokenFlaw::NoVerifier,
        "without a client assertion" => TokenFlaw::Assertion(AssertionFlaw::Missing),
        "with a client assertion signed by a key that is not the TPP's" => {
            TokenFlaw::Assertion(AssertionFlaw::ForeignKey)
        }
        _ => TokenFlaw::None,
    };
    oauth::redeem(w, flaw).await
}

#[then("the token is a Bearer access token bound to the consent, which is Authorized")]
async fn token_bound(w: &mut ObWorld) -> StepResult {
    let grant = w.state_mut::<Grants>().current()?.clone();
    let json = w.last_json()?;
    bearer(&json)?;
    let detail = json
        .pointer("/authorization_details/0")
        .ok_or_else(|| Failure::expected("authorization_details[0]", "none"))?;
    let asked = grant
        .detail
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let typ = detail.get("type").and_then(Value::as_str).unwrap_or("");
    let consent = detail
        .pointer("/consent/Data")
        .or_else(|| detail.get("consent"))
        .cloned()
        .unwrap_or(Value::Null);
    let id = consent
        .get("ConsentId")
        .and_then(Value::as_str)
        .unwrap_or("");
    let status = consent.get("Status").and_then(Value::as_str).unwrap_or("");
    if typ == asked && id == grant.consent_id && status == "Authorized" {
        Ok(())
    } else {
        Err(Failure::expected(
            format!(
                "authorization_details[0]: type {asked}, ConsentId {}, Status Authorized",
                grant.consent_id
            ),
            format!("type {typ}, ConsentId {id}, Status {status}"),
        ))
    }
}

/// `access_token` present, `token_type` Bearer (any case), `expires_in` above 0.
pub fn bearer(json: &Value) -> StepResult {
    let token = json
        .get("access_token")
        .and_then(Value::as_str)
        .unwrap_or("");
    let typ = json.get("token_type").and_then(Value::as_str).unwrap_or("");
    let expires = json.get("expires_in").and_then(Value::as_i64).unwrap_or(0);
    if !token.is_empty() && typ.eq_ignore_ascii_case("bearer") && expires > 0 {
        Ok(())
    } else {
        Err(Failure::expected(
            "an access_token, token_type Bearer and expires_in above 0",
            format!(
                "access_token {}, token_type `{typ}`, expires_in {expires}",
                if token.is_empty() {
                    "missing"
                } else {
                    "present"
                }
            ),
        ))
    }
}

#[then("the answer carries a Bearer access token")]
async fn answer_bearer(w: &mut ObWorld) -> StepResult {
    bearer(&w.last_json()?)
}

/// The whole of ALT-DS-01 for a grant already asked for: PAR, authorisation, token; each answer
/// must be the documented one.
pub async fn complete(w: &mut ObWorld) -> StepResult {
    oauth::push(w, AssertionFlaw::None, RequestFlaw::None).await?;
    par_answered(w).await?;
    authorise::authorise(w).await?;
    oauth::redeem(w, TokenFlaw::None).await?;
    if w.last()?.status() != Some(200) {
        return Err(Failure::expected(
            "HTTP 200 from the token endpoint",
            w.last()?.summary(),
        ));
    }
    token_bound(w).await
}

#[given("the PSU authorised an account-access consent and the TPP holds its token")]
async fn authorised_account_access(w: &mut ObWorld) -> StepResult {
    account_access(w).await;
    complete(w).await
}

#[given(
    regex = r"^the PSU authorised a single instant payment consent of (\d+\.\d{2}) AED and the TPP holds its token$"
)]
async fn authorised_single_payment(w: &mut ObWorld, amount: String) -> StepResult {
    single_payment_grant(w, &amount).await?;
    complete(w).await
}

#[given(
    regex = r"^the PSU authorised a variable-on-demand consent of at most (\d+\.\d{2}) AED a payment, (\d+) payments and (\d+\.\d{2}) AED a week, (\d+) payments and (\d+\.\d{2}) AED in all, and the TPP holds its token$"
)]
async fn authorised_multi_payment(
    w: &mut ObWorld,
    individual: String,
    per_period_count: u32,
    per_period_value: String,
    count: u32,
    value: String,
) -> StepResult {
    let run = call::run(w)?;
    oauth::ready(w, &run).await?;
    let pii = protect(&run, &consents::consent_pii(&creditor(&run)?))?;
    let limits = Limits {
        individual,
        per_period_count,
        per_period_value,
        count,
        value,
    };
    let id = uuid::Uuid::new_v4().to_string();
    w.state_mut::<Grants>().current = Some(Grant::new(
        Kind::Payment,
        id.clone(),
        consents::multi_payment(&id, &limits, pii),
    ));
    complete(w).await
}

/// A client-credentials token of `scope`, which must come back.
pub async fn cc_token(w: &mut ObWorld, scope: &str) -> Result<crate::target::Secret, Failure> {
    let token = oauth::client_credentials(w, scope, None).await?;
    token.ok_or_else(|| {
        Failure::expected(
            format!("a client-credentials token of scope `{scope}`"),
            w.last().map(|e| e.summary()).unwrap_or_default(),
        )
    })
}

#[when(regex = r#"^the TPP asks for a client-credentials token of scope "([^"]+)"$"#)]
async fn asks_cc(w: &mut ObWorld, scope: String) -> StepResult {
    oauth::client_credentials(w, &scope, None).await?;
    Ok(())
}
