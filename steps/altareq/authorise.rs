//! How the PSU authorises a consent, by the target's strategy, and the TPP's check of the
//! callback. `headless`: the Ozone sandbox API (getAuth at the authorization endpoint, the consent
//! manager's GET and PATCH with the PSU and accounts, doConfirm answering 303 to the callback).
//! `command`: a program that receives the authorization URL and prints the callback URL. Either
//! way obconf refuses a callback whose `state` is not the one it sent or whose `iss` is not the
//! issuer (RFC 9207), and keeps the code as a secret.

use std::time::Duration;

use serde_json::{Value, json};

use super::call::{self, As};
use super::consents::Kind;
use super::oauth::Grants;
use super::settings::Authoriser;
use crate::http::{Body, Purpose, RequestSpec, form_encode};
use crate::target::Secret;
use crate::world::{Failure, ObWorld, StepResult};

/// The callback as it came back: its query parameters.
#[derive(Clone, Debug, Default)]
pub struct Callback {
    pub params: Vec<(String, String)>,
}

impl Callback {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The accounts the PSU shares at a headless authorisation, when a scenario shares fewer than the
/// target's `authoriser.account_ids` (all of them otherwise).
#[derive(Clone, Debug, Default)]
pub struct Sharing(pub Vec<String>);

/// The PSU authorises the current grant; the callback is kept, its code on the grant once the
/// callback has passed the TPP's checks.
pub async fn authorise(w: &mut ObWorld) -> StepResult {
    let run = call::run(w)?;
    super::oauth::ready(w, &run).await?;
    let grant = w.state_mut::<Grants>().current()?.clone();
    let request_uri = grant
        .request_uri
        .clone()
        .ok_or_else(|| Failure::new("PAR gave no request_uri to authorise"))?;
    let bank = run.bank().map_err(|e| Failure::new(e.to_string()))?.clone();
    let url = format!(
        "{}?{}",
        bank.authorization,
        form_encode(&[
            ("client_id".into(), run.clients[0].client_id.clone()),
            ("response_type".into(), "code".into()),
            ("scope".into(), "openid".into()),
            ("request_uri".into(), request_uri),
        ])
    );
    let location = match &run.settings.authoriser {
        Authoriser::Headless {
            consent_manager,
            user_id,
            account_ids,
            debtor_account_id,
            authorization_channel,
        } => {
            let accounts = match grant.kind {
                Kind::DataSharing => w
                    .state::<Sharing>()
                    .map_or_else(|| account_ids.clone(), |s| s.0.clone()),
                Kind::Payment => {
                    // The account the payment consent covers, as the PSU chose it (not the
                    // first one a bank happens to list).
                    w.vars
                        .insert("debtor_account".into(), debtor_account_id.clone());
                    vec![debtor_account_id.clone()]
                }
            };
            headless(
                w,
                &url,
                consent_manager,
                user_id,
                accounts,
                authorization_channel,
            )
            .await?
        }
        Authoriser::Command {
            command,
            timeout_secs,
        } => {
            // The PSU picks the debtor outside obconf: the account a data-sharing answer listed
            // first stands for it.
            if grant.kind == Kind::Payment
                && let Some(account) = w.vars.get("account").cloned()
            {
                w.vars.entry("debtor_account".into()).or_insert(account);
            }
            by_command(command, &url, *timeout_secs).await?
        }
    };
    let callback = parse_callback(&location, &run.settings.redirect_uri)?;
    w.keep_state(callback.clone());
    check_callback(&callback, &grant.state, run.issuer())?;
    let code = callback
        .get("code")
        .ok_or_else(|| Failure::new("the callback carries no code"))?;
    w.state_mut::<Grants>().current_mut()?.code = Some(Secret::new(code));
    Ok(())
}

async fn headless(
    w: &mut ObWorld,
    url: &str,
    cs: &str,
    user_id: &str,
    accounts: Vec<String>,
    channel: &str,
) -> Result<String, Failure> {
    let get = RequestSpec::new("GET", url).purpose(Purpose::Psu);
    let e = call::send(w, As::Client, get, "GET /auth").await?;
    let json = match (e.status(), e.json()) {
        (Some(200), Some(j)) => j,
        _ => {
            return Err(Failure::expected(
                "HTTP 200 and the interaction (getAuth)",
                e.summary(),
            ));
        }
    };
    let interaction = json
        .pointer("/interaction/interactionId")
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::new("getAuth gave no interaction.interactionId"))?
        .to_string();
    let consent = json
        .pointer("/interaction/consentIdsList/0")
        .and_then(Value::as_str)
        .ok_or_else(|| Failure::new("getAuth gave no interaction.consentIdsList[0]"))?
        .to_string();
    let consent_url = format!("{cs}/v2024.46/consents/{consent}");
    let read = RequestSpec::new("GET", consent_url.clone()).purpose(Purpose::Psu);
    let e = call::send(w, As::Client, read, "GET /cs/v2024.46/consents/{consentId}").await?;
    if e.status() != Some(200) {
        return Err(Failure::expected(
            "HTTP 200 from the consent manager",
            e.summary(),
        ));
    }
    let patch = RequestSpec::new("PATCH", consent_url)
        .purpose(Purpose::Psu)
        .body(Body::Json(json!({
            "psuIdentifiers": { "userId": user_id },
            "accountIds": accounts,
            "authorizationChannel": channel,
            "consentBody.Data.Status": "Authorized",
        })));
    let e = call::send(
        w,
        As::Client,
        patch,
        "PATCH /cs/v2024.46/consents/{consentId}",
    )
    .await?;
    if !matches!(e.status(), Some(200..=299)) {
        return Err(Failure::expected(
            "a 2xx from the consent manager's PATCH",
            e.summary(),
        ));
    }
    let confirm = format!(
        "{}/{interaction}/doConfirm",
        url.split('?').next().unwrap_or(url)
    );
    let post = RequestSpec::new("POST", confirm)
        .purpose(Purpose::Psu)
        .body(Body::Form(vec![(
            "heimdall.suppressRefreshToken".into(),
            "false".into(),
        )]));
    let e = call::send(w, As::Client, post, "POST /auth/{interactionId}/doConfirm").await?;
    match (e.status(), e.header("location")) {
        (Some(303), Some(location)) => Ok(location.to_string()),
        _ => Err(Failure::expected(
            "HTTP 303 to the callback (doConfirm)",
            e.summary(),
        )),
    }
}

