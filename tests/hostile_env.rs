//! obconf in CI's ordinary life: cancelled by a signal, piped into `head`, installed without its
//! source tree on a machine where someone else can write to the temporary folder.

#[path = "common/wellformed.rs"]
mod wellformed;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const OBCONF: &str = env!("CARGO_BIN_EXE_obconf");

/// A bank that answers 404 to everything (it passes the pre-flight probe).
fn bank() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let mut buf = [0u8; 8192];
                let _ = s.read(&mut buf);
                let _ = s.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            });
        }
    });
    port
}

fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    unsafe { libc::kill(pid, 0) == 0 }
}

/// Waits for `path` to hold a line, for at most a minute.
fn wait_for(path: &Path) -> String {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.ends_with('\n')
        {
            return text.trim().to_string();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{} never appeared", path.display());
}

/// A run whose token command sleeps is stopped by `signal`: it exits with `code`, writes every
/// report with both scenarios `not run` and the run marked interrupted, and its token command's
/// process is gone.
fn stopped_by(signal: i32, name: &str, code: i32) {
    let dir = tempfile::tempdir().unwrap();
    let port = bank();
    std::fs::write(
        dir.path().join("t.yaml"),
        format!(
            "name: cancelled\nfamily: stet\nbase_url: http://127.0.0.1:{port}\ntimeout_secs: 120\npersonas:\n  LEA:\n    token_command: \"sleep 300 & echo $! >> sleeping.pid; wait\"\n"
        ),
    )
    .unwrap();
    let started = Instant::now();
    let child = Command::new(OBCONF)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--target"])
        .arg(dir.path().join("t.yaml"))
        .args(["--tags", "@STET-AIS-ACC-02 or @STET-AIS-ACC-03", "--out"])
        .arg(dir.path().join("r"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The token command runs from the target file's folder: its pid file appears there.
    let sleeping: i32 = wait_for(&dir.path().join("sleeping.pid"))
        .lines()
        .next()
        .and_then(|l| l.parse().ok())
        .expect("a pid");
    assert!(alive(sleeping));
    // SAFETY: signals the child this test started.
    unsafe {
        libc::kill(child.id() as i32, signal);
    }
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(code), "{text}");
    assert!(started.elapsed() < Duration::from_secs(90), "{text}");
    assert!(text.contains(&format!("interrupted ({name}")), "{text}");
    let reports = wellformed::reports(&dir.path().join("r"));
    let run: serde_json::Value = serde_json::from_str(&reports[3]).unwrap();
    let record = &run["runs"][0];
    assert!(
        record["interrupted"]
            .as_str()
            .is_some_and(|i| i.contains(name)),
        "{record}"
    );
    let verdicts: Vec<&str> = record["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["verdict"].as_str())
        .collect();
    assert_eq!(verdicts, ["not_run", "not_run"], "{record}");
    assert_eq!(
        wellformed::xml_elements(&reports[0])
            .iter()
            .filter(|e| *e == "skipped")
            .count(),
        2
    );
    let started = Instant::now();
    while alive(sleeping) && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!alive(sleeping), "the token command outlived the run");
}

#[test]
fn sigterm_writes_complete_reports_and_exits_143() {
    stopped_by(libc::SIGTERM, "SIGTERM", 143);
}

#[test]
fn sighup_writes_complete_reports_and_exits_129() {
    stopped_by(libc::SIGHUP, "SIGHUP", 129);
}

#[test]
fn sigint_writes_complete_reports_and_exits_130() {
    stopped_by(libc::SIGINT, "SIGINT", 130);
}

#[test]
fn a_deadline_ends_the_run_as_interrupted() {
    let dir = tempfile::tempdir().unwrap();
    let port = bank();
    std::fs::write(
        dir.path().join("t.yaml"),
        format!(
            "name: late\nfamily: stet\nbase_url: http://127.0.0.1:{port}\ntimeout_secs: 120\npersonas:\n  LEA:\n    token_command: \"sleep 300\"\n"
        ),
    )
    .unwrap();
    let out = Command::new(OBCONF)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "--deadline",
            "2s",
            "--tags",
            "@STET-AIS-ACC-03",
            "--target",
        ])
        .arg(dir.path().join("t.yaml"))
        .arg("--out")
        .arg(dir.path().join("r"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("the --deadline of 2s passed"), "{text}");
    let reports = wellformed::reports(&dir.path().join("r"));
    assert!(reports[3].contains("\"not_run\""));
}

/// `sh -c SCRIPT` with obconf at `$OBCONF`, its standard output and exit code.
fn shell(script: &str, tmp: &Path) -> (Option<i32>, String, String) {
    let out = Command::new("bash")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["-c", script])
        .env("OBCONF", OBCONF)
        .env("TMPDIR", tmp)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_list_faults_and_run_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    for script in [
        "set -o pipefail; \"$OBCONF\" list | head -1",
        "set -o pipefail; \"$OBCONF\" faults | head -1",
        // The reader is gone before obconf writes a byte: no race decides the outcome.
        "set -o pipefail; { sleep 0.5; exec \"$OBCONF\" list; } | true",
        "set -o pipefail; { sleep 0.5; exec \"$OBCONF\" faults; } | true",
    ] {
        let (code, out, err) = shell(script, tmp.path());
        assert_eq!(code, Some(0), "{script}: {err}");
        assert!(!err.contains("panicked"), "{script}: {err}");
        assert!(out.lines().count() <= 1, "{script}");
    }
    let out = tmp.path().join("r");
    let script = format!(
        "set -o pipefail; {{ sleep 0.5; exec \"$OBCONF\" run --tags @STET-AIS-ACC-03 --out {}; }} | true",
        out.display()
    );
    let (code, _, err) = shell(&script, tmp.path());
    assert_eq!(code, Some(0), "{err}");
    wellformed::reports(&out);
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_installed_binary_leaves_nothing_in_the_temporary_folder_and_ignores_a_planted_one() {
    let tmp = tempfile::tempdir().unwrap();
    let planted = "@stet\nFeature: planted\n  Scenario: PLANTED-01 a scenario nobody wrote\n    Given the PSU persona LEA with an access token of scope aisp\n";
    // The folder is planted at the exact path the old code used, obconf-features-<version>-<pid>:
    // the shell's pid is obconf's after `exec`.
    let plant = format!(
        "p=\"$TMPDIR/obconf-features-{}-$$\"; mkdir -p \"$p/stet\" && printf '%s' '{planted}' > \"$p/stet/planted.feature\" && ln -s /nonexistent/obconf-target \"$p/stet/accounts.feature\"; ",
        env!("CARGO_PKG_VERSION")
    );
    let script = format!("{plant} OBCONF_FEATURES_BUILTIN=1 exec \"$OBCONF\" list");
    let (code, out, err) = shell(&script, tmp.path());
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("STET-AIS-ACC-03"), "{out}");
    assert!(!out.contains("PLANTED-01"), "{out}");
    assert_eq!(listing(tmp.path()).len(), 1, "{:?}", listing(tmp.path()));

    let reports = tmp.path().join("reports");
    let script = format!(
        "{plant} OBCONF_FEATURES_BUILTIN=1 exec \"$OBCONF\" run --tags '@STET-AIS-ACC-03 or @stet' --name 'ACC-03|PLANTED' --out {}",
        reports.display()
    );
    let (code, out, err) = shell(&script, tmp.path());
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(!out.contains("PLANTED-01"), "{out}");
    assert!(out.contains("STET-AIS-ACC-03"), "{out}");
    let left: Vec<String> = listing(tmp.path())
        .into_iter()
        .filter(|n| n != "reports")
        .collect();
    assert_eq!(
        left.len(),
        2,
        "only the two planted folders remain: {left:?}"
    );
    assert!(
        left.iter()
            .all(|n| n.starts_with(&format!("obconf-features-{}-", env!("CARGO_PKG_VERSION"))))
    );
}
