//! The model bank's fault table: every documented rule (notes §13/§14 "mutant switches") the bank
//! can be told to break, one rule per fault, with the catalog ids whose scenarios must then fail.
//!
//! The handlers test the names below with `FaultSet::has`. A fault changes only the behaviour it
//! names; it must never make the bank panic or stop answering. Tolerated variations (PAR answering
//! 200, `invalid_request` for a request object) are not faults: they break no rule.
//!
//! Healthy variants (a seed, see `kit::variant` and `variant.rs`) draw what the documents leave
//! open: the PSUs' user ids, party ids and names; account ids, IBANs, account numbers, holder
//! names, nicknames (present or absent) and balances; the CoP payees' IBANs; transaction ids,
//! amounts, booking days, optional fields (`TransactionInformation`, `ValueDateTime`,
//! `MerchantDetails`) and order; the order of the accounts list and of each account's identifiers
//! and balances; the form of PaymentIds and of the headless authorisation's interaction ids
//! (UUID, hex, reference); the key order of every JSON answer. Where the sources disagree (notes
//! §15), a variant draws the reading it follows ([`Readings`]); the embedded target's tolerances
//! name the one it drew. Not varied: the `aud` of signed answers and every other reading the
//! catalog already fixes per document (the request-object and client-assertion error codes, the
//! CoP 204), the Emirates ID numbers and the CoP payees' names (the CoP settings name them).

use crate::sandbox::Fault;
use crate::sandbox::kit::Variant;

/// Where the sources allow several answers, the one a bank follows. The canonical bank follows
/// the first of each; a healthy variant draws.
///
/// - **PAR's success status** (notes §15.2): RFC 9126, v1.2 and the collection say 201; v2.1 and
///   errata2 say 200. obconf accepts what the target's `tolerances.par_status` lists.
/// - **Registration's success status** (notes §15.16): the spec says 204, the ATQ pages
///   "200/201/204". obconf accepts the three.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Readings {
    pub par_status: u16,
    pub registration_status: u16,
}

impl Readings {
    pub(crate) fn of(variant: &Variant) -> Self {
        Self {
            par_status: variant.pick("PAR success status", 201, &[201, 200]),
            registration_status: variant.pick("registration status", 204, &[204, 200, 201]),
        }
    }
}

