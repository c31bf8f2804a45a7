//! The healthy Finqware bank: sessions, the nonce chain, expiry on the bank's clock, uploads, and
//! every malformed request answered with a 4xx.

use chrono::Duration;

use super::*;

#[tokio::test]
async fn a_session_is_created_with_its_id_a_nonce_and_status() {
    let env = Env::healthy();
    let reply = env.create(SINGLE).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.text("status").as_deref(), Some("SESSION_CREATED"));
    assert!(reply.text("session_id").is_some_and(|s| !s.is_empty()));
    assert!(reply.text("nonce").is_some_and(|n| n.len() >= 32));
}

#[tokio::test]
async fn wrong_credentials_unknown_and_unregistered_skills_are_refused_without_a_session() {
    let env = Env::healthy();
    let wrong_key =
        json!({ "client_id": env.client_id(), "client_app_key": "nope-nope", "skill": SINGLE });
    let unknown_client =
        json!({ "client_id": "nobody", "client_app_key": env.app_key(), "skill": SINGLE });
    let refusals = [
        (env.post_json("/sessions", &wrong_key).await, 401),
        (env.post_json("/sessions", &unknown_client).await, 401),
        (env.create("no_such_skill_#9").await, 400),
        (env.create("xyz_pisp_sbx_#1.0").await, 403),
        // The production flavour is not registered for a test & dev tenant.
        (env.create("xyz_aisp_#1.0").await, 403),
    ];
    for (reply, code) in refusals {
        assert_eq!(reply.code(), code, "{:?}", reply.json());
        assert_eq!(reply.text("session_id"), None);
        assert_eq!(reply.text("nonce"), None);
    }
    assert!(env.bank.store().sessions.is_empty());
}

#[tokio::test]
async fn malformed_bodies_and_other_methods_are_client_errors() {
    let env = Env::healthy();
    let raw = Request::builder()
        .method(Method::POST)
        .uri(format!("{API_PREFIX}/sessions"))
        .body(Body::from("{not json"))
        .expect("a valid request");
    assert_eq!(env.send(raw).await.code(), 400);
    let missing = env
        .post_json("/sessions", &json!({ "client_id": env.client_id() }))
        .await;
    assert_eq!(missing.code(), 400);
    let get = Request::builder()
        .uri(format!("{API_PREFIX}/sessions"))
        .body(Body::empty())
        .expect("a valid request");
    assert_eq!(env.send(get).await.code(), 405);
    let nowhere = Request::builder()
        .uri(format!("{API_PREFIX}/sessions/abc"))
        .body(Body::empty())
        .expect("a valid request");
    let reply = env.send(nowhere).await;
    assert_eq!(reply.code(), 404);
    assert_eq!(reply.text("error").as_deref(), Some("not_found"));
}

#[tokio::test]
async fn a_one_step_session_completes_and_takes_no_further_step() {
    let env = Env::healthy();
    let mut walk = env.start(SINGLE).await;
    let first_nonce = walk.nonce.clone();
    let reply = env.step(&mut walk, SINGLE, "sca").await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert!(reply.text("step_id").is_some());
    assert_eq!(reply.text("nonce"), None, "no next step, no nonce");
    assert_eq!(reply.text("status").as_deref(), Some("SESSION_COMPLETED"));
    let again = env.submit(&walk.id, SINGLE, "sca", &first_nonce).await;
    assert_eq!(again.code(), 409);
}

#[tokio::test]
async fn a_multi_step_session_walks_to_its_end_with_a_new_nonce_at_each_step() {
    let env = Env::healthy();
    let (mut walk, kyc) = env.at_kyc().await;
    let before_upload = env
        .submit(&walk.id, MULTI, "confirmation", &walk.nonce)
        .await;
    assert_eq!(
        before_upload.code(),
        409,
        "the KYC step waits for its upload"
    );
    assert_eq!(
        before_upload.text("error").as_deref(),
        Some("upload_required")
    );
    let upload = env.upload(&kyc).await;
    assert_eq!(upload.code(), 201, "{:?}", upload.json());
    assert_eq!(upload.json()["files"][0]["filename"], "id-card.png");
    let last = env.step(&mut walk, MULTI, "confirmation").await;
    assert_eq!(last.code(), 201, "{:?}", last.json());
    assert_eq!(last.text("status").as_deref(), Some("SESSION_COMPLETED"));
    let store = env.bank.store();
    let session = store.sessions.get(&walk.id).expect("the session");
    let names: Vec<&str> = session.done.iter().map(|s| s.def.name).collect();
    assert_eq!(names, ["product_form", "kyc", "confirmation"]);
    let kept = &session.done[1].uploads;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].bytes, b"\x89PNG\r\n--not-a-boundary\r\n");
    assert_eq!(kept[0].content_type, "image/png");
}

