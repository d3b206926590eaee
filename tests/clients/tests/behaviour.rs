//! How the generated clients behave, against real HTTP servers on loopback (wiremock): auth
//! headers, error classes, the Akool envelope, forward compatibility, retries, timeouts,
//! multipart uploads, waiters and tracing.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client_tests::{TEST_KEY, akool, anam, argil, count, fast_retries, respond_in_turn};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AVATAR_ID: &str = "071b0286-4cce-4808-bee2-e642f1062de3";

fn ok_envelope(data: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"code": 1000, "msg": "ok", "data": data}))
}

mod auth {
    use super::*;

    #[tokio::test]
    async fn each_vendor_sends_its_documented_auth_header() {
        let server = MockServer::start().await;
        Mock::given(path("/api/open/v3/avatar/list"))
            .and(header("x-api-key", TEST_KEY))
            .respond_with(ok_envelope(json!([])))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-613100000000"))
            .and(header("x-api-key", TEST_KEY))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(path(format!("/v1/avatars/{AVATAR_ID}")))
            .and(header(
                "authorization",
                format!("Bearer {TEST_KEY}").as_str(),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .expect(1)
            .mount(&server)
            .await;
        akool(&server).list_avatars().send().await.unwrap();
        argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-613100000000")
            .send()
            .await
            .unwrap();
        anam(&server)
            .get_avatar()
            .id(AVATAR_ID)
            .send()
            .await
            .unwrap();
        for request in server.received_requests().await.unwrap() {
            assert!(
                request.headers.get("api-version").is_none(),
                "progenitor's api-version header is not sent"
            );
        }
    }

    #[tokio::test]
    async fn akool_can_use_bearer_instead() {
        let server = MockServer::start().await;
        Mock::given(path("/api/open/v3/avatar/list"))
            .and(header(
                "authorization",
                format!("Bearer {TEST_KEY}").as_str(),
            ))
            .respond_with(ok_envelope(json!([])))
            .expect(1)
            .mount(&server)
            .await;
        let client = akool_client::Client::builder()
            .api_key(TEST_KEY)
            .base_url(server.uri())
            .auth_scheme(akool_client::AuthScheme::Bearer)
            .build()
            .unwrap();
        client.list_avatars().send().await.unwrap();
        let request = &server.received_requests().await.unwrap()[0];
        assert!(request.headers.get("x-api-key").is_none());
    }

    #[test]
    fn missing_keys_are_clear_errors() {
        let err = akool_client::Client::builder()
            .from_lookup(|_| None)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "environment variable AKOOL_API_KEY is not set (or empty); set it to your API key"
        );
        let err = anam_client::Client::builder().build().unwrap_err();
        assert_eq!(err, anam_client::ConfigError::NoApiKey);
        if std::env::var_os("ARGIL_API_KEY").is_none() {
            let err = argil_client::Client::from_env().unwrap_err();
            assert!(err.to_string().contains("ARGIL_API_KEY"), "{err}");
        }
        let client = argil_client::Client::builder()
            .from_lookup(|v| match v {
                "ARGIL_API_KEY" => Some(TEST_KEY.into()),
                "ARGIL_BASE_URL" => Some("http://127.0.0.1:1".into()),
                _ => None,
            })
            .unwrap()
            .build()
            .unwrap();
        assert!(
            format!("{client:?}").contains("baseurl: \"http://127.0.0.1:1\""),
            "{client:?}"
        );
    }

    #[tokio::test]
    async fn the_key_never_appears_in_debug_or_errors() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-613100000000"))
            .respond_with(ResponseTemplate::new(401).set_body_string("unauthorized"))
            .mount(&server)
            .await;
        let client = argil(&server);
        assert!(!format!("{client:?}").contains(TEST_KEY), "{client:?}");
        let err = client
            .get_avatar()
            .id("00000000-0000-4000-8000-613100000000")
            .send()
            .await
            .unwrap_err();
        assert!(
            !format!("{err:?}").contains(TEST_KEY) && !err.to_string().contains(TEST_KEY),
            "{err:?}"
        );
        let config = argil_client::Client::builder().api_key(TEST_KEY);
        assert!(!format!("{config:?}").contains(TEST_KEY));
    }
}

