//! TLS for both sides: the test PKI minted at start, and the crypto provider both sides share.
//!
//! Only aws-lc-rs is linked (ring would make rustls panic on provider selection), and it is installed
//! once as the process default before any TLS object is built.

pub mod keypool;
pub mod pki;

use std::sync::Once;

/// Installs aws-lc-rs as rustls' process-wide provider. Safe to call any number of times.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Another part of the process may have installed the same provider first; that is fine.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}
