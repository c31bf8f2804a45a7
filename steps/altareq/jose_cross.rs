//! obconf's AlTareq JOSE checked by a second implementation: jsonwebtoken (aws-lc-rs) verifies the
//! PS256 request objects and client assertions, and aws-lc-rs alone (RSA-OAEP-256, AES-256-GCM)
//! decrypts the PII JWE, whose inner JWS jsonwebtoken verifies in turn.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::rsa::{OAEP_SHA256_MGF1SHA256, OaepPrivateDecryptingKey, PrivateDecryptingKey};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

use super::*;
use crate::auth::jose::RsaKeyPem;

const ISSUER: &str = "https://auth1.lfi.example";
const CLIENT: &str = "9b8d2a7e-1f4c-4b1e-9a51-3c7a0e2d4f60";

fn client() -> (RsaKeyPem, SigningKey) {
    let pem = RsaKeyPem::generate().expect("a key");
    let key = SigningKey::from_pem(&pem.private_pem, "client-kid").expect("loads");
    (pem, key)
}

/// jsonwebtoken's verdict on a PS256 token: its header and claims, or why not.
fn verify_independently(jws: &str, public_pem: &str, aud: &str) -> Result<(String, Value), String> {
    let key = DecodingKey::from_rsa_pem(public_pem.as_bytes()).map_err(|e| e.to_string())?;
    let mut v = Validation::new(Algorithm::PS256);
    v.set_audience(&[aud]);
    v.set_required_spec_claims(&["exp", "iss", "aud"]);
    let data = jsonwebtoken::decode::<Value>(jws, &key, &v).map_err(|e| e.to_string())?;
    Ok((data.header.kid.unwrap_or_default(), data.claims))
}

#[test]
fn request_objects_are_ps256_jwts_another_implementation_verifies() {
    let (pem, key) = client();
    let detail = json!({"type": "urn:openfinanceuae:account-access-consent:v2.1", "consent": {"ConsentId": "c-1"}});
    let ask = Authorisation {
        redirect_uri: "https://tpp.obconf.test/callback",
        scope: "accounts openid",
        state: "s-1",
        nonce: "n-1",
        code_challenge: "abc",
        detail: &detail,
    };
    let jws = key
        .sign(
            Alg::Ps256,
            None,
            &request_object_claims(CLIENT, ISSUER, &ask),
        )
        .unwrap();
    let (kid, claims) = verify_independently(&jws, &pem.public_pem, ISSUER).expect("verifies");
    assert_eq!(kid, "client-kid");
    assert_eq!(claims["iss"], CLIENT);
    assert_eq!(claims["client_id"], CLIENT);
    assert_eq!(claims["aud"], ISSUER, "one string, not an array");
    assert_eq!(claims["code_challenge_method"], "S256");
    assert_eq!(claims["authorization_details"].as_array().unwrap().len(), 1);
    let (exp, nbf) = (
        claims["exp"].as_i64().unwrap(),
        claims["nbf"].as_i64().unwrap(),
    );
    assert!(
        exp > now() && exp - nbf <= 600,
        "lifetime within the ten-minute cap"
    );
    // The independent verifier refuses a flipped signature and a foreign key.
    assert!(verify_independently(&flip_signature(&jws), &pem.public_pem, ISSUER).is_err());
    let other = RsaKeyPem::generate().unwrap();
    assert!(verify_independently(&jws, &other.public_pem, ISSUER).is_err());
}

#[test]
fn client_assertions_are_fresh_short_lived_and_verify_elsewhere() {
    let (pem, key) = client();
    let a = key
        .sign(Alg::Ps256, None, &assertion_claims(CLIENT, ISSUER))
        .unwrap();
    let b = key
        .sign(Alg::Ps256, None, &assertion_claims(CLIENT, ISSUER))
        .unwrap();
    let (_, ca) = verify_independently(&a, &pem.public_pem, ISSUER).expect("a verifies");
    let (_, cb) = verify_independently(&b, &pem.public_pem, ISSUER).expect("b verifies");
    assert_ne!(ca["jti"], cb["jti"], "a fresh jti for every assertion");
    assert_eq!(
        (ca["iss"].clone(), ca["sub"].clone()),
        (json!(CLIENT), json!(CLIENT))
    );
    assert!(ca["aud"].is_string());
    assert!(ca["exp"].as_i64().unwrap() - ca["iat"].as_i64().unwrap() <= 300);
    // RS256 is a different algorithm: a PS256 verifier refuses it.
    let rs = key
        .sign(Alg::Rs256, None, &assertion_claims(CLIENT, ISSUER))
        .unwrap();
    assert!(verify_independently(&rs, &pem.public_pem, ISSUER).is_err());
}

