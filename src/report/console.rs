//! The console summary: failures with their evidence, then a table per feature, then coverage.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use tabled::settings::Style;
use tabled::{Table, Tabled};

use crate::runner::{RunRecord, Verdict};

#[derive(Tabled)]
struct Row {
    #[tabled(rename = "feature")]
    feature: String,
    passed: usize,
    failed: usize,
    skipped: usize,
}

/// Failures, skips with reasons, the per-feature table and the coverage line for each record.
pub fn summary(records: &[RunRecord]) -> String {
    let mut out = String::new();
    for record in records {
        let failures: Vec<String> = record
            .scenarios
            .iter()
            .filter_map(|s| s.failure_text())
            .collect();
        if !failures.is_empty() {
            let _ = writeln!(out, "\nFailures ({} on {}):", record.family, record.target);
            for f in failures {
                let _ = writeln!(out, "\n{f}");
            }
        }
        let skips: Vec<String> = record
            .scenarios
            .iter()
            .filter(|s| s.verdict == Verdict::Skipped || s.verdict == Verdict::NotRun)
            .map(|s| {
                format!(
                    "  {} [{}] {}: {}",
                    s.verdict.label(),
                    s.ids(),
                    s.name,
                    s.skip_reason.as_deref().unwrap_or("the run stopped first")
                )
            })
            .collect();
        if !skips.is_empty() {
            let _ = writeln!(out, "\nNot run:");
            for s in skips {
                let _ = writeln!(out, "{s}");
            }
        }
        let mut rows: BTreeMap<String, Row> = BTreeMap::new();
        for s in &record.scenarios {
            let row = rows.entry(s.feature.clone()).or_insert_with(|| Row {
                feature: s.feature.clone(),
                passed: 0,
                failed: 0,
                skipped: 0,
            });
            match s.verdict {
                Verdict::Passed => row.passed += 1,
                Verdict::Failed => row.failed += 1,
                Verdict::Skipped | Verdict::NotRun => row.skipped += 1,
            }
        }
        let total = Row {
            feature: "total".into(),
            passed: record.count(Verdict::Passed),
            failed: record.count(Verdict::Failed),
            skipped: record.count(Verdict::Skipped) + record.count(Verdict::NotRun),
        };
        let mut table_rows: Vec<Row> = rows.into_values().collect();
        table_rows.push(total);
        let _ = writeln!(
            out,
            "\n{} against {} ({:.2} s)",
            record.family,
            record.target,
            record.duration.as_secs_f64()
        );
        let _ = writeln!(out, "{}", Table::new(table_rows).with(Style::modern()));
        if let Some(c) = &record.coverage {
            let _ = write!(out, "coverage {}", c.line());
            if c.missing.is_empty() {
                let _ = writeln!(out);
            } else {
                let _ = writeln!(out, "; without a scenario: {}", c.missing.join(", "));
            }
        }
        if let Some(why) = &record.interrupted {
            let _ = writeln!(out, "the run stopped early: {why}");
        }
    }
    crate::redact::redact(&out)
}
