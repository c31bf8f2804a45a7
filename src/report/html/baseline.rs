//! The "Since the baseline" section, shown only when the run was compared with an earlier one
//! (`--baseline`): per family, the newly failing, newly passing and still failing scenarios, each
//! with its catalog ids, file:line and its verdict then and now. Every text is escaped.

use std::fmt::{self, Write as _};

use super::Esc;
use crate::runner::RunRecord;
use crate::runner::baseline::ScenarioChange;

pub(super) fn section(out: &mut String, runs: &[RunRecord]) -> fmt::Result {
    if runs.iter().all(|r| r.baseline.is_none()) {
        return Ok(());
    }
    writeln!(out, "<section id=\"baseline\">")?;
    writeln!(out, "<h2>Since the baseline</h2>")?;
    for run in runs {
        let Some(b) = &run.baseline else { continue };
        writeln!(
            out,
            "<h3>{} against {}: compared with {}{}</h3>",
            Esc(&run.family),
            Esc(&run.target),
            Esc(&b.source),
            b.baseline_started
                .as_deref()
                .map(|t| format!(" (run of {})", Esc(t)))
                .unwrap_or_default()
        )?;
        writeln!(out, "<table class=\"baseline\">")?;
        writeln!(
            out,
            "<thead><tr><th>change</th><th>catalog ids</th><th>scenario</th><th>file</th><th>was</th><th>now</th></tr></thead>"
        )?;
        writeln!(out, "<tbody>")?;
        for (label, class, list) in [
            ("newly failing", "failed", &b.newly_failing),
            ("newly passing", "passed", &b.newly_passing),
            ("still failing", "failed", &b.still_failing),
        ] {
            if list.is_empty() {
                writeln!(out, "<tr><td>{label}</td><td colspan=\"5\">none</td></tr>")?;
            }
            for c in list {
                row(out, label, class, c)?;
            }
        }
        writeln!(out, "</tbody></table>")?;
    }
    writeln!(out, "</section>")
}

fn row(out: &mut String, label: &str, class: &str, c: &ScenarioChange) -> fmt::Result {
    writeln!(
        out,
        "<tr class=\"{class}\"><td>{label}</td><td>{}</td><td>{}</td><td>{}:{}</td><td>{}</td><td>{}</td></tr>",
        Esc(&c.catalog_ids.join(", ")),
        Esc(&c.name),
        Esc(&c.file.display().to_string()),
        c.line,
        Esc(c.was.map_or("absent", |v| v.label())),
        Esc(c.verdict.label())
    )
}
