//! A throwaway PKI minted in memory at start: a CA and a server certificate for the embedded banks.
//!
//! Nothing here is written to disk unless a caller asks (the `sandbox` command writes the CA so that an
//! outside `obconf run` can trust it). Keys are ECDSA P-256: fast to generate, so minting costs
//! milliseconds per run. Private keys never appear in `Debug` output.

use std::fmt;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// OID 2.5.4.97, organizationIdentifier: where eIDAS certificates carry the PSD2 authorisation number.
pub const ORGANIZATION_IDENTIFIER: [u64; 4] = [2, 5, 4, 97];

/// The organizationIdentifier (2.5.4.97) of a DER certificate's subject, if it has one.
pub fn organization_identifier(cert_der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    cert.subject()
        .iter_attributes()
        .find(|a| a.attr_type().to_id_string() == "2.5.4.97")
        .and_then(|a| a.as_str().ok())
        .map(str::to_string)
}

/// The SubjectPublicKeyInfo (DER) of a DER certificate.
pub fn public_key_der(cert_der: &[u8]) -> Option<Vec<u8>> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    Some(cert.public_key().raw.to_vec())
}

/// The lowercase hex SHA-256 fingerprint of a DER certificate.
pub fn sha256_fingerprint(cert_der: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(cert_der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Why minting failed. Only a bug in the parameters can cause it.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("could not mint the test PKI: {0}")]
    Mint(#[from] rcgen::Error),
    #[error("could not mint the test PKI: {0}")]
    Key(#[from] super::keypool::KeyPoolError),
}

/// A certificate with its private key.
pub struct Certified {
    pub cert_pem: String,
    pub cert_der: CertificateDer<'static>,
    key_der: Vec<u8>,
    key_pem: String,
}

impl Certified {
    /// The private key, DER (PKCS#8), for rustls.
    pub fn key_der(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()))
    }

    /// The private key, PEM. Callers must treat it as a secret.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }
}

impl fmt::Debug for Certified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certified")
            .field("cert_pem", &self.cert_pem)
            .field("key", &"[REDACTED]")
            .finish()
    }
}

/// A certificate authority that can sign server and client certificates.
pub struct TestCa {
    pub cert: Certified,
    issuer: Issuer<'static, KeyPair>,
}

impl fmt::Debug for TestCa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestCa").field("cert", &self.cert).finish()
    }
}

impl TestCa {
    /// Mints a new CA named `name`.
    pub fn mint(name: &str) -> Result<Self, PkiError> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, name);
        dn.push(DnType::OrganizationName, "obconf test PKI");
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key)?;
        let certified = Certified {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            key_der: key.serialize_der(),
            key_pem: key.serialize_pem(),
        };
        Ok(Self {
            cert: certified,
            issuer: Issuer::new(params, key),
        })
    }

    /// A server certificate for `localhost`, `127.0.0.1` and `::1`.
    pub fn server_cert(&self) -> Result<Certified, PkiError> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(vec!["localhost".to_string()])?;
        params
            .subject_alt_names
            .push(SanType::IpAddress([127, 0, 0, 1].into()));
        params
            .subject_alt_names
            .push(SanType::IpAddress(std::net::Ipv6Addr::LOCALHOST.into()));
        params
            .distinguished_name
            .push(DnType::CommonName, "obconf embedded bank");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.sign(params, key)
    }

    /// A QWAC-like client certificate for mutual TLS: subject CN `name` and organizationIdentifier
    /// (OID 2.5.4.97) `org_id` (`PSDFR-ACPR-12345` form), client-auth usage.
    pub fn qwac(&self, name: &str, org_id: &str) -> Result<Certified, PkiError> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.distinguished_name.push(DnType::CommonName, name);
        params.distinguished_name.push(
            DnType::CustomDnType(ORGANIZATION_IDENTIFIER.to_vec()),
            org_id,
        );
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.sign(params, key)
    }

    /// A QSEAL-like certificate with an RSA 2048 key, for HTTP signatures (rsa-sha256).
    pub fn qseal(&self, name: &str, org_id: &str) -> Result<Certified, PkiError> {
        let key = KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256)?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.distinguished_name.push(DnType::CommonName, name);
        params.distinguished_name.push(
            DnType::CustomDnType(ORGANIZATION_IDENTIFIER.to_vec()),
            org_id,
        );
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ];
        self.sign(params, key)
    }

    /// A client certificate for mutual TLS in the trust-framework form: subject `C`, `O`, `OU`
    /// (organisation id), `CN` (client id), client-auth usage, no SAN.
    pub fn client_cert(
        &self,
        common_name: &str,
        org_unit: &str,
        org: &str,
        country: &str,
    ) -> Result<Certified, PkiError> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.distinguished_name.push(DnType::CountryName, country);
        params
            .distinguished_name
            .push(DnType::OrganizationName, org);
        params
            .distinguished_name
            .push(DnType::OrganizationalUnitName, org_unit);
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.sign(params, key)
    }

    /// An RSA 2048 certificate (subject `O`, `OU`, `CN`) for a JOSE key: JWS signing or JWE
    /// key encryption, published with its `x5c` chain. The key is the process's key of `slot`
    /// ([`super::keypool`]): banks started again in one process mint new certificates, not new keys.
    pub fn rsa_key_cert(
        &self,
        slot: &str,
        common_name: &str,
        org_unit: &str,
        org: &str,
    ) -> Result<Certified, PkiError> {
        let der = super::keypool::rsa_2048(slot)?;
        let key = KeyPair::from_pkcs8_der_and_sign_algo(
            &PrivatePkcs8KeyDer::from(der.as_slice()),
            &rcgen::PKCS_RSA_SHA256,
        )?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::OrganizationName, org);
        params
            .distinguished_name
            .push(DnType::OrganizationalUnitName, org_unit);
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        self.sign(params, key)
    }

    fn sign(&self, params: CertificateParams, key: KeyPair) -> Result<Certified, PkiError> {
        let cert = params.signed_by(&key, &self.issuer)?;
        crate::redact::register(&key.serialize_pem());
        Ok(Certified {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            key_der: key.serialize_der(),
            key_pem: key.serialize_pem(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qwac_carries_its_organization_identifier_and_a_qseal_an_rsa_key() {
        let ca = TestCa::mint("test CA").unwrap();
        let qwac = ca.qwac("Test TPP", "PSDFR-ACPR-12345").unwrap();
        assert_eq!(
            organization_identifier(&qwac.cert_der).as_deref(),
            Some("PSDFR-ACPR-12345")
        );
        let qseal = ca.qseal("Test TPP", "PSDFR-ACPR-12345").unwrap();
        assert!(public_key_der(&qseal.cert_der).is_some());
        assert_eq!(sha256_fingerprint(&qseal.cert_der).len(), 64);
        assert!(qseal.key_pem().contains("PRIVATE KEY"));
        assert!(crate::redact::redact(qseal.key_pem()).contains("[REDACTED]"));
    }
}
