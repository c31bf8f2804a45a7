//! Who the TPP is: the client certificate (QWAC) of the connection and the client_id it claims.
//!
//! The server puts the connection's client certificates on every request ([`PeerCertificates`]);
//! the TPP's authorisation number is the certificate's organizationIdentifier (OID 2.5.4.97). The
//! token and revoke endpoints match the form's client_id against it and against the registered
//! TPP; the API only wants a certificate of the registered TPP. Without a registered TPP nothing is
//! enforced. This file must never look at tokens, and never trust a client_id the certificate does
//! not back.

use axum::http::Extensions;

use super::StetBank;
use super::faults::{CLIENT_CERT_NOT_REQUIRED, CLIENT_ID_NOT_MATCHED};
use crate::sandbox::PeerCertificates;
use crate::tls::pki::organization_identifier;

/// Why the bank does not recognise the client.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(super) enum ClientError {
    #[error("a client certificate (QWAC) is required: TPP and ASPSP authenticate each other")]
    NoCertificate,
    #[error("the client certificate carries no organizationIdentifier (OID 2.5.4.97)")]
    NoOrganizationIdentifier,
    #[error("client_id is required")]
    MissingClientId,
    #[error(
        "client_id {client_id:?} does not match the certificate's organizationIdentifier {certificate:?}"
    )]
    CertificateMismatch {
        client_id: String,
        certificate: String,
    },
    #[error("{0:?} is not a TPP registered with this ASPSP")]
    Unregistered(String),
}

/// The leaf client certificate of the request's connection, if any.
fn leaf_certificate(extensions: &Extensions) -> Option<&[u8]> {
    extensions
        .get::<PeerCertificates>()
        .and_then(|peer| peer.0.first())
        .map(|cert| cert.as_ref())
}

impl StetBank {
    /// The organizationIdentifier of the client certificate: `None` when no TPP is registered, or
    /// when there is no certificate and the `client-cert-not-required` fault lets that pass.
    pub(super) fn presented_client(
        &self,
        extensions: &Extensions,
    ) -> Result<Option<String>, ClientError> {
        if self.registration.is_none() {
            return Ok(None);
        }
        match leaf_certificate(extensions) {
            None if self.faults.has(CLIENT_CERT_NOT_REQUIRED) => Ok(None),
            None => Err(ClientError::NoCertificate),
            Some(der) => organization_identifier(der)
                .map(Some)
                .ok_or(ClientError::NoOrganizationIdentifier),
        }
    }

    /// The token and revoke endpoints: the form's client_id must be the certificate's
    /// organizationIdentifier and the registered TPP's (STET-OAUTH-04).
    pub(super) fn match_client_id(
        &self,
        certificate: Option<&str>,
        client_id: Option<&str>,
    ) -> Result<(), ClientError> {
        let Some(registration) = &self.registration else {
            return Ok(());
        };
        if self.faults.has(CLIENT_ID_NOT_MATCHED) {
            return Ok(());
        }
        let client_id = client_id
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .ok_or(ClientError::MissingClientId)?;
        if let Some(certificate) = certificate
            && certificate != client_id
        {
            return Err(ClientError::CertificateMismatch {
                client_id: client_id.to_string(),
                certificate: certificate.to_string(),
            });
        }
        if client_id != registration.tpp.client_id {
            return Err(ClientError::Unregistered(client_id.to_string()));
        }
        Ok(())
    }

    /// Every API request: a client certificate of the registered TPP.
    pub(super) fn check_api_client(&self, extensions: &Extensions) -> Result<(), ClientError> {
        let Some(registration) = &self.registration else {
            return Ok(());
        };
        match self.presented_client(extensions)? {
            Some(org) if org != registration.tpp.client_id => Err(ClientError::Unregistered(org)),
            _ => Ok(()),
        }
    }
}
