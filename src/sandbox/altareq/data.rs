//! The model bank's data set (notes §12): two PSUs (`mits`, `rora`) with their user ids, their
//! accounts (mod-97-valid IBANs), balances, transactions (dated from the bank's clock at start, one
//! 40 days old so date filters are observable), parties, and the Confirmation of Payee payees.
//!
//! This file holds data only; who may see what is decided by the handlers. Nothing here may depend
//! on the wall-clock date except through the `now` given to [`Ledger::build`].

use std::borrow::Cow;

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, Utc};

use crate::sandbox::kit::Variant;

/// A text of the data set: the canonical data's own (borrowed), or a variant's (owned).
pub type Text = Cow<'static, str>;

/// A canonical text (usable in the constant data below).
const fn t(text: &'static str) -> Text {
    Cow::Borrowed(text)
}

/// The bank code of the model bank's IBANs (`AE` + check + `100` + account).
pub const BANK_CODE: &str = "100";
/// The model bank's BIC (fictitious).
pub const BIC: &str = "MODLAEADXXX";

/// A PSU of the model bank.
#[derive(Clone, Debug)]
pub struct User {
    pub name: Text,
    pub user_id: Text,
    pub full_name: Text,
    pub given_name: Text,
    pub surname: Text,
    pub party_id: Text,
    pub emirates_id: Text,
}

/// The canonical PSUs (a variant renames them, see `variant.rs`).
pub const USERS: &[User] = &[
    User {
        name: t("mits"),
        user_id: t("100001000000000000000002"),
        full_name: t("Mitsuki Al Mansoori"),
        given_name: t("Mitsuki"),
        surname: t("Al Mansoori"),
        party_id: t("P-MITS-0001"),
        emirates_id: t("784-1985-1234567-3"),
    },
    User {
        name: t("rora"),
        user_id: t("100001000000000000000001"),
        full_name: t("Rora Al Hashimi"),
        given_name: t("Rora"),
        surname: t("Al Hashimi"),
        party_id: t("P-RORA-0001"),
        emirates_id: t("784-1990-9876543-3"),
    },
];

/// An account of the model bank.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: Text,
    pub owner: Text,
    pub iban: Text,
    pub number: Text,
    pub nickname: Text,
    pub holder: Text,
    pub account_type: Text,
    pub sub_type: Text,
    /// Booked balance in AED (negative: debit).
    pub balance: Text,
    pub debit: bool,
    /// Whether its identifiers and balances are listed in the reverse order (a variant's).
    pub lists_reversed: bool,
}

/// The canonical accounts (a variant gives them its own ids, IBANs, names and balances).
pub const ACCOUNTS: &[Account] = &[
    Account {
        id: t("100004000000000000000002"),
        owner: t("mits"),
        iban: t("AE601000010000109010102"),
        number: t("10000109010102"),
        nickname: t("Luigi International"),
        holder: t("Luigi International LLC"),
        account_type: t("Corporate"),
        sub_type: t("CurrentAccount"),
        balance: t("25000.00"),
        debit: false,
        lists_reversed: false,
    },
    Account {
        id: t("100004000000000000000003"),
        owner: t("mits"),
        iban: t("AE331000010000109010103"),
        number: t("10000109010103"),
        nickname: t("Mario International"),
        holder: t("Mitsuki Al Mansoori"),
        account_type: t("Retail"),
        sub_type: t("CurrentAccount"),
        balance: t("8200.50"),
        debit: false,
        lists_reversed: false,
    },
    Account {
        id: t("100004000000000000000005"),
        owner: t("mits"),
        iban: t("AE761000010000109010105"),
        number: t("10000109010105"),
        nickname: t("Spectrum"),
        holder: t("Mitsuki Al Mansoori"),
        account_type: t("Retail"),
        sub_type: t("Savings"),
        balance: t("15000.00"),
        debit: false,
        lists_reversed: false,
    },
    Account {
        id: t("100004000000000000000001"),
        owner: t("rora"),
        iban: t("AE871000010000109010101"),
        number: t("10000109010101"),
        nickname: t("Mario Current"),
        holder: t("Rora Al Hashimi"),
        account_type: t("Retail"),
        sub_type: t("CurrentAccount"),
        balance: t("4300.75"),
        debit: false,
        lists_reversed: false,
    },
    Account {
        id: t("100004000000000000000009"),
        owner: t("rora"),
        iban: t("AE651000010000109010109"),
        number: t("10000109010109"),
        nickname: t("Yoshi Savings"),
        holder: t("Rora Al Hashimi"),
        account_type: t("Retail"),
        sub_type: t("Savings"),
        balance: t("12000.00"),
        debit: false,
        lists_reversed: false,
    },
    Account {
        id: t("100004000000000000000010"),
        owner: t("rora"),
        iban: t("AE381000010000109010110"),
        number: t("10000109010110"),
        nickname: t("Koopa Credit Card"),
        holder: t("Rora Al Hashimi"),
        account_type: t("Retail"),
        sub_type: t("CreditCard"),
        balance: t("1250.00"),
        debit: true,
        lists_reversed: false,
    },
];

/// A payee known to Confirmation of Payee.
#[derive(Clone, Debug)]
pub struct Payee {
    pub iban: Text,
    /// None: the holder opted out of CoP (answered 204).
    pub holder: Option<Text>,
    pub business: bool,
}