mod errors {
    use super::*;
    use argil_client::Error;

    #[tokio::test]
    async fn documented_error_bodies_are_decoded_with_status_headers_and_raw_body() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/avatars"))
            .respond_with(
                ResponseTemplate::new(400)
                    .insert_header("x-request-id", "req-42")
                    .set_body_json(json!({"code": 12, "message": "name too long"})),
            )
            .mount(&server)
            .await;
        let body: argil_client::types::AvatarCreateRequest = serde_json::from_value(
            json!({"type": "IMAGE", "name": "n", "datasetImage": {"url": "https://e.com/a.jpg"}}),
        )
        .unwrap();
        let err = argil(&server)
            .create_avatar()
            .body(body)
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
        assert_eq!(err.request_id(), Some("req-42"));
        assert_eq!(
            err.api_error().and_then(|e| e.message.as_deref()),
            Some("name too long")
        );
        assert_eq!(
            err.response().unwrap().text(),
            r#"{"code":12,"message":"name too long"}"#
        );
        assert!(
            err.to_string().contains("400") && err.to_string().contains("req-42"),
            "{err}"
        );
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "a POST answered 400 is not retried"
        );
    }

    #[tokio::test]
    async fn undocumented_and_non_json_bodies_are_kept_as_text() {
        let server = MockServer::start().await;
        Mock::given(path(format!("/v1/avatars/{AVATAR_ID}")))
            .respond_with(ResponseTemplate::new(500).set_body_string("upstream exploded"))
            .mount(&server)
            .await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-746561706f74"))
            .respond_with(
                ResponseTemplate::new(418)
                    .set_body_json(json!({"code": 418, "message": "short and stout"})),
            )
            .mount(&server)
            .await;
        let err = anam(&server)
            .get_avatar()
            .id(AVATAR_ID)
            .send()
            .await
            .unwrap_err();
        match &err {
            // 500 is documented without a body: no error body, the text is what counts.
            anam_client::Error::Api {
                response,
                error: None,
                ..
            } => {
                assert_eq!(response.status, 500);
                assert_eq!(response.text(), "upstream exploded");
            }
            other => panic!("{other:?}"),
        }
        let err = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-746561706f74")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Api { error: None, response, .. } if response.status == 418 && response.text().contains("stout")),
            "{err:?}"
        );
    }

    /// A success status the spec does not list reaches `finish` unread; its body is read there
    /// and kept, and a body cut short is a transport error, never an empty body.
    #[tokio::test]
    async fn undocumented_success_statuses_keep_their_body_or_report_the_cut() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-613100000000"))
            .respond_with(ResponseTemplate::new(202).set_body_string("queued for review"))
            .mount(&server)
            .await;
        let err = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-613100000000")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Api { error: None, response, .. }
                if response.status == 202 && response.text() == "queued for review"),
            "{err:?}"
        );

        // A server that promises 100 bytes, sends 5 and hangs up.
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let served = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = stream.read(&mut buf).unwrap();
                request.extend_from_slice(&buf[..n]);
            }
            stream
                .write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 100\r\n\r\nshort")
                .unwrap();
        });
        let client = argil_client::Client::builder()
            .api_key(TEST_KEY)
            .base_url(format!("http://127.0.0.1:{port}"))
            .retry_policy(argil_client::RetryPolicy::none())
            .build()
            .unwrap();
        let err = client
            .get_avatar()
            .id("00000000-0000-4000-8000-613100000000")
            .send()
            .await
            .unwrap_err();
        served.join().unwrap();
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn html_and_malformed_json_are_decode_errors_that_keep_the_body() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-68746d6c0000"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw("<html><body>Bad Gateway</body></html>", "text/html"),
            )
            .mount(&server)
            .await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-62726f6b656e"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                r#"{"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "status": "#,
                "application/json",
            ))
            .mount(&server)
            .await;
        for (id, fragment) in [
            ("00000000-0000-4000-8000-68746d6c0000", "Bad Gateway"),
            ("00000000-0000-4000-8000-62726f6b656e", "\"status\": "),
        ] {
            match argil(&server).get_avatar().id(id).send().await.unwrap_err() {
                Error::Decode { response, .. } => {
                    assert_eq!(response.status, 200);
                    assert!(response.text().contains(fragment), "{}", response.text());
                }
                other => panic!("{id}: {other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn akool_envelope_failures_are_typed_errors_with_the_documented_meaning() {
        let server = MockServer::start().await;
        Mock::given(path("/api/open/v3/avatar/detail"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"code": 1006, "msg": "quota exceeded"})),
            )
            .mount(&server)
            .await;
        Mock::given(path("/api/open/v3/avatar/list"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"code": 4242, "msg": "something new", "data": null})),
            )
            .mount(&server)
            .await;
        let err = akool(&server)
            .get_avatar_detail()
            .id("x")
            .send()
            .await
            .unwrap_err();
        match &err {
            akool_client::Error::Envelope {
                code,
                message,
                known,
                response,
            } => {
                assert_eq!(
                    (*code, message.as_str(), *known),
                    (1006, "quota exceeded", Some("Your quota is not enough"))
                );
                assert_eq!(response.status, 200);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            err.to_string(),
            "API error code 1006 (Your quota is not enough): quota exceeded"
        );
        let err = akool(&server).list_avatars().send().await.unwrap_err();
        assert!(
            matches!(
                err,
                akool_client::Error::Envelope {
                    code: 4242,
                    known: None,
                    ..
                }
            ),
            "{err:?}"
        );
    }
}

