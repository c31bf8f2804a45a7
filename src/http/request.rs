//! What a step asks to send: [`RequestSpec`] with its [`Body`] and [`Purpose`], and the form
//! encoding both sides of a request share. Nothing here touches the network.

use crate::target::Secret;

/// A request body.
#[derive(Clone, Debug)]
pub enum Body {
    Json(serde_json::Value),
    Form(Vec<(String, String)>),
    /// Raw text with its content type (for deliberately malformed bodies).
    Raw {
        content_type: String,
        text: String,
    },
    /// `multipart/form-data` (file uploads).
    Multipart(Vec<FilePart>),
}

/// One part of a multipart body.
#[derive(Clone, Debug)]
pub struct FilePart {
    /// The form field name.
    pub name: String,
    pub filename: Option<String>,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What a request is for: a family decorates API calls, token requests and the PSU's pages
/// differently (a correlation id on token requests, a signature on API calls only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Purpose {
    /// A call to the API under test.
    #[default]
    Api,
    /// A request to the authorization server's token, revoke or PAR endpoint.
    Token,
    /// A page the PSU's browser would load (a login form, a consent page).
    Psu,
}

/// What a step wants sent. `url` is absolute, or a path that [`HttpClient`] joins to the base URL.
#[derive(Clone, Debug)]
pub struct RequestSpec {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub bearer: Option<Secret>,
    pub body: Option<Body>,
    /// Header names this request must not carry: decoration skips them (negative scenarios).
    pub omit: Vec<String>,
    /// Send without the target's client certificate (to check that the bank requires it).
    pub without_client_certificate: bool,
    /// What the request is for (how the family's wire decorates it).
    pub purpose: Purpose,
}

impl RequestSpec {
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            method: method.into().to_ascii_uppercase(),
            url: url.into(),
            headers: Vec::new(),
            bearer: None,
            body: None,
            omit: Vec::new(),
            without_client_certificate: false,
            purpose: Purpose::Api,
        }
    }

    /// The same request, marked as being for `purpose`.
    pub fn purpose(mut self, purpose: Purpose) -> Self {
        self.purpose = purpose;
        self
    }

    /// Sets a header, replacing any earlier value of the same name.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.set_header(name, value);
        self
    }

    pub fn set_header(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        self.remove_header(&name);
        self.headers.push((name, value.into()));
    }

    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    }

    /// Sets a header the family always sends, unless the request already has it or the scenario
    /// asked for it to be left out.
    pub fn default_header(&mut self, name: &str, value: impl Into<String>) {
        if !self.has_header(name) && !self.omits(name) {
            self.headers.push((name.to_string(), value.into()));
        }
    }

    /// Whether the scenario asked for this header to be left out.
    pub fn omits(&self, name: &str) -> bool {
        self.omit.iter().any(|k| k.eq_ignore_ascii_case(name))
    }

    pub fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    }

    pub fn bearer(mut self, token: Secret) -> Self {
        self.bearer = Some(token);
        self
    }

    pub fn body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }

    /// The body bytes as they go on the wire (for digests and signatures); `None` for no body or a
    /// multipart body, whose bytes the client assembles itself.
    pub fn body_bytes(&self) -> Option<Vec<u8>> {
        match &self.body {
            None | Some(Body::Multipart(_)) => None,
            Some(Body::Json(v)) => Some(v.to_string().into_bytes()),
            Some(Body::Form(pairs)) => Some(form_encode(pairs).into_bytes()),
            Some(Body::Raw { text, .. }) => Some(text.clone().into_bytes()),
        }
    }

    /// The path and query of the URL (what `(request-target)` signs).
    pub fn path_and_query(&self) -> &str {
        match self.url.split_once("://") {
            Some((_, rest)) => rest.find('/').map(|i| &rest[i..]).unwrap_or("/"),
            None => &self.url,
        }
    }
}

/// `a=1&b=2`, percent-encoded.
pub fn form_encode(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
