//! A persona's `token_command`: `sh -c COMMAND`, run from the target file's folder (so `./get-token`
//! means the file beside it), bounded by the target's timeout, and never outliving the run.
//!
//! The command runs in a process group of its own, which is killed (whole: a shell's children
//! too) when the command times out, or when the run stops and drops the future waiting for it
//! (a signal, `--deadline`). Its failure names its exit status and the first line of its stderr,
//! redacted. The token it prints is a secret: it is never logged here.

use std::process::Stdio;

use super::AuthError;
use crate::target::{Secret, Target};

/// The token the command prints for `persona` and `scope` (OBCONF_PERSONA and OBCONF_SCOPE set).
pub async fn run(
    command: &str,
    persona: &str,
    scope: &str,
    target: &Target,
) -> Result<Secret, AuthError> {
    let failed = |reason: String| AuthError::Command {
        persona: persona.to_string(),
        command: command.to_string(),
        reason,
    };
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .env("OBCONF_PERSONA", persona)
        .env("OBCONF_SCOPE", scope)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if target.base_dir.is_dir() {
        cmd.current_dir(&target.base_dir);
    }
    #[cfg(unix)]
    cmd.process_group(0);
    let child = cmd
        .spawn()
        .map_err(|e| failed(format!("it could not start: {e}")))?;
    let _group = Group(child.id());
    let output = match tokio::time::timeout(target.timeout, child.wait_with_output()).await {
        Ok(output) => output.map_err(|e| failed(e.to_string()))?,
        Err(_) => {
            return Err(failed(format!(
                "it did not finish within {} s (timeout_secs), and was killed",
                target.timeout.as_secs_f64()
            )));
        }
    };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().map(str::trim).find(|l| !l.is_empty());
        let status = match output.status.code() {
            Some(code) => format!("exit status {code}"),
            None => "a signal".to_string(),
        };
        return Err(failed(match first {
            Some(line) => format!(
                "it ended with {status}: {}",
                crate::redact::printable(&crate::redact::redact(line))
            ),
            None => format!("it ended with {status} and printed nothing on stderr"),
        }));
    }
    let token = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if token.is_empty() {
        return Err(failed("it printed nothing".into()));
    }
    Ok(Secret::new(token))
}

/// The command's process group, killed when dropped: when the command ended, nothing is left to
/// kill; when it did not (timeout, run stopped), its children go with it.
struct Group(Option<u32>);

impl Drop for Group {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(pid) = self
            .0
            .and_then(|p| i32::try_from(p).ok())
            .filter(|p| *p > 1)
        {
            // SAFETY: kill(2) with a negative pid signals that process group; no memory involved.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::{Duration, Instant};

    use super::*;

    fn target(dir: &std::path::Path, timeout: Duration) -> Target {
        let mut t = Target::embedded("f");
        t.base_dir = dir.to_path_buf();
        t.timeout = timeout;
        t
    }

    #[tokio::test]
    async fn it_runs_from_the_target_files_folder() {
        let dir = std::env::temp_dir().join(format!("obconf-cmd-test-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(
            dir.join("get-token"),
            "#!/bin/sh\necho from-the-folder-123\n",
        );
        let t = target(&dir, Duration::from_secs(10));
        let token = run("sh ./get-token", "LEA", "aisp", &t).await;
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            token.map(|t| t.expose().to_string()).ok().as_deref(),
            Some("from-the-folder-123")
        );
    }

    #[tokio::test]
    async fn a_command_past_the_timeout_is_killed_with_its_children() {
        let t = target(Path::new("/"), Duration::from_secs(1));
        let started = Instant::now();
        let e = run("sleep 300 & sleep 300", "LEA", "aisp", &t).await;
        assert!(started.elapsed() < Duration::from_secs(20));
        let text = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("did not finish within 1 s"), "{text}");
    }

    #[tokio::test]
    async fn a_failure_names_the_status_and_the_first_stderr_line_redacted() {
        crate::redact::register("cmd-secret-in-stderr");
        let t = target(Path::new("/"), Duration::from_secs(10));
        let e = run(
            "echo; echo 'login refused for cmd-secret-in-stderr' >&2; echo second >&2; exit 3",
            "LEA",
            "aisp",
            &t,
        )
        .await;
        let text = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            text.contains("exit status 3: login refused for [REDACTED]"),
            "{text}"
        );
        assert!(text.ends_with("login refused for [REDACTED]"), "{text}");
    }

    fn book(target: Target) -> super::super::TokenBook {
        crate::tls::install_crypto_provider();
        let target = std::sync::Arc::new(target);
        let http = crate::http::HttpClient::new(&target).expect("a client");
        super::super::TokenBook::new(target, http, std::sync::Arc::new(crate::family::PlainWire))
    }

    fn persona(command: &str) -> crate::target::Persona {
        crate::target::Persona {
            token_command: Some(command.to_string()),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn a_failed_grant_is_remembered_and_another_persona_does_not_wait_for_one_in_flight() {
        let dir = std::env::temp_dir().join(format!("obconf-book-test-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let mut t = target(&dir, Duration::from_secs(30));
        t.personas
            .insert("LEA".into(), persona("echo tried >> tries; exit 1"));
        // SLOW's grant ends only once QUICK's is done: were one lock held across every grant,
        // QUICK would wait for SLOW, and SLOW would time out.
        t.personas.insert(
            "SLOW".into(),
            persona("while [ ! -e go ]; do sleep 0.05; done; echo slow-token-123"),
        );
        t.personas
            .insert("QUICK".into(), persona("echo quick-token-123"));
        let book = book(t);
        let first = book.token("LEA", "aisp").await;
        let again = book.token("LEA", "aisp").await;
        let tries = std::fs::read_to_string(dir.join("tries")).unwrap_or_default();
        assert!(first.is_err() && again.is_err());
        assert_eq!(tries.lines().count(), 1, "the failed command ran once");
        let again = again.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            again.contains("already failed earlier in this run"),
            "{again}"
        );
        assert!(again.contains("exit status 1"), "{again}");

        let slow = book.token("SLOW", "aisp");
        let quick = async {
            let token = book.token("QUICK", "aisp").await;
            let _ = std::fs::write(dir.join("go"), "");
            token
        };
        let (slow, quick) = tokio::join!(slow, quick);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(quick.is_ok());
        assert!(slow.is_ok(), "{:?}", slow.err().map(|e| e.to_string()));
    }
}
