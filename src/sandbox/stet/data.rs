//! The STET bank's personas, accounts and transactions (BPCE sandbox personas).
//!
//! [`PERSONAS`] is the static table: the harness reads it for its defaults (IBANs by role), and the
//! bank turns it into a [`Ledger`] whose dates are relative to the day the bank was built. This file
//! holds data and pure derivations only: it must never read the clock, hold state or render HTTP.

use chrono::{Days, NaiveDate};
use sha2::{Digest, Sha256};

use crate::sandbox::kit::Variant;
use crate::sandbox::kit::variant::ID_ALPHABET;

/// The BIC of every account of this bank.
pub const BIC: &str = "CEPAFRPP751";
/// The currency of every account of this bank.
pub const CURRENCY: &str = "EUR";

/// One sandbox persona: a PSU that can log in and hold accounts.
#[derive(Debug)]
pub struct PersonaData {
    /// Upper-case persona name; also the sandbox login.
    pub name: &'static str,
    /// The bank's PSU identifier.
    pub psu_id: &'static str,
    /// What GET /end-user-identity tells about the PSU.
    pub identity: IdentityData,
    pub accounts: &'static [AccountData],
}

/// The identity of a PSU: a person has first and last names, a company only a name.
#[derive(Debug)]
pub struct IdentityData {
    pub full_name: &'static str,
    pub first_name: Option<&'static str>,
    pub last_name: Option<&'static str>,
}

/// One payment account of a persona.
#[derive(Debug)]
pub struct AccountData {
    /// What the account is for in the acceptance tests (`zero-balance`, `current`, ...).
    pub role: &'static str,
    pub iban: &'static str,
    pub name: &'static str,
    /// `PRIV` (private) or `ORGA` (professional).
    pub usage: &'static str,
    /// Accounting balance (CLBD) in cents; negative for an overdrawn account.
    pub balance_cents: i64,
    pub transactions: &'static [TransactionData],
}

/// Booking status of a transaction. This bank only uses BOOK and OTHR; PDNG exists for faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Book,
    Othr,
    Pdng,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Book => "BOOK",
            Status::Othr => "OTHR",
            Status::Pdng => "PDNG",
        }
    }
}

/// A transaction template, dated relative to the day the bank is built.
#[derive(Debug)]
pub struct TransactionData {
    /// Booking date = today minus this many days.
    pub days_ago: u64,
    /// Signed amount in cents: negative is a debit (DBIT), positive a credit (CRDT).
    pub amount_cents: i64,
    pub status: Status,
    pub label: &'static str,
    /// Whether the bank gives this transaction an `entryReference`.
    pub has_entry_reference: bool,
}

const fn tx(days_ago: u64, amount_cents: i64, label: &'static str) -> TransactionData {
    TransactionData {
        days_ago,
        amount_cents,
        status: Status::Book,
        label,
        has_entry_reference: true,
    }
}

const fn othr(days_ago: u64, amount_cents: i64, label: &'static str) -> TransactionData {
    TransactionData {
        status: Status::Othr,
        ..tx(days_ago, amount_cents, label)
    }
}

const fn no_ref(days_ago: u64, amount_cents: i64, label: &'static str) -> TransactionData {
    TransactionData {
        has_entry_reference: false,
        ..tx(days_ago, amount_cents, label)
    }
}

const fn person(full_name: &'static str, first: &'static str, last: &'static str) -> IdentityData {
    IdentityData {
        full_name,
        first_name: Some(first),
        last_name: Some(last),
    }
}

