//! The signed evidence bundle through the command line: `run --bundle` then `verify` is exit 0;
//! the signature checks out with an independent implementation (aws-lc-rs directly, where obconf
//! signs through jsonwebtoken); one changed byte of a report, a feature file or the manifest, a
//! removed file and an added one are each exit 1 naming the file; usage errors are exit 2.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, RSA_PSS_2048_8192_SHA256, UnparsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rcgen::{CertificateParams, DnType, KeyPair};
use sha2::Digest as _;

use common::{run, text};

/// A fresh key pair (RSA, or EC P-256) and its self-signed certificate, written as PEM files.
struct Keys {
    key: KeyPair,
    key_file: PathBuf,
    cert_der: Vec<u8>,
    cert_file: PathBuf,
}

fn keys(dir: &Path, name: &str, rsa: bool) -> Keys {
    let key = if rsa {
        KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap()
    } else {
        KeyPair::generate().unwrap()
    };
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, format!("obconf test signer {name}"));
    let cert = params.self_signed(&key).unwrap();
    let key_file = dir.join(format!("{name}.key.pem"));
    let cert_file = dir.join(format!("{name}.cert.pem"));
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    std::fs::write(&cert_file, cert.pem()).unwrap();
    Keys {
        key,
        key_file,
        cert_der: cert.der().to_vec(),
        cert_file,
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// A copy of `bundle` with `change` applied, and `obconf verify` of it.
fn tampered(bundle: &Path, work: &Path, name: &str, change: impl FnOnce(&Path)) -> Output {
    let copy = work.join(name);
    copy_tree(bundle, &copy);
    change(&copy);
    run(&["verify", copy.to_str().unwrap()])
}

/// A change made to a copy of a bundle.
type Tamper = Box<dyn FnOnce(&Path)>;

fn flip_one_byte(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks `manifest.jws` without obconf: the header, the signature with aws-lc-rs directly over
/// `header.payload`, the payload against `manifest.json`, and every listed digest.
fn check_independently(bundle: &Path, public_key: &[u8], rsa: bool) -> serde_json::Value {
    let jws = std::fs::read_to_string(bundle.join("manifest.jws")).unwrap();
    let parts: Vec<&str> = jws.trim().split('.').collect();
    assert_eq!(parts.len(), 3, "compact JWS");
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], if rsa { "PS256" } else { "ES256" });
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    let input = format!("{}.{}", parts[0], parts[1]);
    let alg: &'static dyn aws_lc_rs::signature::VerificationAlgorithm = if rsa {
        &RSA_PSS_2048_8192_SHA256
    } else {
        &ECDSA_P256_SHA256_FIXED
    };
    UnparsedPublicKey::new(alg, public_key)
        .verify(input.as_bytes(), &signature)
        .expect("the signature verifies with aws-lc-rs");
    let payload = URL_SAFE_NO_PAD.decode(parts[1]).unwrap();
    assert_eq!(
        payload,
        std::fs::read(bundle.join("manifest.json")).unwrap(),
        "the JWS carries manifest.json byte for byte"
    );
    let manifest: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(manifest["format"], "obconf-bundle/1");
    for file in manifest["files"].as_array().unwrap() {
        let path = bundle.join(file["path"].as_str().unwrap());
        assert_eq!(
            file["sha256"].as_str().unwrap(),
            sha256_hex(&std::fs::read(&path).unwrap()),
            "{}",
            path.display()
        );
    }
    header
}

