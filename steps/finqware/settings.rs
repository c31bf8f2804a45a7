//! What a Finqware run needs from its target: the tenant app's credentials, the skills to walk, and
//! the status codes the target pins. Checked once, in `Family::prepare`; an error names the target
//! file and line.
//!
//! The tenant app is the target's `tenant` persona: its login's username is the client_id and its
//! password the client_app_key (a secret: `"${ENV}"` or `{ file: }`, never printed). The skills come
//! from `settings.skills`, or, when a target gives none, from the embedded bank's catalog. This
//! file must never send a request.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::outcome::Codes;
use crate::family::{Credentials, Wire, WireError};
use crate::http::{FilePart, RequestSpec};
use crate::sandbox::finqware::catalog::{self, Skill};
use crate::target::{Secret, Target, TargetError};

/// The persona that holds the tenant app's client_id (username) and client_app_key (password).
pub const TENANT: &str = "tenant";

/// A skill that is surely not in any catalog, when the target names none.
const UNKNOWN_SKILL: &str = "obconf_no_such_skill_sbx_#0.0";

/// The field of the multipart body that carries the file, when the target names none.
const UPLOAD_FIELD: &str = "file";

/// The document sent when a step asks for an upload and the target gives no file: a 1x1 PNG, the
/// smallest "ID document" there is.
const SAMPLE_ID_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// The `settings:` section of a Finqware target file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default)]
    skills: SkillsSpec,
    #[serde(default)]
    codes: Codes,
    /// The bank's nonce lifetime in seconds when it is not the document's 30 minutes (a test
    /// bank configured with a short one, so that `--allow-waits` checks expiry quickly).
    #[serde(default)]
    nonce_lifetime_seconds: Option<u64>,
}

/// The document's "the nonce expires in 30 minutes".
pub const DOCUMENTED_NONCE_LIFETIME_SECONDS: u64 = 30 * 60;

