//! Insta snapshots of the Finqware bank's answers: a created session, an accepted step, a received
//! upload and a refusal. Session ids, step ids, nonces and timestamps are redacted: they are random
//! or dated, and a snapshot must never hold one.

use super::*;

#[tokio::test]
async fn session_created() {
    let env = Env::healthy();
    let body = env.create(MULTI).await.json();
    insta::assert_yaml_snapshot!("session_created", body, {
        ".session_id" => "[session_id]",
        ".nonce" => "[nonce]",
    });
}

#[tokio::test]
async fn kyc_step_accepted_and_its_upload_received() {
    let env = Env::healthy();
    let mut walk = env.start(MULTI).await;
    env.step(&mut walk, MULTI, "product_form").await;
    let kyc = env.step(&mut walk, MULTI, "kyc").await;
    let step_id = kyc.text("step_id").expect("a step_id");
    insta::assert_yaml_snapshot!("kyc_step_accepted", kyc.json(), {
        ".session_id" => "[session_id]",
        ".step_id" => "[step_id]",
        ".nonce" => "[nonce]",
    });
    let upload = env.upload(&step_id).await.json();
    insta::assert_yaml_snapshot!("upload_received", upload, {
        ".upload_id" => "[upload_id]",
        ".step_id" => "[step_id]",
        ".files[].received_at" => "[time]",
    });
}

#[tokio::test]
async fn nonce_used_refusal() {
    let env = Env::healthy();
    let mut walk = env.start(MULTI).await;
    let used = walk.nonce.clone();
    env.step(&mut walk, MULTI, "product_form").await;
    let body = env.submit(&walk.id, MULTI, "kyc", &used).await.json();
    insta::assert_yaml_snapshot!("nonce_used_refusal", body);
}
