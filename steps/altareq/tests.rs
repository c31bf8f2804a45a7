//! The target file's settings: the example loads, and every mistake is refused with its line.

use std::path::{Path, PathBuf};

use super::settings::{Authoriser, parse};
use crate::target::Target;

/// A folder holding the example's key and certificate files, minted for the test.
fn keys_folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("obconf-alt-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let ca = crate::tls::pki::TestCa::mint("tf").expect("a CA");
    for n in ["client1", "client2"] {
        let transport = ca.qwac(n, "org").expect("a client cert");
        std::fs::write(
            dir.join(format!("{n}-transport.cert.pem")),
            &transport.cert_pem,
        )
        .unwrap();
        std::fs::write(
            dir.join(format!("{n}-transport.key.pem")),
            transport.key_pem(),
        )
        .unwrap();
        let signing = crate::auth::jose::RsaKeyPem::generate().expect("a key");
        std::fs::write(
            dir.join(format!("{n}-signing.key.pem")),
            signing.private_pem.expose(),
        )
        .unwrap();
    }
    std::fs::write(dir.join("ca.pem"), &ca.cert.cert_pem).unwrap();
    dir
}

fn example_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("targets/altareq.example.yaml");
    std::fs::read_to_string(path).expect("the example")
}

fn load(dir: &Path, text: &str) -> Result<super::AltareqSettings, String> {
    let path = dir.join("alt.yaml");
    std::fs::write(&path, text).unwrap();
    let target = Target::load(&path, &|_| None).map_err(|e| e.to_string())?;
    parse(&target).map_err(|e| e.to_string())
}

#[test]
fn the_example_target_file_is_valid_and_says_what_it_documents() {
    let dir = keys_folder("example");
    let s = load(&dir, &example_text()).expect("the example prepares");
    assert_eq!(s.issuer, "https://auth1.lfi.example");
    assert_eq!(s.client.client_id, "00000000-0000-4000-8000-000000000001");
    assert_eq!(s.client2.signing_kid, "client2-signing-kid");
    assert_eq!(s.tolerances.par_status, [201]);
    assert_eq!(
        s.tolerances.request_object_error,
        ["invalid_request_object"]
    );
    assert_eq!(s.cop.as_ref().unwrap().name.full, "Ibrahim Al Suwaidi");
    assert_eq!(s.creditor.as_ref().unwrap().iban, "AE651000010000109010109");
    match &s.authoriser {
        Authoriser::Headless { account_ids, .. } => assert_eq!(account_ids.len(), 2),
        other => panic!("headless expected, got {other:?}"),
    }
    let shown = format!("{s:?}");
    assert!(
        !shown.contains("PRIVATE KEY"),
        "keys never printed: {shown}"
    );
    let target = Target::load(&dir.join("alt.yaml"), &|_| None).unwrap();
    target
        .check_capabilities(super::CAPABILITIES)
        .expect("the example declares only AlTareq capabilities");
}

