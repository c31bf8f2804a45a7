//! What a payment must satisfy under its consent (notes §7.2): a single instant payment equals the
//! consent (amount, currency, purpose code, references) and is the consent's only payment
//! (`Consent.BusinessRuleViolation`); a multi-payment stays within every control: the individual
//! maximum, the per-period count and value, the cumulative count and value
//! (`Consent.FailsControlParameters`). Periods are read in +04:00 from `PeriodStartDate`.
//!
//! Only successful payments count; refused attempts never do (unless the `count-refused-attempts`
//! fault says otherwise). This file decides, it never stores.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::Value;

use super::consent::Consent;
use super::reply::Refusal;
use super::{Bank, data, faults};

/// `^\d{1,16}\.\d{2}$`
pub(crate) fn is_amount(text: &str) -> bool {
    match text.split_once('.') {
        Some((units, cents)) => {
            (1..=16).contains(&units.len())
                && units.bytes().all(|b| b.is_ascii_digit())
                && cents.len() == 2
                && cents.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// An amount in fils (hundredths), when it has the documented form.
pub(crate) fn cents(text: &str) -> Option<i64> {
    if !is_amount(text) || text.len() > 18 {
        return None;
    }
    text.replace('.', "").parse().ok()
}

pub(crate) fn format_cents(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn business(message: impl Into<String>) -> Refusal {
    Refusal::bad_request("Consent.BusinessRuleViolation", message)
}

fn controls(message: impl Into<String>) -> Refusal {
    Refusal::bad_request("Consent.FailsControlParameters", message)
}

fn amount_of(value: &Value) -> Option<i64> {
    (value["Currency"] == "AED").then_some(())?;
    value["Amount"].as_str().and_then(cents)
}

/// Checks payment `data` (the `message.Data` of POST /payments, amount `amount`) against `consent`,
/// whose earlier successful payments are `made` (creation time, amount).
pub(crate) fn check(
    bank: &Bank,
    consent: &Consent,
    data: &Value,
    amount: i64,
    made: &[(DateTime<Utc>, i64)],
) -> Result<(), Refusal> {
    let schedule = &consent.body["ControlParameters"]["ConsentSchedule"];
    if let Some(single) = schedule.get("SinglePayment") {
        if !made.is_empty() && !bank.faults.has(faults::SECOND_SINGLE_PAYMENT) {
            return Err(business(
                "a single instant payment consent allows one payment only",
            ));
        }
        if amount_of(&single["Amount"]) != Some(amount)
            || data["Instruction"]["Amount"]["Currency"] != "AED"
        {
            return Err(business(
                "Instruction.Amount must equal the consent's SinglePayment.Amount",
            ));
        }
        for name in ["PaymentPurposeCode", "DebtorReference", "CreditorReference"] {
            if data.get(name) != consent.body.get(name) {
                return Err(business(format!("{name} must equal the consent's")));
            }
        }
        return Ok(());
    }
    let multi = &schedule["MultiPayment"];
    if data["Instruction"]["Amount"]["Currency"] != "AED" {
        return Err(controls("every payment of the consent is in AED"));
    }
    if data.get("PaymentPurposeCode") != consent.body.get("PaymentPurposeCode") {
        return Err(business("PaymentPurposeCode must equal the consent's"));
    }
    let mut counted: Vec<(DateTime<Utc>, i64)> = made.to_vec();
    if bank.faults.has(faults::COUNT_REFUSED_ATTEMPTS) {
        counted.extend(consent.refused.iter().copied());
    }
    let periodic = &multi["PeriodicSchedule"];
    let c = &periodic["Controls"];
    if periodic["Type"] == "FixedOnDemand" && amount_of(&periodic["Amount"]) != Some(amount) {
        return Err(controls(
            "a fixed on-demand payment must equal the schedule's Amount",
        ));
    }
    if let Some(max) = c.get("MaximumIndividualAmount").and_then(amount_of)
        && amount > max
        && !bank.faults.has(faults::SKIP_INDIVIDUAL_LIMIT)
    {
        return Err(controls(format!(
            "the amount exceeds MaximumIndividualAmount {}",
            format_cents(max)
        )));
    }
    if let Some(max) = multi["MaximumCumulativeNumberOfPayments"].as_u64()
        && counted.len() as u64 >= max
        && !bank.faults.has(faults::SKIP_CONSENT_COUNT)
    {
        return Err(controls("MaximumCumulativeNumberOfPayments is reached"));
    }
    if let Some(max) = multi
        .get("MaximumCumulativeValueOfPayments")
        .and_then(amount_of)
        && counted.iter().map(|(_, a)| a).sum::<i64>() + amount > max
        && !bank.faults.has(faults::SKIP_CONSENT_VALUE)
    {
        return Err(controls(
            "the payment would exceed MaximumCumulativeValueOfPayments",
        ));
    }
    let now = bank.clock.now();
    let (start, end) = period(periodic, now)
        .ok_or_else(|| controls("the consent's schedule has not started yet (PeriodStartDate)"))?;
    let in_period: Vec<i64> = counted
        .iter()
        .filter(|(at, _)| {
            let day = local_day(*at);
            day >= start && day < end
        })
        .map(|(_, a)| *a)
        .collect();
    if let Some(max) = c["MaximumCumulativeNumberOfPaymentsPerPeriod"].as_u64()
        && in_period.len() as u64 >= max
        && !bank.faults.has(faults::SKIP_PERIOD_COUNT)
    {
        return Err(controls(
            "MaximumCumulativeNumberOfPaymentsPerPeriod is reached for this period",
        ));
    }
    if let Some(max) = c
        .get("MaximumCumulativeValueOfPaymentsPerPeriod")
        .and_then(amount_of)
        && in_period.iter().sum::<i64>() + amount > max
        && !bank.faults.has(faults::SKIP_PERIOD_VALUE)
    {
        return Err(controls(
            "the payment would exceed MaximumCumulativeValueOfPaymentsPerPeriod",
        ));
    }
    Ok(())
}

/// The calendar day of an instant in +04:00.
fn local_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&data::uae()).date_naive()
}

/// The current period `[start, end)` (days, +04:00) of a periodic schedule; None before it starts.
pub(crate) fn period(schedule: &Value, now: DateTime<Utc>) -> Option<(NaiveDate, NaiveDate)> {
    let start =
        NaiveDate::parse_from_str(schedule["PeriodStartDate"].as_str()?, "%Y-%m-%d").ok()?;
    let today = local_day(now);
    if today < start {
        return None;
    }
    match schedule["PeriodType"].as_str()? {
        "Day" => Some((today, today.succ_opt()?)),
        "Week" => {
            let k = (today - start).num_days() / 7;
            let from = start + chrono::Duration::days(7 * k);
            Some((from, from + chrono::Duration::days(7)))
        }
        "Month" => {
            let from = today.with_day(1)?;
            let next = if from.month() == 12 {
                NaiveDate::from_ymd_opt(from.year() + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(from.year(), from.month() + 1, 1)?
            };
            Some((from.max(start), next))
        }
        _ => {
            let mut from = start;
            while let Some(next) = from.with_year(from.year() + 1) {
                if next > today {
                    return Some((from, next));
                }
                from = next;
            }
            None
        }
    }
}

/// Consumption figures of a consent (excluding refused payments), for `PaymentConsumption`.
pub(crate) fn consumption(
    consent: &Consent,
    made: &[(DateTime<Utc>, i64)],
    now: DateTime<Utc>,
) -> Value {
    let total: i64 = made.iter().map(|(_, a)| a).sum();
    let mut value = serde_json::json!({
        "CumulativeNumberOfPayments": made.len(),
        "CumulativeValueOfPayments": {"Amount": format_cents(total), "Currency": "AED"},
    });
    let periodic =
        &consent.body["ControlParameters"]["ConsentSchedule"]["MultiPayment"]["PeriodicSchedule"];
    if let Some((start, end)) = period(periodic, now) {
        let current: Vec<i64> = made
            .iter()
            .filter(|(at, _)| (start..end).contains(&local_day(*at)))
            .map(|(_, a)| *a)
            .collect();
        value["CumulativeNumberOfPaymentsInCurrentPeriod"] = current.len().into();
        value["CumulativeValueOfPaymentsInCurrentPeriod"] =
            serde_json::json!({"Amount": format_cents(current.iter().sum()), "Currency": "AED"});
    }
    value
}
