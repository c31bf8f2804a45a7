//! Confirmation of Payee v2.1 (notes §8, §12): `POST /discovery` locates the bank holding a UAE
//! IBAN (mod-97 checked, 400 otherwise; 404 for a bank it does not know), `POST /confirmation`
//! matches a name against the holder's: `Yes`, `Partial` or `No`, with a masked name on Partial
//! and No; 204 for a holder who opted out or an IBAN the bank does not hold (errata2).
//!
//! Both need a client-credentials token with scope `confirmation-of-payee`, take a signed JWT and
//! answer a signed JWT. The holder's full name is never returned.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::guard::{self, Need};
use super::reply::{Refusal, jwt_response};
use super::token::Grant;
use super::{Bank, COP_BASE, data, faults, iban, jose, signed};

type Outcome = Result<(StatusCode, Option<Value>), Refusal>;

fn handle(
    bank: &Bank,
    extensions: &Extensions,
    headers: &HeaderMap,
    body: &[u8],
    path: &str,
    answer: impl FnOnce(&Value) -> Outcome,
) -> Response {
    let caller = guard::connection_client(bank, extensions)
        .map(|c| c.client_id.clone())
        .unwrap_or_default();
    let outcome = (|| {
        let need = Need {
            grant: Grant::ClientCredentials,
            scope: "confirmation-of-payee",
            lenient: false,
        };
        let token = guard::bearer(bank, headers, extensions, need)?;
        super::reply::accepts_jwt(headers)?;
        let client = bank.client(&token.client_id).ok_or(Refusal::Unauthorized)?;
        let data = signed::message_data(bank, client, headers, body)?;
        if data["SchemeName"] != "IBAN" {
            return Err(Refusal::bad_request(
                "Body.InvalidFormat",
                "Data.SchemeName must be IBAN",
            ));
        }
        answer(&data)
    })();
    match outcome {
        Ok((status, Some(data))) => {
            let message = json!({"Data": data, "Links": {"Self": format!("{}{COP_BASE}{path}", bank.rs())}, "Meta": {}});
            jwt_response(
                status,
                jose::signed_message_as(bank, jose::Audience::One, &caller, &message),
            )
        }
        Ok((status, None)) => Refusal::Bare(status).json(),
        Err(refusal) => refusal.jwt_as(bank, jose::Audience::One, &caller),
    }
}

fn valid_iban<'a>(bank: &Bank, data: &'a Value) -> Result<&'a str, Refusal> {
    let iban_text = data["Identification"].as_str().unwrap_or_default();
    if !iban::is_valid_uae(iban_text) && !bank.faults.has(faults::COP_ACCEPT_INVALID_IBAN) {
        return Err(Refusal::bad_request(
            "Body.InvalidFormat",
            "Data.Identification is not a valid UAE IBAN (mod-97)",
        ));
    }
    Ok(iban_text)
}

/// `POST /confirmation-of-payee/v2.1/discovery`.
pub(crate) async fn discovery(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(&bank, &extensions, &headers, &body, "/discovery", |data| {
        let iban_text = valid_iban(&bank, data)?;
        let code = iban::bank_code(iban_text).unwrap_or_default();
        if !data::COP_BANK_CODES.contains(&code)
            && !bank.faults.has(faults::COP_ACCEPT_INVALID_IBAN)
        {
            return Err(Refusal::Bare(StatusCode::NOT_FOUND));
        }
        Ok((
            StatusCode::OK,
            Some(json!({
                "DiscoveryEndpointUrl": format!("{}/.well-known/openid-configuration", bank.issuer()),
                "ResourceServerUrl": bank.rs(),
            })),
        ))
    })
}

/// `POST /confirmation-of-payee/v2.1/confirmation`.
pub(crate) async fn confirmation(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(
        &bank,
        &extensions,
        &headers,
        &body,
        "/confirmation",
        |data| {
            let iban_text = valid_iban(&bank, data)?;
            let name = &data["Name"];
            let given = name["FullName"]
                .as_str()
                .or(name["BusinessName"].as_str())
                .filter(|n| !n.trim().is_empty());
            let Some(given) = given.filter(|n| n.len() <= 140) else {
                return Err(Refusal::bad_request(
                    "Body.InvalidFormat",
                    "Data.Name needs FullName (or BusinessName), 1 to 140 characters",
                ));
            };
            let Some(payee) = bank.ledger.payee(iban_text) else {
                return Ok((StatusCode::NO_CONTENT, None));
            };
            let Some(holder) = payee.holder.as_deref() else {
                return Ok((StatusCode::NO_CONTENT, None));
            };
            let verdict = if bank.faults.has(faults::COP_ALWAYS_YES) {
                Match::Yes
            } else {
                matching(given, holder, payee.business)
            };
            let mut answer = json!({"NameMatchIndicator": verdict.indicator()});
            if verdict != Match::Yes {
                let shown = if bank.faults.has(faults::COP_UNMASKED_NAME) {
                    holder.to_string()
                } else {
                    mask(holder)
                };
                answer["MaskedName"] = json!(shown);
            }
            Ok((StatusCode::OK, Some(answer)))
        },
    )
}

