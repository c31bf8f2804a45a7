//! `cucumber.json`: the Cucumber JSON format (features → elements → steps) that report tools read
//! whole, valid against cucumber-jvm's schema (`schemas/cucumber-jvm.json`, checked by
//! `tests/reports.rs`) apart from the `metadata` extension below.
//!
//! Every scenario has its steps, whatever its verdict: a skipped, not-run or waived one lists
//! them `skipped` (and says why in its `description`), so that readers count every scenario.
//! Steps keep their doc string (`doc_string`) and data table (`rows`), and every exchange a step
//! made, passed or failed, is attached to it as `embeddings`: the redacted evidence text
//! (`text/plain`) and its record (`application/json`), both base64 as the format wants. A failed
//! step's `error_message` holds the catalog id, the message and the evidence; a scenario that
//! could not run carries a failed `before` hook with the same text (hooks' exchanges are that
//! hook's embeddings). Each feature's `description` states the run's metadata, and its
//! `metadata` holds them as `{name, value}` pairs, the form multiple-cucumber-html-reporter
//! shows with `customMetadata: true` (readers that do not know the key ignore it).
//!
//! A waived scenario is tagged `@waived`, its failed step is `skipped` with the waiver and the
//! failure in its `error_message`; a failure an expired waiver covers says so in its
//! `description`. Each run's first feature lists what every waiver did in its `description`.
//!
//! Rendering only reads the record, which is redacted when it is built; it never panics.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::{RenderError, Report};
use crate::http::ExchangeRecord;
use crate::runner::{RunRecord, ScenarioRecord, StepRecord, StepStatus, Verdict};

/// The `cucumber-json` report.
pub struct CucumberJson;

impl Report for CucumberJson {
    fn kind(&self) -> &'static str {
        "cucumber-json"
    }

    fn file_name(&self) -> &'static str {
        "cucumber.json"
    }

    /// Streamed: each scenario's element is built, written and dropped in turn, so that the
    /// document is never held whole as a JSON tree (at thousands of scenarios that tree was most
    /// of a run's memory).
    fn render(&self, runs: &[RunRecord], out: &mut dyn Write) -> Result<(), RenderError> {
        // Compact: tools read it whole; at thousands of scenarios indentation was a third of it.
        serde_json::to_writer(&mut *out, &Features(lazy_features(runs)))?;
        writeln!(out)?;
        Ok(())
    }
}

/// The Cucumber JSON document for `records`: one feature per run and feature file.
pub fn document(records: &[RunRecord]) -> Value {
    serde_json::to_value(Features(lazy_features(records))).unwrap_or(Value::Null)
}

/// A feature whose elements are built only while it is written.
struct LazyFeature<'a> {
    /// The feature's members, `elements` empty.
    head: Value,
    record: &'a RunRecord,
    scenarios: Vec<&'a ScenarioRecord>,
}

struct Features<'a>(Vec<LazyFeature<'a>>);

struct Elements<'a, 'b>(&'b LazyFeature<'a>);

impl serde::Serialize for Features<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(&self.0)
    }
}

impl serde::Serialize for LazyFeature<'_> {
    /// The head's members in its (sorted) order, `elements` produced one by one.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let Value::Object(members) = &self.head else {
            return self.head.serialize(s);
        };
        let mut map = s.serialize_map(Some(members.len()))?;
        for (k, v) in members {
            if k == "elements" {
                map.serialize_entry(k, &Elements(self))?;
            } else {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

impl serde::Serialize for Elements<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq as _;
        let mut seq = s.serialize_seq(Some(self.0.scenarios.len()))?;
        for scenario in &self.0.scenarios {
            seq.serialize_element(&element(self.0.record, scenario))?;
        }
        seq.end()
    }
}

fn lazy_features(records: &[RunRecord]) -> Vec<LazyFeature<'_>> {
    let mut features = Vec::new();
    for record in records {
        let mut files: BTreeMap<PathBuf, (String, Vec<&ScenarioRecord>)> = BTreeMap::new();
        for s in &record.scenarios {
            files
                .entry(s.shown_file())
                .or_insert_with(|| (s.feature.clone(), Vec::new()))
                .1
                .push(s);
        }
        let mut waivers: Vec<String> = record.waivers.iter().map(|o| o.line()).collect();
        for (file, (name, scenarios)) in files {
            let mut f = feature(record, &file, &name, Vec::new());
            if !waivers.is_empty() {
                let lines = std::mem::take(&mut waivers).join("\n");
                let description = f["description"].as_str().unwrap_or_default().to_string();
                f["description"] = json!(format!("{description}\nwaivers:\n{lines}"));
            }
            features.push(LazyFeature {
                head: f,
                record,
                scenarios,
            });
        }
    }
    features
}

fn feature(record: &RunRecord, file: &std::path::Path, name: &str, elements: Vec<Value>) -> Value {
    let metadata = record.metadata();
    let description = metadata
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("\n");
    json!({
        "uri": file.display().to_string(),
        "id": slug(name),
        // The record keeps no feature line; features start their file.
        "line": 1,
        "keyword": "Feature",
        "name": name,
        "description": description,
        "elements": elements,
        "metadata": metadata
            .iter()
            .map(|(k, v)| json!({"name": k, "value": v}))
            .collect::<Vec<_>>(),
    })
}

