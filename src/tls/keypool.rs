//! RSA keys minted once per process, by slot.
//!
//! A 2048-bit RSA key costs tens of milliseconds to generate, and a process that starts many banks
//! (the self-test's mutation matrix, the variants, the test suite) would otherwise spend most of its
//! time minting keys that play the same part in every bank. A slot is a part ("the bank's signing
//! key", "a forger's key"): the first caller of a slot mints its key, later callers get the same
//! one. Two slots never share a key, so a part that must differ from another (a forger's key
//! against the registered one) asks for its own slot.
//!
//! Keys are real, fresh for each process, and registered for redaction when minted. This module
//! hands keys only to its callers; it never writes one anywhere.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::{KeyPair, KeySize};

/// Why a key could not be minted (only a broken crypto library causes it).
#[derive(Debug, Clone, thiserror::Error)]
#[error("cannot generate an RSA key: {0}")]
pub struct KeyPoolError(String);

type Minted = Arc<OnceLock<Result<Arc<Vec<u8>>, KeyPoolError>>>;

static SLOTS: LazyLock<Mutex<HashMap<String, Minted>>> = LazyLock::new(Default::default);

/// The PKCS#8 DER of the RSA-2048 key of `slot`, minted on the slot's first use. Callers minting
/// several slots at once may do so from several threads: each slot is minted once.
pub fn rsa_2048(slot: &str) -> Result<Arc<Vec<u8>>, KeyPoolError> {
    let cell = {
        let mut slots = SLOTS.lock().unwrap_or_else(|p| p.into_inner());
        slots.entry(slot.to_string()).or_default().clone()
    };
    cell.get_or_init(mint).clone()
}

fn mint() -> Result<Arc<Vec<u8>>, KeyPoolError> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|e| KeyPoolError(e.to_string()))?;
    let der: Pkcs8V1Der<'static> = pair.as_der().map_err(|e| KeyPoolError(e.to_string()))?;
    let der = der.as_ref().to_vec();
    crate::redact::register(&crate::auth::jose::pem("PRIVATE KEY", &der));
    Ok(Arc::new(der))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_keeps_its_key_and_two_slots_never_share_one() {
        let a = rsa_2048("keypool-test-a").unwrap();
        let again = rsa_2048("keypool-test-a").unwrap();
        let b = rsa_2048("keypool-test-b").unwrap();
        assert_eq!(a, again);
        assert_ne!(a, b);
        assert!(KeyPair::from_pkcs8(&a).is_ok());
    }
}
