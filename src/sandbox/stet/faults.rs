//! The STET bank's fault table: every documented rule this bank can be told to break.
//!
//! Each entry names the rule in the document's words and the catalog ids whose scenarios must fail
//! while the fault is active; the handlers test the names below with `FaultSet::has`. A fault must
//! change only the behaviour it names, and must never make the bank panic or stop answering.
//!
//! Healthy variants (a seed, see `kit::variant`) draw what the document leaves open: IBANs and
//! resourceIds, booking dates moved by up to 3 days, the order of the accounts list and of each
//! history, the HTTP protocol, the key order of every JSON answer; and each documented reading of
//! [`Readings`].

use crate::sandbox::Fault;
use crate::sandbox::kit::Variant;

/// Where the document allows two readings, the one a bank follows. A healthy variant draws each;
/// obconf must accept both (and records which one the bank follows).
///
/// - **The mTLS refusal of a request without a client certificate.** TPP and ASPSP authenticate
///   each other with the QWAC, but the document does not say how a connection without one is
///   refused: in the TLS handshake (a `certificate_required` alert, before any HTTP), or with an
///   HTTP error (400 or 401; the canonical bank answers 401). STET-OAUTH-04 accepts both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Readings {
    /// A client without a certificate is refused in the TLS handshake.
    pub refuse_in_handshake: bool,
}

impl Readings {
    pub(super) fn of(variant: &Variant) -> Self {
        Self {
            refuse_in_handshake: variant.flip("mtls refusal in the handshake"),
        }
    }
}

pub(super) const WRONG_SCOPE_ACCEPTED: &str = "wrong-scope-accepted";
pub(super) const POST_ALLOWED: &str = "post-allowed";
pub(super) const EXTRA_CLOSED_ACCOUNT: &str = "extra-closed-account";
pub(super) const CONSENT_ANSWERS_200: &str = "consent-answers-200";
pub(super) const UNCONSENTED_DETAILS_SHOWN: &str = "unconsented-details-shown";
pub(super) const IDENTITY_LINK_MISSING: &str = "identity-link-missing";
pub(super) const CONSENT_WIDENED: &str = "consent-widened-to-every-account";
pub(super) const IDENTITY_LINK_WITHOUT_CONSENT: &str = "identity-link-without-consent";
pub(super) const REVOCATION_IGNORED: &str = "revocation-ignored";
pub(super) const CONSENT_MERGED: &str = "consent-merged";
pub(super) const BALANCE_SIGN_LOST: &str = "balance-sign-lost";
pub(super) const UNKNOWN_ACCOUNT_403: &str = "unknown-account-403";
pub(super) const CLBD_MISSING: &str = "clbd-missing";
pub(super) const HISTORY_MISSING: &str = "history-missing";
pub(super) const DATE_FROM_EXCLUSIVE: &str = "date-from-exclusive";
pub(super) const DATE_TO_INCLUSIVE: &str = "date-to-inclusive";
pub(super) const ENTRY_REFERENCE_INVENTED: &str = "entry-reference-invented";
pub(super) const NO_62_DAY_BOUND: &str = "no-62-day-bound";
pub(super) const LENIENT_DATES: &str = "lenient-dates";
pub(super) const STRICT_DATES: &str = "strict-dates";
pub(super) const EMPTY_HISTORY_200: &str = "empty-history-200";
pub(super) const PENDING_STATUS: &str = "pending-status";
pub(super) const IDENTITY_FORBIDDEN: &str = "identity-forbidden";
pub(super) const IDENTITY_WITHOUT_CONSENT: &str = "identity-without-consent";
pub(super) const TRUSTED_BENEFICIARIES_400: &str = "trusted-beneficiaries-400";
pub(super) const REQUEST_ID_NOT_ECHOED: &str = "request-id-not-echoed";
pub(super) const EXPIRED_TOKEN_ACCEPTED: &str = "expired-token-accepted";
pub(super) const ACCEPT_IGNORED: &str = "accept-ignored";
pub(super) const UNAUTHENTICATED_403: &str = "unauthenticated-403";
pub(super) const CHARSET_MISSING: &str = "charset-missing";
pub(super) const SIGNATURE_NOT_CHECKED: &str = "signature-not-checked";
pub(super) const REJECTED_PAYMENT_CONFIRMABLE: &str = "rejected-payment-confirmable";
pub(super) const KEYID_CERTIFICATE_TRUSTED: &str = "keyid-certificate-trusted";
pub(super) const CLIENT_ID_NOT_MATCHED: &str = "client-id-not-matched";
pub(super) const CLIENT_CERT_NOT_REQUIRED: &str = "client-cert-not-required";
pub(super) const CODE_REUSABLE: &str = "code-reusable";
pub(super) const REFRESH_TOKEN_REUSABLE: &str = "refresh-token-reusable";
pub(super) const REVOKE_KEEPS_ACCESS_TOKEN: &str = "revoke-keeps-access-token";
pub(super) const CLIENT_CREDENTIALS_SCOPE_IGNORED: &str = "client-credentials-scope-ignored";
pub(super) const FALLBACK_IGNORED: &str = "fallback-ignored";
pub(super) const NO_RATE_LIMIT: &str = "no-rate-limit";
pub(super) const RATE_LIMIT_WITH_PSU_IP: &str = "rate-limit-with-psu-ip";
pub(super) const FUNDS_CONFIRMATION_ALWAYS_TRUE: &str = "funds-confirmation-always-true";
pub(super) const FUNDS_CONFIRMATION_ANY_SCOPE: &str = "funds-confirmation-any-scope";
pub(super) const PAYMENT_LOCATION_MISSING: &str = "payment-location-missing";
pub(super) const PAYMENT_RECONFIRMABLE: &str = "payment-reconfirmable";
pub(super) const UNAPPROVED_PAYMENT_CONFIRMABLE: &str = "unapproved-payment-confirmable";
pub(super) const CONFIRMATION_WITHOUT_BODY: &str = "confirmation-without-body";

