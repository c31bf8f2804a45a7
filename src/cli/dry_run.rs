//! `obconf run --dry-run`: what a run would do, from records in which nothing ran.
//!
//! The runner has loaded the target (every secret resolved, so a missing one is already an
//! error), parsed the features, resolved the selection and prepared the family's settings, and
//! sent nothing. This module prints that plan: per family, the scenarios that would run, those
//! the target's capabilities skip and why, and which credential sources the target holds, by name
//! and never by value.

use std::fmt::Write as _;
use std::path::Path;

use crate::runner::{RunRecord, Verdict};
use crate::target::Target;

/// The reason every scenario of a dry run is `not run`.
pub const REASON: &str = "dry run: nothing was sent";

/// The plan of `records`: for each, what would run and what would be skipped; for a target
/// file, the credential sources it holds.
pub fn plan(records: &[RunRecord], target_file: Option<&Path>, targets: &[Target]) -> String {
    let mut out = String::from("\ndry run: nothing was sent\n");
    if let Some(path) = target_file {
        let _ = writeln!(
            out,
            "target file {}: read, every secret it names is present (values not shown)",
            path.display()
        );
        for t in targets {
            credentials(&mut out, t);
        }
    }
    for r in records {
        let would: Vec<_> = r
            .scenarios
            .iter()
            .filter(|s| s.verdict == Verdict::NotRun)
            .collect();
        let skipped: Vec<_> = r
            .scenarios
            .iter()
            .filter(|s| s.verdict == Verdict::Skipped)
            .collect();
        let _ = writeln!(
            out,
            "\n{} against {} ({}): {} scenarios would run, {} skipped",
            r.family,
            r.target,
            r.base_url,
            would.len(),
            skipped.len()
        );
        for s in would {
            let _ = writeln!(
                out,
                "  would run [{}] {} ({}:{})",
                s.ids(),
                s.name,
                s.shown_file().display(),
                s.line
            );
        }
        for s in skipped {
            let _ = writeln!(
                out,
                "  skip      [{}] {}: {}",
                s.ids(),
                s.name,
                s.reason().unwrap_or_default()
            );
        }
    }
    let total: usize = records.iter().map(|r| r.count(Verdict::NotRun)).sum();
    let _ = writeln!(out, "\n{total} scenarios would run");
    crate::redact::printable(&crate::redact::redact(&out))
}

/// The credential sources of `target`, by name: client certificate, personas' token sources.
fn credentials(out: &mut String, target: &Target) {
    let present = |b: bool| if b { "present" } else { "none" };
    let _ = writeln!(
        out,
        "  client certificate: {}; CA: {}; TLS verification: {}",
        present(target.tls.identity_pem.is_some()),
        present(target.tls.ca_pem.is_some()),
        if target.tls.insecure { "OFF" } else { "on" }
    );
    for (name, p) in &target.personas {
        let mut sources = Vec::new();
        if !p.tokens.is_empty() {
            let scopes: Vec<&str> = p.tokens.keys().map(String::as_str).collect();
            sources.push(format!("tokens ({})", scopes.join(", ")));
        }
        if p.refresh_token.is_some() {
            sources.push("refresh_token".to_string());
        }
        if p.login.is_some() {
            sources.push("login".to_string());
        }
        if p.token_command.is_some() {
            sources.push("token_command (not run in a dry run)".to_string());
        }
        if sources.is_empty() {
            sources.push("none".to_string());
        }
        let _ = writeln!(out, "  persona {name}: {}", sources.join(", "));
    }
}
