//! ALT-COP-01: Confirmation of Payee. A client-credentials token at the hub, discovery of where
//! the payee's account is held, a token at that bank's authorisation server, and confirmations of
//! the holder's name, a wrong name and a close one. Names and IBAN come from the target's settings.

use cucumber::{given, then, when};
use serde_json::{Value, json};

use super::call::{self, As};
use super::flow;
use super::jose::{self, Alg};
use super::oauth;
use crate::http::{Body, RequestSpec};
use crate::target::Secret;
use crate::world::{Failure, ObWorld, StepResult};

const COP: &str = "/confirmation-of-payee/v2.1";
const SCOPE: &str = "confirmation-of-payee";

/// What CoP learnt along the way.
#[derive(Clone, Debug, Default)]
struct Cop {
    hub_token: Option<Secret>,
    discovery_url: Option<String>,
    resource_server: Option<String>,
    token: Option<Secret>,
}

fn settings(w: &ObWorld) -> Result<super::settings::Cop, Failure> {
    call::run(w)?.settings.cop.clone().ok_or_else(|| {
        Failure::new("the target's settings.cop is needed for Confirmation of Payee")
    })
}

/// A signed request JWT whose `message.Data` is `data`.
fn signed(w: &ObWorld, data: Value) -> Result<String, Failure> {
    let run = call::run(w)?;
    let me = &run.clients[0];
    let now = jose::now();
    let claims = json!({
        "iss": me.client_id, "aud": [run.issuer()], "iat": now, "nbf": now - 10, "exp": now + 300,
        "message": { "Data": data },
    });
    me.key
        .sign(Alg::Ps256, Some("JWT"), &claims)
        .map_err(|e| Failure::new(e.to_string()))
}

#[given("the TPP holds a client-credentials token of scope confirmation-of-payee")]
async fn hub_token(w: &mut ObWorld) -> StepResult {
    let token = flow::cc_token(w, SCOPE).await?;
    w.state_mut::<Cop>().hub_token = Some(token);
    Ok(())
}

#[when("the TPP asks the discovery endpoint where the payee's account is held")]
async fn discover(w: &mut ObWorld) -> StepResult {
    let iban = settings(w)?.iban;
    ask_discovery(w, iban).await
}

#[when("the TPP asks the discovery endpoint about the payee's IBAN with wrong check digits")]
async fn discover_invalid(w: &mut ObWorld) -> StepResult {
    let iban = wrong_check_digits(&settings(w)?.iban);
    ask_discovery(w, iban).await
}

/// The IBAN with its check digits moved by one: ISO 13616 mod-97 then fails, whatever the IBAN.
fn wrong_check_digits(iban: &str) -> String {
    let digits: u32 = iban.get(2..4).and_then(|d| d.parse().ok()).unwrap_or(0);
    let moved = if digits >= 98 { 2 } else { digits + 1 };
    format!(
        "{}{moved:02}{}",
        iban.get(..2).unwrap_or("AE"),
        iban.get(4..).unwrap_or("")
    )
}

async fn ask_discovery(w: &mut ObWorld, iban: String) -> StepResult {
    let token = w
        .state_mut::<Cop>()
        .hub_token
        .clone()
        .ok_or_else(|| Failure::new("no CoP token at the hub"))?;
    let jwt = signed(w, json!({ "SchemeName": "IBAN", "Identification": iban }))?;
    let url = w.api_url(&format!("{COP}/discovery"))?;
    let req = RequestSpec::new("POST", url)
        .bearer(token)
        .header("Accept", "application/jwt")
        .body(Body::Raw {
            content_type: "application/jwt".into(),
            text: jwt,
        });
    call::send(w, As::Client, req, &format!("POST {COP}/discovery")).await?;
    Ok(())
}

#[then("the discovery locates the account: a discovery endpoint URL and a resource server URL")]
async fn located(w: &mut ObWorld) -> StepResult {
    let json = w.last_json()?;
    let url = |p: &str| {
        json.pointer(p)
            .and_then(Value::as_str)
            .filter(|u| u.starts_with("https://"))
            .map(str::to_string)
    };
    match (
        url("/Data/DiscoveryEndpointUrl"),
        url("/Data/ResourceServerUrl"),
    ) {
        (Some(d), Some(r)) => {
            let cop = w.state_mut::<Cop>();
            cop.discovery_url = Some(d);
            cop.resource_server = Some(r.trim_end_matches('/').to_string());
            Ok(())
        }
        _ => Err(Failure::expected(
            "Data.DiscoveryEndpointUrl and Data.ResourceServerUrl, https URLs",
            json.get("Data").cloned().unwrap_or(Value::Null).to_string(),
        )),
    }
}

