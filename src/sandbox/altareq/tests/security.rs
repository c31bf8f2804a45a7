//! PAR's refusals with their documented codes: client assertions (ALT-SEC-01), request objects
//! (ALT-SEC-02), parameters and the rich authorization request. The token endpoint and the
//! resource server's checks are in `binding.rs`.

use serde_json::{Value, json};

use super::tpp::{Env, Signer, now, pkce, sign};
use super::*;
use crate::sandbox::altareq::assertion::ASSERTION_TYPE;

/// A valid request object of client 1 for a data-sharing consent.
fn valid_request(env: &Env) -> Value {
    let (_, challenge) = pkce();
    env.request_claims(
        env.c1(),
        "accounts openid",
        data_sharing_details(),
        &challenge,
    )
}

async fn par_with_assertion(env: &Env, assertion: Option<&str>) -> (u16, Value) {
    let request = sign(&valid_request(env), Signer::Client(env.c1()));
    let mut form = vec![
        ("client_assertion_type", ASSERTION_TYPE),
        ("request", request.as_str()),
    ];
    if let Some(a) = assertion {
        form.push(("client_assertion", a));
    }
    let answer = env.par_form(&env.hub1, &form).await;
    (
        answer.status().as_u16(),
        answer.json().await.unwrap_or_default(),
    )
}

#[tokio::test]
async fn par_refuses_every_bad_client_assertion_with_invalid_client() {
    let env = Env::healthy().await;
    let c1 = env.c1();
    let with = |change: &dyn Fn(&mut Value)| {
        let mut claims = env.assertion_claims(c1);
        change(&mut claims);
        claims
    };
    let rs = env.rs("/par");
    let cases: Vec<(&str, Option<String>)> = vec![
        ("missing", None),
        (
            "foreign key under the client's kid",
            Some(sign(
                &env.assertion_claims(c1),
                Signer::Foreign(&c1.signing_kid),
            )),
        ),
        (
            "unknown kid",
            Some(sign(
                &env.assertion_claims(c1),
                Signer::Foreign("no-such-kid"),
            )),
        ),
        (
            "the other client's key",
            Some(sign(&env.assertion_claims(c1), Signer::Client(env.c2()))),
        ),
        (
            "RS256",
            Some(sign(&env.assertion_claims(c1), Signer::Rs256(c1))),
        ),
        (
            "alg none",
            Some(sign(&env.assertion_claims(c1), Signer::None)),
        ),
        (
            "array aud",
            Some(sign(
                &with(&|c| c["aud"] = json!([env.issuer()])),
                Signer::Client(c1),
            )),
        ),
        (
            "PAR URL aud",
            Some(sign(&with(&|c| c["aud"] = json!(rs)), Signer::Client(c1))),
        ),
        (
            "expired",
            Some(sign(
                &with(&|c| {
                    c["iat"] = json!(now() - 400);
                    c["exp"] = json!(now() - 300);
                }),
                Signer::Client(c1),
            )),
        ),
        (
            "iat in the future",
            Some(sign(
                &with(&|c| {
                    c["iat"] = json!(now() + 70);
                    c["exp"] = json!(now() + 130);
                }),
                Signer::Client(c1),
            )),
        ),
        (
            "no sub",
            Some(sign(
                &with(&|c| {
                    c.as_object_mut().unwrap().remove("sub");
                }),
                Signer::Client(c1),
            )),
        ),
        (
            "lives 10 minutes",
            Some(sign(
                &with(&|c| c["exp"] = json!(now() + 600)),
                Signer::Client(c1),
            )),
        ),
    ];
    for (case, assertion) in cases {
        let (status, body) = par_with_assertion(&env, assertion.as_deref()).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client")),
            "{case}: {body}"
        );
    }
    let once = env.assertion(c1);
    assert_eq!(par_with_assertion(&env, Some(&once)).await.0, 201);
    let (status, body) = par_with_assertion(&env, Some(&once)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "a reused jti"
    );
}