/// Every fault of the STET reference bank, in catalog order.
pub static FAULTS: &[Fault] = &[
    Fault {
        name: WRONG_SCOPE_ACCEPTED,
        rule: "an access token whose scope is not aisp must be refused on AIS resources (HTTP 403)",
        breaks: &[
            "STET-AIS-ACC-02",
            "STET-AIS-CNS-02",
            "STET-AIS-BAL-03",
            "STET-AIS-TRX-03",
        ],
    },
    Fault {
        name: POST_ALLOWED,
        rule: "a non authorized request (POST) must be answered HTTP 405",
        breaks: &[
            "STET-AIS-ACC-03",
            "STET-AIS-CNS-03",
            "STET-AIS-BAL-04",
            "STET-AIS-TRX-04",
        ],
    },
    Fault {
        name: EXTRA_CLOSED_ACCOUNT,
        rule: "GET /accounts lists the PSU's eligible online accessible payment accounts only",
        breaks: &["STET-AIS-ACC-01"],
    },
    Fault {
        name: CONSENT_ANSWERS_200,
        rule: "PUT /consents: the ASPSP answers by HTTP201 return code",
        breaks: &["STET-AIS-CNS-01", "STET-AIS-CNS-06"],
    },
    Fault {
        name: UNCONSENTED_DETAILS_SHOWN,
        rule: "before any consent, GET /accounts lists the accounts without balances, URI or resourceId",
        breaks: &["STET-AIS-CNS-04"],
    },
    Fault {
        name: IDENTITY_LINK_MISSING,
        rule: "GET /accounts gives the URI of GET /end-user-identity when psuIdentity was set to true",
        breaks: &["STET-AIS-CNS-05"],
    },
    Fault {
        name: IDENTITY_LINK_WITHOUT_CONSENT,
        rule: "GET /accounts gives the URI of GET /end-user-identity if psuIdentity has been set up at TRUE (here whatever its value)",
        breaks: &["STET-AIS-CNS-05"],
    },
    Fault {
        name: CONSENT_WIDENED,
        rule: "the consent is recorded for one given account: an account PUT /consents does not name gives no balances or transactions (here naming one account opens all the PSU's accounts)",
        breaks: &["STET-AIS-CNS-05"],
    },
    Fault {
        name: REVOCATION_IGNORED,
        rule: "a PUT /consents with no account means the customer is revoking all his accounts",
        breaks: &["STET-AIS-CNS-06"],
    },
    Fault {
        name: CONSENT_MERGED,
        rule: "each new PUT /consents replaces any prior consent that was previously sent by the AISP",
        breaks: &["STET-AIS-CNS-07", "STET-AIS-CNS-06"],
    },
    Fault {
        name: BALANCE_SIGN_LOST,
        rule: "the accounting balance is reported with its sign (a negative balance stays negative)",
        breaks: &["STET-AIS-BAL-01"],
    },
    Fault {
        name: UNKNOWN_ACCOUNT_403,
        rule: "an unknown account is answered HTTP 404",
        breaks: &["STET-AIS-BAL-02", "STET-AIS-TRX-02"],
    },
    Fault {
        name: CLBD_MISSING,
        rule: "the balance report gives the accounting balance (CLBD)",
        breaks: &[
            "STET-AIS-BAL-01",
            "STET-AIS-BAL-05",
            "STET-AIS-BAL-06",
            "STET-AIS-CNS-05",
        ],
    },
    Fault {
        name: HISTORY_MISSING,
        rule: "GET /accounts/{id}/transactions returns the account's transaction history",
        breaks: &[
            "STET-AIS-TRX-01",
            "STET-AIS-TRX-05",
            "STET-AIS-TRX-06",
            "STET-AIS-TRX-07",
            "STET-AIS-TRX-08",
        ],
    },
    Fault {
        name: DATE_FROM_EXCLUSIVE,
        rule: "dateFrom: start date to search for transactions (date included)",
        breaks: &["STET-AIS-TRX-05", "STET-AIS-TRX-08"],
    },
    Fault {
        name: DATE_TO_INCLUSIVE,
        rule: "dateTo: end date to search for transactions (date NOT included)",
        breaks: &["STET-AIS-TRX-06", "STET-AIS-TRX-08"],
    },
    Fault {
        name: ENTRY_REFERENCE_INVENTED,
        rule: "a transaction without entryReference is returned with that field empty",
        breaks: &["STET-AIS-TRX-07"],
    },
    Fault {
        name: NO_62_DAY_BOUND,
        rule: "the transaction history is limited to 62 days; an older dateFrom is a period out of bound (HTTP 400)",
        breaks: &["STET-AIS-TRX-09", "STET-AIS-TRX-06"],
    },
    Fault {
        name: LENIENT_DATES,
        rule: "an invalid dateFrom or dateTo is answered HTTP 400",
        breaks: &["STET-AIS-TRX-10"],
    },
    Fault {
        name: STRICT_DATES,
        rule: "dateFrom and dateTo accept the three ISO 8601 forms given by the document",
        breaks: &["STET-AIS-TRX-12"],
    },
    Fault {
        name: EMPTY_HISTORY_200,
        rule: "no transaction present in the list is answered HTTP 204",
        breaks: &["STET-AIS-TRX-11"],
    },
    Fault {
        name: PENDING_STATUS,
        rule: "transaction statuses are BOOK or OTHR; PDNG is not used by this API",
        breaks: &["STET-AIS-TRX-13"],
    },
    Fault {
        name: IDENTITY_FORBIDDEN,
        rule: "GET /end-user-identity returns the PSU's identity when psuIdentity was consented",
        breaks: &["STET-AIS-IDN-01"],
    },
    Fault {
        name: IDENTITY_WITHOUT_CONSENT,
        rule: "GET /end-user-identity without a psuIdentity consent is answered HTTP 403",
        breaks: &["STET-AIS-IDN-02"],
    },
    Fault {
        name: TRUSTED_BENEFICIARIES_400,
        rule: "GET /trusted-beneficiaries exists but is not supported: HTTP 501",
        breaks: &["STET-AIS-TBN-01"],
    },
    Fault {
        name: REQUEST_ID_NOT_ECHOED,
        rule: "every response carries the request's X-Request-ID",
        breaks: &["STET-GEN-01"],
    },
    Fault {
        name: EXPIRED_TOKEN_ACCEPTED,
        rule: "an expired access token is rejected with HTTP 401 and error invalid_token",
        breaks: &["STET-GEN-03"],
    },
    Fault {
        name: ACCEPT_IGNORED,
        rule: "a request whose Accept the ASPSP cannot serve is answered HTTP 406",
        breaks: &["STET-GEN-05"],
    },
    Fault {
        name: CHARSET_MISSING,
        rule: "responses are application/hal+json or application/json with charset=utf-8",
        breaks: &["STET-GEN-05"],
    },
    Fault {
        name: UNAUTHENTICATED_403,
        rule: "a request with no access token, or one the ASPSP never issued, is answered HTTP 401",
        breaks: &["STET-GEN-06"],
    },
    Fault {
        name: SIGNATURE_NOT_CHECKED,
        rule: "a missing or invalid Signature (QSEAL named by keyId) is answered HTTP 400",
        breaks: &["STET-GEN-02"],
    },
    Fault {
        name: KEYID_CERTIFICATE_TRUSTED,
        rule: "the Signature is verified with the TPP's own QSEAL certificate (here with whatever certificate the keyId URL serves)",
        breaks: &["STET-GEN-02"],
    },
    Fault {
        name: CLIENT_ID_NOT_MATCHED,
        rule: "the ASPSP checks the matching between the Authorization Number within the eIDAS certificate and the client_id value",
        breaks: &["STET-OAUTH-04"],
    },
    Fault {
        name: CLIENT_CERT_NOT_REQUIRED,
        rule: "TPP and ASPSP perform a mutual authentication: the TPP presents its eIDAS certificate (QWAC)",
        breaks: &["STET-OAUTH-04"],
    },
    Fault {
        name: CODE_REUSABLE,
        rule: "the authorization code is a one-time token with a short life period",
        breaks: &["STET-OAUTH-01"],
    },
    Fault {
        name: REFRESH_TOKEN_REUSABLE,
        rule: "a refresh returns a new refresh token and the ASPSP de facto revokes the previous one",
        breaks: &["STET-OAUTH-02"],
    },
    Fault {
        name: REVOKE_KEEPS_ACCESS_TOKEN,
        rule: "if the refresh token is revoked, the access token issued with it is revoked too (and the other way round)",
        breaks: &["STET-OAUTH-03"],
    },
    Fault {
        name: CLIENT_CREDENTIALS_SCOPE_IGNORED,
        rule: "a Client Credential access token carries the scope asked for (pisp or cbpii)",
        breaks: &["STET-OAUTH-05"],
    },
    Fault {
        name: FALLBACK_IGNORED,
        rule: "a token request with header fallback: 1 is answered 302 to the online banking login page",
        breaks: &["STET-FALLBACK-01"],
    },
    Fault {
        name: NO_RATE_LIMIT,
        rule: "without PSU-IP-Address an AIS method is limited to 4 calls per calendar day, PSU and account",
        breaks: &["STET-GEN-04"],
    },
    Fault {
        name: RATE_LIMIT_WITH_PSU_IP,
        rule: "there are no rate limits if the PSU-IP-Address is supplied",
        breaks: &["STET-GEN-04"],
    },
    Fault {
        name: FUNDS_CONFIRMATION_ALWAYS_TRUE,
        rule: "the payment coverage result says whether the account covers the amount",
        breaks: &["STET-CBPII-01"],
    },
    Fault {
        name: FUNDS_CONFIRMATION_ANY_SCOPE,
        rule: "a payment coverage check needs a cbpii token: another scope is answered HTTP 403",
        breaks: &["STET-CBPII-02"],
    },
    Fault {
        name: PAYMENT_LOCATION_MISSING,
        rule: "the ASPSP answers a saved payment request with a location link to it",
        breaks: &["STET-PISP-01"],
    },
    Fault {
        name: PAYMENT_RECONFIRMABLE,
        rule: "a payment request that is not in a state that can be confirmed is answered HTTP 409",
        breaks: &["STET-PISP-02"],
    },
    Fault {
        name: UNAPPROVED_PAYMENT_CONFIRMABLE,
        rule: "a payment request the PSU has not approved yet is not in a state that can be confirmed: HTTP 409 (here it is confirmed)",
        breaks: &["STET-PISP-02"],
    },
    Fault {
        name: REJECTED_PAYMENT_CONFIRMABLE,
        rule: "a payment request the PSU refused is not in a state that can be confirmed: HTTP 409 (here it is confirmed)",
        breaks: &["STET-PISP-02"],
    },
    Fault {
        name: CONFIRMATION_WITHOUT_BODY,
        rule: "even though there is no parameter, a JSON (void) confirmation body must be provided",
        breaks: &["STET-PISP-03"],
    },
];
