//! The outcomes a Finqware scenario checks, and the status codes that prove them.
//!
//! The document gives no status code for most outcomes. Where it is silent, a success is any 2xx
//! and a refusal any 4xx; where the catalog narrows it (credentials: 401 or 403), so does the check.
//! A target may pin the exact code its API returns (`settings.codes`), but only a code the
//! documented outcome allows. This file must never send a request.

use serde::Deserialize;

use crate::world::{Failure, ObWorld, StepResult};

/// An outcome a scenario checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    SessionCreated,
    CredentialsRefused,
    UnknownSkill,
    SkillNotRegistered,
    StepAccepted,
    NonceReused,
    NonceForeign,
    NonceExpired,
    UploadAccepted,
    UploadRequired,
}

/// The codes a documented outcome allows.
#[derive(Clone, Copy, Debug)]
enum Allowed {
    Success,
    Refusal,
    OneOf(&'static [u16]),
}

impl Allowed {
    fn admits(self, code: u16) -> bool {
        match self {
            Allowed::Success => succeeded(Some(code)),
            Allowed::Refusal => (400..500).contains(&code),
            Allowed::OneOf(codes) => codes.contains(&code),
        }
    }

    fn describe(self) -> String {
        match self {
            Allowed::Success => "a 2xx answer".into(),
            Allowed::Refusal => "a 4xx refusal".into(),
            Allowed::OneOf(codes) => codes
                .iter()
                .map(|c| format!("HTTP {c}"))
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }
}

impl Outcome {
    /// Its key under `settings.codes`.
    fn key(self) -> &'static str {
        match self {
            Outcome::SessionCreated => "session_created",
            Outcome::CredentialsRefused => "credentials_refused",
            Outcome::UnknownSkill => "unknown_skill",
            Outcome::SkillNotRegistered => "skill_not_registered",
            Outcome::StepAccepted => "step_accepted",
            Outcome::NonceReused => "nonce_reused",
            Outcome::NonceForeign => "nonce_foreign",
            Outcome::NonceExpired => "nonce_expired",
            Outcome::UploadAccepted => "upload_accepted",
            Outcome::UploadRequired => "upload_required",
        }
    }

    /// What the document says happens.
    fn meaning(self) -> &'static str {
        match self {
            Outcome::SessionCreated => "the session is created",
            Outcome::CredentialsRefused => {
                "the call is refused: client_id identifies the tenant app and client_app_key authorises it"
            }
            Outcome::UnknownSkill => "the session is refused: the skill is not in the catalog",
            Outcome::SkillNotRegistered => {
                "the session is refused: the tenant app did not register the skill"
            }
            Outcome::StepAccepted => "the step is accepted",
            Outcome::NonceReused => "the step is refused: its nonce was already used",
            Outcome::NonceForeign => "the step is refused: its nonce belongs to another session",
            Outcome::NonceExpired => "the step is refused: its nonce is older than 30 minutes",
            Outcome::UploadAccepted => "the upload is accepted",
            Outcome::UploadRequired => {
                "the step is refused: the previous step waits for its upload"
            }
        }
    }

    fn allowed(self) -> Allowed {
        match self {
            Outcome::SessionCreated | Outcome::StepAccepted | Outcome::UploadAccepted => {
                Allowed::Success
            }
            Outcome::CredentialsRefused => Allowed::OneOf(&[401, 403]),
            Outcome::UnknownSkill
            | Outcome::SkillNotRegistered
            | Outcome::NonceReused
            | Outcome::NonceForeign
            | Outcome::NonceExpired
            | Outcome::UploadRequired => Allowed::Refusal,
        }
    }

    const ALL: [Outcome; 10] = [
        Outcome::SessionCreated,
        Outcome::CredentialsRefused,
        Outcome::UnknownSkill,
        Outcome::SkillNotRegistered,
        Outcome::StepAccepted,
        Outcome::NonceReused,
        Outcome::NonceForeign,
        Outcome::NonceExpired,
        Outcome::UploadAccepted,
        Outcome::UploadRequired,
    ];
}

/// `settings.codes`: the exact code a target's API returns for an outcome.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Codes {
    session_created: Option<u16>,
    credentials_refused: Option<u16>,
    unknown_skill: Option<u16>,
    skill_not_registered: Option<u16>,
    step_accepted: Option<u16>,
    nonce_reused: Option<u16>,
    nonce_foreign: Option<u16>,
    nonce_expired: Option<u16>,
    upload_accepted: Option<u16>,
    upload_required: Option<u16>,
}

impl Codes {
    fn pinned(&self, outcome: Outcome) -> Option<u16> {
        match outcome {
            Outcome::SessionCreated => self.session_created,
            Outcome::CredentialsRefused => self.credentials_refused,
            Outcome::UnknownSkill => self.unknown_skill,
            Outcome::SkillNotRegistered => self.skill_not_registered,
            Outcome::StepAccepted => self.step_accepted,
            Outcome::NonceReused => self.nonce_reused,
            Outcome::NonceForeign => self.nonce_foreign,
            Outcome::NonceExpired => self.nonce_expired,
            Outcome::UploadAccepted => self.upload_accepted,
            Outcome::UploadRequired => self.upload_required,
        }
    }

    /// Every pin is a code its outcome allows; else the key and why not.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        for outcome in Outcome::ALL {
            if let Some(code) = self.pinned(outcome)
                && !outcome.allowed().admits(code)
            {
                return Err((
                    outcome.key(),
                    format!(
                        "settings.codes.{}: {code} cannot prove that {}; it must be {}",
                        outcome.key(),
                        outcome.meaning(),
                        outcome.allowed().describe()
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Whether an answer's status is a success: what lets the tenant app go on with what came back.
pub fn succeeded(status: Option<u16>) -> bool {
    status.is_some_and(|s| (200..300).contains(&s))
}

/// Checks that the last answer proves `outcome`, with the target's pin when it has one.
pub fn expect(w: &ObWorld, outcome: Outcome) -> StepResult {
    let status = w.last()?.status().unwrap_or(0);
    let codes = &super::run(w)?.codes;
    let (ok, wanted) = match codes.pinned(outcome) {
        Some(pin) => (
            status == pin,
            format!("HTTP {pin} (settings.codes.{} pins it)", outcome.key()),
        ),
        None => (
            outcome.allowed().admits(status),
            outcome.allowed().describe(),
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(Failure::expected(
            format!("{}: {wanted}", outcome.meaning()),
            format!("HTTP {status}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_must_be_a_code_the_outcome_allows() {
        let ok = Codes {
            nonce_reused: Some(409),
            credentials_refused: Some(403),
            session_created: Some(201),
            ..Codes::default()
        };
        assert!(ok.check().is_ok());
        let wrong = Codes {
            credentials_refused: Some(400),
            ..Codes::default()
        };
        let (key, message) = wrong.check().unwrap_err();
        assert_eq!(key, "credentials_refused");
        assert!(message.contains("HTTP 401 or HTTP 403"), "{message}");
        let success_as_refusal = Codes {
            nonce_expired: Some(200),
            ..Codes::default()
        };
        assert_eq!(success_as_refusal.check().unwrap_err().0, "nonce_expired");
    }
}
