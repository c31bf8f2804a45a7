//! ALT-DS-02, ALT-SEC-04, ALT-SEC-05 (data side) and ALT-GEN-01: resource calls with a token, as
//! the TPP's client, without a certificate or with the other client's; what the answers hold, and
//! that an account the PSU did not share is not answered.

use cucumber::{given, then, when};
use serde_json::Value;

use super::authorise::Sharing;
use super::call::{self, As};
use super::oauth::Grants;
use super::settings::Authoriser;
use super::wire::INTERACTION_ID;
use crate::http::RequestSpec;
use crate::world::{Failure, ObWorld, StepResult};

#[when(
    regex = r"^the TPP calls GET (\S+) with the (data-sharing|payment) token(, asking for a signed answer| without its client certificate| presenting the other client's certificate| and no x-fapi-interaction-id)?$"
)]
async fn call_with_token(w: &mut ObWorld, path: String, which: String, how: String) -> StepResult {
    let grants = w.state_mut::<Grants>().clone();
    let grant = if which == "payment" {
        grants.payment
    } else {
        grants.data_sharing
    };
    let token = grant.and_then(|g| g.token).ok_or_else(|| {
        Failure::new(format!(
            "the TPP holds no {which} token: a Given step must obtain it"
        ))
    })?;
    let url = w.api_url(&path)?;
    let mut req = RequestSpec::new("GET", url).bearer(token);
    let who = match how.as_str() {
        ", asking for a signed answer" => {
            req = req.header("Accept", "application/jwt");
            As::Client
        }
        " without its client certificate" => As::NoCertificate,
        " presenting the other client's certificate" => As::OtherClient,
        " and no x-fapi-interaction-id" => {
            req.omit.push(INTERACTION_ID.into());
            As::Client
        }
        _ => {
            req = req.header("Accept", "application/json");
            As::Client
        }
    };
    let template = format!("GET {path}");
    if matches!(who, As::NoCertificate | As::OtherClient) {
        call::attempt(w, who, req, &template).await
    } else {
        call::send(w, who, req, &template).await.map(|_| ())
    }
}

#[when(regex = r"^the TPP calls GET (\S+) without a token$")]
async fn call_without_token(w: &mut ObWorld, path: String) -> StepResult {
    let url = w.api_url(&path)?;
    call::send(
        w,
        As::Client,
        RequestSpec::new("GET", url),
        &format!("GET {path}"),
    )
    .await?;
    Ok(())
}

#[given(
    "the PSU authorised an account-access consent sharing one of its accounts and the TPP holds its token"
)]
async fn authorised_one_account(w: &mut ObWorld) -> StepResult {
    let run = call::run(w)?;
    let Authoriser::Headless { account_ids, .. } = &run.settings.authoriser else {
        return Err(Failure::could_not_check(
            "the PSU picks the accounts outside obconf (authoriser kind command): obconf cannot leave one out",
        ));
    };
    let [shared, unshared, ..] = account_ids.as_slice() else {
        return Err(Failure::could_not_check(
            "settings.authoriser.account_ids names one account: an account the PSU does not share needs a second",
        ));
    };
    w.keep_state(Sharing(vec![shared.clone()]));
    w.vars.insert("account".into(), shared.clone());
    w.vars.insert("unshared_account".into(), unshared.clone());
    super::flow::account_access(w).await;
    super::flow::complete(w).await
}

#[then("the account the PSU did not share is not listed")]
async fn unshared_not_listed(w: &mut ObWorld) -> StepResult {
    let unshared = w.fill("{unshared_account}")?;
    let json = w.last_json()?;
    let listed = json
        .pointer("/Data/Account")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|x| x.get("AccountId") == Some(&Value::from(unshared.as_str())))
        });
    if listed {
        Err(Failure::expected(
            format!("only the accounts the PSU shared, not {unshared}"),
            format!("{unshared} listed"),
        ))
    } else {
        Ok(())
    }
}

