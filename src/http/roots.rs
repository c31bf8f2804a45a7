//! The system's trusted root certificates, read once per process.
//!
//! An outside bank is trusted through the system's roots plus the target's own CA, as reqwest's
//! platform verifier would do; but that verifier reads and parses every certificate under
//! `/etc/ssl` each time a client is built, which cost a run more than all its step matching. The
//! roots are read here once (`SSL_CERT_FILE` and `SSL_CERT_DIR` honoured, as before) and each
//! client is given them explicitly. This module only reads public certificates; it must never
//! widen trust: an embedded bank is never given these roots.

use std::sync::OnceLock;

/// The system's roots, as reqwest certificates (empty when none could be read: then only the
/// target's own CA is trusted, and a bank signed by a public CA fails its handshake, visibly).
pub fn system() -> &'static [reqwest::Certificate] {
    static ROOTS: OnceLock<Vec<reqwest::Certificate>> = OnceLock::new();
    ROOTS.get_or_init(|| {
        rustls_native_certs::load_native_certs()
            .certs
            .iter()
            .filter_map(|der| reqwest::Certificate::from_der(der.as_ref()).ok())
            .collect()
    })
}
