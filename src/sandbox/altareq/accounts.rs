//! Bank data sharing v2.1 (notes §6): accounts, balances, transactions (`fromBookingDateTime` /
//! `toBookingDateTime`, offsets ignored) and parties.
//!
//! Account data needs the PSU's token (authorization code, scope `accounts`) of an `Authorized`,
//! unexpired consent holding the permission, for an account selected at authorisation (403
//! otherwise). Answers are JSON, or a signed JWT for `Accept: application/jwt`; other media types
//! are 406. The consent views live in [`super::account_consents`].

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Value, json};

use super::consent::{AUTHORIZED, Consent, Kind};
use super::guard::{self, Need};
use super::reply::{Refusal, json_response, jwt_response};
use super::token::{AccessToken, Grant};
use super::{AIS_BASE, Bank, data, faults, jose, shapes};

/// How the client wants the answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Media {
    Json,
    Jwt,
}

fn media(headers: &HeaderMap) -> Result<Media, Refusal> {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    let kinds: Vec<&str> = accept
        .split(',')
        .map(|m| m.split(';').next().unwrap_or("").trim())
        .collect();
    if kinds
        .iter()
        .any(|m| matches!(*m, "application/json" | "*/*" | "application/*" | ""))
    {
        Ok(Media::Json)
    } else if kinds.contains(&"application/jwt") {
        Ok(Media::Jwt)
    } else {
        Err(Refusal::Bare(StatusCode::NOT_ACCEPTABLE))
    }
}

/// The envelope `{Data, Links: {Self}, Meta: {TotalPages}}`, as JSON or signed for the client.
fn envelope(bank: &Bank, media: Media, client_id: &str, self_path: &str, data: Value) -> Response {
    let message = json!({
        "Data": data,
        "Links": {"Self": format!("{}{AIS_BASE}{self_path}", bank.rs())},
        "Meta": {"TotalPages": 1},
    });
    match media {
        Media::Json => json_response(StatusCode::OK, &message, false),
        Media::Jwt => jwt_response(
            StatusCode::OK,
            jose::signed_message(bank, client_id, &message),
        ),
    }
}

/// The PSU's token and its consent, allowed `permissions` (any one of them).
fn psu_access(
    bank: &Bank,
    headers: &HeaderMap,
    extensions: &Extensions,
    permissions: &[&str],
) -> Result<(AccessToken, Consent), Refusal> {
    let reads_as_payment = bank.faults.has(faults::PAYMENT_TOKEN_READS_ACCOUNTS);
    let need = Need {
        grant: Grant::AuthorizationCode,
        scope: "accounts",
        lenient: reads_as_payment,
    };
    let token = guard::bearer(bank, headers, extensions, need)?;
    let consent = token
        .consent_id
        .as_deref()
        .and_then(|id| bank.consents.get(id))
        .ok_or_else(|| {
            Refusal::forbidden("AccessToken.InvalidScope", "the token carries no consent")
        })?;
    let status = consent.status_at(bank.clock.now());
    if status != AUTHORIZED {
        return Err(Refusal::forbidden(
            "Consent.PermanentAccountAccessFailure",
            format!("the consent is {status}"),
        ));
    }
    let lenient = reads_as_payment && consent.kind == Kind::Payment;
    if !lenient
        && !permissions
            .iter()
            .any(|p| consent.permissions.iter().any(|q| q == p))
    {
        return Err(Refusal::forbidden(
            "Consent.PermanentAccountAccessFailure",
            format!("the consent grants none of {}", permissions.join(", ")),
        ));
    }
    Ok((token, consent))
}

/// The PSU's name behind the consent (empty when no PSU authorised it).
fn owner<'a>(bank: &'a Bank, consent: &Consent) -> &'a str {
    consent
        .user_id
        .as_deref()
        .and_then(|id| bank.ledger.user_by_id(id))
        .map(|u| u.name.as_ref())
        .unwrap_or_default()
}

/// The consented account `id`.
fn consented<'a>(
    bank: &'a Bank,
    consent: &Consent,
    id: &str,
) -> Result<&'a data::Account, Refusal> {
    let any_of_the_psu = bank.faults.has(faults::UNSHARED_ACCOUNT_READABLE)
        && bank
            .ledger
            .account(id)
            .is_some_and(|a| a.owner.as_ref() == owner(bank, consent));
    (any_of_the_psu || consent.account_ids.iter().any(|a| a == id))
        .then(|| bank.ledger.account(id))
        .flatten()
        .ok_or_else(|| {
            Refusal::forbidden(
                "Consent.PermanentAccountAccessFailure",
                format!("account {id} is not shared under this consent"),
            )
        })
}

const ACCOUNT_PERMISSIONS: &[&str] = &["ReadAccountsBasic", "ReadAccountsDetail"];

fn run(headers: &HeaderMap, f: impl FnOnce(Media) -> Result<Response, Refusal>) -> Response {
    match media(headers).and_then(f) {
        Ok(response) => response,
        Err(refusal) => refusal.json(),
    }
}

