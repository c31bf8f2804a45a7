//! `cucumber.json`: the Cucumber JSON format (features → elements → steps) that report tools read.
//! A failed step's `error_message` holds the catalog id, the message and the evidence.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::runner::{RunRecord, StepStatus, Verdict};

/// The Cucumber JSON document for `records`.
pub fn render(records: &[RunRecord]) -> Value {
    let mut features: BTreeMap<String, (String, Vec<Value>)> = BTreeMap::new();
    for record in records {
        for s in &record.scenarios {
            let uri = s.path.display().to_string();
            let steps: Vec<Value> = if s.steps.is_empty() {
                vec![]
            } else {
                s.steps
                    .iter()
                    .map(|st| {
                        let status = match st.status {
                            StepStatus::Passed => "passed",
                            StepStatus::Failed => "failed",
                            StepStatus::Undefined => "undefined",
                            StepStatus::NotRun => "skipped",
                        };
                        let mut result = json!({
                            "status": status,
                            "duration": st.duration.as_nanos() as u64,
                        });
                        if st.status == StepStatus::Failed || st.status == StepStatus::Undefined {
                            result["error_message"] = json!(s.failure_text().unwrap_or_default());
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
            let mut element = json!({
                "id": format!("{};{}", slug(&s.feature), slug(&s.name)),
                "keyword": "Scenario",
                "type": "scenario",
                "name": s.name,
                "line": s.line,
                "tags": s.tags.iter().map(|t| json!({"name": format!("@{t}")})).collect::<Vec<_>>(),
                "steps": steps,
            });
            if s.verdict == Verdict::Skipped || s.verdict == Verdict::NotRun {
                element["description"] = json!(
                    s.skip_reason
                        .clone()
                        .unwrap_or_else(|| "not run: the run stopped first".into())
                );
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
                json!({
                    "uri": uri,
                    "id": slug(&name),
                    "keyword": "Feature",
                    "name": name,
                    "elements": elements,
                })
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
