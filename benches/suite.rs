//! `cargo bench --bench suite`: how obconf's cost grows with the size of a suite, against the floor
//! of a bare request loop; then how long each family's suite and its mutation matrix take. Prints
//! figures; asserts nothing about time.
//!
//! Scaling: for 40, 400 and 4,000 generated scenarios (four Scenario Outlines of n/4 rows each,
//! the shape of a bank's own regression suite), a child process (this bench run again with
//! `OBCONF_BENCH_SIZE=n`) starts the Salt Edge embedded bank, makes the n requests the scenarios
//! make with a bare reqwest loop on one keep-alive client (the floor), then runs the n scenarios
//! with obconf against the same bank and writes all five reports. It prints both times and its
//! peak resident memory (`VmHWM`), which a child measures for itself alone. The bank's start is in
//! neither time. `OBCONF_BENCH_SCALE_ONLY=1` skips the family suites and matrices. For profiling
//! one child (`OBCONF_BENCH_SIZE=400`): `OBCONF_BENCH_NO_FLOOR=1` leaves the floor out of the
//! process, `OBCONF_BENCH_EACH_REPORT=1` also times each report alone; a child always prints the
//! split between running and reports and its peak memory after each phase on stderr.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use obconf::runner::{self, RunRecord, RunRequest, Verdict};

const ROUNDS: usize = 10;
/// Child runs per size; the median is shown.
const SCALE_ROUNDS: usize = 3;
const SIZES: [usize; 3] = [40, 400, 4_000];

fn main() {
    if let Ok(n) = std::env::var("OBCONF_BENCH_SIZE") {
        let n: usize = n.parse().expect("OBCONF_BENCH_SIZE is a number");
        child(n);
        return;
    }
    scaling();
    if std::env::var_os("OBCONF_BENCH_SCALE_ONLY").is_some() {
        return;
    }
    families();
}

/// One size's figures, as a child prints them.
#[derive(Clone, Copy)]
struct Figures {
    obconf_ms: f64,
    floor_ms: f64,
    peak_kb: u64,
    /// Parsing the generated file, cucumber's own outline expansion, obconf's.
    parse_ms: f64,
    cucumber_expand_ms: f64,
    obconf_expand_ms: f64,
}

fn scaling() {
    let exe = std::env::current_exe().expect("the bench's own path");
    let mut rows: Vec<(usize, Figures)> = Vec::new();
    for n in SIZES {
        let mut runs: Vec<Figures> = (0..SCALE_ROUNDS)
            .map(|_| {
                let out = std::process::Command::new(&exe)
                    .env("OBCONF_BENCH_SIZE", n.to_string())
                    .output()
                    .expect("the bench runs itself");
                let text = String::from_utf8_lossy(&out.stdout);
                assert!(out.status.success(), "size {n} failed: {text}");
                parse_figures(&text).unwrap_or_else(|| panic!("no figures in: {text}"))
            })
            .collect();
        runs.sort_by(|a, b| a.obconf_ms.total_cmp(&b.obconf_ms));
        let median = runs[SCALE_ROUNDS / 2];
        let mut floors: Vec<f64> = runs.iter().map(|r| r.floor_ms).collect();
        floors.sort_by(f64::total_cmp);
        let peak = runs.iter().map(|r| r.peak_kb).max().unwrap_or(0);
        rows.push((
            n,
            Figures {
                floor_ms: floors[SCALE_ROUNDS / 2],
                peak_kb: peak,
                ..median
            },
        ));
    }
    println!(
        "scaling (Salt Edge embedded bank; 4 outlines of n/4 rows; median of {SCALE_ROUNDS} child runs):"
    );
    println!(
        "| scenarios | floor (bare reqwest loop) | obconf (run + 5 reports) | ratio to floor | peak memory |"
    );
    println!("| --- | --- | --- | --- | --- |");
    for (n, f) in &rows {
        println!(
            "| {n} | {:.0} ms | {:.0} ms | {:.2}x | {:.1} MB |",
            f.floor_ms,
            f.obconf_ms,
            f.obconf_ms / f.floor_ms,
            f.peak_kb as f64 / 1024.0
        );
    }
    println!(
        "| scenarios | parse the file (gherkin) | cucumber's expand_examples | obconf's outline expansion |"
    );
    println!("| --- | --- | --- | --- |");
    for (n, f) in &rows {
        println!(
            "| {n} | {:.1} ms | {:.1} ms | {:.1} ms |",
            f.parse_ms, f.cucumber_expand_ms, f.obconf_expand_ms
        );
    }
    let at = |n: usize| rows.iter().find(|(m, _)| *m == n).map(|(_, f)| *f);
    if let (Some(small), Some(big)) = (at(400), at(4_000)) {
        println!(
            "400 -> 4,000 scenarios: time x{:.1} (target x11 or less), memory x{:.2} (target x2 or less); at 400 obconf is {:.2}x the floor (target 1.3x or less)",
            big.obconf_ms / small.obconf_ms,
            big.peak_kb as f64 / small.peak_kb as f64,
            small.obconf_ms / small.floor_ms
        );
    }
}

