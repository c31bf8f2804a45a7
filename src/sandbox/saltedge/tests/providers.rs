//! Providers Index paging, Templates, Trusted beneficiaries, the Client-Request-Id in meta, and
//! what the bank answers outside its documented paths.
//! Tests read the bank's fixed data and must never depend on the order tests run in.

use axum::http::Method;
use serde_json::json;

use super::*;

/// The ids of a list answer.
fn ids(reply: &Reply) -> Value {
    reply.json()["data"]
        .as_array()
        .map(|l| l.iter().map(|p| p["id"].clone()).collect())
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn the_index_lists_approved_providers_in_id_order_page_by_page() {
    let env = Env::healthy();
    let index = |query: &str| {
        let call = Call::get(&format!("/providers{query}")).auth(Auth::None);
        async { env.send(call).await }
    };
    let all = index("").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(ids(&all), json!([101, 105]));
    assert_eq!(all.json()["meta"]["next_id"], Value::Null);
    let first = index("?per_page=1").await;
    assert_eq!(
        (ids(&first), first.json()["meta"]["next_id"].clone()),
        (json!([101]), json!(105))
    );
    let second = index("?per_page=1&from_id=105").await;
    assert_eq!(
        (ids(&second), second.json()["meta"]["next_id"].clone()),
        (json!([105]), Value::Null)
    );
    assert_eq!(ids(&index("?from_id=102").await), json!([105]));
    assert_eq!(
        ids(&index("?from_id=0&per_page=1000").await),
        json!([101, 105])
    );
    for bad in [
        "?per_page=0",
        "?per_page=1001",
        "?per_page=-1",
        "?per_page=abc",
        "?from_id=-5",
    ] {
        assert_eq!(index(bad).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn templates_are_the_approved_providers_own() {
    let env = Env::healthy();
    let templates = |code: &str| {
        let call = Call::get(&format!("/providers/{code}/templates")).auth(Auth::None);
        async { env.send(call).await }
    };
    let demobank = templates("demobank").await;
    assert_eq!(ids(&demobank), json!([757, 758]));
    assert_eq!(
        demobank.json()["data"][0]["payment_attributes"][2]["values"],
        json!(["EUR", "USD"])
    );
    assert_eq!(
        templates("nope").await.row(),
        json!([404, "ProviderNotFound"])
    );
    assert_eq!(
        templates("unapproved_demobank").await.row(),
        json!([401, "AccessDenied"])
    );
}

#[tokio::test]
async fn trusted_beneficiaries_are_those_of_the_tokens_provider() {
    let env = Env::healthy();
    let token = env.token().await;
    let index = |code: &str| {
        let call = Call::get("/trusted_beneficiaries")
            .data(json!({ "provider_code": code }))
            .token(&token);
        async { env.send(call).await }
    };
    assert_eq!(ids(&index("demobank").await), json!([719, 752]));
    assert_eq!(index("nope").await.row(), json!([404, "ProviderNotFound"]));
    assert_eq!(
        index("demobank_lite").await.row(),
        json!([401, "AccessDenied"])
    );
    assert_eq!(
        index("unapproved_demobank").await.row(),
        json!([401, "AccessDenied"])
    );
    let show = |id: &str| {
        let call = Call::get(&format!("/trusted_beneficiaries/{id}")).token(&token);
        async { env.send(call).await }
    };
    let shown = show("719").await;
    assert_eq!(shown.json()["data"]["alias_name"], "John Smith GB");
    assert_eq!(shown.json()["data"]["identifiers"]["currency_code"], "GBP");
    for missing in ["811", "901", "0", "abc"] {
        assert_eq!(
            show(missing).await.row(),
            json!([404, "TrustedBeneficiaryNotFound"]),
            "{missing}"
        );
    }
    assert_eq!(
        env.send(Call::get("/trusted_beneficiaries/719"))
            .await
            .row(),
        json!([400, "TokenMissing"])
    );
}

#[tokio::test]
async fn the_client_request_id_is_returned_within_meta_on_success_and_error() {
    let env = Env::healthy();
    let ok = env
        .send(
            Call::get("/providers")
                .auth(Auth::None)
                .header("Client-Request-Id", "54"),
        )
        .await;
    assert_eq!(ok.json()["meta"]["client_request_id"], "54");
    let error = env
        .send(Call::get("/sessions/nope").header("Client-Request-Id", "17"))
        .await;
    assert_eq!(error.json()["meta"]["client_request_id"], "17");
    let without = env.send(Call::get("/providers").auth(Auth::None)).await;
    assert!(without.json()["meta"].get("client_request_id").is_none());
    assert_eq!(
        ok.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json; charset=utf-8")
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_are_answered_with_an_error_class() {
    let env = Env::healthy();
    assert_eq!(
        env.send(Call::get("/accounts")).await.row(),
        json!([404, "RouteNotFound"])
    );
    assert_eq!(
        env.send(Call::new(Method::PATCH, "/tokens")).await.row(),
        json!([404, "RouteNotFound"])
    );
    assert_eq!(
        env.send(Call::new(Method::POST, "/providers")).await.row(),
        json!([404, "RouteNotFound"])
    );
}

#[tokio::test]
async fn a_method_an_endpoint_does_not_serve_carries_no_allow_header() {
    let env = Env::healthy();
    for method in [Method::HEAD, Method::DELETE] {
        let reply = env.send(Call::new(method.clone(), "/providers")).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method}");
        assert_eq!(reply.headers.get("allow"), None, "{method}");
    }
}
