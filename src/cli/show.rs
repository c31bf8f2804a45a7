//! `obconf list`, `obconf faults` and `obconf self-test`: commands that describe rather than certify.

use std::path::PathBuf;

use super::{EXIT_FAILED, EXIT_PASSED, EXIT_USAGE, report_error};
use crate::catalog::Coverage;
use crate::features::{FeatureSet, default_root, family_dir};
use crate::steps::families;

fn root(features: Option<PathBuf>) -> Result<PathBuf, crate::features::FeatureError> {
    match features {
        Some(p) => Ok(p),
        None => default_root(),
    }
}

pub fn list(features: Option<PathBuf>) -> i32 {
    let root = match root(features) {
        Ok(r) => r,
        Err(e) => {
            report_error(&e);
            return EXIT_USAGE;
        }
    };
    for family in families() {
        let names: Vec<&str> = families().iter().map(|f| f.name()).collect();
        let Some(dir) = family_dir(&root, family.name(), &names) else {
            continue;
        };
        let set = match FeatureSet::load(&dir) {
            Ok(s) => s,
            Err(crate::features::FeatureError::NoDir(_)) => continue,
            Err(e) => {
                report_error(&e);
                return EXIT_USAGE;
            }
        };
        println!("{} ({})", family.title(), family.name());
        for s in set.scenarios() {
            let ids = s.catalog_ids();
            println!(
                "  {:<18} {}  ({})",
                if ids.is_empty() {
                    "-".to_string()
                } else {
                    ids.join(",")
                },
                s.name,
                s.location()
            );
        }
        let coverage = Coverage::of(family.catalog_prefix(), &set.tagged_ids());
        println!("  coverage {}", coverage.line());
        if !coverage.missing.is_empty() {
            println!("  without a scenario yet: {}", coverage.missing.join(", "));
        }
    }
    EXIT_PASSED
}

pub fn faults() -> i32 {
    for family in families() {
        println!("{} ({})", family.title(), family.name());
        for f in family.faults() {
            println!("  {:<28} {}", f.name, f.rule);
            println!("  {:<28} breaks {}", "", f.breaks.join(", "));
        }
    }
    EXIT_PASSED
}

pub async fn self_test(features: Option<PathBuf>, only: Option<String>) -> i32 {
    let root = match root(features) {
        Ok(r) => r,
        Err(e) => {
            report_error(&e);
            return EXIT_USAGE;
        }
    };
    let mut sound = true;
    for family in families() {
        if only.as_deref().is_some_and(|o| o != family.name()) {
            continue;
        }
        match crate::selftest::mutation_matrix(family, &root).await {
            Ok(m) => {
                print!("{}", m.render());
                sound &= m.is_sound();
            }
            Err(e) => {
                report_error(&e);
                return EXIT_USAGE;
            }
        }
    }
    if sound { EXIT_PASSED } else { EXIT_FAILED }
}
