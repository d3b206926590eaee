//! Builders take what a caller has (issue 12, item 5 and 6): plain integers for integer enums,
//! text for UUIDs, nothing for fields with one allowed value; and a wrong value fails at
//! `send()` naming what would do. Each request goes to a loopback server that checks the body
//! the client actually sent.

use client_tests::{akool, argil};
use openapi_sdk_runtime::Error;
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AVATAR: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

fn akool_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"code": 1000, "msg": "ok", "data": {}}))
}

/// `.type_(1)` (required) and `.url_from(2)` (optional) are plain integers; the body carries
/// them as the integers the spec declares.
#[tokio::test]
async fn integer_enums_take_plain_integers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/open/v3/avatar/create"))
        .and(body_partial_json(json!({"type": 2, "url_from": 2})))
        .respond_with(akool_ok())
        .expect(1)
        .mount(&server)
        .await;
    let body = akool_client::types::CreateAvatarRequest::builder()
        .url("https://www.youtube.com/watch?v=x")
        .avatar_id("presenter01")
        .name("Presenter")
        .type_(2)
        .url_from(2);
    akool(&server)
        .create_avatar()
        .body(body)
        .send()
        .await
        .unwrap();
}

/// A value outside the enum is not sent; the error names the field, the value and the allowed
/// ones.
#[tokio::test]
async fn a_wrong_enum_value_names_the_allowed_ones() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(akool_ok())
        .expect(0)
        .mount(&server)
        .await;
    let body = akool_client::types::CreateAvatarRequest::builder()
        .url("https://example.com/a.mp4")
        .avatar_id("presenter01")
        .name("Presenter")
        .type_(1)
        .url_from(3);
    let err = akool(&server)
        .create_avatar()
        .body(body)
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("url_from"), "{message}");
    assert!(
        message.contains("invalid value 3, expected one of: 1, 2"),
        "{message}"
    );
}

/// Akool's talking-avatar `height` allows only 2160: the builder starts with it, and the body
/// sends it without the caller naming it.
#[tokio::test]
async fn a_field_with_one_allowed_value_is_filled_in() {
    let body: akool_client::types::CreateTalkingAvatarRequest =
        akool_client::types::CreateTalkingAvatarRequest::builder()
            .avatar_from(2)
            .elements(vec![])
            .width(3840)
            .try_into()
            .unwrap();
    assert_eq!(*body.height, 2160);
    assert_eq!(serde_json::to_value(&body).unwrap()["height"], 2160);
}

/// Argil's optional `voiceId` is a UUID: text is parsed, bad text fails at `send()` saying why;
/// the image body's `type` (one allowed value, IMAGE) is filled in.
#[tokio::test]
async fn uuid_fields_take_text_and_say_when_it_is_not_one() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/avatars"))
        .and(body_partial_json(
            json!({"type": "IMAGE", "voiceId": AVATAR}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": AVATAR})))
        .expect(1)
        .mount(&server)
        .await;
    let image = || {
        argil_client::types::AvatarCreateArgsImage::builder()
            .name("Me")
            .dataset_image(argil_client::types::AvatarCreateArgsImageDatasetImage::Url(
                "https://example.com/face.jpg".parse().unwrap(),
            ))
    };
    let client = argil(&server);
    client
        .create_avatar()
        .body(image().voice_id(AVATAR))
        .send()
        .await
        .unwrap();
    let err = client
        .create_avatar()
        .body(image().voice_id("voice-1"))
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("voice_id"), "{message}");
    assert!(message.contains("\"voice-1\" is not a UUID"), "{message}");
}

/// A setter's conversion error names the parameter and the type as a user knows it ("UUID",
/// "integer"), not as Rust spells it (`::uuid::Uuid`), and nothing is sent.
#[tokio::test]
async fn conversion_errors_name_types_as_users_know_them() {
    let server = MockServer::start().await;
    let err = argil(&server)
        .get_avatar()
        .id("nope")
        .send()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("id is not a valid UUID: "), "{text}");
    assert!(!text.contains("::"), "{text}");
    let err = akool(&server)
        .list_avatars()
        .page(u64::MAX)
        .send()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("page is not a valid integer: "), "{text}");
    let err = akool(&server)
        .list_avatars()
        .type_(7)
        .send()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("type is not a valid ListAvatarsType: "),
        "{text}"
    );
    assert!(!text.contains("types::"), "{text}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// The waiter takes the id the operation takes (a UUID: what creation returned, or its text);
/// text that is no UUID is refused before any request.
#[tokio::test]
async fn waiters_take_the_operations_id_type() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/avatars/{AVATAR}")))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": AVATAR, "status": "IDLE"})),
        )
        .mount(&server)
        .await;
    let client = argil(&server);
    let wait = || argil_client::Wait::up_to(std::time::Duration::from_secs(5));
    let id: argil_client::uuid::Uuid = AVATAR.parse().unwrap();
    let trained = client.wait_for_training(id, wait()).await.unwrap();
    assert_eq!(trained.id, Some(id));
    client.wait_for_training(AVATAR, wait()).await.unwrap();
    let err = client
        .wait_for_training("avatar-1", wait())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("id is not a valid UUID"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

/// A `oneOf` body is built in place, like `body_map` for a struct body: `.body_image(|b| ..)`
/// sends the image variant; a variant missing a required field fails at `send()` naming it.
#[tokio::test]
async fn a_one_of_body_is_built_in_place() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/avatars"))
        .and(body_partial_json(json!({"type": "IMAGE", "name": "Me"})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": AVATAR})))
        .expect(1)
        .mount(&server)
        .await;
    let client = argil(&server);
    let url = || {
        argil_client::types::AvatarCreateArgsImageDatasetImage::Url(
            "https://example.com/face.jpg".parse().unwrap(),
        )
    };
    client
        .create_avatar()
        .body_image(|b| b.name("Me").dataset_image(url()))
        .send()
        .await
        .unwrap();
    let err = client
        .create_avatar()
        .body_image(|b| b.dataset_image(url()))
        .send()
        .await
        .unwrap_err();
    let Error::InvalidRequest(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("no value supplied for name"), "{message}");
}