/// `settings.nonce_lifetime_seconds` of `target`, or the document's, without checking the rest.
pub fn nonce_lifetime_seconds(target: &Target) -> u64 {
    target
        .settings::<Settings>()
        .ok()
        .flatten()
        .and_then(|s| s.nonce_lifetime_seconds)
        .unwrap_or(DOCUMENTED_NONCE_LIFETIME_SECONDS)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SkillsSpec {
    single_step: Option<SkillSpec>,
    multi_step: Option<SkillSpec>,
    unregistered: Option<String>,
    unknown: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SkillSpec {
    skill: String,
    steps: Vec<StepSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepSpec {
    step: String,
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    upload: Option<UploadSpec>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadSpec {
    #[serde(default)]
    field: Option<String>,
    /// A file to upload, relative to the target file.
    #[serde(default)]
    file: Option<PathBuf>,
    #[serde(default)]
    content_type: Option<String>,
}

/// One step of a skill as the scenarios submit it.
#[derive(Clone, Debug)]
pub struct StepPlan {
    pub step: String,
    pub data: Value,
    /// The file this step asks for, when it asks for one.
    pub upload: Option<FilePart>,
}

/// A skill and its ordered steps.
#[derive(Clone, Debug)]
pub struct SkillPlan {
    pub skill: String,
    pub steps: Vec<StepPlan>,
}

impl SkillPlan {
    /// The position of the first step that asks for an upload.
    pub fn upload_step(&self) -> Option<usize> {
        self.steps.iter().position(|s| s.upload.is_some())
    }
}

/// Everything a Finqware run keeps: the family's wire for the run, whose state its steps read.
#[derive(Debug)]
pub struct FinqwareRun {
    pub client_id: String,
    pub app_key: Secret,
    pub single_step: SkillPlan,
    pub multi_step: SkillPlan,
    pub unregistered_skill: String,
    pub unknown_skill: String,
    pub codes: Codes,
    /// How long a nonce lives at this bank (the document's 30 minutes unless the target says).
    pub nonce_lifetime: chrono::Duration,
}

impl Wire for FinqwareRun {
    fn decorate(&self, request: &mut RequestSpec) -> Result<(), WireError> {
        request.default_header("Accept", "application/json");
        Ok(())
    }

    /// Nonces chain a session's steps: whoever holds the next one can act in the session.
    fn credentials(&self) -> Credentials {
        Credentials {
            headers: &[],
            fields: &["nonce", "client_app_key"],
        }
    }
}

/// Reads and checks the Finqware part of `target`.
pub fn prepare(target: &Target) -> Result<FinqwareRun, TargetError> {
    let invalid = |needle: &str, message: String, hint: &str| TargetError::Invalid {
        path: target.origin(),
        line: line_of(target, needle),
        message,
        hint: hint.to_string(),
    };
    let login = target
        .personas
        .get(TENANT)
        .and_then(|p| p.login.as_ref())
        .ok_or_else(|| {
            invalid(
                "personas:",
                "the tenant app's client_id and client_app_key are missing".into(),
                "add `personas: { tenant: { login: { username: <client_id>, password: \"${FQ_CLIENT_APP_KEY}\" } } }`",
            )
        })?;
    let settings: Settings = target.settings()?.unwrap_or_default();
    settings.codes.check().map_err(|(name, message)| {
        invalid(
            &format!("{name}:"),
            message,
            "pin only a code the document allows",
        )
    })?;

    let skills = settings.skills;
    let single_step = match skills.single_step {
        Some(spec) => spec.plan(target)?,
        None => embedded_plan(catalog::registered_sandbox_skill(false)),
    };
    if single_step.steps.len() != 1 {
        return Err(invalid(
            "single_step:",
            format!(
                "settings.skills.single_step has {} steps; the account information consent is a one-step session",
                single_step.steps.len()
            ),
            "name a skill whose session has exactly one step",
        ));
    }
    let multi_step = match skills.multi_step {
        Some(spec) => spec.plan(target)?,
        None => embedded_plan(catalog::registered_sandbox_skill(true)),
    };
    if multi_step
        .upload_step()
        .is_none_or(|i| i + 1 >= multi_step.steps.len())
    {
        return Err(invalid(
            "multi_step:",
            "settings.skills.multi_step needs a step with an `upload` that is not its last step"
                .into(),
            "the upload scenarios submit the step after the upload; list every step of the skill",
        ));
    }
    Ok(FinqwareRun {
        client_id: login.username.clone(),
        app_key: login.password.clone(),
        single_step,
        multi_step,
        unregistered_skill: skills.unregistered.unwrap_or_else(|| {
            catalog::unregistered_sandbox_skill()
                .map(|s| s.name.to_string())
                .unwrap_or_default()
        }),
        unknown_skill: skills.unknown.unwrap_or_else(|| UNKNOWN_SKILL.to_string()),
        codes: settings.codes,
        nonce_lifetime: chrono::Duration::seconds(
            i64::try_from(
                settings
                    .nonce_lifetime_seconds
                    .unwrap_or(DOCUMENTED_NONCE_LIFETIME_SECONDS),
            )
            .unwrap_or(i64::MAX / 1000),
        ),
    })
}

impl SkillSpec {
    fn plan(self, target: &Target) -> Result<SkillPlan, TargetError> {
        let mut steps = Vec::new();
        for s in self.steps {
            let data = match s.data {
                None => Value::Object(Map::new()),
                Some(v @ Value::Object(_)) => v,
                Some(_) => {
                    return Err(TargetError::Invalid {
                        path: target.origin(),
                        line: line_of(target, &format!("step: {}", s.step)),
                        message: format!("the data of step `{}` is not a mapping", s.step),
                        hint: "write it as `data: { member: value, ... }`".into(),
                    });
                }
            };
            let upload = s.upload.map(|u| u.part(target)).transpose()?;
            steps.push(StepPlan {
                step: s.step,
                data,
                upload,
            });
        }
        Ok(SkillPlan {
            skill: self.skill,
            steps,
        })
    }
}

impl UploadSpec {
    fn part(self, target: &Target) -> Result<FilePart, TargetError> {
        let name = self.field.unwrap_or_else(|| UPLOAD_FIELD.to_string());
        let Some(file) = self.file else {
            return Ok(sample_upload(name));
        };
        let path = target.base_dir.join(&file);
        let bytes = std::fs::read(&path).map_err(|e| TargetError::Invalid {
            path: target.origin(),
            line: line_of(target, "file:"),
            message: format!("cannot read the upload `{}`: {e}", path.display()),
            hint: "paths in a target file are relative to the file itself".into(),
        })?;
        Ok(FilePart {
            name,
            filename: file.file_name().map(|f| f.to_string_lossy().into_owned()),
            content_type: self
                .content_type
                .unwrap_or_else(|| "application/octet-stream".into()),
            bytes,
        })
    }
}

fn sample_upload(field: String) -> FilePart {
    FilePart {
        name: field,
        filename: Some("id-card.png".into()),
        content_type: "image/png".into(),
        bytes: SAMPLE_ID_PNG.to_vec(),
    }
}

/// The embedded bank's own skill, as its sandbox documents it.
fn embedded_plan(skill: Option<&'static Skill>) -> SkillPlan {
    let Some(skill) = skill else {
        return SkillPlan {
            skill: String::new(),
            steps: Vec::new(),
        };
    };
    SkillPlan {
        skill: skill.name.to_string(),
        steps: skill
            .steps
            .iter()
            .map(|s| StepPlan {
                step: s.name.to_string(),
                data: Value::Object(
                    s.fields
                        .iter()
                        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
                        .collect(),
                ),
                upload: s.upload.then(|| sample_upload(UPLOAD_FIELD.into())),
            })
            .collect(),
    }
}

/// The first line of the target file, comments aside, that contains `needle` (1 when there is no
/// file or no such line): where to point a settings error that serde could not place.
fn line_of(target: &Target, needle: &str) -> u64 {
    target
        .text
        .as_deref()
        .and_then(|t| {
            t.lines()
                .position(|l| !l.trim_start().starts_with('#') && l.contains(needle))
        })
        .map_or(1, |i| i as u64 + 1)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn parse(text: &str) -> Target {
        let env = |k: &str| (k == "FQ_CLIENT_APP_KEY").then(|| "test-app-key-123".to_string());
        Target::parse(text, Path::new("fq.yaml"), &env).expect("a valid target file")
    }

    const TENANT_ONLY: &str = "name: t\nfamily: finqware\nbase_url: https://h\npersonas:\n  tenant:\n    login: { username: tenant-1, password: \"${FQ_CLIENT_APP_KEY}\" }\n";

    #[test]
    fn the_example_target_file_is_valid_and_says_what_it_documents() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("targets/finqware.example.yaml");
        let env = |k: &str| (k == "FQ_CLIENT_APP_KEY").then(|| "example-app-key".to_string());
        let target = Target::load(&path, &env).expect("the example loads");
        assert_eq!(target.api_prefix.as_deref(), Some("/v1"));
        let run = prepare(&target).expect("the example prepares");
        assert_eq!(run.client_id, "my-tenant-client-id");
        assert_eq!(run.app_key.expose(), "example-app-key");
        assert_eq!(run.single_step.steps.len(), 1);
        assert_eq!(run.multi_step.skill, "xyz_sbx_#3.0");
        assert_eq!(run.multi_step.upload_step(), Some(1));
        assert_eq!(run.unregistered_skill, "xyz_pisp_sbx_#1.0");
        assert_eq!(run.unknown_skill, UNKNOWN_SKILL);
        assert!(format!("{run:?}").contains("[REDACTED]"));
        assert!(!format!("{run:?}").contains("example-app-key"));
    }

    #[test]
    fn without_settings_the_embedded_banks_skills_are_walked() {
        let run = prepare(&parse(TENANT_ONLY)).expect("prepares");
        assert_eq!(run.single_step.skill, "xyz_aisp_sbx_#1.0");
        let steps: Vec<&str> = run
            .multi_step
            .steps
            .iter()
            .map(|s| s.step.as_str())
            .collect();
        assert_eq!(steps, ["product_form", "kyc", "confirmation"]);
        let upload = run.multi_step.steps[1]
            .upload
            .as_ref()
            .expect("kyc uploads");
        assert_eq!(
            (upload.name.as_str(), upload.content_type.as_str()),
            ("file", "image/png")
        );
        assert_eq!(run.multi_step.steps[0].data["currency"], "EUR");
    }

    #[test]
    fn a_target_without_the_tenant_or_with_unwalkable_skills_is_refused_with_its_line() {
        let err = prepare(&parse("name: t\nfamily: finqware\nbase_url: https://h\n")).unwrap_err();
        assert!(
            err.to_string().contains("client_app_key are missing"),
            "{err}"
        );
        let no_upload = format!(
            "{TENANT_ONLY}settings:\n  skills:\n    multi_step:\n      skill: s\n      steps:\n        - step: a\n        - step: b\n"
        );
        let err = prepare(&parse(&no_upload)).unwrap_err().to_string();
        assert!(err.contains("fq.yaml:9") && err.contains("upload"), "{err}");
        let two_steps = format!(
            "{TENANT_ONLY}settings:\n  skills:\n    single_step:\n      skill: s\n      steps: [{{ step: a }}, {{ step: b }}]\n"
        );
        let err = prepare(&parse(&two_steps)).unwrap_err().to_string();
        assert!(
            err.contains("fq.yaml:9") && err.contains("one-step"),
            "{err}"
        );
        let bad_data = format!(
            "{TENANT_ONLY}settings:\n  skills:\n    single_step:\n      skill: s\n      steps:\n        - step: a\n          data: [1]\n"
        );
        let err = prepare(&parse(&bad_data)).unwrap_err().to_string();
        assert!(err.contains("not a mapping"), "{err}");
        let missing_file = format!(
            "{TENANT_ONLY}settings:\n  skills:\n    multi_step:\n      skill: s\n      steps:\n        - step: a\n          upload: {{ file: nope.png }}\n        - step: b\n"
        );
        let err = prepare(&parse(&missing_file)).unwrap_err().to_string();
        assert!(
            err.contains("fq.yaml:13") && err.contains("nope.png"),
            "{err}"
        );
    }
}
