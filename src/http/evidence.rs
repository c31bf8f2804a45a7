//! The exchanges a run keeps as evidence, in the form a record holds them: redacted and cut.
//!
//! An [`ExchangeRecord`] is made from the World's [`Exchange`] once, when the run record takes it
//! in ([`ExchangeRecord::of`], [`ExchangeRecord::all_of`], which `super::scrub` implements), and
//! is also how an exchange is rendered for the console ([`Exchange::render`]):
//! credential headers and fields are masked by name, registered secrets by value, and bodies are
//! cut at [`BODY_LIMIT`] bytes. Nothing here may ever hold or print an
//! unredacted value: whatever is in a record may be written to any report.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Exchange;
use crate::redact;
use crate::timefmt;

/// Bodies longer than this are cut in evidence (2 KB).
pub const BODY_LIMIT: usize = 2048;

/// Header values longer than this are cut in evidence, with their length said: a bank's
/// 100 KB header must not become megabytes of console and report.
pub const HEADER_LIMIT: usize = 512;

/// Response headers that add nothing to rendered evidence (they stay in the record).
const NOISE_HEADERS: &[&str] = &["date", "content-length", "connection", "keep-alive"];

/// A body as evidence: the redacted text, cut at [`BODY_LIMIT`] bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyRecord {
    /// The redacted body (JSON pretty-printed), at most [`BODY_LIMIT`] bytes of it.
    pub text: String,
    /// The length in bytes of the whole redacted body; more than `text.len()` when it was cut.
    pub bytes: usize,
}

impl BodyRecord {
    /// Whether the text is only the start of the body.
    pub fn truncated(&self) -> bool {
        self.bytes > self.text.len()
    }
}

/// A header as evidence: a credential's value is masked (an Authorization header keeps its scheme).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderRecord {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    pub method: String,
    /// The URL, credential query parameters masked.
    pub url: String,
    pub headers: Vec<HeaderRecord>,
    pub body: Option<BodyRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseRecord {
    pub status: u16,
    pub headers: Vec<HeaderRecord>,
    /// `None` for an empty body.
    pub body: Option<BodyRecord>,
}

/// One request and its response (or why there was none), redacted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRecord {
    /// When the request was sent.
    #[serde(with = "timefmt::rfc3339")]
    pub sent_at: DateTime<Utc>,
    pub elapsed_ms: u64,
    pub request: RequestRecord,
    pub response: Option<ResponseRecord>,
    /// The transport failure (connection refused, TLS, timeout) when no response came.
    pub error: Option<String>,
    /// The payload the family's wire found inside the raw body, which `Then` steps read.
    pub unwrapped: Option<BodyRecord>,
    /// Why the family's wire rejected the response (a signature that does not verify).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected: Option<String>,
}

impl ExchangeRecord {
    /// The record of `exchange`, redacted: the only way an exchange enters a run record.
    pub fn of(exchange: &Exchange) -> Self {
        super::scrub::record_of(exchange)
    }

    /// The records of a scenario's exchanges, in order, redacted in one pass.
    pub fn all_of(exchanges: &[Exchange]) -> Vec<Self> {
        super::scrub::records_of(exchanges)
    }

    /// `GET https://… → 200`.
    pub fn summary(&self) -> String {
        let outcome = match (&self.response, &self.error) {
            (Some(r), _) => r.status.to_string(),
            (None, Some(e)) => format!("no response ({e})"),
            (None, None) => "no response".to_string(),
        };
        format!("{} {} → {}", self.request.method, self.request.url, outcome)
    }

    /// The evidence text of failures: request line, headers and body; response status, headers
    /// and body (noise headers left out); the family's unwrapped payload.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "request:");
        let _ = writeln!(out, "  {} {}", self.request.method, self.request.url);
        for h in &self.request.headers {
            let _ = writeln!(out, "  {}: {}", h.name, h.value);
        }
        if let Some(body) = &self.request.body {
            write_body(&mut out, body);
        }
        match (&self.response, &self.error) {
            (Some(r), _) => {
                let _ = writeln!(out, "response: ({} ms)", self.elapsed_ms);
                let _ = writeln!(out, "  {} {}", r.status, reason(r.status));
                for h in &r.headers {
                    if !NOISE_HEADERS.contains(&h.name.to_ascii_lowercase().as_str()) {
                        let _ = writeln!(out, "  {}: {}", h.name, h.value);
                    }
                }
                if let Some(body) = &r.body {
                    write_body(&mut out, body);
                }
                if let Some(rejected) = &self.rejected {
                    let _ = writeln!(out, "  rejected by the family: {rejected}");
                }
                if let Some(unwrapped) = &self.unwrapped {
                    let _ = writeln!(out, "  unwrapped by the family:");
                    write_body(&mut out, unwrapped);
                }
            }
            (None, Some(e)) => {
                let _ = writeln!(out, "response: none after {} ms: {e}", self.elapsed_ms);
            }
            (None, None) => {
                let _ = writeln!(out, "response: none");
            }
        }
        redact::redact(&out)
    }
}

fn write_body(out: &mut String, body: &BodyRecord) {
    let mut text = body.text.clone();
    if body.truncated() {
        let _ = write!(text, "\n… ({} bytes in all)", body.bytes);
    }
    for line in text.lines() {
        let _ = writeln!(out, "  | {line}");
    }
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::http::{RecordedRequest, RecordedResponse};

    fn exchange(body: &str) -> Exchange {
        Exchange {
            request: RecordedRequest {
                method: "POST".into(),
                url: "https://bank.test/token?code=abc123xyz&state=s".into(),
                headers: vec![
                    ("Authorization".into(), "Bearer evidence-secret-1".into()),
                    ("X-Request-ID".into(), "r-1".into()),
                ],
                body: Some("grant_type=password&password=hunter2".into()),
            },
            response: Some(RecordedResponse {
                status: 200,
                headers: vec![("Date".into(), "today".into())],
                body: body.into(),
            }),
            error: None,
            tls_alert: None,
            elapsed: Duration::from_millis(7),
            at: Utc::now(),
            unwrapped: None,
            rejected: None,
        }
    }

    #[test]
    fn credentials_are_masked_when_the_record_is_made() {
        redact::register("evidence-secret-1");
        let r = ExchangeRecord::of(&exchange(r#"{"access_token":"zzz","ok":1}"#));
        let all = serde_json::to_string(&r).unwrap_or_default();
        assert!(!all.contains("evidence-secret-1"), "{all}");
        assert!(!all.contains("hunter2"), "{all}");
        assert!(!all.contains("abc123xyz"), "{all}");
        assert!(!all.contains("zzz"), "{all}");
        assert_eq!(r.request.headers[0].value, "Bearer [REDACTED]");
        assert!(r.render().contains("state=s"));
    }

    #[test]
    fn long_bodies_are_cut_and_say_how_long_they_were() {
        let r = ExchangeRecord::of(&exchange(&"é".repeat(BODY_LIMIT)));
        let Some(body) = r.response.and_then(|r| r.body) else {
            panic!("the response body is recorded");
        };
        assert!(body.truncated());
        assert!(body.text.len() <= BODY_LIMIT);
        assert_eq!(body.bytes, BODY_LIMIT * 2);
    }
}