#[when("the TPP gets a client-credentials token at the payee's bank")]
async fn payee_bank_token(w: &mut ObWorld) -> StepResult {
    let url = w
        .state_mut::<Cop>()
        .discovery_url
        .clone()
        .ok_or_else(|| Failure::new("discovery located no bank"))?;
    let e = call::send(
        w,
        As::Client,
        RequestSpec::new("GET", url),
        "GET /.well-known/openid-configuration",
    )
    .await?;
    let doc = e.json().unwrap_or(Value::Null);
    let field = |f: &str| doc.get(f).and_then(Value::as_str).map(str::to_string);
    let (Some(token_url), Some(issuer)) = (field("token_endpoint"), field("issuer")) else {
        return Err(Failure::expected(
            "the payee bank's token_endpoint and issuer",
            e.summary(),
        ));
    };
    let token = oauth::client_credentials(w, SCOPE, Some((token_url, issuer))).await?;
    let token = token.ok_or_else(|| Failure::new("the payee's bank issued no token"))?;
    w.state_mut::<Cop>().token = Some(token);
    Ok(())
}

#[when(
    regex = r"^the TPP confirms the payee with (the holder's name|the wrong name|the close name)$"
)]
async fn confirm(w: &mut ObWorld, which: String) -> StepResult {
    let cop = settings(w)?;
    let state = w.state_mut::<Cop>().clone();
    let (Some(rs), Some(token)) = (state.resource_server, state.token) else {
        return Err(Failure::new(
            "the payee's bank and its token are not known yet",
        ));
    };
    let name = match which.as_str() {
        "the holder's name" => {
            let mut n = json!({ "FullName": cop.name.full });
            if let Some(g) = &cop.name.given {
                n["GivenName"] = json!(g);
            }
            if let Some(l) = &cop.name.last {
                n["LastName"] = json!(l);
            }
            n
        }
        "the wrong name" => json!({ "FullName": cop.wrong_name }),
        _ => json!({ "FullName": cop.close_name }),
    };
    let jwt = signed(
        w,
        json!({ "SchemeName": "IBAN", "Identification": cop.iban, "Name": name }),
    )?;
    let url = format!("{rs}{}{COP}/confirmation", w.ctx.api_prefix);
    let req = RequestSpec::new("POST", url)
        .bearer(token)
        .header("Accept", "application/jwt")
        .body(Body::Raw {
            content_type: "application/jwt".into(),
            text: jwt,
        });
    call::send(w, As::Client, req, &format!("POST {COP}/confirmation")).await?;
    Ok(())
}

fn indicator(w: &ObWorld) -> Result<(String, Option<String>), Failure> {
    let json = w.last_json()?;
    let got = json
        .pointer("/Data/NameMatchIndicator")
        .and_then(Value::as_str)
        .unwrap_or("(none)")
        .to_string();
    let masked = json
        .pointer("/Data/MaskedName")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok((got, masked))
}

#[then(regex = r"^the name (matches|matches or partly matches)$")]
async fn matches(w: &mut ObWorld, how: String) -> StepResult {
    let (got, _) = indicator(w)?;
    let allowed: &[&str] = if how == "matches" {
        &["ConfirmationOfPayee.Yes"]
    } else {
        &["ConfirmationOfPayee.Yes", "ConfirmationOfPayee.Partial"]
    };
    if allowed.contains(&got.as_str()) {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("NameMatchIndicator {}", allowed.join(" or ")),
            got,
        ))
    }
}

#[then("the name does not match, and the masked name is not the holder's")]
async fn no_match(w: &mut ObWorld) -> StepResult {
    let cop = settings(w)?;
    let (got, masked) = indicator(w)?;
    let masked_ok = masked
        .as_deref()
        .is_some_and(|m| !m.is_empty() && m != cop.name.full);
    if matches!(
        got.as_str(),
        "ConfirmationOfPayee.No" | "ConfirmationOfPayee.Partial"
    ) && masked_ok
    {
        Ok(())
    } else {
        Err(Failure::expected(
            "NameMatchIndicator No (or Partial) with a MaskedName that is not the holder's full name",
            format!(
                "{got}, MaskedName {}",
                if masked.as_deref() == Some(cop.name.full.as_str()) {
                    "the holder's full name"
                } else if masked.is_some() {
                    "present"
                } else {
                    "missing"
                }
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn moving_the_check_digits_breaks_mod_97() {
        assert_eq!(
            super::wrong_check_digits("AE070331234567890123456"),
            "AE080331234567890123456"
        );
        assert_eq!(super::wrong_check_digits("AE98x"), "AE02x");
    }
}