#[test]
fn every_mistake_is_refused_with_the_line_that_holds_it() {
    let dir = keys_folder("mistakes");
    let text = example_text();
    let line = |needle: &str| {
        text.lines()
            .position(|l| !l.trim_start().starts_with('#') && l.contains(needle))
            .unwrap()
            + 1
    };
    let cases = [
        (
            text.replace("issuer: https://auth1.lfi.example", "issuer: http://auth1"),
            format!("alt.yaml:{}", line("issuer: https")),
            "not an https:// URL",
        ),
        (
            text.replace("version: v2.1", "version: v1.2"),
            format!("alt.yaml:{}", line("version: v2.1")),
            "not supported",
        ),
        (
            text.replace("par_status: [201]", "par_status: [202]"),
            format!("alt.yaml:{}", line("par_status:")),
            "par_status",
        ),
        (
            text.replace("client2-transport.cert.pem", "nope.pem"),
            format!("alt.yaml:{}", line("client2:")),
            "nope.pem",
        ),
        (
            text.replace(
                "00000000-0000-4000-8000-000000000002",
                "00000000-0000-4000-8000-000000000001",
            ),
            format!("alt.yaml:{}", line("client2:")),
            "same client_id",
        ),
        (
            text.replace(
                "account_ids: [\"100004000000000000000003\", \"100004000000000000000005\"]",
                "account_ids: []",
            ),
            format!("alt.yaml:{}", line("account_ids:")),
            "is empty",
        ),
        (
            text.replace("client1-signing.key.pem", "client1-transport.cert.pem"),
            format!("alt.yaml:{}", line("client:")),
            "not an RSA private key",
        ),
    ];
    for (changed, place, words) in cases {
        let err = load(&dir, &changed).expect_err(words);
        assert!(
            err.contains(&place) && err.contains(words),
            "{place} / {words}: {err}"
        );
    }
    // serde places an unknown key itself, with line and column.
    let typo = text.replace("wrong_name:", "wrong_nam:");
    let err = load(&dir, &typo).unwrap_err();
    assert!(
        err.contains(&format!("alt.yaml:{}", line("wrong_name:"))),
        "{err}"
    );
    let command = text.replace(
        "    kind: headless\n",
        "    kind: command\n    command: ./authorise.sh\n",
    );
    let err = load(&dir, &command).unwrap_err();
    assert!(
        err.contains("consent_manager") || err.contains("unknown field"),
        "{err}"
    );
}

#[test]
fn a_command_authoriser_needs_a_command() {
    let dir = keys_folder("command");
    let text = example_text();
    let start = text.find("  authoriser:").unwrap();
    let end = text.find("  # The creditor").unwrap();
    let with = |block: &str| format!("{}{}{}", &text[..start], block, &text[end..]);
    let ok = load(
        &dir,
        &with("  authoriser: { kind: command, command: ./authorise.sh, timeout_secs: 30 }\n"),
    )
    .expect("a command authoriser");
    assert!(matches!(
        ok.authoriser,
        Authoriser::Command {
            timeout_secs: 30,
            ..
        }
    ));
    let err = load(
        &dir,
        &with("  authoriser: { kind: command, command: \" \" }\n"),
    )
    .unwrap_err();
    assert!(err.contains("needs a command"), "{err}");
}

#[test]
fn every_request_carries_an_interaction_id_and_payments_an_idempotency_key() {
    use crate::family::Family;
    use crate::http::RequestSpec;
    crate::tls::install_crypto_provider();
    let dir = keys_folder("wire");
    let path = dir.join("alt.yaml");
    std::fs::write(&path, example_text()).unwrap();
    let target = Target::load(&path, &|_| None).unwrap();
    let wire = super::ALTAREQ
        .prepare(&target)
        .expect("the example prepares a wire");
    let mut token = RequestSpec::new("POST", "https://as1.lfi.example/token");
    wire.decorate(&mut token).unwrap();
    let id = token
        .headers
        .iter()
        .find(|(k, _)| k == "x-fapi-interaction-id")
        .map(|(_, v)| v.clone())
        .expect("an interaction id on a token request");
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "a UUID: {id}");
    assert!(!token.has_header("x-idempotency-key"));
    let mut payment = RequestSpec::new("POST", "/open-finance/payment/v2.1/payments")
        .header("x-fapi-interaction-id", "mine");
    payment.omit.push("x-fapi-customer-ip-address".into());
    wire.decorate(&mut payment).unwrap();
    assert!(payment.has_header("x-idempotency-key") && payment.has_header("x-fapi-auth-date"));
    assert!(
        !payment.has_header("x-fapi-customer-ip-address"),
        "an omitted header stays out"
    );
    let kept: Vec<&str> = payment
        .headers
        .iter()
        .filter(|(k, _)| k == "x-fapi-interaction-id")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(kept, ["mine"], "a header the request has is left alone");
    let names = wire.credentials().fields;
    for f in [
        "client_assertion",
        "request",
        "code_verifier",
        "PersonalIdentifiableInformation",
    ] {
        assert!(names.contains(&f), "{f} is a credential field");
    }
}
