//! The "Summary" section: scenario counts per verdict, one row per family (its run's total) and
//! one per feature under it, and the invocation's total when several families ran.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use super::{Esc, slug};
use crate::runner::{RunRecord, Verdict};

pub(super) fn section(out: &mut String, runs: &[RunRecord]) -> fmt::Result {
    writeln!(out, "<section id=\"summary\">")?;
    writeln!(out, "<h2>Summary</h2>")?;
    writeln!(out, "<table class=\"summary\">")?;
    write!(out, "<thead><tr><th>family / feature</th>")?;
    for v in Verdict::ALL {
        write!(out, "<th>{}</th>", Esc(v.label()))?;
    }
    writeln!(out, "<th>total</th></tr></thead>")?;
    writeln!(out, "<tbody>")?;
    for run in runs {
        row(
            out,
            "family-row",
            &run.family,
            &format!("{} against {}", run.family, run.target),
            &|v| run.count(v),
            run.scenarios.len(),
        )?;
        let mut features: BTreeMap<&str, BTreeMap<Verdict, usize>> = BTreeMap::new();
        for s in &run.scenarios {
            *features
                .entry(s.feature.as_str())
                .or_default()
                .entry(s.verdict)
                .or_default() += 1;
        }
        for (feature, counts) in &features {
            row(
                out,
                "feature-row",
                &run.family,
                feature,
                &|v| counts.get(&v).copied().unwrap_or(0),
                counts.values().sum(),
            )?;
        }
    }
    if runs.len() > 1 {
        let count = |v: Verdict| runs.iter().map(|r| r.count(v)).sum::<usize>();
        let total = runs.iter().map(|r| r.scenarios.len()).sum();
        row(out, "total-row", "", "total", &count, total)?;
    }
    writeln!(out, "</tbody>")?;
    writeln!(out, "</table>")?;
    writeln!(out, "</section>")
}

/// `<tr class="family-row" data-family="…"><th>…</th><td data-verdict="passed">3</td>…</tr>`.
fn row(
    out: &mut String,
    class: &str,
    family: &str,
    name: &str,
    count: &dyn Fn(Verdict) -> usize,
    total: usize,
) -> fmt::Result {
    write!(
        out,
        "<tr class=\"{class}\" data-family=\"{}\"><th>{}</th>",
        Esc(family),
        Esc(name)
    )?;
    for v in Verdict::ALL {
        let n = count(v);
        let zero = if n == 0 { " zero" } else { "" };
        write!(
            out,
            "<td class=\"n{zero}\" data-verdict=\"{}\">{n}</td>",
            slug(v)
        )?;
    }
    writeln!(
        out,
        "<td class=\"n\" data-verdict=\"total\">{total}</td></tr>"
    )
}
