//! `obconf list`, `obconf faults` and `obconf self-test`: commands that describe rather than certify.

use std::path::PathBuf;

use super::CliError;

/// `println!` to standard output without its panic on a closed pipe (`obconf list | head -1`):
/// once the reader is gone, the rest is dropped quietly.
macro_rules! out {
    ($($arg:tt)*) => {
        super::say(&format!("{}\n", format_args!($($arg)*)))
    };
}
use crate::catalog::Coverage;
use crate::features::{FeatureSet, default_root, family_dir};
use crate::steps::families;

/// The features folder given (which must exist), or the project's own.
fn root(features: Option<PathBuf>) -> Result<PathBuf, crate::features::FeatureError> {
    match features {
        Some(p) if !p.is_dir() => Err(crate::features::FeatureError::NoDir(p)),
        Some(p) => Ok(p),
        None => default_root(),
    }
}

pub fn list(features: Option<PathBuf>) -> Result<(), CliError> {
    let root = root(features)?;
    for family in families() {
        let names: Vec<&str> = families().iter().map(|f| f.about().name).collect();
        let Some(dir) = family_dir(&root, family.about().name, &names) else {
            continue;
        };
        let set = match FeatureSet::load(&dir) {
            Ok(s) => s,
            Err(crate::features::FeatureError::NoDir(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        out!("{} ({})", family.about().title, family.about().name);
        for s in set.scenarios() {
            let ids = s.catalog_ids();
            out!(
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
        let coverage = Coverage::of(family.about().catalog_prefix, &set.tagged_ids());
        out!("  coverage {}", coverage.line());
        if !coverage.missing.is_empty() {
            out!("  without a scenario yet: {}", coverage.missing.join(", "));
        }
    }
    Ok(())
}

pub fn faults() -> Result<(), CliError> {
    for family in families() {
        out!("{} ({})", family.about().title, family.about().name);
        for f in family.about().faults {
            out!("  {:<28} {}", f.name, f.rule);
            out!("  {:<28} breaks {}", "", f.breaks.join(", "));
        }
    }
    Ok(())
}

pub async fn self_test(
    features: Option<PathBuf>,
    only: Option<String>,
    variants: Option<u32>,
    seed: Option<u64>,
) -> Result<(), CliError> {
    let root = root(features)?;
    if let Some(name) = only.as_deref()
        && crate::steps::family(name).is_none()
    {
        return Err(CliError::UnknownFamily {
            origin: None,
            family: name.to_string(),
            known: families().iter().map(|f| f.about().name).collect(),
        });
    }
    let seeds: Vec<Option<u64>> = match variants {
        None => vec![None],
        Some(n) => {
            let first = seed.unwrap_or_else(|| u64::from(rand::random::<u32>()));
            println!(
                "variants: {n}, seeds {first}..{}",
                first.saturating_add(u64::from(n))
            );
            (0..u64::from(n))
                .map(|i| Some(first.wrapping_add(i)))
                .collect()
        }
    };
    let mut sound = true;
    for family in families() {
        if only.as_deref().is_some_and(|o| o != family.about().name) {
            continue;
        }
        for variant in &seeds {
            let m = crate::selftest::mutation_matrix_in(family, &root, *variant, &|_| true).await?;
            super::say(&m.render());
            sound &= m.is_sound();
        }
    }
    if sound {
        Ok(())
    } else {
        Err(CliError::NotSound)
    }
}
