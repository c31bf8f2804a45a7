//! The published UAE Open Finance schemas every AlTareq response is checked against, and the one
//! place where obconf corrects them.
//!
//! The documents are the v2.1-errata2 OpenAPI specifications, vendored byte for byte in
//! `specs/uae/v2.1-errata2/` (MIT; `specs/uae/SOURCES.md`). Some published schemas contradict the
//! rest of the standard (notes §15); each such defect is corrected here, with the reason, and
//! nowhere else. A correction only ever widens a schema to what the standard's text and the other
//! documents say; it never makes a check pass that the standard would fail.

use std::sync::OnceLock;

use crate::openapi::{Checked, Correction, Spec, SpecError, SpecSet};

const ACCOUNT_INFORMATION: &str =
    include_str!("../../specs/uae/v2.1-errata2/uae-account-information-openapi.yaml");
const AUTHORIZATION: &str =
    include_str!("../../specs/uae/v2.1-errata2/uae-authorization-endpoints-openapi.yaml");
const PAYMENTS: &str =
    include_str!("../../specs/uae/v2.1-errata2/uae-bank-initiation-openapi.yaml");
const CONFIRMATION_OF_PAYEE: &str =
    include_str!("../../specs/uae/v2.1-errata2/uae-confirmation-of-payee-openapi.yaml");

const OAUTH_401: &str = r##"{"description": "Unauthorized (RFC 6749 §5.2)", "content": {"application/json":
    {"schema": {"$ref": "#/components/schemas/OAuthErrorResponse"}}}}"##;

/// Corrections to `uae-authorization-endpoints-openapi.yaml`.
pub static AUTHORIZATION_CORRECTIONS: &[Correction] = &[
    Correction {
        pointer: "/components/schemas/OAuthErrorCodes/enum",
        replacement: r#"["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
            "unsupported_grant_type", "invalid_scope", "invalid_request_object",
            "invalid_authorization_details", "access_denied", "invalid_token"]"#,
        why: "notes §15.3: the enum omits invalid_request_object, which JAR (RFC 9101), PAR \
              (RFC 9126) and the OpenID conformance suite require at /par; RFC 9396 adds \
              invalid_authorization_details and RFC 6749 access_denied",
    },
    Correction {
        pointer: "/paths/~1token/post/responses/200/content/application~1json/schema",
        replacement: r##"{"anyOf": [
            {"$ref": "#/components/schemas/AEAuthorizationCodeGrantTokenResponseProperties"},
            {"$ref": "#/components/schemas/AERefreshTokenGrantTokenResponseProperties"},
            {"$ref": "#/components/schemas/AEClientCredentialsGrantTokenResponseProperties"}]}"##,
        why: "the token response is `oneOf` the three grants' responses, but an authorization-code \
              response without a refresh token or id_token is also a valid refresh-token response, \
              so `oneOf` refuses the most ordinary answer; any one of them is what the text means",
    },
    Correction {
        pointer: "/paths/~1par/post/responses/201",
        replacement: r##"{"description": "Created (RFC 9126 §2.2)", "content": {"application/json":
            {"schema": {"$ref": "#/components/schemas/AEPushedAuthorizationRequests.AEPushedAuthorizationResponseBody"}}}}"##,
        why: "notes §15.2: v2.1 documents PAR's success as 200, RFC 9126, v1.2 and the collection \
              as 201; obconf accepts either (a target's `tolerances.par_status`), so both get the \
              same schema",
    },
    Correction {
        pointer: "/paths/~1par/post/responses/401",
        replacement: OAUTH_401,
        why: "RFC 6749 §5.2: a client whose authentication fails may be answered 401 \
              invalid_client (the scenarios accept 400 or 401); the document lists only 400, so \
              the 401 refusal gets the same OAuth error schema",
    },
    Correction {
        pointer: "/paths/~1token/post/responses/401",
        replacement: OAUTH_401,
        why: "as for /par: RFC 6749 §5.2 allows 401 invalid_client at the token endpoint",
    },
    Correction {
        pointer: "/components/schemas/OAuthBadRequestErrorResponse",
        replacement: r##"{"$ref": "#/components/schemas/OAuthErrorResponse"}"##,
        why: "the schema puts `additionalProperties: false` beside an `allOf` and declares no \
              properties of its own, so JSON Schema refuses every error body with any member; it \
              means the OAuth error object it refers to (RFC 6749 §5.2)",
    },
    Correction {
        pointer: "/components/schemas/AECreationDateTime",
        replacement: r#"{"type": "string", "format": "date-time"}"#,
        why: "notes §15.20: the lodged payment consent types Data.CreationDateTime as an object \
              wrapping a date-time, unlike the data-sharing consent and the payment API, which \
              carry the date-time itself",
    },
    Correction {
        pointer: "/components/schemas/AEStatusUpdateDateTime",
        replacement: r#"{"type": "string", "format": "date-time"}"#,
        why: "notes §15.20: as AECreationDateTime, for Data.StatusUpdateDateTime",
    },
];

