//! The transactions history: date filters (dateFrom inclusive, dateTo exclusive), the 62-day bound,
//! the accepted date forms, entryReference and statuses.

use chrono::{Days, NaiveDate};
use cucumber::{given, then, when};
use serde_json::Value;

use crate::http::RequestSpec;
use crate::world::{Failure, ObWorld, StepResult};

/// The document's bound on the transaction history.
const HISTORY_DAYS: u64 = 62;

fn days_ago(w: &ObWorld, days: u64) -> NaiveDate {
    w.ctx
        .today
        .checked_sub_days(Days::new(days))
        .unwrap_or(w.ctx.today)
}

/// A date in the document's first form, `YYYY-MM-DDTHH:MM:SS.SSSZ` at midnight.
fn stet_date(d: NaiveDate) -> String {
    format!("{}T00:00:00.000Z", d.format("%Y-%m-%d"))
}

async fn request_history(w: &mut ObWorld, query: &[(&str, String)]) -> StepResult {
    let mut path = "/accounts/{account}/transactions".to_string();
    for (i, (k, v)) in query.iter().enumerate() {
        path.push(if i == 0 { '?' } else { '&' });
        path.push_str(k);
        path.push('=');
        path.push_str(&v.replace('+', "%2B").replace(':', "%3A"));
    }
    let url = w.api_url(&path)?;
    w.send(RequestSpec::new("GET", url)).await?;
    Ok(())
}

#[when("the TPP requests the transactions of that account")]
async fn history(w: &mut ObWorld) -> StepResult {
    request_history(w, &[]).await
}

#[when(regex = r"^the TPP requests the transactions of that account with dateFrom (\d+) days ago$")]
async fn history_from(w: &mut ObWorld, from: u64) -> StepResult {
    let d = days_ago(w, from);
    w.vars.insert("dateFrom".into(), d.to_string());
    request_history(w, &[("dateFrom", stet_date(d))]).await
}

#[when(regex = r"^the TPP requests the transactions of that account with dateTo (\d+) days ago$")]
async fn history_to(w: &mut ObWorld, to: u64) -> StepResult {
    let d = days_ago(w, to);
    w.vars.insert("dateTo".into(), d.to_string());
    request_history(w, &[("dateTo", stet_date(d))]).await
}

#[when(
    regex = r"^the TPP requests the transactions of that account with dateFrom (\d+) days ago and dateTo (\d+) days ago$"
)]
async fn history_between(w: &mut ObWorld, from: u64, to: u64) -> StepResult {
    let (f, t) = (days_ago(w, from), days_ago(w, to));
    w.vars.insert("dateFrom".into(), f.to_string());
    w.vars.insert("dateTo".into(), t.to_string());
    request_history(w, &[("dateFrom", stet_date(f)), ("dateTo", stet_date(t))]).await
}

/// The distinct booking days of the kept unfiltered history within the document's 62 days,
/// oldest first: the boundaries a date filter can be checked on, whatever the bank's data.
fn kept_days(w: &ObWorld) -> Result<Vec<NaiveDate>, Failure> {
    let History(kept) = w
        .state::<History>()
        .cloned()
        .ok_or_else(|| Failure::new("no unfiltered history was kept earlier in this scenario"))?;
    let floor = days_ago(w, HISTORY_DAYS);
    let mut days = Vec::new();
    for t in &kept {
        let d = booked(t)?;
        if d >= floor && d <= w.ctx.today {
            days.push(d);
        }
    }
    days.sort();
    days.dedup();
    Ok(days)
}

/// Why a date boundary cannot be checked on this account's data.
fn too_few_days(days: &[NaiveDate]) -> Failure {
    Failure::could_not_check(format!(
        "the account's unfiltered history has transactions on {} day(s) within {HISTORY_DAYS} days; a date filter needs a transaction on the boundary day and one on another day to show both the inclusion and the exclusion (hint: point the persona's account role under personas.<PERSONA>.accounts at an account with a longer history)",
        days.len()
    ))
}

/// dateFrom is the booking day of a kept transaction that is not the oldest, so that the day
/// itself (inclusive) and the days before it (excluded) are both visible on any bank's data.
#[when(
    "the TPP requests the transactions of that account with dateFrom on the booking day of a kept transaction"
)]
async fn history_from_kept(w: &mut ObWorld) -> StepResult {
    let days = kept_days(w)?;
    if days.len() < 2 {
        return Err(too_few_days(&days));
    }
    let d = days[days.len() / 2];
    w.vars.insert("dateFrom".into(), d.to_string());
    request_history(w, &[("dateFrom", stet_date(d))]).await
}

