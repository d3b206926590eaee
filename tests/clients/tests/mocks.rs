//! The crates' typed mocks (feature `mock`) as a user's tests use them: each vendor's
//! create-then-wait flow, written as application code taking a `Client`, run against the
//! crate's own `MockServer` with a queued -> processing -> completed sequence; typed request
//! matching, call counts, the envelope filled in, and clear failures for what does not match.

use std::time::{Duration, Instant};

use serde_json::json;

/// The wait application code asks for: minutes. The mock's client polls every few
/// milliseconds regardless, so these tests take milliseconds.
const PRODUCTION_WAIT: Duration = Duration::from_secs(600);

mod akool {
    use super::*;
    use akool_client::mock::MockServer;
    use akool_client::{Client, Error, Wait, WaitError, types};

    /// Application code: render a talking-avatar video and wait until it is done.
    async fn render(
        client: &Client,
        text: &str,
    ) -> Result<types::VideoInfo, Box<dyn std::error::Error>> {
        let body: types::CreateTalkingAvatarRequest = serde_json::from_value(json!({
            "width": 3840, "height": 2160, "avatar_from": 3, "webhookUrl": "https://example.com/hook",
            "elements": [
                {"type": "avatar", "url": "https://example.com/avatar.mp4", "scale_x": 1.0, "scale_y": 1.0,
                 "width": 1080, "height": 1080, "offset_x": 1920, "offset_y": 1080},
                {"type": "audio", "input_text": text, "voice_id": "voice-1"}
            ]
        }))?;
        let created = client
            .create_talking_avatar()
            .body(body)
            .send()
            .await?
            .into_inner();
        let id = created.id.ok_or("no _id")?;
        Ok(client
            .wait_for_video(id, Wait::up_to(PRODUCTION_WAIT))
            .await?)
    }

    fn info(status: i64, video: Option<&str>) -> types::VideoInfo {
        // Built with the type's builder: the types are #[non_exhaustive].
        types::VideoInfo::builder()
            .id("v1")
            .video_status(status)
            .video(video)
            .try_into()
            .unwrap()
    }

    /// Typed answers: `respond_data` wraps the data in `{code: 1000, msg, data}` for us.
    #[tokio::test]
    async fn create_then_wait_through_queued_processing_completed() {
        let server = MockServer::start().await;
        let create = server
            .create_talking_avatar()
            .when(|body| {
                body.elements
                    .iter()
                    .any(|e| e.input_text.as_deref() == Some("Hello"))
                    && body.webhook_url.as_deref() == Some("https://example.com/hook")
            })
            .respond_data(
                types::TalkingAvatarVideo::builder()
                    .id("v1")
                    .video_status(1)
                    .try_into()
                    .unwrap(),
            )
            .expect(1)
            .mount()
            .await;
        let polls = server
            .get_video_info()
            .video_model_id("v1")
            .respond_data(info(1, None))
            .respond_data(info(2, None))
            .respond_data(info(3, Some("https://example.com/out.mp4")))
            .expect(3)
            .mount()
            .await;
        let started = Instant::now();
        let video = render(&server.client(), "Hello").await.unwrap();
        let elapsed = started.elapsed();
        assert_eq!(video.video.as_deref(), Some("https://example.com/out.mp4"));
        assert_eq!(*video.video_status.unwrap(), 3);
        assert_eq!((create.calls(), polls.calls()), (1, 3));
        assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
        server.verify().await;
    }

