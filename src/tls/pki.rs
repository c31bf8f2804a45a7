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

/// Why minting failed. Only a bug in the parameters can cause it.
#[derive(Debug, thiserror::Error)]
#[error("could not mint the test PKI: {0}")]
pub struct PkiError(#[from] rcgen::Error);

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

    fn sign(&self, params: CertificateParams, key: KeyPair) -> Result<Certified, PkiError> {
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(Certified {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            key_der: key.serialize_der(),
            key_pem: key.serialize_pem(),
        })
    }
}
