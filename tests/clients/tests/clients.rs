//! Every operation of the seed pages, called through the generated clients against a real HTTP
//! server on loopback (wiremock): the server checks method, path, query and the exact JSON body,
//! and answers with the pages' example responses, which must decode into the generated types.
//! Constraint violations must fail before anything is sent.

use client_tests::{akool, anam, argil};
use serde_json::json;
use wiremock::matchers::{any, body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server that fails the test (on drop) if any request reaches it.
async fn server_expecting_no_request() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    server
}

mod akool_ops {
    use super::*;
    use akool_client::{Error, types};

    fn avatar_example(kind: i64) -> serde_json::Value {
        json!({"_id": "655ffeada6976ea317087193", "disabled": false, "uid": 1, "type": kind, "from": 2,
               "status": 1, "sort": 12, "create_time": 1700788730000i64, "name": "Yasmin in White shirt",
               "avatar_id": "Yasmin_in_White_shirt_20231121", "url": "https://example.com/a.png",
               "modify_url": "https://example.com/a.png", "gender": "female",
               "thumbnailUrl": "https://example.com/t.png", "crop_arr": []})
    }

    #[tokio::test]
    async fn list_avatars_sends_query_and_decodes_the_list() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/open/v3/avatar/list"))
            .and(query_param("from", "2"))
            .and(query_param("page", "1"))
            .and(query_param("size", "100"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 1000, "msg": "ok", "data": [
                {"name": "Yasmin in White shirt", "avatar_id": "Yasmin_in_White_shirt_20231121",
                 "url": "https://example.com/a.png", "gender": "female", "thumbnailUrl": "https://example.com/t.png", "from": 2}
            ]})))
            .expect(1)
            .mount(&server)
            .await;
        let client = akool(&server);
        let list = client
            .list_avatars()
            .from(2i64)
            .page(1)
            .size(100)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(list.len(), 1);
        assert_eq!(
            list[0].avatar_id.as_deref(),
            Some("Yasmin_in_White_shirt_20231121")
        );
        assert_eq!(list[0].from, Some(2));
    }

    #[tokio::test]
    async fn create_talking_avatar_type_1_without_url_from_decodes_array_data() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/open/v3/avatar/create"))
            .and(body_json(json!({"url": "https://example.com/leijun.mp4", "avatar_id": "HHdEKhn7k7vVBlR5FSi0e",
                                  "name": "My Talking Avatar", "type": 1})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 1000, "msg": "ok", "data": [avatar_example(1)]})))
            .expect(1)
            .mount(&server)
            .await;
        let body = types::CreateAvatarRequest::builder()
            .url("https://example.com/leijun.mp4")
            .avatar_id("HHdEKhn7k7vVBlR5FSi0e")
            .name("My Talking Avatar")
            .type_(1i64);
        let created = akool(&server)
            .create_avatar()
            .body(body)
            .send()
            .await
            .unwrap()
            .into_inner();
        match created {
            types::AvatarDetailData::Array(avatars) => {
                assert_eq!(avatars.len(), 1);
                assert_eq!(avatars[0].status, Some(1));
                assert_eq!(avatars[0].id.as_deref(), Some("655ffeada6976ea317087193"));
            }
            other => panic!("expected the array shape, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn create_streaming_avatar_type_2_with_url_from_decodes_object_data() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/api/open/v3/avatar/create"))
            .and(body_json(json!({"url": "https://example.com/leijun.mp4", "avatar_id": "HHdEKhn7k7vVBlR5FSi0e",
                                  "name": "My Streaming Avatar", "type": 2, "url_from": 1})))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 1000, "msg": "ok", "data": avatar_example(2)})))
            .expect(1)
            .mount(&server)
            .await;
        let body = types::CreateAvatarRequest::builder()
            .url("https://example.com/leijun.mp4")
            .avatar_id("HHdEKhn7k7vVBlR5FSi0e")
            .name("My Streaming Avatar")
            .type_(2i64)
            .url_from(types::CreateAvatarRequestUrlFrom::try_from(1i64).unwrap());
        let created = akool(&server)
            .create_avatar()
            .body(body)
            .send()
            .await
            .unwrap()
            .into_inner();
        let types::AvatarDetailData::AvatarDetail(avatar) = created else {
            panic!("expected the object shape, got {created:?}");
        };
        assert_eq!(avatar.type_, Some(2));
        assert_eq!(
            avatar.avatar_id.as_deref(),
            Some("Yasmin_in_White_shirt_20231121")
        );
    }

    #[tokio::test]
    async fn invalid_avatar_requests_fail_before_sending() {
        let server = server_expecting_no_request().await;
        let client = akool(&server);
        let valid = || {
            types::CreateAvatarRequest::builder()
                .url("https://example.com/v.mp4")
                .avatar_id("abc123")
                .name("n")
                .type_(1i64)
        };
        // avatar_id must match ^[a-zA-Z0-9]+$.
        let err = client
            .create_avatar()
            .body(valid().avatar_id("bad-id!"))
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest(ref m) if m.contains("avatar_id")),
            "{err}"
        );
        // type is 1 or 2.
        let err = client
            .create_avatar()
            .body(valid().type_(3i64))
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
        // name is required.
        let missing_name = types::CreateAvatarRequest::builder()
            .url("u")
            .avatar_id("abc")
            .type_(1i64);
        let err = client
            .create_avatar()
            .body(missing_name)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest(ref m) if m.contains("name")),
            "{err}"
        );
        // list filters are enums too: `from` is 2 or 3.
        let err = client.list_avatars().from(7i64).send().await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    }

    #[tokio::test]
    async fn get_avatar_detail_decodes_status() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/open/v3/avatar/detail"))
            .and(query_param("id", "66a1a02d591ad336275eda62"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 1000, "msg": "ok", "data": [
                {"_id": "66a1a02d591ad336275eda62", "uid": 100010, "type": 2, "from": 3, "status": 3,
                 "name": "30870eb0", "url": "https://example.com/v.mp4"}]})))
            .expect(1)
            .mount(&server)
            .await;
        let detail = akool(&server)
            .get_avatar_detail()
            .id("66a1a02d591ad336275eda62")
            .send()
            .await
            .unwrap()
            .into_inner();
        let types::AvatarDetailData::Array(avatars) = detail else {
            panic!("array expected")
        };
        assert_eq!(avatars[0].status, Some(3));
    }

    #[tokio::test]
    async fn create_talking_avatar_video_then_get_video_info() {
        let server = MockServer::start().await;
        let request = json!({"width": 3840, "height": 2160, "avatar_from": 3, "webhookUrl": "", "elements": [
            {"type": "image", "url": "https://example.com/bg.png", "width": 780, "height": 438,
             "scale_x": 1.0, "scale_y": 1.0, "offset_x": 1920, "offset_y": 1080},
            {"type": "avatar", "url": "https://example.com/avatar.mp4", "scale_x": 1.0, "scale_y": 1.0,
             "width": 1080, "height": 1080, "offset_x": 1920, "offset_y": 1080},
            {"type": "audio", "input_text": "Hello", "voice_id": "6889b628662160e2caad5dbc"}
        ]});
        Mock::given(method("POST"))
            .and(path("/api/open/v3/talkingavatar/create"))
            .and(body_json(request.clone()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 1000, "msg": "OK", "data": {
                "_id": "67491cdb4d9d1664a9782292", "uid": 100002, "video_id": "f1a489f4-0cca-4723-843b-e42003dc9f32",
                "task_id": "67491cdb1acd9d0ce2cc8998", "video_status": 1, "video": "", "create_time": 1732844763774i64}})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/open/v3/content/video/infobymodelid"))
            .and(query_param("video_model_id", "67491cdb4d9d1664a9782292"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"code": 1000, "msg": "OK", "data": {
                "_id": "67491cdb4d9d1664a9782292", "create_time": 1692242625334i64, "uid": 378337,
                "video_id": "0acfed62e24f4cfd8801c9e846347b1d", "deduction_duration": 10, "video_status": 3,
                "video": "https://example.com/out.mp4"}})))
            .expect(1)
            .mount(&server)
            .await;
        let client = akool(&server);
        let body: types::CreateTalkingAvatarRequest =
            serde_json::from_value(request).expect("the page's example is a valid request");
        let created = client
            .create_talking_avatar()
            .body(body)
            .send()
            .await
            .unwrap()
            .into_inner();
        let id = created.id.expect("_id");
        let info = client
            .get_video_info()
            .video_model_id(id)
            .send()
            .await
            .unwrap()
            .into_inner();
        let video = info;
        assert_eq!(*video.video_status.expect("status"), 3);
        assert_eq!(video.video.as_deref(), Some("https://example.com/out.mp4"));
    }
}

