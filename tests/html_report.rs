//! `report.html` opened in a real browser: headless Chromium loads the file (`--dump-dom`), runs
//! its script, and the test reads the rendered DOM. It checks the counts and a failure's evidence
//! of a real run against a faulty embedded bank, that the verdict and catalog id filters work from
//! the page's query and hash, and that hostile text from a bank stays text.
//!
//! Chromium is required: without it these tests FAIL (`.ci/run` installs Debian's `chromium`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use obconf::http::{Exchange, RecordedRequest, RecordedResponse};
use obconf::runner::record::{FailureRecord, StepRecord};
use obconf::runner::{ExchangeRecord, RunRecord, ScenarioRecord, StepStatus, Verdict};

/// The Chromium binary: `$OBCONF_CHROMIUM`, else `chromium` on the PATH. Panics, with how to get
/// it, when there is none: a browser test that skips silently proves nothing.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("OBCONF_CHROMIUM") {
        return PathBuf::from(path);
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromium"))
            .find(|p| p.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "chromium is not installed, and the HTML report's browser test needs it: \
             `apt-get install -y --no-install-recommends chromium` (.ci/run does it), \
             or set OBCONF_CHROMIUM to a Chromium binary"
        )
    })
}

/// The DOM of `url` after its scripts ran, as headless Chromium serializes it.
fn dump_dom(url: &str, scratch: &Path) -> String {
    let profile = tempfile::tempdir_in(scratch).expect("a profile folder");
    let dom_path = scratch.join(format!("dom-{}.html", profile_name(profile.path())));
    let dom = std::fs::File::create(&dom_path).expect("the DOM file");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::from(dom))
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("chromium runs") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish loading {url} within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "chromium failed on {url}: {status}");
    let text = std::fs::read_to_string(&dom_path).expect("the dumped DOM");
    assert!(
        text.contains("</html>"),
        "chromium dumped no page for {url}"
    );
    text
}

