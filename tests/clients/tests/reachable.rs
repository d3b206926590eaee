//! What a caller reaches from a generated crate alone: the crate and its `types` glob-imported
//! together name every type once (issue 12, item 11), and the crates whose signatures hold
//! `uuid` or `chrono` types re-export those crates (item 5), so calling an operation needs no
//! dependency of the caller's own. This file names `uuid` and `chrono` only through the crates.

use client_tests::{anam, argil};
use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `Error` is the crate's error and Argil's documented error body is `ErrorBody`: with both
/// globs imported, each name resolves (an ambiguous `Error` would not compile).
mod argil_globs {
    use super::*;
    use argil_client::types::*;
    use argil_client::*;

    #[tokio::test]
    async fn the_error_and_the_error_body_keep_apart() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-6d697373696e"))
            .respond_with(
                ResponseTemplate::new(404)
                    .set_body_json(json!({"code": 404, "message": "no such avatar"})),
            )
            .mount(&server)
            .await;
        let error: Error<ErrorBody> = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-6d697373696e")
            .send()
            .await
            .unwrap_err();
        let body: &ErrorBody = error.api_error().expect("the documented body");
        assert_eq!(body.message.as_deref(), Some("no such avatar"));
        // The waiter's status and error types are reachable by the same globs.
        let _: Option<WaitError<ErrorBody, Avatar, TrainingStatus>> = None;
        let _: Option<AvatarStatus> = None;
    }

    /// `created_at` is a `chrono` timestamp, named through `argil_client::chrono`.
    #[tokio::test]
    async fn timestamps_are_named_through_the_crate() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-613100000000"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"id": "0b8f3bde-8e2f-4a4b-9d3e-6f7a1c2d3e4f", "createdAt": "2024-05-01T10:00:00Z"}),
            ))
            .mount(&server)
            .await;
        let avatar = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-613100000000")
            .send()
            .await
            .unwrap()
            .into_inner();
        let expected: argil_client::chrono::DateTime<argil_client::chrono::Utc> =
            "2024-05-01T10:00:00Z".parse().unwrap();
        assert_eq!(avatar.created_at, Some(expected));
        let id: Option<argil_client::uuid::Uuid> = avatar.id;
        assert_eq!(
            id.map(|i| i.to_string()).as_deref(),
            Some("0b8f3bde-8e2f-4a4b-9d3e-6f7a1c2d3e4f")
        );
    }
}

/// Anam's get-avatar takes a `Uuid`: the caller builds it with `anam_client::uuid`.
mod anam_globs {
    use super::*;
    #[allow(unused_imports)]
    use anam_client::types::*;
    use anam_client::*;

    #[tokio::test]
    async fn a_uuid_id_is_built_through_the_crate() {
        let server = MockServer::start().await;
        let id = anam_client::uuid::Uuid::from_u128(7);
        Mock::given(path(format!("/v1/avatars/{id}")))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"id": id, "videoUrl": "https://e.com/p.mp4"})),
            )
            .mount(&server)
            .await;
        let avatar = anam(&server)
            .get_avatar()
            .id(id)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(avatar.id, Some(id));
        // Naming the types through the crate is the test: it compiles or it does not.
        let _: Option<PreviewStatus> = None;
        let _: Option<Error<()>> = None;
    }
}

/// Akool names no uuid or chrono type; its globs resolve too.
mod akool_globs {
    #[allow(unused_imports)]
    use akool_client::types::*;
    use akool_client::*;

    #[test]
    fn the_waiter_statuses_resolve() {
        assert_eq!(VideoStatus::Completed.to_string(), "completed");
        assert_eq!(AvatarStatus::Queueing.to_string(), "queueing");
        let _: Option<Error<()>> = None;
    }
}

/// Optional string fields take what a caller has: `&str`, `String`, `Some(..)`, or `None`
/// (typify's setters took only `Option<String>` before; `.name("x")` did not compile).
#[test]
fn optional_string_fields_take_str_string_and_options() {
    use akool_client::types::{AvatarListItem, builder};
    let item: AvatarListItem = builder::AvatarListItem::default()
        .name("Presenter")
        .avatar_id(String::from("presenter01"))
        .url(Some("https://example.com/a.png"))
        .gender(None::<&str>)
        .try_into()
        .unwrap();
    assert_eq!(item.name.as_deref(), Some("Presenter"));
    assert_eq!(item.avatar_id.as_deref(), Some("presenter01"));
    assert_eq!(item.url.as_deref(), Some("https://example.com/a.png"));
    assert_eq!(item.gender, None);
}

/// What the setters' bounds and the mocks' signatures name is reachable through each crate, so
/// a caller writing a helper generic over them adds no dependency.
#[test]
fn setter_bounds_and_mock_types_are_named_through_the_crate() {
    fn voice<T: argil_client::IntoOptional<argil_client::uuid::Uuid>>(
        value: T,
    ) -> Option<argil_client::uuid::Uuid> {
        value.into_optional().unwrap()
    }
    assert!(voice("3c90c3cc-0d44-4b50-8888-8dd25736052a").is_some());
    fn text<T: akool_client::IntoOptionalString>(value: T) -> Option<String> {
        value.into_optional_string()
    }
    assert_eq!(text("a").as_deref(), Some("a"));
    // Named through the crates (compiling is the check).
    let _: Option<argil_client::BoundedMap<String, 0, 10>> = None;
    let _: argil_client::mock::Times = 1.into();
    let _: Option<anam_client::mock::Mounted> = None;
}
