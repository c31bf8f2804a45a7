//! The Salt Edge bank's fault table: every documented rule this bank can be told to break.
//!
//! Each entry names the rule in the document's words and the catalog ids whose scenarios must fail
//! while it is active; the handlers test the names below with `FaultSet::has`. Several faults keep
//! the documented code and change the class, or keep the class and change the code: a certifying
//! TPP must catch both. A fault must change only what it names and never make the bank panic.
//!
//! Healthy variants (a seed, see `kit::variant`) draw the session ids; the providers (`variant.rs`):
//! ids of providers, templates, beneficiaries and sandbox customers, up to 30 more approved
//! providers (the index then spans several default pages), the order of scopes, templates and
//! beneficiaries, the beneficiaries' names and identifiers, the sandbox credentials published; the
//! HTTP protocol (h2, or HTTP/1.1 with Title-Case header names); and the key order of every JSON
//! answer. No documented alternative reading is varied: where the document leaves the error
//! class's place in the body open, obconf looks at several pointers (`error_class_pointer`).

use crate::sandbox::Fault;

pub(super) const CLIENT_REQUEST_ID_NOT_ECHOED: &str = "client-request-id-not-echoed";
pub(super) const TOKEN_SHOW_WITHOUT_EXPIRY: &str = "token-show-without-expiry";
pub(super) const TOKEN_MISSING_AS_401: &str = "token-missing-as-401";
pub(super) const AUTHORIZATION_MISSING_MISNAMED: &str = "authorization-missing-misnamed";
pub(super) const UNKNOWN_TOKEN_MISNAMED: &str = "unknown-token-misnamed";
pub(super) const REVOKED_TOKEN_ACCEPTED: &str = "revoked-token-accepted";
pub(super) const TOKEN_EXPIRY_IGNORED: &str = "token-expiry-ignored";
pub(super) const UNKNOWN_APP_AS_401: &str = "unknown-app-as-401";
pub(super) const CERTIFICATE_PERMISSIONS_IGNORED: &str = "certificate-permissions-ignored";
pub(super) const JWT_SIGNATURE_NOT_CHECKED: &str = "jwt-signature-not-checked";
pub(super) const JWT_EXP_NOT_CHECKED: &str = "jwt-exp-not-checked";
pub(super) const SESSION_SECRET_MISSING: &str = "session-secret-missing";
pub(super) const SCOPES_NOT_CHECKED: &str = "scopes-not-checked";
pub(super) const PROVIDER_NOT_FOUND_AS_400: &str = "provider-not-found-as-400";
pub(super) const CONSENT_PERIOD_UNBOUNDED: &str = "consent-period-unbounded";
pub(super) const ACCESS_DENIED_AS_403: &str = "access-denied-as-403";
pub(super) const RECONNECT_WITHOUT_SESSION: &str = "reconnect-without-session";
pub(super) const SESSION_SHOW_INCOMPLETE: &str = "session-show-incomplete";
pub(super) const SESSION_NOT_FOUND_MISNAMED: &str = "session-not-found-misnamed";
pub(super) const CONFIRM_STALLS: &str = "confirm-stalls";
pub(super) const SESSION_CLOSED_AS_409: &str = "session-closed-as-409";
pub(super) const SESSION_EXPIRY_IGNORED: &str = "session-expiry-ignored";
pub(super) const INCOMPATIBLE_CREDENTIALS_AS_400: &str = "incompatible-credentials-as-400";
pub(super) const DESTROY_KEEPS_SESSION_OPEN: &str = "destroy-keeps-session-open";
pub(super) const BENEFICIARY_WITHOUT_IDENTIFIERS: &str = "beneficiary-without-identifiers";
pub(super) const BENEFICIARY_NOT_FOUND_MISNAMED: &str = "beneficiary-not-found-misnamed";
pub(super) const BENEFICIARIES_OF_EVERY_PROVIDER: &str = "beneficiaries-of-every-provider";
pub(super) const BENEFICIARIES_ACCEPT_REVOKED_TOKEN: &str = "beneficiaries-accept-revoked-token";
pub(super) const NEXT_ID_MISSING: &str = "next-id-missing";
pub(super) const UNAPPROVED_PROVIDERS_LISTED: &str = "unapproved-providers-listed";
pub(super) const FROM_ID_EXCLUSIVE: &str = "from-id-exclusive";
pub(super) const PER_PAGE_UNBOUNDED: &str = "per-page-unbounded";
pub(super) const TEMPLATES_WITHOUT_ATTRIBUTES: &str = "templates-without-attributes";