/// The runtime moves response headers past progenitor rather than copying them; a success value
/// must still carry every header the server sent, on each of the three paths a response takes.
mod success_headers {
    use super::*;

    fn with_request_id(template: ResponseTemplate) -> ResponseTemplate {
        template
            .insert_header("x-request-id", "req-42")
            .insert_header("x-ratelimit-remaining", "7")
    }

    fn assert_headers(headers: &reqwest::header::HeaderMap) {
        assert_eq!(
            headers.get("x-request-id").unwrap(),
            "req-42",
            "{headers:?}"
        );
        assert_eq!(headers.get("x-ratelimit-remaining").unwrap(), "7");
        assert!(headers.get("content-type").is_some(), "{headers:?}");
    }

    #[tokio::test]
    async fn a_plain_success_keeps_its_headers() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-613100000000"))
            .respond_with(with_request_id(
                ResponseTemplate::new(200).set_body_json(json!({"id": AVATAR_ID})),
            ))
            .mount(&server)
            .await;
        let response = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-613100000000")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_headers(response.headers());
        let id = response.into_inner().id.map(|id| id.to_string());
        assert_eq!(id.as_deref(), Some(AVATAR_ID));
    }

    #[tokio::test]
    async fn an_envelope_success_keeps_its_headers() {
        let server = MockServer::start().await;
        Mock::given(path("/api/open/v3/avatar/list"))
            .respond_with(with_request_id(ok_envelope(json!([]))))
            .mount(&server)
            .await;
        let response = akool(&server).list_avatars().send().await.unwrap();
        assert_headers(response.headers());
    }

    #[tokio::test]
    async fn a_multipart_success_keeps_its_headers() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/avatars"))
            .respond_with(with_request_id(
                ResponseTemplate::new(201).set_body_json(json!({"id": AVATAR_ID})),
            ))
            .mount(&server)
            .await;
        let response = anam(&server)
            .create_avatar_multipart()
            .display_name("Alex")
            .image_file(anam_client::FilePart::bytes(b"png".to_vec()).file_name("face.png"))
            .avatar_model("cara-3")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        assert_headers(response.headers());
    }
}

