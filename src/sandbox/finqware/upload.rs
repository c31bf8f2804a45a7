//! Uploads: `POST /steps/{step_id}/upload`, a `multipart/form-data` body with the tenant app's
//! `client_id` and one or more files, kept with the step they belong to.
//!
//! A step that waits for an upload holds its session until one arrives. The multipart parser is
//! small on purpose (the bank only needs field names, file names, media types and bytes) and must
//! answer a malformed body with a 400, never panic.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::FinqwareBank;
use super::faults::{UPLOAD_LOST, UPLOAD_TO_UNKNOWN_STEP_ACCEPTED};
use super::reply::{ApiError, json_response};

/// A file the bank keeps for a step.
#[derive(Clone, Debug)]
pub(super) struct Upload {
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub received_at: DateTime<Utc>,
}

/// One part of a multipart body.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

pub(super) async fn upload(
    State(bank): State<Arc<FinqwareBank>>,
    Path(step_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    bank.answer(bank.receive_upload(&step_id, &headers, &body))
}

impl FinqwareBank {
    fn receive_upload(
        &self,
        step_id: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Response, ApiError> {
        let parts = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(boundary)
            .ok_or(ApiError::UnsupportedMediaType)
            .and_then(|b| parse_multipart(body, &b));
        let now = self.clock.now();
        let mut store = self.store();
        let Some((client_id, step)) = store.step_mut(step_id) else {
            if self.faults.has(UPLOAD_TO_UNKNOWN_STEP_ACCEPTED) {
                let answer = self.received(step_id, &[]);
                return Ok(json_response(self.choices.upload_accepted, &answer));
            }
            return Err(ApiError::StepNotFound(step_id.to_string()));
        };
        let parts = parts?;
        let sender = parts
            .iter()
            .find(|p| p.name == "client_id" && p.filename.is_none())
            .map(|p| String::from_utf8_lossy(&p.bytes).trim().to_string())
            .ok_or_else(|| ApiError::BadRequest("the upload needs a `client_id` field".into()))?;
        if sender != client_id {
            return Err(ApiError::Forbidden(format!(
                "step {step_id} belongs to another tenant app"
            )));
        }
        if !step.def.upload {
            return Err(ApiError::Conflict {
                error: "no_upload_expected",
                message: format!("step `{}` takes no upload", step.def.name),
            });
        }
        let files: Vec<Upload> = parts
            .into_iter()
            .filter_map(|p| {
                Some(Upload {
                    filename: p.filename?,
                    field: p.name,
                    content_type: p
                        .content_type
                        .unwrap_or_else(|| "application/octet-stream".into()),
                    bytes: p.bytes,
                    received_at: now,
                })
            })
            .collect();
        if files.is_empty() {
            return Err(ApiError::BadRequest(
                "the upload carries no file (a part with a filename)".into(),
            ));
        }
        let mut answer = self.received(step_id, &files);
        if !self.faults.has(UPLOAD_LOST) {
            step.uploads.extend(files);
        }
        // The other documented reading: the nonce for the next step comes with the upload.
        if self.readings.nonce_in_upload_answer
            && let Some(session_id) = store.session_going_on(step_id)
        {
            let nonce = self.choices.new_nonce();
            answer["nonce"] = json!(store.issue_nonce(nonce, &session_id, now));
        }
        Ok(json_response(self.choices.upload_accepted, &answer))
    }

    /// What was received, as this variant writes it.
    fn received(&self, step_id: &str, files: &[Upload]) -> Value {
        let mut answer = received(step_id, files);
        if let Some(map) = answer.as_object_mut() {
            if !self.choices.upload_answer_extras {
                map.retain(|k, _| k == "step_id");
            } else if self.choices.files_reversed
                && let Some(Value::Array(list)) = map.get_mut("files")
            {
                list.reverse();
            }
        }
        answer
    }
}

/// What was received.
fn received(step_id: &str, files: &[Upload]) -> Value {
    let files: Vec<Value> = files
        .iter()
        .map(|f| {
            json!({
                "field": f.field,
                "filename": f.filename,
                "content_type": f.content_type,
                "size": f.bytes.len(),
                "received_at": f.received_at.to_rfc3339(),
            })
        })
        .collect();
    json!({
        "upload_id": uuid::Uuid::new_v4().to_string(),
        "step_id": step_id,
        "status": "UPLOAD_RECEIVED",
        "files": files,
    })
}

/// The boundary of a `multipart/form-data` content type.
fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    if !params
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/form-data")
    {
        return None;
    }
    params.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The parts of a multipart body (RFC 7578).
pub(super) fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<Part>, ApiError> {
    let malformed = |why: &str| ApiError::BadRequest(format!("malformed multipart body: {why}"));
    let delimiter = format!("--{boundary}").into_bytes();
    let next_delimiter = format!("\r\n--{boundary}").into_bytes();
    let mut at = find(body, &delimiter, 0).ok_or_else(|| malformed("no boundary"))?;
    let mut parts = Vec::new();
    loop {
        at += delimiter.len();
        match body.get(at..at + 2) {
            Some(b"--") => return Ok(parts),
            Some(b"\r\n") => at += 2,
            _ => return Err(malformed("a boundary is not followed by a line break")),
        }
        let head_end =
            find(body, b"\r\n\r\n", at).ok_or_else(|| malformed("a part has no end of headers"))?;
        let head = std::str::from_utf8(&body[at..head_end])
            .map_err(|_| malformed("part headers are not UTF-8"))?;
        let content_start = head_end + 4;
        let content_end = find(body, &next_delimiter, content_start)
            .ok_or_else(|| malformed("a part is not closed by the boundary"))?;
        let mut part = Part {
            name: String::new(),
            filename: None,
            content_type: None,
            bytes: body[content_start..content_end].to_vec(),
        };
        for line in head.split("\r\n") {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let name = name.trim();
            if name.eq_ignore_ascii_case("content-disposition") {
                for param in value.split(';').skip(1) {
                    if let Some((k, v)) = param.split_once('=') {
                        let v = v.trim().trim_matches('"').to_string();
                        match k.trim() {
                            "name" => part.name = v,
                            "filename" => part.filename = Some(v),
                            _ => {}
                        }
                    }
                }
            } else if name.eq_ignore_ascii_case("content-type") {
                part.content_type = Some(value.trim().to_string());
            }
        }
        if part.name.is_empty() {
            return Err(malformed("a part has no Content-Disposition name"));
        }
        parts.push(part);
        at = content_end + 2;
    }
}
