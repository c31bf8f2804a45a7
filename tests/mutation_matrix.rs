//! The proof that no check is blind: every family's suite passes against its healthy embedded bank
//! and against healthy variants of it (other ids, data, orders and documented readings, drawn from
//! a seed), every named fault breaks the catalog ids it claims, and every scenario is broken by
//! some fault.
//!
//! The faults are shared out between the canonical bank and three variants (fault k runs in bank
//! k mod 4), so each fault runs once and is proven caught whatever the bank's data; the blind
//! scenarios are looked for across all four. `obconf self-test` runs every fault against the
//! canonical bank, and `--variants N` every fault inside every variant.

use std::path::Path;

/// The variants `cargo test` runs for every family. `OBCONF_VARIANT_SEED` moves them, to explore
/// other variants locally (`obconf self-test --variants N --seed S` runs them all).
fn seeds() -> [u64; 3] {
    let first = std::env::var("OBCONF_VARIANT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    [first, first + 1, first + 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_fails_against_some_fault_and_passes_against_healthy_banks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("features");
    for family in obconf::steps::families() {
        let name = family.about().name;
        let banks = std::iter::once(None).chain(seeds().map(Some));
        let mut matrices = Vec::new();
        for (i, variant) in banks.enumerate() {
            let matrix =
                obconf::selftest::mutation_matrix_in(family, &root, variant, &|k| k % 4 == i)
                    .await
                    .expect("the matrix runs");
            assert_eq!(matrix.variant, variant);
            assert!(
                matrix.healthy.scenarios.len() > 10,
                "{name}: too few scenarios ran"
            );
            assert!(matrix.is_sound(), "{}", matrix.render());
            matrices.push(matrix);
        }
        let faults_run: usize = matrices.iter().map(|m| m.rows.len()).sum();
        assert_eq!(faults_run, family.about().faults.len(), "{name}");
        let blind = obconf::selftest::blind_across(&matrices);
        assert!(
            blind.is_empty(),
            "{name}: no fault breaks these scenarios in any bank: {blind:#?}"
        );
    }
}

/// The three variants `cargo test` runs cover both of Finqware's readings of where the nonce
/// after an upload-requiring step comes from.
#[test]
fn the_tested_variants_cover_both_documented_readings() {
    let readings: std::collections::BTreeSet<bool> = seeds()
        .into_iter()
        .map(|s| {
            obconf::sandbox::kit::Variant::seeded(s).flip("nonce after an upload-requiring step")
        })
        .collect();
    assert_eq!(
        readings.len(),
        2,
        "seeds {:?} draw one reading only",
        seeds()
    );
}