fn element(record: &RunRecord, s: &ScenarioRecord) -> Value {
    let file = s.shown_file();
    let waived = s.verdict == Verdict::Waived;
    let error_text = || {
        let failure = s.failure_text_at(&file).unwrap_or_default();
        match s.reason() {
            Some(reason) if waived => format!("{reason}\n{failure}"),
            _ => failure,
        }
    };
    let mut steps: Vec<Value> = s
        .steps
        .iter()
        .map(|st| step(st, s.verdict, &error_text))
        .collect();
    if steps.is_empty() && !matches!(s.verdict, Verdict::Passed | Verdict::Failed) {
        // A record without steps still counts as a scenario in readers: one skipped step says why.
        steps.push(json!({
            "keyword": "* ",
            "name": s.reason().unwrap_or_else(|| s.verdict.label().to_string()),
            "line": s.line,
            "result": {"status": "skipped", "duration": 0},
        }));
    }
    let description = match (s.verdict, s.reason(), record.expired_waiver_for(s)) {
        (_, _, Some(o)) => format!(
            "a waiver covers this failure but {}: {}",
            o.note,
            o.waiver.summary()
        ),
        (Verdict::Skipped, Some(reason), None) => reason,
        (other, Some(reason), None) => format!("{}: {reason}", other.label()),
        (_, None, None) => String::new(),
    };
    let mut tags: Vec<Value> = s
        .tags
        .iter()
        .map(|t| json!({"name": format!("@{t}")}))
        .collect();
    if waived {
        tags.push(json!({"name": "@waived"}));
    }
    if s.verdict == Verdict::CouldNotCheck {
        tags.push(json!({"name": "@could-not-check"}));
    }
    let mut element = json!({
        "id": format!("{};{};{}", slug(&s.feature), slug(&s.name), s.line),
        "keyword": "Scenario",
        "type": "scenario",
        "name": s.name,
        "line": s.line,
        "description": description,
        "tags": tags,
        "steps": steps,
    });
    if let Some(started) = &s.started {
        element["start_timestamp"] =
            json!(started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    }
    if s.verdict == Verdict::Error || !s.other_exchanges.is_empty() {
        let mut result = json!({"status": "passed", "duration": 0});
        if s.verdict == Verdict::Error {
            result["status"] = json!("failed");
            result["error_message"] = json!(error_text());
        }
        let mut hook = json!({"match": {"location": "obconf"}, "result": result});
        if !s.other_exchanges.is_empty() {
            hook["embeddings"] = embeddings(&s.other_exchanges);
        }
        element["before"] = json!([hook]);
    }
    element
}

/// A step as the format has it; a waived scenario's failed step is `skipped` (it does not fail
/// the run) and its message says which waiver covers it; the step that could not check is
/// `pending` (no verdict on the bank), its message the reason and hint.
fn step(st: &StepRecord, verdict: Verdict, error_text: &dyn Fn() -> String) -> Value {
    let status = match st.status {
        StepStatus::Passed => "passed",
        StepStatus::Failed if verdict == Verdict::Waived => "skipped",
        StepStatus::Failed if verdict == Verdict::CouldNotCheck => "pending",
        StepStatus::Failed => "failed",
        StepStatus::Undefined => "undefined",
        StepStatus::NotRun => "skipped",
    };
    let nanos = u64::try_from(st.duration.as_nanos()).unwrap_or(u64::MAX);
    let mut result = json!({"status": status, "duration": nanos});
    if matches!(st.status, StepStatus::Failed | StepStatus::Undefined) {
        result["error_message"] = json!(error_text());
    }
    let mut step = json!({
        "keyword": format!("{} ", st.keyword),
        "name": st.text,
        "line": st.line,
        "result": result,
    });
    if let Some(doc) = &st.doc_string {
        step["doc_string"] = json!({"value": doc.value, "line": doc.line});
        if let Some(content_type) = &doc.content_type {
            step["doc_string"]["content_type"] = json!(content_type);
        }
    }
    if !st.rows.is_empty() {
        step["rows"] = st.rows.iter().map(|r| json!({"cells": r})).collect();
    }
    if !st.exchanges.is_empty() {
        step["embeddings"] = embeddings(&st.exchanges);
    }
    step
}

/// Each exchange as two attachments: its evidence text and its JSON record, named by its summary.
fn embeddings(exchanges: &[ExchangeRecord]) -> Value {
    exchanges
        .iter()
        .flat_map(|e| {
            let name = e.summary();
            let record = serde_json::to_string(e).unwrap_or_default();
            [
                json!({
                    "mime_type": "text/plain",
                    "data": STANDARD.encode(e.render()),
                    "name": name,
                }),
                json!({
                    "mime_type": "application/json",
                    "data": STANDARD.encode(crate::redact::redact(&record)),
                    "name": format!("{name} (record)"),
                }),
            ]
        })
        .collect()
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
