//! The hostile-bank battery: a bank of each bad behaviour on loopback (garbage instead of HTTP, a
//! body without end, silence, a drip-fed answer, a huge body, a huge header, invalid JSON, control
//! bytes, a `]]>` injection, terminal escapes, a reset connection, a redirect loop, a wrong and an
//! expired certificate, 500 to everything, a bank reflecting the token encoded). Each run must end
//! in a bounded time (asserted loosely: tests are not timing benchmarks) with exit 1, the cause
//! named, every report well-formed, nothing from the bank driving the terminal, and no form of
//! the token in any output.

#[path = "hostile_bank/banks.rs"]
mod banks;
#[path = "common/wellformed.rs"]
mod wellformed;

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use banks::*;

/// A generous bound on any hostile run: each of them takes a few seconds; only a hang fails this.
const BOUND: Duration = Duration::from_secs(60);

/// The parts of an encoding that hold the token's bytes alone, at each alignment: what a leak
/// of the token in base64 or base64url would show, whatever surrounds it.
fn leaked_forms() -> Vec<String> {
    let mut forms = vec![TOKEN.to_string(), urlencode(TOKEN)];
    let json = serde_json::to_string(TOKEN).unwrap();
    forms.push(json[1..json.len() - 1].to_string());
    for shift in 0..3usize {
        let mut data = vec![b'x'; shift];
        data.extend_from_slice(TOKEN.as_bytes());
        let (start, end) = ((8 * shift).div_ceil(6), 8 * (shift + TOKEN.len()) / 6);
        forms.push(STANDARD.encode(&data)[start..end].to_string());
        forms.push(URL_SAFE_NO_PAD.encode(&data)[start..end].to_string());
    }
    forms
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
    reports: Vec<String>,
    _dir: tempfile::TempDir,
}

impl Outcome {
    fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// `obconf run` of one scenario against `base_url`, its reports read back strictly.
fn run_against(base_url: &str, timeout_secs: u64, ca: Option<&str>) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let tls = match ca {
        Some(pem) => {
            std::fs::write(dir.path().join("ca.pem"), pem).unwrap();
            "tls:\n  ca: ca.pem\n"
        }
        None => "",
    };
    let target = dir.path().join("hostile.yaml");
    std::fs::write(
        &target,
        format!(
            "name: hostile\nfamily: stet\nbase_url: {base_url}\ntimeout_secs: {timeout_secs}\n{tls}personas:\n  LEA:\n    tokens: {{ aisp: \"${{OBCONF_HOSTILE_TOKEN}}\" }}\n"
        ),
    )
    .unwrap();
    let started = Instant::now();
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
        .env("OBCONF_HOSTILE_TOKEN", TOKEN)
        .output()
        .unwrap();
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let reports = wellformed::reports(&dir.path().join("r"));
    Outcome {
        code: o.status.code(),
        stdout,
        stderr,
        took,
        reports,
        _dir: dir,
    }
}

/// What every hostile case must show: exit 1 in bounded time with `cause` named, reports
/// well-formed (checked when read) and the one scenario in them, no control character on the
/// console, no panic, no form of the token anywhere.
fn assert_contained(o: &Outcome, cause: &str) {
    let text = o.text();
    assert_eq!(o.code, Some(1), "{text}");
    assert!(o.took < BOUND, "took {:?}: {text}", o.took);
    assert!(
        text.contains(cause),
        "the cause `{cause}` is not named:\n{text}"
    );
    assert!(!text.contains("panicked"), "{text}");
    wellformed::check_terminal(&o.stdout);
    wellformed::check_terminal(&o.stderr);
    let cases = wellformed::xml_elements(&o.reports[0])
        .iter()
        .filter(|n| *n == "testcase")
        .count();
    assert_eq!(cases, 1, "one scenario, one test case: nothing forged");
    for form in leaked_forms() {
        assert!(!text.contains(&form), "the console leaks {form:?}");
        for r in &o.reports {
            assert!(!r.contains(&form), "a report leaks {form:?}");
        }
    }
    for r in &o.reports {
        assert!(r.len() < 2_000_000, "a report of {} bytes", r.len());
    }
    assert!(text.len() < 200_000, "{} bytes of console", text.len());
}

