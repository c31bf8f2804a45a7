//! `--shard K/N`: which scenarios one of N CI machines runs.
//!
//! A scenario lands in shard `1 + h mod N`, where `h` is a stable hash (SHA-256) of its identity:
//! its feature file relative to the features folder, its line and its name. The same scenario
//! always lands in the same shard, whatever machine, order or obconf build runs it, and every
//! scenario (`@serial` ones, skipped ones) lands in exactly one: the shards' `run.json` files
//! merge (`obconf merge`) into an unsharded run's. This module never looks at anything but the
//! scenario's identity: not its tags, not the time, not the process.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// One shard of N: `index` counts from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// Why `--shard` could not be read.
#[derive(Debug, thiserror::Error)]
#[error(
    "--shard `{given}` is not K/N with 1 <= K <= N (hint: --shard 2/3 runs the second of three shards)"
)]
pub struct BadShard {
    pub given: String,
}

impl FromStr for Shard {
    type Err = BadShard;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadShard {
            given: s.to_string(),
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether the scenario at `file:line` named `name` belongs to this shard. `file` is the
    /// feature file relative to the features folder, so that checkouts in different folders agree.
    pub fn holds(&self, file: &Path, line: usize, name: &str) -> bool {
        shard_of(file, line, name, self.count) == self.index
    }
}

/// The shard (1..=count) of a scenario's identity.
pub fn shard_of(file: &Path, line: usize, name: &str, count: u32) -> u32 {
    // Forward slashes whatever the platform: a Windows runner and a Linux runner agree.
    let file = file.to_string_lossy().replace('\\', "/");
    let mut hasher = Sha256::new();
    hasher.update(file.as_bytes());
    hasher.update([0]);
    hasher.update(line.to_string().as_bytes());
    hasher.update([0]);
    hasher.update(name.as_bytes());
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let h = u64::from_be_bytes(first);
    (h % u64::from(count)) as u32 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_k_of_n_and_refuses_the_rest() {
        assert_eq!(
            "2/3".parse::<Shard>().ok(),
            Some(Shard { index: 2, count: 3 })
        );
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_scenario_lands_in_exactly_one_shard_and_always_the_same() {
        let file = Path::new("stet/accounts.feature");
        let mut sizes = [0usize; 3];
        for line in 1..300 {
            let name = format!("scenario {line}");
            let holding: Vec<u32> = (1..=3)
                .filter(|k| {
                    Shard {
                        index: *k,
                        count: 3,
                    }
                    .holds(file, line, &name)
                })
                .collect();
            assert_eq!(holding.len(), 1);
            assert_eq!(holding[0], shard_of(file, line, &name, 3));
            sizes[holding[0] as usize - 1] += 1;
        }
        // A stable hash spreads the scenarios: no shard is empty or holds nearly all.
        assert!(sizes.iter().all(|n| (60..140).contains(n)), "{sizes:?}");
        // Pinned: the partition must not change between builds (CI jobs of different commits).
        assert_eq!(shard_of(file, 12, "STET-AIS-ACC-01 x", 3), 3);
        assert_eq!(shard_of(file, 12, "STET-AIS-ACC-01 x", 7), 1);
        assert_eq!(
            shard_of(Path::new("a\\b.feature"), 1, "n", 7),
            shard_of(Path::new("a/b.feature"), 1, "n", 7)
        );
    }
}
