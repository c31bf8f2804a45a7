//! The Providers Index (what each provider shows, meta.next_id, paging by per_page and from_id)
//! and the provider's payment Templates.
//! A walk is bounded (a bank with many providers is read on its first pages); these steps must
//! never send a JWT or an Access-Token, which the Providers endpoints do not take.

use cucumber::{given, then, when};
use serde_json::Value;

use super::state;
use crate::http::RequestSpec;
use crate::world::{Failure, ObWorld, StepResult};

/// The most pages a walk reads (a bank with more providers is checked on its first ones).
const MAX_PAGES: usize = 200;

#[given("the provider under test")]
async fn provider_under_test(w: &mut ObWorld) -> StepResult {
    let code = state(w)?.provider_code.clone();
    w.vars.insert("provider".into(), code);
    Ok(())
}

/// The `data` array of the last answer.
fn data_list(w: &ObWorld) -> Result<Vec<Value>, Failure> {
    match w.last_json()?.get("data") {
        Some(Value::Array(list)) => Ok(list.clone()),
        Some(other) => Err(Failure::expected("data: a list", format!("data: {other}"))),
        None => Err(Failure::expected("data: a list", "no data")),
    }
}

/// Fails naming the first item of the last answer's list that lacks one of `members`.
fn every_item_has(w: &ObWorld, what: &str, members: &[&str]) -> StepResult {
    let list = data_list(w)?;
    if list.is_empty() {
        return Err(Failure::expected(
            format!("at least one {what}"),
            "an empty list",
        ));
    }
    for (i, item) in list.iter().enumerate() {
        if let Some(missing) = members
            .iter()
            .find(|m| item.get(**m).is_none_or(Value::is_null))
        {
            return Err(Failure::expected(
                format!("every {what} with {}", members.join(", ")),
                format!("data[{i}] without {missing}"),
            ));
        }
    }
    Ok(())
}

#[then("every provider listed has a code, a status, scopes and authorization_types")]
async fn providers_complete(w: &mut ObWorld) -> StepResult {
    every_item_has(
        w,
        "provider",
        &["code", "status", "scopes", "authorization_types"],
    )
}

#[then("the response's meta carries next_id")]
async fn meta_next_id(w: &mut ObWorld) -> StepResult {
    let json = w.last_json()?;
    match json.get("meta").and_then(|m| m.get("next_id")) {
        Some(Value::Null | Value::Number(_)) => Ok(()),
        Some(other) => Err(Failure::expected(
            "meta.next_id: an id, or null after the last page",
            format!("meta.next_id: {other}"),
        )),
        None => Err(Failure::expected(
            "meta.next_id",
            format!("meta: {}", json.get("meta").cloned().unwrap_or(Value::Null)),
        )),
    }
}

/// Reads the index from the start with `per_page`, following meta.next_id as from_id: the
/// providers of each page, and whether the walk reached a page whose next_id is null.
async fn walk(w: &mut ObWorld, per_page: u32) -> Result<(Vec<Vec<Value>>, bool), Failure> {
    let mut pages = Vec::new();
    let mut from: Option<u64> = None;
    for _ in 0..MAX_PAGES {
        let path = match from {
            None => format!("/providers?per_page={per_page}"),
            Some(id) => format!("/providers?per_page={per_page}&from_id={id}"),
        };
        let url = w.api_url(&path)?;
        let status = w.send(RequestSpec::new("GET", url)).await?.status();
        if status != Some(200) {
            return Err(Failure::expected(
                format!("HTTP 200 to GET {path}"),
                format!("HTTP {}", status.unwrap_or(0)),
            ));
        }
        pages.push(data_list(w)?);
        match w.last_json()?.pointer("/meta/next_id") {
            Some(Value::Null) => return Ok((pages, true)),
            Some(Value::Number(n)) if n.as_u64().is_some() && n.as_u64() != from => {
                from = n.as_u64();
            }
            other => {
                return Err(Failure::expected(
                    "meta.next_id: the id to read from next, or null on the last page",
                    format!(
                        "meta.next_id: {} on page {}",
                        other.cloned().map_or("none".into(), |v| v.to_string()),
                        pages.len()
                    ),
                ));
            }
        }
    }
    Ok((pages, false))
}