/// The canonical payees (a variant gives them its own IBANs).
pub const PAYEES: &[Payee] = &[
    Payee {
        iban: t("AE070331234567890123456"),
        holder: Some(t("Ibrahim Al Suwaidi")),
        business: false,
    },
    Payee {
        iban: t("AE221000010000109020001"),
        holder: Some(t("Sara Al Zaabi")),
        business: false,
    },
    Payee {
        iban: t("AE921000010000109020002"),
        holder: Some(t("Mario International LLC")),
        business: true,
    },
    Payee {
        iban: t("AE651000010000109020003"),
        holder: None,
        business: false,
    },
];

/// Bank codes whose IBANs CoP discovery maps to this bank (its own, and the documents' example).
pub const COP_BANK_CODES: &[&str] = &[BANK_CODE, "033"];

/// One booked or pending transaction.
#[derive(Clone, Debug)]
pub struct Transaction {
    pub id: String,
    pub account_id: String,
    pub booked: DateTime<Utc>,
    pub amount: String,
    pub credit: bool,
    pub kind: &'static str,
    pub sub_kind: &'static str,
    pub status: &'static str,
    /// Optional in AIS21 (a variant may leave it out).
    pub information: Option<&'static str>,
    pub merchant: Option<&'static str>,
    /// Whether `ValueDateTime` (optional in AIS21) is shown.
    pub value_date: bool,
}

/// The canonical history: (account, number, days old, amount, credit, type, sub-type, status,
/// information, merchant).
type Line = (
    &'static str,
    usize,
    i64,
    &'static str,
    bool,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const A3: &str = "100004000000000000000003";
const A5: &str = "100004000000000000000005";
const A9: &str = "100004000000000000000009";

// One line per transaction reads better than rustfmt's one field per line.
#[rustfmt::skip]
pub(super) const HISTORY: &[Line] = &[
    (A3, 1, 2, "15000.00", true, "LocalBankTransfer", "MoneyTransfer", "Booked", "Salary", None),
    (A3, 2, 5, "245.30", false, "POS", "Purchase", "Booked", "Card purchase", Some("Carrefour")),
    (A3, 3, 9, "120.00", false, "ATM", "Withdrawal", "Booked", "Cash withdrawal", None),
    (A3, 4, 15, "89.99", false, "ECommerce", "Purchase", "Booked", "Online purchase", Some("Noon")),
    (A3, 5, 14, "89.99", true, "ECommerce", "Refund", "Booked", "Refund", Some("Noon")),
    (A3, 6, 40, "310.00", false, "BillPayments", "Purchase", "Booked", "DEWA bill", None),
    (A9, 1, 1, "500.00", true, "SameBankTransfer", "MoneyTransfer", "Pending", "Transfer in", None),
    (A5, 1, 20, "1000.00", true, "SameBankTransfer", "MoneyTransfer", "Booked", "Savings", None),
];

/// The data built at start: the PSUs, their accounts, the payees, and the transactions dated
/// from the clock.
#[derive(Debug)]
pub struct Ledger {
    pub built_at: DateTime<Utc>,
    pub users: Vec<User>,
    pub accounts: Vec<Account>,
    pub payees: Vec<Payee>,
    pub transactions: Vec<Transaction>,
}

/// The UAE offset (+04:00) in which dates and periods are read.
pub fn uae() -> FixedOffset {
    FixedOffset::east_opt(4 * 3600).unwrap_or(FixedOffset::east_opt(0).expect("UTC"))
}

/// An instant as the documents write date-times: `2026-12-02T07:15:00+04:00`.
pub fn stamp(at: DateTime<Utc>) -> String {
    at.with_timezone(&uae())
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

impl Ledger {
    /// The canonical data set.
    pub fn build(now: DateTime<Utc>) -> Self {
        Self::build_variant(now, &Variant::canonical())
    }

    /// The data set of `variant` (the canonical one for the canonical bank).
    pub fn build_variant(now: DateTime<Utc>, variant: &Variant) -> Self {
        let transactions = HISTORY
            .iter()
            .map(
                |&(account_id, n, age, amount, credit, kind, sub_kind, status, info, merchant)| {
                    Transaction {
                        id: format!("T-{account_id}-{n:03}"),
                        account_id: account_id.to_string(),
                        booked: now - Duration::days(age),
                        amount: amount.to_string(),
                        credit,
                        kind,
                        sub_kind,
                        status,
                        information: Some(info),
                        merchant,
                        value_date: true,
                    }
                },
            )
            .collect();
        let mut ledger = Self {
            built_at: now,
            users: USERS.to_vec(),
            accounts: ACCOUNTS.to_vec(),
            payees: PAYEES.to_vec(),
            transactions,
        };
        super::variant::vary(&mut ledger, variant);
        ledger
    }

    pub fn user_by_id(&self, user_id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.user_id == user_id)
    }

    pub fn user_by_name(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    pub fn accounts_of<'a>(&'a self, owner: &'a str) -> impl Iterator<Item = &'a Account> + 'a {
        self.accounts.iter().filter(move |a| a.owner == owner)
    }

    /// The payee whose IBAN is `iban`, if CoP knows it.
    pub fn payee(&self, iban: &str) -> Option<&Payee> {
        self.payees.iter().find(|p| p.iban == iban)
    }
}
