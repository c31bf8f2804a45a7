//! One OpenAPI 3.0 document: loaded from YAML, corrected, turned into JSON Schema, and searched for
//! the schema of a response.
//!
//! OpenAPI 3.0 schemas are JSON Schema draft 4 plus a few words of their own; of those only
//! `nullable` changes what is valid, so it is rewritten (`type: T` becomes `type: [T, "null"]`).
//! Everything else the document says (examples, descriptions, discriminators) is left as it is: a
//! draft-4 validator ignores words it does not know.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// A fix to a published schema: the JSON value at `pointer` (RFC 6901, in the document as published)
/// is replaced by `replacement` (JSON text), or added when only its parent object is there. `why` says which defect of the document it corrects; it
/// is shown by `Spec::corrections` and belongs in the family's notes.
#[derive(Debug, Clone, Copy)]
pub struct Correction {
    pub pointer: &'static str,
    pub replacement: &'static str,
    pub why: &'static str,
}

/// Why a document could not be loaded: these are obconf's own files, so each is a defect of obconf
/// (or of a correction) and names the document.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("the OpenAPI document {name} is not valid YAML: {reason}")]
    Yaml { name: String, reason: String },
    #[error("the OpenAPI document {name} has no `paths`")]
    NoPaths { name: String },
    #[error("correction of {name} at {pointer}: {reason}")]
    Correction {
        name: String,
        pointer: String,
        reason: String,
    },
}

/// Where the schema of one response lives in its document, and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseSchema {
    /// A JSON pointer into the document.
    pub pointer: String,
    /// `METHOD template` of the operation (`GET /accounts/{AccountId}`).
    pub operation: String,
    /// The response key that matched (`200`, `4XX`, `default`).
    pub status: String,
    /// The media type whose schema it is.
    pub media_type: String,
}

/// A loaded, corrected OpenAPI document.
#[derive(Debug, Clone)]
pub struct Spec {
    name: String,
    base_path: String,
    doc: Arc<Value>,
    corrections: Vec<Correction>,
    validators: Arc<Mutex<HashMap<String, Arc<jsonschema::Validator>>>>,
}

impl Spec {
    /// Loads the document `name` from its YAML `text` and applies `corrections`.
    pub fn from_yaml(
        name: &str,
        text: &str,
        corrections: &[Correction],
    ) -> Result<Self, SpecError> {
        let mut doc: Value = serde_saphyr::from_str(text).map_err(|e| SpecError::Yaml {
            name: name.to_string(),
            reason: e.to_string(),
        })?;
        if !doc.get("paths").is_some_and(Value::is_object) {
            return Err(SpecError::NoPaths {
                name: name.to_string(),
            });
        }
        for c in corrections {
            let replacement: Value =
                serde_json::from_str(c.replacement).map_err(|e| SpecError::Correction {
                    name: name.to_string(),
                    pointer: c.pointer.to_string(),
                    reason: format!("the replacement is not JSON: {e}"),
                })?;
            let fail = |reason: &str| SpecError::Correction {
                name: name.to_string(),
                pointer: c.pointer.to_string(),
                reason: reason.to_string(),
            };
            if let Some(slot) = doc.pointer_mut(c.pointer) {
                *slot = replacement;
                continue;
            }
            // A correction may add a key (a response the document forgot) to an object that is there.
            let (parent, key) = c
                .pointer
                .rsplit_once('/')
                .ok_or_else(|| fail("not a JSON pointer"))?;
            let key = key.replace("~1", "/").replace("~0", "~");
            doc.pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .ok_or_else(|| fail("nothing at that pointer in the published document"))?
                .insert(key, replacement);
        }
        rewrite_nullable(&mut doc);
        let base_path = doc
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .map(server_path)
            .unwrap_or_default();
        Ok(Self {
            name: name.to_string(),
            base_path,
            doc: Arc::new(doc),
            corrections: corrections.to_vec(),
            validators: Arc::default(),
        })
    }

    /// The document's name (its file name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The path every operation of the document sits under (its first server's path).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// The document as loaded: corrected, `nullable` rewritten.
    pub fn document(&self) -> &Value {
        &self.doc
    }

