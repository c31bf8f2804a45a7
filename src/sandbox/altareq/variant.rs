//! What a healthy variant of the model bank draws from its seed within the documents (notes §7,
//! §12, AIS21 v2.1): the PSUs' user ids, party ids and names; the accounts' ids, IBANs (UAE, bank
//! code `100`, mod-97-valid), account numbers, holder names, nicknames (optional: present or
//! absent) and balances; the CoP payees' IBANs (each keeping its bank code); the transactions'
//! ids, amounts, booking days (moved by up to 3 days, never to today, so that no day boundary is
//! hit by accident), their optional fields and their order; the order of each account's
//! identifiers and balances, and of the accounts list (`accounts.rs`); the form of the PaymentIds
//! it assigns ([`payment_id`]) and of the interaction ids of the headless authorisation
//! ([`interaction_id`]). The documented readings a variant draws live in `faults.rs`.
//!
//! A variant must stay healthy: it never breaks a documented rule, never changes the shape of the
//! data set (the same PSUs, the same accounts per PSU, the same kinds of transaction), and the
//! canonical bank (no seed) is left exactly as it was. This file also says which of the data set's
//! records the embedded target's settings name ([`Fixture`]), so they follow the variant.

use std::collections::HashMap;

use crate::sandbox::kit::Variant;
use crate::sandbox::kit::variant::ID_ALPHABET;

use super::data::{ACCOUNTS, BANK_CODE, Ledger, PAYEES, Text, USERS};
use super::iban;

const DIGITS: &[u8] = b"0123456789";

/// Given names and surnames a variant's PSUs draw from.
const GIVEN: &[&str] = &[
    "Aisha", "Khalid", "Mariam", "Omar", "Noura", "Hamdan", "Latifa", "Saeed", "Hessa", "Rashid",
];
const SURNAMES: &[&str] = &[
    "Al Nuaimi",
    "Al Ketbi",
    "Al Marri",
    "Al Dhaheri",
    "Al Shamsi",
    "Al Falasi",
    "Al Qasimi",
    "Bin Hamad",
];
/// Company names a variant's corporate account holders draw from.
const COMPANIES: &[&str] = &[
    "Falcon Trading LLC",
    "Pearl Logistics FZE",
    "Oasis Foods LLC",
    "Dune Systems FZCO",
];
/// Nicknames a variant's accounts draw from ("" : no nickname, which AIS21 allows).
const NICKNAMES: &[&str] = &[
    "",
    "Everyday",
    "Household",
    "Travel",
    "Rainy day",
    "Business",
];

/// The records of the data set that the embedded target's settings name: the PSU the headless
/// authoriser acts for and the accounts it shares, the payment creditor, the CoP payee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fixture {
    pub user_id: String,
    /// The accounts shared (the PSU's current and savings accounts).
    pub account_ids: Vec<String>,
    /// The debtor account of payments (the PSU's current account).
    pub debtor_account_id: String,
    /// The creditor of payments: the other PSU's savings account.
    pub creditor_iban: String,
    pub creditor_name: String,
    /// The payee Confirmation of Payee knows by name.
    pub cop_iban: String,
}

impl Fixture {
    /// The fixture of `ledger` (its records in canonical positions: a variant never reorders
    /// `ledger.users`, `ledger.accounts` or `ledger.payees`).
    pub fn of(ledger: &Ledger) -> Self {
        let id = |i: usize| ledger.accounts[i].id.to_string();
        Self {
            user_id: ledger.users[0].user_id.to_string(),
            account_ids: vec![id(1), id(2)],
            debtor_account_id: id(1),
            creditor_iban: ledger.accounts[4].iban.to_string(),
            creditor_name: ledger.accounts[4].holder.to_string(),
            cop_iban: ledger.payees[0].iban.to_string(),
        }
    }
}

/// A UAE IBAN of `bank_code` with 16 account digits drawn for `purpose`, and those digits.
fn draw_iban(
    variant: &Variant,
    purpose: &str,
    index: usize,
    bank_code: &str,
) -> Option<(String, String)> {
    let account = variant.opaque(purpose, index, DIGITS, 16)?;
    let check = 98 - iban::mod97(&format!("AE00{bank_code}{account}"))?;
    let iban = format!("AE{check:02}{bank_code}{account}");
    iban::is_valid_uae(&iban).then_some((iban, account))
}