/// A name-match verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Match {
    Yes,
    Partial,
    No,
}

impl Match {
    fn indicator(self) -> &'static str {
        match self {
            Self::Yes => "ConfirmationOfPayee.Yes",
            Self::Partial => "ConfirmationOfPayee.Partial",
            Self::No => "ConfirmationOfPayee.No",
        }
    }
}

const LEGAL_SUFFIXES: &[&str] = &["llc", "l.l.c.", "fze", "pjsc", "fzco", "llc."];

/// Lower case, punctuation dropped (a dot ends a token), spaces collapsed; legal suffixes dropped
/// for a business.
fn tokens(name: &str, business: bool) -> Vec<String> {
    name.split_whitespace()
        .filter(|t| !(business && LEGAL_SUFFIXES.contains(&t.to_lowercase().as_str())))
        .map(|t| {
            t.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// Whether `short` abbreviates `long`: same first letter, its letters in order (`intl`, `i`).
fn abbreviates(short: &str, long: &str) -> bool {
    let mut rest = long.chars();
    short.chars().next() == long.chars().next()
        && short.len() < long.len()
        && short.chars().all(|c| rest.any(|l| l == c))
}

/// The notes' recipe (§12): equal token sets → Yes; the same tokens but one within edit distance 2
/// or abbreviated (initials) → Partial; otherwise No.
pub(crate) fn matching(given: &str, holder: &str, business: bool) -> Match {
    let mut a = tokens(given, business);
    let mut b = tokens(holder, business);
    let (ordered_a, ordered_b) = (a.clone(), b.clone());
    a.sort();
    b.sort();
    if a == b {
        return Match::Yes;
    }
    let close = |x: &[String], y: &[String]| {
        x.len() == y.len()
            && x.iter().zip(y).filter(|(p, q)| p != q).all(|(p, q)| {
                edit_distance(p, q) <= 2 && p.len().min(q.len()) > 3
                    || abbreviates(p, q)
                    || abbreviates(q, p)
            })
            && x.iter().zip(y).filter(|(p, q)| p != q).count() <= 1
    };
    if close(&ordered_a, &ordered_b) || close(&a, &b) {
        Match::Partial
    } else {
        Match::No
    }
}

/// First tokens kept, the last one's first letter then `*`s: `Ibrahim Al S*****`.
pub(crate) fn mask(holder: &str) -> String {
    let words: Vec<&str> = holder.split_whitespace().collect();
    let Some((last, first)) = words.split_last() else {
        return "*".to_string();
    };
    let mut chars = last.chars();
    let initial = chars.next().map(String::from).unwrap_or_default();
    let masked = format!("{initial}{}", "*".repeat(chars.count()));
    first
        .iter()
        .copied()
        .chain([masked.as_str()])
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_as_the_notes_recipe_says() {
        let holder = "Ibrahim Al Suwaidi";
        assert_eq!(matching("Ibrahim Al Suwaidi", holder, false), Match::Yes);
        assert_eq!(matching("al suwaidi ibrahim", holder, false), Match::Yes);
        assert_eq!(matching("Ibrahim Al Swaidi", holder, false), Match::Partial);
        assert_eq!(matching("I. Al Suwaidi", holder, false), Match::Partial);
        assert_eq!(matching("Fatima Khan", holder, false), Match::No);
        assert_eq!(
            matching("Sarah Al Zaabi", "Sara Al Zaabi", false),
            Match::Partial
        );
        assert_eq!(matching("John Smith", "Sara Al Zaabi", false), Match::No);
        assert_eq!(
            matching("Mario International", "Mario International LLC", true),
            Match::Yes
        );
        assert_eq!(
            matching("Mario Intl", "Mario International LLC", true),
            Match::Partial
        );
        assert_eq!(
            matching("Luigi Trading", "Mario International LLC", true),
            Match::No
        );
        assert_eq!(mask(holder), "Ibrahim Al S******");
    }
}