#[when("the TPP walks the providers with per_page 1, from_id following meta.next_id")]
async fn walk_one_per_page(w: &mut ObWorld) -> StepResult {
    let (all, _) = walk(w, 1000).await?;
    let all: Vec<u64> = all.iter().flat_map(|page| ids(page)).collect();
    let (pages, ended) = walk(w, 1).await?;
    let pages = pages.iter().map(|page| ids(page)).collect();
    w.keep_state(Walked { all, pages, ended });
    Ok(())
}

/// The ids of a page of providers (0 for a provider without one).
fn ids(page: &[Value]) -> Vec<u64> {
    page.iter()
        .map(|p| p.get("id").and_then(Value::as_u64).unwrap_or(0))
        .collect()
}

/// The providers' ids read in one walk (`all`), and page by page with per_page 1.
#[derive(Clone, Debug, Default)]
struct Walked {
    all: Vec<u64>,
    pages: Vec<Vec<u64>>,
    /// Whether the paged walk reached the last page.
    ended: bool,
}

#[then("every provider was visited once, one per page, in id order")]
async fn visited_in_order(w: &mut ObWorld) -> StepResult {
    let Walked { all, pages, ended } = w
        .state::<Walked>()
        .cloned()
        .ok_or_else(|| Failure::new("the providers were not walked earlier in this scenario"))?;
    if let Some((i, page)) = pages.iter().enumerate().find(|(_, p)| p.len() != 1) {
        return Err(Failure::expected(
            "one provider a page with per_page 1",
            format!("{} providers on page {}", page.len(), i + 1),
        ));
    }
    let visited: Vec<u64> = pages.into_iter().flatten().collect();
    let expected: Vec<u64> = if ended {
        all.clone()
    } else {
        all.iter().copied().take(visited.len()).collect()
    };
    let mut sorted = expected.clone();
    sorted.sort_unstable();
    if visited == expected && expected == sorted {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("the providers {expected:?} one per page, in id order"),
            format!("{visited:?}"),
        ))
    }
}

#[when("the TPP reads every page of the providers index")]
async fn read_every_page(w: &mut ObWorld) -> StepResult {
    let (pages, ended) = walk(w, 1000).await?;
    let codes = pages
        .iter()
        .flatten()
        .filter_map(|p| p.get("code").and_then(Value::as_str).map(str::to_string))
        .collect();
    w.keep_state(Listed { codes, ended });
    Ok(())
}

/// The codes of the providers the index listed, and whether it was read to its last page.
#[derive(Clone, Debug, Default)]
struct Listed {
    codes: Vec<String>,
    ended: bool,
}

#[then(
    "the index lists the provider under test and not the provider that has not approved the TPP"
)]
async fn only_approved_listed(w: &mut ObWorld) -> StepResult {
    let Listed { codes, ended } = w
        .state::<Listed>()
        .cloned()
        .ok_or_else(|| Failure::new("the providers index was not read earlier in this scenario"))?;
    let settings = state(w)?;
    let approved = settings.provider_code.clone();
    let unapproved = settings.unapproved_provider_code.clone().ok_or_else(|| {
        Failure::could_not_check(
            "the target names no provider that has not approved this TPP (hint: settings.unapproved_provider_code)",
        )
    })?;
    if codes.contains(&unapproved) {
        return Err(Failure::expected(
            format!("only ASPSPs which have approved access for the TPP, not `{unapproved}`"),
            format!("`{unapproved}` listed"),
        ));
    }
    if !ended {
        return Err(Failure::could_not_check(format!(
            "the index was read on its first {MAX_PAGES} pages only, without reaching the last"
        )));
    }
    if codes.contains(&approved) {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("the provider under test `{approved}` listed"),
            format!("{codes:?}"),
        ))
    }
}

#[then("every template has payment_attributes")]
async fn templates_complete(w: &mut ObWorld) -> StepResult {
    every_item_has(w, "template", &["id", "payment_type", "payment_attributes"])
}
