//! The "Coverage matrix" section: for each run, every catalog id of its family, whether it is
//! mandatory, the scenarios that carry it (linked to them), the id's verdict and why, ending with
//! "mandatory ids passed X/Y". The matrix itself is computed in [`crate::report::coverage`].

use std::fmt::{self, Write as _};

use super::{Esc, badge, scenarios::anchor, slug};
use crate::report::coverage::{FamilyCoverage, IdVerdict};
use crate::runner::RunRecord;

pub(super) fn section(out: &mut String, runs: &[RunRecord]) -> fmt::Result {
    writeln!(out, "<section id=\"coverage\">")?;
    writeln!(out, "<h2>Coverage matrix</h2>")?;
    for (i, run) in runs.iter().enumerate() {
        one(out, i, run, &FamilyCoverage::of(run))?;
    }
    writeln!(out, "</section>")
}

fn one(out: &mut String, index: usize, run: &RunRecord, m: &FamilyCoverage) -> fmt::Result {
    writeln!(
        out,
        "<article class=\"matrix\" data-family=\"{}\">",
        Esc(&m.family)
    )?;
    writeln!(
        out,
        "<h3>{} against {}: catalog ids {}…</h3>",
        Esc(&m.family),
        Esc(&m.target),
        Esc(&m.prefix)
    )?;
    if m.ids.is_empty() {
        writeln!(out, "<p>The catalog has no id for this family.</p>")?;
        return writeln!(out, "</article>");
    }
    write!(out, "<p class=\"id-counts\">")?;
    let mut first = true;
    for v in IdVerdict::ALL.into_iter().filter(|v| m.count(*v) > 0) {
        if !first {
            write!(out, ", ")?;
        }
        first = false;
        write!(
            out,
            "<span data-verdict=\"{}\">{} {}</span>",
            v.slug(),
            Esc(v.label()),
            m.count(v)
        )?;
    }
    writeln!(out, "</p>")?;
    writeln!(
        out,
        "<table class=\"matrix\"><thead><tr><th>catalog id</th><th>mandatory</th><th>verdict</th><th>scenarios</th><th>why</th></tr></thead>"
    )?;
    writeln!(out, "<tbody>")?;
    for id in &m.ids {
        write!(
            out,
            "<tr class=\"id-row\" data-ids=\"{}\" data-verdict=\"{}\"><td class=\"id\">{}</td><td>{}</td><td>",
            Esc(&id.id),
            id.verdict.slug(),
            Esc(&id.id),
            if id.mandatory {
                "mandatory"
            } else {
                "optional"
            }
        )?;
        badge(out, id.verdict.slug(), id.verdict.label())?;
        write!(out, "</td><td><ul class=\"plain\">")?;
        // The matrix lists an id's scenarios in record order: the same filter finds their places.
        let places = run
            .scenarios
            .iter()
            .enumerate()
            .filter(|(_, s)| s.catalog_ids.contains(&id.id))
            .map(|(i, _)| i);
        for (s, place) in id.scenarios.iter().zip(places) {
            write!(
                out,
                "<li><a href=\"#{}\">{}</a> ",
                anchor(index, place),
                Esc(&s.name)
            )?;
            badge(out, slug(s.verdict), s.verdict.label())?;
            write!(out, "</li>")?;
        }
        write!(out, "</ul></td><td>")?;
        if let Some(reason) = &id.reason {
            write!(out, "{}", Esc(reason))?;
        }
        writeln!(out, "</td></tr>")?;
    }
    writeln!(out, "</tbody></table>")?;
    writeln!(
        out,
        "<p class=\"mandatory\" data-family=\"{}\" data-passed=\"{}\" data-total=\"{}\">{}: <strong>{}</strong></p>",
        Esc(&m.family),
        m.mandatory_passed,
        m.mandatory_total,
        Esc(&m.family),
        Esc(&m.mandatory_line())
    )?;
    writeln!(out, "</article>")
}
