//! Turns a scenario's exchanges into redacted [`ExchangeRecord`]s, with one pass of
//! [`redact::redact`] for all of them.
//!
//! Redaction is the same as [`redact::redact_body`] and friends: credential headers, JSON and form
//! fields and query parameters are masked by name, then every text (JSON string values one by
//! one) is masked by registered value. Only the value pass is batched: the texts are joined and
//! redacted at once, because a long run registers hundreds of secrets and one pass per header
//! made recording every exchange cost more than running the scenario. This module must never let
//! a text out before the value pass has run on it.

use serde_json::Value;

use super::Exchange;
use super::evidence::{BODY_LIMIT, BodyRecord, ExchangeRecord, HEADER_LIMIT, HeaderRecord};
use super::evidence::{RequestRecord, ResponseRecord};
use crate::redact;

/// The records of `exchanges`, in order, redacted.
pub fn records_of(exchanges: &[Exchange]) -> Vec<ExchangeRecord> {
    let mut drafts: Vec<Draft> = exchanges.iter().map(Draft::of).collect();
    redact_values(&mut drafts);
    drafts.into_iter().map(Draft::finish).collect()
}

/// The record of one exchange, redacted.
pub fn record_of(exchange: &Exchange) -> ExchangeRecord {
    let mut draft = Draft::of(exchange);
    redact_values(std::slice::from_mut(&mut draft));
    draft.finish()
}

/// The value pass over every text of `drafts`.
fn redact_values(drafts: &mut [Draft]) {
    let mut texts = Vec::new();
    for d in drafts.iter_mut() {
        d.visit(&mut |s| texts.push(std::mem::take(s)));
    }
    let mut redacted = redact_all(texts).into_iter();
    for d in drafts.iter_mut() {
        d.visit(&mut |s| *s = redacted.next().unwrap_or_default());
    }
}

/// Every text masked by registered value: one [`redact::redact`] over the texts joined by NUL
/// (which no registered secret holds), else one call per text.
fn redact_all(texts: Vec<String>) -> Vec<String> {
    const SEP: char = '\0';
    let one_by_one = |texts: &[String]| texts.iter().map(|t| redact::redact(t)).collect();
    if texts.iter().any(|t| t.contains(SEP)) {
        return one_by_one(&texts);
    }
    let joined = redact::redact(&texts.join("\0"));
    let parts: Vec<String> = joined.split(SEP).map(str::to_string).collect();
    if parts.len() == texts.len() {
        parts
    } else {
        one_by_one(&texts)
    }
}

/// A body masked by field name, not yet by value.
enum Body {
    Json(Value),
    Text(String),
}

impl Body {
    /// Like [`redact::redact_body`]: JSON by field, a form by field, anything else as text.
    fn of(body: &str) -> Self {
        if let Ok(json) = serde_json::from_str::<Value>(body) {
            return Body::Json(mask_fields(json));
        }
        if body.contains('=') && !body.contains(char::is_whitespace) {
            return Body::Text(mask_form(body));
        }
        Body::Text(body.to_string())
    }

    fn visit(&mut self, f: &mut dyn FnMut(&mut String)) {
        match self {
            Body::Json(v) => visit_strings(v, f),
            Body::Text(t) => f(t),
        }
    }

    fn finish(self) -> BodyRecord {
        let shown = match self {
            Body::Json(v) => {
                serde_json::to_string_pretty(&v).unwrap_or_else(|_| redact::MASK.to_string())
            }
            Body::Text(t) => t,
        };
        let bytes = shown.len();
        let mut end = bytes.min(BODY_LIMIT);
        while !shown.is_char_boundary(end) {
            end -= 1;
        }
        BodyRecord {
            text: shown[..end].to_string(),
            bytes,
        }
    }
}

/// A JSON document with the values of credential fields masked (recursively).
fn mask_fields(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = if redact::is_secret_field(&k) && !v.is_null() {
                        Value::String(redact::MASK.to_string())
                    } else {
                        mask_fields(v)
                    };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(mask_fields).collect()),
        other => other,
    }
}

fn visit_strings(value: &mut Value, f: &mut dyn FnMut(&mut String)) {
    match value {
        Value::Object(map) => map.values_mut().for_each(|v| visit_strings(v, f)),
        Value::Array(items) => items.iter_mut().for_each(|v| visit_strings(v, f)),
        Value::String(s) => f(s),
        _ => {}
    }
}

/// An `application/x-www-form-urlencoded` text (or a query) with credential fields masked.
/// A URL with its query's and fragment's credential parameters masked.
fn mask_url(url: &str) -> String {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let mut out = match rest.split_once('?') {
        Some((base, query)) => format!("{base}?{}", mask_form(query)),
        None => rest.to_string(),
    };
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(&mask_form(f));
    }
    out
}

