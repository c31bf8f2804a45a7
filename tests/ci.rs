//! What CI pipelines need of `obconf run`: shards merged into one run, a baseline comparison with
//! `--fail-on new`, and the run controls (`--fail-fast`, `--dry-run`, `--color` and `NO_COLOR`,
//! `-q`/`-v`, the progress line on a terminal only, the closing summary, `--help`, `--version`).
//! Every run here is the Finqware family against its embedded bank: the smallest suite, with
//! `@serial` scenarios.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{obconf, run, text, write};
use serde_json::Value;

/// A features folder holding only the project's Finqware features.
fn finqware_features(dir: &Path) -> PathBuf {
    let root = dir.join("features");
    std::fs::create_dir_all(&root).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("features/finqware");
    std::os::unix::fs::symlink(source, root.join("finqware")).unwrap();
    root
}

/// `obconf run --features <finqware only> --out OUT ARGS…`.
fn run_finqware(features: &Path, out: &Path, args: &[&str]) -> Output {
    let mut all = vec![
        "run",
        "--features",
        features.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    run(&all)
}

/// An embedded Finqware target with `faults` switched on.
fn faulty_target(dir: &Path, faults: &str) -> PathBuf {
    write(
        dir,
        "faulty.yaml",
        &format!("name: faulty\nfamily: finqware\nembedded: true\nfaults: [{faults}]\n"),
    )
}

fn run_json(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap()
}

/// Every scenario of a run.json as (family, file, line, name, catalog ids, verdict).
fn scenarios(doc: &Value) -> BTreeSet<(String, String, u64, String, String, String)> {
    let mut out = BTreeSet::new();
    for run in doc["runs"].as_array().unwrap() {
        for s in run["scenarios"].as_array().unwrap() {
            out.insert((
                run["family"].as_str().unwrap().to_string(),
                s["file"].as_str().unwrap().to_string(),
                s["line"].as_u64().unwrap(),
                s["name"].as_str().unwrap().to_string(),
                s["catalog_ids"].to_string(),
                s["verdict"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

fn verdicts(doc: &Value) -> Vec<String> {
    scenarios(doc).into_iter().map(|s| s.5).collect()
}

#[test]
fn three_shards_merge_into_what_one_unsharded_run_reports() {
    let dir = tempfile::tempdir().unwrap();
    let features = finqware_features(dir.path());
    let whole = dir.path().join("whole");
    let o = run_finqware(&features, &whole, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut shard_dirs = Vec::new();
    let mut total = 0;
    for k in 1..=3 {
        let out = dir.path().join(format!("shard{k}"));
        let shard = format!("{k}/3");
        let o = run_finqware(&features, &out, &["--shard", &shard]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        total += scenarios(&run_json(&out)).len();
        shard_dirs.push(out);
    }
    let unsharded = run_json(&whole);
    assert_eq!(
        total,
        scenarios(&unsharded).len(),
        "each scenario in one shard"
    );
    // The same shard twice picks the same scenarios.
    let again = dir.path().join("again");
    run_finqware(&features, &again, &["--shard", "2/3"]);
    assert_eq!(
        scenarios(&run_json(&again)),
        scenarios(&run_json(&shard_dirs[1]))
    );

    let merged = dir.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(shard_dirs.iter().map(|d| d.to_str().unwrap()));
    args.extend(["--out", merged.to_str().unwrap()]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let merged_doc = run_json(&merged);
    assert_eq!(scenarios(&merged_doc), scenarios(&unsharded));
    let serial = scenarios(&merged_doc)
        .iter()
        .filter(|s| s.3.starts_with("FQ-STEP-03"))
        .count();
    assert!(serial >= 1, "@serial scenarios are sharded and merged too");
    for kind in ["junit.xml", "cucumber.json", "report.html", "coverage.json"] {
        assert!(merged.join(kind).is_file(), "{kind}");
    }
    let coverage = |dir: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("coverage.json")).unwrap()).unwrap()
    };
    let ids = |c: &Value| c["runs"][0]["ids"].to_string();
    assert_eq!(ids(&coverage(&merged)), ids(&coverage(&whole)));

    // The same shard given twice is refused: it would count scenarios twice.
    let o = run(&[
        "merge",
        shard_dirs[0].to_str().unwrap(),
        shard_dirs[0].to_str().unwrap(),
        "--out",
        dir.path().join("twice").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("more than one shard"), "{}", text(&o));
}

#[test]
fn a_baseline_lists_what_newly_fails_and_fail_on_new_tolerates_known_failures() {
    let dir = tempfile::tempdir().unwrap();
    let features = finqware_features(dir.path());
    let last_night = dir.path().join("last-night");
    let o = run_finqware(&features, &last_night, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let target = faulty_target(dir.path(), "session-status-wrong");
    let today = dir.path().join("today");
    let o = run_finqware(
        &features,
        &today,
        &[
            "--target",
            target.to_str().unwrap(),
            "--baseline",
            last_night.to_str().unwrap(),
            "--fail-on",
            "new",
        ],
    );
    let t = text(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a newly failing scenario fails the run: {t}"
    );
    assert!(
        t.contains("1 newly failing, 0 newly passing, 0 still failing"),
        "{t}"
    );
    assert!(t.contains("newly failing: [FQ-SES-01]"), "{t}");
    let doc = run_json(&today);
    let b = &doc["runs"][0]["baseline"];
    assert_eq!(b["newly_failing"].as_array().map(Vec::len), Some(1), "{b}");
    assert_eq!(b["newly_failing"][0]["was"], "passed");
    assert_eq!(b["newly_failing"][0]["verdict"], "failed");
    let html = std::fs::read_to_string(today.join("report.html")).unwrap();
    assert!(html.contains("newly failing"), "the HTML report lists it");

    // The next night the failure is known: --fail-on new lets the run pass, plain runs still fail.
    let tomorrow = dir.path().join("tomorrow");
    let args = [
        "--target",
        target.to_str().unwrap(),
        "--baseline",
        today.to_str().unwrap(),
    ];
    let mut with_new = args.to_vec();
    with_new.extend(["--fail-on", "new"]);
    let o = run_finqware(&features, &tomorrow, &with_new);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(
        t.contains("0 newly failing, 0 newly passing, 1 still failing"),
        "{t}"
    );
    let o = run_finqware(&features, &tomorrow, &args);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));

    // Fixed: the scenario is newly passing.
    let fixed = dir.path().join("fixed");
    let o = run_finqware(&features, &fixed, &["--baseline", today.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains("newly passing: [FQ-SES-01]"),
        "{}",
        text(&o)
    );

    // --fail-on new without a baseline is a usage error; a missing baseline too.
    let o = run_finqware(&features, &fixed, &["--fail-on", "new"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = run_finqware(&features, &fixed, &["--baseline", "/nonexistent/obconf"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("cannot read `/nonexistent/obconf`"),
        "{}",
        text(&o)
    );
}

#[test]
fn fail_fast_stops_scheduling_after_the_first_failure() {
    let dir = tempfile::tempdir().unwrap();
    let features = finqware_features(dir.path());
    let target = faulty_target(dir.path(), "session-status-wrong");
    let out = dir.path().join("r");
    let o = run_finqware(
        &features,
        &out,
        &[
            "--target",
            target.to_str().unwrap(),
            "--fail-fast",
            "--concurrency",
            "1",
        ],
    );
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    let doc = run_json(&out);
    let v = verdicts(&doc);
    assert_eq!(v.iter().filter(|v| *v == "failed").count(), 1, "{v:?}");
    assert!(
        v.iter().any(|v| v == "not_run"),
        "the rest are not run: {v:?}"
    );
    let reasons: Vec<&str> = doc["runs"][0]["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["verdict"] == "not_run")
        .map(|s| s["skip_reason"].as_str().unwrap_or_default())
        .collect();
    assert!(
        reasons.iter().all(|r| r.contains("--fail-fast")),
        "{reasons:?}"
    );
    // Without it, every scenario runs.
    let o = run_finqware(&features, &out, &["--target", target.to_str().unwrap()]);
    assert!(
        !verdicts(&run_json(&out)).iter().any(|v| v == "not_run"),
        "{}",
        text(&o)
    );
}

#[test]
fn dry_run_prints_the_plan_resolves_secrets_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let features = finqware_features(dir.path());
    // An outside bank that does not exist: a run that sent anything would fail every scenario.
    let target = write(
        dir.path(),
        "bank.yaml",
        "name: nowhere\nfamily: finqware\nbase_url: https://127.0.0.1:9\npersonas:\n  tenant:\n    login: { username: tenant-client-id, password: \"${OBCONF_TEST_APP_KEY}\" }\n",
    );
    let out = dir.path().join("r");
    let secret = "s3cr3t-app-key-value";
    let o = obconf()
        .args([
            "run",
            "--features",
            features.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--target",
            target.to_str().unwrap(),
            "--dry-run",
        ])
        .env("OBCONF_TEST_APP_KEY", secret)
        .output()
        .unwrap();
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(t.contains("dry run: nothing was sent"), "{t}");
    assert!(t.contains("would run [FQ-SES-01]"), "{t}");
    assert!(t.contains("scenarios would run"), "{t}");
    assert!(
        t.contains("persona tenant: login"),
        "credential sources by name: {t}"
    );
    assert!(!t.contains(secret), "{t}");
    assert!(
        !out.join("run.json").exists(),
        "a dry run writes no reports"
    );
    // A secret that is not there is found without sending anything.
    let o = run(&[
        "run",
        "--features",
        features.to_str().unwrap(),
        "--target",
        target.to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("OBCONF_TEST_APP_KEY"), "{}", text(&o));
}

#[test]
fn colour_quiet_verbose_and_the_closing_summary() {
    let dir = tempfile::tempdir().unwrap();
    let features = finqware_features(dir.path());
    let target = faulty_target(dir.path(), "session-status-wrong");
    let t_arg = target.to_str().unwrap();
    let out = dir.path().join("r");

    let o = run_finqware(&features, &out, &["--target", t_arg, "--color", "always"]);
    let t = text(&o);
    assert!(t.contains("\x1b[32mok"), "{t}");
    assert!(t.contains("\x1b[31m"), "{t}");
    // Closing summary: the failed scenario with its catalog id and a one-line reason, then counts.
    let closing = t.rsplit("Failed scenarios:").next().unwrap();
    let failed_line = closing
        .lines()
        .find(|l| l.contains("[FQ-SES-01]"))
        .unwrap_or("");
    assert!(
        failed_line.contains("finqware/sessions.feature:"),
        "{closing}"
    );
    assert!(
        failed_line.contains("): And the JSON value at"),
        "one-line reason: {failed_line}"
    );
    assert!(!failed_line.contains('\n'));
    let last = t.trim_end().lines().last().unwrap();
    assert!(
        last.contains("passed") && last.contains("1 failed") && last.contains("skipped"),
        "{last}"
    );

    for args in [vec!["--color", "never"], vec![]] {
        let mut all = vec!["--target", t_arg];
        all.extend(args);
        let o = run_finqware(&features, &out, &all);
        let t = text(&o);
        assert!(
            !t.contains('\x1b'),
            "no colour off a terminal or with never: {t}"
        );
        assert!(!t.contains('\r'), "no progress line in a CI log: {t}");
        let last = t.trim_end().lines().last().unwrap().to_string();
        assert!(last.ends_with("skipped"), "{last}");
    }

    let o = run_finqware(&features, &out, &["-q"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(!t.contains("  ok "), "quiet: no line per scenario: {t}");
    assert!(!t.contains("mandatory ids passed"), "{t}");
    assert!(t.trim_end().ends_with("0 failed, 0 skipped"), "{t}");

    let o = run_finqware(&features, &out, &["-v"]);
    let t = text(&o);
    assert!(
        t.contains("[FQ-SES-01] finqware/sessions.feature:"),
        "verbose: {t}"
    );

    let o = run_finqware(&features, &out, &["-q", "-v"]);
    assert_eq!(o.status.code(), Some(2), "-q and -v conflict");
}

/// Runs `obconf ARGS` on a pseudo-terminal (util-linux `script`), with `env` set.
fn on_a_terminal(args: &str, env: &[(&str, &str)]) -> String {
    let cmd = format!("{} {args}", env!("CARGO_BIN_EXE_obconf"));
    let mut c = std::process::Command::new("script");
    c.args(["-qec", &cmd, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR");
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().expect("script (util-linux) runs");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_terminal_gets_colour_and_a_progress_line_unless_no_color() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let features = finqware_features(dir.path());
    let args = format!(
        "run --features {} --out {}",
        features.display(),
        dir.path().join("r").display()
    );
    let t = on_a_terminal(&args, &[]);
    assert!(t.contains("\r\x1b[2K"), "the progress line is redrawn: {t}");
    assert!(
        t.contains(" done: ") && t.contains(" s]"),
        "counts and elapsed: {t}"
    );
    assert!(t.contains("\x1b[32m"), "colour on a terminal: {t}");
    let t = on_a_terminal(&args, &[("NO_COLOR", "1")]);
    assert!(!t.contains("\x1b[32m"), "NO_COLOR: {t}");
    assert!(t.contains(" done: "), "{t}");
}

#[test]
fn help_lists_the_run_controls_and_version_names_the_catalog() {
    let o = run(&["run", "--help"]);
    let t = text(&o);
    for flag in [
        "--shard <K/N>",
        "--baseline <DIR>",
        "--fail-on <WHAT>",
        "--fail-fast",
        "--dry-run",
        "--color <WHEN>",
        "--quiet",
        "--verbose",
    ] {
        // Long help puts each explanation on the line under its flag.
        let lines: Vec<&str> = t.lines().collect();
        let at = lines.iter().position(|l| l.contains(flag));
        let explanation = at.and_then(|i| lines.get(i + 1)).map_or("", |l| l.trim());
        assert!(explanation.len() > 20, "{flag} has an explanation: {t}");
    }
    let o = run(&["--version"]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0));
    let catalog = obconf::catalog::catalog_version();
    assert_eq!(
        t.trim(),
        format!(
            "obconf {} (catalog version {catalog})",
            env!("CARGO_PKG_VERSION")
        )
    );
}

/// What `cargo install --path .` gives: the binary alone, copied where no source tree is, runs
/// every family against its embedded bank (features, catalog and banks are inside it).
#[test]
fn the_binary_alone_runs_everything_with_no_source_tree() {
    let dir = tempfile::tempdir().unwrap();
    let installed = dir.path().join("bin").join("obconf");
    std::fs::create_dir_all(installed.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_obconf"), &installed).unwrap();
    let elsewhere = dir.path().join("work");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = std::process::Command::new(&installed)
        .args(["run", "--out", "reports", "-q"])
        .current_dir(&elsewhere)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let run: Value =
        serde_json::from_str(&std::fs::read_to_string(elsewhere.join("reports/run.json")).unwrap())
            .unwrap();
    let families: BTreeSet<&str> = run["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["scenarios"].as_array().unwrap().is_empty())
        .filter_map(|r| r["family"].as_str())
        .collect();
    let registered: BTreeSet<&str> = obconf::steps::families()
        .iter()
        .map(|f| f.about().name)
        .collect();
    assert_eq!(families, registered);
}
