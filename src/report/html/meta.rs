//! The "Runs" section: each run's metadata, so that a reader knows which bank was tested, by
//! which obconf, how (capabilities, faults, TLS checks) and when, and whether the run finished.

use std::fmt::{self, Write as _};

use super::{Esc, instant};
use crate::runner::RunRecord;

pub(super) fn section(out: &mut String, runs: &[RunRecord]) -> fmt::Result {
    writeln!(out, "<section id=\"runs\">")?;
    writeln!(out, "<h2>Runs</h2>")?;
    if runs.is_empty() {
        writeln!(out, "<p>Nothing ran.</p>")?;
    }
    for (i, run) in runs.iter().enumerate() {
        one(out, i, run)?;
    }
    writeln!(out, "</section>")
}

fn one(out: &mut String, index: usize, run: &RunRecord) -> fmt::Result {
    writeln!(
        out,
        "<article class=\"run\" id=\"run-{index}\" data-family=\"{}\">",
        Esc(&run.family)
    )?;
    writeln!(
        out,
        "<h3>{} against {}</h3>",
        Esc(&run.family),
        Esc(&run.target)
    )?;
    if run.tls_insecure {
        writeln!(
            out,
            "<p class=\"warning\" role=\"alert\">TLS certificate verification was OFF for this run (tls.insecure): its results prove nothing about the bank's TLS.</p>"
        )?;
    }
    if let Some(why) = &run.interrupted {
        writeln!(
            out,
            "<p class=\"warning\" role=\"alert\">The run stopped before every scenario finished: {}</p>",
            Esc(why)
        )?;
    }
    writeln!(out, "<dl class=\"meta\">")?;
    item(out, "obconf version", &run.obconf_version)?;
    item(out, "family", &run.family)?;
    item(out, "target", &run.target)?;
    item(out, "base URL", &run.base_url)?;
    item(out, "capabilities", &list(&run.capabilities))?;
    item(out, "faults", &list(&run.faults))?;
    item(
        out,
        "TLS verification",
        if run.tls_insecure {
            "OFF (tls.insecure: true)"
        } else {
            "on"
        },
    )?;
    item(out, "started", &instant(&run.started))?;
    let finished = run
        .finished
        .as_ref()
        .map(instant)
        .unwrap_or_else(|| "did not finish".into());
    item(out, "finished", &finished)?;
    item(
        out,
        "duration",
        &format!("{:.2} s", run.duration.as_secs_f64()),
    )?;
    item(
        out,
        "interrupted",
        &run.interrupted
            .as_ref()
            .map(|why| format!("yes: {why}"))
            .unwrap_or_else(|| "no".into()),
    )?;
    item(
        out,
        "catalog version",
        &crate::catalog::catalog().version.to_string(),
    )?;
    if let Some(c) = &run.coverage {
        item(out, "catalog coverage", &c.line())?;
    }
    item(out, "scenarios", &run.scenarios.len().to_string())?;
    writeln!(out, "</dl>")?;
    if !run.waivers.is_empty() {
        writeln!(out, "<p>Waivers:</p>\n<ul class=\"waivers\">")?;
        for o in &run.waivers {
            writeln!(out, "<li>{}</li>", Esc(&o.line()))?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(out, "</article>")
}

fn item(out: &mut String, name: &str, value: &str) -> fmt::Result {
    writeln!(out, "<dt>{}</dt><dd>{}</dd>", Esc(name), Esc(value))
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}
