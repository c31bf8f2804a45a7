//! The closing lines of `obconf run`: the failed scenarios, each with its catalog ids and a
//! one-line reason; what changed since `--baseline`; then one count line, `N passed, N failed,
//! N skipped` (and every other verdict that occurred). Also the console's colours and its
//! progress line, which only a terminal sees.
//!
//! Everything here reads the record and returns text, redacted and made printable (bank bytes
//! never drive the terminal); colour codes are added after that, and only when asked for.

use std::fmt::Write as _;
use std::time::Duration;

use crate::runner::baseline::ScenarioChange;
use crate::runner::{RunRecord, ScenarioRecord, Verdict};

/// A terminal colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paint {
    Green,
    Red,
    Yellow,
    Bold,
}

/// `text` in `paint` when `color` is on; `text` unchanged otherwise.
pub fn paint(text: &str, paint: Paint, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let code = match paint {
        Paint::Green => "32",
        Paint::Red => "31",
        Paint::Yellow => "33",
        Paint::Bold => "1",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// The colour a verdict is shown in.
pub fn verdict_paint(v: Verdict) -> Paint {
    match v {
        Verdict::Passed => Paint::Green,
        Verdict::Skipped | Verdict::Waived | Verdict::NotRun => Paint::Yellow,
        _ => Paint::Red,
    }
}

/// Printable and redacted: what reaches the terminal.
fn clean(text: &str) -> String {
    crate::redact::printable(&crate::redact::redact(text))
}

/// The count of each verdict over `runs`, in report order, as `N passed, N failed, N skipped`
/// followed by the other verdicts that occurred.
pub fn counts_line(runs: &[RunRecord], color: bool) -> String {
    let count = |v: Verdict| runs.iter().map(|r| r.count(v)).sum::<usize>();
    let always = [Verdict::Passed, Verdict::Failed, Verdict::Skipped];
    let others = Verdict::ALL
        .into_iter()
        .filter(|v| !always.contains(v) && count(*v) > 0);
    always
        .into_iter()
        .chain(others)
        .map(|v| {
            let n = count(v);
            let text = format!("{n} {}", v.label());
            if n > 0 && v != Verdict::Skipped {
                paint(&text, verdict_paint(v), color)
            } else {
                text
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a scenario failed, on one line: the first line of its failure message, or its reason.
pub fn one_line_reason(s: &ScenarioRecord) -> String {
    let reason = match (&s.failure, s.reason()) {
        (Some(f), _) => {
            let first = f.message.lines().next().unwrap_or_default();
            format!("{}: {first}", f.step)
        }
        (None, Some(reason)) => reason,
        (None, None) => s.verdict.label().to_string(),
    };
    clean(&reason)
}

/// The closing summary of `runs`.
pub fn closing(runs: &[RunRecord], color: bool) -> String {
    let mut out = String::new();
    let failed: Vec<(&RunRecord, &ScenarioRecord)> = runs
        .iter()
        .flat_map(|r| r.scenarios.iter().map(move |s| (r, s)))
        .filter(|(_, s)| matches!(s.verdict, Verdict::Failed | Verdict::Error))
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\n{}", paint("Failed scenarios:", Paint::Bold, color));
        for (r, s) in failed {
            let mark = paint(&s.verdict.label().to_uppercase(), Paint::Red, color);
            let _ = writeln!(
                out,
                "  {mark} [{}] {} ({}, {}:{}): {}",
                clean(&s.ids()),
                clean(&s.name),
                r.family,
                s.shown_file().display(),
                s.line,
                one_line_reason(s)
            );
        }
    }
    out.push_str(&baseline(runs, color));
    let _ = writeln!(out, "\n{}", counts_line(runs, color));
    out
}

/// What changed since the baseline, when there was one.
pub fn baseline(runs: &[RunRecord], color: bool) -> String {
    let compared: Vec<_> = runs.iter().filter_map(|r| r.baseline.as_ref()).collect();
    let Some(first) = compared.first() else {
        return String::new();
    };
    let mut out = String::new();
    let all = |pick: fn(&crate::runner::baseline::BaselineComparison) -> &Vec<ScenarioChange>| {
        compared
            .iter()
            .flat_map(|b| pick(b).iter())
            .collect::<Vec<_>>()
    };
    let newly_failing = all(|b| &b.newly_failing);
    let newly_passing = all(|b| &b.newly_passing);
    let still_failing = all(|b| &b.still_failing);
    let _ = writeln!(
        out,
        "\nSince the baseline {}: {}, {}, {}",
        clean(&first.source),
        paint(
            &format!("{} newly failing", newly_failing.len()),
            if newly_failing.is_empty() {
                Paint::Green
            } else {
                Paint::Red
            },
            color
        ),
        format_args!("{} newly passing", newly_passing.len()),
        format_args!("{} still failing", still_failing.len()),
    );
    for (label, list) in [
        ("newly failing", &newly_failing),
        ("newly passing", &newly_passing),
        ("still failing", &still_failing),
    ] {
        for c in list {
            let _ = writeln!(out, "  {label}: {}", clean(&c.line()));
        }
    }
    out
}

/// The progress line a terminal shows while scenarios run: counts so far and the time elapsed.
pub fn progress(counts: &[(Verdict, usize)], elapsed: Duration) -> String {
    let shown: Vec<String> = counts
        .iter()
        .filter(|(v, n)| *n > 0 || matches!(v, Verdict::Passed | Verdict::Failed))
        .map(|(v, n)| format!("{n} {}", v.label()))
        .collect();
    let done: usize = counts.iter().map(|(_, n)| n).sum();
    format!(
        "[{done} done: {} | {:.1} s]",
        shown.join(", "),
        elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_name_every_verdict_that_occurred_and_colour_only_when_asked() {
        let mut r = RunRecord::new("t", "x");
        let s = |verdict| crate::runner::ScenarioRecord {
            feature: "F".into(),
            path: "a.feature".into(),
            file: "x/a.feature".into(),
            name: "n".into(),
            line: 1,
            tags: vec![],
            catalog_ids: vec!["X-01".into()],
            verdict,
            steps: vec![],
            duration: Duration::ZERO,
            started: None,
            skip_reason: None,
            failure: None,
            other_exchanges: vec![],
            waiver: None,
            notes: Vec::new(),
        };
        r.scenarios = vec![s(Verdict::Passed), s(Verdict::Passed), s(Verdict::NotRun)];
        let runs = [r];
        assert_eq!(
            counts_line(&runs, false),
            "2 passed, 0 failed, 0 skipped, 1 not run"
        );
        assert!(counts_line(&runs, true).contains("\x1b[32m2 passed\x1b[0m"));
        assert!(!closing(&runs, false).contains('\x1b'));
    }
}