const SIGNED_WHY: &str = "each signed answer's schema is `allOf` the JWT claims (Jwt: iss, exp, \
    nbf, aud, iat) and an object with `message` and `additionalProperties: false`; JSON Schema does \
    not see through `allOf`, so the second part refuses the very claims the first requires and no \
    signed answer can be valid; the claims are named in the second part too";

/// Lets the JWT claims through the `message` part of each `allOf` signed answer schema.
macro_rules! signed_answer_claims {
    ($($schema:literal),* $(,)?) => {
        &[$(Correction {
            pointer: concat!("/components/schemas/", $schema, "/allOf/1/patternProperties"),
            replacement: r#"{"^(iss|exp|nbf|aud|iat)$": {}}"#,
            why: SIGNED_WHY,
        }),*]
    };
}

/// Corrections to `uae-account-information-openapi.yaml`.
pub static ACCOUNT_INFORMATION_CORRECTIONS: &[Correction] = signed_answer_claims!(
    "AEReadConsentResponseSigned",
    "AEConsentsByBaseConsentIdResponseSigned",
    "AEReadAccountSigned",
    "AEReadAccountIdSigned",
    "AEReadBalanceSigned",
    "AEReadBeneficiarySigned",
    "AEReadDirectDebitSigned",
    "AEReadProduct1Signed",
    "AEReadScheduledPaymentSigned",
    "AEReadStandingOrderSigned",
    "AEReadTransactionSigned",
    "AEReadStatementsSigned",
    "AEPatchConsentSigned",
);

/// The four documents, loaded once, corrected. An error is obconf's own defect (the documents are
/// compiled in), reported by the step that needed them.
pub fn specs() -> Result<&'static SpecSet, &'static SpecError> {
    static SPECS: OnceLock<Result<SpecSet, SpecError>> = OnceLock::new();
    SPECS.get_or_init(load).as_ref()
}

fn load() -> Result<SpecSet, SpecError> {
    Ok(SpecSet::new()
        .with(Spec::from_yaml(
            "uae-account-information-openapi.yaml",
            ACCOUNT_INFORMATION,
            ACCOUNT_INFORMATION_CORRECTIONS,
        )?)
        .with(Spec::from_yaml(
            "uae-authorization-endpoints-openapi.yaml",
            AUTHORIZATION,
            AUTHORIZATION_CORRECTIONS,
        )?)
        .with(Spec::from_yaml(
            "uae-bank-initiation-openapi.yaml",
            PAYMENTS,
            &[],
        )?)
        .with(Spec::from_yaml(
            "uae-confirmation-of-payee-openapi.yaml",
            CONFIRMATION_OF_PAYEE,
            &[],
        )?))
}

/// Where a response came from, as the schema check needs it.
#[derive(Debug, Clone, Copy)]
pub enum Addressed<'a> {
    /// A resource under `/open-finance/...`: the request path (no query) finds the operation.
    Path(&'a str),
    /// An endpoint found by discovery (`POST /par`, `POST /token`), named by its template.
    Operation(&'a str),
}

/// Checks one response body (parsed; a signed JWT's claims) against its published schema. `Err`
/// carries the failure text: the operation, the schema, and each violation's JSON path and rule.
pub fn check(
    method: &str,
    addressed: Addressed<'_>,
    status: u16,
    content_type: Option<&str>,
    body: &serde_json::Value,
) -> Result<Checked, String> {
    let specs = specs().map_err(|e| format!("obconf cannot load the UAE schemas: {e}"))?;
    let checked = match addressed {
        Addressed::Path(path) => specs.check(method, path, status, content_type, body),
        Addressed::Operation(template) => {
            specs.check_operation(method, template, status, content_type, body)
        }
    };
    match checked.problem() {
        Some(problem) => Err(problem),
        None => Ok(checked),
    }
}

#[cfg(test)]
mod tests;
