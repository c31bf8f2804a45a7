//! The Providers endpoints of the Salt Edge bank: Index (GET /providers, paged by per_page and
//! from_id with meta.next_id) and Templates (GET /providers/:provider_code/templates).
//!
//! Both take App-Id and App-Secret only, no Authorization JWT. The index lists only the providers
//! that approved the TPP, in id order. This file must never look at tokens or sessions.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Uri};
use serde_json::{Map, Value};

use super::faults::{
    FROM_ID_EXCLUSIVE, NEXT_ID_MISSING, PER_PAGE_UNBOUNDED, TEMPLATES_WITHOUT_ATTRIBUTES,
    UNAPPROVED_PROVIDERS_LISTED,
};
use super::gate::Needs;
use super::reply::{Answer, ApiError, ErrorClass};
use super::{Bank, SaltEdgeBank};

/// per_page when the request gives none.
const DEFAULT_PER_PAGE: u64 = 20;
/// The largest per_page the document allows.
const MAX_PER_PAGE: u64 = 1000;

/// GET /providers.
pub(super) async fn index(
    State(bank): State<Bank>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    bank.providers(&headers, &uri)
}

/// GET /providers/:provider_code/templates.
pub(super) async fn templates(
    State(bank): State<Bank>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Answer, ApiError> {
    bank.templates(&headers, &code)
}

/// An integer query parameter: `default` when absent, an error when not an integer or below `min`.
fn integer(
    query: &HashMap<String, String>,
    name: &str,
    default: u64,
    min: u64,
) -> Result<u64, ApiError> {
    let Some(text) = query.get(name) else {
        return Ok(default);
    };
    let value: u64 = text.trim().parse().map_err(|_| {
        ApiError::new(
            ErrorClass::WrongRequestFormat,
            format!("{name} must be an integer, not `{text}`"),
        )
    })?;
    if value < min {
        return Err(ApiError::new(
            ErrorClass::ValueOutOfRange,
            format!("{name} must be at least {min}"),
        ));
    }
    Ok(value)
}

impl SaltEdgeBank {
    fn providers(&self, headers: &HeaderMap, uri: &Uri) -> Result<Answer, ApiError> {
        self.admit(headers, Needs::App)?;
        let Query(query) = Query::<HashMap<String, String>>::try_from_uri(uri).map_err(|e| {
            ApiError::new(ErrorClass::WrongRequestFormat, format!("query string: {e}"))
        })?;
        let unbounded = self.faults.has(PER_PAGE_UNBOUNDED);
        let per_page = integer(&query, "per_page", DEFAULT_PER_PAGE, u64::from(!unbounded))?;
        if per_page > MAX_PER_PAGE && !unbounded {
            return Err(ApiError::new(
                ErrorClass::ValueOutOfRange,
                format!("per_page: values in range between 1 and {MAX_PER_PAGE}"),
            ));
        }
        // The document says both "default value: 0" and "values greater than: 0": 0 is accepted
        // as the default it is, meaning "from the first provider".
        let from_id = integer(&query, "from_id", 0, 0)?;
        let exclusive = self.faults.has(FROM_ID_EXCLUSIVE);
        let every = self.faults.has(UNAPPROVED_PROVIDERS_LISTED);
        let mut listed = self
            .providers
            .iter()
            .filter(|p| p.approved || every)
            .filter(|p| {
                if exclusive {
                    p.id > from_id
                } else {
                    p.id >= from_id
                }
            });
        let page: Vec<Value> = listed
            .by_ref()
            .take(usize::try_from(per_page).unwrap_or(usize::MAX))
            .map(|p| p.to_json())
            .collect();
        let next_id = listed.next().map_or(Value::Null, |p| Value::from(p.id));
        let mut meta = Map::new();
        if !self.faults.has(NEXT_ID_MISSING) {
            meta.insert("next_id".into(), next_id);
        }
        Ok(Answer {
            data: Value::Array(page),
            meta,
        })
    }

    fn templates(&self, headers: &HeaderMap, code: &str) -> Result<Answer, ApiError> {
        self.admit(headers, Needs::App)?;
        let provider = self.approved_provider(code)?;
        let list = provider
            .templates
            .iter()
            .map(|t| {
                let mut json = t.to_json(provider.id);
                if self.faults.has(TEMPLATES_WITHOUT_ATTRIBUTES)
                    && let Some(map) = json.as_object_mut()
                {
                    map.remove("payment_attributes");
                }
                json
            })
            .collect();
        Ok(Answer::data(Value::Array(list)))
    }
}
