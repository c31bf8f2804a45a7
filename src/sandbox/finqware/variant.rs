//! What a healthy Finqware variant draws within the document (see `kit::variant`), beside the
//! nonce reading of `faults.rs`.
//!
//! The document shows a session_id as a UUID and a nonce as an opaque string, says a session
//! answer carries "a `status`: an informative message" and a step answer "a `step_id` and the
//! `nonce` for the next step", and gives no status code. So a variant draws: the form of its ids
//! (UUID, hex or alphanumeric) and the length of its nonces; the tenant app's client_id; the 2xx of
//! each success (200 or 201); for each refusal, a 4xx a REST API would use (for the credentials,
//! 401 or 403 as the catalog allows); whether a step's answer also carries `session_id` and
//! `status`, and an upload's answer its `status`, `upload_id` and `files`; and the order of the
//! files an upload answer lists. Ids and nonces stay random (never seeded): only their form is
//! drawn. This file decides no request: it says how a decision looks in this variant.

use axum::http::StatusCode;

use super::reply::ApiError;
use crate::sandbox::kit::{Variant, random};

/// How a variant writes its ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IdForm {
    Uuid,
    Hex,
    Alphanumeric,
}

/// The variant's choices (the canonical bank's: UUIDs, 201s, the statuses of `reply.rs`, every
/// optional member present).
#[derive(Clone, Debug)]
pub(super) struct Choices {
    ids: IdForm,
    nonce_bytes: usize,
    pub client_id: String,
    pub created: StatusCode,
    pub step_accepted: StatusCode,
    pub upload_accepted: StatusCode,
    invalid_client: StatusCode,
    unknown_skill: StatusCode,
    skill_not_registered: StatusCode,
    invalid_nonce: StatusCode,
    nonce_used: StatusCode,
    nonce_expired: StatusCode,
    upload_required: StatusCode,
    /// Whether a step's answer also carries `session_id` and `status`.
    pub step_answer_extras: bool,
    /// Whether an upload's answer carries `upload_id`, `status` and `files`.
    pub upload_answer_extras: bool,
    /// Whether an upload's answer lists its files last first.
    pub files_reversed: bool,
}

impl Choices {
    pub(super) fn of(variant: &Variant, canonical_client_id: &str) -> Self {
        // A status drawn from a documented set; the canonical bank answers the set's first.
        let status = |purpose: &str, codes: &[u16]| {
            let set: Vec<StatusCode> = codes
                .iter()
                .filter_map(|&n| StatusCode::from_u16(n).ok())
                .collect();
            variant.pick(purpose, set[0], &set)
        };
        // Success is 201 on the canonical bank; a variant may answer 200 instead.
        let success = |purpose: &str| {
            variant.pick(
                purpose,
                StatusCode::CREATED,
                &[StatusCode::OK, StatusCode::CREATED],
            )
        };
        Self {
            ids: variant.pick(
                "id form",
                IdForm::Uuid,
                &[IdForm::Uuid, IdForm::Hex, IdForm::Alphanumeric],
            ),
            nonce_bytes: usize::try_from(variant.number("nonce length", 48, 24, 64)).unwrap_or(48),
            client_id: variant
                .opaque(
                    "tenant client_id",
                    0,
                    b"abcdefghijklmnopqrstuvwxyz0123456789",
                    16,
                )
                .map_or_else(
                    || canonical_client_id.to_string(),
                    |id| format!("tenant-{id}"),
                ),
            created: success("session created status"),
            step_accepted: success("step accepted status"),
            upload_accepted: success("upload accepted status"),
            invalid_client: status("credentials refused status", &[401, 403]),
            unknown_skill: status("unknown skill status", &[400, 404, 422]),
            skill_not_registered: status("unregistered skill status", &[403, 400, 422]),
            invalid_nonce: status("invalid nonce status", &[401, 400, 403]),
            nonce_used: status("used nonce status", &[409, 400, 401]),
            nonce_expired: status("expired nonce status", &[401, 400, 410]),
            upload_required: status("upload required status", &[409, 400, 422]),
            step_answer_extras: !variant.flip("step answer without session_id and status"),
            upload_answer_extras: !variant.flip("upload answer without its extras"),
            files_reversed: variant.flip("upload files last first"),
        }
    }

    /// A new session, step or upload id in the variant's form.
    pub(super) fn new_id(&self) -> String {
        match self.ids {
            IdForm::Uuid => uuid::Uuid::new_v4().to_string(),
            IdForm::Hex => uuid::Uuid::new_v4().simple().to_string(),
            IdForm::Alphanumeric => random::alphanumeric(24),
        }
    }

    /// A new nonce.
    pub(super) fn new_nonce(&self) -> String {
        random::token(self.nonce_bytes)
    }

    /// The status this variant refuses `error` with.
    pub(super) fn status_of(&self, error: &ApiError) -> StatusCode {
        match error {
            ApiError::InvalidClient => self.invalid_client,
            ApiError::UnknownSkill(_) => self.unknown_skill,
            ApiError::SkillNotRegistered(_) => self.skill_not_registered,
            ApiError::InvalidNonce(_) => self.invalid_nonce,
            ApiError::NonceUsed => self.nonce_used,
            ApiError::NonceExpired => self.nonce_expired,
            ApiError::Conflict {
                error: "upload_required",
                ..
            } => self.upload_required,
            other => other.status(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_choices_are_the_banks_own() {
        let c = Choices::of(&Variant::canonical(), "tenant");
        assert_eq!(c.client_id, "tenant");
        assert_eq!(c.created, StatusCode::CREATED);
        assert!(c.step_answer_extras && c.upload_answer_extras && !c.files_reversed);
        assert_eq!(
            c.status_of(&ApiError::NonceUsed),
            ApiError::NonceUsed.status()
        );
        assert_eq!(uuid::Uuid::parse_str(&c.new_id()).map(|_| ()), Ok(()));
    }

    #[test]
    fn variants_draw_other_forms_and_codes() {
        let drawn: Vec<Choices> = (1..=8)
            .map(|s| Choices::of(&Variant::seeded(s), "tenant"))
            .collect();
        assert!(drawn.iter().any(|c| c.ids != IdForm::Uuid));
        assert!(drawn.iter().any(|c| c.created == StatusCode::OK));
        assert!(drawn.iter().all(|c| c.client_id.starts_with("tenant-")));
        for c in &drawn {
            assert!(c.status_of(&ApiError::InvalidClient).is_client_error());
            assert!(c.step_accepted.is_success());
        }
    }
}
