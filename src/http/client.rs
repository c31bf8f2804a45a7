//! The run's HTTP client: reqwest over rustls, configured from the target's TLS settings.

use std::time::{Duration, Instant};

use reqwest::Method;

use super::exchange::{Exchange, RecordedRequest, RecordedResponse};
use super::request::{Body, FilePart, RequestSpec};
use super::transport::TransportFailure;
use crate::target::Target;

/// The most of a response body obconf reads; a larger one is a transport failure.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Why the client could not be built from the target's TLS settings.
#[derive(Debug, thiserror::Error)]
pub enum HttpSetupError {
    #[error("the CA certificate of {origin} is not valid PEM: {source}")]
    Ca {
        origin: String,
        source: reqwest::Error,
    },
    #[error("the client certificate or key of {origin} is not usable: {source}")]
    Identity {
        origin: String,
        source: reqwest::Error,
    },
    #[error("cannot build the HTTP client: {0}")]
    Build(#[from] reqwest::Error),
}

/// One client per run: connection pooling makes a suite of small requests cheap.
#[derive(Clone, Debug)]
pub struct HttpClient {
    inner: reqwest::Client,
    /// The same settings without the client certificate.
    anonymous: reqwest::Client,
    base_url: String,
}

impl HttpClient {
    pub fn new(target: &Target) -> Result<Self, HttpSetupError> {
        Ok(Self {
            inner: Self::build(target, true)?,
            anonymous: Self::build(target, false)?,
            base_url: target.base_url.clone(),
        })
    }

    fn build(target: &Target, with_identity: bool) -> Result<reqwest::Client, HttpSetupError> {
        crate::tls::install_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .timeout(target.timeout)
            .connect_timeout(Duration::from_secs(10).min(target.timeout))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("obconf/", env!("CARGO_PKG_VERSION")));
        let ca =
            match &target.tls.ca_pem {
                Some(pem) => Some(reqwest::Certificate::from_pem_bundle(pem).map_err(
                    |source| HttpSetupError::Ca {
                        origin: target.origin(),
                        source,
                    },
                )?),
                None => None,
            };
        // An embedded bank is trusted through the CA minted for it and nothing else; an outside
        // bank through the system's roots (read once per process) and the target's CA.
        let roots: Vec<reqwest::Certificate> = match ca {
            Some(ca) if target.embedded => ca,
            ca => super::roots::system()
                .iter()
                .cloned()
                .chain(ca.into_iter().flatten())
                .collect(),
        };
        builder = builder.tls_certs_only(roots);
        if let Some(identity) = target.tls.identity_pem.as_ref().filter(|_| with_identity) {
            let identity =
                reqwest::Identity::from_pem(identity.expose().as_bytes()).map_err(|source| {
                    HttpSetupError::Identity {
                        origin: target.origin(),
                        source,
                    }
                })?;
            builder = builder.identity(identity);
        }
        if !with_identity {
            // The client without a certificate is there to be refused, and a refusal in the
            // handshake must reach the evidence as the bank's TLS alert. Over HTTP/2 hyper often
            // hands the request a bare "connection closed" instead (its connection task keeps the
            // alert), which cannot be told from a dropped connection; over HTTP/1.1 the alert
            // comes back with the request.
            builder = builder.http1_only();
        }
        if target.tls.insecure {
            builder = builder.danger_accept_invalid_certs(true);
        }
        Ok(builder.build()?)
    }

    /// The absolute URL for `url_or_path`.
    pub fn url(&self, url_or_path: &str) -> String {
        if url_or_path.starts_with("http://") || url_or_path.starts_with("https://") {
            url_or_path.to_string()
        } else {
            format!("{}{}", self.base_url, url_or_path)
        }
    }

