//! What a call hands back besides the typed value, against loopback servers (wiremock): the
//! request id, `Retry-After` and rate limits of a success, and `send_raw()`'s response with its
//! body bytes, for a success as for an error.

use client_tests::{anam, argil};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

// The client re-exports the trait that reads them.
use anam_client::ResponseExt;

const AVATAR_ID: &str = "071b0286-4cce-4808-bee2-e642f1062de3";

#[tokio::test]
async fn a_success_carries_its_request_id_wait_and_rate_limit() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/v1/avatars/{AVATAR_ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": AVATAR_ID}))
                .insert_header("x-request-id", "req-41")
                .insert_header("retry-after", "3")
                .insert_header("x-ratelimit-limit", "60")
                .insert_header("x-ratelimit-remaining", "59")
                .insert_header("x-ratelimit-reset", "12"),
        )
        .mount(&server)
        .await;
    let response = anam(&server)
        .get_avatar()
        .id(AVATAR_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(response.request_id(), Some("req-41"));
    assert_eq!(
        response.retry_after(),
        Some(std::time::Duration::from_secs(3))
    );
    let limit = response.rate_limit();
    assert_eq!(
        (limit.limit, limit.remaining, limit.reset),
        (Some(60), Some(59), Some(12))
    );
}

#[tokio::test]
async fn send_raw_hands_back_the_body_bytes_beside_the_value() {
    let server = MockServer::start().await;
    let body = r#"{"id":"071b0286-4cce-4808-bee2-e642f1062de3","name":"Ann","future":1}"#;
    Mock::given(path(format!("/avatars/{AVATAR_ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(body, "application/json")
                .insert_header("x-request-id", "req-7"),
        )
        .mount(&server)
        .await;
    let raw = argil(&server)
        .get_avatar()
        .id(AVATAR_ID)
        .send_raw()
        .await
        .unwrap();
    assert_eq!(raw.value.name.as_deref(), Some("Ann"));
    assert_eq!(raw.response.status, 200);
    assert_eq!(&raw.response.body[..], body.as_bytes());
    assert_eq!(raw.request_id(), Some("req-7"));
}

#[tokio::test]
async fn an_error_keeps_its_raw_response_and_wait() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/avatars/{AVATAR_ID}")))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_raw(
                    r#"{"code":"NOT_FOUND","message":"no such avatar"}"#,
                    "application/json",
                )
                .insert_header("retry-after", "1"),
        )
        .mount(&server)
        .await;
    let error = argil(&server)
        .get_avatar()
        .id(AVATAR_ID)
        .send_raw()
        .await
        .unwrap_err();
    let response = error.response().expect("an API error keeps its response");
    assert_eq!(response.status, 404);
    assert_eq!(
        response.text(),
        r#"{"code":"NOT_FOUND","message":"no such avatar"}"#
    );
    assert_eq!(
        response.retry_after(),
        Some(std::time::Duration::from_secs(1))
    );
}
