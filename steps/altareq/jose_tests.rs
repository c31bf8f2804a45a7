//! Unit tests of the TPP's JOSE: PKCE S256, and a bank's signed answer that verifies only with its own key and PS256.

use super::*;

#[test]
fn pkce_challenge_is_base64url_sha256_of_the_verifier() {
    // Computed with `openssl dgst -sha256 -binary | base64`, made URL-safe and unpadded.
    assert_eq!(
        challenge_of("obconf-pkce-test-verifier-0123456789abcdefghij"),
        "op0PAj6DxdBO4BH1NLRcIOYZ1-a7-9JaiHxrbZm2fjU"
    );
    let p = Pkce::fresh();
    assert_eq!(p.verifier.expose().len(), 43);
    assert_eq!(p.challenge, challenge_of(p.verifier.expose()));
    assert!(!format!("{p:?}").contains(p.verifier.expose()));
}

#[test]
fn a_bank_answer_verifies_only_with_its_own_key_and_ps256() {
    let bank = SigningKey::forged("jose test bank", "bank-sig").unwrap();
    let jwks = json!({"keys": [bank.public_jwk()]}).to_string();
    let keys = BankKeys::parse(&jwks).unwrap();
    let jws = bank
        .sign(Alg::Ps256, None, &json!({"message": {"Data": {}}}))
        .unwrap();
    assert_eq!(keys.verify(&jws).unwrap()["message"], json!({"Data": {}}));
    let flipped = flip_signature(&jws);
    assert!(
        keys.verify(&flipped)
            .unwrap_err()
            .0
            .contains("does not verify")
    );
    let rs = bank.sign(Alg::Rs256, None, &json!({})).unwrap();
    assert!(keys.verify(&rs).unwrap_err().0.contains("PS256 only"));
    let none = bank.sign(Alg::None, None, &json!({})).unwrap();
    assert!(keys.verify(&none).is_err());
    let forger = SigningKey::forged("jose test forger", "bank-sig").unwrap();
    let forged = forger.sign(Alg::Ps256, None, &json!({})).unwrap();
    assert!(keys.verify(&forged).is_err());
    assert!(keys.verify("a.b").is_err());
}
