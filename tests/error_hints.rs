//! Error messages of bad input name the file and line and say how to fix it: an empty or
//! non-UTF-8 target file, a CA or key that is not PEM, an unknown family, a bad QSEAL key, a
//! feature or waiver file that is not UTF-8 or empty. Each is exit 2, printed once.

use std::path::Path;
use std::process::Command;

/// `obconf ARGS` run in `dir` (so that paths in messages are the relative ones given): exit code
/// and standard error.
fn obconf(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_obconf"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// The error of `obconf run --target t.yaml` with `t.yaml` holding `text`.
fn target_error(text: &[u8], files: &[(&str, &[u8])]) -> String {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.yaml", text);
    for (name, bytes) in files {
        write(dir.path(), name, bytes);
    }
    let (code, err) = obconf(dir.path(), &["run", "--target", "t.yaml", "--out", "r"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.matches("error:").count(), 1, "printed once: {err}");
    err
}

const HEAD: &[u8] = b"name: x\nfamily: stet\nbase_url: http://127.0.0.1:9\n";
const CERT: &[u8] = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

#[test]
fn bad_target_files_are_named_with_their_line_and_a_hint() {
    let mut all = String::new();
    all += &target_error(b"", &[]);
    all += &target_error(b"name: x\nfamily: st\xffet\n", &[]);
    all += &target_error(b"name: x\n\nfamily: nope\nbase_url: http://a\n", &[]);
    all += &target_error(
        &[HEAD, b"tls:\n  ca: ca.der\n"].concat(),
        &[("ca.der", b"\x30\x82\x01")],
    );
    all += &target_error(
        &[HEAD, b"tls:\n  client_cert: c.pem\n  client_key: k.der\n"].concat(),
        &[("c.pem", CERT), ("k.der", b"\x30\x82\x02")],
    );
    all += &target_error(
        &[
            HEAD,
            b"settings:\n  qseal:\n    key_id: https://tpp/qseal_ab\n    key: { file: q.pem }\n",
        ]
        .concat(),
        &[("q.pem", b"not a key")],
    );
    insta::assert_snapshot!(all);
}

#[test]
fn non_utf8_and_empty_feature_and_waiver_files_are_named_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "f/stet/a.feature",
        b"Feature: x\n  Scenario: \xff bad\n    Given x\n",
    );
    write(dir.path(), "w.yaml", b"waivers:\n  - id: ST\xffET-1\n");
    write(dir.path(), "empty.yaml", b"  \n");
    let mut all = String::new();
    for args in [
        &["list", "--features", "f"][..],
        &["run", "--waivers", "w.yaml", "--out", "r"],
        &["run", "--waivers", "empty.yaml", "--out", "r"],
    ] {
        let (code, err) = obconf(dir.path(), args);
        assert_eq!(code, Some(2), "{err}");
        all += &err;
    }
    insta::assert_snapshot!(all);
}
