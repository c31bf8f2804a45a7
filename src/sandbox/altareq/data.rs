//! The model bank's data set (notes §12): two PSUs (`mits`, `rora`) with their user ids, their
//! accounts (mod-97-valid IBANs), balances, transactions (dated from the bank's clock at start, one
//! 40 days old so date filters are observable), parties, and the Confirmation of Payee payees.
//!
//! This file holds data only; who may see what is decided by the handlers. Nothing here may depend
//! on the wall-clock date except through the `now` given to [`Ledger::build`].

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, Utc};

/// The bank code of the model bank's IBANs (`AE` + check + `100` + account).
pub const BANK_CODE: &str = "100";
/// The model bank's BIC (fictitious).
pub const BIC: &str = "MODLAEADXXX";

/// A PSU of the model bank.
#[derive(Clone, Copy, Debug)]
pub struct User {
    pub name: &'static str,
    pub user_id: &'static str,
    pub full_name: &'static str,
    pub given_name: &'static str,
    pub surname: &'static str,
    pub party_id: &'static str,
    pub emirates_id: &'static str,
}

pub const USERS: &[User] = &[
    User {
        name: "mits",
        user_id: "100001000000000000000002",
        full_name: "Mitsuki Al Mansoori",
        given_name: "Mitsuki",
        surname: "Al Mansoori",
        party_id: "P-MITS-0001",
        emirates_id: "784-1985-1234567-3",
    },
    User {
        name: "rora",
        user_id: "100001000000000000000001",
        full_name: "Rora Al Hashimi",
        given_name: "Rora",
        surname: "Al Hashimi",
        party_id: "P-RORA-0001",
        emirates_id: "784-1990-9876543-3",
    },
];

/// An account of the model bank.
#[derive(Clone, Copy, Debug)]
pub struct Account {
    pub id: &'static str,
    pub owner: &'static str,
    pub iban: &'static str,
    pub number: &'static str,
    pub nickname: &'static str,
    pub holder: &'static str,
    pub account_type: &'static str,
    pub sub_type: &'static str,
    /// Booked balance in AED (negative: debit).
    pub balance: &'static str,
    pub debit: bool,
}

pub const ACCOUNTS: &[Account] = &[
    Account {
        id: "100004000000000000000002",
        owner: "mits",
        iban: "AE601000010000109010102",
        number: "10000109010102",
        nickname: "Luigi International",
        holder: "Luigi International LLC",
        account_type: "Corporate",
        sub_type: "CurrentAccount",
        balance: "25000.00",
        debit: false,
    },
    Account {
        id: "100004000000000000000003",
        owner: "mits",
        iban: "AE331000010000109010103",
        number: "10000109010103",
        nickname: "Mario International",
        holder: "Mitsuki Al Mansoori",
        account_type: "Retail",
        sub_type: "CurrentAccount",
        balance: "8200.50",
        debit: false,
    },
    Account {
        id: "100004000000000000000005",
        owner: "mits",
        iban: "AE761000010000109010105",
        number: "10000109010105",
        nickname: "Spectrum",
        holder: "Mitsuki Al Mansoori",
        account_type: "Retail",
        sub_type: "Savings",
        balance: "15000.00",
        debit: false,
    },
    Account {
        id: "100004000000000000000001",
        owner: "rora",
        iban: "AE871000010000109010101",
        number: "10000109010101",
        nickname: "Mario Current",
        holder: "Rora Al Hashimi",
        account_type: "Retail",
        sub_type: "CurrentAccount",
        balance: "4300.75",
        debit: false,
    },
    Account {
        id: "100004000000000000000009",
        owner: "rora",
        iban: "AE651000010000109010109",
        number: "10000109010109",
        nickname: "Yoshi Savings",
        holder: "Rora Al Hashimi",
        account_type: "Retail",
        sub_type: "Savings",
        balance: "12000.00",
        debit: false,
    },
    Account {
        id: "100004000000000000000010",
        owner: "rora",
        iban: "AE381000010000109010110",
        number: "10000109010110",
        nickname: "Koopa Credit Card",
        holder: "Rora Al Hashimi",
        account_type: "Retail",
        sub_type: "CreditCard",
        balance: "1250.00",
        debit: true,
    },
];