#[tokio::test]
async fn a_used_nonce_is_refused_and_the_session_does_not_move() {
    let env = Env::healthy();
    let mut walk = env.start(MULTI).await;
    let used = walk.nonce.clone();
    env.step(&mut walk, MULTI, "product_form").await;
    let replay = env.submit(&walk.id, MULTI, "kyc", &used).await;
    assert_eq!(replay.code(), 409);
    assert_eq!(replay.text("error").as_deref(), Some("nonce_used"));
    assert_eq!(env.step(&mut walk, MULTI, "kyc").await.code(), 201);
}

#[tokio::test]
async fn another_sessions_nonce_is_refused_and_stays_good_for_its_own_session() {
    let env = Env::healthy();
    let mut mine = env.start(MULTI).await;
    let mut other = env.start(MULTI).await;
    let foreign = env
        .submit(&mine.id, MULTI, "product_form", &other.nonce)
        .await;
    assert_eq!(foreign.code(), 401);
    assert_eq!(foreign.text("error").as_deref(), Some("invalid_nonce"));
    assert_eq!(
        env.step(&mut other, MULTI, "product_form").await.code(),
        201
    );
    assert_eq!(env.step(&mut mine, MULTI, "product_form").await.code(), 201);
}

#[tokio::test]
async fn a_nonce_lives_30_minutes_on_the_banks_clock() {
    let env = Env::healthy();
    let mut young = env.start(MULTI).await;
    let old = env.start(MULTI).await;
    env.clock.advance(Duration::minutes(29));
    assert_eq!(
        env.step(&mut young, MULTI, "product_form").await.code(),
        201
    );
    env.clock.advance(Duration::minutes(1));
    let expired = env.submit(&old.id, MULTI, "product_form", &old.nonce).await;
    assert_eq!(expired.code(), 401);
    assert_eq!(expired.text("error").as_deref(), Some("nonce_expired"));
    // The nonce issued at minute 29 is still young.
    assert_eq!(env.step(&mut young, MULTI, "kyc").await.code(), 201);
}

#[tokio::test]
async fn steps_out_of_order_unknown_or_incomplete_are_refused_and_change_nothing() {
    let env = Env::healthy();
    let mut walk = env.start(MULTI).await;
    let cases = [
        (env.submit(&walk.id, MULTI, "kyc", &walk.nonce).await, 409),
        (
            env.submit(&walk.id, MULTI, "selfie", &walk.nonce).await,
            400,
        ),
        (env.submit(&walk.id, SINGLE, "sca", &walk.nonce).await, 400),
        (
            env.submit("no-such-session", MULTI, "product_form", &walk.nonce)
                .await,
            404,
        ),
        (
            env.submit(&walk.id, MULTI, "product_form", "forged-nonce")
                .await,
            401,
        ),
    ];
    for (reply, code) in cases {
        assert_eq!(reply.code(), code, "{:?}", reply.json());
    }
    let no_data = json!({
        "client_id": env.client_id(), "nonce": walk.nonce, "skill": MULTI, "step": "product_form",
        "data": { "value": "100000", "currency": " " },
    });
    let incomplete = env
        .post_json(&format!("/sessions/{}/steps", walk.id), &no_data)
        .await;
    assert_eq!(incomplete.code(), 400);
    assert!(
        incomplete
            .text("message")
            .is_some_and(|m| m.contains("data.currency"))
    );
    let stranger = json!({
        "client_id": "nobody", "nonce": walk.nonce, "skill": MULTI, "step": "product_form", "data": {},
    });
    let reply = env
        .post_json(&format!("/sessions/{}/steps", walk.id), &stranger)
        .await;
    assert_eq!(reply.code(), 401);
    assert_eq!(env.step(&mut walk, MULTI, "product_form").await.code(), 201);
}

#[tokio::test]
async fn uploads_need_a_known_step_that_asks_for_one_the_tenants_client_id_and_a_file() {
    let env = Env::healthy();
    let (_, kyc) = env.at_kyc().await;
    assert_eq!(env.upload("no-such-step").await.code(), 404);
    let not_multipart = env
        .upload_raw(&kyc, "application/json", b"{}".to_vec())
        .await;
    assert_eq!(not_multipart.code(), 415);
    let file = ("file", Some("id.png"), b"png".as_slice());
    let no_client = multipart(&[file]);
    assert_eq!(
        env.upload_raw(&kyc, &multipart_type(), no_client)
            .await
            .code(),
        400
    );
    let stranger = multipart(&[("client_id", None, b"nobody"), file]);
    assert_eq!(
        env.upload_raw(&kyc, &multipart_type(), stranger)
            .await
            .code(),
        403
    );
    let id = env.client_id();
    let no_file = multipart(&[("client_id", None, id.as_bytes())]);
    assert_eq!(
        env.upload_raw(&kyc, &multipart_type(), no_file)
            .await
            .code(),
        400
    );
    let mut walk = env.start(MULTI).await;
    let form = env.step(&mut walk, MULTI, "product_form").await;
    let form_id = form.text("step_id").expect("a step_id");
    let to_form = env.upload(&form_id).await;
    assert_eq!(to_form.code(), 409);
    assert_eq!(to_form.text("error").as_deref(), Some("no_upload_expected"));
}
