//! The Salt Edge bank's fixed data: providers (ASPSPs) with their scopes, authorization types and
//! sandbox credentials, their payment templates, and the sandbox customer's trusted beneficiaries.
//!
//! Values follow the document's examples (demobank, the SMS-PIN authorization, `4568`, the
//! "Internal transfer" template). This file holds data only: it must never decide a request.

use serde_json::{Value, json};

/// Every scope the document names.
pub const ALL_SCOPES: &[&str] = &[
    "accounts",
    "transactions",
    "kyc",
    "payments",
    "funds_availability",
    "trusted_beneficiaries",
];

/// A credential field an authorization type asks for, with the value that passes in the sandbox.
#[derive(Debug)]
pub struct Field {
    pub code: &'static str,
    pub display_name: &'static str,
    pub kind: &'static str,
    /// The sandbox value (published as `sandbox_credentials[].example`).
    pub sandbox: &'static str,
}

/// How a PSU authorizes at a provider: first the required fields, then the MFA fields.
#[derive(Debug)]
pub struct AuthorizationType {
    pub code: &'static str,
    pub display_name: &'static str,
    pub instruction: &'static str,
    pub mfa_instruction: &'static str,
    pub scopes: &'static [&'static str],
    pub required_fields: &'static [Field],
    pub mfa_fields: &'static [Field],
}

/// A payment template attribute.
#[derive(Debug)]
pub struct Attribute {
    pub name: &'static str,
    pub kind: &'static str,
    pub label: &'static str,
    pub values: &'static [&'static str],
}

/// A payment template of a provider.
#[derive(Debug)]
pub struct Template {
    pub id: u64,
    pub description: &'static str,
    pub payment_type: &'static str,
    pub default: bool,
    pub attributes: &'static [Attribute],
}

/// A trusted beneficiary of the provider's sandbox customer.
#[derive(Debug)]
pub struct Beneficiary {
    pub id: u64,
    pub alias_name: &'static str,
    pub template_id: &'static str,
    pub identifiers: &'static [(&'static str, &'static str)],
}

/// An ASPSP behind the compliance layer.
#[derive(Debug)]
pub struct Provider {
    pub id: u64,
    pub code: &'static str,
    pub name: &'static str,
    /// Whether the ASPSP has approved access for the TPP (the index lists only those).
    pub approved: bool,
    pub scopes: &'static [&'static str],
    pub authorization_types: &'static [AuthorizationType],
    pub templates: &'static [Template],
    /// The sandbox customer at this provider.
    pub customer_id: u64,
    pub beneficiaries: &'static [Beneficiary],
}

/// When the providers and templates were registered (a fixed, documented instant).
pub const REGISTERED_AT: &str = "2019-11-18T16:04:50.725Z";

const SMS_PIN: AuthorizationType = AuthorizationType {
    code: "sms_pin",
    display_name: "SMS-PIN",
    instruction: "Enter your online banking login and password.",
    mfa_instruction: "Use PIN code from the received SMS.",
    scopes: &["accounts", "transactions"],
    required_fields: &[
        Field {
            code: "login",
            display_name: "Login",
            kind: "text",
            sandbox: "demo_user",
        },
        Field {
            code: "password",
            display_name: "Password",
            kind: "password",
            sandbox: "demo_password",
        },
    ],
    mfa_fields: &[Field {
        code: "sms_pincode",
        display_name: "SMS-PIN",
        kind: "text",
        sandbox: "4568",
    }],
};

const TRANSFER_ATTRIBUTES: &[Attribute] = &[
    Attribute {
        name: "amount",
        kind: "number",
        label: "Amount",
        values: &[],
    },
    Attribute {
        name: "to_account",
        kind: "text",
        label: "To account",
        values: &[],
    },
    Attribute {
        name: "currency",
        kind: "dropdown",
        label: "Currency",
        values: &["EUR", "USD"],
    },
];

