//! The verdict of one schema check, and how a violation is told.

use std::fmt;

use serde_json::Value;

use super::spec::{ResponseSchema, Spec};

/// One way a body breaks its schema: where (a JSON path such as `$.Data.Account[0].Status`) and which
/// rule (the schema keyword, and what it asks), never the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: String,
    pub rule: String,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.path, self.message, self.rule)
    }
}

/// What a schema check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// The body matches the schema named.
    Valid { schema: String, operation: String },
    /// The body breaks the schema: at most a handful of violations, the first ones found.
    Invalid {
        schema: String,
        operation: String,
        violations: Vec<Violation>,
    },
    /// No document describes this operation, status and media type.
    NotDescribed,
    /// The schema itself could not be compiled: obconf's defect, reported rather than passed.
    Unusable { schema: String, reason: String },
}

impl Checked {
    /// A one-paragraph account of an invalid or unusable result, for a step's failure.
    pub fn problem(&self) -> Option<String> {
        match self {
            Checked::Invalid {
                schema,
                operation,
                violations,
            } => {
                let list: Vec<String> = violations.iter().map(|v| format!("  - {v}")).collect();
                Some(format!(
                    "the response to {operation} does not match its schema {schema}:\n{}",
                    list.join("\n")
                ))
            }
            Checked::Unusable { schema, reason } => Some(format!(
                "the schema {schema} cannot be used to check the response: {reason}"
            )),
            Checked::Valid { .. } | Checked::NotDescribed => None,
        }
    }
}

/// How many violations one failure lists.
const MAX_VIOLATIONS: usize = 8;

impl Spec {
    /// Checks `body` against the schema `found`.
    pub(super) fn check(&self, found: &ResponseSchema, body: &Value) -> Checked {
        let schema = format!("{}#{}", self.name(), found.pointer);
        let validator = match self.validator(&found.pointer) {
            Ok(v) => v,
            Err(reason) => return Checked::Unusable { schema, reason },
        };
        let violations: Vec<Violation> = validator
            .iter_errors(body)
            .flat_map(|e| violations_of(&e))
            .take(MAX_VIOLATIONS)
            .collect();
        if violations.is_empty() {
            Checked::Valid {
                schema,
                operation: found.operation.clone(),
            }
        } else {
            Checked::Invalid {
                schema,
                operation: found.operation.clone(),
                violations,
            }
        }
    }
}

/// The violations one error stands for. A body that matches none of an `anyOf` / `oneOf`'s
/// alternatives is told by the violations of the alternative it came closest to (the fewest), so
/// that the failure still names a JSON path and a rule a bank can act on, not only `$: anyOf`.
fn violations_of(e: &jsonschema::ValidationError<'_>) -> Vec<Violation> {
    use jsonschema::error::ValidationErrorKind;
    let (keyword, context) = match e.kind() {
        ValidationErrorKind::AnyOf { context } => ("anyOf", context),
        ValidationErrorKind::OneOfNotValid { context } => ("oneOf", context),
        _ => {
            return vec![Violation {
                path: json_path(&e.instance_path().to_string()),
                rule: e
                    .schema_path()
                    .to_string()
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                message: e.masked().to_string(),
            }];
        }
    };
    let closest = context
        .iter()
        .enumerate()
        .map(|(i, branch)| (i, branch.iter().flat_map(violations_of).collect::<Vec<_>>()))
        .filter(|(_, found)| !found.is_empty())
        .min_by_key(|(_, found)| found.len());
    match closest {
        Some((i, found)) => found
            .into_iter()
            .map(|v| Violation {
                rule: format!("{keyword} alternative {i}: {}", v.rule),
                ..v
            })
            .collect(),
        None => vec![Violation {
            path: json_path(&e.instance_path().to_string()),
            rule: keyword.to_string(),
            message: e.masked().to_string(),
        }],
    }
}

/// `/Data/Account/0/Status` → `$.Data.Account[0].Status`.
fn json_path(pointer: &str) -> String {
    let mut out = String::from("$");
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.chars().all(|c| c.is_ascii_digit()) && !segment.is_empty() {
            out.push_str(&format!("[{segment}]"));
        } else {
            out.push('.');
            out.push_str(&segment);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::SpecSet;
    use serde_json::json;

    const DOC: &str = r#"
openapi: 3.0.0
servers: [{ url: /api }]
paths:
  /accounts:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Accounts' }
components:
  schemas:
    Accounts:
      type: object
      required: [Data]
      properties:
        Data:
          type: object
          properties:
            Account:
              type: array
              items: { $ref: '#/components/schemas/Account' }
    Account:
      type: object
      required: [AccountId, Status]
      properties:
        AccountId: { type: string }
        Status: { type: string, enum: [Active, Inactive] }
        Nickname: { type: string, nullable: true }
"#;

    fn set() -> SpecSet {
        SpecSet::new().with(Spec::from_yaml("t.yaml", DOC, &[]).unwrap())
    }

    #[test]
    fn a_matching_body_is_valid_and_names_its_schema() {
        let body = json!({"Data": {"Account": [{"AccountId": "a", "Status": "Active", "Nickname": null}]}});
        let checked = set().check("GET", "/api/accounts", 200, Some("application/json"), &body);
        assert_eq!(
            checked,
            Checked::Valid {
                schema: "t.yaml#/components/schemas/Accounts".into(),
                operation: "GET /accounts".into()
            }
        );
    }

    #[test]
    fn a_violation_names_the_path_and_rule_but_not_the_value() {
        let body = json!({"Data": {"Account": [{"AccountId": "a", "Status": "Mitsuki-secret-status"}, {"Status": "Active"}]}});
        let checked = set().check("GET", "/api/accounts", 200, None, &body);
        let Checked::Invalid { violations, .. } = &checked else {
            panic!("expected a violation, got {checked:?}");
        };
        let paths: Vec<(&str, &str)> = violations
            .iter()
            .map(|v| (v.path.as_str(), v.rule.as_str()))
            .collect();
        assert!(
            paths.contains(&("$.Data.Account[0].Status", "enum")),
            "{paths:?}"
        );
        assert!(
            paths.contains(&("$.Data.Account[1]", "required")),
            "{paths:?}"
        );
        let text = checked.problem().unwrap();
        assert!(!text.contains("Mitsuki-secret-status"), "{text}");
        assert!(text.contains("GET /accounts"), "{text}");
    }

    #[test]
    fn a_body_matching_no_alternative_is_told_by_the_closest_one() {
        const EITHER: &str = r#"
openapi: 3.0.0
paths:
  /token:
    post:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                anyOf:
                  - { type: object, required: [a, b, c], properties: { a: { type: string } } }
                  - { type: object, required: [token], properties: { token: { type: string } } }
"#;
        let set = SpecSet::new().with(Spec::from_yaml("e.yaml", EITHER, &[]).unwrap());
        let checked = set.check_operation("POST", "/token", 200, None, &json!({"token": 7}));
        let Checked::Invalid { violations, .. } = &checked else {
            panic!("expected a violation, got {checked:?}");
        };
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert_eq!(violations[0].path, "$.token");
        assert_eq!(violations[0].rule, "anyOf alternative 1: type");
        assert!(!checked.problem().unwrap().contains('7'));
    }

    #[test]
    fn an_operation_no_document_describes_is_not_described() {
        let checked = set().check("GET", "/api/parties", 200, None, &json!({}));
        assert_eq!(checked, Checked::NotDescribed);
        assert_eq!(checked.problem(), None);
    }
}