mod forward_compat {
    use super::*;
    use argil_client::types::{AvatarCreateArgsImageType, AvatarStatus};

    #[tokio::test]
    async fn unknown_enum_values_and_fields_do_not_fail_responses() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-6e6577000000"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"status": "ARCHIVED", "mood": "cheerful", "model": "ARGIL_V9"}),
            ))
            .mount(&server)
            .await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-6b6e6f776e00"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "IDLE"})))
            .mount(&server)
            .await;
        let avatar = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-6e6577000000")
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(avatar.status, Some(AvatarStatus::Other("ARCHIVED".into())));
        assert_eq!(avatar.status.as_ref().unwrap().to_string(), "ARCHIVED");
        let avatar = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-6b6e6f776e00")
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(avatar.status, Some(AvatarStatus::Idle));

        Mock::given(path("/api/open/v3/content/video/infobymodelid"))
            .respond_with(ok_envelope(json!({"video_status": 7, "brand_new": true})))
            .mount(&server)
            .await;
        let video = akool(&server)
            .get_video_info()
            .video_model_id("v")
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(video.video_status.map(|s| *s), Some(7));
    }

    #[test]
    fn requests_stay_strict() {
        assert!(serde_json::from_value::<AvatarCreateArgsImageType>(json!("VIDEO")).is_err());
        assert!(serde_json::from_value::<argil_client::types::AvatarCreateArgs>(json!({"name": "n", "datasetVideo": {"url": "https://a"}, "consentVideo": {"url": "https://b"}, "extra": 1})).is_err());
    }
}

mod retries {
    use super::*;

    #[tokio::test]
    async fn get_is_retried_on_transient_statuses_honouring_retry_after() {
        let server = MockServer::start().await;
        let ok = ResponseTemplate::new(200).set_body_json(json!({"status": "IDLE"}));
        let busy = ResponseTemplate::new(503).insert_header("retry-after", "1");
        respond_in_turn(
            &server,
            || Mock::given(path("/avatars/00000000-0000-4000-8000-610000000000")),
            vec![busy, ok],
        )
        .await;
        let start = Instant::now();
        argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-610000000000")
            .send()
            .await
            .unwrap();
        assert!(
            start.elapsed() >= Duration::from_secs(1),
            "Retry-After: 1 was not honoured ({:?})",
            start.elapsed()
        );
        assert_eq!(count(&server).await, 2);

        let server = MockServer::start().await;
        let ok = ResponseTemplate::new(200).set_body_json(json!({}));
        let failures = [ResponseTemplate::new(502), ResponseTemplate::new(504)];
        respond_in_turn(
            &server,
            || Mock::given(path("/avatars/00000000-0000-4000-8000-620000000000")),
            [failures.to_vec(), vec![ok]].concat(),
        )
        .await;
        argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-620000000000")
            .send()
            .await
            .unwrap();
        assert_eq!(count(&server).await, 3);
    }