pub(crate) const JWKS_WITHOUT_SIG_KEY: &str = "jwks-without-sig-key";
pub(crate) const ISSUER_TRAILING_SLASH: &str = "issuer-trailing-slash";
pub(crate) const REGISTRATION_REFUSED: &str = "registration-refused";
pub(crate) const MTLS_OPTIONAL: &str = "mtls-optional";
pub(crate) const SKIP_CLIENT_AUTH_AT_PAR: &str = "skip-client-auth-at-par";
pub(crate) const SKIP_ASSERTION_SIGNATURE: &str = "skip-assertion-signature";
pub(crate) const ACCEPT_FOREIGN_ASSERTION_KEY: &str = "accept-foreign-assertion-key";
pub(crate) const ACCEPT_RS256_ASSERTION: &str = "accept-rs256-assertion";
pub(crate) const SKIP_ASSERTION_AUD: &str = "skip-assertion-aud";
pub(crate) const ACCEPT_ARRAY_AUD: &str = "accept-array-aud";
pub(crate) const ACCEPT_ENDPOINT_AUD: &str = "accept-endpoint-aud";
pub(crate) const ACCEPT_EXPIRED_ASSERTION: &str = "accept-expired-assertion";
pub(crate) const ALLOW_JTI_REUSE: &str = "allow-jti-reuse";
pub(crate) const ACCEPT_ALG_NONE: &str = "accept-alg-none";
pub(crate) const ACCEPT_UNSIGNED_REQUEST: &str = "accept-unsigned-request";
pub(crate) const SKIP_REQUEST_SIGNATURE: &str = "skip-request-signature";
pub(crate) const ACCEPT_FOREIGN_REQUEST_SIGNATURE: &str = "accept-foreign-request-signature";
pub(crate) const ACCEPT_EXPIRED_REQUEST_OBJECT: &str = "accept-expired-request-object";
pub(crate) const ACCEPT_REQUEST_WITHOUT_EXP: &str = "accept-request-without-exp";
pub(crate) const ACCEPT_REQUEST_WITHOUT_NBF: &str = "accept-request-without-nbf";
pub(crate) const ACCEPT_OLD_REQUEST_NBF: &str = "accept-old-request-nbf";
pub(crate) const SKIP_REQUEST_AUD: &str = "skip-request-aud";
pub(crate) const SKIP_PKCE: &str = "skip-pkce";
pub(crate) const ALLOW_CODE_REUSE: &str = "allow-code-reuse";
pub(crate) const CALLBACK_WITHOUT_ISS: &str = "callback-without-iss";
pub(crate) const TOKEN_WITHOUT_AUTHORIZATION_DETAILS: &str = "token-without-authorization-details";
pub(crate) const LODGED_CONSENT_WITHOUT_LINKS: &str = "lodged-consent-without-links";
pub(crate) const IGNORE_CNF: &str = "ignore-cnf";
pub(crate) const PAYMENTS_ACCEPT_DATA_TOKEN: &str = "payments-accept-data-token";
pub(crate) const PAYMENT_TOKEN_READS_ACCOUNTS: &str = "payment-token-reads-accounts";
pub(crate) const ALL_ACCOUNTS_LISTED: &str = "all-accounts-listed";
pub(crate) const BALANCES_REFUSED: &str = "balances-refused";
pub(crate) const UNSHARED_ACCOUNT_READABLE: &str = "unshared-account-readable";
pub(crate) const CONSENT_NOT_LISTED: &str = "consent-not-listed";
pub(crate) const CONSENT_STAYS_AWAITING: &str = "consent-stays-awaiting";
pub(crate) const UNSIGNED_PAYMENT_RESPONSE: &str = "unsigned-payment-response";
pub(crate) const PAYMENT_ANSWERS_200: &str = "payment-answers-200";
pub(crate) const NO_IDEMPOTENCY: &str = "no-idempotency";
pub(crate) const SECOND_SINGLE_PAYMENT: &str = "second-single-payment";
pub(crate) const ACCEPT_PLAIN_PII: &str = "accept-plain-pii";
pub(crate) const ACCEPT_UNENCRYPTED_JWS_PII: &str = "accept-unencrypted-jws-pii";
pub(crate) const ACCEPT_ANY_JWE_ALG: &str = "accept-any-jwe-alg";
pub(crate) const SKIP_INDIVIDUAL_LIMIT: &str = "skip-individual-limit";
pub(crate) const SKIP_PERIOD_COUNT: &str = "skip-period-count";
pub(crate) const SKIP_PERIOD_VALUE: &str = "skip-period-value";
pub(crate) const SKIP_CONSENT_COUNT: &str = "skip-consent-count";
pub(crate) const SKIP_CONSENT_VALUE: &str = "skip-consent-value";
pub(crate) const COUNT_REFUSED_ATTEMPTS: &str = "count-refused-attempts";
pub(crate) const MULTI_CONSENT_CONSUMED: &str = "multi-consent-consumed";
pub(crate) const COP_ALWAYS_YES: &str = "cop-always-yes";
pub(crate) const COP_UNMASKED_NAME: &str = "cop-unmasked-name";
pub(crate) const COP_ACCEPT_INVALID_IBAN: &str = "cop-accept-invalid-iban";
pub(crate) const DROP_INTERACTION_ID_ON_ERROR: &str = "drop-interaction-id-on-error";

const fn fault(name: &'static str, rule: &'static str, breaks: &'static [&'static str]) -> Fault {
    Fault { name, rule, breaks }
}