fn der_of(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).expect("PEM body")
}

/// Decrypts a compact JWE (RSA-OAEP-256, A256GCM) with aws-lc-rs alone.
fn decrypt_independently(jwe: &str, private_pem: &str) -> (Value, String) {
    let parts: Vec<&str> = jwe.split('.').collect();
    assert_eq!(parts.len(), 5, "a compact JWE has five parts");
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    let key = PrivateDecryptingKey::from_pkcs8(&der_of(private_pem)).expect("pkcs8");
    let key = OaepPrivateDecryptingKey::new(key).unwrap();
    let wrapped = URL_SAFE_NO_PAD.decode(parts[1]).unwrap();
    let mut cek = vec![0u8; key.min_output_size()];
    let cek = key
        .decrypt(&OAEP_SHA256_MGF1SHA256, &wrapped, &mut cek, None)
        .expect("the CEK unwraps with RSA-OAEP-256")
        .to_vec();
    let aead = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &cek).unwrap());
    let iv: [u8; 12] = URL_SAFE_NO_PAD
        .decode(parts[2])
        .unwrap()
        .try_into()
        .unwrap();
    let mut data = URL_SAFE_NO_PAD.decode(parts[3]).unwrap();
    data.extend(URL_SAFE_NO_PAD.decode(parts[4]).unwrap());
    let plain = aead
        .open_in_place(
            Nonce::assume_unique_for_key(iv),
            Aad::from(parts[0].as_bytes()),
            &mut data,
        )
        .expect("AES-256-GCM opens with the protected header as AAD");
    (header, String::from_utf8(plain.to_vec()).unwrap())
}

#[test]
fn pii_is_signed_then_encrypted_to_the_banks_enc_key_and_opens_elsewhere() {
    let (client_pem, key) = client();
    let bank = RsaKeyPem::generate().unwrap();
    let mut enc =
        josekit::jwk::alg::rsa::RsaKeyPair::from_pem(bank.private_pem.expose().as_bytes())
            .unwrap()
            .to_jwk_public_key();
    enc.set_key_id("bank-enc");
    enc.set_key_use("enc");
    enc.set_algorithm("RSA-OAEP-256");
    let signer = SigningKey::forged("jose cross bank", "bank-sig").unwrap();
    let jwks = json!({"keys": [signer.public_jwk(), Value::Object(enc.as_ref().clone())]});
    let keys = BankKeys::parse(&jwks.to_string()).unwrap();
    let pii = json!({"Initiation": {"CreditorAccount": {"SchemeName": "IBAN", "Identification": "AE651000010000109010109", "Name": {"en": "Rora Al Hashimi"}}}, "Risk": {}});
    let jwe = protect_pii(&pii, &key, CLIENT, ISSUER, &keys, PiiForm::Encrypted).unwrap();
    let (header, inner) = decrypt_independently(jwe.as_str().unwrap(), bank.private_pem.expose());
    assert_eq!(header["alg"], "RSA-OAEP-256");
    assert_eq!(header["enc"], "A256GCM");
    assert_eq!(header["kid"], "bank-enc");
    let (_, claims) = verify_independently(&inner, &client_pem.public_pem, ISSUER)
        .expect("the inner JWS is PS256 by the client");
    assert_eq!(claims["Initiation"], pii["Initiation"]);
    assert_eq!(
        (claims["iss"].clone(), claims["sub"].clone()),
        (json!(CLIENT), json!(CLIENT))
    );
    assert!(claims["jti"].is_string() && claims["iat"].is_i64());
    // The wrong forms the negative scenarios send are what they say.
    let plain = protect_pii(&pii, &key, CLIENT, ISSUER, &keys, PiiForm::PlainJson).unwrap();
    assert!(plain.is_object());
    let jws = protect_pii(&pii, &key, CLIENT, ISSUER, &keys, PiiForm::SignedOnly).unwrap();
    assert_eq!(jws.as_str().unwrap().split('.').count(), 3);
    let rsa15 = protect_pii(&pii, &key, CLIENT, ISSUER, &keys, PiiForm::Rsa15).unwrap();
    let h: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(rsa15.as_str().unwrap().split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(h["alg"], "RSA1_5");
    let other = protect_pii(&pii, &key, CLIENT, ISSUER, &keys, PiiForm::ToAnotherKey).unwrap();
    let h: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(other.as_str().unwrap().split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_ne!(h["kid"], "bank-enc");
}
