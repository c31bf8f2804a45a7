//! The "Scenarios" section: the filter form, then each run's scenarios by feature, each with its
//! verdict, catalog ids, tags, skip reason or failure (step, message, evidence), and every step
//! with every exchange it made, as `ExchangeRecord::render` text in a collapsed `<details>`.
//!
//! Filters read data attributes only: `data-verdict` (a verdict slug) and `data-ids` (the
//! catalog ids, space-separated) on each `details.scenario`.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

use super::{Esc, badge, slug};
use crate::http::ExchangeRecord;
use crate::runner::record::StepRecord;
use crate::runner::{RunRecord, ScenarioRecord, StepStatus, Verdict};

/// The element id of scenario `scenario` of run `run`: numbers only, never record text.
pub(super) fn anchor(run: usize, scenario: usize) -> String {
    format!("r{run}-s{scenario}")
}

pub(super) fn section(out: &mut super::Sink<'_>, runs: &[RunRecord]) -> fmt::Result {
    writeln!(out, "<section id=\"scenarios\">")?;
    writeln!(out, "<h2>Scenarios</h2>")?;
    filters(out, runs)?;
    for (i, run) in runs.iter().enumerate() {
        one_run(out, i, run)?;
    }
    writeln!(out, "</section>")
}

/// The filter form: a check box per verdict, a catalog id prefix, the count shown.
fn filters(out: &mut String, runs: &[RunRecord]) -> fmt::Result {
    let total: usize = runs.iter().map(|r| r.scenarios.len()).sum();
    writeln!(
        out,
        "<form id=\"filters\" class=\"filters\" role=\"search\">"
    )?;
    writeln!(out, "<fieldset><legend>verdict</legend>")?;
    for v in Verdict::ALL {
        let n: usize = runs.iter().map(|r| r.count(v)).sum();
        writeln!(
            out,
            "<label><input type=\"checkbox\" name=\"verdict\" value=\"{}\" checked> {} ({n})</label>",
            slug(v),
            Esc(v.label())
        )?;
    }
    writeln!(out, "</fieldset>")?;
    writeln!(
        out,
        "<label>catalog id <input type=\"search\" id=\"filter-id\" name=\"id\" list=\"catalog-ids\" placeholder=\"an id or its start\" autocomplete=\"off\"></label>"
    )?;
    let ids: BTreeSet<&str> = runs
        .iter()
        .flat_map(|r| &r.scenarios)
        .flat_map(|s| &s.catalog_ids)
        .map(String::as_str)
        .collect();
    write!(out, "<datalist id=\"catalog-ids\">")?;
    for id in ids {
        write!(out, "<option value=\"{}\"></option>", Esc(id))?;
    }
    writeln!(out, "</datalist>")?;
    writeln!(
        out,
        "<output id=\"shown\" for=\"filter-id\">{total} scenarios</output>"
    )?;
    writeln!(out, "</form>")
}

