//! The BPCE rate limit on AIS calls made without the PSU (STET-GEN-04): "There are no rate limits if
//! the PSU-IP-ADDRESS is supplied, otherwise limited to 4 calls per calendar day, per TPP OID, per
//! PSU ID, per IBAN, per API AIS method".
//!
//! A call without a (non-blank) PSU-IP-Address is counted per (TPP, PSU, method, account, day of the
//! bank clock); the fifth and later such calls of a day are refused with 429. Past days are dropped
//! as the clock moves on. This file must never read the wall clock (only [`crate::sandbox::Clock`])
//! and never hold its lock across an await.

use std::collections::HashMap;

use axum::http::request::Parts;
use chrono::NaiveDate;

use super::StetBank;
use super::auth::Caller;
use super::faults::{NO_RATE_LIMIT, RATE_LIMIT_WITH_PSU_IP};
use super::reply::ApiError;
use crate::sandbox::kit::Locked;

/// Calls a day allowed to one AIS method on one account without PSU-IP-Address.
pub(super) const DAILY_LIMIT: u32 = 4;

/// The AIS methods the limit counts separately (a transactions call with or without dates is one
/// method).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum AisMethod {
    Accounts,
    Balances,
    Transactions,
    EndUserIdentity,
}

/// What one counter counts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    client_id: String,
    psu_id: &'static str,
    method: AisMethod,
    account: String,
    day: NaiveDate,
}

/// The day's counters.
#[derive(Debug, Default)]
pub(super) struct RateLimiter {
    calls: Locked<HashMap<Key, u32>>,
}

impl RateLimiter {
    /// Counts one call and returns how many such calls were made that day, this one included.
    fn record(&self, key: Key) -> u32 {
        let mut calls = self.calls.lock();
        let today = key.day;
        calls.retain(|k, _| k.day >= today);
        let count = calls.entry(key).or_insert(0);
        *count = count.saturating_add(1);
        *count
    }
}

/// Whether the request says the PSU is connected (a PSU-IP-Address that is not blank).
fn psu_connected(parts: &Parts) -> bool {
    parts
        .headers
        .get("psu-ip-address")
        .is_some_and(|value| !value.as_bytes().iter().all(u8::is_ascii_whitespace))
}

impl StetBank {
    /// Counts an admitted AIS GET and refuses it with 429 past the daily limit.
    pub(super) fn count_ais_call(
        &self,
        parts: &Parts,
        caller: &Caller,
        method: AisMethod,
        account: Option<&str>,
    ) -> Result<(), ApiError> {
        if self.faults.has(NO_RATE_LIMIT)
            || (psu_connected(parts) && !self.faults.has(RATE_LIMIT_WITH_PSU_IP))
        {
            return Ok(());
        }
        let count = self.limits.record(Key {
            client_id: caller.client_id.clone(),
            psu_id: caller.persona.psu_id,
            method,
            account: account.unwrap_or_default().to_string(),
            day: self.clock.today(),
        });
        if count > DAILY_LIMIT {
            return Err(ApiError::TooManyRequests { limit: DAILY_LIMIT });
        }
        Ok(())
    }
}
