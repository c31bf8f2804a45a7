//! The providers of a healthy Salt Edge variant: what the document leaves to the bank, drawn from
//! the variant's seed (see `kit::variant`).
//!
//! A variant draws the ids of providers, templates, beneficiaries and the sandbox customer (the
//! document shows them as bare integers); how many other approved providers the bank has (so that
//! the index spans more than one default page of 20); the order of the providers' ids among
//! themselves, of scopes, templates and beneficiaries; the beneficiaries' names and identifiers
//! (IBANs with valid check digits); and the sandbox credentials a provider publishes. It keeps what
//! the document and the embedded target fix: the provider codes the target names, the scopes the
//! scenarios ask for, the error classes and statuses, the index in id order.
//!
//! A variant's providers are built once per seed and kept for the process (a run uses a handful of
//! seeds), so that tokens and sessions hold them as `&'static` like the canonical data. This file
//! holds data only: it must never decide a request.

use super::data::{
    ALL_SCOPES, Attribute, AuthorizationType, Beneficiary, Field, PROVIDERS, Provider, Template,
};
use crate::sandbox::kit::{Locked, Variant};

/// The providers built so far, by seed.
static BUILT: Locked<Vec<(u64, &'static [Provider])>> = Locked::new(Vec::new());

/// The providers of `variant`, in id order: [`PROVIDERS`] for the canonical bank.
pub(super) fn providers(variant: &Variant) -> &'static [Provider] {
    let Some(seed) = variant.seed() else {
        return PROVIDERS;
    };
    let mut built = BUILT.lock();
    if let Some((_, providers)) = built.iter().find(|(s, _)| *s == seed) {
        return providers;
    }
    let providers: &'static [Provider] = build(variant).leak();
    built.push((seed, providers));
    providers
}

/// People a variant's beneficiaries are named after.
const NAMES: &[&str] = &[
    "John Smith GB",
    "Example Name",
    "Jane Doe FR",
    "Maria Garcia",
    "Ahmed Khan",
    "Ana Popescu",
    "Lukas Novak",
    "Ines Moreau",
    "Sven Larsen",
    "Chiara Bianchi",
];

fn leak(text: String) -> &'static str {
    text.leak()
}

/// A draw of `purpose` in `low..=high` that cannot miss (the variant is seeded).
fn draw(variant: &Variant, purpose: &str, low: u64, high: u64) -> u64 {
    variant.number(purpose, low, low, high)
}

fn build(variant: &Variant) -> Vec<Provider> {
    let sms_pin = authorization(variant);
    let extra = draw(variant, "extra providers", 0, 30);
    // The canonical providers (codes the target names) and the extra approved ones, in the order
    // their ids will follow.
    let mut slots: Vec<Option<&'static Provider>> = PROVIDERS.iter().map(Some).collect();
    slots.extend((0..extra).map(|_| None));
    variant.shuffle("provider id order", &mut slots);
    let mut id = draw(variant, "first provider id", 1, 5_000);
    let mut ids = Ids::new(variant);
    let mut out = Vec::new();
    for (n, slot) in slots.into_iter().enumerate() {
        id += draw(variant, &format!("provider id gap/{n}"), 1, 400);
        let provider = match slot {
            Some(p) => Provider {
                id,
                code: p.code,
                name: p.name,
                approved: p.approved,
                scopes: shuffled(variant, &format!("scopes/{n}"), p.scopes),
                authorization_types: std::slice::from_ref(sms_pin),
                templates: templates(variant, &mut ids, n, p.templates),
                customer_id: ids.next("customer id"),
                beneficiaries: beneficiaries(variant, &mut ids, n, 1),
            },
            None => Provider {
                id,
                code: leak(format!("demobank_{id}")),
                name: leak(format!("Demo Bank {id}")),
                approved: true,
                scopes: some_scopes(variant, n),
                authorization_types: std::slice::from_ref(sms_pin),
                templates: templates(variant, &mut ids, n, PROVIDERS[2].templates),
                customer_id: ids.next("customer id"),
                beneficiaries: beneficiaries(variant, &mut ids, n, 0),
            },
        };
        out.push(provider);
    }
    out
}

/// Distinct ids, each below the 999999999 the scenarios use for "no such id".
struct Ids<'a> {
    variant: &'a Variant,
    used: Vec<u64>,
}

impl<'a> Ids<'a> {
    fn new(variant: &'a Variant) -> Self {
        Self {
            variant,
            used: Vec::new(),
        }
    }

    fn next(&mut self, purpose: &str) -> u64 {
        let mut n = self.used.len();
        loop {
            let id = draw(self.variant, &format!("{purpose}/{n}"), 1, 99_999_999);
            if !self.used.contains(&id) {
                self.used.push(id);
                return id;
            }
            n += 1_000;
        }
    }
}

/// `items` in the variant's order for `purpose`.
fn shuffled(variant: &Variant, purpose: &str, items: &[&'static str]) -> &'static [&'static str] {
    let mut items = items.to_vec();
    variant.shuffle(purpose, &mut items);
    items.leak()
}

/// A non-empty subset of the document's scopes, in the variant's order.
fn some_scopes(variant: &Variant, n: usize) -> &'static [&'static str] {
    let mut scopes: Vec<&'static str> = ALL_SCOPES
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || variant.flip(&format!("scope/{n}/{i}")))
        .map(|(_, s)| *s)
        .collect();
    variant.shuffle(&format!("scopes/{n}"), &mut scopes);
    scopes.leak()
}

