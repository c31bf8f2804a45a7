//! Step definitions: the shared vocabulary, then one module per API family, and the family registry.
//!
//! Adding a family: a folder `steps/<family>/` whose `mod.rs` implements [`crate::family::Family`]
//! (its `About` constants, its embedded bank, and the `Wire` that `prepare` builds for a run), one
//! line below in [`families`], its features in `features/<family>/` and its bank in
//! `src/sandbox/<family>/`. Nothing else changes. A step defined in `steps/<family>/` runs only in
//! that family's scenarios (the runner guards it).

pub mod altareq;
pub mod common;
pub mod finqware;
pub mod saltedge;
pub mod stet;

use crate::family::Family;

/// Every family obconf knows, in the order `obconf run` runs them.
pub fn families() -> Vec<&'static dyn Family> {
    vec![
        &stet::STET,
        &saltedge::SALTEDGE,
        &finqware::FINQWARE,
        &altareq::ALTAREQ,
    ]
}

/// The family named `name` (a target file's `family:`).
pub fn family(name: &str) -> Option<&'static dyn Family> {
    crate::family::find(&families(), name)
}

#[cfg(test)]
mod tests {
    use super::families;
    use crate::features::{CAPABILITY_TAG, SANDBOX_CLOCK, WITHOUT_TAG};

    /// `About::capabilities` is the family's list of what a target may declare: every capability
    /// its scenarios name must be on it, so the list can be shown and checked.
    #[test]
    fn every_capability_a_familys_scenarios_name_is_in_its_about() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("features");
        for family in families() {
            let about = family.about();
            let dir = root.join(about.name);
            let mut named = Vec::new();
            for entry in std::fs::read_dir(&dir).expect("the family's features folder") {
                let text = std::fs::read_to_string(entry.expect("an entry").path())
                    .expect("a feature file");
                for tag in text.split_whitespace().filter_map(|w| w.strip_prefix('@')) {
                    if let Some(c) = tag
                        .strip_prefix(CAPABILITY_TAG)
                        .or_else(|| tag.strip_prefix(WITHOUT_TAG))
                    {
                        named.push(c.to_string());
                    }
                }
            }
            for c in named {
                assert!(
                    c == SANDBOX_CLOCK || about.capabilities.contains(&c.as_str()),
                    "{}: capability `{c}` is not in its About",
                    about.name
                );
            }
        }
    }
}