/// Every provider, in id order.
pub static PROVIDERS: &[Provider] = &[
    Provider {
        id: 101,
        code: "demobank",
        name: "Demo Bank",
        approved: true,
        scopes: ALL_SCOPES,
        authorization_types: &[SMS_PIN],
        templates: &[
            Template {
                id: 757,
                description: "Internal transfer",
                payment_type: "internal_transfer",
                default: false,
                attributes: TRANSFER_ATTRIBUTES,
            },
            Template {
                id: 758,
                description: "SEPA credit transfer",
                payment_type: "sepa",
                default: true,
                attributes: &[
                    Attribute {
                        name: "amount",
                        kind: "number",
                        label: "Amount",
                        values: &[],
                    },
                    Attribute {
                        name: "creditor_iban",
                        kind: "text",
                        label: "Creditor IBAN",
                        values: &[],
                    },
                ],
            },
        ],
        customer_id: 983,
        beneficiaries: &[
            Beneficiary {
                id: 719,
                alias_name: "John Smith GB",
                template_id: "516",
                identifiers: &[("iban", "GB33BUKB20201555555555"), ("currency_code", "GBP")],
            },
            Beneficiary {
                id: 752,
                alias_name: "Example Name",
                template_id: "75",
                identifiers: &[("to_account", "1313613"), ("from_account", "1313634")],
            },
        ],
    },
    Provider {
        id: 102,
        code: "unapproved_demobank",
        name: "Demo Bank (TPP access not approved)",
        approved: false,
        scopes: ALL_SCOPES,
        authorization_types: &[SMS_PIN],
        templates: &[Template {
            id: 771,
            description: "Internal transfer",
            payment_type: "internal_transfer",
            default: true,
            attributes: TRANSFER_ATTRIBUTES,
        }],
        customer_id: 984,
        beneficiaries: &[Beneficiary {
            id: 901,
            alias_name: "Hidden Beneficiary",
            template_id: "771",
            identifiers: &[("to_account", "9900001")],
        }],
    },
    Provider {
        id: 105,
        code: "demobank_lite",
        name: "Demo Bank Lite",
        approved: true,
        scopes: &["accounts", "transactions", "trusted_beneficiaries"],
        authorization_types: &[SMS_PIN],
        templates: &[Template {
            id: 781,
            description: "Internal transfer",
            payment_type: "internal_transfer",
            default: true,
            attributes: TRANSFER_ATTRIBUTES,
        }],
        customer_id: 985,
        beneficiaries: &[Beneficiary {
            id: 811,
            alias_name: "Jane Doe FR",
            template_id: "781",
            identifiers: &[
                ("iban", "FR7630006000011234567890189"),
                ("currency_code", "EUR"),
            ],
        }],
    },
];

/// The provider with that code.
pub fn provider(code: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.code == code)
}

impl Provider {
    /// The authorization type with that code.
    pub fn authorization_type(&self, code: &str) -> Option<&'static AuthorizationType> {
        self.authorization_types.iter().find(|a| a.code == code)
    }

    /// The provider as the index shows it.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "code": self.code,
            "connector_url": format!("https://{}.example/connector", self.code),
            "status": "live",
            "scopes": self.scopes,
            "created_at": REGISTERED_AT,
            "updated_at": REGISTERED_AT,
            "authorization_types": self
                .authorization_types
                .iter()
                .map(AuthorizationType::to_json)
                .collect::<Vec<_>>(),
        })
    }
}

impl AuthorizationType {
    fn to_json(&self) -> Value {
        let sandbox = |fields: &[Field]| -> Vec<Value> {
            fields
                .iter()
                .map(|f| json!({ "code": f.code, "example": f.sandbox }))
                .collect()
        };
        json!({
            "code": self.code,
            "display_name": self.display_name,
            "scopes": self.scopes,
            "instruction": self.instruction,
            "required_fields": fields_json(self.required_fields),
            "mfa_fields": fields_json(self.mfa_fields),
            "sandbox_credentials": {
                "required_fields": sandbox(self.required_fields),
                "mfa_fields": sandbox(self.mfa_fields),
            },
        })
    }
}

/// Fields as the document shows them (`code`, `display_name`, `optional`, `type`, `nature`).
pub fn fields_json(fields: &[Field]) -> Vec<Value> {
    fields
        .iter()
        .map(|f| {
            json!({
                "code": f.code,
                "display_name": f.display_name,
                "optional": false,
                "type": "embedded",
                "nature": f.kind,
            })
        })
        .collect()
}

impl Template {
    /// The template as the templates endpoint shows it.
    pub fn to_json(&self, provider_id: u64) -> Value {
        json!({
            "id": self.id,
            "description": self.description,
            "provider_id": provider_id,
            "payment_type": self.payment_type,
            "default": self.default,
            "extra": {},
            "created_at": REGISTERED_AT,
            "updated_at": REGISTERED_AT,
            "payment_attributes": self
                .attributes
                .iter()
                .enumerate()
                .map(|(i, a)| json!({
                    "attribute_name": a.name,
                    "attribute_type": a.kind,
                    "label": a.label,
                    "optional": false,
                    "position": i + 1,
                    "values": a.values,
                }))
                .collect::<Vec<_>>(),
        })
    }
}

impl Beneficiary {
    /// The beneficiary as both trusted-beneficiary endpoints show it.
    pub fn to_json(&self, provider_code: &str) -> Value {
        let identifiers: serde_json::Map<String, Value> = self
            .identifiers
            .iter()
            .map(|(k, v)| (k.to_string(), Value::from(*v)))
            .collect();
        json!({
            "id": self.id,
            "alias_name": self.alias_name,
            "status": "approved",
            "template_id": self.template_id,
            "identifiers": identifiers,
            "provider_code": provider_code,
        })
    }
}
