//! The TPP's JOSE for AlTareq: PS256 request objects and `private_key_jwt` client assertions,
//! PKCE S256, verification of the bank's signed answers against its JWKS (`use=sig`), and payment
//! PII signed (PS256) then encrypted as a compact JWE (RSA-OAEP-256 / A256GCM) to the bank's
//! `use=enc` key. Built on josekit (system OpenSSL); the tests cross-check it with jsonwebtoken and
//! aws-lc-rs.
//!
//! Compact serialisations are assembled here (header and payload as given, then signed) so that the
//! negative scenarios can send exactly the malformed token they describe: `alg: none`, RS256, a
//! flipped signature, a missing claim. The verifier never takes its algorithm from a token header:
//! it is PS256 by policy (notes §15-22). Every JWS and JWE made here is registered for redaction
//! as soon as it exists; this module must never print a key, a token or a claim set.

use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
#[allow(deprecated)] // RSA1_5 is sent only to prove the bank refuses it (ALT-PAY-03).
use josekit::jwe::{JweHeader, RSA_OAEP_256, RSA1_5};
use josekit::jwk::alg::rsa::RsaKeyPair;
use josekit::jwk::{Jwk, JwkSet, KeyPair as _};
use josekit::jws::alg::rsassa_pss::RsassaPssJwsSigner;
use josekit::jws::{JwsSigner, PS256, RS256};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::target::Secret;

/// Why a JOSE operation failed, in words a step can show.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct JoseFailure(pub String);

fn fail(what: &str, e: impl std::fmt::Display) -> JoseFailure {
    JoseFailure(format!("{what}: {e}"))
}

/// base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The seconds since the epoch, now.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// How a JWS is signed, for the scenarios that send a wrong one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    Ps256,
    Rs256,
    /// `alg: none`, an empty signature.
    None,
}

/// A TPP client's signing key: its kid and its RSA key pair.
#[derive(Clone)]
pub struct SigningKey {
    kid: String,
    jwk: Jwk,
    /// The PS256 signer, built once: reading the key and setting up its blinding cost more than a
    /// signature, and a run signs many times with one key.
    ps256: Arc<OnceLock<RsassaPssJwsSigner>>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("key", &crate::redact::MASK)
            .finish()
    }
}

impl SigningKey {
    /// The key in `pem` (PKCS#8 or PKCS#1), announced as `kid`.
    pub fn from_pem(pem: &Secret, kid: &str) -> Result<Self, JoseFailure> {
        let pair = RsaKeyPair::from_pem(pem.expose().as_bytes())
            .map_err(|e| fail("the signing key is not an RSA private key", e))?;
        Ok(Self::new(kid, pair.to_jwk_private_key()))
    }