    /// The request as it goes on the wire (bearer token and content type added): what evidence
    /// shows, and the body text sent.
    fn recorded(&self, spec: &RequestSpec) -> (RecordedRequest, Option<String>) {
        let url = self.url(&spec.url);
        let mut headers = spec.headers.clone();
        if let Some(token) = spec
            .bearer
            .as_ref()
            .filter(|_| !spec.omits("Authorization"))
        {
            headers.push((
                "Authorization".to_string(),
                format!("Bearer {}", token.expose()),
            ));
        }
        let body_text = spec
            .body_bytes()
            .map(|b| String::from_utf8_lossy(&b).into_owned());
        let (body_text, content_type) = match &spec.body {
            None => (None, None),
            Some(Body::Json(_)) => (body_text, Some("application/json".to_string())),
            Some(Body::Form(_)) => (
                body_text,
                Some("application/x-www-form-urlencoded".to_string()),
            ),
            Some(Body::Raw { content_type, text }) => {
                (Some(text.clone()), Some(content_type.clone()))
            }
            // Evidence shows what was uploaded, not the bytes; reqwest sets the boundary header.
            Some(Body::Multipart(parts)) => (Some(describe_parts(parts)), None),
        };
        if let Some(ct) = content_type
            && !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            headers.push(("Content-Type".to_string(), ct));
        }
        let request = RecordedRequest {
            method: spec.method.clone(),
            url,
            headers,
            body: body_text.clone(),
        };
        (request, body_text)
    }

    /// The exchange of a request that was not sent, and why: evidence for the step that wanted it.
    pub fn not_sent(&self, spec: &RequestSpec, reason: String) -> Exchange {
        let (request, _) = self.recorded(spec);
        Exchange {
            request,
            response: None,
            error: Some(reason),
            tls_alert: None,
            elapsed: Duration::ZERO,
            at: chrono::Utc::now(),
            unwrapped: None,
            rejected: None,
        }
    }

    /// The status of an unauthenticated `GET url` once the bank's status line and headers came
    /// (its body is not read), or why none came: the run's pre-flight probe.
    pub async fn probe(&self, url: &str) -> Result<u16, String> {
        self.inner
            .get(url)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .map_err(|e| super::transport::TransportFailure::of(&e).text)
    }

    /// Sends the request and records the exchange. Never fails: see [`Exchange::error`].
    ///
    /// A request without the client certificate that got neither an answer nor the bank's TLS
    /// alert is sent again (twice at most): when a bank refuses such a client in the handshake,
    /// hyper may hand the request a bare "connection closed" that raced the alert, and a bank
    /// that refuses in the handshake refuses again, this time with its alert in the evidence.
    pub async fn send(&self, spec: RequestSpec) -> Exchange {
        if !spec.without_client_certificate {
            return self.send_once(spec).await;
        }
        let mut exchange = self.send_once(spec.clone()).await;
        for _ in 0..2 {
            if exchange.response.is_some() || exchange.tls_alert.is_some() {
                break;
            }
            exchange = self.send_once(spec.clone()).await;
        }
        exchange
    }

    async fn send_once(&self, spec: RequestSpec) -> Exchange {
        let (request, body_text) = self.recorded(&spec);
        let url = request.url.clone();
        let headers = request.headers.clone();
        let started = Instant::now();
        let at = chrono::Utc::now();
        let method = match Method::from_bytes(spec.method.as_bytes()) {
            Ok(m) => m,
            Err(_) => {
                return Exchange {
                    request,
                    response: None,
                    error: Some(format!("`{}` is not an HTTP method", spec.method)),
                    tls_alert: None,
                    elapsed: started.elapsed(),
                    at,
                    unwrapped: None,
                    rejected: None,
                };
            }
        };
        let client = if spec.without_client_certificate {
            &self.anonymous
        } else {
            &self.inner
        };
        let mut builder = client.request(method, &url);
        for (k, v) in &headers {
            builder = builder.header(k, v);
        }
        match &spec.body {
            Some(Body::Multipart(parts)) => match multipart_form(parts) {
                Ok(form) => builder = builder.multipart(form),
                Err(e) => {
                    return Exchange {
                        request,
                        response: None,
                        error: Some(format!("cannot build the multipart body: {e}")),
                        tls_alert: None,
                        elapsed: started.elapsed(),
                        at,
                        unwrapped: None,
                        rejected: None,
                    };
                }
            },
            _ => {
                if let Some(body) = body_text {
                    builder = builder.body(body);
                }
            }
        }
        let outcome = async {
            let mut response = builder.send().await.map_err(|e| TransportFailure::of(&e))?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            // Read in chunks and stop at the cap: a hostile bank must not exhaust memory.
            let mut bytes = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| TransportFailure::of(&e))?
            {
                if bytes.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(TransportFailure::other(format!(
                        "HTTP {status} with a body over {} MiB: obconf stopped reading it",
                        MAX_BODY_BYTES / (1024 * 1024)
                    )));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok::<_, TransportFailure>(RecordedResponse {
                status,
                headers,
                body: String::from_utf8_lossy(&bytes).into_owned(),
            })
        }
        .await;
        let elapsed = started.elapsed();
        match outcome {
            Ok(response) => Exchange {
                request,
                response: Some(response),
                error: None,
                tls_alert: None,
                elapsed,
                at,
                unwrapped: None,
                rejected: None,
            },
            Err(failure) => Exchange {
                request,
                response: None,
                error: Some(failure.text),
                tls_alert: failure.tls_alert,
                elapsed,
                at,
                unwrapped: None,
                rejected: None,
            },
        }
    }
}

fn multipart_form(parts: &[FilePart]) -> Result<reqwest::multipart::Form, reqwest::Error> {
    let mut form = reqwest::multipart::Form::new();
    for p in parts {
        let mut part =
            reqwest::multipart::Part::bytes(p.bytes.clone()).mime_str(&p.content_type)?;
        if let Some(f) = &p.filename {
            part = part.file_name(f.clone());
        }
        form = form.part(p.name.clone(), part);
    }
    Ok(form)
}

fn describe_parts(parts: &[FilePart]) -> String {
    parts
        .iter()
        .map(|p| {
            format!(
                "multipart part `{}`{}: {} bytes of {}",
                p.name,
                p.filename
                    .as_deref()
                    .map(|f| format!(" (file {f})"))
                    .unwrap_or_default(),
                p.bytes.len(),
                p.content_type
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
