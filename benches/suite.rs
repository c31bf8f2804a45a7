//! `cargo bench --bench suite`: how long the STET suite takes against the embedded bank, and how
//! long the whole mutation matrix takes. Prints figures; asserts nothing about time.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use obconf::runner::{self, RunRecord, RunRequest, Verdict};

const ROUNDS: usize = 10;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("features");
    rt.block_on(async {
        for family in obconf::steps::families() {
            let mut times = Vec::new();
            let mut scenarios = 0;
            for _ in 0..ROUNDS {
                let record = Arc::new(Mutex::new(RunRecord::new("", family.about().name)));
                let request = RunRequest {
                    target: family.embedded_target(),
                    features_root: root.clone(),
                    tags: None,
                    name: None,
                    concurrency: None,
                    reporter: None,
                };
                let start = Instant::now();
                runner::run(request, family, record.clone()).await.expect("the suite runs");
                times.push(start.elapsed());
                let r = record.lock().expect("record");
                scenarios = r.scenarios.len();
                assert_eq!(r.count(Verdict::Failed), 0, "the healthy bank passes");
            }
            times.sort();
            println!(
                "{}: suite of {scenarios} scenarios against the embedded bank (incl. bank start and PKI): min {} ms, median {} ms over {ROUNDS} runs",
                family.about().name,
                ms(times[0]),
                ms(times[ROUNDS / 2])
            );
            let start = Instant::now();
            let matrix = obconf::selftest::mutation_matrix(family, &root).await.expect("matrix");
            println!(
                "{}: mutation matrix, {} faults + healthy ({} suite runs): {} ms, sound: {}",
                family.about().name,
                matrix.rows.len(),
                matrix.rows.len() + 1,
                ms(start.elapsed()),
                matrix.is_sound()
            );
        }
    });
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}