/// dateTo is the newest booking day that has an older one, so that a bank that wrongly includes
/// the dateTo day shows it, and at least one transaction remains before it.
#[when(
    "the TPP requests the transactions of that account with dateTo on the booking day of a kept transaction"
)]
async fn history_to_kept(w: &mut ObWorld) -> StepResult {
    let days = kept_days(w)?;
    if days.len() < 2 {
        return Err(too_few_days(&days));
    }
    let d = days[days.len() - 1];
    w.vars.insert("dateTo".into(), d.to_string());
    request_history(w, &[("dateTo", stet_date(d))]).await
}

/// dateFrom and dateTo are booking days of two kept transactions (an older day before dateFrom
/// when the history has one), so both ends of [dateFrom, dateTo) are visible.
#[when(
    "the TPP requests the transactions of that account with dateFrom and dateTo on the booking days of two kept transactions"
)]
async fn history_between_kept(w: &mut ObWorld) -> StepResult {
    let days = kept_days(w)?;
    if days.len() < 2 {
        return Err(too_few_days(&days));
    }
    let from = if days.len() >= 3 { days[1] } else { days[0] };
    let to = days[days.len() - 1];
    w.vars.insert("dateFrom".into(), from.to_string());
    w.vars.insert("dateTo".into(), to.to_string());
    request_history(
        w,
        &[("dateFrom", stet_date(from)), ("dateTo", stet_date(to))],
    )
    .await
}

#[when(
    regex = r#"^the TPP requests the transactions of that account with (dateFrom|dateTo) "([^"]*)"$"#
)]
async fn history_literal(w: &mut ObWorld, param: String, value: String) -> StepResult {
    request_history(w, &[(param.as_str(), value)]).await
}

#[when(
    regex = r"^the TPP requests the transactions of that account with dateFrom (\d+) days ago written as (\S+)$"
)]
async fn history_form(w: &mut ObWorld, from: u64, form: String) -> StepResult {
    let d = days_ago(w, from).format("%Y-%m-%d");
    let value = match form.as_str() {
        "YYYY-MM-DDTHH:MM:SS.SSS" => format!("{d}T00:00:00.000"),
        "YYYY-MM-DDTHH:MM:SS.SSSZ" => format!("{d}T00:00:00.000Z"),
        "YYYY-MM-DDTHH:MM:SS.SSS+HHMM" => format!("{d}T00:00:00.000+0100"),
        "YYYY-MM-DDTHH:MM:SS.SSS+HH:MM" => format!("{d}T00:00:00.000+01:00"),
        other => {
            return Err(Failure::new(format!(
                "`{other}` is not one of the document's date forms"
            )));
        }
    };
    request_history(w, &[("dateFrom", value)]).await
}

#[given("the transactions of that account without a date filter are kept for comparison")]
async fn keep_unfiltered(w: &mut ObWorld) -> StepResult {
    request_history(w, &[]).await?;
    let list = transactions(&w.last_json()?)?.clone();
    w.keep_state(History(list));
    Ok(())
}

/// The unfiltered transaction history, kept to compare a filtered one with.
#[derive(Clone, Debug)]
struct History(Vec<Value>);

fn transactions(json: &Value) -> Result<&Vec<Value>, Failure> {
    json.get("transactions")
        .and_then(Value::as_array)
        .ok_or_else(|| Failure::expected("a `transactions` array", "none"))
}

/// The imputation date: bookingDate, else transactionDate, else valueDate.
fn booked(t: &Value) -> Result<NaiveDate, Failure> {
    let text = ["bookingDate", "transactionDate", "valueDate"]
        .iter()
        .find_map(|k| t.get(*k).and_then(Value::as_str))
        .ok_or_else(|| Failure::expected("a bookingDate on every transaction", t.to_string()))?;
    NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d")
        .map_err(|_| Failure::expected("an ISO 8601 bookingDate", text.to_string()))
}

fn var_date(w: &ObWorld, name: &str) -> Result<NaiveDate, Failure> {
    w.vars
        .get(name)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Failure::new(format!("no {name} was requested in this scenario")))
}

/// The returned transactions, requiring a 200 with a list.
fn returned(w: &ObWorld) -> Result<Vec<Value>, Failure> {
    let e = w.last()?;
    if e.status() != Some(200) {
        return Err(Failure::expected(
            "HTTP 200 with transactions",
            format!("HTTP {}", e.status().unwrap_or(0)),
        ));
    }
    Ok(transactions(&w.last_json()?)?.clone())
}