#[then(
    "the bank refuses the call for an account the PSU did not share (HTTP 403 or 404) and returns no data"
)]
async fn unshared_refused(w: &mut ObWorld) -> StepResult {
    let e = w.last()?;
    let status = e.status();
    let data = e.json().and_then(|j| j.get("Data").cloned());
    match (status, data) {
        (Some(403 | 404), None) => Ok(()),
        (Some(403 | 404), Some(_)) => Err(Failure::expected(
            "a refusal without Data",
            format!("HTTP {} with Data", status.unwrap_or(0)),
        )),
        _ => Err(Failure::expected(
            "HTTP 403 or 404: the consent does not cover the account",
            e.summary(),
        )),
    }
}

#[then("every account listed is one the PSU shared")]
async fn accounts_shared(w: &mut ObWorld) -> StepResult {
    let run = call::run(w)?;
    let json = w.last_json()?;
    let ids: Vec<String> = json
        .pointer("/Data/Account")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| {
                    x.get("AccountId")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    let first = ids
        .first()
        .cloned()
        .ok_or_else(|| Failure::expected("at least one account in Data.Account", "none"))?;
    if let Authoriser::Headless { account_ids, .. } = &run.settings.authoriser {
        let stray: Vec<&String> = ids.iter().filter(|i| !account_ids.contains(i)).collect();
        if !stray.is_empty() || ids.len() != account_ids.len() {
            return Err(Failure::expected(
                format!("exactly the accounts shared: {account_ids:?}"),
                format!("{ids:?}"),
            ));
        }
    }
    w.vars.insert("account".into(), first);
    Ok(())
}

#[then(regex = r"^the (balances|transactions) answered are those of the account$")]
async fn of_the_account(w: &mut ObWorld, what: String) -> StepResult {
    let account = w.fill("{account}")?;
    let json = w.last_json()?;
    let id = json
        .pointer("/Data/AccountId")
        .and_then(Value::as_str)
        .unwrap_or("");
    let list = if what == "balances" {
        "Balance"
    } else {
        "Transaction"
    };
    let items = json
        .pointer(&format!("/Data/{list}"))
        .and_then(Value::as_array);
    let amounts_are_strings = items
        .map(|a| {
            a.iter()
                .all(|x| x.pointer("/Amount/Amount").is_some_and(Value::is_string))
        })
        .unwrap_or(false);
    let non_empty = items.is_some_and(|a| !a.is_empty()) || what == "transactions";
    if id == account && items.is_some() && non_empty && amounts_are_strings {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("Data.AccountId {account} and Data.{list}[] with amounts as strings"),
            format!(
                "Data.AccountId {id}, Data.{list}: {}",
                items
                    .map(|a| format!("{} items", a.len()))
                    .unwrap_or_else(|| "missing or amounts not strings".into())
            ),
        ))
    }
}

#[then("the parties answer names a party")]
async fn parties(w: &mut ObWorld) -> StepResult {
    let json = w.last_json()?;
    let party = json.pointer("/Data/Party");
    let id = party
        .and_then(|p| p.get("PartyId").or_else(|| p.pointer("/0/PartyId")))
        .and_then(Value::as_str)
        .unwrap_or("");
    if id.is_empty() {
        Err(Failure::expected("Data.Party with a PartyId", "none"))
    } else {
        Ok(())
    }
}

#[then("the answer is a JWT signed by the bank")]
async fn signed_answer(w: &mut ObWorld) -> StepResult {
    let e = w.last()?;
    let ct = e.header("content-type").unwrap_or("");
    if ct.to_ascii_lowercase().starts_with("application/jwt") && e.unwrapped.is_some() {
        Ok(())
    } else {
        Err(Failure::expected(
            "Content-Type application/jwt, signed by a use=sig key of the bank's JWKS",
            format!("Content-Type: {ct}"),
        ))
    }
}

#[then("the response carries an x-fapi-interaction-id that is a UUID")]
async fn generated_interaction_id(w: &mut ObWorld) -> StepResult {
    match w.last()?.header(INTERACTION_ID) {
        Some(v) if uuid::Uuid::parse_str(v).is_ok() => Ok(()),
        Some(v) => Err(Failure::expected(
            "a UUID",
            format!("{INTERACTION_ID}: {v}"),
        )),
        None => Err(Failure::expected(
            format!("an {INTERACTION_ID} header"),
            "none",
        )),
    }
}