    /// A key that no bank knows, announced as `kid`: a forger's key. Minted once per process for
    /// `slot` ([`crate::tls::keypool`]), so a suite run against many banks mints it once.
    pub fn forged(slot: &str, kid: &str) -> Result<Self, JoseFailure> {
        let der =
            crate::tls::keypool::rsa_2048(slot).map_err(|e| fail("cannot generate a key", e))?;
        let pair = RsaKeyPair::from_der(der.as_slice())
            .map_err(|e| fail("cannot read a generated key", e))?;
        Ok(Self::new(kid, pair.to_jwk_private_key()))
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half, as a JWK (`use=sig`, with the kid).
    pub fn public_jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "n": self.jwk.parameter("n").cloned().unwrap_or(Value::Null),
            "e": self.jwk.parameter("e").cloned().unwrap_or(Value::Null),
        })
    }

    fn new(kid: &str, jwk: Jwk) -> Self {
        Self {
            kid: kid.to_string(),
            jwk,
            ps256: Arc::default(),
        }
    }

    fn signer(&self, alg: Alg) -> Result<Option<Box<dyn JwsSigner>>, JoseFailure> {
        Ok(match alg {
            Alg::Ps256 => {
                let signer = match self.ps256.get() {
                    Some(signer) => signer.clone(),
                    None => {
                        let signer = PS256
                            .signer_from_jwk(&self.jwk)
                            .map_err(|e| fail("cannot sign PS256", e))?;
                        self.ps256.get_or_init(|| signer).clone()
                    }
                };
                Some(Box::new(signer))
            }
            Alg::Rs256 => Some(Box::new(
                RS256
                    .signer_from_jwk(&self.jwk)
                    .map_err(|e| fail("cannot sign RS256", e))?,
            )),
            Alg::None => None,
        })
    }

    /// A compact JWS of `claims` with header `{alg, kid, typ?}`, registered for redaction.
    pub fn sign(&self, alg: Alg, typ: Option<&str>, claims: &Value) -> Result<String, JoseFailure> {
        let mut header = json!({
            "alg": match alg { Alg::Ps256 => "PS256", Alg::Rs256 => "RS256", Alg::None => "none" },
        });
        if alg != Alg::None {
            header["kid"] = Value::from(self.kid.clone());
        }
        if let Some(typ) = typ {
            header["typ"] = Value::from(typ);
        }
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let signature = match self.signer(alg)? {
            Some(signer) => signer
                .sign(input.as_bytes())
                .map_err(|e| fail("cannot sign", e))?,
            None => Vec::new(),
        };
        let jws = format!("{input}.{}", b64(&signature));
        crate::redact::register(&jws);
        Ok(jws)
    }
}

/// The same compact JWS with one bit of its signature flipped: a signature that does not verify.
pub fn flip_signature(jws: &str) -> String {
    let Some((input, signature)) = jws.rsplit_once('.') else {
        return jws.to_string();
    };
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap_or_default();
    if let Some(b) = bytes.first_mut() {
        *b ^= 0x01;
    }
    let out = format!("{input}.{}", b64(&bytes));
    crate::redact::register(&out);
    out
}

/// A fresh `jti`.
pub fn jti() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The claims of a `private_key_jwt` client assertion (RFC 7523, notes §3.5): `iss` = `sub` =
/// the client, `aud` = the issuer as one string, a fresh `jti`, and `exp` four minutes after
/// `iat` (the documents cap the lifetime at five).
pub fn assertion_claims(client_id: &str, issuer: &str) -> Value {
    let now = now();
    json!({
        "iss": client_id,
        "sub": client_id,
        "aud": issuer,
        "jti": jti(),
        "iat": now,
        "nbf": now - 10,
        "exp": now + 240,
    })
}

/// What a request object asks for, besides who asks (notes §3.2).
#[derive(Clone, Debug)]
pub struct Authorisation<'a> {
    pub redirect_uri: &'a str,
    pub scope: &'a str,
    pub state: &'a str,
    pub nonce: &'a str,
    pub code_challenge: &'a str,
    /// The one RAR entry (`{type, consent}`).
    pub detail: &'a Value,
}

/// The claims of a PAR request object: `iss` = `client_id` = the client, `aud` = the issuer as
/// one string, `nbf` ten seconds ago, `exp` five minutes ahead (within the ten-minute cap),
/// `response_type=code`, PKCE S256 and exactly one `authorization_details` entry.
pub fn request_object_claims(client_id: &str, issuer: &str, ask: &Authorisation<'_>) -> Value {
    let now = now();
    json!({
        "iss": client_id,
        "aud": issuer,
        "client_id": client_id,
        "iat": now,
        "nbf": now - 10,
        "exp": now + 300,
        "jti": jti(),
        "response_type": "code",
        "redirect_uri": ask.redirect_uri,
        "scope": ask.scope,
        "state": ask.state,
        "nonce": ask.nonce,
        "code_challenge": ask.code_challenge,
        "code_challenge_method": "S256",
        "max_age": 3600,
        "authorization_details": [ask.detail],
    })
}

/// PKCE: a verifier (43 characters of base64url over 32 random bytes) and its S256 challenge.
#[derive(Clone)]
pub struct Pkce {
    pub verifier: Secret,
    pub challenge: String,
}

impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkce")
            .field("challenge", &self.challenge)
            .finish()
    }
}