mod argil_ops {
    use super::*;
    use argil_client::{Error, types};
    use openapi_sdk_runtime::BoundedMap;

    const AVATAR_ID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

    fn image_body(
        image: types::AvatarCreateArgsImageDatasetImage,
    ) -> types::builder::AvatarCreateArgsImage {
        types::AvatarCreateArgsImage::builder()
            .type_(types::AvatarCreateArgsImageType::Image)
            .name("My Image Avatar")
            .dataset_image(image)
    }

    async fn expect_create(server: &MockServer, body: serde_json::Value) {
        Mock::given(method("POST"))
            .and(path("/avatars"))
            .and(body_json(body))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": AVATAR_ID, "name": "My Avatar", "status": "TRAINING", "createdAt": "2023-11-07T05:31:56Z"})))
            .expect(1)
            .mount(server)
            .await;
    }

    #[tokio::test]
    async fn create_from_image_url() {
        let server = MockServer::start().await;
        expect_create(&server, json!({"type": "IMAGE", "name": "My Image Avatar", "datasetImage": {"url": "https://example.com/avatar-image.jpg"}})).await;
        let image = types::AvatarCreateArgsImageDatasetImage::Url(
            "https://example.com/avatar-image.jpg".parse().unwrap(),
        );
        let body: types::AvatarCreateArgsImage = image_body(image).try_into().unwrap();
        let avatar = argil(&server)
            .create_avatar()
            .body(types::AvatarCreateRequest::Image(body))
            .send()
            .await
            .unwrap();
        assert_eq!(avatar.status(), 201);
        assert_eq!(
            avatar.into_inner().status,
            Some(types::AvatarStatus::Training)
        );
    }

