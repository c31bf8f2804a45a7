//! Payment PII (notes §7.3): a nested JWT, the TPP's PS256 JWS encrypted as a compact JWE
//! (`RSA-OAEP-256` / `A256GCM`, `kid` = the bank's `use=enc` key). Opened in order: a string of
//! five parts (`JWE.InvalidHeader`; a plain object is `Body.InvalidFormat`), the JWE header
//! (`JWE.InvalidHeader`), decryption (`JWE.DecryptionError`), the inner JWS by the same TPP
//! (`JWS.Malformed`, `JWS.InvalidHeader`, `JWS.InvalidSignature`, `JWS.InvalidClaim`), then the
//! PII's shape: creditor accounts with `SchemeName: IBAN`, a valid UAE IBAN and a name.
//!
//! The bank never decrypts with an algorithm the header picks (only under `accept-any-jwe-alg`).
//! Decrypted PII never leaves this process except back to the TPP that sent it.

use josekit::jwe::RSA_OAEP;
#[allow(deprecated)] // RSA1_5 is only ever tried under the `accept-any-jwe-alg` fault
use josekit::jwe::RSA1_5;
use serde_json::{Map, Value};

use super::reply::Refusal;
use super::{Bank, faults, iban, jose};

fn bad(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal::bad_request(code, message)
}

/// The PII claims (`Initiation`, `Risk`, ...) of `value`, sent by `client_id`.
fn open(bank: &Bank, client_id: &str, value: &Value) -> Result<Map<String, Value>, Refusal> {
    let token = match value {
        Value::String(token) => token,
        Value::Object(plain) if bank.faults.has(faults::ACCEPT_PLAIN_PII) => {
            return Ok(plain.clone());
        }
        _ => {
            return Err(bad(
                "Body.InvalidFormat",
                "PersonalIdentifiableInformation must be a compact JWE (AEJWEPaymentPII), not a JSON object",
            ));
        }
    };
    let inner = match jose::parts(token) {
        5 => decrypt(bank, token)?,
        3 if bank.faults.has(faults::ACCEPT_UNENCRYPTED_JWS_PII) => token.clone(),
        _ => {
            return Err(bad(
                "JWE.InvalidHeader",
                "PersonalIdentifiableInformation is not a compact JWE (five parts)",
            ));
        }
    };
    let jws = jose::split(&inner)
        .map_err(|e| bad("JWS.Malformed", format!("the PII's inner JWS: {e}")))?;
    let client = bank
        .client(client_id)
        .ok_or_else(|| bad("JWS.InvalidClaim", "unknown client"))?;
    if jws.alg() != Some("PS256") || jws.kid() != Some(client.signing_kid.as_str()) {
        return Err(bad(
            "JWS.InvalidHeader",
            "the PII's inner JWS must be PS256 with the TPP's signing kid",
        ));
    }
    if !jose::verify_ps256(&jws.raw, &client.signing_jwk) {
        return Err(bad(
            "JWS.InvalidSignature",
            "the PII's inner JWS does not verify with the TPP's key",
        ));
    }
    if jws.text("iss") != Some(client_id) {
        return Err(bad(
            "JWS.InvalidClaim",
            "the PII's iss must be the client_id",
        ));
    }
    if let Some(exp) = jws.number("exp")
        && exp <= bank.clock.now().timestamp()
    {
        return Err(bad("JWS.InvalidClaim", "the PII's JWS has expired"));
    }
    Ok(jws.claims)
}