    #[tokio::test]
    async fn attempts_are_capped() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-610000000000"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        let err = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-610000000000")
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(err, argil_client::Error::Api { attempts: 3, .. }),
            "{err:?}"
        );
        assert_eq!(count(&server).await, 3);
    }

    #[tokio::test]
    async fn a_retry_after_beyond_the_time_budget_is_not_waited_for() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-610000000000"))
            .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "3600"))
            .mount(&server)
            .await;
        let start = Instant::now();
        let err = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-610000000000")
            .send()
            .await
            .unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(2));
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(count(&server).await, 1);
    }

    fn image_body() -> argil_client::types::AvatarCreateRequest {
        serde_json::from_value(
            json!({"type": "IMAGE", "name": "n", "datasetImage": {"url": "https://e.com/a.jpg"}}),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn post_is_not_sent_again_after_500_502_or_504() {
        for status in [500, 502, 504, 408] {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(status))
                .mount(&server)
                .await;
            let err = argil(&server)
                .create_avatar()
                .body(image_body())
                .send()
                .await
                .unwrap_err();
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
            assert_eq!(
                count(&server).await,
                1,
                "POST answered {status} must not be repeated"
            );
        }
    }

    #[tokio::test]
    async fn post_is_sent_again_when_the_server_did_not_process_it() {
        for status in [429, 503] {
            let server = MockServer::start().await;
            let created = ResponseTemplate::new(201).set_body_json(json!({"status": "TRAINING"}));
            respond_in_turn(
                &server,
                || Mock::given(method("POST")),
                vec![ResponseTemplate::new(status), created],
            )
            .await;
            argil(&server)
                .create_avatar()
                .body(image_body())
                .send()
                .await
                .unwrap();
            assert_eq!(count(&server).await, 2, "POST answered {status}");
        }
    }

    #[tokio::test]
    async fn refused_connections_are_retried_even_for_post() {
        // Bound but never listening: a connection is refused, and the port is not freed for
        // another test's server in this process to take.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let url = format!("http://{}", socket.local_addr().unwrap());
        let client = argil_client::Client::builder()
            .api_key(TEST_KEY)
            .base_url(url)
            .retry_policy(fast_retries())
            .build()
            .unwrap();
        let err = client
            .create_avatar()
            .body(image_body())
            .send()
            .await
            .unwrap_err();
        match err {
            argil_client::Error::Transport {
                source, attempts, ..
            } => {
                assert!(source.is_connect(), "{source:?}");
                assert_eq!(attempts, 3);
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn timeouts_are_errors_and_a_timed_out_post_is_not_repeated() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_millis(800)))
            .mount(&server)
            .await;
        let client = argil_client::Client::builder()
            .api_key(TEST_KEY)
            .base_url(server.uri())
            .timeout(Duration::from_millis(100))
            .retry_policy(fast_retries())
            .build()
            .unwrap();
        let err = client
            .create_avatar()
            .body(image_body())
            .send()
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert_eq!(count(&server).await, 1);
    }
}

mod multipart {
    use super::*;
    use anam_client::FilePart;