    /// The waiter's typed statuses drive it too, and a failure status ends it as `Failed`.
    #[tokio::test]
    async fn waiter_statuses_and_a_failed_job() {
        use akool_client::VideoStatus;
        let server = MockServer::start().await;
        let polls = server
            .get_video_info()
            .video_model_id("v2")
            .respond_statuses([VideoStatus::Queueing, VideoStatus::Failed])
            .mount()
            .await;
        let client = server.client();
        let err = client
            .wait_for_video("v2", Wait::up_to(PRODUCTION_WAIT))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                WaitError::Failed {
                    status: VideoStatus::Failed,
                    ..
                }
            ),
            "{err}"
        );
        // The failure names Akool's own value next to the status's name.
        assert_eq!(
            err.to_string(),
            "the job failed with status failed (`4` in the API)"
        );
        assert_eq!(err.raw_status(), Some(serde_json::json!(4)));
        assert_eq!(polls.calls(), 2);
    }

    /// The whole typed response answers an envelope failure code: `send` reports it.
    #[tokio::test]
    async fn a_failure_code_is_an_envelope_error() {
        let server = MockServer::start().await;
        server
            .create_talking_avatar()
            .respond(
                types::TalkingAvatarCreateResponse::builder()
                    .code(1006)
                    .msg("quota")
                    .try_into()
                    .unwrap(),
            )
            .mount()
            .await;
        let err = render(&server.client(), "Hello").await.unwrap_err();
        let err = err
            .downcast_ref::<Error>()
            .expect("the create call's error");
        assert!(matches!(err, Error::Envelope { code: 1006, .. }), "{err}");
    }

    /// A request the typed predicate refuses is answered at once with the reason (no hang, no
    /// retry), and `unmatched` lists it.
    #[tokio::test]
    async fn a_request_that_does_not_match_fails_with_the_reason() {
        let server = MockServer::start().await;
        let create = server
            .create_talking_avatar()
            .when(|body| {
                body.elements
                    .iter()
                    .any(|e| e.input_text.as_deref() == Some("Hello"))
            })
            .respond_data(types::TalkingAvatarVideo::default())
            .mount()
            .await;
        let started = Instant::now();
        let err = tokio::time::timeout(Duration::from_secs(5), render(&server.client(), "Goodbye"))
            .await
            .expect("fails, not hangs")
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2));
        let text = err.to_string();
        assert!(text.contains("HTTP 404"), "{text}");
        assert!(
            text.contains("create_talking_avatar: `when` #1 returned false for the body"),
            "{text}"
        );
        assert_eq!(create.calls(), 0);
        let unmatched = server.unmatched();
        assert_eq!(unmatched.len(), 1, "{unmatched:?}");
        assert!(unmatched[0].contains("POST /api/open/v3/talkingavatar/create"));
    }

    /// An `expect(n)` that is not met fails the test.
    #[tokio::test]
    #[should_panic(expected = "Verifications failed")]
    async fn an_unmet_count_fails_verify() {
        let server = MockServer::start().await;
        server
            .get_video_info()
            .respond_data(info(3, None))
            .expect(2)
            .mount()
            .await;
        server
            .client()
            .get_video_info()
            .video_model_id("v1")
            .send()
            .await
            .unwrap();
        server.verify().await;
    }

    /// A body that does not decode as the operation's request type is named in the answer.
    #[tokio::test]
    async fn a_body_that_does_not_decode_is_named() {
        let server = MockServer::start().await;
        server
            .create_talking_avatar()
            .when(|_| true)
            .respond_status(200)
            .mount()
            .await;
        // Sent by hand: not what the typed client would send.
        let http = akool_client::http_client_builder()
            .unwrap()
            .build()
            .unwrap();
        let response = http
            .post(format!("{}/api/open/v3/talkingavatar/create", server.uri()))
            .json(&json!({"width": "wide"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
        let text = response.text().await.unwrap();
        assert!(
            text.contains("the body does not decode as `types::CreateTalkingAvatarRequest`"),
            "{text}"
        );
    }
}

mod argil {
    use super::*;
    use argil_client::mock::MockServer;
    use argil_client::{Client, TrainingStatus, Wait, types};

    const AVATAR_ID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

    /// Application code: create an avatar from an image, wait for its training.
    async fn train(
        client: &Client,
        name: &str,
    ) -> Result<types::Avatar, Box<dyn std::error::Error>> {
        let image =
            types::AvatarCreateArgsImageDatasetImage::Url("https://example.com/face.jpg".parse()?);
        let body = types::AvatarCreateArgsImage::builder()
            .type_(types::AvatarCreateArgsImageType::Image)
            .name(name)
            .dataset_image(image);
        let avatar = client.create_avatar().body(body).send().await?.into_inner();
        let id = avatar.id.ok_or("no id")?;
        Ok(client
            .wait_for_training(id, Wait::up_to(PRODUCTION_WAIT))
            .await?)
    }

    #[tokio::test]
    async fn create_then_wait_through_not_trained_training_idle() {
        let id: uuid::Uuid = AVATAR_ID.parse().unwrap();
        let server = MockServer::start().await;
        let create = server
            .create_avatar()
            .when(|body| matches!(body, types::AvatarCreateRequest::Image(image) if image.name.as_str() == "My avatar"))
            .respond(
                types::Avatar::builder()
                    .id(id)
                    .status(types::AvatarStatus::NotTrained)
                    .try_into()
                    .unwrap(),
            )
            .expect(1)
            .mount()
            .await;
        let polls = server
            .get_avatar()
            .id(id)
            .respond_statuses([
                TrainingStatus::NotTrained,
                TrainingStatus::Training,
                TrainingStatus::Idle,
            ])
            .expect(3)
            .mount()
            .await;
        let avatar = train(&server.client(), "My avatar").await.unwrap();
        assert_eq!(avatar.status, Some(types::AvatarStatus::Idle));
        assert_eq!((create.calls(), polls.calls()), (1, 3));
        server.verify().await;
    }

    /// A status Argil does not document, one that looks like a number: the waiter keeps it as
    /// the string the API sent, and the error shows it as one.
    #[tokio::test]
    async fn an_unknown_string_status_stays_a_string() {
        let server = MockServer::start().await;
        server
            .get_avatar()
            .id(AVATAR_ID)
            .respond_statuses([TrainingStatus::Other("5".into())])
            .mount()
            .await;
        let err = server
            .client()
            .wait_for_training(
                AVATAR_ID,
                Wait::up_to(std::time::Duration::from_millis(300)),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, argil_client::WaitError::TimedOut { last_status: Some(TrainingStatus::Other(s)), .. } if s == "5"),
            "{err}"
        );
        assert_eq!(err.raw_status(), Some(serde_json::json!("5")));
    }

    /// A poll for another avatar than the one the typed path parameter names is not answered
    /// as if it were.
    #[tokio::test]
    async fn the_typed_path_parameter_must_match() {
        let server = MockServer::start().await;
        server
            .create_avatar()
            .respond(
                types::Avatar::builder()
                    .id(uuid::Uuid::from_u128(7))
                    .try_into()
                    .unwrap(),
            )
            .mount()
            .await;
        let polls = server
            .get_avatar()
            .id(AVATAR_ID)
            .respond_statuses([TrainingStatus::Idle])
            .mount()
            .await;
        let err = train(&server.client(), "My avatar")
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("get_avatar: the path does not fit /avatars/{id}"),
            "{err}"
        );
        assert_eq!(polls.calls(), 0);
    }
}

