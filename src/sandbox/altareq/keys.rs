//! The keys minted at start: the bank's server certificate, its `use=sig` (PS256) and `use=enc`
//! (RSA-OAEP-256) keys with their certificates, and the trust-framework stub's two registered TPP
//! clients (transport certificate CN = client id, an RSA signing key).
//!
//! A `kid` is the base64url SHA-256 of the key's certificate (its `x5t#S256`), as the trust
//! framework's keystore names keys. Private keys live only in memory and in [`ClientKit`] (which the
//! TPP side must treat as secrets); nothing here prints one.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use josekit::jwe::RSA_OAEP_256;
use josekit::jwe::alg::rsaes::RsaesJweDecrypter;
use josekit::jwk::Jwk;
use josekit::jwk::KeyPair as _;
use josekit::jwk::alg::rsa::RsaKeyPair;
use josekit::jws::PS256;
use josekit::jws::alg::rsassa_pss::RsassaPssJwsSigner;
use serde_json::{Value, json};
use sha2::Digest as _;

use crate::family::EmbeddedError;
use crate::tls::pki::{Certified, TestCa};

/// The organisation name in every TPP certificate of the stub.
const TPP_ORG: &str = "obconf TPP";

/// One registered TPP client, as the trust-framework stub knows it and as the TPP must hold it.
#[derive(Clone)]
pub struct ClientKit {
    /// A UUID; also the CN of both certificates.
    pub client_id: String,
    /// PKCS#8 RSA-2048 private key (PEM).
    pub signing_key_pem: String,
    pub signing_kid: String,
    /// Client certificate (CN = client_id), chains to the trust-framework CA.
    pub transport_cert_pem: String,
    pub transport_key_pem: String,
}

impl fmt::Debug for ClientKit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientKit")
            .field("client_id", &self.client_id)
            .field("signing_kid", &self.signing_kid)
            .field("keys", &"[REDACTED]")
            .finish()
    }
}

/// What the trust-framework stub holds about one client.
#[derive(Clone, Debug)]
pub(crate) struct Client {
    pub client_id: String,
    pub org_id: String,
    pub software_statement_id: String,
    pub signing_kid: String,
    /// The public signing key, as its JWKS publishes it.
    pub signing_jwk: Jwk,
    pub redirect_uris: Vec<String>,
}

/// The bank's own JOSE keys.
pub(crate) struct BankKeys {
    pub sig_kid: String,
    pub enc_kid: String,
    pub enc_private: Jwk,
    /// The JWKS document: the `use=sig` key first, then the `use=enc` key.
    pub jwks: Value,
    /// The `use=sig` key as a PS256 signer and the `use=enc` key as an RSA-OAEP-256 decrypter,
    /// built once: reading a key costs more than using it.
    pub signer: RsassaPssJwsSigner,
    pub decrypter: RsaesJweDecrypter,
}

/// Everything minted at start.
pub(crate) struct Minted {
    pub server: Certified,
    pub bank: BankKeys,
    pub clients: Vec<Client>,
    pub kits: Vec<ClientKit>,
}

/// `x5t#S256` of a DER certificate: base64url SHA-256, no padding.
pub(crate) fn thumbprint(der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(der))
}

fn family(reason: impl fmt::Display) -> EmbeddedError {
    EmbeddedError::Family {
        family: "altareq",
        reason: reason.to_string(),
    }
}

/// An RSA key pair from a certificate's PKCS#8 PEM, as a JWK carrying `kid`, `use` and `alg`.
fn jwk_of(
    certified: &Certified,
    use_: &str,
    alg: &str,
) -> Result<(Jwk, Jwk, String), EmbeddedError> {
    let pair = RsaKeyPair::from_pem(certified.key_pem()).map_err(family)?;
    let kid = thumbprint(&certified.cert_der);
    let decorate = |mut jwk: Jwk| {
        jwk.set_key_id(&kid);
        jwk.set_key_use(use_);
        jwk.set_algorithm(alg);
        jwk
    };
    Ok((
        decorate(pair.to_jwk_private_key()),
        decorate(pair.to_jwk_public_key()),
        kid,
    ))
}

/// A public JWK as the JWKS publishes it: with `x5c` and `x5t#S256`.
fn published(public: &Jwk, certified: &Certified) -> Value {
    let mut key: Value = serde_json::from_str(&public.to_string()).unwrap_or(Value::Null);
    key["x5c"] = json!([STANDARD.encode(&certified.cert_der)]);
    key["x5t#S256"] = json!(thumbprint(&certified.cert_der));
    key
}

/// Mints the bank's server certificate and keys and the two registered clients.
pub(crate) fn mint(ca: &TestCa) -> Result<Minted, EmbeddedError> {
    let server = ca.server_cert()?;
    let org_id = uuid::Uuid::new_v4().to_string();
    let client_ids = [
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
    ];
    // The four RSA keys are most of a first start's time: minted side by side, once per process
    // (a bank started again gets new certificates, kids and client ids around the same keys).
    let [sig_cert, enc_cert, signing1, signing2] = std::thread::scope(|scope| {
        let subjects = [
            (
                "altareq bank sig",
                "obconf model bank signing",
                "model-bank",
                "obconf LFI",
            ),
            (
                "altareq bank enc",
                "obconf model bank encryption",
                "model-bank",
                "obconf LFI",
            ),
            (
                "altareq client 1",
                client_ids[0].as_str(),
                org_id.as_str(),
                TPP_ORG,
            ),
            (
                "altareq client 2",
                client_ids[1].as_str(),
                org_id.as_str(),
                TPP_ORG,
            ),
        ];
        subjects
            .map(|(slot, cn, ou, o)| scope.spawn(move || ca.rsa_key_cert(slot, cn, ou, o)))
            .map(|minting| {
                minting
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
    });
    let (sig_cert, enc_cert) = (sig_cert?, enc_cert?);
    let mut signing_certs = [signing1?, signing2?].into_iter();
    let (sig_private, sig_public, sig_kid) = jwk_of(&sig_cert, "sig", "PS256")?;
    let (enc_private, enc_public, enc_kid) = jwk_of(&enc_cert, "enc", "RSA-OAEP-256")?;
    let jwks =
        json!({"keys": [published(&sig_public, &sig_cert), published(&enc_public, &enc_cert)]});
    let mut clients = Vec::new();
    let mut kits = Vec::new();
    for client_id in client_ids {
        let transport = ca.client_cert(&client_id, &org_id, TPP_ORG, "AE")?;
        let Some(signing) = signing_certs.next() else {
            break;
        };
        let (_, signing_jwk, signing_kid) = jwk_of(&signing, "sig", "PS256")?;
        clients.push(Client {
            client_id: client_id.clone(),
            org_id: org_id.clone(),
            software_statement_id: uuid::Uuid::new_v4().to_string(),
            signing_kid: signing_kid.clone(),
            signing_jwk,
            redirect_uris: vec![super::REDIRECT_URI.to_string()],
        });
        kits.push(ClientKit {
            client_id,
            signing_key_pem: signing.key_pem().to_string(),
            signing_kid,
            transport_cert_pem: transport.cert_pem.clone(),
            transport_key_pem: transport.key_pem().to_string(),
        });
    }
    Ok(Minted {
        server,
        bank: BankKeys {
            signer: PS256.signer_from_jwk(&sig_private).map_err(family)?,
            decrypter: RSA_OAEP_256
                .decrypter_from_jwk(&enc_private)
                .map_err(family)?,
            sig_kid,
            enc_kid,
            enc_private,
            jwks,
        },
        clients,
        kits,
    })
}