    /// Splits a multipart body into (headers, content) per part, as a server would.
    fn parts(content_type: &str, body: &[u8]) -> Vec<(String, Vec<u8>)> {
        let boundary = content_type
            .split("boundary=")
            .nth(1)
            .expect("boundary")
            .trim_matches('"');
        let delimiter = format!("--{boundary}");
        let text = body;
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(start) = find(rest, delimiter.as_bytes()) {
            rest = &rest[start + delimiter.len()..];
            if rest.starts_with(b"--") {
                break;
            }
            let end = find(rest, delimiter.as_bytes()).expect("closing delimiter");
            let part = &rest[2..end - 2]; // drop the CRLF after the delimiter and before the next
            let split = find(part, b"\r\n\r\n").expect("header end");
            out.push((
                String::from_utf8_lossy(&part[..split]).into_owned(),
                part[split + 4..].to_vec(),
            ));
        }
        out
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    #[tokio::test]
    async fn anam_upload_sends_the_parts_the_server_expects() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/avatars"))
            .and(header(
                "authorization",
                format!("Bearer {TEST_KEY}").as_str(),
            ))
            .respond_with(
                ResponseTemplate::new(201).set_body_json(
                    json!({"id": AVATAR_ID, "displayName": "Alex", "videoUrl": null}),
                ),
            )
            .expect(1)
            .mount(&server)
            .await;
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let avatar = anam(&server)
            .create_avatar_multipart()
            .display_name("Alex")
            .image_file(FilePart::bytes(png.clone()).file_name("face.png"))
            .avatar_model("cara-3")
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(avatar.display_name.as_deref(), Some("Alex"));
        let request = &server.received_requests().await.unwrap()[0];
        let content_type = request
            .headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            content_type.starts_with("multipart/form-data; boundary="),
            "{content_type}"
        );
        let parts = parts(&content_type, &request.body);
        assert_eq!(parts.len(), 3, "{parts:?}");
        assert_eq!(
            parts[0].0,
            "Content-Disposition: form-data; name=\"displayName\""
        );
        assert_eq!(parts[0].1, b"Alex");
        assert_eq!(
            parts[1].0,
            "Content-Disposition: form-data; name=\"imageFile\"; filename=\"face.png\"\r\nContent-Type: image/png"
        );
        assert_eq!(parts[1].1, png);
        assert_eq!(
            parts[2].0,
            "Content-Disposition: form-data; name=\"avatarModel\""
        );
        assert_eq!(parts[2].1, b"cara-3");
    }

    #[tokio::test]
    async fn files_come_from_paths_and_required_fields_are_checked_first() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
            .mount(&server)
            .await;
        let file = std::env::temp_dir().join(format!("anam-upload-{}.webp", std::process::id()));
        std::fs::write(&file, b"RIFF0000WEBP").unwrap();
        let part = FilePart::from_path(&file).await.unwrap();
        std::fs::remove_file(&file).unwrap();
        let err = anam(&server)
            .create_avatar_multipart()
            .image_file(part.clone())
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, anam_client::Error::InvalidRequest(m) if m.contains("displayName")),
            "{err:?}"
        );
        assert!(server.received_requests().await.unwrap().is_empty());
        anam(&server)
            .create_avatar_multipart()
            .display_name("Sam")
            .image_file(part)
            .send()
            .await
            .unwrap();
        let request = &server.received_requests().await.unwrap()[0];
        let body = String::from_utf8_lossy(&request.body);
        assert!(
            body.contains(&format!(
                "filename=\"anam-upload-{}.webp\"\r\nContent-Type: image/webp",
                std::process::id()
            )),
            "{body}"
        );
    }
}

mod waiters {
    use super::*;
    use anam_client::WaitError;

