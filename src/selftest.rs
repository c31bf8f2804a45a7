//! The mutation matrix: proof that no check is blind.
//!
//! The suite runs against the healthy embedded bank (every scenario must pass) and then once per
//! named fault. A fault must break every catalog id it claims; every scenario must be broken by at
//! least one fault. A scenario no fault can fail is a defect, like an assertion that cannot fail.
//!
//! The matrix also runs inside a healthy variant of the bank ([`mutation_matrix_in`], a seed):
//! the variant's own data, ids, orders and documented readings must still pass everywhere, and
//! every fault must still be caught. A variant that is not sound names its seed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::family::Family;
use crate::runner::{self, RunError, RunRecord, RunRequest, Verdict};
use crate::sandbox::Fault;

/// One fault's effect.
#[derive(Debug)]
pub struct FaultRow {
    pub fault: Fault,
    /// Scenarios (`id name`) that failed with this fault on.
    pub broken: Vec<String>,
    /// Ids the fault claims that no failing scenario carries.
    pub unbroken_claims: Vec<String>,
}

/// The whole matrix for one family.
#[derive(Debug)]
pub struct Matrix {
    pub family: String,
    /// The seed of the healthy variant the matrix ran in; `None`: the canonical bank.
    pub variant: Option<u64>,
    /// Only some faults ran (see [`mutation_matrix_in`]): no scenario is called blind.
    pub partial: bool,
    pub healthy: RunRecord,
    pub rows: Vec<FaultRow>,
    /// Scenarios that no fault breaks.
    pub blind: Vec<String>,
}

impl Matrix {
    /// Healthy bank all green, every claim kept, no blind scenario.
    pub fn is_sound(&self) -> bool {
        !self.healthy.failed()
            && self.rows.iter().all(|r| r.unbroken_claims.is_empty())
            && (self.partial || self.blind.is_empty())
    }

    /// The matrix as text for users.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let bank = match self.variant {
            Some(seed) => format!("healthy variant (seed {seed})"),
            None => "healthy bank".to_string(),
        };
        let _ = writeln!(
            out,
            "{}: {bank}: {} passed, {} failed, {} skipped ({:.2} s)",
            self.family,
            self.healthy.count(Verdict::Passed),
            self.healthy.count(Verdict::Failed),
            self.healthy.count(Verdict::Skipped),
            self.healthy.duration.as_secs_f64()
        );
        for s in self
            .healthy
            .scenarios
            .iter()
            .filter(|s| s.verdict.fails_the_run())
        {
            let _ = writeln!(
                out,
                "  {} ON THE {}: [{}] {}",
                s.verdict.label().to_uppercase(),
                bank.to_uppercase(),
                s.ids(),
                s.name
            );
            if let Some(f) = &s.failure {
                let first = f.message.lines().next().unwrap_or_default();
                let _ = writeln!(out, "       {}: {first}", f.step);
            }
        }
        for row in &self.rows {
            let mark = if row.unbroken_claims.is_empty() {
                "ok  "
            } else {
                "MISS"
            };
            let _ = writeln!(
                out,
                "  {mark} fault {:<28} breaks {:>2} scenario(s): {}",
                row.fault.name,
                row.broken.len(),
                row.fault.rule
            );
            for id in &row.unbroken_claims {
                let _ = writeln!(
                    out,
                    "       claims {id} but no scenario with that id failed"
                );
            }
        }
        if self.partial {
            let _ = writeln!(
                out,
                "  (some faults only: blind scenarios are not looked for)"
            );
        } else if self.blind.is_empty() {
            let _ = writeln!(out, "  every scenario is broken by at least one fault");
        } else {
            for s in &self.blind {
                let _ = writeln!(out, "  BLIND: no fault breaks `{s}`");
            }
        }
        let _ = writeln!(
            out,
            "  verdict: {}",
            if self.is_sound() {
                "sound"
            } else {
                "NOT SOUND"
            }
        );
        if let (Some(seed), false) = (self.variant, self.is_sound()) {
            let _ = writeln!(
                out,
                "  reproduce: obconf self-test --family {} --variants 1 --seed {seed}",
                self.family
            );
        }
        out
    }
}

fn key(s: &runner::ScenarioRecord) -> String {
    format!("[{}] {}", s.ids(), s.name)
}

/// Runs the matrix for `family` with the features under `features_root`.
pub async fn mutation_matrix(
    family: &'static dyn Family,
    features_root: &Path,
) -> Result<Matrix, RunError> {
    mutation_matrix_in(family, features_root, None, &|_| true).await
}

/// Runs the matrix inside the healthy variant `variant` (`None`: the canonical bank), with the
/// faults whose index `keep` accepts (all of them for a full matrix).
pub async fn mutation_matrix_in(
    family: &'static dyn Family,
    features_root: &Path,
    variant: Option<u64>,
    keep: &(dyn Fn(usize) -> bool + Sync),
) -> Result<Matrix, RunError> {
    let run_with = |faults: Vec<String>| {
        let mut target = family.embedded_target();
        target.faults = faults;
        target.variant = variant;
        RunRequest::new(target, features_root.to_path_buf())
    };
    let healthy = run_once(family, run_with(Vec::new())).await?;
    let ran: BTreeSet<String> = healthy
        .scenarios
        .iter()
        .filter(|s| s.verdict != Verdict::Skipped)
        .map(key)
        .collect();
    let mut broken_by: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut partial = false;
    for (index, fault) in family.about().faults.iter().enumerate() {
        if !keep(index) {
            partial = true;
            continue;
        }
        let record = run_once(family, run_with(vec![fault.name.to_string()])).await?;
        let failed: Vec<&runner::ScenarioRecord> = record
            .scenarios
            .iter()
            .filter(|s| s.verdict == Verdict::Failed)
            .collect();
        for s in &failed {
            *broken_by.entry(key(s)).or_default() += 1;
        }
        let failed_ids: BTreeSet<&str> = failed
            .iter()
            .flat_map(|s| s.catalog_ids.iter().map(String::as_str))
            .collect();
        rows.push(FaultRow {
            fault: *fault,
            broken: failed.iter().map(|s| key(s)).collect(),
            unbroken_claims: fault
                .breaks
                .iter()
                .filter(|id| !failed_ids.contains(**id))
                .map(|id| id.to_string())
                .collect(),
        });
    }
    let blind = ran
        .into_iter()
        .filter(|s| !broken_by.contains_key(s))
        .collect();
    Ok(Matrix {
        family: family.about().name.to_string(),
        variant,
        partial,
        healthy,
        rows,
        blind,
    })
}

/// The scenarios that no fault breaks in any of `matrices`: matrices of one family (the canonical
/// bank and some variants) that shared its faults out between them, so that each fault runs once
/// and the proof that no scenario is blind still covers every scenario that ran.
pub fn blind_across(matrices: &[Matrix]) -> Vec<String> {
    let ran: BTreeSet<String> = matrices
        .iter()
        .flat_map(|m| m.healthy.scenarios.iter())
        .filter(|s| s.verdict != Verdict::Skipped)
        .map(key)
        .collect();
    let broken: BTreeSet<&String> = matrices
        .iter()
        .flat_map(|m| m.rows.iter())
        .flat_map(|r| r.broken.iter())
        .collect();
    ran.into_iter().filter(|s| !broken.contains(s)).collect()
}

async fn run_once(family: &'static dyn Family, request: RunRequest) -> Result<RunRecord, RunError> {
    let record = Arc::new(Mutex::new(RunRecord::new("", family.about().name)));
    runner::run(request, family, record.clone()).await?;
    Ok(RunRecord::take(&record))
}
