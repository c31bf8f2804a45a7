//! Named faults: one documented rule broken each.
//!
//! A fault is how the project proves that a check can fail. Each embedded bank declares its faults
//! with the catalog ids whose scenarios the fault must break; the mutation matrix (`obconf self-test`,
//! and `cargo test`) runs the suite against every fault and checks that claim. A fault must break a
//! rule the way a real bank might (a wrong status, a missing field), never by crashing the bank.

use std::collections::BTreeSet;
use std::fmt;

/// One way an embedded bank can be told to break a documented rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    /// Kebab-case name given on the command line (`--fault wrong-scope-accepted`).
    pub name: &'static str,
    /// The rule it breaks, in the words of the document.
    pub rule: &'static str,
    /// Catalog ids whose scenarios must fail when this fault is active.
    pub breaks: &'static [&'static str],
}

/// The set of faults active in one running bank. Empty means a healthy bank.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultSet(BTreeSet<&'static str>);

impl FaultSet {
    /// A healthy bank.
    pub fn none() -> Self {
        Self::default()
    }

    /// Builds a set from names, checking each against `known`.
    pub fn parse<S: AsRef<str>>(names: &[S], known: &[Fault]) -> Result<Self, UnknownFault> {
        let mut set = BTreeSet::new();
        for name in names {
            let name = name.as_ref();
            match known.iter().find(|f| f.name == name) {
                Some(f) => {
                    set.insert(f.name);
                }
                None => {
                    return Err(UnknownFault {
                        name: name.to_string(),
                        known: known.iter().map(|f| f.name).collect(),
                    });
                }
            }
        }
        Ok(Self(set))
    }

    /// A set holding exactly one fault.
    pub fn only(fault: &Fault) -> Self {
        Self(BTreeSet::from([fault.name]))
    }

    /// Whether the named fault is active.
    pub fn has(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    /// The active fault names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A `--fault` name that no embedded bank declares.
#[derive(Debug, thiserror::Error)]
pub struct UnknownFault {
    pub name: String,
    pub known: Vec<&'static str>,
}

impl fmt::Display for UnknownFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown fault `{}`; `obconf faults` lists them: {}",
            self.name,
            self.known.join(", ")
        )
    }
}
