//! What a run is about to run, checked before anything runs: a selection that matches no
//! scenario, or a selected scenario with a step no definition matches, is a usage error.
//!
//! A typo in `--tags` or `--name`, or in a step's words, must never give a green run (nothing
//! ran, so nothing failed) and must never overwrite the previous reports: the command line calls
//! [`check`] before any bank starts or any report is written. This module only reads feature
//! files and the step inventory; it never starts a bank or sends a request.

use std::path::Path;

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;

use super::RunError;
use crate::family::Family;
use crate::features::{FeatureSet, family_dir};

/// A step of a selected scenario that no step definition matches.
#[derive(Debug)]
pub struct UndefinedStep {
    /// `features/stet/accounts.feature:12`.
    pub at: String,
    /// `When the TPP sends …`.
    pub text: String,
}

/// Fails when the selection (`tags`, `name`) matches no scenario of `families`' features under
/// `root`, or when a selected scenario has an undefined step.
pub fn check(
    root: &Path,
    families: &[&'static dyn Family],
    tags: Option<&str>,
    name: Option<&regex::Regex>,
) -> Result<(), RunError> {
    let tag_filter = match tags {
        Some(expr) => Some(expr.parse::<TagOperation>().map_err(|e| RunError::Tags {
            expr: expr.to_string(),
            detail: e.to_string(),
        })?),
        None => None,
    };
    let names: Vec<&str> = crate::steps::families()
        .iter()
        .map(|f| f.about().name)
        .collect();
    let mut selected = 0;
    let mut undefined = Vec::new();
    for family in families {
        let Some(dir) = family_dir(root, family.about().name, &names) else {
            continue;
        };
        let features = FeatureSet::load(&dir)?;
        let book = super::guard::StepBook::of(family.about().name, &names);
        for s in features.scenarios() {
            let chosen = tag_filter.as_ref().is_none_or(|t| t.eval(s.tags.iter()))
                && name.is_none_or(|re| re.is_match(&s.name));
            if !chosen {
                continue;
            }
            selected += 1;
            for step in &s.steps {
                if !book.is_defined(step) {
                    undefined.push(UndefinedStep {
                        at: format!("{}:{}", s.path.display(), step.position.line),
                        text: format!("{} {}", step.keyword.trim(), step.value),
                    });
                }
            }
        }
    }
    if selected == 0 && (tags.is_some() || name.is_some()) {
        return Err(RunError::NothingSelected {
            selection: [
                tags.map(|t| format!("--tags `{t}`")),
                name.map(|n| format!("--name `{}`", n.as_str())),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" and "),
        });
    }
    if !undefined.is_empty() {
        return Err(RunError::UndefinedSteps(undefined));
    }
    Ok(())
}

/// The undefined steps, one a line.
pub fn render_undefined(steps: &[UndefinedStep]) -> String {
    steps
        .iter()
        .map(|s| format!("\n  {}: {}", s.at, s.text))
        .collect()
}