mod anam {
    use super::*;
    use anam_client::mock::MockServer;
    use anam_client::{Client, Wait, types};

    /// Application code: create an avatar from an image URL, wait for its preview video.
    async fn preview(
        client: &Client,
        image_url: &str,
    ) -> Result<String, Box<dyn std::error::Error>> {
        let avatar = client
            .create_avatar()
            .body_map(|b| b.display_name("Presenter").image_url(image_url))
            .send()
            .await?
            .into_inner();
        let id = avatar.id.ok_or("no id")?;
        let ready = client
            .wait_for_preview(id, Wait::up_to(PRODUCTION_WAIT))
            .await?;
        Ok(ready.video_url.ok_or("no video")?)
    }

    fn avatar(id: uuid::Uuid, video_url: Option<&str>) -> types::Avatar {
        types::Avatar::builder()
            .id(id)
            .video_url(video_url)
            .try_into()
            .unwrap()
    }

    #[tokio::test]
    async fn create_then_wait_until_the_preview_exists() {
        let id = uuid::Uuid::from_u128(42);
        let server = MockServer::start().await;
        let create = server
            .create_avatar()
            .when(|body| {
                body.image_url == "https://example.com/face.png" && body.display_name == "Presenter"
            })
            .respond(avatar(id, None))
            .expect(1)
            .mount()
            .await;
        let polls = server
            .get_avatar()
            .id(id)
            .respond(avatar(id, None))
            .respond(avatar(id, None))
            .respond(avatar(id, Some("https://example.com/preview.mp4")))
            .expect(3)
            .mount()
            .await;
        let video = preview(&server.client(), "https://example.com/face.png")
            .await
            .unwrap();
        assert_eq!(video, "https://example.com/preview.mp4");
        assert_eq!((create.calls(), polls.calls()), (1, 3));
        server.verify().await;
    }

    /// Retries reach the mock too: a 503 then a success is one call for the application.
    #[tokio::test]
    async fn a_503_is_retried_against_the_mock() {
        let id = uuid::Uuid::from_u128(43);
        let server = MockServer::start().await;
        let polls = server
            .get_avatar()
            .id(id)
            .respond_status(503)
            .respond(avatar(id, Some("https://example.com/preview.mp4")))
            .mount()
            .await;
        let avatar = server
            .client()
            .get_avatar()
            .id(id)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert!(avatar.video_url.is_some());
        assert_eq!(polls.calls(), 2);
    }
}
