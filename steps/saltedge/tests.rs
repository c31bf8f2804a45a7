//! Tests of the Salt Edge plugin's TPP side: the target file's settings (the example file stays
//! valid, secrets resolve from files, mistakes are errors with their line), and request decoration
//! (headers added, never overwritten, omitted on request, the JWT carrying the request's data).

use std::path::Path;
use std::sync::LazyLock;

use serde_json::json;

use super::SALTEDGE;
use super::settings::{Settings, prepare};
use crate::auth::jose::{RsaKeyPem, verify_rs256};
use crate::family::{Family, Wire};
use crate::http::{Body, RequestSpec};
use crate::target::{Secret, Target};

/// One key for every test here (minting an RSA key takes a tenth of a second).
static KEY: LazyLock<RsaKeyPem> = LazyLock::new(|| RsaKeyPem::generate().expect("a key"));

fn no_env(_: &str) -> Option<String> {
    None
}

#[test]
fn the_example_target_file_parses_with_every_documented_key() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("targets/saltedge.example.yaml");
    let target = Target::load(&path, &no_env).expect("the example target file loads");
    assert_eq!(target.family, "saltedge");
    let settings: Settings = target
        .settings()
        .expect("the settings parse")
        .expect("the example has settings");
    assert_eq!(settings.app_id, "6mWl9hbxoN3rg_nX4804tw");
    assert_eq!(
        settings.unapproved_provider_code.as_deref(),
        Some("some_unapproved_provider")
    );
}

/// A target file in `dir` with these settings lines, its key and secret written beside it.
fn target_with(dir: &Path, settings: &str) -> Target {
    std::fs::write(dir.join("app.key"), KEY.private_pem.expose()).expect("key written");
    std::fs::write(dir.join("app.secret"), "s3cr3t-app-secret").expect("secret written");
    let text = format!(
        "name: t\nfamily: saltedge\nbase_url: https://bank.example\nsettings:\n  app_id: app-1\n  app_secret: {{ file: app.secret }}\n  private_key: {{ file: app.key }}\n{settings}"
    );
    let path = dir.join("t.yaml");
    std::fs::write(&path, &text).expect("target written");
    Target::load(&path, &no_env).expect("the target loads")
}

#[test]
fn settings_resolve_secrets_from_files_and_take_the_documented_defaults() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let target = target_with(dir.path(), "  error_class_pointer: /error/class\n");
    let state = prepare(&target).expect("the settings prepare");
    assert_eq!(state.app.app_id, "app-1");
    assert_eq!(state.app.app_secret.expose(), "s3cr3t-app-secret");
    assert_eq!(state.provider_code, "demobank");
    assert_eq!(state.error_class_pointers, vec!["/error/class".to_string()]);
    assert!(state.without_permissions.is_none());
    assert!(!format!("{state:?}").contains("s3cr3t"));
}

#[test]
fn settings_mistakes_are_errors_with_their_line() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let unknown = target_with(dir.path(), "  provider: demobank\n");
    let err = prepare(&unknown).expect_err("an unknown key").to_string();
    assert!(err.contains("t.yaml:8"), "{err}");
    let pointer = target_with(dir.path(), "  error_class_pointer: error.class\n");
    let err = prepare(&pointer).expect_err("not a pointer").to_string();
    assert!(err.contains(":8:") && err.contains("JSON pointer"), "{err}");
    std::fs::write(dir.path().join("bad.key"), "not a key").expect("written");
    let text = "name: t\nfamily: saltedge\nbase_url: https://b\nsettings:\n  app_id: a\n  app_secret: x\n  private_key: { file: bad.key }\n";
    let path = dir.path().join("bad.yaml");
    std::fs::write(&path, text).expect("written");
    let bad_key = Target::load(&path, &no_env).expect("loads");
    let err = prepare(&bad_key).expect_err("not a key").to_string();
    assert!(
        err.contains("bad.yaml:7") && err.contains("RSA private key"),
        "{err}"
    );
    let none = Target::parse(
        "name: t\nfamily: saltedge\nbase_url: https://b\n",
        &path,
        &no_env,
    )
    .expect("loads");
    assert!(prepare(&none).is_err());
}

/// The wire of a target whose application has `key`.
fn state_with(key: &RsaKeyPem) -> std::sync::Arc<dyn Wire> {
    let mut target = SALTEDGE.embedded_target();
    target.settings = Some(json!({
        "app_id": "app-1",
        "app_secret": "s3cr3t-app-secret",
        "private_key": key.private_pem.expose(),
    }));
    SALTEDGE
        .prepare(&target)
        .expect("the in-memory settings prepare")
}