/// The sandbox personas of the BPCE acceptance tests.
pub static PERSONAS: &[PersonaData] = &[
    PersonaData {
        name: "CLAIRE",
        psu_id: "D0999994I0",
        identity: person("Claire MOREAU", "Claire", "MOREAU"),
        accounts: &[
            AccountData {
                role: "zero-balance",
                iban: "FR7617515900000400358074026",
                name: "Compte de dépôt Claire",
                usage: "PRIV",
                balance_cents: 0,
                transactions: &[],
            },
            AccountData {
                role: "positive-balance",
                iban: "FR7617515900000800358074006",
                name: "Compte courant Claire",
                usage: "PRIV",
                balance_cents: 152_035,
                transactions: &[
                    tx(2, -4_590, "CB CARREFOUR PARIS"),
                    tx(9, 210_000, "VIR SEPA SALAIRE"),
                    tx(17, -1_250, "PRLV SEPA FREE MOBILE"),
                ],
            },
        ],
    },
    PersonaData {
        name: "LEA",
        psu_id: "D0999995I0",
        identity: person("Léa SANDBOXA", "Léa", "SANDBOXA"),
        accounts: &[
            AccountData {
                role: "current",
                iban: "FR7617515900000200358074047",
                name: "Compte courant Léa",
                usage: "PRIV",
                balance_cents: -24_510,
                transactions: &[
                    tx(1, -8_990, "CB FNAC MONTPARNASSE"),
                    tx(6, -65_000, "PRLV SEPA LOYER"),
                    tx(14, 120_000, "VIR SEPA SALAIRE"),
                    tx(27, -3_420, "CB MONOPRIX"),
                ],
            },
            AccountData {
                role: "savings",
                iban: "FR7617515900000200358074148",
                name: "Livret A Léa",
                usage: "PRIV",
                balance_cents: 320_000,
                transactions: &[tx(12, 20_000, "VIR INTERNE EPARGNE")],
            },
        ],
    },
    PersonaData {
        name: "GEORGES",
        psu_id: "D0999996I0",
        identity: person("Georges LEFEBVRE", "Georges", "LEFEBVRE"),
        accounts: &[
            AccountData {
                role: "current",
                iban: "FR7617515900000300358074055",
                name: "Compte courant Georges",
                usage: "PRIV",
                balance_cents: 84_217,
                transactions: &[
                    othr(0, -2_350, "CB BOULANGERIE DU MARCHE"),
                    othr(1, -6_780, "CB TOTAL ENERGIES"),
                    tx(3, -1_999, "PRLV SEPA NETFLIX"),
                    tx(5, -12_040, "CB LEROY MERLIN"),
                    tx(8, 45_000, "VIR SEPA REMBOURSEMENT"),
                    tx(10, -3_200, "CB PHARMACIE CENTRALE"),
                    tx(15, -72_000, "PRLV SEPA LOYER"),
                    tx(20, 245_000, "VIR SEPA PENSION"),
                    tx(25, -5_460, "CB INTERMARCHE"),
                    tx(30, -2_990, "PRLV SEPA ORANGE"),
                    tx(40, -15_000, "RETRAIT DAB"),
                    tx(50, 245_000, "VIR SEPA PENSION"),
                    tx(61, -8_815, "CB DECATHLON"),
                    tx(63, -4_200, "CB CINEMA GAUMONT"),
                    tx(70, -72_000, "PRLV SEPA LOYER"),
                    tx(80, 245_000, "VIR SEPA PENSION"),
                    tx(89, -3_675, "CB SNCF CONNECT"),
                ],
            },
            AccountData {
                role: "no-entry-reference",
                iban: "FR7617515900000300358074156",
                name: "Compte joint Georges",
                usage: "PRIV",
                balance_cents: 51_000,
                transactions: &[
                    no_ref(4, -2_500, "PAYLIB REMBOURSEMENT AMI"),
                    no_ref(12, 30_000, "VIR INSTANTANE RECU"),
                    no_ref(22, -1_800, "PAYLIB CAFE"),
                    no_ref(35, -9_900, "CB AMAZON EU"),
                ],
            },
        ],
    },
    PersonaData {
        name: "MARC",
        psu_id: "D0999990I0",
        identity: person("Marc DUPONT", "Marc", "DUPONT"),
        accounts: &[AccountData {
            role: "current",
            iban: "FR7617515900000500358074063",
            name: "Compte courant Marc",
            usage: "PRIV",
            balance_cents: 125_000,
            transactions: &[
                tx(3, -4_500, "CB AUCHAN"),
                tx(11, 180_000, "VIR SEPA SALAIRE"),
            ],
        }],
    },
    PersonaData {
        name: "TECHNCO",
        psu_id: "D0999993I0",
        identity: IdentityData {
            full_name: "TECH'N CO",
            first_name: None,
            last_name: None,
        },
        accounts: &[AccountData {
            role: "current",
            iban: "FR7617515900000600358074071",
            name: "Compte professionnel TECH'N CO",
            usage: "ORGA",
            balance_cents: 1_540_075,
            transactions: &[
                tx(2, 960_000, "VIR SEPA CLIENT FACTURE 2291"),
                tx(7, -350_000, "VIR SEPA FOURNISSEUR"),
            ],
        }],
    },
];

/// The persona of that name (exact, upper-case), if any.
pub fn persona(name: &str) -> Option<&'static PersonaData> {
    PERSONAS.iter().find(|p| p.name == name)
}