fn parse_figures(text: &str) -> Option<Figures> {
    let line = text.lines().find_map(|l| l.strip_prefix("figures "))?;
    let mut parts = line.split_whitespace();
    Some(Figures {
        obconf_ms: parts.next()?.parse().ok()?,
        floor_ms: parts.next()?.parse().ok()?,
        peak_kb: parts.next()?.parse().ok()?,
        parse_ms: parts.next()?.parse().ok()?,
        cucumber_expand_ms: parts.next()?.parse().ok()?,
        obconf_expand_ms: parts.next()?.parse().ok()?,
    })
}

/// The four outlines of the generated suite: a request template, its check, and the value of
/// row `i`.
type Outline = (&'static str, &'static str, fn(usize) -> String);

const OUTLINES: [Outline; 4] = [
    (
        "GET /providers?per_page=<v>",
        "the response status is 200",
        |i| (i % 1000 + 1).to_string(),
    ),
    (
        "GET /providers/<v>/templates",
        "the response status is 200",
        |_| "demobank".to_string(),
    ),
    (
        "GET /providers?per_page=<v>",
        "the request is refused with a 4xx",
        |i| (1001 + i).to_string(),
    ),
    (
        "GET /providers/obconf_no_such_<v>/templates",
        "the request is refused with HTTP 404 ProviderNotFound",
        |i| i.to_string(),
    ),
];

/// Writes `n` generated scenarios into `root/saltedge/generated.feature`.
fn generate(root: &Path, n: usize) {
    use std::fmt::Write as _;
    let dir = root.join("saltedge");
    std::fs::create_dir_all(&dir).expect("a features folder");
    let mut text = String::from("@saltedge @generated\nFeature: Generated regression suite\n");
    for (k, (request, check, value)) in OUTLINES.iter().enumerate() {
        let rows = n / OUTLINES.len() + usize::from(k < n % OUTLINES.len());
        let _ = write!(
            text,
            "\n  Scenario Outline: check {k} with <v>\n    When the TPP sends {request}\n    Then {check}\n\n    Examples:\n      | v |\n"
        );
        for i in 0..rows {
            let _ = writeln!(text, "      | {} |", value(i));
        }
    }
    std::fs::write(dir.join("generated.feature"), text).expect("the generated features");
}