fn http(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// A scenario-level failure: the bank answered the probe, the scenario named it.
fn assert_scenario_failed(o: &Outcome, cause: &str) {
    assert_contained(o, cause);
    assert!(o.text().contains("[STET-AIS-ACC-03]"), "{}", o.text());
}

/// The pre-flight probe ended the run: one message, every scenario `not run`.
fn assert_probe_stopped(o: &Outcome, cause: &str) {
    assert_contained(o, cause);
    assert_eq!(
        o.stderr
            .matches("the bank did not answer the pre-flight probe")
            .count(),
        1,
        "{}",
        o.text()
    );
    assert!(o.reports[3].contains("\"not_run\""), "{}", o.reports[3]);
    assert!(o.reports[0].contains("<skipped"), "{}", o.reports[0]);
}

#[test]
fn garbage_instead_of_http_is_a_clear_failure() {
    assert_probe_stopped(&run_against(&http(serve(garbage)), 5, None), "invalid HTTP");
}

#[test]
fn a_body_without_end_is_cut_at_the_cap() {
    assert_scenario_failed(
        &run_against(&http(serve(endless)), 10, None),
        "obconf stopped reading it",
    );
}

#[test]
fn a_bank_that_never_answers_ends_the_run_at_the_probe() {
    let o = run_against(&http(serve(silent)), 2, None);
    assert_probe_stopped(&o, "had no answer within 2 s");
    // The README quotes the measured figure; this bound only catches a hang or a retry per
    // scenario (the issue's 10 s, with room for a loaded machine).
    assert!(o.took < Duration::from_secs(30), "{:?}", o.took);
}

#[test]
fn a_drip_fed_answer_is_bounded_by_the_timeout() {
    assert_probe_stopped(&run_against(&http(serve(drip_feed)), 2, None), "2 s");
}

#[test]
fn a_huge_body_is_cut_in_every_report() {
    assert_scenario_failed(
        &run_against(&http(serve(huge_body)), 10, None),
        "bytes in all",
    );
}

#[test]
fn a_huge_header_is_cut_in_every_report() {
    let o = run_against(&http(serve(huge_header)), 10, None);
    assert_scenario_failed(&o, "bytes in all)");
    assert!(o.text().contains("x-huge: hhhh"), "{}", o.text());
}

#[test]
fn invalid_json_is_a_failure_showing_the_body() {
    assert_scenario_failed(
        &run_against(&http(serve(invalid_json)), 10, None),
        "| {\"accounts\": [ {\"iban\":",
    );
}

#[test]
fn control_bytes_reach_no_report_and_no_terminal_raw() {
    assert_scenario_failed(&run_against(&http(serve(control_bytes)), 10, None), "400");
}

#[test]
fn a_cdata_end_cannot_inject_elements() {
    let o = run_against(&http(serve(cdata_injection)), 10, None);
    assert_scenario_failed(&o, "403");
    assert!(!wellformed::xml_elements(&o.reports[0]).contains(&"forged".to_string()));
}

#[test]
fn terminal_escapes_are_shown_not_obeyed() {
    let o = run_against(&http(serve(terminal_escapes)), 10, None);
    assert_scenario_failed(&o, "403");
    assert!(o.stdout.contains("␛[2J"), "{}", o.stdout);
}

#[test]
fn a_reset_connection_ends_the_run_at_the_probe() {
    assert_probe_stopped(&run_against(&http(serve(reset)), 5, None), "reset");
}

#[test]
fn a_redirect_loop_is_not_followed() {
    assert_scenario_failed(&run_against(&http(serve(redirect_loop)), 5, None), "302");
}

#[test]
fn a_bank_answering_500_to_everything_fails_the_scenario() {
    assert_scenario_failed(&run_against(&http(serve(always_500)), 5, None), "500");
}

#[test]
fn a_certificate_no_one_trusts_ends_the_run_at_the_probe() {
    let (cert, key, _) = certificate(false);
    let port = serve_tls(cert, key);
    let o = run_against(&format!("https://127.0.0.1:{port}"), 5, None);
    assert_probe_stopped(&o, "certificate");
}

#[test]
fn an_expired_certificate_ends_the_run_at_the_probe() {
    let (cert, key, ca) = certificate(true);
    let port = serve_tls(cert, key);
    let o = run_against(&format!("https://127.0.0.1:{port}"), 5, ca.as_deref());
    assert_probe_stopped(&o, "certificate expired");
}

#[test]
fn a_token_reflected_in_any_encoding_is_redacted() {
    let o = run_against(&http(serve(reflector)), 5, None);
    assert_scenario_failed(&o, "403");
    assert!(o.text().contains("the bank reflects"), "{}", o.text());
    assert!(o.reports[3].contains("[REDACTED]"), "{}", o.reports[3]);
}

#[test]
fn no_report_is_missing_after_a_bank_that_is_not_there() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = run_against(&http(port), 5, None);
    assert_probe_stopped(&o, "no TCP connection");
    assert!(Path::new(&o._dir.path().join("r/coverage.json")).exists());
}