fn profile_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The opening tags of the scenarios in `dom`, in order.
fn scenario_tags(dom: &str) -> Vec<String> {
    regex::Regex::new(r#"<details class="scenario"[^>]*>"#)
        .unwrap()
        .find_iter(dom)
        .map(|m| m.as_str().to_string())
        .collect()
}

/// The count in the summary cell of `verdict` on the family row of `family`.
fn family_count(dom: &str, family: &str, verdict: &str) -> Option<usize> {
    let row_start = dom.find(&format!(
        r#"<tr class="family-row" data-family="{family}">"#
    ))?;
    let row = &dom[row_start..];
    let row = &row[..row.find("</tr>")?];
    let cell = regex::Regex::new(&format!(r#"data-verdict="{verdict}">(\d+)<"#)).ok()?;
    cell.captures(row)?.get(1)?.as_str().parse().ok()
}

fn shown(dom: &str) -> String {
    regex::Regex::new(r#"<output id="shown"[^>]*>([^<]*)</output>"#)
        .unwrap()
        .captures(dom)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .unwrap_or_default()
}

#[test]
fn a_failed_runs_report_shows_counts_evidence_and_working_filters_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("t.yaml");
    std::fs::write(
        &target,
        "name: faulty\nfamily: stet\nembedded: true\nfaults: [wrong-scope-accepted]\n",
    )
    .unwrap();
    let out = dir.path().join("r");
    let o = Command::new(env!("CARGO_BIN_EXE_obconf"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--target"])
        .arg(&target)
        .args([
            "--tags",
            "@STET-AIS-ACC-01 or @STET-AIS-ACC-02 or @STET-AIS-TBN-01",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("obconf runs");
    let console = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        o.status.code(),
        Some(1),
        "the fault fails a scenario: {console}"
    );
    let report = out.join("report.html");
    assert!(
        report.exists(),
        "report.html is a default report: {console}"
    );
    let doc: obconf::runner::RunDocument =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let run = &doc.runs[0];
    let total = run.scenarios.len();
    assert!(total >= 3, "{console}");

    // Self-contained: no link or source outside the file.
    let raw = std::fs::read_to_string(&report).unwrap();
    let outside = regex::Regex::new(r#"(?i)\b(href|src|action|srcset)\s*=\s*"[^#"]"#).unwrap();
    assert!(!outside.is_match(&raw), "{:?}", outside.find(&raw));

    let dom = dump_dom(&file_url(&report), dir.path());
    for verdict in [Verdict::Passed, Verdict::Failed, Verdict::Skipped] {
        let slug = verdict.label();
        assert_eq!(
            family_count(&dom, "stet", slug),
            Some(run.count(verdict)),
            "{slug} count in the summary"
        );
    }
    assert_eq!(family_count(&dom, "stet", "total"), Some(total));
    assert!(
        dom.contains(r#"data-applied="yes""#),
        "the page's script ran"
    );
    assert_eq!(shown(&dom), format!("{total} of {total} scenarios shown"));
    assert!(
        regex::Regex::new(r"<strong>mandatory ids passed 1/\d+</strong>")
            .unwrap()
            .is_match(&dom),
        "the coverage matrix ends with the mandatory ids that passed"
    );

    // The failure, with its evidence: the message and the exact request and response.
    let failed = dom
        .split(r#"<details class="scenario""#)
        .skip(1)
        .find(|s| s[..s.find('>').unwrap_or(0)].contains(r#"data-verdict="failed""#))
        .expect("the failed scenario is on the page");
    for expected in [
        "STET-AIS-ACC-02",
        "expected: HTTP 403",
        "actual: HTTP 200",
        "GET https://127.0.0.1:",
        "Authorization: Bearer [REDACTED]",
        "200 OK",
    ] {
        assert!(failed.contains(expected), "{expected} in:\n{failed}");
    }
    assert!(
        regex::Regex::new(r#"(?s)<details class="evidence" open="">.*<pre>request:"#)
            .unwrap()
            .is_match(failed),
        "the evidence is open under the failure:\n{failed}"
    );

    // ?verdict=failed: only the failures are shown.
    let dom = dump_dom(&format!("{}?verdict=failed", file_url(&report)), dir.path());
    let failures = run.count(Verdict::Failed);
    assert!(failures > 0);
    assert_eq!(
        shown(&dom),
        format!("{failures} of {total} scenarios shown")
    );
    for tag in scenario_tags(&dom) {
        let failed = tag.contains(r#"data-verdict="failed""#);
        assert_eq!(!tag.contains("hidden"), failed, "{tag}");
    }

    // #id=…: a catalog id or its start, any case, from the hash.
    let dom = dump_dom(
        &format!("{}#id=stet-ais-tbn-01", file_url(&report)),
        dir.path(),
    );
    let carrying = run
        .scenarios
        .iter()
        .filter(|s| s.catalog_ids.iter().any(|i| i == "STET-AIS-TBN-01"))
        .count();
    assert!(carrying > 0 && carrying < total);
    assert_eq!(
        shown(&dom),
        format!("{carrying} of {total} scenarios shown")
    );
    for tag in scenario_tags(&dom) {
        let carries = tag.contains(r#"data-ids="STET-AIS-TBN-01""#);
        assert_eq!(!tag.contains("hidden"), carries, "{tag}");
    }
}

/// A text a bank (or a bank's own feature file) could have chosen, in every field of a record.
const HOSTILE: &str = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"><svg onload=alert(1)>\"' onmouseover=\"document.title='pwned'\" &amp; \u{1b}[31m\u{202e}\u{0}";

fn hostile_record() -> RunRecord {
    let exchange = ExchangeRecord::of(&Exchange {
        request: RecordedRequest {
            method: "GET".into(),
            url: format!("https://bank.test/{HOSTILE}"),
            headers: vec![("X-Bank".into(), HOSTILE.into())],
            body: Some(HOSTILE.into()),
        },
        response: Some(RecordedResponse {
            status: 200,
            headers: vec![(HOSTILE.into(), HOSTILE.into())],
            body: HOSTILE.into(),
        }),
        error: None,
        tls_alert: None,
        elapsed: Duration::from_millis(1),
        at: chrono::Utc::now(),
        unwrapped: None,
        rejected: Some(HOSTILE.into()),
    });
    let mut r = RunRecord::new(HOSTILE, HOSTILE);
    r.base_url = HOSTILE.into();
    r.capabilities = vec![HOSTILE.into()];
    r.faults = vec![HOSTILE.into()];
    r.tls_insecure = true;
    r.interrupted = Some(HOSTILE.into());
    r.scenarios.push(ScenarioRecord {
        feature: HOSTILE.into(),
        path: PathBuf::from(HOSTILE),
        file: PathBuf::from(HOSTILE),
        started: Some(chrono::Utc::now()),
        name: HOSTILE.into(),
        line: 1,
        tags: vec![HOSTILE.into()],
        catalog_ids: vec![HOSTILE.into()],
        verdict: Verdict::Failed,
        steps: vec![StepRecord {
            keyword: HOSTILE.into(),
            text: HOSTILE.into(),
            line: 2,
            status: StepStatus::Failed,
            duration: Duration::from_millis(1),
            started: Some(chrono::Utc::now()),
            exchanges: vec![exchange.clone()],
            doc_string: None,
            rows: vec![vec![HOSTILE.into()]],
        }],
        duration: Duration::from_millis(1),
        skip_reason: Some(HOSTILE.into()),
        failure: Some(FailureRecord {
            step: HOSTILE.into(),
            line: 2,
            message: HOSTILE.into(),
            evidence: Some(exchange),
        }),
        other_exchanges: Vec::new(),
        waiver: None,
        notes: Vec::new(),
    });
    r.finish();
    r
}

#[test]
fn hostile_text_in_every_field_stays_text_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let html = obconf::report::render_to_string(&obconf::report::html::Html, &[hostile_record()])
        .expect("the report renders");
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    for raw in ["<img", "<svg", "\u{1b}", "\u{202e}", "\u{0}"] {
        assert!(!html.contains(raw), "{raw:?} reached the page");
    }
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).unwrap();

    let dom = dump_dom(&file_url(&page), dir.path());
    assert!(
        dom.contains(r#"data-applied="yes""#),
        "the page's script still ran"
    );
    assert!(
        !dom.contains("<title>pwned</title>"),
        "an injected script ran"
    );
    let elements = regex::Regex::new(r"<(script|img|svg|iframe|object|embed)\b").unwrap();
    assert_eq!(
        elements.find_iter(&dom).count(),
        1,
        "only the page's own script"
    );
    // Every attribute of every element, its value left out: none is an event handler.
    let tag = regex::Regex::new(r"<[a-zA-Z][^>]*>").unwrap();
    let value = regex::Regex::new(r#""[^"]*""#).unwrap();
    let handler = regex::Regex::new(r"(?i)\son[a-z]+\s*=").unwrap();
    for t in tag.find_iter(&dom) {
        let names = value.replace_all(t.as_str(), "");
        assert!(
            !handler.is_match(&names),
            "an event handler was injected: {}",
            t.as_str()
        );
    }
    assert!(
        dom.contains("&lt;script&gt;document.title="),
        "the text is shown as text"
    );
    assert!(dom.contains("TLS certificate verification was OFF"));
}