#[tokio::test]
async fn par_refuses_every_bad_request_object_with_invalid_request_object() {
    let env = Env::healthy().await;
    let c1 = env.c1();
    let with = |change: &dyn Fn(&mut Value)| {
        let mut claims = valid_request(&env);
        change(&mut claims);
        claims
    };
    let good = sign(&valid_request(&env), Signer::Client(c1));
    let at = good.len() - 20;
    let swapped = if &good[at..at + 1] == "A" { "B" } else { "A" };
    let flipped = format!("{}{swapped}{}", &good[..at], &good[at + 1..]);
    let cases: Vec<(&str, String)> = vec![
        ("alg none", sign(&valid_request(&env), Signer::None)),
        ("a flipped signature", flipped),
        (
            "signed by a key nobody registered",
            sign(&valid_request(&env), Signer::Foreign(&c1.signing_kid)),
        ),
        (
            "signed by the other client",
            sign(&valid_request(&env), Signer::Client(env.c2())),
        ),
        ("RS256", sign(&valid_request(&env), Signer::Rs256(c1))),
        (
            "expired",
            sign(
                &with(&|c| {
                    c["exp"] = json!(now() - 60);
                    c["nbf"] = json!(now() - 120);
                }),
                Signer::Client(c1),
            ),
        ),
        (
            "no exp",
            sign(
                &with(&|c| {
                    c.as_object_mut().unwrap().remove("exp");
                }),
                Signer::Client(c1),
            ),
        ),
        (
            "no nbf",
            sign(
                &with(&|c| {
                    c.as_object_mut().unwrap().remove("nbf");
                }),
                Signer::Client(c1),
            ),
        ),
        (
            "nbf 70 minutes old",
            sign(
                &with(&|c| {
                    c["nbf"] = json!(now() - 4200);
                    c["exp"] = json!(now() + 60);
                }),
                Signer::Client(c1),
            ),
        ),
        (
            "lives 20 minutes",
            sign(
                &with(&|c| c["exp"] = json!(now() + 1190)),
                Signer::Client(c1),
            ),
        ),
        (
            "PAR URL aud",
            sign(
                &with(&|c| c["aud"] = json!(env.rs("/par"))),
                Signer::Client(c1),
            ),
        ),
        ("unsigned JSON", valid_request(&env).to_string()),
    ];
    for (case, request) in cases {
        let assertion = env.assertion(c1);
        let answer = env
            .par_form(
                &env.hub1,
                &[
                    ("client_assertion_type", ASSERTION_TYPE),
                    ("client_assertion", &assertion),
                    ("request", &request),
                ],
            )
            .await;
        let status = answer.status().as_u16();
        let body: Value = answer.json().await.unwrap_or_default();
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("invalid_request_object")),
            "{case}: {body}"
        );
        assert!(body.get("request_uri").is_none());
    }
}

#[tokio::test]
async fn par_checks_its_parameters_and_the_rich_authorization_request() {
    let env = Env::healthy().await;
    let c1 = env.c1();
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "plain PKCE",
            {
                let mut c = valid_request(&env);
                c["code_challenge_method"] = json!("plain");
                c
            },
            "invalid_request",
        ),
        (
            "unregistered redirect",
            {
                let mut c = valid_request(&env);
                c["redirect_uri"] = json!("https://evil.test/cb");
                c
            },
            "invalid_request",
        ),
        (
            "code id_token",
            {
                let mut c = valid_request(&env);
                c["response_type"] = json!("code id_token");
                c
            },
            "invalid_request",
        ),
        (
            "two RAR entries",
            {
                let mut c = valid_request(&env);
                c["authorization_details"] =
                    json!([data_sharing_details(), data_sharing_details()]);
                c
            },
            "invalid_request",
        ),
        (
            "an undocumented member",
            {
                let mut c = valid_request(&env);
                c["authorization_details"][0]["consent"]["Extra"] = json!(1);
                c
            },
            "invalid_request",
        ),
        (
            "balances without accounts",
            {
                let mut c = valid_request(&env);
                c["authorization_details"][0]["consent"]["Permissions"] = json!(["ReadBalances"]);
                c
            },
            "invalid_request",
        ),
        (
            "payments scope on account access",
            {
                let mut c = valid_request(&env);
                c["scope"] = json!("payments openid");
                c
            },
            "invalid_scope",
        ),
    ];
    for (case, claims, error) in cases {
        let answer = env.par(c1, &sign(&claims, Signer::Client(c1))).await;
        let status = answer.status().as_u16();
        let body: Value = answer.json().await.unwrap_or_default();
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some(error)),
            "{case}: {body}"
        );
    }
    let assertion = env.assertion(c1);
    let with_uri = env
        .par_form(
            &env.hub1,
            &[
                ("client_assertion_type", ASSERTION_TYPE),
                ("client_assertion", &assertion),
                ("request_uri", "urn:x"),
            ],
        )
        .await;
    assert_eq!(with_uri.status(), 400);
}