fn mask_form(body: &str) -> String {
    body.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if redact::is_secret_field(k) => format!("{k}={}", redact::MASK),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A header with a credential's value masked (an Authorization header keeps its scheme; a
/// redirect's `Location` keeps its URL with credential parameters masked, as a request URL does:
/// an authorization code travels there, percent-encoded).
fn header(name: &str, value: &str) -> HeaderRecord {
    let value =
        if name.eq_ignore_ascii_case("location") || name.eq_ignore_ascii_case("content-location") {
            mask_url(value)
        } else if redact::is_secret_header(name) {
            match value.split_once(' ') {
                Some((scheme, _)) if name.eq_ignore_ascii_case("authorization") => {
                    format!("{scheme} {}", redact::MASK)
                }
                _ => redact::MASK.to_string(),
            }
        } else {
            value.to_string()
        };
    HeaderRecord {
        name: name.to_string(),
        value,
    }
}

/// A header value longer than [`HEADER_LIMIT`] bytes cut there, saying how long it was.
fn cut_header(value: &mut String) {
    if value.len() <= HEADER_LIMIT {
        return;
    }
    let mut end = HEADER_LIMIT;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    let all = value.len();
    value.truncate(end);
    value.push_str(&format!("… ({all} bytes in all)"));
}

fn headers(h: &[(String, String)]) -> Vec<HeaderRecord> {
    h.iter().map(|(k, v)| header(k, v)).collect()
}

/// One exchange masked by name, waiting for the value pass.
struct Draft {
    exchange: ExchangeRecord,
    request_body: Option<Body>,
    response_body: Option<Body>,
    unwrapped: Option<Body>,
}

impl Draft {
    fn of(e: &Exchange) -> Self {
        let url = mask_url(&e.request.url);
        Self {
            exchange: ExchangeRecord {
                sent_at: e.at,
                elapsed_ms: u64::try_from(e.elapsed.as_millis()).unwrap_or(u64::MAX),
                request: RequestRecord {
                    method: e.request.method.clone(),
                    url,
                    headers: headers(&e.request.headers),
                    body: None,
                },
                response: e.response.as_ref().map(|r| ResponseRecord {
                    status: r.status,
                    headers: headers(&r.headers),
                    body: None,
                }),
                error: e.error.clone(),
                unwrapped: None,
                rejected: e.rejected.clone(),
            },
            request_body: e.request.body.as_deref().map(Body::of),
            response_body: e
                .response
                .as_ref()
                .filter(|r| !r.body.is_empty())
                .map(|r| Body::of(&r.body)),
            unwrapped: e.unwrapped.as_deref().map(Body::of),
        }
    }

    /// Every text of the draft, in a fixed order.
    fn visit(&mut self, f: &mut dyn FnMut(&mut String)) {
        let x = &mut self.exchange;
        f(&mut x.request.method);
        f(&mut x.request.url);
        x.request.headers.iter_mut().for_each(|h| f(&mut h.value));
        if let Some(r) = &mut x.response {
            r.headers.iter_mut().for_each(|h| f(&mut h.value));
        }
        if let Some(e) = &mut x.error {
            f(e);
        }
        if let Some(r) = &mut x.rejected {
            f(r);
        }
        for body in [
            &mut self.request_body,
            &mut self.response_body,
            &mut self.unwrapped,
        ]
        .into_iter()
        .flatten()
        {
            body.visit(f);
        }
    }

    fn finish(self) -> ExchangeRecord {
        let mut x = self.exchange;
        // Cut after the value pass, never before: a secret across the cut would survive in part.
        let responses = x.response.iter_mut().flat_map(|r| r.headers.iter_mut());
        for h in x.request.headers.iter_mut().chain(responses) {
            cut_header(&mut h.value);
        }
        x.request.body = self.request_body.map(Body::finish);
        if let Some(r) = &mut x.response {
            r.body = self.response_body.map(Body::finish);
        }
        x.unwrapped = self.unwrapped.map(Body::finish);
        x
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::http::{RecordedRequest, RecordedResponse};

    fn exchange(url: &str, body: &str) -> Exchange {
        Exchange {
            request: RecordedRequest {
                method: "POST".into(),
                url: url.into(),
                headers: vec![("X-Trace".into(), "scrub-secret-2 seen".into())],
                body: Some("client_id=c&client_secret=abc&note=scrub-secret-2".into()),
            },
            response: Some(RecordedResponse {
                status: 200,
                headers: Vec::new(),
                body: body.into(),
            }),
            error: None,
            tls_alert: None,
            elapsed: Duration::ZERO,
            at: chrono::Utc::now(),
            unwrapped: None,
            rejected: None,
        }
    }

    #[test]
    fn long_header_values_are_cut_after_redaction() {
        redact::register("scrub-secret-at-the-cut");
        let mut e = exchange("https://b/z", "");
        let value = format!(
            "{}scrub-secret-at-the-cut{}",
            "a".repeat(HEADER_LIMIT - 5),
            "b".repeat(100_000)
        );
        e.response = Some(RecordedResponse {
            status: 200,
            headers: vec![("X-Huge".into(), value)],
            body: String::new(),
        });
        let r = record_of(&e);
        let shown = &r
            .response
            .as_ref()
            .map(|r| r.headers[0].value.clone())
            .unwrap_or_default();
        assert!(shown.len() < HEADER_LIMIT + 40, "{}", shown.len());
        assert!(shown.ends_with("bytes in all)"), "{shown}");
        assert!(!shown.contains("scrub-sec"), "{shown}");
    }

    #[test]
    fn a_code_in_a_redirect_location_is_masked_encoded_or_not() {
        let h = header("Location", "https://tpp/cb?code=ab%2Fcd&state=s#code=x1");
        assert_eq!(
            h.value,
            "https://tpp/cb?code=[REDACTED]&state=s#code=[REDACTED]"
        );
        assert_eq!(header("Location", "/plain/path").value, "/plain/path");
    }

    #[test]
    fn every_text_of_every_exchange_is_masked_by_name_and_by_value() {
        redact::register("scrub-secret-2");
        let records = records_of(&[
            exchange(
                "https://b/x?code=c0de&s=scrub-secret-2",
                r#"{"a":["scrub-secret-2"]}"#,
            ),
            exchange("https://b/y", "text with \0 and scrub-secret-2"),
        ]);
        let all = serde_json::to_string(&records).unwrap_or_default();
        assert!(!all.contains("scrub-secret-2"), "{all}");
        assert!(!all.contains("c0de"), "{all}");
        assert!(!all.contains("client_secret=abc"), "{all}");
        assert_eq!(records[1].request.url, "https://b/y");
        assert_eq!(records[0].request.headers[0].value, "[REDACTED] seen");
    }
}
