//! One request and its response, as the run holds them while steps read them.
//!
//! An exchange leaves the process only as evidence ([`super::ExchangeRecord`], through
//! [`Exchange::render`] or a run record), which always redacts: credential headers and fields are
//! masked by name, every registered secret by value, and bodies are cut. Nothing here prints.

use std::time::Duration;

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
    /// The TLS alert the bank sent when it refused the handshake (see
    /// [`crate::http::transport`]); `None` for a response and for any other transport failure.
    pub tls_alert: Option<String>,
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

    /// A one-line summary, redacted: `GET https://… → 200`.
    pub fn summary(&self) -> String {
        super::ExchangeRecord::of(self).summary()
    }

    /// The redacted evidence text: request line, headers and body; response status, headers, body.
    pub fn render(&self) -> String {
        super::ExchangeRecord::of(self).render()
    }
}
