//! The accounts list: finding an account the way the document says (GET /accounts, match the
//! IBAN, take its resourceId) and checking what the list shows before and after consent.

use cucumber::{given, then};
use serde_json::Value;

use super::iban_of;
use crate::http::RequestSpec;
use crate::world::{Failure, ObWorld, StepResult};

fn accounts(json: &Value) -> Result<&Vec<Value>, Failure> {
    json.get("accounts")
        .and_then(Value::as_array)
        .ok_or_else(|| Failure::expected("an `accounts` array", "none"))
}

fn iban(account: &Value) -> Option<&str> {
    account.pointer("/accountId/iban").and_then(Value::as_str)
}

/// `persona`'s accounts list (`GET /accounts` with an AISP token), as the bank answered it.
async fn accounts_list(w: &mut ObWorld, persona: &str) -> Result<Value, Failure> {
    let token = w.persona_token(persona, "aisp").await?;
    let url = w.api_url("/accounts")?;
    w.send(RequestSpec::new("GET", url).bearer(token)).await?;
    w.last_json()
}

#[given(regex = r#"^(\w+)'s "([\w-]+)" account is found in the accounts list$"#)]
async fn find_account(w: &mut ObWorld, persona: String, role: String) -> StepResult {
    let wanted = iban_of(w, &persona, &role)?;
    let json = accounts_list(w, &persona).await?;
    let found = accounts(&json)?
        .iter()
        .find(|a| iban(a) == Some(wanted.as_str()))
        .ok_or_else(|| {
            Failure::expected(
                format!("an account with IBAN {wanted}"),
                "none in GET /accounts",
            )
        })?;
    let id = found
        .get("resourceId")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Failure::expected(
                format!("a resourceId for {wanted}"),
                "none (was the consent forwarded?)",
            )
        })?;
    w.vars.insert("account".into(), id.to_string());
    Ok(())
}

#[given(
    regex = r#"^another of (\w+)'s accounts than (?:her|his|its) "([\w-]+)" one is found in the accounts list$"#
)]
async fn find_other_account(w: &mut ObWorld, persona: String, role: String) -> StepResult {
    let named = iban_of(w, &persona, &role)?;
    let json = accounts_list(w, &persona).await?;
    let other = accounts(&json)?
        .iter()
        .filter(|a| iban(a).is_some_and(|i| i != named))
        .find_map(|a| Some((iban(a)?, a.get("resourceId")?.as_str()?)));
    let Some((other_iban, id)) = other else {
        return Err(Failure::could_not_check(format!(
            "GET /accounts lists no account of {persona} with a resourceId other than {named}: \
             an account the consent leaves out needs a second account (hint: personas.{persona}.accounts)"
        )));
    };
    w.vars.insert("other_iban".into(), other_iban.to_string());
    w.vars.insert("account".into(), id.to_string());
    Ok(())
}

#[given(regex = r"^the unknown account (\w+)$")]
async fn unknown_account(w: &mut ObWorld, id: String) {
    w.vars.insert("account".into(), id);
}

#[then(regex = r"^the response lists (\d+) accounts?$")]
async fn lists_n(w: &mut ObWorld, n: usize) -> StepResult {
    let json = w.last_json()?;
    let got = accounts(&json)?.len();
    if got == n {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("{n} accounts"),
            format!("{got} accounts"),
        ))
    }
}

#[then(
    regex = r#"^(\w+)'s "([\w-]+)" account carries its accounting balance \(CLBD\) and links to its balances and transactions$"#
)]
async fn consented_account(w: &mut ObWorld, persona: String, role: String) -> StepResult {
    let wanted = iban_of(w, &persona, &role)?;
    let json = w.last_json()?;
    let account = accounts(&json)?
        .iter()
        .find(|a| iban(a) == Some(wanted.as_str()))
        .ok_or_else(|| Failure::expected(format!("the account {wanted}"), "not listed"))?;
    let has_clbd = account
        .get("balances")
        .and_then(Value::as_array)
        .is_some_and(|b| {
            b.iter()
                .any(|b| b.get("balanceType") == Some(&Value::from("CLBD")))
        });
    let links = ["balances", "transactions"]
        .iter()
        .filter(|l| account.pointer(&format!("/_links/{l}/href")).is_none())
        .copied()
        .collect::<Vec<_>>();
    match (has_clbd, links.is_empty()) {
        (true, true) => Ok(()),
        (false, _) => Err(Failure::expected(
            format!("a CLBD balance on {wanted}"),
            "none",
        )),
        (true, false) => Err(Failure::expected(
            format!("_links.balances and _links.transactions on {wanted}"),
            format!("missing {}", links.join(" and ")),
        )),
    }
}

#[then("the accounts list does not link to the end-user identity")]
async fn no_identity_link(w: &mut ObWorld) -> StepResult {
    let json = w.last_json()?;
    match json.pointer("/_links/endUserIdentity") {
        None => Ok(()),
        Some(link) => Err(Failure::expected(
            "no _links.endUserIdentity: psuIdentity was not set up at TRUE",
            format!("_links.endUserIdentity: {link}"),
        )),
    }
}

#[then("the accounts list links to the end-user identity")]
async fn links_identity(w: &mut ObWorld) -> StepResult {
    let json = w.last_json()?;
    if json.pointer("/_links/endUserIdentity/href").is_some() {
        Ok(())
    } else {
        Err(Failure::expected("_links.endUserIdentity", "none"))
    }
}

#[then(
    "that other account is listed without a balance and without links to balances or transactions"
)]
async fn other_account_closed(w: &mut ObWorld) -> StepResult {
    let other = w.fill("{other_iban}")?;
    let json = w.last_json()?;
    let account = accounts(&json)?
        .iter()
        .find(|a| iban(a) == Some(other.as_str()))
        .ok_or_else(|| {
            Failure::expected(
                format!("every eligible account listed, {other} among them"),
                format!("no account {other}"),
            )
        })?;
    match ["/balances", "/_links/balances", "/_links/transactions"]
        .iter()
        .find(|p| account.pointer(p).is_some())
    {
        None => Ok(()),
        Some(p) => Err(Failure::expected(
            format!(
                "no balance and no balances/transactions links on {other}, which the consent does not name"
            ),
            format!("{} on {other}", p.trim_start_matches('/')),
        )),
    }
}

#[then("every account is listed without a balance and without links to balances or transactions")]
async fn first_use_listing(w: &mut ObWorld) -> StepResult {
    let json = w.last_json()?;
    let list = accounts(&json)?;
    if list.is_empty() {
        return Err(Failure::expected("the eligible accounts", "an empty list"));
    }
    for a in list {
        let shown = ["/balances", "/_links/balances", "/_links/transactions"]
            .iter()
            .find(|p| a.pointer(p).is_some());
        if let Some(p) = shown {
            return Err(Failure::expected(
                "no balance and no balances/transactions links before consent",
                format!(
                    "{} on {}",
                    p.trim_start_matches('/'),
                    iban(a).unwrap_or("an account")
                ),
            ));
        }
    }
    Ok(())
}