/// A child: one size, floor then obconf, against one bank; prints `figures <obconf ms> <floor ms>
/// <peak KB>`.
fn child(n: usize) {
    obconf::tls::install_crypto_provider();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let work = tempfile::tempdir().expect("a temporary folder");
    let features = work.path().join("features");
    generate(&features, n);
    let family = obconf::steps::family("saltedge").expect("the saltedge family");
    rt.block_on(async {
        let faults = obconf::sandbox::FaultSet::parse::<&str>(&[], family.about().faults)
            .expect("no faults");
        let bank = family
            .start_embedded(family.embedded_target(), faults, ([127, 0, 0, 1], 0).into())
            .await
            .expect("the bank starts");
        let before_floor = peak_kb();
        let floor = if std::env::var_os("OBCONF_BENCH_NO_FLOOR").is_some() {
            Duration::from_millis(1)
        } else {
            floor(&bank.target, n).await
        };
        let before_run = peak_kb();

        let mut target = bank.target.clone();
        target.embedded = false; // the bank is up: the run must not start another
        let record = Arc::new(Mutex::new(RunRecord::new("", "saltedge")));
        let request = RunRequest {
            target,
            features_root: features.clone(),
            tags: None,
            name: None,
            concurrency: None,
            reporter: None,
            shard: None,
            fail_fast: false,
            send_nothing: None,
        };
        let start = Instant::now();
        runner::run(request, family, record.clone())
            .await
            .expect("the suite runs");
        let ran = start.elapsed();
        let peak_after_run = peak_kb();
        let runs = vec![RunRecord::take(&record)];
        drop(record);
        obconf::report::write_files(&runs, &work.path().join("out")).expect("reports");
        let took = start.elapsed();
        if std::env::var_os("OBCONF_BENCH_EACH_REPORT").is_some() {
            for kind in obconf::report::kinds() {
                let report = obconf::report::by_kind(kind).expect("a report");
                let t = Instant::now();
                let mut out = obconf::report::stream::Redacting::new(std::io::sink(), report.as_ref());
                report.render(&runs, &mut out).expect("renders");
                out.finish().expect("written");
                eprintln!("report {kind}: {:.1} ms", ms_f(t.elapsed()));
            }
        }
        eprintln!(
            "size {n}: run {:.1} ms, reports {:.1} ms; peak memory: bank up {:.1} MB, after the floor {:.1} MB, after the run {:.1} MB",
            ms_f(ran),
            ms_f(took - ran),
            before_floor as f64 / 1024.0,
            before_run as f64 / 1024.0,
            peak_after_run as f64 / 1024.0
        );
        let r = &runs[0];
        assert_eq!(r.scenarios.len(), n, "every scenario ran");
        assert_eq!(r.count(Verdict::Passed), n, "the healthy bank passes");
        let peak = peak_kb();
        let (parse, cucumber, ours) = expansion(&features);
        println!(
            "figures {:.1} {:.1} {peak} {:.1} {:.1} {:.1}",
            ms_f(took),
            ms_f(floor),
            ms_f(parse),
            ms_f(cucumber),
            ms_f(ours)
        );
    });
}

/// How long the generated file takes to parse, to expand with cucumber's `expand_examples`
/// (which copies every Examples table into every row), and to load with obconf (parse and its
/// own linear expansion, minus the parse).
fn expansion(features: &Path) -> (Duration, Duration, Duration) {
    use cucumber::feature::Ext as _;
    let dir = features.join("saltedge");
    let text = std::fs::read_to_string(dir.join("generated.feature")).expect("the file");
    let start = Instant::now();
    let parsed = cucumber::gherkin::Feature::parse(&text, cucumber::gherkin::GherkinEnv::default())
        .expect("parses");
    let parse = start.elapsed();
    let start = Instant::now();
    let expanded = parsed.expand_examples().expect("expands");
    let cucumber = start.elapsed();
    drop(expanded);
    let start = Instant::now();
    let set = obconf::features::FeatureSet::load(&dir).expect("loads");
    let ours = start.elapsed().saturating_sub(parse);
    drop(set);
    (parse, cucumber, ours)
}

/// The floor: the scenarios' n requests, one after another, on one keep-alive client.
async fn floor(target: &obconf::target::Target, n: usize) -> Duration {
    let ca = target.tls.ca_pem.as_ref().expect("the bank's CA");
    let client = reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(ca).expect("the CA"))
        .build()
        .expect("a client");
    let settings = target.settings.as_ref().expect("the bank's settings");
    let app_id = settings["app_id"].as_str().expect("app_id").to_string();
    let app_secret = settings["app_secret"]
        .as_str()
        .expect("app_secret")
        .to_string();
    let start = Instant::now();
    for (k, (request, _, value)) in OUTLINES.iter().enumerate() {
        let rows = n / OUTLINES.len() + usize::from(k < n % OUTLINES.len());
        for i in 0..rows {
            let path = request.trim_start_matches("GET ").replace("<v>", &value(i));
            let response = client
                .get(format!("{}{path}", target.base_url))
                .header("App-Id", &app_id)
                .header("App-Secret", &app_secret)
                .header("Client-Request-Id", uuid::Uuid::new_v4().to_string())
                .send()
                .await
                .expect("the bank answers");
            let status = response.status();
            let body = response.bytes().await.expect("a body");
            assert!(!body.is_empty() || status.is_success());
        }
    }
    start.elapsed()
}

/// This process's peak resident memory in KB (`VmHWM`).
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn families() {
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
                    shard: None,
                    fail_fast: false,
                    send_nothing: None,
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

fn ms_f(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
