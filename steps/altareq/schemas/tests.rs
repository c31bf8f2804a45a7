use serde_json::json;

use super::{Addressed, check, specs};
use crate::openapi::Checked;

#[test]
fn the_four_documents_load_with_their_corrections() {
    let specs = specs().expect("the vendored specs load");
    let names: Vec<&str> = specs.specs().iter().map(|s| s.name()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    let bases: Vec<&str> = specs.specs().iter().map(|s| s.base_path()).collect();
    assert!(
        bases.contains(&"/open-finance/account-information/v2.1"),
        "{bases:?}"
    );
    assert!(bases.contains(&"/open-finance/payment/v2.1"), "{bases:?}");
    assert!(
        bases.contains(&"/open-finance/confirmation-of-payee/v2.1"),
        "{bases:?}"
    );
}

#[test]
fn par_answers_are_checked_whether_the_bank_says_200_or_201() {
    let good = json!({"request_uri": "urn:ietf:params:oauth:request_uri:x1", "expires_in": 90});
    for status in [200, 201] {
        let checked = check(
            "POST",
            Addressed::Operation("/par"),
            status,
            Some("application/json"),
            &good,
        )
        .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert!(
            matches!(checked, Checked::Valid { .. }),
            "{status}: {checked:?}"
        );
    }
    let extra = json!({"request_uri": "urn:x", "expires_in": 90, "consent": "leaked"});
    let err = check("POST", Addressed::Operation("/par"), 201, None, &extra).unwrap_err();
    assert!(
        err.contains("POST /par") && err.contains("additionalProperties"),
        "{err}"
    );
    assert!(
        !err.contains("leaked"),
        "a violation must not quote the body: {err}"
    );
}

#[test]
fn invalid_request_object_is_a_documented_oauth_error() {
    let body = json!({"error": "invalid_request_object", "error_description": "bad signature"});
    let checked = check("POST", Addressed::Operation("/par"), 400, None, &body).unwrap();
    assert!(matches!(checked, Checked::Valid { .. }), "{checked:?}");
    let made_up = json!({"error": "computer_says_no"});
    let err = check("POST", Addressed::Operation("/par"), 400, None, &made_up).unwrap_err();
    assert!(err.contains("$.error") && err.contains("enum"), "{err}");
}

#[test]
fn a_client_credentials_token_answer_passes_the_token_schema() {
    let body = json!({"access_token": "t", "token_type": "Bearer", "expires_in": 600, "scope": "payments openid"});
    let checked = check("POST", Addressed::Operation("/token"), 200, None, &body).unwrap();
    assert!(matches!(checked, Checked::Valid { .. }), "{checked:?}");
    let wrong = json!({"access_token": "t", "token_type": "Bearer"});
    assert!(check("POST", Addressed::Operation("/token"), 200, None, &wrong).is_err());
}

#[test]
fn a_resource_answer_missing_its_data_names_the_rule() {
    let err = check(
        "GET",
        Addressed::Path(
            "/open-finance/account-information/v2.1/accounts/100004000000000000000003/balances",
        ),
        200,
        Some("application/json"),
        &json!({"Links": {}}),
    )
    .unwrap_err();
    assert!(err.contains("GET /accounts/{AccountId}/balances"), "{err}");
    assert!(err.contains("required"), "{err}");
}

#[test]
fn an_operation_outside_the_documents_is_not_described() {
    let checked = check(
        "GET",
        Addressed::Path("/tpp-registration"),
        204,
        None,
        &json!(null),
    )
    .unwrap();
    assert_eq!(checked, Checked::NotDescribed);
}

/// Every schema any documented answer of the four documents points at compiles: a schema that
/// cannot be compiled would turn a check into an error at run time.
#[test]
fn every_documented_response_schema_compiles() {
    let specs = specs().unwrap();
    let mut compiled = 0;
    for spec in specs.specs() {
        let doc: serde_json::Value = serde_json::to_value(spec_paths(spec)).unwrap();
        for (template, methods) in doc.as_object().unwrap() {
            for (method, op) in methods.as_object().unwrap() {
                let Some(responses) = op.get("responses").and_then(|r| r.as_object()) else {
                    continue;
                };
                for status in responses.keys().filter_map(|k| k.parse::<u16>().ok()) {
                    let checked = specs.check_operation(method, template, status, None, &json!({}));
                    assert!(
                        !matches!(checked, Checked::Unusable { .. }),
                        "{} {method} {template} {status}: {checked:?}",
                        spec.name()
                    );
                    compiled += 1;
                }
            }
        }
    }
    assert!(compiled > 100, "only {compiled} responses were found");
}

fn spec_paths(spec: &crate::openapi::Spec) -> serde_json::Value {
    spec.document().get("paths").cloned().unwrap_or_default()
}

#[test]
fn a_signed_data_sharing_answer_carries_its_jwt_claims_beside_the_message() {
    let balances = json!({"Data": {"AccountId": "100004000000000000000003", "Balance": [{
        "CreditDebitIndicator": "Credit", "Type": "InterimAvailable",
        "DateTime": "2026-12-02T05:00:00+00:00", "Amount": {"Amount": "100.00", "Currency": "AED"}}]},
        "Links": {"Self": "https://rs.example/balances"}, "Meta": {"TotalPages": 1}});
    let signed = json!({"iss": "https://as.example", "aud": ["client"], "iat": 1, "nbf": 1,
        "exp": 2, "message": balances});
    let path = "/open-finance/account-information/v2.1/accounts/100004000000000000000003/balances";
    let checked = check(
        "GET",
        Addressed::Path(path),
        200,
        Some("application/jwt"),
        &signed,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(checked, Checked::Valid { .. }), "{checked:?}");
    let mut smuggled = signed.clone();
    smuggled["debug"] = json!("leaked");
    let err = check(
        "GET",
        Addressed::Path(path),
        200,
        Some("application/jwt"),
        &smuggled,
    )
    .unwrap_err();
    assert!(err.contains("additionalProperties"), "{err}");
}

#[test]
fn an_invalid_client_401_at_par_or_token_is_an_oauth_error() {
    let body = json!({"error": "invalid_client", "error_description": "no assertion"});
    for op in ["/par", "/token"] {
        let checked = check("POST", Addressed::Operation(op), 401, None, &body).unwrap();
        assert!(
            matches!(checked, Checked::Valid { .. }),
            "{op}: {checked:?}"
        );
    }
    let err = check("POST", Addressed::Operation("/par"), 401, None, &json!({})).unwrap_err();
    assert!(err.contains("required"), "{err}");
}

#[test]
fn a_cop_signed_error_names_its_one_recipient_as_a_string() {
    let errors = json!({"Errors": [{"Code": "Body.InvalidFormat", "Message": "not a UAE IBAN"}]});
    let path = "/open-finance/confirmation-of-payee/v2.1/discovery";
    let mut signed = json!({"iss": "https://as.example", "aud": "client", "iat": 1, "nbf": 1,
        "exp": 2, "message": errors});
    check(
        "POST",
        Addressed::Path(path),
        400,
        Some("application/jwt"),
        &signed,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    signed["aud"] = json!(["client"]);
    let err = check(
        "POST",
        Addressed::Path(path),
        400,
        Some("application/jwt"),
        &signed,
    )
    .unwrap_err();
    assert!(err.contains("$.aud") && err.contains("type"), "{err}");
}

#[test]
fn a_token_answer_matching_no_grant_names_the_closest_grants_violation() {
    let lodged = json!({"type": "urn:openfinanceuae:account-access-consent:v2.1", "consent": {
        "Data": {"ConsentId": "c1", "CreationDateTime": "2026-12-02T05:00:00+00:00",
            "Status": "Authorized", "StatusUpdateDateTime": "2026-12-02T05:00:00+00:00",
            "Permissions": ["ReadAccountsBasic"], "ExpirationDateTime": "2026-12-02T06:00:00+00:00",
            "OpenFinanceBilling": {"UserType": "Retail", "Purpose": "AccountAggregation"}},
        "Meta": {}}});
    let body = json!({"access_token": "t", "token_type": "Bearer", "expires_in": 300,
        "id_token": "x", "authorization_details": [lodged]});
    let err = check("POST", Addressed::Operation("/token"), 200, None, &body).unwrap_err();
    assert!(
        err.contains("$.authorization_details[0].consent") && err.contains("Links"),
        "the failure names the lodged consent's missing Links: {err}"
    );
    assert!(err.contains("anyOf alternative 0"), "{err}");
}