/// Runs the target's authorisation program: the URL as its argument and in
/// `OBCONF_AUTHORIZATION_URL`; the last line of its output is the callback URL.
async fn by_command(command: &str, url: &str, timeout_secs: u64) -> Result<String, Failure> {
    let mut cmd = tokio::process::Command::new(command);
    cmd.arg(url)
        .env("OBCONF_AUTHORIZATION_URL", url)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(timeout_secs), cmd.output())
        .await
        .map_err(|_| {
            Failure::new(format!(
                "settings.authoriser.command `{command}` printed no callback within {timeout_secs} s"
            ))
        })?
        .map_err(|e| Failure::new(format!("settings.authoriser.command `{command}` cannot run: {e}")))?;
    if !out.status.success() {
        return Err(Failure::new(format!(
            "settings.authoriser.command `{command}` failed ({})",
            out.status
        )));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            Failure::new(format!(
                "settings.authoriser.command `{command}` printed nothing"
            ))
        })
}

/// The callback's query, when it is the registered redirect URI.
fn parse_callback(location: &str, redirect_uri: &str) -> Result<Callback, Failure> {
    let url = reqwest::Url::parse(location)
        .map_err(|e| Failure::new(format!("the callback is not a URL: {e}")))?;
    let base = format!("{}://{}{}", url.scheme(), url.authority(), url.path());
    if base.trim_end_matches('/') != redirect_uri.trim_end_matches('/') {
        return Err(Failure::expected(
            format!("a redirect to {redirect_uri}"),
            format!("a redirect to {base}"),
        ));
    }
    let params = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect::<Vec<_>>();
    if let Some((_, code)) = params.iter().find(|(k, _)| k == "code") {
        crate::redact::register(code);
    }
    Ok(Callback { params })
}

/// RFC 9207 and the `state` check: a callback that is not the answer to this request is refused.
pub fn check_callback(callback: &Callback, state: &str, issuer: &str) -> StepResult {
    if let Some(error) = callback.get("error") {
        return Err(Failure::expected(
            "a code",
            format!("error `{error}` in the callback"),
        ));
    }
    match callback.get("state") {
        Some(s) if s == state => {}
        Some(_) => {
            return Err(Failure::expected(
                "the TPP's state",
                "another state: refused",
            ));
        }
        None => return Err(Failure::expected("the TPP's state", "no state: refused")),
    }
    match callback.get("iss") {
        Some(i) if i.trim_end_matches('/') == issuer => Ok(()),
        Some(i) => Err(Failure::expected(
            format!("iss `{issuer}` (RFC 9207)"),
            format!("iss `{i}`: refused"),
        )),
        None => Err(Failure::expected(
            format!("iss `{issuer}` (RFC 9207)"),
            "no iss: refused",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callback_with_another_state_or_issuer_is_refused() {
        let cb = parse_callback(
            "https://tpp.obconf.test/callback?code=abcdef123&state=s1&iss=https%3A%2F%2Fas.example",
            "https://tpp.obconf.test/callback",
        )
        .unwrap();
        assert!(check_callback(&cb, "s1", "https://as.example").is_ok());
        assert!(check_callback(&cb, "s2", "https://as.example").is_err());
        let err = check_callback(&cb, "s1", "https://other.example").unwrap_err();
        assert!(err.0.contains("refused"), "{err}");
        let no_iss = parse_callback(
            "https://tpp.obconf.test/callback?code=abcdef123&state=s1",
            "https://tpp.obconf.test/callback",
        )
        .unwrap();
        assert!(check_callback(&no_iss, "s1", "https://as.example").is_err());
        assert!(
            parse_callback(
                "https://evil.example/cb?code=x",
                "https://tpp.obconf.test/callback"
            )
            .is_err()
        );
    }
}