    /// The corrections applied when it was loaded.
    pub fn corrections(&self) -> &[Correction] {
        &self.corrections
    }

    /// The schema this document gives for the answer `status` to `method path`, if it describes one.
    /// `path` is the request's path (no query); it must sit under the document's base path.
    pub fn response_schema(
        &self,
        method: &str,
        path: &str,
        status: u16,
        content_type: Option<&str>,
    ) -> Option<ResponseSchema> {
        let rest = path.strip_prefix(self.base_path.as_str())?;
        let rest = if rest.is_empty() { "/" } else { rest };
        if !rest.starts_with('/') {
            return None;
        }
        let paths = self.doc.get("paths")?.as_object()?;
        let template = best_template(paths.keys().map(String::as_str), rest)?;
        self.operation_response_schema(method, template, status, content_type)
    }

    /// The schema this document gives for the answer `status` to the operation `method template`
    /// (`POST /par`): for endpoints a bank publishes at a discovered URL rather than under the
    /// document's base path.
    pub fn operation_response_schema(
        &self,
        method: &str,
        template: &str,
        status: u16,
        content_type: Option<&str>,
    ) -> Option<ResponseSchema> {
        let paths = self.doc.get("paths")?.as_object()?;
        let method_key = method.to_ascii_lowercase();
        let responses = paths.get(template)?.get(&method_key)?.get("responses")?;
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        let (key, response) = [exact.as_str(), range.as_str(), "default"]
            .into_iter()
            .find_map(|k| responses.get(k).map(|r| (k.to_string(), r)))?;
        let (response, response_pointer) = match response.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let pointer = r.strip_prefix('#')?.to_string();
                (self.doc.pointer(&pointer)?, pointer)
            }
            None => (
                response,
                format!(
                    "/paths/{}/{}/responses/{}",
                    escape(template),
                    method_key,
                    escape(&key)
                ),
            ),
        };
        let content = response.get("content")?.as_object()?;
        let wanted = content_type
            .map(|c| {
                c.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let (media_type, media) = content
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&wanted))
            .or_else(|| content.iter().next())?;
        let schema = media.get("schema")?;
        let pointer = match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => r.strip_prefix('#')?.to_string(),
            None => format!("{response_pointer}/content/{}/schema", escape(media_type)),
        };
        Some(ResponseSchema {
            pointer,
            operation: format!("{} {template}", method.to_ascii_uppercase()),
            status: key,
            media_type: media_type.clone(),
        })
    }

    /// The compiled validator for the schema at `pointer`, built once per document and pointer.
    pub(super) fn validator(&self, pointer: &str) -> Result<Arc<jsonschema::Validator>, String> {
        let mut cache = self
            .validators
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(v) = cache.get(pointer) {
            return Ok(v.clone());
        }
        // The whole document is the root schema, so that its internal `#/components/...` references
        // resolve; the root's own `$ref` picks the schema (draft 4 ignores the words beside it).
        let mut root = self.doc.as_ref().clone();
        if let Some(map) = root.as_object_mut() {
            map.insert("$ref".to_string(), Value::String(format!("#{pointer}")));
        }
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| e.to_string())?;
        let validator = Arc::new(validator);
        cache.insert(pointer.to_string(), validator.clone());
        Ok(validator)
    }
}

/// The path part of a server URL (`https://h/open-finance/v2.1/` → `/open-finance/v2.1`).
fn server_path(url: &str) -> String {
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("", |j| &url[i + 3 + j..]),
        None => url,
    };
    path.trim_end_matches('/').to_string()
}

/// The template among `templates` that `path` fills, preferring literal segments over parameters
/// (`/payments/{PaymentId}` and `/payments/file` both fill `/payments/file`; the literal one wins).
fn best_template<'a>(templates: impl Iterator<Item = &'a str>, path: &str) -> Option<&'a str> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    templates
        .filter_map(|t| {
            let parts: Vec<&str> = t.trim_end_matches('/').split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut params = 0;
            for (p, s) in parts.iter().zip(&segments) {
                if p.starts_with('{') && p.ends_with('}') {
                    if s.is_empty() {
                        return None;
                    }
                    params += 1;
                } else if p != s {
                    return None;
                }
            }
            Some((params, t))
        })
        .min_by_key(|(params, _)| *params)
        .map(|(_, t)| t)
}

