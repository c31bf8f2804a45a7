//! What went wrong on the wire when no response came: the text for the evidence, and whether the
//! bank itself refused the TLS handshake with an alert.
//!
//! A refused handshake is a verdict the document can ask for (a TPP without its client
//! certificate); a refused connection, a DNS failure or a timeout says nothing about the bank's
//! rules. This module tells them apart from the error chain (a rustls `AlertReceived` somewhere
//! in it) and must never guess from the error's words. Over HTTP/2 the chain no longer holds the
//! rustls error (h2 keeps an I/O error's kind and message only): there, an `InvalidData` I/O error
//! whose message is exactly what rustls writes for an `AlertReceived` is that alert.

/// A transport failure: the flattened error chain, and the TLS alert the peer sent, if any.
#[derive(Clone, Debug)]
pub struct TransportFailure {
    pub text: String,
    /// The alert the bank sent (`CertificateRequired`, `HandshakeFailure`, …) when it refused the
    /// TLS handshake; `None` for every other failure.
    pub tls_alert: Option<String>,
}

impl TransportFailure {
    /// A failure that is not the peer's alert (a body too large, a request that cannot be built).
    pub fn other(text: String) -> Self {
        Self {
            text,
            tls_alert: None,
        }
    }

    /// reqwest's error chain, flattened ("error sending request: … : connection refused"), and
    /// the alert the peer sent when one is in the chain.
    pub fn of(e: &reqwest::Error) -> Self {
        let mut text = if e.is_timeout() {
            "timed out".to_string()
        } else if e.is_connect() {
            "could not connect".to_string()
        } else {
            e.to_string()
        };
        let mut tls_alert = None;
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            tls_alert = tls_alert.or_else(|| alert_in(s));
            source = s.source();
        }
        Self { text, tls_alert }
    }
}

/// The alert of a rustls `AlertReceived`, found directly or inside an `io::Error` (whose
/// `source()` skips the error it wraps, so it is looked into here).
fn alert_in(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let rustls_error = e.downcast_ref::<rustls::Error>().or_else(|| {
        e.downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    });
    match rustls_error {
        Some(rustls::Error::AlertReceived(alert)) => Some(format!("{alert:?}")),
        Some(_) => None,
        None => alert_passed_on_by_h2(e),
    }
}

/// The alert of an `AlertReceived` that h2 passed on as an I/O error of the same kind and message
/// (`received fatal alert: CertificateRequired`): the message must be exactly rustls's own
/// rendering of one of the alert descriptions.
fn alert_passed_on_by_h2(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let io = e.downcast_ref::<std::io::Error>()?;
    if io.kind() != std::io::ErrorKind::InvalidData {
        return None;
    }
    let message = io.get_ref()?.to_string();
    (0..=u8::MAX)
        .map(rustls::AlertDescription::from)
        .find(|alert| rustls::Error::AlertReceived(*alert).to_string() == message)
        .map(|alert| format!("{alert:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    #[test]
    fn an_alert_is_found_typed_or_as_h2_passes_it_on_and_nothing_else_is_an_alert() {
        let typed = Error::new(
            ErrorKind::InvalidData,
            rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired),
        );
        assert_eq!(alert_in(&typed).as_deref(), Some("CertificateRequired"));
        let h2 = Error::new(
            ErrorKind::InvalidData,
            "received fatal alert: CertificateRequired",
        );
        assert_eq!(alert_in(&h2).as_deref(), Some("CertificateRequired"));
        let other_kind = Error::new(
            ErrorKind::ConnectionReset,
            "received fatal alert: CertificateRequired",
        );
        assert_eq!(alert_in(&other_kind), None);
        let words = Error::new(ErrorKind::InvalidData, "the peer sent an alert, probably");
        assert_eq!(alert_in(&words), None);
        let refused = Error::new(ErrorKind::ConnectionRefused, "connection refused");
        assert_eq!(alert_in(&refused), None);
    }
}