/// First `n` hex digits of SHA-256 over `input`.
fn short_hash(input: &str, n: usize) -> String {
    let digest = Sha256::digest(input.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    hex.chars().take(n).collect()
}

/// The stable opaque resourceId of the account with this IBAN (never the IBAN itself).
pub fn resource_id(iban: &str) -> String {
    format!("ACC-{}", short_hash(iban, 12))
}

/// The IBAN of the closed account that the `extra-closed-account` fault adds for a persona.
pub(super) fn closed_account_iban(persona: &PersonaData) -> String {
    let digits: String = persona
        .psu_id
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    format!("FR76175159000009{digits:0>11}")
}

/// Renders signed cents as a STET amount string with two decimals (`-245.10`, `0.00`).
pub fn amount_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Reads a positive STET amount (`12`, `12.5`, `12.00`) as cents; None for anything else, zero and
/// negative amounts included.
pub(super) fn amount_cents(text: &str) -> Option<i64> {
    let (units, decimals) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if units.is_empty() || units.len() > 14 || decimals.len() > 2 || !digits(units) {
        return None;
    }
    if (text.contains('.') && decimals.is_empty()) || !digits(decimals) {
        return None;
    }
    let units: i64 = units.parse().ok()?;
    let fraction: i64 = format!("{decimals:0<2}").parse().ok()?;
    let cents = units.checked_mul(100)?.checked_add(fraction)?;
    (cents > 0).then_some(cents)
}

/// One dated transaction of a [`Ledger`].
#[derive(Clone, Debug)]
pub(super) struct Transaction {
    pub resource_id: String,
    pub entry_reference: Option<String>,
    pub amount_cents: i64,
    pub status: Status,
    pub booking_date: NaiveDate,
    pub label: &'static str,
}

/// One account of a [`Ledger`], with its owner and its dated history (newest first).
#[derive(Debug)]
pub(super) struct Account {
    pub persona: &'static PersonaData,
    pub data: &'static AccountData,
    /// The IBAN the bank shows: the table's, or a variant's own. Consents and payments key
    /// accounts by the table's (`data.iban`); every answer shows this one.
    pub iban: String,
    pub resource_id: String,
    pub transactions: Vec<Transaction>,
}

/// The personas' accounts with transactions dated from the day the bank was built.
#[derive(Debug)]
pub(super) struct Ledger {
    accounts: Vec<Account>,
}

/// BPCE's "other operations" entryReference: bank code and a booking date-time, 40 characters.
fn entry_reference(date: NaiveDate, index: usize) -> String {
    let spread = u32::try_from(index).unwrap_or(0) % 60;
    format!(
        "13104000001234{}-{:02}.{:02}.{:02}.{:06}",
        date.format("%Y-%m-%d"),
        8 + spread % 10,
        (33 + spread) % 60,
        (46 + spread * 7) % 60,
        621_234 + spread * 1_111,
    )
}

/// A French IBAN (bank 17515, a variant's own branch and account number) with its check digits.
fn variant_iban(variant: &Variant, index: usize) -> Option<String> {
    let digits = variant.opaque("iban", index, b"0123456789", 16)?;
    let bban = format!("17515{digits}{:02}", index % 100);
    // ISO 13616: move "FR00" to the end (F=15, R=27), mod 97, check = 98 - remainder.
    let numeric = format!("{bban}152700");
    let remainder = numeric
        .bytes()
        .fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97);
    Some(format!("FR{:02}{bban}", 98 - remainder))
}

/// How many days a variant moves a transaction's booking date (within the 90 days of history).
fn variant_days_ago(variant: &Variant, key: &str, days_ago: u64) -> u64 {
    let shift = variant.number(&format!("date/{key}"), 3, 0, 6);
    (days_ago + shift).saturating_sub(3).min(89)
}

impl Ledger {
    /// The ledger of `variant`: its own IBANs and opaque ids, booking dates moved by a few days,
    /// each persona's accounts and each history in its own order. Roles, balances, statuses,
    /// entryReference presence and the 62-day shape of the history stay as the table says.
    pub(super) fn build_variant(today: NaiveDate, variant: &Variant) -> Self {
        let mut accounts = Vec::new();
        let mut index = 0;
        for persona in PERSONAS {
            for data in persona.accounts {
                index += 1;
                let iban = variant_iban(variant, index).unwrap_or_else(|| data.iban.to_string());
                let resource_id = variant
                    .opaque("account id", index, ID_ALPHABET, 20)
                    .unwrap_or_else(|| resource_id(data.iban));
                let mut transactions: Vec<Transaction> = data
                    .transactions
                    .iter()
                    .enumerate()
                    .map(|(index, t)| {
                        let key = format!("{}/{index}", data.iban);
                        let days_ago = variant_days_ago(variant, &key, t.days_ago);
                        let booking_date = today
                            .checked_sub_days(Days::new(days_ago))
                            .unwrap_or(NaiveDate::MIN);
                        Transaction {
                            resource_id: variant
                                .opaque("transaction id", index, ID_ALPHABET, 24)
                                .map(|id| format!("{id}{}", short_hash(&key, 6)))
                                .unwrap_or_else(|| format!("TRX-{}", short_hash(&key, 12))),
                            entry_reference: t
                                .has_entry_reference
                                .then(|| entry_reference(booking_date, index)),
                            amount_cents: t.amount_cents,
                            status: t.status,
                            booking_date,
                            label: t.label,
                        }
                    })
                    .collect();
                transactions.sort_by_key(|t| std::cmp::Reverse(t.booking_date));
                variant.shuffle(&format!("history order/{index}"), &mut transactions);
                accounts.push(Account {
                    persona,
                    data,
                    iban,
                    resource_id,
                    transactions,
                });
            }
        }
        variant.shuffle("account order", &mut accounts);
        Self { accounts }
    }

    /// The account with this resourceId, whoever holds it.
    pub(super) fn by_resource_id(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.resource_id == id)
    }

    /// The account with this IBAN, whoever holds it.
    pub(super) fn by_iban(&self, iban: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.iban == iban)
    }

    /// The accounts held by this persona, in the ledger's order.
    pub(super) fn of_persona<'a>(
        &'a self,
        persona: &'a PersonaData,
    ) -> impl Iterator<Item = &'a Account> + 'a {
        self.accounts
            .iter()
            .filter(move |a| a.persona.name == persona.name)
    }
}