/// RFC 6901 escaping of one pointer segment.
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Rewrites OpenAPI 3.0's `nullable: true` into draft-4 JSON Schema, everywhere in the document.
fn rewrite_nullable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                map.remove("nullable");
                match map.get_mut("type") {
                    Some(Value::String(t)) => {
                        let t = std::mem::take(t);
                        map.insert("type".to_string(), serde_json::json!([t, "null"]));
                    }
                    Some(Value::Array(types)) => {
                        if !types.iter().any(|t| t == "null") {
                            types.push(Value::String("null".to_string()));
                        }
                    }
                    _ => {
                        let inner = Value::Object(std::mem::take(map));
                        map.insert(
                            "anyOf".to_string(),
                            serde_json::json!([inner, { "type": "null" }]),
                        );
                    }
                }
            }
            for v in map.values_mut() {
                rewrite_nullable(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_nullable),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
openapi: 3.0.0
servers:
  - url: /api/v1
paths:
  /things/{Id}:
    get:
      responses:
        '200':
          $ref: '#/components/responses/Thing'
        '4XX':
          description: error
          content:
            application/json:
              schema:
                type: object
                required: [Errors]
  /things/special:
    get:
      responses:
        default:
          description: x
          content:
            application/jwt:
              schema:
                $ref: '#/components/schemas/Special'
components:
  responses:
    Thing:
      description: a thing
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Thing'
  schemas:
    Thing:
      type: object
      required: [Name]
      properties:
        Name: { type: string, nullable: true }
    Special:
      type: object
"#;

    #[test]
    fn finds_the_schema_of_a_response_by_path_status_and_media_type() {
        let spec = Spec::from_yaml("t.yaml", DOC, &[]).unwrap();
        let found = spec
            .response_schema("GET", "/api/v1/things/42", 200, Some("application/json"))
            .unwrap();
        assert_eq!(found.pointer, "/components/schemas/Thing");
        assert_eq!(found.operation, "GET /things/{Id}");
        let error = spec
            .response_schema("GET", "/api/v1/things/42", 403, None)
            .unwrap();
        assert_eq!(
            error.pointer,
            "/paths/~1things~1{Id}/get/responses/4XX/content/application~1json/schema"
        );
        let literal = spec
            .response_schema("GET", "/api/v1/things/special", 200, None)
            .unwrap();
        assert_eq!(literal.pointer, "/components/schemas/Special");
        assert_eq!(literal.status, "default");
        assert!(
            spec.response_schema("GET", "/other/things/1", 200, None)
                .is_none()
        );
        assert!(
            spec.response_schema("POST", "/api/v1/things/1", 200, None)
                .is_none()
        );
    }

    #[test]
    fn nullable_becomes_a_null_type_and_corrections_replace_the_published_value() {
        let fix = Correction {
            pointer: "/components/schemas/Thing/required",
            replacement: r#"["Name", "Size"]"#,
            why: "test",
        };
        let spec = Spec::from_yaml("t.yaml", DOC, &[fix]).unwrap();
        assert_eq!(
            spec.doc
                .pointer("/components/schemas/Thing/properties/Name/type"),
            Some(&serde_json::json!(["string", "null"]))
        );
        assert_eq!(
            spec.doc.pointer("/components/schemas/Thing/required"),
            Some(&serde_json::json!(["Name", "Size"]))
        );
        let missing = Correction {
            pointer: "/components/nothing/Nope",
            replacement: "{}",
            why: "test",
        };
        let err = Spec::from_yaml("t.yaml", DOC, &[missing]).unwrap_err();
        assert!(err.to_string().contains("nothing at that pointer"), "{err}");
    }

    #[test]
    fn server_paths_are_taken_from_absolute_and_relative_urls() {
        assert_eq!(
            server_path("/open-finance/payment/v2.1"),
            "/open-finance/payment/v2.1"
        );
        assert_eq!(server_path("https://h.example/a/b/"), "/a/b");
        assert_eq!(server_path("https://h.example"), "");
    }
}