    /// A quick wait that records every typed status the waiter reports.
    fn fast<S: Clone + Send + 'static>(
        max: Duration,
        seen: &Arc<Mutex<Vec<S>>>,
    ) -> openapi_sdk_runtime::Wait<S> {
        let seen = seen.clone();
        openapi_sdk_runtime::Wait::up_to(max)
            .interval(Duration::from_millis(5))
            .max_interval(Duration::from_millis(20))
            .on_status(move |s: &S| seen.lock().unwrap().push(s.clone()))
    }

    #[tokio::test]
    async fn akool_video_reaches_completed_reporting_each_status() {
        let server = MockServer::start().await;
        let statuses = vec![
            ok_envelope(json!({"_id": "v1", "video_status": 1})),
            ok_envelope(json!({"_id": "v1", "video_status": 2})),
            ok_envelope(json!({"_id": "v1", "video_status": 3, "video": "https://e.com/v.mp4"})),
        ];
        respond_in_turn(
            &server,
            || Mock::given(path("/api/open/v3/content/video/infobymodelid")),
            statuses,
        )
        .await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let video = akool(&server)
            .wait_for_video("v1", fast(Duration::from_secs(5), &seen))
            .await
            .unwrap();
        assert_eq!(video.video.as_deref(), Some("https://e.com/v.mp4"));
        use akool_client::VideoStatus;
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                VideoStatus::Queueing,
                VideoStatus::Processing,
                VideoStatus::Completed
            ]
        );
    }

    #[tokio::test]
    async fn akool_avatar_failure_is_reported_with_the_resource() {
        let server = MockServer::start().await;
        Mock::given(path("/api/open/v3/avatar/detail"))
            .respond_with(ok_envelope(json!([{"_id": "a1", "status": 4}])))
            .mount(&server)
            .await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        match akool(&server)
            .wait_for_avatar("a1", fast(Duration::from_secs(5), &seen))
            .await
            .unwrap_err()
        {
            akool_client::WaitError::Failed {
                status, resource, ..
            } => {
                assert_eq!(status, akool_client::AvatarStatus::Failed);
                assert_eq!(status.to_string(), "failed");
                assert!(matches!(
                    *resource,
                    akool_client::types::AvatarDetailData::Array(_)
                ));
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn argil_training_ends_in_success_or_failure() {
        let server = MockServer::start().await;
        let status = |s: &str| ResponseTemplate::new(200).set_body_json(json!({"status": s}));
        let statuses = vec![status("TRAINING"), status("TRAINING"), status("IDLE")];
        respond_in_turn(
            &server,
            || Mock::given(path("/avatars/00000000-0000-4000-8000-6f6b00000000")),
            statuses,
        )
        .await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-726566757365"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "REFUSED"})))
            .mount(&server)
            .await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let avatar = argil(&server)
            .wait_for_training(
                "00000000-0000-4000-8000-6f6b00000000",
                fast(Duration::from_secs(5), &seen),
            )
            .await
            .unwrap();
        assert_eq!(avatar.status, Some(argil_client::types::AvatarStatus::Idle));
        use argil_client::TrainingStatus;
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                TrainingStatus::Training,
                TrainingStatus::Training,
                TrainingStatus::Idle
            ]
        );
        let err = argil(&server)
            .wait_for_training(
                "00000000-0000-4000-8000-726566757365",
                fast(Duration::from_secs(5), &seen),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                argil_client::WaitError::Failed {
                    status: TrainingStatus::Refused,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[tokio::test]
    async fn anam_preview_times_out_with_the_last_status() {
        let server = MockServer::start().await;
        Mock::given(path(format!("/v1/avatars/{AVATAR_ID}")))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"id": AVATAR_ID, "videoUrl": null})),
            )
            .mount(&server)
            .await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let id: uuid::Uuid = AVATAR_ID.parse().unwrap();
        let err = anam(&server)
            .wait_for_preview(id, fast(Duration::from_millis(60), &seen))
            .await
            .unwrap_err();
        match err {
            WaitError::TimedOut {
                waited,
                last_status,
            } => {
                assert!(waited >= Duration::from_millis(60));
                assert_eq!(last_status, Some(anam_client::PreviewStatus::Pending));
            }
            other => panic!("{other}"),
        }
        let seen = seen.lock().unwrap();
        assert!(seen.len() >= 2);
        assert!(
            seen.iter()
                .all(|s| *s == anam_client::PreviewStatus::Pending)
        );
    }

    /// A status the declaration does not list is kept as `Other`, not mistaken for a known one
    /// (here the API reports none yet: `null`). Unknown integers never get this far today:
    /// the response type's own enum refuses them.
    #[tokio::test]
    async fn a_missing_status_arrives_as_other() {
        let server = MockServer::start().await;
        let statuses = vec![
            ok_envelope(json!({"_id": "v1"})),
            ok_envelope(json!({"_id": "v1", "video_status": 2})),
            ok_envelope(json!({"_id": "v1", "video_status": 3})),
        ];
        respond_in_turn(
            &server,
            || Mock::given(path("/api/open/v3/content/video/infobymodelid")),
            statuses,
        )
        .await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        akool(&server)
            .wait_for_video("v1", fast(Duration::from_secs(5), &seen))
            .await
            .unwrap();
        use akool_client::VideoStatus;
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                VideoStatus::Other("null".into()),
                VideoStatus::Processing,
                VideoStatus::Completed
            ]
        );
    }

    /// Anam's status is whether `videoUrl` exists: `Pending`, then `Ready`.
    #[tokio::test]
    async fn anam_preview_reports_pending_then_ready() {
        let server = MockServer::start().await;
        let body = |url: serde_json::Value| {
            ResponseTemplate::new(200).set_body_json(json!({"id": AVATAR_ID, "videoUrl": url}))
        };
        respond_in_turn(
            &server,
            || Mock::given(path(format!("/v1/avatars/{AVATAR_ID}"))),
            vec![body(json!(null)), body(json!("https://e.com/p.mp4"))],
        )
        .await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        // The crate re-exports uuid: no dependency of the caller's own builds the id.
        let id: anam_client::uuid::Uuid = AVATAR_ID.parse().unwrap();
        let avatar = anam(&server)
            .wait_for_preview(id, fast(Duration::from_secs(5), &seen))
            .await
            .unwrap();
        assert_eq!(avatar.video_url.as_deref(), Some("https://e.com/p.mp4"));
        use anam_client::PreviewStatus;
        assert_eq!(
            *seen.lock().unwrap(),
            vec![PreviewStatus::Pending, PreviewStatus::Ready]
        );
    }

    #[tokio::test]
    async fn a_failed_poll_ends_the_wait_with_the_request_error() {
        let server = MockServer::start().await;
        Mock::given(path("/api/open/v3/content/video/infobymodelid"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"code": 1102, "msg": "Authorization cannot be empty"})),
            )
            .mount(&server)
            .await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let err = akool(&server)
            .wait_for_video("v1", fast(Duration::from_secs(5), &seen))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                akool_client::WaitError::Request(akool_client::Error::Envelope { code: 1102, .. })
            ),
            "{err}"
        );
    }
}

