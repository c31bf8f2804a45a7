//! One request and its response, kept as evidence for failures and reports.
//!
//! Rendering is the only way an exchange leaves the process, and it always redacts: credential
//! headers and fields are masked by name, every registered secret by value, and bodies are cut at
//! [`BODY_LIMIT`] bytes.

use std::fmt::Write as _;
use std::time::Duration;

use crate::redact;

/// Bodies longer than this are cut in evidence.
pub const BODY_LIMIT: usize = 2048;

/// Response headers that add nothing to evidence.
const NOISE_HEADERS: &[&str] = &["date", "content-length", "connection", "keep-alive"];

#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

#[derive(Clone, Debug)]
pub struct RecordedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// A request, and its response or the reason there was none.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub request: RecordedRequest,
    pub response: Option<RecordedResponse>,
    /// Transport failure (connection refused, TLS, timeout), when there is no response.
    pub error: Option<String>,
    pub elapsed: Duration,
    /// When the request was sent (wall clock): places the exchange within its step.
    pub at: chrono::DateTime<chrono::Utc>,
    /// The payload a family's wire found inside the raw body (a verified JWS's JSON, say), which
    /// `Then` steps read instead of the raw body. The raw body stays in
    /// [`RecordedResponse::body`] as evidence.
    pub unwrapped: Option<String>,
    /// Why the family's wire did not accept the response (a signature that does not verify):
    /// the step that sent it fails with this reason and the exchange as evidence.
    pub rejected: Option<String>,
}

impl Exchange {
    /// The response status, if a response arrived.
    pub fn status(&self) -> Option<u16> {
        self.response.as_ref().map(|r| r.status)
    }

    /// The first response header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.response.as_ref().and_then(|r| {
            r.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        })
    }

    /// The first request header named `name` (case-insensitive).
    pub fn request_header(&self, name: &str) -> Option<&str> {
        self.request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body `Then` steps read: what the family's wire unwrapped, else the raw body.
    pub fn body(&self) -> Option<&str> {
        self.unwrapped
            .as_deref()
            .or_else(|| self.response.as_ref().map(|r| r.body.as_str()))
    }

    /// The response body (as the family's wire unwrapped it) parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.body()?).ok()
    }

    /// A one-line summary: `GET https://… → 200`.
    pub fn summary(&self) -> String {
        let outcome = match (&self.response, &self.error) {
            (Some(r), _) => r.status.to_string(),
            (None, Some(e)) => format!("no response ({e})"),
            (None, None) => "no response".to_string(),
        };
        redact::redact(&format!(
            "{} {} → {}",
            self.request.method, self.request.url, outcome
        ))
    }

    /// The redacted evidence text: request line, headers and body; response status, headers, body.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "request:");
        let _ = writeln!(out, "  {} {}", self.request.method, self.request.url);
        for (k, v) in &self.request.headers {
            let _ = writeln!(out, "  {k}: {}", shown_header(k, v));
        }
        if let Some(body) = &self.request.body {
            write_body(&mut out, body);
        }
        match (&self.response, &self.error) {
            (Some(r), _) => {
                let _ = writeln!(out, "response: ({} ms)", self.elapsed.as_millis());
                let _ = writeln!(out, "  {} {}", r.status, reason(r.status));
                for (k, v) in &r.headers {
                    if !NOISE_HEADERS.contains(&k.to_ascii_lowercase().as_str()) {
                        let _ = writeln!(out, "  {k}: {}", shown_header(k, v));
                    }
                }
                if !r.body.is_empty() {
                    write_body(&mut out, &r.body);
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
                let _ = writeln!(
                    out,
                    "response: none after {} ms: {e}",
                    self.elapsed.as_millis()
                );
            }
            (None, None) => {
                let _ = writeln!(out, "response: none");
            }
        }
        redact::redact(&out)
    }
}

fn shown_header(name: &str, value: &str) -> String {
    if redact::is_secret_header(name) {
        // Keep the scheme so a reader can tell Bearer from Basic, never the credential.
        match value.split_once(' ') {
            Some((scheme, _)) if name.eq_ignore_ascii_case("authorization") => {
                format!("{scheme} {}", redact::MASK)
            }
            _ => redact::MASK.to_string(),
        }
    } else {
        value.to_string()
    }
}

fn write_body(out: &mut String, body: &str) {
    let shown = redact::redact_body(body);
    let cut = if shown.len() > BODY_LIMIT {
        let mut end = BODY_LIMIT;
        while !shown.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}\n… ({} bytes in all)", &shown[..end], shown.len())
    } else {
        shown
    };
    for line in cut.lines() {
        let _ = writeln!(out, "  | {line}");
    }
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}