/// Every fault of the Salt Edge reference bank, in catalog order.
pub static FAULTS: &[Fault] = &[
    Fault {
        name: TOKEN_SHOW_WITHOUT_EXPIRY,
        rule: "Tokens Show returns the token's scopes and access_token_expires_at",
        breaks: &["SE-TOKEN-SHOW-01"],
    },
    Fault {
        name: TOKEN_MISSING_AS_401,
        rule: "TokenMissing (no Access-Token header) is answered HTTP 400",
        breaks: &["SE-TOKEN-SHOW-02"],
    },
    Fault {
        name: AUTHORIZATION_MISSING_MISNAMED,
        rule: "a missing Authorization header raises AuthorizationMissing (HTTP 401)",
        breaks: &["SE-TOKEN-SHOW-03"],
    },
    Fault {
        name: UNKNOWN_TOKEN_MISNAMED,
        rule: "an Access-Token that does not exist raises TokenNotFound (HTTP 401)",
        breaks: &["SE-TOKEN-SHOW-04"],
    },
    Fault {
        name: REVOKED_TOKEN_ACCEPTED,
        rule: "a revoked Access-Token cannot be used anymore: TokenRevoked (HTTP 401)",
        breaks: &["SE-TOKEN-SHOW-05", "SE-TOKEN-REVOKE-01"],
    },
    Fault {
        name: TOKEN_EXPIRY_IGNORED,
        rule: "an expired Access-Token cannot be used: TokenExpired (HTTP 401)",
        breaks: &["SE-TOKEN-SHOW-06"],
    },
    Fault {
        name: UNKNOWN_APP_AS_401,
        rule: "an App-Id that does not exist raises OauthAppNotFound, HTTP 404",
        breaks: &["SE-TOKEN-SHOW-07"],
    },
    Fault {
        name: CERTIFICATE_PERMISSIONS_IGNORED,
        rule: "an application whose certificate has no permissions raises CertificateNotFound (HTTP 404)",
        breaks: &["SE-TOKEN-SHOW-08"],
    },
    Fault {
        name: JWT_SIGNATURE_NOT_CHECKED,
        rule: "the Authorization JWT is signed using RS256 and the application's private key",
        breaks: &["SE-TOKEN-SHOW-09"],
    },
    Fault {
        name: JWT_EXP_NOT_CHECKED,
        rule: "the JWT's exp (the lifetime of the request) must be greater than the current time",
        breaks: &["SE-TOKEN-SHOW-09"],
    },
    Fault {
        name: SESSION_SECRET_MISSING,
        rule: "Remote answers HTTP 200 with data.session_secret",
        breaks: &["SE-TOKEN-REMOTE-01"],
    },
    Fault {
        name: SCOPES_NOT_CHECKED,
        rule: "scopes that don't match the ones of the Provider or the OAuthApp raise ScopesInvalid (HTTP 400)",
        breaks: &["SE-TOKEN-REMOTE-02"],
    },
    Fault {
        name: PROVIDER_NOT_FOUND_AS_400,
        rule: "a provider that does not exist raises ProviderNotFound, HTTP 404",
        breaks: &["SE-TOKEN-REMOTE-03", "SE-TB-INDEX-02", "SE-PROV-TPL-02"],
    },
    Fault {
        name: CONSENT_PERIOD_UNBOUNDED,
        rule: "consent_period_days cannot be greater than 90 days",
        breaks: &["SE-TOKEN-REMOTE-04"],
    },
    Fault {
        name: ACCESS_DENIED_AS_403,
        rule: "an action the application is not allowed to perform raises AccessDenied, HTTP 401",
        breaks: &["SE-TOKEN-REMOTE-05"],
    },
    Fault {
        name: RECONNECT_WITHOUT_SESSION,
        rule: "Reconnect answers HTTP 200 with data.session_secret",
        breaks: &["SE-TOKEN-RECONNECT-01"],
    },
    Fault {
        name: SESSION_SHOW_INCOMPLETE,
        rule: "Sessions Show returns the session's secret, status, provider_code and created_at",
        breaks: &["SE-SESSION-SHOW-01"],
    },
    Fault {
        name: SESSION_NOT_FOUND_MISNAMED,
        rule: "a session secret that does not exist raises SessionNotFound (HTTP 404)",
        breaks: &["SE-SESSION-SHOW-02"],
    },
    Fault {
        name: CONFIRM_STALLS,
        rule: "Confirm processes the interactive step: the session moves on, and ends with a token",
        breaks: &["SE-SESSION-CONFIRM-01"],
    },
    Fault {
        name: SESSION_CLOSED_AS_409,
        rule: "a session already closed cannot be modified: SessionClosed, HTTP 400",
        breaks: &["SE-SESSION-CONFIRM-02", "SE-SESSION-DESTROY-01"],
    },
    Fault {
        name: SESSION_EXPIRY_IGNORED,
        rule: "an expired session cannot be processed anymore: SessionExpired (HTTP 401)",
        breaks: &["SE-SESSION-CONFIRM-03"],
    },
    Fault {
        name: INCOMPATIBLE_CREDENTIALS_AS_400,
        rule: "parameters the session does not allow raise ActionNotAllowed, HTTP 406",
        breaks: &["SE-SESSION-CONFIRM-04"],
    },
    Fault {
        name: DESTROY_KEEPS_SESSION_OPEN,
        rule: "Destroy cancels the session: it is closed afterwards",
        breaks: &["SE-SESSION-DESTROY-01"],
    },
    Fault {
        name: BENEFICIARY_WITHOUT_IDENTIFIERS,
        rule: "Trusted beneficiaries Show returns alias_name, identifiers, status and the rest",
        breaks: &["SE-TB-SHOW-01"],
    },
    Fault {
        name: BENEFICIARY_NOT_FOUND_MISNAMED,
        rule: "a trusted beneficiary that does not exist raises TrustedBeneficiaryNotFound (HTTP 404)",
        breaks: &["SE-TB-SHOW-02"],
    },
    Fault {
        name: BENEFICIARIES_OF_EVERY_PROVIDER,
        rule: "Trusted beneficiaries Index returns the beneficiaries of the provider_code asked for",
        breaks: &["SE-TB-INDEX-01"],
    },
    Fault {
        name: BENEFICIARIES_ACCEPT_REVOKED_TOKEN,
        rule: "the trusted beneficiaries' Access-Token can raise TokenRevoked: a revoked token cannot be used anymore (here Tokens Show refuses it and the trusted beneficiaries do not)",
        breaks: &["SE-TB-INDEX-01", "SE-TB-SHOW-01"],
    },
    Fault {
        name: NEXT_ID_MISSING,
        rule: "Providers Index returns meta.next_id",
        breaks: &["SE-PROV-INDEX-01", "SE-PROV-INDEX-02"],
    },
    Fault {
        name: UNAPPROVED_PROVIDERS_LISTED,
        rule: "Providers Index returns all ASPSPs which have approved access for your TPP (here every provider, approved or not)",
        breaks: &["SE-PROV-INDEX-01"],
    },
    Fault {
        name: FROM_ID_EXCLUSIVE,
        rule: "from_id: return providers starting with a specific id",
        breaks: &["SE-PROV-INDEX-02"],
    },
    Fault {
        name: PER_PAGE_UNBOUNDED,
        rule: "per_page: values in range between 1 and 1000",
        breaks: &["SE-PROV-INDEX-03"],
    },
    Fault {
        name: TEMPLATES_WITHOUT_ATTRIBUTES,
        rule: "Templates returns the provider's payment templates with their payment_attributes",
        breaks: &["SE-PROV-TPL-01"],
    },
    Fault {
        name: CLIENT_REQUEST_ID_NOT_ECHOED,
        rule: "a Client-Request-Id, if present, is returned within the meta field of the response",
        breaks: &["SE-GEN-01"],
    },
];