fn one_run(out: &mut super::Sink<'_>, index: usize, run: &RunRecord) -> fmt::Result {
    writeln!(
        out,
        "<div class=\"run-scenarios\" data-family=\"{}\">",
        Esc(&run.family)
    )?;
    writeln!(
        out,
        "<h3>{} against {}</h3>",
        Esc(&run.family),
        Esc(&run.target)
    )?;
    if run.scenarios.is_empty() {
        writeln!(out, "<p>No scenario ran.</p>")?;
    }
    // Features in the order their first scenario comes, each with its scenarios in record order.
    let mut features: Vec<(&ScenarioRecord, Vec<usize>)> = Vec::new();
    for (i, s) in run.scenarios.iter().enumerate() {
        match features
            .iter_mut()
            .find(|(first, _)| first.feature == s.feature && first.path == s.path)
        {
            Some((_, members)) => members.push(i),
            None => features.push((s, vec![i])),
        }
    }
    for (first, members) in features {
        writeln!(out, "<section class=\"feature\">")?;
        writeln!(
            out,
            "<h4>{} <span class=\"where\">{}</span></h4>",
            Esc(&first.feature),
            Esc(&first.path.display().to_string())
        )?;
        for i in members {
            scenario(out, &anchor(index, i), run, &run.scenarios[i])?;
            out.spill();
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</div>")
}

fn scenario(out: &mut String, anchor: &str, run: &RunRecord, s: &ScenarioRecord) -> fmt::Result {
    let open = if matches!(
        s.verdict,
        Verdict::Failed | Verdict::Error | Verdict::CouldNotCheck
    ) {
        " open"
    } else {
        ""
    };
    writeln!(
        out,
        "<details class=\"scenario\" id=\"{anchor}\" data-verdict=\"{}\" data-ids=\"{}\"{open}>",
        slug(s.verdict),
        Esc(&s.catalog_ids.join(" "))
    )?;
    write!(out, "<summary>")?;
    badge(out, slug(s.verdict), s.verdict.label())?;
    writeln!(
        out,
        " <span class=\"id\">{}</span> <span class=\"name\">{}</span> <span class=\"where\">{}:{}</span> <span class=\"took\">{} ms</span></summary>",
        Esc(&s.ids()),
        Esc(&s.name),
        Esc(&s.path.display().to_string()),
        s.line,
        s.duration.as_millis()
    )?;
    if !s.tags.is_empty() {
        let tags: Vec<String> = s.tags.iter().map(|t| format!("@{t}")).collect();
        writeln!(out, "<p class=\"tags\">tags: {}</p>", Esc(&tags.join(" ")))?;
    }
    if let Some(reason) = s.reason() {
        writeln!(
            out,
            "<p class=\"reason\">{}: {}</p>",
            Esc(s.verdict.label()),
            Esc(&reason)
        )?;
    }
    for note in &s.notes {
        writeln!(out, "<p class=\"note\">observed: {}</p>", Esc(note))?;
    }
    if let Some(o) = run.expired_waiver_for(s) {
        writeln!(
            out,
            "<p class=\"reason\">a waiver covers this failure but {}: {}</p>",
            Esc(&o.note),
            Esc(&o.waiver.summary())
        )?;
    }
    if let Some(f) = &s.failure {
        writeln!(out, "<div class=\"failure\">")?;
        writeln!(
            out,
            "<p>{} at <code>{}</code> (line {})</p>",
            match s.verdict {
                Verdict::Error => "could not run",
                Verdict::CouldNotCheck => "could not check",
                Verdict::Waived => "failed (waived)",
                _ => "failed",
            },
            Esc(&f.step),
            f.line
        )?;
        writeln!(out, "<pre class=\"message\">{}</pre>", Esc(&f.message))?;
        if let Some(evidence) = &f.evidence {
            exchange(out, "evidence", evidence, true)?;
        }
        writeln!(out, "</div>")?;
    }
    if s.steps.is_empty() {
        writeln!(out, "<p class=\"where\">No steps recorded.</p>")?;
    } else {
        writeln!(out, "<ol class=\"steps\">")?;
        for st in &s.steps {
            step(out, st)?;
        }
        writeln!(out, "</ol>")?;
    }
    if !s.other_exchanges.is_empty() {
        writeln!(out, "<p>Exchanges outside steps (hooks):</p>")?;
        for e in &s.other_exchanges {
            exchange(out, "exchange", e, false)?;
        }
    }
    writeln!(out, "</details>")
}

fn step(out: &mut String, st: &StepRecord) -> fmt::Result {
    let (status, label) = match st.status {
        StepStatus::Passed => ("passed", "passed"),
        StepStatus::Failed => ("failed", "failed"),
        StepStatus::Undefined => ("undefined", "undefined: no step definition matches"),
        StepStatus::NotRun => ("not-run", "not run"),
    };
    write!(
        out,
        "<li class=\"step\" data-status=\"{status}\"><span class=\"keyword\">{}</span> <span class=\"text\">{}</span> <span class=\"where\">line {} · {label}</span>",
        Esc(st.keyword.trim()),
        Esc(&st.text),
        st.line
    )?;
    if st.started.is_some() {
        write!(
            out,
            " <span class=\"took\">{} ms</span>",
            st.duration.as_millis()
        )?;
    }
    writeln!(out)?;
    if let Some(doc) = &st.doc_string {
        writeln!(out, "<pre class=\"doc-string\">{}</pre>", Esc(&doc.value))?;
    }
    if !st.rows.is_empty() {
        writeln!(out, "<table class=\"data-table\">")?;
        for row in &st.rows {
            write!(out, "<tr>")?;
            for cell in row {
                write!(out, "<td>{}</td>", Esc(cell))?;
            }
            writeln!(out, "</tr>")?;
        }
        writeln!(out, "</table>")?;
    }
    for e in &st.exchanges {
        exchange(out, "exchange", e, false)?;
    }
    writeln!(out, "</li>")
}

/// `<details class="exchange"><summary>GET … → 200</summary><pre>request: …</pre></details>`.
fn exchange(out: &mut String, class: &str, e: &ExchangeRecord, open: bool) -> fmt::Result {
    writeln!(
        out,
        "<details class=\"{class}\"{}><summary>{}{}</summary><pre>{}</pre></details>",
        if open { " open" } else { "" },
        if class == "evidence" {
            "evidence: "
        } else {
            ""
        },
        Esc(&e.summary()),
        Esc(&e.render())
    )
}
