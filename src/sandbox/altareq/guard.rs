//! The resource server's gate (notes §14 "Resource server (every call)"): who the connection is
//! (the transport certificate's CN, a client of the trust-framework stub), and whether a bearer
//! token may be used for an operation: present in the header, known, unexpired, not revoked (else
//! 401), bound to the connection's certificate (`cnf.x5t#S256`, else 401), of the right grant and
//! scope (else 403 `AccessToken.InvalidScope`).
//!
//! Consent status, permissions and accounts are the handlers' checks, made after this gate. This
//! file must never accept a token from the query string or a certificate named in a header.

use std::sync::LazyLock;

use axum::http::{Extensions, HeaderMap, header};
use regex::Regex;

use super::keys::{Client, thumbprint};
use super::reply::Refusal;
use super::token::{AccessToken, Grant};
use super::{Bank, faults};
use crate::sandbox::PeerCertificates;

/// The leaf certificate (DER) of the request's connection.
pub(crate) fn connection_cert(extensions: &Extensions) -> Option<&[u8]> {
    extensions
        .get::<PeerCertificates>()
        .and_then(|peer| peer.0.first())
        .map(|cert| cert.as_ref())
}

/// The subject CN of a DER certificate.
pub(crate) fn common_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    cert.subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_string)
}

/// The registered client the connection's transport certificate names (CN = client id).
pub(crate) fn connection_client<'a>(bank: &'a Bank, extensions: &Extensions) -> Option<&'a Client> {
    let cn = common_name(connection_cert(extensions)?)?;
    bank.client(&cn)
}

/// `x5t#S256` of the connection's certificate, if any.
pub(crate) fn connection_thumbprint(extensions: &Extensions) -> Option<String> {
    connection_cert(extensions).map(thumbprint)
}

/// What an operation needs of its token.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Need {
    pub grant: Grant,
    pub scope: &'static str,
    /// A fault lets any grant and scope through.
    pub lenient: bool,
}

static AUTH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|UTC)$",
    )
    .expect("a valid pattern")
});

/// The token of a resource request, checked for `need`.
pub(crate) fn bearer(
    bank: &Bank,
    headers: &HeaderMap,
    extensions: &Extensions,
    need: Need,
) -> Result<AccessToken, Refusal> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_string())
        })
        .filter(|t| !t.is_empty())
        .ok_or(Refusal::Unauthorized)?;
    let token = bank
        .tokens
        .access(&presented)
        .filter(|t| !t.revoked && t.expires > bank.clock.now())
        .ok_or(Refusal::Unauthorized)?;
    let bound = match connection_thumbprint(extensions) {
        Some(thumb) => thumb == token.cnf || bank.faults.has(faults::IGNORE_CNF),
        None => bank.faults.has(faults::MTLS_OPTIONAL),
    };
    if !bound {
        return Err(Refusal::Unauthorized);
    }
    if let Some(date) = headers.get("x-fapi-auth-date")
        && !date.to_str().is_ok_and(|d| AUTH_DATE.is_match(d))
    {
        return Err(Refusal::bad_request(
            "Resource.InvalidFormat",
            "x-fapi-auth-date must be an RFC 7231 date such as `Sun, 10 Sep 2017 19:43:31 UTC`",
        ));
    }
    let fits = token.grant == need.grant && token.scopes.iter().any(|s| s == need.scope);
    if !fits && !need.lenient {
        return Err(Refusal::forbidden(
            "AccessToken.InvalidScope",
            format!(
                "this operation needs a {} token with scope {}",
                need.grant.describe(),
                need.scope
            ),
        ));
    }
    Ok(token)
}
