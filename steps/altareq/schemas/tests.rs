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