/// The SMS-PIN authorization with the variant's own sandbox login, password and PIN.
fn authorization(variant: &Variant) -> &'static AuthorizationType {
    let base = &PROVIDERS[0].authorization_types[0];
    let login = variant.pick(
        "sandbox login",
        "demo_user",
        &["demo_user", "anna.k", "tester7"],
    );
    let password = variant
        .opaque(
            "sandbox password",
            0,
            b"abcdefghjkmnpqrstuvwxyz23456789",
            12,
        )
        .unwrap_or_else(|| "demo_password".into());
    let pin = variant
        .opaque("sandbox pin", 0, b"0123456789", 4)
        .unwrap_or_else(|| "4568".into());
    let with = |f: &Field, sandbox: String| Field {
        code: f.code,
        display_name: f.display_name,
        kind: f.kind,
        sandbox: leak(sandbox),
    };
    let required = vec![
        with(&base.required_fields[0], login.to_string()),
        with(&base.required_fields[1], password),
    ];
    let mfa = vec![with(&base.mfa_fields[0], pin)];
    Box::leak(Box::new(AuthorizationType {
        code: base.code,
        display_name: base.display_name,
        instruction: base.instruction,
        mfa_instruction: base.mfa_instruction,
        scopes: base.scopes,
        required_fields: required.leak(),
        mfa_fields: mfa.leak(),
    }))
}

/// The provider's templates with the variant's ids, in the variant's order.
fn templates(
    variant: &Variant,
    ids: &mut Ids<'_>,
    n: usize,
    canonical: &'static [Template],
) -> &'static [Template] {
    let mut list: Vec<Template> = canonical
        .iter()
        .map(|t| Template {
            id: ids.next("template id"),
            description: t.description,
            payment_type: t.payment_type,
            default: t.default,
            attributes: t.attributes as &'static [Attribute],
        })
        .collect();
    variant.shuffle(&format!("templates/{n}"), &mut list);
    list.leak()
}

/// One to three beneficiaries (at least `min`), with the variant's ids, names and identifiers.
fn beneficiaries(
    variant: &Variant,
    ids: &mut Ids<'_>,
    n: usize,
    min: u64,
) -> &'static [Beneficiary] {
    let count = draw(variant, &format!("beneficiaries/{n}"), min, 3);
    let list: Vec<Beneficiary> = (0..count)
        .map(|k| {
            let key = format!("{n}/{k}");
            let name = NAMES[usize::try_from(draw(variant, &format!("name/{key}"), 0, 9))
                .unwrap_or(0)
                % NAMES.len()];
            let identifiers: Vec<(&'static str, &'static str)> =
                if variant.flip(&format!("by iban/{key}")) {
                    let currency = variant.pick(&format!("currency/{key}"), "EUR", &["EUR", "GBP"]);
                    vec![
                        ("iban", leak(iban(variant, &key))),
                        ("currency_code", currency),
                    ]
                } else {
                    let account = |which: &str| {
                        leak(
                            variant
                                .opaque(&format!("{which}/{key}"), 0, b"0123456789", 7)
                                .unwrap_or_else(|| "1313613".into()),
                        )
                    };
                    vec![
                        ("to_account", account("to")),
                        ("from_account", account("from")),
                    ]
                };
            Beneficiary {
                id: ids.next("beneficiary id"),
                alias_name: name,
                template_id: leak(draw(variant, &format!("template of/{key}"), 1, 999).to_string()),
                identifiers: identifiers.leak(),
            }
        })
        .collect();
    list.leak()
}

/// A French IBAN with valid check digits.
fn iban(variant: &Variant, key: &str) -> String {
    let digits = variant
        .opaque(&format!("iban/{key}"), 0, b"0123456789", 23)
        .unwrap_or_else(|| "30006000011234567890189".into());
    // ISO 13616: "FR00" moved to the end (F=15, R=27), mod 97, check = 98 - remainder.
    let numeric = format!("{digits}152700");
    let remainder = numeric
        .bytes()
        .fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97);
    format!("FR{:02}{digits}", 98 - remainder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variant_keeps_the_codes_in_id_order_with_ids_of_its_own() {
        assert!(std::ptr::eq(providers(&Variant::canonical()), PROVIDERS));
        let v = Variant::seeded(3);
        let list = providers(&v);
        assert!(std::ptr::eq(list, providers(&Variant::seeded(3))));
        assert!(list.windows(2).all(|w| w[0].id < w[1].id));
        for p in PROVIDERS {
            let same = list.iter().find(|q| q.code == p.code).expect("the code");
            assert_eq!(same.approved, p.approved);
            let mut scopes = same.scopes.to_vec();
            scopes.sort_unstable();
            let mut canonical = p.scopes.to_vec();
            canonical.sort_unstable();
            assert_eq!(scopes, canonical);
            assert!(!same.beneficiaries.is_empty());
        }
        let ids: Vec<u64> = (1..=5)
            .map(|s| {
                let list = providers(&Variant::seeded(s));
                list.iter()
                    .find(|p| p.code == "demobank")
                    .map_or(0, |p| p.id)
            })
            .collect();
        assert!(ids.iter().any(|id| *id != 101), "{ids:?}");
    }

    #[test]
    fn ibans_carry_valid_check_digits() {
        let v = Variant::seeded(9);
        let iban = iban(&v, "x");
        let moved = format!("{}{}", &iban[4..], &iban[..4]);
        let numeric: String = moved
            .chars()
            .map(|c| c.to_digit(36).expect("alphanumeric").to_string())
            .collect();
        let remainder = numeric
            .bytes()
            .fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97);
        assert_eq!(remainder, 1, "{iban}");
    }
}