/// Every fault of the AlTareq model bank, in catalog order.
pub static FAULTS: &[Fault] = &[
    fault(
        JWKS_WITHOUT_SIG_KEY,
        "the JWKS publishes at least one use=sig RSA key (here only the use=enc key)",
        &["ALT-DISC-01"],
    ),
    fault(
        ISSUER_TRAILING_SLASH,
        "the metadata issuer equals the discovery URL minus /.well-known/openid-configuration (here with a trailing slash)",
        &["ALT-DISC-01"],
    ),
    fault(
        REGISTRATION_REFUSED,
        "POST /tpp-registration with a trust-framework transport certificate answers 204 (here 403)",
        &["ALT-REG-01"],
    ),
    fault(
        MTLS_OPTIONAL,
        "every hub call needs the transport certificate; tokens are bound to it (here a connection without one is let in and matches any binding)",
        &["ALT-SEC-04", "ALT-REG-01"],
    ),
    fault(
        SKIP_CLIENT_AUTH_AT_PAR,
        "PAR authenticates the client with a private_key_jwt assertion (here a missing assertion passes)",
        &["ALT-SEC-01"],
    ),
    fault(
        SKIP_ASSERTION_SIGNATURE,
        "the client assertion's signature is verified with the client's registered key (here only decoded)",
        &["ALT-SEC-01"],
    ),
    fault(
        ACCEPT_FOREIGN_ASSERTION_KEY,
        "the assertion is verified with the authenticated client's own key (here with the key its kid names, of any client)",
        &["ALT-SEC-01"],
    ),
    fault(
        ACCEPT_RS256_ASSERTION,
        "the client assertion is signed PS256 (here RS256 with the client's own key passes)",
        &["ALT-SEC-01"],
    ),
    fault(
        SKIP_ASSERTION_AUD,
        "the assertion aud names this bank's issuer (here any single string passes)",
        &["ALT-SEC-01"],
    ),
    fault(
        ACCEPT_ARRAY_AUD,
        "the assertion aud is the issuer as one string (here an array holding it passes)",
        &["ALT-SEC-01"],
    ),
    fault(
        ACCEPT_ENDPOINT_AUD,
        "the assertion aud is the issuer, not the PAR or token URL (here the endpoint URLs pass)",
        &["ALT-SEC-01"],
    ),
    fault(
        ACCEPT_EXPIRED_ASSERTION,
        "an assertion whose exp has passed is refused (here exp is not checked)",
        &["ALT-SEC-01"],
    ),
    fault(
        ALLOW_JTI_REUSE,
        "an assertion jti is never accepted twice (here replays pass)",
        &["ALT-SEC-01"],
    ),
    fault(
        ACCEPT_ALG_NONE,
        "the request object is signed PS256 (here alg none passes unverified)",
        &["ALT-SEC-02"],
    ),
    fault(
        ACCEPT_UNSIGNED_REQUEST,
        "the request parameter is a signed JWS (here a plain JSON object passes)",
        &["ALT-SEC-02"],
    ),
    fault(
        SKIP_REQUEST_SIGNATURE,
        "the request object's signature is verified (here only decoded)",
        &["ALT-SEC-02"],
    ),
    fault(
        ACCEPT_FOREIGN_REQUEST_SIGNATURE,
        "the request object is signed by the same client as the assertion (here any registered client's key passes)",
        &["ALT-SEC-02"],
    ),
    fault(
        ACCEPT_EXPIRED_REQUEST_OBJECT,
        "a request object whose exp has passed is refused (here exp is not checked)",
        &["ALT-SEC-02"],
    ),
    fault(
        ACCEPT_REQUEST_WITHOUT_EXP,
        "the request object carries exp (here one without exp passes, its lifetime unchecked)",
        &["ALT-SEC-02"],
    ),
    fault(
        ACCEPT_REQUEST_WITHOUT_NBF,
        "the request object carries nbf (here one without nbf passes, its age unchecked)",
        &["ALT-SEC-02"],
    ),
    fault(
        ACCEPT_OLD_REQUEST_NBF,
        "the request object's nbf is at most 10 minutes old and its exp at most 10 minutes after it (here FAPI 2.0's 60 minutes pass)",
        &["ALT-SEC-02"],
    ),
    fault(
        SKIP_REQUEST_AUD,
        "the request object's aud is the issuer (here any aud passes)",
        &["ALT-SEC-02"],
    ),
    fault(
        SKIP_PKCE,
        "the code_verifier must hash to the code_challenge (here any verifier passes)",
        &["ALT-SEC-03"],
    ),
    fault(
        ALLOW_CODE_REUSE,
        "an authorization code is redeemed once (here it can be redeemed again)",
        &["ALT-SEC-03"],
    ),
    fault(
        CALLBACK_WITHOUT_ISS,
        "the authorization response carries iss (RFC 9207; here it is left out)",
        &["ALT-DS-01"],
    ),
    fault(
        TOKEN_WITHOUT_AUTHORIZATION_DETAILS,
        "the token response carries the lodged consent in authorization_details (here omitted)",
        &["ALT-DS-01"],
    ),
    fault(
        LODGED_CONSENT_WITHOUT_LINKS,
        "the token response's lodged consent follows its published schema, Links included (here Links is left out)",
        &["ALT-DS-01"],
    ),
    fault(
        IGNORE_CNF,
        "a token is used only over the connection certificate it is bound to (cnf.x5t#S256; here any trusted certificate passes)",
        &["ALT-SEC-04"],
    ),
    fault(
        PAYMENTS_ACCEPT_DATA_TOKEN,
        "POST /payments needs a token of a payment consent with scope payments (here a data-sharing token passes and the body's ConsentId is trusted)",
        &["ALT-SEC-05"],
    ),
    fault(
        PAYMENT_TOKEN_READS_ACCOUNTS,
        "data sharing needs an accounts token with the permission (here a payment token reads its debtor account)",
        &["ALT-SEC-05"],
    ),
    fault(
        ALL_ACCOUNTS_LISTED,
        "GET /accounts lists only the accounts selected at authorisation (here all of the PSU's)",
        &["ALT-DS-02"],
    ),
    fault(
        BALANCES_REFUSED,
        "GET /accounts/{id}/balances answers the consented account's balances (here 403)",
        &["ALT-DS-02"],
    ),
    fault(
        UNSHARED_ACCOUNT_READABLE,
        "an account's data is answered only for an account selected at authorisation (here for any account of the consent's PSU)",
        &["ALT-DS-02"],
    ),
    fault(
        CONSENT_NOT_LISTED,
        "GET /account-access-consents?baseConsentId= lists the consent (here an empty list)",
        &["ALT-DS-03"],
    ),
    fault(
        CONSENT_STAYS_AWAITING,
        "a consent is Authorized once the PSU authorises it (here it stays AwaitingAuthorization in the consent views)",
        &["ALT-DS-03"],
    ),
    fault(
        UNSIGNED_PAYMENT_RESPONSE,
        "payment responses are signed JWTs (application/jwt; here plain JSON)",
        &["ALT-PAY-01"],
    ),
    fault(
        PAYMENT_ANSWERS_200,
        "POST /payments answers 201 Created (here 200)",
        &["ALT-PAY-01"],
    ),
    fault(
        NO_IDEMPOTENCY,
        "a replay with the same x-idempotency-key returns the original payment (here it creates another)",
        &["ALT-PAY-02"],
    ),
    fault(
        SECOND_SINGLE_PAYMENT,
        "a single-instant-payment consent allows one payment (here a second one with a new key passes)",
        &["ALT-PAY-02"],
    ),
    fault(
        ACCEPT_PLAIN_PII,
        "payment PII is a compact JWE (here the plain JSON object passes)",
        &["ALT-PAY-03"],
    ),
    fault(
        ACCEPT_UNENCRYPTED_JWS_PII,
        "payment PII is encrypted (here a signed JWS without encryption passes)",
        &["ALT-PAY-03"],
    ),
    fault(
        ACCEPT_ANY_JWE_ALG,
        "payment PII is encrypted with RSA-OAEP-256 to the bank's enc key (here any alg the header names, RSA1_5 included, is tried)",
        &["ALT-PAY-03"],
    ),
    fault(
        SKIP_INDIVIDUAL_LIMIT,
        "a multi-payment above MaximumIndividualAmount is refused (here it passes)",
        &["ALT-MPAY-01"],
    ),
    fault(
        SKIP_PERIOD_COUNT,
        "a multi-payment beyond MaximumCumulativeNumberOfPaymentsPerPeriod is refused (here it passes)",
        &["ALT-MPAY-01"],
    ),
    fault(
        SKIP_PERIOD_VALUE,
        "a multi-payment that would take the period past MaximumCumulativeValueOfPaymentsPerPeriod is refused (here it passes)",
        &["ALT-MPAY-01"],
    ),
    fault(
        SKIP_CONSENT_COUNT,
        "a multi-payment beyond the consent's MaximumCumulativeNumberOfPayments is refused (here it passes)",
        &["ALT-MPAY-01"],
    ),
    fault(
        SKIP_CONSENT_VALUE,
        "a multi-payment that would take the consent past MaximumCumulativeValueOfPayments is refused (here it passes)",
        &["ALT-MPAY-01"],
    ),
    fault(
        COUNT_REFUSED_ATTEMPTS,
        "refused payments do not count towards the consent's controls (here they do)",
        &["ALT-MPAY-01"],
    ),
    fault(
        MULTI_CONSENT_CONSUMED,
        "a multi-payment consent stays Authorized until its controls are used up (here Consumed after one payment)",
        &["ALT-MPAY-01"],
    ),
    fault(
        COP_ALWAYS_YES,
        "Confirmation of Payee answers No or Partial for a name that does not match (here always Yes)",
        &["ALT-COP-01"],
    ),
    fault(
        COP_UNMASKED_NAME,
        "a CoP non-match returns a masked name (here the holder's full name)",
        &["ALT-COP-01"],
    ),
    fault(
        COP_ACCEPT_INVALID_IBAN,
        "CoP discovery refuses an IBAN that fails mod-97 with 400 (here it is located)",
        &["ALT-COP-01"],
    ),
    fault(
        DROP_INTERACTION_ID_ON_ERROR,
        "every answer echoes x-fapi-interaction-id, errors included (here only successes)",
        &["ALT-GEN-01"],
    ),
];
