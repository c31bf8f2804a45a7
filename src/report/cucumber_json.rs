//! `cucumber.json`: the Cucumber JSON format (features → elements → steps) that report tools read.
//! A failed step's `error_message` holds the catalog id, the message and the evidence; a scenario
//! that could not run carries a failed `before` hook with the same text; skipped, not-run and
//! waived scenarios say why in their `description`. A waived scenario is tagged `@waived`, its
//! failed step is `skipped` with the waiver and the failure in its `error_message`; a failure an
//! expired waiver covers says so in its `description`. Each run's first feature lists what every
//! waiver did in its `description`. Rendering only reads the record.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{Value, json};

use super::{RenderError, Report};
use crate::runner::{RunRecord, StepStatus, Verdict};

/// The `cucumber-json` report.
pub struct CucumberJson;

impl Report for CucumberJson {
    fn kind(&self) -> &'static str {
        "cucumber-json"
    }

    fn file_name(&self) -> &'static str {
        "cucumber.json"
    }

    fn render(&self, runs: &[RunRecord], out: &mut dyn Write) -> Result<(), RenderError> {
        serde_json::to_writer_pretty(&mut *out, &document(runs))?;
        writeln!(out)?;
        Ok(())
    }
}

/// The Cucumber JSON document for `records`.
pub fn document(records: &[RunRecord]) -> Value {
    let mut features: BTreeMap<String, (String, Vec<Value>)> = BTreeMap::new();
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for record in records {
        if let Some(first) = record.scenarios.iter().map(|s| &s.path).min() {
            notes
                .entry(first.display().to_string())
                .or_default()
                .extend(record.waivers.iter().map(|o| o.line()));
        }
        for s in &record.scenarios {
            let uri = s.path.display().to_string();
            let steps: Vec<Value> = if s.steps.is_empty() {
                vec![]
            } else {
                s.steps
                    .iter()
                    .map(|st| {
                        let waived = s.verdict == Verdict::Waived;
                        let status = match st.status {
                            StepStatus::Passed => "passed",
                            StepStatus::Failed if waived => "skipped",
                            StepStatus::Failed => "failed",
                            StepStatus::Undefined => "undefined",
                            StepStatus::NotRun => "skipped",
                        };
                        let mut result = json!({
                            "status": status,
                            "duration": st.duration.as_nanos() as u64,
                        });
                        if st.status == StepStatus::Failed || st.status == StepStatus::Undefined {
                            let failure = s.failure_text().unwrap_or_default();
                            result["error_message"] = json!(match s.reason() {
                                Some(reason) if waived => format!("{reason}\n{failure}"),
                                _ => failure,
                            });
                        }
                        json!({
                            "keyword": format!("{} ", st.keyword),
                            "name": st.text,
                            "line": st.line,
                            "result": result,
                        })
                    })
                    .collect()
            };
            let mut tags: Vec<Value> = s
                .tags
                .iter()
                .map(|t| json!({"name": format!("@{t}")}))
                .collect();
            if s.verdict == Verdict::Waived {
                tags.push(json!({"name": "@waived"}));
            }
            let mut element = json!({
                "id": format!("{};{}", slug(&s.feature), slug(&s.name)),
                "keyword": "Scenario",
                "type": "scenario",
                "name": s.name,
                "line": s.line,
                "tags": tags,
                "steps": steps,
            });
            if let Some(o) = record.expired_waiver_for(s) {
                element["description"] = json!(format!(
                    "a waiver covers this failure but {}: {}",
                    o.note,
                    o.waiver.summary()
                ));
            }
            match s.verdict {
                Verdict::Skipped | Verdict::NotRun | Verdict::Waived => {
                    let reason = s.reason().unwrap_or_default();
                    element["description"] = json!(match s.verdict {
                        Verdict::Skipped => reason,
                        other => format!("{}: {reason}", other.label()),
                    });
                }
                Verdict::Error => {
                    element["before"] = json!([{
                        "match": {"location": "obconf"},
                        "result": {
                            "status": "failed",
                            "duration": 0,
                            "error_message": s.failure_text().unwrap_or_default(),
                        },
                    }]);
                }
                Verdict::Passed | Verdict::Failed => {}
            }
            features
                .entry(uri)
                .or_insert_with(|| (s.feature.clone(), Vec::new()))
                .1
                .push(element);
        }
    }
    Value::Array(
        features
            .into_iter()
            .map(|(uri, (name, elements))| {
                let mut feature = json!({
                    "uri": uri,
                    "id": slug(&name),
                    "keyword": "Feature",
                    "name": name,
                    "elements": elements,
                });
                if let Some(lines) = notes.get(&uri).filter(|l| !l.is_empty()) {
                    feature["description"] = json!(format!("waivers:\n{}", lines.join("\n")));
                }
                feature
            })
            .collect(),
    )
}

fn slug(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}
