//! The skills catalog of the embedded Finqware bank, and its one test & dev tenant's registration.
//!
//! The document names skills like `xyz_aisp_sbx_#1.0` (an account information skill, sandbox
//! flavour) and `xyz_sbx_#3.0` (a marketplace product whose session has a `product_form` step), and
//! describes two sessions: the one-step consent of an account information skill, and the sale of a
//! bank product over several steps, one of them a KYC step with an ID upload. This file holds that
//! data and nothing that decides a request.

/// The three skill types the alpha focuses on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkillKind {
    AccountInformation,
    PaymentInitiation,
    Marketplace,
}

/// "Each skill comes in two flavors: production and sandbox."
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    Production,
    Sandbox,
}

/// One step of a skill's onboarding session.
#[derive(Debug)]
pub struct StepDef {
    /// The `step` value a tenant app sends.
    pub name: &'static str,
    /// The members its `data` must carry, each with the example value the sandbox documents.
    pub fields: &'static [(&'static str, &'static str)],
    /// Whether the step waits for an upload (`POST /steps/{step_id}/upload`) before the session
    /// goes on.
    pub upload: bool,
}

/// A skill of the catalog: the ordered steps of its session.
#[derive(Debug)]
pub struct Skill {
    pub name: &'static str,
    pub kind: SkillKind,
    pub flavour: Flavour,
    pub steps: &'static [StepDef],
}

/// Getting the user's consent: a one-step session that triggers strong customer authentication.
const CONSENT_STEPS: &[StepDef] = &[StepDef {
    name: "sca",
    fields: &[(
        "redirect_url",
        "https://tenant.example/finqware/consent-done",
    )],
    upload: false,
}];

const PAYMENT_STEPS: &[StepDef] = &[
    StepDef {
        name: "payment_form",
        fields: &[
            ("amount", "125.50"),
            ("currency", "EUR"),
            ("creditor_iban", "RO49AAAA1B31007593840000"),
        ],
        upload: false,
    },
    StepDef {
        name: "sca",
        fields: &[(
            "redirect_url",
            "https://tenant.example/finqware/payment-done",
        )],
        upload: false,
    },
];

/// Selling a bank deposit product: the document's `product_form`, then KYC (personal data and an
/// ID upload), then the confirmation.
const PRODUCT_STEPS: &[StepDef] = &[
    StepDef {
        name: "product_form",
        fields: &[("value", "100000"), ("currency", "EUR"), ("period", "12")],
        upload: false,
    },
    StepDef {
        name: "kyc",
        fields: &[
            ("first_name", "Ana"),
            ("last_name", "Popescu"),
            ("birth_date", "1990-04-12"),
        ],
        upload: true,
    },
    StepDef {
        name: "confirmation",
        fields: &[("terms_accepted", "true")],
        upload: false,
    },
];

/// Every skill the embedded middleware integrates, both flavours.
pub static SKILLS: &[Skill] = &[
    Skill {
        name: "xyz_aisp_sbx_#1.0",
        kind: SkillKind::AccountInformation,
        flavour: Flavour::Sandbox,
        steps: CONSENT_STEPS,
    },
    Skill {
        name: "xyz_aisp_#1.0",
        kind: SkillKind::AccountInformation,
        flavour: Flavour::Production,
        steps: CONSENT_STEPS,
    },
    Skill {
        name: "xyz_pisp_sbx_#1.0",
        kind: SkillKind::PaymentInitiation,
        flavour: Flavour::Sandbox,
        steps: PAYMENT_STEPS,
    },
    Skill {
        name: "xyz_sbx_#3.0",
        kind: SkillKind::Marketplace,
        flavour: Flavour::Sandbox,
        steps: PRODUCT_STEPS,
    },
    Skill {
        name: "xyz_#3.0",
        kind: SkillKind::Marketplace,
        flavour: Flavour::Production,
        steps: PRODUCT_STEPS,
    },
];

/// The skills the sandbox tenant registered: "each tenant is required to register the list of
/// skills it connects to". The payment initiation skill stays unregistered on purpose.
pub const SANDBOX_TENANT_SKILLS: &[&str] = &["xyz_aisp_sbx_#1.0", "xyz_sbx_#3.0"];

/// The client_id of the embedded bank's test & dev tenant app.
pub const SANDBOX_CLIENT_ID: &str = "obconf-sandbox-tenant";

/// The catalog entry named `name`.
pub fn skill(name: &str) -> Option<&'static Skill> {
    SKILLS.iter().find(|s| s.name == name)
}

impl Skill {
    /// The step definition named `name`, with its position.
    pub fn step(&self, name: &str) -> Option<(usize, &'static StepDef)> {
        self.steps.iter().enumerate().find(|(_, s)| s.name == name)
    }
}

/// The sandbox tenant's registered skill of the given shape: one step, or several with an upload.
pub fn registered_sandbox_skill(multi_step: bool) -> Option<&'static Skill> {
    SANDBOX_TENANT_SKILLS
        .iter()
        .filter_map(|n| skill(n))
        .filter(|s| s.flavour == Flavour::Sandbox)
        .find(|s| {
            if multi_step {
                s.steps.len() > 1 && s.steps.iter().any(|st| st.upload)
            } else {
                s.steps.len() == 1
            }
        })
}

/// A sandbox skill of the catalog that the sandbox tenant did not register.
pub fn unregistered_sandbox_skill() -> Option<&'static Skill> {
    SKILLS
        .iter()
        .find(|s| s.flavour == Flavour::Sandbox && !SANDBOX_TENANT_SKILLS.contains(&s.name))
}