    /// A `oneOf` body takes its variant's builder directly; a builder missing a required field
    /// fails at `send()`, with nothing sent (the server expects no request).
    #[tokio::test]
    async fn a_one_of_body_takes_the_variant_builder_and_checks_at_send() {
        let server = MockServer::start().await;
        expect_create(&server, json!({"type": "IMAGE", "name": "My Image Avatar", "datasetImage": {"url": "https://example.com/a.jpg"}})).await;
        let image = types::AvatarCreateArgsImageDatasetImage::Url(
            "https://example.com/a.jpg".parse().unwrap(),
        );
        let created = argil(&server)
            .create_avatar()
            .body(image_body(image))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);

        let incomplete = types::AvatarCreateArgsImage::builder().name("No type or image");
        let err = argil(&server)
            .create_avatar()
            .body(incomplete)
            .send()
            .await
            .unwrap_err();
        // The message says what is missing, not only that the conversion failed.
        assert!(
            matches!(err, Error::InvalidRequest(ref m) if m.contains("AvatarCreateRequest") && m.contains("no value supplied for")),
            "{err}"
        );
    }

    #[tokio::test]
    async fn create_from_image_base64_with_extras() {
        let server = MockServer::start().await;
        expect_create(&server, json!({"type": "IMAGE", "name": "My Image Avatar",
            "datasetImage": {"base64": "data:image/png;base64,iVBORw0KGgo="}, "extras": {"crm_id": "42"}})).await;
        let image = types::AvatarCreateArgsImageDatasetImage::Base64(
            "data:image/png;base64,iVBORw0KGgo=".parse().unwrap(),
        );
        let extras: BoundedMap<String, 0, 10> =
            vec![("crm_id", "42".to_string())].try_into().unwrap();
        let body: types::AvatarCreateArgsImage =
            image_body(image).extras(extras).try_into().unwrap();
        argil(&server)
            .create_avatar()
            .body(types::AvatarCreateRequest::Image(body))
            .send()
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn create_from_videos() {
        let server = MockServer::start().await;
        expect_create(&server, json!({"name": "My Avatar", "datasetVideo": {"url": "https://example.com/source-video.mp4"},
            "consentVideo": {"url": "https://example.com/consent-video.mp4"}})).await;
        let body: types::AvatarCreateArgs = types::AvatarCreateArgs::builder()
            .name("My Avatar")
            .dataset_video(
                types::AvatarCreateArgsDatasetVideo::builder()
                    .url("https://example.com/source-video.mp4"),
            )
            .consent_video(
                types::AvatarCreateArgsConsentVideo::builder()
                    .url("https://example.com/consent-video.mp4"),
            )
            .try_into()
            .unwrap();
        argil(&server)
            .create_avatar()
            .body(types::AvatarCreateRequest::Videos(body))
            .send()
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn invalid_bodies_fail_before_sending() {
        let _server = server_expecting_no_request().await;
        // Image URLs must be https.
        assert!(
            "http://example.com/a.jpg"
                .parse::<types::AvatarCreateArgsImageDatasetImageUrl>()
                .is_err()
        );
        // Base64 images must be data URLs of png, jpeg or webp.
        assert!(
            "data:image/gif;base64,R0lG"
                .parse::<types::AvatarCreateArgsImageDatasetImageBase64>()
                .is_err()
        );
        // Names are 1 to 256 characters.
        let image = types::AvatarCreateArgsImageDatasetImage::Url(
            "https://example.com/a.jpg".parse().unwrap(),
        );
        let too_long: Result<types::AvatarCreateArgsImage, _> =
            image_body(image).name("x".repeat(257)).try_into();
        assert!(too_long.unwrap_err().to_string().contains("name"));
        // At most 10 extras.
        let eleven: Vec<(String, String)> = (0..11)
            .map(|i| (format!("k{i}"), "v".to_string()))
            .collect();
        let err = BoundedMap::<String, 0, 10>::try_from(eleven).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the map has 11 entries; the API allows 0 to 10"
        );
    }

    #[tokio::test]
    async fn get_avatar_decodes_both_timestamp_spellings_and_errors() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("/avatars/{AVATAR_ID}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"id": AVATAR_ID, "status": "IDLE", "createAt": "2023-11-07T05:31:56Z"}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/avatars/00000000-0000-4000-8000-6f7468657200"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"status": "TRAINING_FAILED", "createdAt": "2023-11-07T05:31:56Z"}),
            ))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/avatars/00000000-0000-4000-8000-6d697373696e"))
            .respond_with(
                ResponseTemplate::new(404)
                    .set_body_json(json!({"code": 404, "message": "Avatar not found"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = argil(&server);
        let a = client
            .get_avatar()
            .id(AVATAR_ID)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(a.status, Some(types::AvatarStatus::Idle));
        assert!(a.create_at.is_some() && a.created_at.is_none());
        let b = client
            .get_avatar()
            .id("00000000-0000-4000-8000-6f7468657200")
            .send()
            .await
            .unwrap()
            .into_inner();
        assert!(b.created_at.is_some() && b.create_at.is_none());
        match client
            .get_avatar()
            .id("00000000-0000-4000-8000-6d697373696e")
            .send()
            .await
            .unwrap_err()
        {
            Error::Api {
                response, error, ..
            } => {
                assert_eq!(response.status, 404);
                assert_eq!(
                    error.and_then(|e| e.message).as_deref(),
                    Some("Avatar not found")
                );
                assert_eq!(
                    response.text(),
                    r#"{"code":404,"message":"Avatar not found"}"#
                );
            }
            other => panic!("expected a typed error response, got {other}"),
        }
    }
}

mod anam_ops {
    use super::*;
    use anam_client::{Error, types};

    const AVATAR_ID: &str = "071b0286-4cce-4808-bee2-e642f1062de3";

    #[tokio::test]
    async fn create_avatar_from_image_url() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/avatars"))
            .and(body_json(json!({"displayName": "Alex", "imageUrl": "https://example.com/alex.jpg"})))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": AVATAR_ID, "displayName": "Alex",
                "imageUrl": "https://example.com/alex.jpg", "videoUrl": null, "createdByOrganizationId": null,
                "availableVersions": ["cara-3"], "activeVersion": null})))
            .expect(1)
            .mount(&server)
            .await;
        let avatar = anam(&server)
            .create_avatar()
            .body_map(|b| {
                b.display_name("Alex")
                    .image_url("https://example.com/alex.jpg")
            })
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(avatar.display_name.as_deref(), Some("Alex"));
        assert_eq!(avatar.video_url, None);
        assert_eq!(avatar.active_version, None);
    }

    #[tokio::test]
    async fn get_avatar_sees_the_preview_appear() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("/v1/avatars/{AVATAR_ID}")))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"id": AVATAR_ID,
                "videoUrl": "https://example.com/preview.mp4", "renderStyle": "realistic"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let avatar = anam(&server)
            .get_avatar()
            .id(AVATAR_ID)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            avatar.video_url.as_deref(),
            Some("https://example.com/preview.mp4")
        );
        assert_eq!(
            avatar.render_style,
            Some(types::AvatarRenderStyle::Realistic)
        );
    }

    #[tokio::test]
    async fn missing_display_name_and_bad_ids_fail_before_sending() {
        let server = server_expecting_no_request().await;
        let client = anam(&server);
        let err = client
            .create_avatar()
            .body_map(|b| b.image_url("https://example.com/a.jpg"))
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest(ref m) if m.contains("display_name")),
            "{err}"
        );
        let err = client
            .get_avatar()
            .id("not-a-uuid")
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    }
}

/// The generated crates are built with a TLS backend: against an https base URL the first bytes
/// on the wire are a TLS handshake record (0x16), not a plaintext HTTP request.
#[tokio::test]
async fn https_requests_speak_tls() {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let first_bytes = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buf = [0u8; 3];
        stream.read_exact(&mut buf).unwrap();
        buf
    });
    let client = akool_client::Client::builder()
        .api_key("k")
        .base_url(format!("https://127.0.0.1:{port}"))
        .retry_policy(akool_client::RetryPolicy::none())
        .build()
        .unwrap();
    // The server hangs up after reading, so the call fails; what matters is what was sent.
    assert!(client.list_avatars().send().await.is_err());
    let bytes = first_bytes.join().unwrap();
    assert_eq!(
        bytes[0], 0x16,
        "expected a TLS handshake record, got {bytes:?}"
    );
    assert_eq!(bytes[1], 0x03, "TLS major version");
}
