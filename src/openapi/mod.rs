//! Response validation against a published OpenAPI 3.0 document.
//!
//! A family that publishes its API as OpenAPI vendors the documents (as data, with their licence) and hands
//! them to a [`SpecSet`], together with the [`Correction`]s for the schemas' known defects, written down in
//! one place of the family's own. Each response body obconf reads (after the family's wire has unwrapped it,
//! so a signed JWT is checked by its claims) is then checked against the schema the document gives for that
//! operation, status and media type. A violation names the JSON path of the offending value and the schema
//! rule it breaks, never the value itself: the body may carry personal data.
//!
//! This module must never name a family, and never decide that a response is right because no schema
//! describes it: [`Checked::NotDescribed`] says so, and the caller decides.

mod check;
mod spec;

pub use check::{Checked, Violation};
pub use spec::{Correction, Spec, SpecError};

/// The documents of one API family, searched in order for the operation a request addressed.
#[derive(Debug, Default)]
pub struct SpecSet {
    specs: Vec<Spec>,
}

impl SpecSet {
    /// An empty set: every response is [`Checked::NotDescribed`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a document.
    pub fn with(mut self, spec: Spec) -> Self {
        self.specs.push(spec);
        self
    }

    /// The documents, in the order they were added.
    pub fn specs(&self) -> &[Spec] {
        &self.specs
    }

    /// Checks `body` (the parsed, unwrapped response) of `method path` answered with `status` and
    /// `content_type` against the first document that describes the operation.
    pub fn check(
        &self,
        method: &str,
        path: &str,
        status: u16,
        content_type: Option<&str>,
        body: &serde_json::Value,
    ) -> Checked {
        for spec in &self.specs {
            if let Some(found) = spec.response_schema(method, path, status, content_type) {
                return spec.check(&found, body);
            }
        }
        Checked::NotDescribed
    }

    /// Checks `body` as the answer to the operation `method template` (`POST /token`), whatever URL
    /// it was sent to: for endpoints found by discovery.
    pub fn check_operation(
        &self,
        method: &str,
        template: &str,
        status: u16,
        content_type: Option<&str>,
        body: &serde_json::Value,
    ) -> Checked {
        for spec in &self.specs {
            if let Some(found) =
                spec.operation_response_schema(method, template, status, content_type)
            {
                return spec.check(&found, body);
            }
        }
        Checked::NotDescribed
    }
}
