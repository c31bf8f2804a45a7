//! Step definitions: the shared vocabulary, then one module per API family, and the family registry.
//!
//! Adding a family: a folder `steps/<family>/` whose `mod.rs` implements [`crate::family::Family`]
//! (its `About` constants, its embedded bank, and the `Wire` that `prepare` builds for a run), one
//! line below in [`families`], its features in `features/<family>/` and its bank in
//! `src/sandbox/<family>/`. Nothing else changes. A step defined in `steps/<family>/` runs only in
//! that family's scenarios (the runner guards it).

pub mod common;
pub mod finqware;
pub mod saltedge;
pub mod stet;

use crate::family::Family;

/// Every family obconf knows, in the order `obconf run` runs them.
pub fn families() -> Vec<&'static dyn Family> {
    vec![&stet::STET, &saltedge::SALTEDGE, &finqware::FINQWARE]
}

/// The family named `name` (a target file's `family:`).
pub fn family(name: &str) -> Option<&'static dyn Family> {
    crate::family::find(&families(), name)
}
