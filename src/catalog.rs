//! The acceptance catalog: every documented test and rule, numbered, that scenarios are tagged with.
//!
//! A copy of `shared/catalog/acceptance.yaml` is vendored in `catalog/` and compiled into the binary,
//! so an installed obconf can still say which ids a run covers. A test keeps the copy in step with
//! the shared original.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use serde::Deserialize;

/// The vendored catalog text.
pub const CATALOG_YAML: &str = include_str!("../catalog/acceptance.yaml");

#[derive(Clone, Debug, Deserialize)]
pub struct Catalog {
    pub version: u32,
    pub tests: Vec<Entry>,
}

/// One documented test or rule.
#[derive(Clone, Debug, Deserialize)]
pub struct Entry {
    pub id: String,
    pub kind: String,
    #[serde(default)]
    pub mandatory: bool,
    #[serde(default)]
    pub capability: Option<String>,
    pub source: String,
    #[serde(default)]
    pub given: Option<String>,
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub then: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    // The text is compiled in and checked by a unit test, so a parse failure is a build defect.
    serde_saphyr::from_str(CATALOG_YAML).unwrap_or(Catalog {
        version: 0,
        tests: Vec::new(),
    })
});

/// The compiled-in catalog.
pub fn catalog() -> &'static Catalog {
    &CATALOG
}

/// The `version:` of the compiled-in catalog, which reports name so that a result can be read
/// against the catalog it was checked with.
pub fn catalog_version() -> u32 {
    catalog().version
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.tests.iter().find(|e| e.id == id)
    }

    /// Every id that starts with `prefix` (a family's, such as `SE-`), in catalog order.
    pub fn ids_with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.tests
            .iter()
            .map(|e| e.id.as_str())
            .filter(move |id| id.starts_with(prefix))
    }

    pub fn is_id(&self, tag: &str) -> bool {
        self.get(tag).is_some()
    }
}

/// Coverage of one family's catalog ids by scenario tags.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, Deserialize)]
pub struct Coverage {
    pub prefix: String,
    pub covered: Vec<String>,
    pub missing: Vec<String>,
}

impl Coverage {
    pub fn of(prefix: &str, tagged: &BTreeSet<String>) -> Self {
        let (covered, missing): (Vec<String>, Vec<String>) = catalog()
            .ids_with_prefix(prefix)
            .map(str::to_string)
            .partition(|id| tagged.contains(id));
        Self {
            prefix: prefix.to_string(),
            covered,
            missing,
        }
    }

    /// `SE: 30/33 catalog ids have a scenario`.
    pub fn line(&self) -> String {
        format!(
            "{}: {}/{} catalog ids have a scenario",
            self.prefix.trim_end_matches('-'),
            self.covered.len(),
            self.covered.len() + self.missing.len()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_catalog_parses_and_has_every_family() {
        let c: Catalog = serde_saphyr::from_str(CATALOG_YAML).expect("catalog parses");
        assert!(c.tests.len() > 90);
        for family in crate::steps::families() {
            let prefix = family.about().catalog_prefix;
            assert!(c.ids_with_prefix(prefix).count() > 0, "{prefix}");
        }
        assert_eq!(catalog().tests.len(), c.tests.len());
        assert_eq!(catalog_version(), c.version);
        assert!(catalog_version() > 0);
    }

    #[test]
    fn vendored_catalog_matches_the_shared_original() {
        let shared = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/catalog/acceptance.yaml"
        );
        if let Ok(original) = std::fs::read_to_string(shared) {
            assert_eq!(
                original, CATALOG_YAML,
                "catalog/acceptance.yaml is out of date: copy {shared} over it"
            );
        }
    }
}
