//! The bank served as the family serves it: over real mutual TLS ([`serve_mtls`]) on loopback, so
//! that the client certificate reaches the bank through the TLS handshake, not a test shortcut.
//! The server is stopped when the test ends; nothing leaves the machine.

use axum::http::StatusCode;

use super::tpp::{TPP_ID, pki};
use super::*;
use crate::sandbox::serve_mtls;
use crate::sandbox::stet::{RegisteredTpp, faults};

/// A reqwest client trusting the test CA, presenting `identity` (PEM certificate and key) if any.
fn client(identity: Option<&crate::tls::pki::Certified>) -> reqwest::Client {
    crate::tls::install_crypto_provider();
    let ca = reqwest::Certificate::from_pem(pki().ca.cert.cert_pem.as_bytes()).expect("CA PEM");
    let mut builder = reqwest::Client::builder()
        .add_root_certificate(ca)
        .redirect(reqwest::redirect::Policy::none());
    if let Some(certified) = identity {
        let pem = format!("{}{}", certified.cert_pem, certified.key_pem());
        builder = builder.identity(reqwest::Identity::from_pem(pem.as_bytes()).expect("identity"));
    }
    builder.build().expect("a client")
}

#[tokio::test]
async fn over_mutual_tls_the_qwac_of_the_connection_identifies_the_tpp() {
    let env = Env::registered();
    let pki = pki();
    let server = serve_mtls(
        "127.0.0.1:0".parse().expect("an address"),
        &pki.server,
        env.router.clone(),
        pki.ca.cert.cert_der.clone(),
    )
    .await
    .expect("the bank serves");
    let url = format!("{}{TOKEN_PATH}", server.base_url());
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", "cbpii"),
        ("client_id", TPP_ID),
    ];
    let with_qwac = client(Some(&pki.qwac))
        .post(&url)
        .form(&form)
        .send()
        .await
        .expect("an answer");
    assert_eq!(with_qwac.status(), StatusCode::OK);
    let without = client(None)
        .post(&url)
        .form(&form)
        .send()
        .await
        .expect("an answer");
    assert_eq!(without.status(), StatusCode::UNAUTHORIZED);
    let other = client(Some(&pki.other_qwac))
        .post(&url)
        .form(&form)
        .send()
        .await
        .expect("an answer");
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
    let fallback = client(Some(&pki.qwac))
        .post(&url)
        .header("fallback", "1")
        .form(&form)
        .send()
        .await
        .expect("an answer");
    assert_eq!(fallback.status(), StatusCode::FOUND);
    let location = fallback
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default();
    assert!(
        location.starts_with(&format!("{}/online-banking/login?", server.base_url())),
        "{location}"
    );
}

/// The bank of `seed` with the test TPP registered, and `faults`.
fn registered_variant(seed: Option<u64>, faults: FaultSet) -> Arc<StetBank> {
    StetBank::new_variant(
        faults,
        Clock::system(),
        Some(RegisteredTpp {
            client_id: TPP_ID.to_string(),
            qseal_cert_der: pki().qseal.cert_der.to_vec(),
            redirect_uri: "https://tpp.example/cb".to_string(),
        }),
        crate::sandbox::kit::Variant::of(seed),
    )
}

#[test]
fn a_variant_may_refuse_a_client_without_certificate_in_the_handshake_unless_a_fault_lets_it_through()
 {
    assert!(!registered_variant(None, FaultSet::none()).refuses_in_handshake());
    let readings: std::collections::BTreeSet<bool> = (1..=3)
        .map(|s| registered_variant(Some(s), FaultSet::none()).refuses_in_handshake())
        .collect();
    assert_eq!(
        readings.len(),
        2,
        "cargo test's seeds 1-3 draw both readings"
    );
    let lenient = FaultSet::parse(&[faults::CLIENT_CERT_NOT_REQUIRED.to_string()], FAULTS)
        .expect("the fault");
    assert!((1..=3).all(|s| !registered_variant(Some(s), lenient.clone()).refuses_in_handshake()));
}