/// RSA1_5 is named here only for the `accept-any-jwe-alg` fault: a bank that lets the header pick.
#[allow(deprecated)]
fn decrypt(bank: &Bank, token: &str) -> Result<String, Refusal> {
    let header = jose::jwe_header(token)
        .ok_or_else(|| bad("JWE.InvalidHeader", "the JWE header is not JSON"))?;
    let text = |name: &str| header.get(name).and_then(Value::as_str).unwrap_or_default();
    let lenient = bank.faults.has(faults::ACCEPT_ANY_JWE_ALG);
    if !lenient
        && (text("alg") != "RSA-OAEP-256"
            || text("enc") != "A256GCM"
            || text("kid") != bank.keys.enc_kid)
    {
        return Err(bad(
            "JWE.InvalidHeader",
            "the PII JWE must be alg RSA-OAEP-256, enc A256GCM, kid = the bank's use=enc key",
        ));
    }
    let plain = if lenient {
        let mut key = bank.keys.enc_private.clone();
        key.set_algorithm(text("alg"));
        let opened = match text("alg") {
            "RSA1_5" => RSA1_5
                .decrypter_from_jwk(&key)
                .ok()
                .and_then(|d| josekit::jwe::deserialize_compact(token, &d).ok()),
            "RSA-OAEP" => RSA_OAEP
                .decrypter_from_jwk(&key)
                .ok()
                .and_then(|d| josekit::jwe::deserialize_compact(token, &d).ok()),
            _ => josekit::jwe::deserialize_compact(token, &bank.keys.decrypter).ok(),
        };
        opened.map(|(payload, _)| payload)
    } else {
        jose::decrypt(bank, token)
    };
    let plain = plain.ok_or_else(|| {
        bad(
            "JWE.DecryptionError",
            "the PII JWE does not decrypt with the bank's use=enc key",
        )
    })?;
    String::from_utf8(plain).map_err(|_| bad("JWS.Malformed", "the decrypted PII is not text"))
}

/// A creditor account `{SchemeName: IBAN, Identification: <UAE IBAN>, Name: {en|ar}}`.
fn check_account(account: &Value, path: &str) -> Result<(), Refusal> {
    if account["SchemeName"] != "IBAN" {
        return Err(bad(
            "Body.InvalidFormat",
            format!("{path}.SchemeName must be IBAN"),
        ));
    }
    if !account["Identification"]
        .as_str()
        .is_some_and(iban::is_valid_uae)
    {
        return Err(bad(
            "Body.InvalidFormat",
            format!("{path}.Identification must be a valid UAE IBAN"),
        ));
    }
    if account["Name"]["en"]
        .as_str()
        .or(account["Name"]["ar"].as_str())
        .is_none()
    {
        return Err(bad(
            "Body.InvalidFormat",
            format!("{path}.Name.en or .ar is required"),
        ));
    }
    Ok(())
}

/// The consent's PII (PAR form: `Initiation.Creditor[1..10]`), opened and validated at authorisation.
pub(crate) fn open_consent_pii(bank: &Bank, client_id: &str, jwe: &str) -> Result<Value, Refusal> {
    let claims = open(bank, client_id, &Value::String(jwe.to_string()))?;
    if let Some(creditors) = claims.get("Initiation").and_then(|i| i.get("Creditor")) {
        let list = creditors
            .as_array()
            .filter(|l| (1..=10).contains(&l.len()))
            .ok_or_else(|| {
                bad(
                    "Body.InvalidFormat",
                    "Initiation.Creditor holds 1 to 10 creditors",
                )
            })?;
        for (i, creditor) in list.iter().enumerate() {
            check_account(
                &creditor["CreditorAccount"],
                &format!("Initiation.Creditor[{i}].CreditorAccount"),
            )?;
        }
    }
    Ok(Value::Object(claims))
}

/// The payment's PII (flat form: `Initiation.CreditorAccount`), opened, validated and matched
/// against the consent's creditors (when the consent names any).
pub(crate) fn open_payment_pii(
    bank: &Bank,
    client_id: &str,
    value: &Value,
    consent_pii: Option<&Value>,
) -> Result<Value, Refusal> {
    let claims = open(bank, client_id, value)?;
    let account = &claims.get("Initiation").cloned().unwrap_or_default()["CreditorAccount"];
    check_account(account, "Initiation.CreditorAccount")?;
    if let Some(creditors) = consent_pii.and_then(|p| p["Initiation"]["Creditor"].as_array()) {
        let same = |c: &Value| {
            let a = &c["CreditorAccount"];
            a["SchemeName"] == account["SchemeName"]
                && a["Identification"] == account["Identification"]
                && a["Name"] == account["Name"]
        };
        if !creditors.iter().any(same) {
            return Err(bad(
                "Consent.BusinessRuleViolation",
                "the payment's creditor is not a creditor of the consent",
            ));
        }
    }
    Ok(Value::Object(claims))
}