/// An amount in AED as the documents write it (`1234.50`), drawn in `low..=high` cents.
fn amount(variant: &Variant, purpose: &str, canonical: &str, low: u64, high: u64) -> String {
    if variant.is_canonical() {
        return canonical.to_string();
    }
    let cents = variant.number(purpose, 0, low, high);
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// Draws `ledger`'s variable data from `variant`; leaves the canonical data set untouched.
pub(super) fn vary(ledger: &mut Ledger, variant: &Variant) {
    if variant.is_canonical() {
        return;
    }
    // PSUs: ids and names; an account held in the PSU's name follows the new name.
    let mut renamed: HashMap<String, String> = HashMap::new();
    for (i, user) in ledger.users.iter_mut().enumerate() {
        if let Some(id) = variant.opaque("user id", i, DIGITS, 24) {
            user.user_id = Text::Owned(id);
        }
        if let Some(id) = variant.opaque("party id", i, ID_ALPHABET, 12) {
            user.party_id = Text::Owned(format!("P-{id}"));
        }
        let given = variant.pick(&format!("given name/{i}"), "", GIVEN);
        let surname = variant.pick(&format!("surname/{i}"), "", SURNAMES);
        let full = format!("{given} {surname}");
        renamed.insert(user.full_name.to_string(), full.clone());
        user.given_name = Text::Borrowed(given);
        user.surname = Text::Borrowed(surname);
        user.full_name = Text::Owned(full);
    }
    // Accounts: ids (AIS21: 1 to 40 characters), IBANs, numbers, holders, nicknames, balances.
    let mut new_ids: HashMap<String, String> = HashMap::new();
    let company = variant.pick("company", COMPANIES[0], COMPANIES);
    for (i, account) in ledger.accounts.iter_mut().enumerate() {
        let len = variant.number(&format!("account id length/{i}"), 24, 8, 40) as usize;
        if let Some(id) = variant.opaque("account id", i, ID_ALPHABET, len) {
            new_ids.insert(account.id.to_string(), id.clone());
            account.id = Text::Owned(id);
        }
        if let Some((iban, digits)) = draw_iban(variant, "account iban", i, BANK_CODE) {
            account.iban = Text::Owned(iban);
            account.number = Text::Owned(digits);
        }
        account.holder = match renamed.get(account.holder.as_ref()) {
            Some(name) => Text::Owned(name.clone()),
            None => Text::Borrowed(company),
        };
        account.nickname = Text::Borrowed(variant.pick(&format!("nickname/{i}"), "", NICKNAMES));
        account.balance = Text::Owned(amount(
            variant,
            &format!("balance/{i}"),
            &account.balance,
            100,
            9_999_999,
        ));
        account.lists_reversed = variant.flip(&format!("list order/{i}"));
    }
    // Payees: new account digits behind the same bank code (CoP discovery maps bank codes).
    for (i, payee) in ledger.payees.iter_mut().enumerate() {
        let code = iban::bank_code(&payee.iban)
            .unwrap_or(BANK_CODE)
            .to_string();
        if let Some((iban, _)) = draw_iban(variant, "payee iban", i, &code) {
            payee.iban = Text::Owned(iban);
        }
    }
    vary_history(ledger, variant, &new_ids);
    debug_assert_eq!(ledger.users.len(), USERS.len());
    debug_assert_eq!(ledger.accounts.len(), ACCOUNTS.len());
    debug_assert_eq!(ledger.payees.len(), PAYEES.len());
}

/// The transactions: ids, amounts (a refund keeps the amount of the purchase it refunds), days,
/// optional fields and order.
fn vary_history(ledger: &mut Ledger, variant: &Variant, new_ids: &HashMap<String, String>) {
    let now = ledger.built_at;
    let mut drawn: HashMap<(String, String), String> = HashMap::new();
    for (i, t) in ledger.transactions.iter_mut().enumerate() {
        let canonical_amount = (t.account_id.clone(), t.amount.clone());
        let age = (now - t.booked).num_days().max(1) as u64;
        let days = variant.number(
            &format!("transaction day/{i}"),
            age,
            age.saturating_sub(3).max(1),
            age + 3,
        );
        t.booked = now - chrono::Duration::days(days as i64);
        if let Some(id) = new_ids.get(&t.account_id) {
            t.account_id = id.clone();
        }
        if let Some(id) = variant.opaque("transaction id", i, ID_ALPHABET, 20) {
            t.id = format!("TX{id}");
        }
        let fresh = amount(
            variant,
            &format!("transaction amount/{i}"),
            &t.amount,
            100,
            2_000_000,
        );
        t.amount = drawn.entry(canonical_amount).or_insert(fresh).clone();
        if variant.flip(&format!("transaction information absent/{i}")) {
            t.information = None;
        }
        if variant.flip(&format!("merchant absent/{i}")) {
            t.merchant = None;
        }
        t.value_date = !variant.flip(&format!("value date absent/{i}"));
    }
    variant.shuffle("transaction order", &mut ledger.transactions);
}

/// A fresh interaction id of the hub's headless authorisation (opaque to the TPP, which only
/// sends it back in the `doConfirm` / `doFail` path) in the form the variant drew.
pub(super) fn interaction_id(variant: &Variant) -> String {
    let id = uuid::Uuid::new_v4();
    match variant.pick("interaction id form", 0, &[0, 1, 2]) {
        1 => id.simple().to_string(),
        2 => format!("int-{}", &id.simple().to_string()[..24]),
        _ => id.to_string(),
    }
}

/// A fresh PaymentId (PAY21 `AEPaymentId`: 1 to 40 characters, LFI-assigned) in the form the
/// variant drew: a UUID (the canonical bank's), 32 hex digits, or an upper-case reference. Fresh
/// per payment, never drawn from the seed (ids must not repeat across payments).
pub(super) fn payment_id(variant: &Variant) -> String {
    let id = uuid::Uuid::new_v4();
    match variant.pick("payment id form", 0, &[0, 1, 2]) {
        1 => id.simple().to_string(),
        2 => format!("PMT-{}", id.simple().to_string()[..20].to_ascii_uppercase()),
        _ => id.to_string(),
    }
}