/// `GET /accounts`.
pub(crate) async fn list(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
) -> Response {
    run(&headers, |media| {
        let (token, consent) = psu_access(&bank, &headers, &extensions, ACCOUNT_PERMISSIONS)?;
        let mut accounts: Vec<Value> = if bank.faults.has(faults::ALL_ACCOUNTS_LISTED) {
            bank.ledger
                .accounts_of(owner(&bank, &consent))
                .map(shapes::account_json)
                .collect()
        } else {
            consent
                .account_ids
                .iter()
                .filter_map(|id| bank.ledger.account(id))
                .map(shapes::account_json)
                .collect()
        };
        // The list is unordered (AIS21): a variant lists the accounts in its own order.
        if bank.variant.flip("accounts list order") {
            accounts.reverse();
        }
        Ok(envelope(
            &bank,
            media,
            &token.client_id,
            "/accounts",
            json!({"Account": accounts}),
        ))
    })
}

/// `GET /accounts/{AccountId}`.
pub(crate) async fn one(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    run(&headers, |media| {
        let (token, consent) = psu_access(&bank, &headers, &extensions, ACCOUNT_PERMISSIONS)?;
        let account = consented(&bank, &consent, &id)?;
        let path = format!("/accounts/{id}");
        Ok(envelope(
            &bank,
            media,
            &token.client_id,
            &path,
            json!({"Account": [shapes::account_json(account)]}),
        ))
    })
}

/// `GET /accounts/{AccountId}/balances`.
pub(crate) async fn balances(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    run(&headers, |media| {
        let (token, consent) = psu_access(&bank, &headers, &extensions, &["ReadBalances"])?;
        let account = consented(&bank, &consent, &id)?;
        if bank.faults.has(faults::BALANCES_REFUSED) {
            return Err(Refusal::forbidden(
                "Consent.TransientAccountAccessFailure",
                "balances are unavailable",
            ));
        }
        let path = format!("/accounts/{id}/balances");
        Ok(envelope(
            &bank,
            media,
            &token.client_id,
            &path,
            shapes::balances_json(account, bank.clock.now()),
        ))
    })
}

/// A booking date-time bound: a date, or a date-time whose offset is ignored (notes §6).
fn bound(text: &str) -> Option<NaiveDateTime> {
    let local = text.get(..19).unwrap_or(text);
    NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })
}

/// `GET /accounts/{AccountId}/transactions?fromBookingDateTime=&toBookingDateTime=`.
pub(crate) async fn transactions(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    run(&headers, |media| {
        let permissions = ["ReadTransactionsBasic", "ReadTransactionsDetail"];
        let (token, consent) = psu_access(&bank, &headers, &extensions, &permissions)?;
        let account = consented(&bank, &consent, &id)?;
        let mut window = [None, None];
        for (i, name) in ["fromBookingDateTime", "toBookingDateTime"]
            .iter()
            .enumerate()
        {
            if let Some(text) = query.get(*name) {
                window[i] = Some(bound(text).ok_or_else(|| {
                    Refusal::bad_request(
                        "Resource.InvalidFormat",
                        format!("{name} must be a date-time (YYYY-MM-DDThh:mm:ss)"),
                    )
                })?);
            }
        }
        let consent_from = consent.body["FromDate"].as_str().and_then(bound);
        let consent_to = consent.body["ToDate"]
            .as_str()
            .and_then(bound)
            .map(|d| d + chrono::Duration::days(1));
        let local = |at: DateTime<Utc>| at.with_timezone(&data::uae()).naive_local();
        let items: Vec<Value> = bank
            .ledger
            .transactions
            .iter()
            .filter(|t| t.account_id == account.id.as_ref())
            .filter(|t| window[0].is_none_or(|from| local(t.booked) >= from))
            .filter(|t| window[1].is_none_or(|to| local(t.booked) <= to))
            .filter(|t| consent_from.is_none_or(|from| local(t.booked) >= from))
            .filter(|t| consent_to.is_none_or(|to| local(t.booked) < to))
            .map(shapes::transaction_json)
            .collect();
        let path = format!("/accounts/{id}/transactions");
        Ok(envelope(
            &bank,
            media,
            &token.client_id,
            &path,
            json!({"AccountId": account.id, "Transaction": items}),
        ))
    })
}

const PARTY_PERMISSIONS: &[&str] = &["ReadParty", "ReadPartyUser", "ReadPartyUserIdentity"];

/// `GET /parties`: the PSU.
pub(crate) async fn parties(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
) -> Response {
    run(&headers, |media| {
        let (token, consent) = psu_access(&bank, &headers, &extensions, PARTY_PERMISSIONS)?;
        let user = consent
            .user_id
            .as_deref()
            .and_then(|id| bank.ledger.user_by_id(id))
            .ok_or_else(|| Refusal::forbidden("Consent.PermanentAccountAccessFailure", "no PSU"))?;
        Ok(envelope(
            &bank,
            media,
            &token.client_id,
            "/parties",
            json!({"Party": shapes::party_json(user)}),
        ))
    })
}

/// `GET /accounts/{AccountId}/parties`.
pub(crate) async fn account_parties(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    run(&headers, |media| {
        let (token, consent) = psu_access(&bank, &headers, &extensions, PARTY_PERMISSIONS)?;
        let account = consented(&bank, &consent, &id)?;
        let user = bank.ledger.user_by_name(&account.owner).ok_or_else(|| {
            Refusal::forbidden("Consent.PermanentAccountAccessFailure", "no holder")
        })?;
        let path = format!("/accounts/{id}/parties");
        let body =
            json!({"AccountId": account.id, "Party": [shapes::account_party_json(account, user)]});
        Ok(envelope(&bank, media, &token.client_id, &path, body))
    })
}
