//! The Finqware bank's fault table: every documented rule this bank can be told to break.
//!
//! Each entry names the rule in the document's words and the catalog ids whose scenarios must fail
//! while the fault is active; the handlers test the names below with `FaultSet::has`. A fault must
//! change only the behaviour it names, and must never make the bank panic or stop answering.
//!
//! Healthy variants (a seed, see `kit::variant`) draw the reading below, and what `variant.rs`
//! lists: the form of ids and the length of nonces, the tenant app's client_id, the 2xx of each
//! success and the 4xx of each refusal (401 or 403 for the credentials), whether the optional
//! members of step and upload answers are there, the order of an upload's files; and the HTTP
//! protocol and JSON key order every bank varies.

use crate::sandbox::Fault;
use crate::sandbox::kit::Variant;

/// Where the document allows two readings, the one a bank follows. A healthy variant draws each;
/// obconf must accept both and record which one the bank follows.
///
/// - **The nonce after an upload-requiring step.** "Each answer carries a step_id and the nonce
///   for the next step", and "at each step a skill might require specific uploads", but the
///   document does not say which answer carries the nonce when the step waits for an upload: the
///   step's answer (the canonical bank), or the upload's answer (then the step's answer has none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Readings {
    /// The nonce for the step after an upload comes in the upload's answer.
    pub nonce_in_upload_answer: bool,
}

impl Readings {
    pub(super) fn of(variant: &Variant) -> Self {
        Self {
            nonce_in_upload_answer: variant.flip("nonce after an upload-requiring step"),
        }
    }
}

pub(super) const SESSION_STATUS_WRONG: &str = "session-status-wrong";
pub(super) const WRONG_APP_KEY_ACCEPTED: &str = "wrong-app-key-accepted";
pub(super) const UNKNOWN_CLIENT_ID_ACCEPTED: &str = "unknown-client-id-accepted";
pub(super) const REFUSAL_CREATES_SESSION: &str = "refusal-creates-session";
pub(super) const UNKNOWN_SKILL_ACCEPTED: &str = "unknown-skill-accepted";
pub(super) const UNREGISTERED_SKILL_ACCEPTED: &str = "unregistered-skill-accepted";
pub(super) const STEP_ID_MISSING: &str = "step-id-missing";
pub(super) const NONCE_STATIC: &str = "nonce-static";
pub(super) const NONCE_REUSABLE: &str = "nonce-reusable";
pub(super) const NONCE_NOT_BOUND_TO_SESSION: &str = "nonce-not-bound-to-session";
pub(super) const REFUSAL_CHANGES_SESSION: &str = "refusal-changes-session";
pub(super) const REFUSED_NONCE_CONSUMED: &str = "refused-nonce-consumed";
pub(super) const NONCE_NEVER_EXPIRES: &str = "nonce-never-expires";
pub(super) const NONCE_EXPIRES_EARLY: &str = "nonce-expires-early";
pub(super) const UPLOAD_LOST: &str = "upload-lost";
pub(super) const UPLOAD_TO_UNKNOWN_STEP_ACCEPTED: &str = "upload-to-unknown-step-accepted";
pub(super) const UPLOAD_NOT_REQUIRED: &str = "upload-not-required";

/// Every fault of the Finqware reference bank, in catalog order.
pub static FAULTS: &[Fault] = &[
    Fault {
        name: SESSION_STATUS_WRONG,
        rule: "a created session is answered with its session_id, a nonce and the status SESSION_CREATED",
        breaks: &["FQ-SES-01"],
    },
    Fault {
        name: WRONG_APP_KEY_ACCEPTED,
        rule: "client_app_key authorises the call: a wrong one is refused and creates no session",
        breaks: &["FQ-SES-02"],
    },
    Fault {
        name: UNKNOWN_CLIENT_ID_ACCEPTED,
        rule: "client_id identifies the tenant app: an unknown one is refused and creates no session",
        breaks: &["FQ-SES-02"],
    },
    Fault {
        name: REFUSAL_CREATES_SESSION,
        rule: "a call refused for its client_app_key creates no session (it hands out no session_id or nonce)",
        breaks: &["FQ-SES-02"],
    },
    Fault {
        name: UNKNOWN_SKILL_ACCEPTED,
        rule: "the skill is taken from the skills catalog: a skill not in it is refused",
        breaks: &["FQ-SES-03"],
    },
    Fault {
        name: UNREGISTERED_SKILL_ACCEPTED,
        rule: "each tenant registers the skills it connects to: a skill it did not register is refused",
        breaks: &["FQ-SES-03"],
    },
    Fault {
        name: STEP_ID_MISSING,
        rule: "each step submission is answered with a step_id",
        breaks: &["FQ-STEP-01", "FQ-UPL-01"],
    },
    Fault {
        name: NONCE_STATIC,
        rule: "each step submission is answered with a new nonce for the next step",
        breaks: &["FQ-STEP-01", "FQ-STEP-02"],
    },
    Fault {
        name: NONCE_REUSABLE,
        rule: "a step presents the nonce from the previous answer: a nonce already used is refused",
        breaks: &["FQ-STEP-02"],
    },
    Fault {
        name: NONCE_NOT_BOUND_TO_SESSION,
        rule: "a step presents the nonce from its own session's previous answer: another session's is refused",
        breaks: &["FQ-STEP-02"],
    },
    Fault {
        name: REFUSAL_CHANGES_SESSION,
        rule: "a step refused for its nonce leaves the session as it was",
        breaks: &["FQ-STEP-02"],
    },
    Fault {
        name: REFUSED_NONCE_CONSUMED,
        rule: "a nonce presented to the wrong session stays good for its own session",
        breaks: &["FQ-STEP-02"],
    },
    Fault {
        name: NONCE_NEVER_EXPIRES,
        rule: "the nonce expires in 30 minutes",
        breaks: &["FQ-STEP-03"],
    },
    Fault {
        name: NONCE_EXPIRES_EARLY,
        rule: "the nonce expires in 30 minutes, not sooner",
        breaks: &["FQ-STEP-03"],
    },
    Fault {
        name: UPLOAD_LOST,
        rule: "an upload to a step that requires one is kept, and the session goes on to its next step",
        breaks: &["FQ-UPL-01", "FQ-STEP-01"],
    },
    Fault {
        name: UPLOAD_TO_UNKNOWN_STEP_ACCEPTED,
        rule: "an upload to a step_id that does not exist is answered HTTP 404",
        breaks: &["FQ-UPL-02"],
    },
    Fault {
        name: UPLOAD_NOT_REQUIRED,
        rule: "a step that requires an upload holds its session: the next step without the upload is refused",
        breaks: &["FQ-UPL-01"],
    },
];