fn first_offender(
    list: &[Value],
    bad: impl Fn(NaiveDate) -> bool,
) -> Result<Option<(NaiveDate, Value)>, Failure> {
    for t in list {
        let d = booked(t)?;
        if bad(d) {
            return Ok(Some((d, t.clone())));
        }
    }
    Ok(None)
}

#[then("at least one transaction is returned")]
async fn at_least_one(w: &mut ObWorld) -> StepResult {
    if returned(w)?.is_empty() {
        Err(Failure::expected(
            "at least one transaction",
            "an empty list",
        ))
    } else {
        Ok(())
    }
}

#[then("every transaction is booked on or after dateFrom")]
async fn after_from(w: &mut ObWorld) -> StepResult {
    let from = var_date(w, "dateFrom")?;
    match first_offender(&returned(w)?, |d| d < from)? {
        None => Ok(()),
        Some((d, _)) => Err(Failure::expected(
            format!("bookingDate >= {from} (dateFrom, inclusive)"),
            format!("a transaction booked {d}"),
        )),
    }
}

#[then("every transaction is booked before dateTo")]
async fn before_to(w: &mut ObWorld) -> StepResult {
    let to = var_date(w, "dateTo")?;
    match first_offender(&returned(w)?, |d| d >= to)? {
        None => Ok(()),
        Some((d, _)) => Err(Failure::expected(
            format!("bookingDate < {to} (dateTo, exclusive)"),
            format!("a transaction booked {d}"),
        )),
    }
}

#[then("no transaction is booked more than 62 days before dateTo")]
async fn within_bound(w: &mut ObWorld) -> StepResult {
    let to = var_date(w, "dateTo")?;
    let floor = to.checked_sub_days(Days::new(HISTORY_DAYS)).unwrap_or(to);
    match first_offender(&returned(w)?, |d| d < floor)? {
        None => Ok(()),
        Some((d, _)) => Err(Failure::expected(
            format!("bookingDate >= {floor} (62 days before dateTo)"),
            format!("a transaction booked {d}"),
        )),
    }
}

/// The history goes back at most 62 days from today, whatever dateTo says. One day of slack for
/// a bank whose day starts in another time zone.
#[then("no transaction is booked more than 62 days ago")]
async fn within_history(w: &mut ObWorld) -> StepResult {
    let floor = days_ago(w, HISTORY_DAYS + 1);
    match first_offender(&returned(w)?, |d| d < floor)? {
        None => Ok(()),
        Some((d, _)) => Err(Failure::expected(
            format!("bookingDate >= {floor} (the history goes back {HISTORY_DAYS} days)"),
            format!("a transaction booked {d}"),
        )),
    }
}

#[then("every kept transaction within the requested dates is returned")]
async fn none_left_out(w: &mut ObWorld) -> StepResult {
    let from = w
        .vars
        .get("dateFrom")
        .and_then(|s| s.parse::<NaiveDate>().ok());
    let to = w
        .vars
        .get("dateTo")
        .and_then(|s| s.parse::<NaiveDate>().ok());
    let History(kept) = w
        .state::<History>()
        .cloned()
        .ok_or_else(|| Failure::new("no unfiltered history was kept earlier in this scenario"))?;
    let got = returned(w)?;
    for t in &kept {
        let d = booked(t)?;
        let inside = from.is_none_or(|f| d >= f) && to.is_none_or(|t| d < t);
        if inside && !got.contains(t) {
            return Err(Failure::expected(
                "every transaction of the unfiltered history inside the requested dates",
                format!("missing the transaction booked {d}: {t}"),
            ));
        }
    }
    Ok(())
}

#[then("every transaction's entryReference is empty or absent")]
async fn no_entry_reference(w: &mut ObWorld) -> StepResult {
    for t in returned(w)? {
        match t.get("entryReference") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.trim().is_empty() => {}
            Some(other) => {
                return Err(Failure::expected(
                    "no entryReference",
                    format!("entryReference {other}"),
                ));
            }
        }
    }
    Ok(())
}

#[then("every transaction's status is BOOK or OTHR")]
async fn statuses(w: &mut ObWorld) -> StepResult {
    for t in returned(w)? {
        let status = t.get("status").and_then(Value::as_str).unwrap_or("(none)");
        if status != "BOOK" && status != "OTHR" {
            return Err(Failure::expected(
                "status BOOK or OTHR",
                format!("status {status}"),
            ));
        }
    }
    Ok(())
}

#[then(regex = r"^at most (\d+) transactions are returned$")]
async fn at_most(w: &mut ObWorld, n: usize) -> StepResult {
    let got = returned(w)?.len();
    if got <= n {
        Ok(())
    } else {
        Err(Failure::expected(format!("at most {n} transactions"), got))
    }
}