impl Pkce {
    pub fn fresh() -> Self {
        let bytes: [u8; 32] = rand::random();
        let verifier = b64(&bytes);
        let challenge = challenge_of(&verifier);
        Self {
            verifier: Secret::new(verifier),
            challenge,
        }
    }
}

/// `BASE64URL(SHA-256(verifier))` (RFC 7636 §4.2).
pub fn challenge_of(verifier: &str) -> String {
    b64(&Sha256::digest(verifier.as_bytes()))
}

/// The bank's keys, from its `jwks_uri`.
#[derive(Clone, Debug)]
pub struct BankKeys {
    set: JwkSet,
}

impl BankKeys {
    pub fn parse(body: &str) -> Result<Self, JoseFailure> {
        JwkSet::from_bytes(body.as_bytes())
            .map(|set| Self { set })
            .map_err(|e| fail("the bank's JWKS is not a JWK set", e))
    }

    /// The RSA keys the bank signs with (`use=sig`, or no `use`).
    pub fn signing_keys(&self) -> Vec<&Jwk> {
        self.set
            .keys()
            .into_iter()
            .filter(|k| k.key_type() == "RSA" && k.key_use().is_none_or(|u| u == "sig"))
            .collect()
    }

    /// The key the bank wants PII encrypted to (`use=enc`, RSA).
    pub fn encryption_key(&self) -> Option<&Jwk> {
        self.set
            .keys()
            .into_iter()
            .find(|k| k.key_type() == "RSA" && k.key_use() == Some("enc"))
    }

    /// Verifies a compact JWS the bank signed and gives its claims. The algorithm is PS256 by
    /// policy; the key is the `use=sig` key named by the header's `kid`.
    pub fn verify(&self, jws: &str) -> Result<Value, JoseFailure> {
        let parts: Vec<&str> = jws.trim().split('.').collect();
        let [header, payload, signature] = parts[..] else {
            return Err(JoseFailure(format!(
                "not a compact JWS ({} parts, expected 3)",
                parts.len()
            )));
        };
        let header: Value = decode_json(header).map_err(|e| fail("the JWS header", e))?;
        let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
        if alg != "PS256" {
            return Err(JoseFailure(format!(
                "the JWS is signed with `{alg}`; FAPI 2.0 allows PS256 only"
            )));
        }
        let kid = header.get("kid").and_then(Value::as_str).ok_or_else(|| {
            JoseFailure(
                "the JWS header names no kid: it cannot be matched to the bank's JWKS".into(),
            )
        })?;
        let key = self
            .signing_keys()
            .into_iter()
            .find(|k| k.key_id() == Some(kid))
            .ok_or_else(|| {
                JoseFailure(format!(
                    "kid `{kid}` is not a signing key (use=sig) of the bank's JWKS"
                ))
            })?;
        let verifier = PS256
            .verifier_from_jwk(key)
            .map_err(|e| fail("the bank's signing key is not a PS256 key", e))?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|e| fail("the JWS signature is not base64url", e))?;
        let input = &jws.trim()[..jws.trim().rfind('.').unwrap_or(0)];
        verifier
            .verify(input.as_bytes(), &signature)
            .map_err(|_| JoseFailure(format!("the signature does not verify with key `{kid}`")))?;
        decode_json(payload).map_err(|e| fail("the JWS payload", e))
    }
}

fn decode_json(segment: &str) -> Result<Value, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(segment.trim_end_matches('='))
        .map_err(|e| format!("not base64url: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("not JSON: {e}"))
}

/// How the PII goes to the bank, for the scenarios that send it wrong (ALT-PAY-03).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PiiForm {
    /// Signed (PS256) then encrypted to the bank's `use=enc` key (RSA-OAEP-256 / A256GCM).
    Encrypted,
    /// The plain JSON object, not a JWE.
    PlainJson,
    /// The signed JWS, not encrypted.
    SignedOnly,
    /// Encrypted to a key that is not the bank's.
    ToAnotherKey,
    /// Encrypted to the bank's key with `alg: RSA1_5`.
    Rsa15,
}