mod tracing_spans {
    use super::*;
    use std::io::Write;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn each_call_is_traced_with_operation_method_template_and_status_but_no_key() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::DEBUG)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let server = MockServer::start().await;
        let ok = ResponseTemplate::new(200).set_body_json(json!({}));
        respond_in_turn(
            &server,
            || Mock::given(path("/avatars/00000000-0000-4000-8000-613100000000")),
            vec![ResponseTemplate::new(503), ok],
        )
        .await;
        argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-613100000000")
            .send()
            .await
            .unwrap();
        let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("operation=\"get_avatar\""), "{log}");
        assert!(log.contains("http.request.method=GET"), "{log}");
        assert!(log.contains("url.template=\"/avatars/{id}\""), "{log}");
        assert!(log.contains("http.response.status_code=503"), "{log}");
        assert!(log.contains("retrying"), "{log}");
        assert!(!log.contains(TEST_KEY), "{log}");
    }

    /// With the runtime's spans filtered out, the caller's span is the current one while a
    /// request runs; its `resend_count` and `status_code` fields are the caller's, never
    /// recorded by us.
    #[tokio::test]
    async fn a_filtered_out_request_span_leaves_the_callers_span_alone() {
        use tracing::Instrument;
        use tracing_subscriber::prelude::*;
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::registry().with(
            tracing_subscriber::fmt::layer()
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .with_filter(tracing_subscriber::filter::filter_fn(|meta| {
                    !meta.target().starts_with("openapi_sdk_runtime")
                        && *meta.level() <= tracing::Level::INFO
                })),
        );
        let _guard = tracing::subscriber::set_default(subscriber);
        let server = MockServer::start().await;
        let ok = ResponseTemplate::new(200).set_body_json(json!({}));
        respond_in_turn(
            &server,
            || Mock::given(path("/avatars/00000000-0000-4000-8000-613100000000")),
            vec![ResponseTemplate::new(503), ok],
        )
        .await;
        let client = argil(&server);
        let caller = tracing::info_span!(
            "caller",
            http.request.resend_count = tracing::field::Empty,
            http.response.status_code = tracing::field::Empty
        );
        async {
            client
                .get_avatar()
                .id("00000000-0000-4000-8000-613100000000")
                .send()
                .await
                .unwrap();
            tracing::info!("after the call");
        }
        .instrument(caller)
        .await;
        let log = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        assert!(
            log.contains("after the call"),
            "the caller's event is logged: {log}"
        );
        assert!(!log.contains("resend_count="), "{log}");
        assert!(!log.contains("status_code="), "{log}");
    }
}
