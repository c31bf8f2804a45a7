//! Property: whatever bytes a bank sends (as status text, header names and values, bodies, and
//! the texts steps quote from them), every report stays well-formed and shaped as obconf wrote it.
//!
//! Each case builds the evidence through the real redacting constructor (`ExchangeRecord::of`),
//! renders every report, and reads each back strictly: `junit.xml` with quick-xml (and the same
//! elements as a benign record's), `cucumber.json` and `run.json` with serde_json, `report.html`
//! with the structural check (and the same tags as a benign record's); the console has no
//! control character but line feed and tab.

#[path = "common/wellformed.rs"]
mod wellformed;

use std::path::PathBuf;
use std::time::Duration;

use obconf::http::{Exchange, RecordedRequest, RecordedResponse};
use obconf::report::{Report, render_to_string};
use obconf::runner::record::{FailureRecord, StepRecord};
use obconf::runner::{ExchangeRecord, RunDocument, RunRecord, ScenarioRecord, StepStatus, Verdict};
use proptest::prelude::*;

/// What a bank controls in one exchange.
#[derive(Clone, Debug)]
struct Hostile {
    status_text: String,
    headers: Vec<(String, String)>,
    body: String,
}

/// Texts a bank could send: raw bytes read as HTTP clients read them (lossy UTF-8), any Unicode,
/// and the pieces known to break formats.
fn text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "]]>",
        "<![CDATA[",
        "</system-out>",
        "<testcase name=\"x\"/>",
        "\u{1b}[2J",
        "\u{1b}]0;t\u{7}",
        "\r",
        "\0",
        "\u{9b}",
        "\u{202e}",
        "\u{fffe}",
        "\u{d7ff}",
        "&amp;",
        "&#0;",
        "\"",
        "'",
        "</script><script>",
        "<!--",
        "-->",
        "{\"a\":",
        "\\u0000",
        "\u{10ffff}",
    ]);
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        any::<String>(),
        prop::collection::vec(pieces, 0..8).prop_map(|p| p.concat()),
    ]
}

fn hostile() -> impl Strategy<Value = Hostile> {
    (
        text(),
        prop::collection::vec((text(), text()), 0..4),
        text(),
    )
        .prop_map(|(status_text, headers, body)| Hostile {
            status_text,
            headers,
            body,
        })
}

fn record(h: &Hostile) -> RunRecord {
    let exchange = ExchangeRecord::of(&Exchange {
        request: RecordedRequest {
            method: "GET".into(),
            url: "https://127.0.0.1:4443/accounts".into(),
            headers: vec![("Authorization".into(), "Bearer tok-hostile-bytes".into())],
            body: None,
        },
        response: Some(RecordedResponse {
            status: 500,
            headers: h.headers.clone(),
            body: h.body.clone(),
        }),
        error: None,
        tls_alert: None,
        elapsed: Duration::from_millis(1),
        at: chrono::Utc::now(),
        unwrapped: Some(h.body.clone()),
        rejected: Some(h.status_text.clone()),
    });
    let step = |keyword: &str, text: &str, line: usize, status| StepRecord {
        keyword: keyword.into(),
        text: text.into(),
        line,
        status,
        duration: Duration::from_millis(1),
        started: Some(chrono::Utc::now()),
        exchanges: Vec::new(),
        doc_string: None,
        rows: Vec::new(),
    };
    let mut when = step("When", "the TPP sends GET /accounts", 4, StepStatus::Passed);
    when.exchanges.push(exchange.clone());
    let then = step("Then", "the response status is 200", 5, StepStatus::Failed);
    let scenario = ScenarioRecord {
        feature: "Accounts".into(),
        path: PathBuf::from("features/x/accounts.feature"),
        file: PathBuf::from("x/accounts.feature"),
        name: "X-01 the accounts are listed".into(),
        line: 3,
        tags: vec!["X-01".into()],
        catalog_ids: vec!["X-01".into()],
        verdict: Verdict::Failed,
        steps: vec![when, then],
        duration: Duration::from_millis(2),
        started: Some(chrono::Utc::now()),
        skip_reason: None,
        failure: Some(FailureRecord {
            step: "Then the response status is 200".into(),
            line: 5,
            // Steps quote what the bank sent in their message.
            message: format!("expected: HTTP 200\n  actual: HTTP 500 {}", h.status_text),
            evidence: Some(exchange),
        }),
        other_exchanges: Vec::new(),
        waiver: None,
        // Notes quote what the bank sent too.
        notes: vec![format!("the bank answered {}", h.status_text)],
    };
    let mut run = RunRecord::new("hostile", "x");
    run.base_url = "https://127.0.0.1:4443".into();
    run.scenarios.push(scenario);
    run.finish();
    run
}

fn render(report: &dyn Report, run: &RunRecord) -> String {
    render_to_string(report, std::slice::from_ref(run)).expect("every report renders")
}

/// The tag names of an HTML text, in order.
fn html_tags(text: &str) -> Vec<String> {
    regex::Regex::new(r"<(/?[A-Za-z!][A-Za-z0-9-]*)")
        .unwrap()
        .captures_iter(text)
        .map(|c| c[1].to_string())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_bank_bytes_break_a_report_or_reach_the_terminal(h in hostile()) {
        let benign = Hostile {
            status_text: "Internal Server Error".into(),
            headers: h.headers.iter().enumerate().map(|(i, _)| (format!("x-h{i}"), "v".into())).collect(),
            body: "plain".into(),
        };
        let (run, base) = (record(&h), record(&benign));

        let junit = render(&obconf::report::junit::Junit, &run);
        prop_assert_eq!(
            wellformed::xml_elements(&junit),
            wellformed::xml_elements(&render(&obconf::report::junit::Junit, &base))
        );

        let cucumber = render(&obconf::report::cucumber_json::CucumberJson, &run);
        serde_json::from_str::<serde_json::Value>(&cucumber).expect("cucumber.json is JSON");

        let run_json = render(&obconf::report::run_json::RunJson, &run);
        let back: RunDocument = serde_json::from_str(&run_json).expect("run.json reads back");
        prop_assert_eq!(back.runs.len(), 1);

        let html = render(&obconf::report::html::Html, &run);
        wellformed::check_html(&html);
        prop_assert_eq!(html_tags(&html), html_tags(&render(&obconf::report::html::Html, &base)));

        let console = obconf::report::console::summary(std::slice::from_ref(&run));
        wellformed::check_terminal(&console);
        for s in &run.scenarios {
            wellformed::check_terminal(&obconf::report::console::progress_line(s));
        }
        prop_assert!(!console.contains("tok-hostile-bytes") && !junit.contains("tok-hostile-bytes"));
    }
}
