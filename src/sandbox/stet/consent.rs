//! The AISP consent of the STET bank ("mixed" model): `PUT /consents` and the consent store.
//!
//! A consent is recorded for one PSU and one AISP (client_id) and each PUT replaces the prior one;
//! a PUT with no account revokes every account. This file decides what is granted, never how the
//! granted data looks, and must never hold the consent lock across an await.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde::Deserialize;

use super::StetBank;
use super::auth::Caller;
use super::faults::{CONSENT_ANSWERS_200, CONSENT_MERGED, CONSENT_WIDENED, REVOCATION_IGNORED};
use super::reply::{ApiError, empty};
use crate::sandbox::kit::Locked;

/// What a PSU allowed one AISP to see.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Consent {
    /// IBANs whose balances may be read.
    pub balances: BTreeSet<&'static str>,
    /// IBANs whose transactions may be read.
    pub transactions: BTreeSet<&'static str>,
    pub psu_identity: bool,
    pub trusted_beneficiaries: bool,
}

impl Consent {
    /// Whether at least one account is granted; without one, GET /accounts is in "first use" mode.
    pub fn holds_accounts(&self) -> bool {
        !self.balances.is_empty() || !self.transactions.is_empty()
    }

    fn merged_with(&self, newer: Consent) -> Consent {
        Consent {
            balances: self.balances.union(&newer.balances).copied().collect(),
            transactions: self
                .transactions
                .union(&newer.transactions)
                .copied()
                .collect(),
            psu_identity: self.psu_identity || newer.psu_identity,
            trusted_beneficiaries: self.trusted_beneficiaries || newer.trusted_beneficiaries,
        }
    }
}

/// Consents by (persona name, client_id).
#[derive(Debug, Default)]
pub(super) struct ConsentStore {
    consents: Locked<HashMap<(&'static str, String), Consent>>,
}

impl ConsentStore {
    /// The consent in force for this caller, if one was ever forwarded.
    pub fn current(&self, caller: &Caller) -> Option<Consent> {
        self.consents
            .lock()
            .get(&(caller.persona.name, caller.client_id.clone()))
            .cloned()
    }

    /// Records `newer`, replacing the prior consent (or not quite, under the consent faults).
    fn record(&self, caller: &Caller, newer: Consent, merge: bool, keep_on_revoke: bool) {
        let key = (caller.persona.name, caller.client_id.clone());
        let mut consents = self.consents.lock();
        let next = match consents.get(&key) {
            Some(prior) if merge => prior.merged_with(newer),
            Some(prior) if keep_on_revoke && !newer.holds_accounts() => Consent {
                balances: prior.balances.clone(),
                transactions: prior.transactions.clone(),
                ..newer
            },
            _ => newer,
        };
        consents.insert(key, next);
    }
}

/// The body of `PUT /consents` (STET Access); every member is optional.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConsentRequest {
    balances: Option<Vec<AccountRef>>,
    transactions: Option<Vec<AccountRef>>,
    psu_identity: Option<bool>,
    trusted_beneficiaries: Option<bool>,
}

/// An AccountIdentification; only the IBAN matters here.
#[derive(Debug, Deserialize)]
struct AccountRef {
    iban: String,
}

/// `PUT /consents`.
pub(super) async fn put(
    State(bank): State<Arc<StetBank>>,
    parts: Parts,
    body: Bytes,
) -> Result<Response, ApiError> {
    bank.forward_consent(&parts, &body)
}

impl StetBank {
    fn forward_consent(&self, parts: &Parts, body: &[u8]) -> Result<Response, ApiError> {
        let caller = self.admit(parts)?;
        let request: ConsentRequest = serde_json::from_slice(body)
            .map_err(|e| ApiError::BadRequest(format!("the body is not a STET consent: {e}")))?;
        let held = |refs: Option<Vec<AccountRef>>| -> Result<BTreeSet<&'static str>, ApiError> {
            refs.unwrap_or_default()
                .iter()
                .map(|r| {
                    // Consents key accounts by the table's IBAN; the PSU names the one shown.
                    self.ledger
                        .of_persona(caller.persona)
                        .find(|a| a.iban == r.iban)
                        .map(|a| a.data.iban)
                        .ok_or_else(|| {
                            ApiError::BadRequest(format!("the PSU holds no account {}", r.iban))
                        })
                })
                .collect()
        };
        let mut consent = Consent {
            balances: held(request.balances)?,
            transactions: held(request.transactions)?,
            psu_identity: request.psu_identity.unwrap_or(false),
            trusted_beneficiaries: request.trusted_beneficiaries.unwrap_or(false),
        };
        if self.faults.has(CONSENT_WIDENED) {
            let every: BTreeSet<&'static str> = self
                .ledger
                .of_persona(caller.persona)
                .map(|a| a.data.iban)
                .collect();
            for granted in [&mut consent.balances, &mut consent.transactions] {
                if !granted.is_empty() {
                    granted.clone_from(&every);
                }
            }
        }
        self.consents.record(
            &caller,
            consent,
            self.faults.has(CONSENT_MERGED),
            self.faults.has(REVOCATION_IGNORED),
        );
        Ok(if self.faults.has(CONSENT_ANSWERS_200) {
            empty(StatusCode::OK)
        } else {
            empty(StatusCode::CREATED)
        })
    }
}
