//! `GET /accounts/{id}/transactions` of the STET bank: the dated window and the history page.
//!
//! The window runs from dateFrom (inclusive; default and lower bound: 62 days back) to dateTo
//! (exclusive), holds at most 500 BOOK/OTHR transactions, newest first, and an empty window is a 204.
//! This handler reads the ledger and the consent; it must never change either.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use chrono::{Days, NaiveDate};
use serde_json::{Map, Value, json};

use super::StetBank;
use super::data::{CURRENCY, Status, Transaction, amount_text};
use super::dates::{DateForm, date_params, parse_date};
use super::faults::{
    DATE_FROM_EXCLUSIVE, DATE_TO_INCLUSIVE, EMPTY_HISTORY_200, ENTRY_REFERENCE_INVENTED,
    HISTORY_MISSING, LENIENT_DATES, NO_62_DAY_BOUND, PENDING_STATUS, STRICT_DATES,
};
use super::ratelimit::AisMethod;
use super::reply::{ApiError, empty, hal, link};

/// How far back the history goes, in days.
pub(super) const HISTORY_DAYS: u64 = 62;
/// The most transactions one answer holds.
pub(super) const MAX_TRANSACTIONS: usize = 500;

/// The booking dates a request asks for.
#[derive(Clone, Copy, Debug)]
struct Window {
    from: Option<NaiveDate>,
    from_inclusive: bool,
    to: Option<NaiveDate>,
    to_inclusive: bool,
}

impl Window {
    fn contains(&self, date: NaiveDate) -> bool {
        let after_from = self.from.is_none_or(|from| {
            if self.from_inclusive {
                date >= from
            } else {
                date > from
            }
        });
        let before_to = self.to.is_none_or(|to| {
            if self.to_inclusive {
                date <= to
            } else {
                date < to
            }
        });
        after_from && before_to
    }
}

/// `GET /accounts/{id}/transactions`.
pub(super) async fn history(
    State(bank): State<Arc<StetBank>>,
    id: Result<Path<String>, PathRejection>,
    parts: Parts,
) -> Result<Response, ApiError> {
    let id = id.ok().map(|Path(id)| id);
    bank.transactions(&parts, id.as_deref())
}

impl StetBank {
    fn transactions(&self, parts: &Parts, id: Option<&str>) -> Result<Response, ApiError> {
        let caller = self.admit(parts)?;
        self.count_ais_call(parts, &caller, AisMethod::Transactions, id)?;
        let account = self.owned_account(&caller, id)?;
        let granted = self
            .consents
            .current(&caller)
            .is_some_and(|c| c.transactions.contains(account.data.iban));
        if !granted {
            return Err(ApiError::Forbidden(
                "the PSU has not consented to access this account's transactions",
            ));
        }
        let window = self.window(parts)?;
        let mut page: Vec<Transaction> = account
            .transactions
            .iter()
            .filter(|t| matches!(t.status, Status::Book | Status::Othr))
            .filter(|t| window.contains(t.booking_date))
            .take(MAX_TRANSACTIONS)
            .cloned()
            .collect();
        self.apply_history_faults(&mut page, &window);
        if self.faults.has(HISTORY_MISSING)
            || (page.is_empty() && !self.faults.has(EMPTY_HISTORY_200))
        {
            return Ok(empty(StatusCode::NO_CONTENT));
        }
        let self_href = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_string(), ToString::to_string);
        let body = json!({
            "transactions": page.iter().map(transaction_json).collect::<Vec<_>>(),
            "_links": { "self": link(self_href) },
        });
        Ok(hal(StatusCode::OK, &body))
    }

    /// The window of a request, or 400 for a bad date or a dateFrom out of bound.
    fn window(&self, parts: &Parts) -> Result<Window, ApiError> {
        let params =
            date_params(parts.uri.query()).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let from = self.date_param("dateFrom", params.date_from.as_deref())?;
        let to = self.date_param("dateTo", params.date_to.as_deref())?;
        let bound = self.clock.today().checked_sub_days(Days::new(HISTORY_DAYS));
        let from = if self.faults.has(NO_62_DAY_BOUND) {
            from
        } else {
            match (from, bound) {
                (Some(from), Some(bound)) if from < bound => {
                    return Err(ApiError::BadRequest(format!(
                        "period out of bound: dateFrom {from} is more than {HISTORY_DAYS} days back"
                    )));
                }
                (from, bound) => from.or(bound),
            }
        };
        Ok(Window {
            from,
            from_inclusive: !self.faults.has(DATE_FROM_EXCLUSIVE),
            to,
            to_inclusive: self.faults.has(DATE_TO_INCLUSIVE),
        })
    }

    /// One date parameter's calendar date; `None` when absent (or ignored under `lenient-dates`).
    fn date_param(&self, name: &str, value: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
        let Some(value) = value else { return Ok(None) };
        let parsed = parse_date(value)
            .map_err(|e| e.to_string())
            .and_then(|(date, form)| {
                if form != DateForm::Zulu && self.faults.has(STRICT_DATES) {
                    Err(format!("{value:?} is not YYYY-MM-DDTHH:MM:SS.SSSZ"))
                } else {
                    Ok(date)
                }
            });
        match parsed {
            Ok(date) => Ok(Some(date)),
            Err(_) if self.faults.has(LENIENT_DATES) => Ok(None),
            Err(reason) => Err(ApiError::BadRequest(format!("invalid {name}: {reason}"))),
        }
    }

    fn apply_history_faults(&self, page: &mut Vec<Transaction>, window: &Window) {
        if self.faults.has(ENTRY_REFERENCE_INVENTED) {
            for (index, transaction) in page.iter_mut().enumerate() {
                transaction
                    .entry_reference
                    .get_or_insert_with(|| format!("1310400000123480007{index:06}"));
            }
        }
        let yesterday = self.clock.today().pred_opt();
        if let Some(yesterday) = yesterday
            && self.faults.has(PENDING_STATUS)
            && !page.is_empty()
            && window.contains(yesterday)
        {
            let entry_reference = page
                .first()
                .and_then(|t| t.entry_reference.as_ref())
                .map(|_| format!("13104000001234{yesterday}-23.59.59.000001"));
            page.push(Transaction {
                resource_id: "TRX-PENDING-0001".to_string(),
                entry_reference,
                amount_cents: -1_990,
                status: Status::Pdng,
                booking_date: yesterday,
                label: "CB EN ATTENTE DE COMPTABILISATION",
            });
            page.sort_by_key(|t| std::cmp::Reverse(t.booking_date));
            page.truncate(MAX_TRANSACTIONS);
        }
    }
}

/// A STET Transaction.
fn transaction_json(transaction: &Transaction) -> Value {
    let date = transaction.booking_date.to_string();
    let mut json = Map::new();
    json.insert("resourceId".into(), transaction.resource_id.clone().into());
    if let Some(reference) = &transaction.entry_reference {
        json.insert("entryReference".into(), reference.clone().into());
    }
    json.insert(
        "transactionAmount".into(),
        json!({
            "currency": CURRENCY,
            "amount": amount_text(transaction.amount_cents.abs()),
        }),
    );
    let indicator = if transaction.amount_cents < 0 {
        "DBIT"
    } else {
        "CRDT"
    };
    json.insert("creditDebitIndicator".into(), indicator.into());
    json.insert("status".into(), transaction.status.as_str().into());
    json.insert("bookingDate".into(), date.clone().into());
    json.insert("valueDate".into(), date.clone().into());
    json.insert("transactionDate".into(), date.into());
    json.insert(
        "remittanceInformation".into(),
        json!({ "unstructured": [transaction.label] }),
    );
    json.into()
}