/// A payee known to Confirmation of Payee.
#[derive(Clone, Copy, Debug)]
pub struct Payee {
    pub iban: &'static str,
    /// None: the holder opted out of CoP (answered 204).
    pub holder: Option<&'static str>,
    pub business: bool,
}

pub const PAYEES: &[Payee] = &[
    Payee {
        iban: "AE070331234567890123456",
        holder: Some("Ibrahim Al Suwaidi"),
        business: false,
    },
    Payee {
        iban: "AE221000010000109020001",
        holder: Some("Sara Al Zaabi"),
        business: false,
    },
    Payee {
        iban: "AE921000010000109020002",
        holder: Some("Mario International LLC"),
        business: true,
    },
    Payee {
        iban: "AE651000010000109020003",
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
    pub account_id: &'static str,
    pub booked: DateTime<Utc>,
    pub amount: &'static str,
    pub credit: bool,
    pub kind: &'static str,
    pub sub_kind: &'static str,
    pub status: &'static str,
    pub information: &'static str,
    pub merchant: Option<&'static str>,
}

/// The data built at start: transactions dated from the clock.
#[derive(Debug)]
pub struct Ledger {
    pub built_at: DateTime<Utc>,
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
    pub fn build(now: DateTime<Utc>) -> Self {
        let day = |n: i64| now - Duration::days(n);
        let tx = |n: usize,
                  account_id,
                  age,
                  amount,
                  credit,
                  kind,
                  sub_kind,
                  status,
                  information,
                  merchant| Transaction {
            id: format!("T-{account_id}-{n:03}"),
            account_id,
            booked: day(age),
            amount,
            credit,
            kind,
            sub_kind,
            status,
            information,
            merchant,
        };
        let a3 = "100004000000000000000003";
        let transactions = vec![
            tx(
                1,
                a3,
                2,
                "15000.00",
                true,
                "LocalBankTransfer",
                "MoneyTransfer",
                "Booked",
                "Salary",
                None,
            ),
            tx(
                2,
                a3,
                5,
                "245.30",
                false,
                "POS",
                "Purchase",
                "Booked",
                "Card purchase",
                Some("Carrefour"),
            ),
            tx(
                3,
                a3,
                9,
                "120.00",
                false,
                "ATM",
                "Withdrawal",
                "Booked",
                "Cash withdrawal",
                None,
            ),
            tx(
                4,
                a3,
                15,
                "89.99",
                false,
                "ECommerce",
                "Purchase",
                "Booked",
                "Online purchase",
                Some("Noon"),
            ),
            tx(
                5,
                a3,
                14,
                "89.99",
                true,
                "ECommerce",
                "Refund",
                "Booked",
                "Refund",
                Some("Noon"),
            ),
            tx(
                6,
                a3,
                40,
                "310.00",
                false,
                "BillPayments",
                "Purchase",
                "Booked",
                "DEWA bill",
                None,
            ),
            tx(
                1,
                "100004000000000000000009",
                1,
                "500.00",
                true,
                "SameBankTransfer",
                "MoneyTransfer",
                "Pending",
                "Transfer in",
                None,
            ),
            tx(
                1,
                "100004000000000000000005",
                20,
                "1000.00",
                true,
                "SameBankTransfer",
                "MoneyTransfer",
                "Booked",
                "Savings",
                None,
            ),
        ];
        Self {
            built_at: now,
            transactions,
        }
    }
}

pub fn user_by_id(user_id: &str) -> Option<&'static User> {
    USERS.iter().find(|u| u.user_id == user_id)
}

pub fn user_by_name(name: &str) -> Option<&'static User> {
    USERS.iter().find(|u| u.name == name)
}

pub fn account(id: &str) -> Option<&'static Account> {
    ACCOUNTS.iter().find(|a| a.id == id)
}

pub fn accounts_of(owner: &str) -> impl Iterator<Item = &'static Account> + '_ {
    ACCOUNTS.iter().filter(move |a| a.owner == owner)
}
