//! The account-access-consent views of data sharing (notes §6): `GET /account-access-consents/{id}`,
//! `GET /account-access-consents?baseConsentId=` (a bare JSON array) and `PATCH` to revoke (204).
//! They need a client-credentials token with scope `accounts`; a client sees only its own consents.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::consent::{self, AUTHORIZED, AWAITING, Consent, Kind, REVOKED};
use super::guard::{self, Need};
use super::reply::{Refusal, json_response};
use super::token::{AccessToken, Grant};
use super::{Bank, faults};

fn cc(bank: &Bank, headers: &HeaderMap, extensions: &Extensions) -> Result<AccessToken, Refusal> {
    let need = Need {
        grant: Grant::ClientCredentials,
        scope: "accounts",
        lenient: false,
    };
    guard::bearer(bank, headers, extensions, need)
}

/// The data-sharing consent `id` of the token's client.
fn own_consent(bank: &Bank, token: &AccessToken, id: &str) -> Result<Consent, Refusal> {
    bank.consents
        .get(id)
        .filter(|c| c.client_id == token.client_id && c.kind == Kind::DataSharing)
        .ok_or(Refusal::Bare(StatusCode::NOT_FOUND))
}

fn shown_status(bank: &Bank, consent: &Consent) -> &'static str {
    let status = consent.status_at(bank.clock.now());
    if status == AUTHORIZED && bank.faults.has(faults::CONSENT_STAYS_AWAITING) {
        AWAITING
    } else {
        status
    }
}

/// `GET /account-access-consents/{ConsentId}`.
pub(crate) async fn consent(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let found = cc(&bank, &headers, &extensions).and_then(|token| own_consent(&bank, &token, &id));
    match found {
        Ok(c) => json_response(
            StatusCode::OK,
            &consent::data_sharing_view(&bank, &c, shown_status(&bank, &c)),
            false,
        ),
        Err(refusal) => refusal.json(),
    }
}

/// `GET /account-access-consents?baseConsentId=`: a bare JSON array.
pub(crate) async fn consents(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let found = cc(&bank, &headers, &extensions).and_then(|token| {
        let base = query.get("baseConsentId").ok_or_else(|| {
            Refusal::bad_request(
                "Resource.InvalidFormat",
                "the baseConsentId query parameter is required",
            )
        })?;
        Ok(bank
            .consents
            .group(&token.client_id, base, Kind::DataSharing))
    });
    match found {
        Ok(list) => {
            let views: Vec<Value> = if bank.faults.has(faults::CONSENT_NOT_LISTED) {
                Vec::new()
            } else {
                list.iter()
                    .map(|c| consent::data_sharing_view(&bank, c, shown_status(&bank, c)))
                    .collect()
            };
            json_response(StatusCode::OK, &Value::Array(views), false)
        }
        Err(refusal) => refusal.json(),
    }
}

/// `PATCH /account-access-consents/{ConsentId}` `{"Data":{"Status":"Revoked","RevokedBy":"TPP"}}` → 204.
pub(crate) async fn revoke(
    State(bank): State<Arc<Bank>>,
    extensions: Extensions,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Option<Json<Value>>,
) -> Response {
    let done = cc(&bank, &headers, &extensions).and_then(|token| {
        let c = own_consent(&bank, &token, &id)?;
        let body = body.map(|Json(b)| b).unwrap_or_default();
        if body["Data"]["Status"] != "Revoked" {
            return Err(Refusal::bad_request(
                "Body.InvalidFormat",
                "Data.Status must be Revoked",
            ));
        }
        let by = body["Data"]["RevokedBy"]
            .as_str()
            .unwrap_or("TPP")
            .to_string();
        let now = bank.clock.now();
        bank.consents.update(&c.id, |c| {
            c.status = REVOKED;
            c.status_updated = now;
            c.revoked_by = Some(by);
        });
        Ok(())
    });
    match done {
        Ok(()) => Refusal::Bare(StatusCode::NO_CONTENT).json(),
        Err(refusal) => refusal.json(),
    }
}
