//! `GET /accounts` and `GET /accounts/{id}/balances` of the STET bank, and the account lookup the
//! transaction history shares.
//!
//! Before any account is consented the list shows accounts only (no resourceId, balance or link);
//! afterwards it shows what the consent grants. These handlers read the ledger and the consent; they
//! must never change either.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::auth::Caller;
use super::consent::Consent;
use super::data::{self, Account, BIC, CURRENCY, PersonaData, amount_text};
use super::faults::{
    BALANCE_SIGN_LOST, CLBD_MISSING, EXTRA_CLOSED_ACCOUNT, IDENTITY_LINK_MISSING,
    IDENTITY_LINK_WITHOUT_CONSENT, UNCONSENTED_DETAILS_SHOWN, UNKNOWN_ACCOUNT_403,
};
use super::ratelimit::AisMethod;
use super::reply::{ApiError, hal, link};
use super::{API_PREFIX, StetBank};

/// What the account list may show about one account.
#[derive(Clone, Copy, Debug, Default)]
struct Shown {
    resource_id: bool,
    balances: bool,
    transactions: bool,
}

/// `GET /accounts`.
pub(super) async fn list(
    State(bank): State<Arc<StetBank>>,
    parts: Parts,
) -> Result<Response, ApiError> {
    bank.list_accounts(&parts)
}

/// `GET /accounts/{id}/balances`.
pub(super) async fn balances(
    State(bank): State<Arc<StetBank>>,
    id: Result<Path<String>, PathRejection>,
    parts: Parts,
) -> Result<Response, ApiError> {
    let id = id.ok().map(|Path(id)| id);
    bank.balance_report(&parts, id.as_deref())
}

impl StetBank {
    fn list_accounts(&self, parts: &Parts) -> Result<Response, ApiError> {
        let caller = self.admit(parts)?;
        self.count_ais_call(parts, &caller, AisMethod::Accounts, None)?;
        let consent = self
            .consents
            .current(&caller)
            .filter(Consent::holds_accounts);
        let show_all = self.faults.has(UNCONSENTED_DETAILS_SHOWN);
        let mut accounts: Vec<Value> = self
            .ledger
            .of_persona(caller.persona)
            .map(|account| {
                let iban = account.data.iban;
                let shown = match &consent {
                    Some(c) => Shown {
                        resource_id: true,
                        balances: c.balances.contains(iban),
                        transactions: c.transactions.contains(iban),
                    },
                    None if show_all => Shown {
                        resource_id: true,
                        balances: true,
                        transactions: true,
                    },
                    None => Shown::default(),
                };
                self.account_json(account, shown)
            })
            .collect();
        if self.faults.has(EXTRA_CLOSED_ACCOUNT) {
            accounts.push(closed_account_json(caller.persona, consent.is_some()));
        }
        let mut links = Map::new();
        links.insert("self".into(), link(format!("{API_PREFIX}/accounts")));
        let identity = consent.as_ref().is_some_and(|c| c.psu_identity)
            || self.faults.has(IDENTITY_LINK_WITHOUT_CONSENT);
        if identity && !self.faults.has(IDENTITY_LINK_MISSING) {
            links.insert(
                "endUserIdentity".into(),
                link(format!("{API_PREFIX}/end-user-identity")),
            );
        }
        let body = json!({ "accounts": accounts, "_links": links });
        Ok(hal(StatusCode::OK, &body))
    }

    fn account_json(&self, account: &Account, shown: Shown) -> Value {
        let data = account.data;
        let mut json = account_base(&account.iban, data.name, data.usage);
        let mut links = Map::new();
        if shown.resource_id {
            json.insert("resourceId".into(), account.resource_id.clone().into());
        }
        if shown.balances {
            json.insert("balances".into(), json!([self.balance_json(account)]));
            links.insert("balances".into(), link(balances_href(account)));
        }
        if shown.transactions {
            links.insert(
                "transactions".into(),
                link(format!(
                    "{API_PREFIX}/accounts/{}/transactions",
                    account.resource_id
                )),
            );
        }
        if !links.is_empty() {
            json.insert("_links".into(), links.into());
        }
        json.into()
    }

    /// The accounting balance (CLBD) of an account, as of the bank's today.
    fn balance_json(&self, account: &Account) -> Value {
        let mut cents = account.data.balance_cents;
        if self.faults.has(BALANCE_SIGN_LOST) {
            cents = cents.abs();
        }
        let (name, kind) = if self.faults.has(CLBD_MISSING) {
            ("Solde prévisionnel", "XPCD")
        } else {
            ("Solde comptable", "CLBD")
        };
        json!({
            "name": name,
            "balanceAmount": { "currency": CURRENCY, "amount": amount_text(cents) },
            "balanceType": kind,
            "referenceDate": self.clock.today().to_string(),
        })
    }

    /// The caller's own account with this resourceId: 404 for anyone else's or an unknown one.
    pub(super) fn owned_account(
        &self,
        caller: &Caller,
        id: Option<&str>,
    ) -> Result<&Account, ApiError> {
        let account = id.and_then(|id| self.ledger.by_resource_id(id));
        match account {
            Some(account) if account.persona.name == caller.persona.name => Ok(account),
            _ if self.faults.has(UNKNOWN_ACCOUNT_403) => {
                Err(ApiError::Forbidden("access to this account is not allowed"))
            }
            _ => Err(ApiError::NotFound(format!(
                "{} is invalid",
                id.unwrap_or("the account id")
            ))),
        }
    }

    fn balance_report(&self, parts: &Parts, id: Option<&str>) -> Result<Response, ApiError> {
        let caller = self.admit(parts)?;
        self.count_ais_call(parts, &caller, AisMethod::Balances, id)?;
        let account = self.owned_account(&caller, id)?;
        let granted = self
            .consents
            .current(&caller)
            .is_some_and(|c| c.balances.contains(account.data.iban));
        if !granted {
            return Err(ApiError::Forbidden(
                "the PSU has not consented to access this account's balances",
            ));
        }
        let body = json!({
            "balances": [self.balance_json(account)],
            "_links": {
                "self": link(balances_href(account)),
                "parent-list": link(format!("{API_PREFIX}/accounts")),
            },
        });
        Ok(hal(StatusCode::OK, &body))
    }
}

fn balances_href(account: &Account) -> String {
    format!("{API_PREFIX}/accounts/{}/balances", account.resource_id)
}

/// The members every listed account has, consented or not.
fn account_base(iban: &str, name: &str, usage: &str) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("bicFi".into(), BIC.into());
    map.insert(
        "accountId".into(),
        json!({ "iban": iban, "currency": CURRENCY }),
    );
    map.insert("name".into(), name.into());
    map.insert("usage".into(), usage.into());
    map.insert("cashAccountType".into(), "CACC".into());
    map.insert("psuStatus".into(), "Account Holder".into());
    map.insert("currency".into(), CURRENCY.into());
    map
}

/// The closed account that the `extra-closed-account` fault lists for every PSU.
fn closed_account_json(persona: &PersonaData, consented: bool) -> Value {
    let iban = data::closed_account_iban(persona);
    let usage = persona.accounts.first().map_or("PRIV", |a| a.usage);
    let mut json = account_base(&iban, "Compte clôturé", usage);
    json.insert("details".into(), "compte clôturé".into());
    if consented {
        json.insert("resourceId".into(), data::resource_id(&iban).into());
    }
    json.into()
}
