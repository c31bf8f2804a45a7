//! A hostile or broken bank: garbage instead of HTTP, a body without end, no answer at all. Each
//! gives a clear per-scenario failure (exit 1) with the reason, reports still written, no panic.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Serves every connection on a loopback port with `behave`, in background threads that end with
/// the test process.
fn serve(behave: fn(std::net::TcpStream)) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || behave(stream));
        }
    });
    port
}

fn read_request(stream: &mut std::net::TcpStream) {
    let mut buf = [0u8; 4096];
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.read(&mut buf);
}

fn garbage(mut stream: std::net::TcpStream) {
    read_request(&mut stream);
    let _ = stream.write_all(b"THIS IS NOT HTTP AT ALL\r\n\r\n");
}

fn endless(mut stream: std::net::TcpStream) {
    read_request(&mut stream);
    let _ = stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
    );
    let chunk = vec![b'['; 64 * 1024];
    // 10 MiB at most, then stop: the client must give up first, at its 8 MiB cap.
    for _ in 0..160 {
        if stream.write_all(&chunk).is_err() {
            return;
        }
    }
}

fn silent(mut stream: std::net::TcpStream) {
    read_request(&mut stream);
    std::thread::sleep(Duration::from_secs(4));
}

fn run_against(port: u16, timeout_secs: u64) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("hostile.yaml");
    std::fs::write(
        &target,
        format!(
            "name: hostile\nfamily: stet\nbase_url: http://127.0.0.1:{port}\ntimeout_secs: {timeout_secs}\npersonas:\n  LEA:\n    tokens: {{ aisp: \"${{OBCONF_HOSTILE_TOKEN}}\" }}\n"
        ),
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_obconf"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "--target",
            target.to_str().unwrap(),
            "--tags",
            "@STET-AIS-ACC-03",
            "--out",
        ])
        .arg(dir.path().join("r"))
        .env("OBCONF_HOSTILE_TOKEN", "hostile-secret-token-1234")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.code(), text, dir)
}

fn assert_clear_failure(port: u16, timeout_secs: u64, reason: &str) {
    let (code, text, dir) = run_against(port, timeout_secs);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("[STET-AIS-ACC-03]") && text.contains(reason),
        "{text}"
    );
    assert!(
        !text.contains("panicked") && !text.contains("hostile-secret-token-1234"),
        "{text}"
    );
    assert!(Path::new(&dir.path().join("r/junit.xml")).exists());
}

#[test]
fn garbage_instead_of_http_is_a_clear_failure() {
    assert_clear_failure(serve(garbage), 5, "the bank did not answer");
}

#[test]
fn a_body_without_end_is_cut_at_the_cap() {
    assert_clear_failure(serve(endless), 10, "obconf stopped reading it");
}

#[test]
fn a_bank_that_never_answers_times_out() {
    assert_clear_failure(serve(silent), 1, "timed out");
}