#[test]
fn a_signed_bundle_verifies_and_any_change_is_named() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let rsa = keys(w, "rsa", true);
    let target = w.join("sandbox-copy.yaml");
    std::fs::write(
        &target,
        "name: embedded-stet\nfamily: stet\nembedded: true\n",
    )
    .unwrap();
    let bundle = w.join("bundle");
    let o = run(&[
        "run",
        "--target",
        target.to_str().unwrap(),
        "--tags",
        "@STET-AIS-ACC-01",
        "--out",
        w.join("r").to_str().unwrap(),
        "--bundle",
        bundle.to_str().unwrap(),
        "--sign-key",
        rsa.key_file.to_str().unwrap(),
        "--sign-cert",
        rsa.cert_file.to_str().unwrap(),
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("manifest signed PS256"), "{t}");
    for f in [
        "reports/junit.xml",
        "reports/cucumber.json",
        "reports/run.json",
        "features/stet/accounts.feature",
        "catalog/acceptance.yaml",
        "target/sandbox-copy.yaml",
        "manifest.json",
        "manifest.jws",
    ] {
        assert!(bundle.join(f).is_file(), "{f} is in the bundle");
    }
    assert!(
        !bundle.join("features/saltedge").exists(),
        "only the features of the family that ran"
    );
    assert!(!t.contains("PRIVATE KEY"), "the key is never printed");

    let header = check_independently(&bundle, rsa.key.public_key_raw(), true);
    assert_eq!(header["x5c"][0], STANDARD.encode(&rsa.cert_der));

    let o = run(&["verify", bundle.to_str().unwrap()]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(
        t.contains("only integrity was checked, not identity"),
        "{t}"
    );
    let o = run(&[
        "verify",
        bundle.to_str().unwrap(),
        "--cert",
        rsa.cert_file.to_str().unwrap(),
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("integrity and identity checked"), "{t}");

    // Pinned to another signer's certificate: the signature does not verify.
    let other = keys(w, "other", true);
    let o = run(&[
        "verify",
        bundle.to_str().unwrap(),
        "--cert",
        other.cert_file.to_str().unwrap(),
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("the signature does not verify"), "{t}");

    let cases: [(&str, &str, Tamper); 6] = [
        (
            "report",
            "reports/junit.xml has changed: expected sha256 ",
            Box::new(|b: &Path| flip_one_byte(&b.join("reports/junit.xml"))),
        ),
        (
            "feature",
            "features/stet/accounts.feature has changed: expected sha256 ",
            Box::new(|b: &Path| flip_one_byte(&b.join("features/stet/accounts.feature"))),
        ),
        (
            "manifest",
            "manifest.json differs from the manifest signed in manifest.jws",
            Box::new(|b: &Path| flip_one_byte(&b.join("manifest.json"))),
        ),
        (
            "signature",
            "manifest.jws: ",
            Box::new(|b: &Path| flip_one_byte(&b.join("manifest.jws"))),
        ),
        (
            "removed",
            "reports/run.json is missing (the manifest lists it with sha256 ",
            Box::new(|b: &Path| std::fs::remove_file(b.join("reports/run.json")).unwrap()),
        ),
        (
            "added",
            "reports/extra.txt is not listed in the manifest",
            Box::new(|b: &Path| std::fs::write(b.join("reports/extra.txt"), "x").unwrap()),
        ),
    ];
    for (name, expected, change) in cases {
        let o = tampered(&bundle, w, name, change);
        let t = text(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {t}");
        assert!(t.contains(expected), "{name}: {t}");
        if expected.contains("has changed") {
            assert!(t.contains(", actual "), "{name}: {t}");
        }
    }
}

#[test]
fn an_ec_key_without_a_certificate_signs_es256_and_an_embedded_run_says_so() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let ec = keys(w, "ec", false);
    let bundle = w.join("bundle");
    let waivers = w.join("w.yaml");
    std::fs::write(
        &waivers,
        "waivers:\n  - id: STET-GEN-06\n    reason: r\n    owner: o\n    reference: JIRA-9\n    expires: 2999-01-01\n",
    )
    .unwrap();
    let o = run(&[
        "run",
        "--tags",
        "@STET-AIS-ACC-01",
        "--waivers",
        waivers.to_str().unwrap(),
        "--out",
        w.join("r").to_str().unwrap(),
        "--bundle",
        bundle.to_str().unwrap(),
        "--sign-key",
        ec.key_file.to_str().unwrap(),
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    let header = check_independently(&bundle, ec.key.public_key_raw(), false);
    assert!(
        header.get("x5c").is_none() && header["jwk"]["crv"] == "P-256",
        "{header}"
    );
    assert!(
        bundle.join("waivers/w.yaml").is_file(),
        "the waivers are evidence too"
    );
    let note = std::fs::read_to_string(bundle.join("target/EMBEDDED.txt")).unwrap();
    assert!(note.contains("embedded reference banks"), "{note}");
    let o = run(&["verify", bundle.to_str().unwrap()]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(
        t.contains("ES256") && t.contains("only integrity was checked"),
        "{t}"
    );
    let o = run(&[
        "verify",
        bundle.to_str().unwrap(),
        "--cert",
        ec.cert_file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // The bundle folder must be new or empty: this one now holds a bundle.
    let o = run(&[
        "run",
        "--tags",
        "@STET-AIS-ACC-01",
        "--bundle",
        bundle.to_str().unwrap(),
        "--sign-key",
        ec.key_file.to_str().unwrap(),
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains("is not empty"), "{t}");
}

#[test]
fn usage_errors_are_exit_2() {
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let o = run(&["verify", w.join("nowhere").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("does not exist"));
    let o = run(&["verify", w.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not an evidence bundle"));
    let not_a_cert = w.join("bad.pem");
    std::fs::write(&not_a_cert, "hello").unwrap();
    let o = run(&[
        "verify",
        w.to_str().unwrap(),
        "--cert",
        not_a_cert.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("cannot use certificate"), "{}", text(&o));
    let o = run(&["run", "--bundle", w.join("b").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--sign-key"), "{}", text(&o));
    let o = run(&[
        "run",
        "--bundle",
        w.join("b").to_str().unwrap(),
        "--sign-key",
        not_a_cert.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("cannot use --sign-key"), "{}", text(&o));
    let rsa = keys(w, "rsa", true);
    let ec = keys(w, "ec", false);
    let o = run(&[
        "run",
        "--bundle",
        w.join("b").to_str().unwrap(),
        "--sign-key",
        rsa.key_file.to_str().unwrap(),
        "--sign-cert",
        ec.cert_file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("is not the certificate of"),
        "{}",
        text(&o)
    );
    assert!(!w.join("b").exists(), "nothing ran");
}
