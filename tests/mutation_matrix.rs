//! The proof that no check is blind: every family's suite passes against its healthy embedded bank,
//! every named fault breaks the catalog ids it claims, and every scenario is broken by some fault.

use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_fails_against_some_fault_and_passes_against_the_healthy_bank() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("features");
    for family in obconf::steps::families() {
        let matrix = obconf::selftest::mutation_matrix(family, &root)
            .await
            .expect("the matrix runs");
        assert!(
            matrix.healthy.scenarios.len() > 10,
            "{}: too few scenarios ran",
            family.about().name
        );
        assert_eq!(matrix.rows.len(), family.about().faults.len());
        assert!(matrix.is_sound(), "{}", matrix.render());
    }
}