fn header<'a>(request: &'a RequestSpec, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn decoration_signs_the_requests_data_and_moves_the_token_to_access_token() {
    let key = &*KEY;
    let state = state_with(key);
    let mut request = RequestSpec::new("POST", "/api/v2/tokens/remote")
        .bearer(Secret::new("access-token-123456"))
        .body(Body::Json(
            json!({ "data": { "provider_code": "demobank" } }),
        ));
    state.decorate(&mut request).expect("decorated");
    assert!(request.bearer.is_none());
    assert_eq!(
        header(&request, "Access-Token"),
        Some("access-token-123456")
    );
    assert_eq!(header(&request, "App-Id"), Some("app-1"));
    assert_eq!(header(&request, "App-Secret"), Some("s3cr3t-app-secret"));
    assert!(header(&request, "Client-Request-Id").is_some());
    let jwt = header(&request, "Authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .expect("a bearer JWT");
    let claims = verify_rs256(jwt, &key.public_pem, true).expect("signed with the app's key");
    assert_eq!(claims["data"], json!({ "provider_code": "demobank" }));
    let exp = claims["exp"].as_i64().expect("an integer exp");
    assert!(exp > chrono::Utc::now().timestamp());
}

#[test]
fn decoration_keeps_headers_the_request_has_and_adds_none_it_omits() {
    let key = &*KEY;
    let state = state_with(key);
    let mut request = RequestSpec::new("GET", "/api/v2/tokens")
        .header("App-Id", "someone-else")
        .header("Authorization", "Bearer given")
        .bearer(Secret::new("access-token-123456"));
    request.omit = vec!["Access-Token".into(), "Client-Request-Id".into()];
    state.decorate(&mut request).expect("decorated");
    assert_eq!(header(&request, "App-Id"), Some("someone-else"));
    assert_eq!(header(&request, "Authorization"), Some("Bearer given"));
    assert_eq!(header(&request, "Access-Token"), None);
    assert_eq!(header(&request, "Client-Request-Id"), None);
    assert!(
        request.bearer.is_none(),
        "the token must not become a bearer"
    );

    let mut providers = RequestSpec::new("GET", "/api/v2/providers?per_page=1");
    state.decorate(&mut providers).expect("decorated");
    assert_eq!(header(&providers, "Authorization"), None);
    assert!(header(&providers, "App-Secret").is_some());

    let mut omitted = RequestSpec::new("GET", "/api/v2/tokens");
    omitted.omit = vec!["authorization".into()];
    state.decorate(&mut omitted).expect("decorated");
    assert_eq!(header(&omitted, "Authorization"), None);
}

#[test]
fn a_request_whose_jwt_cannot_be_signed_is_refused_naming_the_key() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut wire = prepare(&target_with(dir.path(), "")).expect("the settings prepare");
    wire.app.signer = super::signing::Signer::unusable();
    let mut request = RequestSpec::new("GET", "/api/v2/tokens");
    let err = wire
        .decorate(&mut request)
        .expect_err("no JWT can be signed");
    assert_eq!(
        err.to_string(),
        "the application's private key (settings.private_key) could not sign the request JWT: InvalidAlgorithm"
    );
    assert!(header(&request, "Authorization").is_none());
    let mut unsigned = RequestSpec::new("GET", "/api/v2/providers");
    assert!(
        wire.decorate(&mut unsigned).is_ok(),
        "the providers endpoints take no JWT, so nothing needs the key"
    );
}

#[tokio::test]
async fn a_step_whose_request_jwt_cannot_be_signed_fails_and_sends_nothing() {
    crate::tls::install_crypto_provider();
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut target = target_with(dir.path(), "");
    target.base_url = "https://127.0.0.1:9".into();
    let mut wire = prepare(&target).expect("the settings prepare");
    wire.app.signer = super::signing::Signer::unusable();
    let ctx = crate::world::RunContext::new(
        std::sync::Arc::new(target),
        &SALTEDGE,
        std::sync::Arc::new(wire),
    )
    .expect("a context");
    let mut w = crate::world::ObWorld::in_context(std::sync::Arc::new(ctx));
    let failure = w
        .send(RequestSpec::new("GET", "/api/v2/tokens"))
        .await
        .expect_err("the step fails");
    assert!(
        failure.to_string().starts_with(
            "the request was not sent: the application's private key (settings.private_key)"
        ),
        "{failure}"
    );
    let evidence = w.exchange.as_ref().expect("evidence");
    assert!(evidence.response.is_none());
    assert!(
        evidence
            .error
            .as_deref()
            .is_some_and(|e| e.contains("not sent"))
    );
}