/// Signs `pii` (its `Initiation` and `Risk` at the top level, with `iss` = `sub` = client, `aud`
/// = the issuer, `iat`, `exp`, `jti`) and encrypts it as the form asks. Returns the JSON value the
/// payload carries: a string (JWE or JWS), or the object itself.
pub fn protect_pii(
    pii: &Value,
    key: &SigningKey,
    client_id: &str,
    issuer: &str,
    bank: &BankKeys,
    form: PiiForm,
) -> Result<Value, JoseFailure> {
    if form == PiiForm::PlainJson {
        return Ok(pii.clone());
    }
    let now = now();
    let mut claims = json!({
        "iss": client_id, "sub": client_id, "aud": issuer,
        "iat": now, "exp": now + 300, "jti": jti(),
    });
    if let (Some(c), Some(p)) = (claims.as_object_mut(), pii.as_object()) {
        c.extend(p.clone());
    }
    let jws = key.sign(Alg::Ps256, None, &claims)?;
    if form == PiiForm::SignedOnly {
        return Ok(Value::from(jws));
    }
    let jwe = match form {
        PiiForm::ToAnotherKey => {
            let other = crate::tls::keypool::rsa_2048("altareq PII to another key")
                .map_err(|e| fail("cannot generate a key", e))
                .and_then(|der| {
                    RsaKeyPair::from_der(der.as_slice())
                        .map_err(|e| fail("cannot read a generated key", e))
                })?;
            let mut jwk = other.to_jwk_public_key();
            jwk.set_key_id(format!("not-the-banks-{}", jti()));
            encrypt(&jws, &jwk, false)?
        }
        _ => {
            let to = bank.encryption_key().ok_or_else(|| {
                JoseFailure("the bank's JWKS has no use=enc RSA key to encrypt the PII to".into())
            })?;
            encrypt(&jws, to, form == PiiForm::Rsa15)?
        }
    };
    crate::redact::register(&jwe);
    Ok(Value::from(jwe))
}

/// A compact JWE of `plaintext` to `to` (RSA-OAEP-256, or RSA1_5 when asked), A256GCM, `cty: JWT`.
pub fn encrypt(plaintext: &str, to: &Jwk, rsa1_5: bool) -> Result<String, JoseFailure> {
    let mut header = JweHeader::new();
    header.set_content_encryption("A256GCM");
    header.set_content_type("JWT");
    if let Some(kid) = to.key_id() {
        header.set_key_id(kid);
    }
    // josekit refuses a `use=enc` key whose `alg` names another algorithm: encrypt to its bare
    // modulus and exponent, which is what a bank's JWK is.
    let bare = Jwk::from_map(
        [
            ("kty".to_string(), Value::from("RSA")),
            (
                "n".to_string(),
                to.parameter("n").cloned().unwrap_or(Value::Null),
            ),
            (
                "e".to_string(),
                to.parameter("e").cloned().unwrap_or(Value::Null),
            ),
        ]
        .into_iter()
        .collect::<serde_json::Map<_, _>>(),
    )
    .map_err(|e| fail("the encryption key is not an RSA JWK", e))?;
    let out = if rsa1_5 {
        #[allow(deprecated)]
        let encrypter = RSA1_5
            .encrypter_from_jwk(&bare)
            .map_err(|e| fail("cannot encrypt RSA1_5", e))?;
        josekit::jwe::serialize_compact(plaintext.as_bytes(), &header, &encrypter)
    } else {
        let encrypter = RSA_OAEP_256
            .encrypter_from_jwk(&bare)
            .map_err(|e| fail("cannot encrypt RSA-OAEP-256", e))?;
        josekit::jwe::serialize_compact(plaintext.as_bytes(), &header, &encrypter)
    };
    out.map_err(|e| fail("cannot encrypt", e))
}

#[cfg(test)]
#[path = "jose_cross.rs"]
mod cross;

#[cfg(test)]
#[path = "jose_tests.rs"]
mod tests;
