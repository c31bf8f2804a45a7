//! Request JWTs as the Salt Edge document asks for them: `Authorization: Bearer <JWT>`, RS256 with
//! the application's private key, payload `{"data": {…}, "exp": …}` with exp in the future.
//!
//! A [`Signer`] keeps the parsed key, and a JWT for the same key and `data` is reused while it has
//! more than half its life left (an RSA signature costs milliseconds in a debug build, and the
//! mutation matrix sends thousands of requests with the embedded bank's one key). Every JWT minted
//! is registered for redaction; this file must never print a key or a JWT.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use crate::auth::jose::RsaKeyPem;
use crate::target::Secret;
use crate::world::Failure;

/// How long a request JWT lives: its `exp` is this far in the future.
pub const JWT_LIFETIME_SECONDS: i64 = 60;
/// Cached JWTs beyond this many are dropped (distinct `data` payloads are few in a suite).
const CACHE_LIMIT: usize = 512;

/// JWTs minted, by (key fingerprint, data): reused across runs of one process.
type Cache = HashMap<(String, String), (String, i64)>;

static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Default::default);

/// Signs request JWTs with one application's private key.
pub struct Signer {
    key: EncodingKey,
    /// SHA-256 of the private key: tells keys apart in the cache without keeping the key there.
    fingerprint: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer([REDACTED])")
    }
}

impl Signer {
    /// A signer for an RSA private key in PEM (PKCS#1 or PKCS#8).
    pub fn from_pem(private_key: &Secret) -> Result<Self, jsonwebtoken::errors::Error> {
        Ok(Self {
            key: EncodingKey::from_rsa_pem(private_key.expose().as_bytes())?,
            fingerprint: format!("{:x}", Sha256::digest(private_key.expose().as_bytes())),
        })
    }

    /// A signer whose key cannot make an RS256 signature (an HMAC secret): how tests prove that a
    /// signing failure fails the step instead of sending the request unsigned.
    #[cfg(test)]
    pub(super) fn unusable() -> Self {
        Self {
            key: EncodingKey::from_secret(b"not an RSA key"),
            fingerprint: "unusable".into(),
        }
    }

    /// The JWT for a request whose parameters are `data`, valid for [`JWT_LIFETIME_SECONDS`].
    pub fn request_jwt(&self, data: &Value) -> Result<String, jsonwebtoken::errors::Error> {
        let now = chrono::Utc::now().timestamp();
        let key = (self.fingerprint.clone(), data.to_string());
        let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((jwt, exp)) = cache.get(&key)
            && exp - now > JWT_LIFETIME_SECONDS / 2
        {
            return Ok(jwt.clone());
        }
        let exp = now + JWT_LIFETIME_SECONDS;
        let jwt = self.jwt_with_exp(data, exp)?;
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, (jwt.clone(), exp));
        Ok(jwt)
    }

    /// A JWT carrying `data` with exactly this `exp` (a past one for negative scenarios).
    pub fn jwt_with_exp(
        &self,
        data: &Value,
        exp: i64,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = json!({ "data": data, "exp": exp });
        let jwt = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &self.key)?;
        crate::redact::register(&jwt);
        Ok(jwt)
    }
}

/// A signer whose key is not any application's: minted once per process, off the async threads.
pub async fn foreign_signer() -> Result<&'static Signer, Failure> {
    static FOREIGN: OnceCell<Result<Signer, String>> = OnceCell::const_new();
    FOREIGN
        .get_or_init(|| async {
            let minted = tokio::task::spawn_blocking(RsaKeyPem::generate)
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r.map_err(|e| e.to_string()))?;
            Signer::from_pem(&minted.private_pem).map_err(|e| e.to_string())
        })
        .await
        .as_ref()
        .map_err(|e| {
            Failure::new(format!(
                "cannot mint a key that is not the application's: {e}"
            ))
        })
}
