//! Promises of the generated clients that once did not hold (issue 12), each against a real
//! loopback server: a maximum wait bounds the poll in flight, uploads are retried like JSON
//! bodies, every request body is checked before it is sent, and errors say what happened.

use std::time::{Duration, Instant};

use client_tests::{TEST_KEY, anam, argil, count, fast_retries, respond_in_turn};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const AVATAR_ID: &str = "071b0286-4cce-4808-bee2-e642f1062de3";

mod waits {
    use super::*;

    /// The second poll takes 3 s; a 1 s wait ends at 1 s, cancelling it, with the status the
    /// first poll saw.
    #[tokio::test]
    async fn a_maximum_wait_cancels_the_poll_in_flight() {
        let server = MockServer::start().await;
        let training = || ResponseTemplate::new(200).set_body_json(json!({"status": "TRAINING"}));
        respond_in_turn(
            &server,
            || Mock::given(path("/avatars/00000000-0000-4000-8000-736c6f770000")),
            vec![training(), training().set_delay(Duration::from_secs(3))],
        )
        .await;
        let wait = openapi_sdk_runtime::Wait::up_to(Duration::from_secs(1))
            .interval(Duration::from_millis(10))
            .max_interval(Duration::from_millis(10));
        let start = Instant::now();
        let err = argil(&server)
            .wait_for_training("00000000-0000-4000-8000-736c6f770000", wait)
            .await
            .unwrap_err();
        let elapsed = start.elapsed();
        // Under the 3 s the poll in flight would take: it was cancelled (margin for a loaded
        // machine above the 1 s wait).
        assert!(
            elapsed < Duration::from_millis(2500),
            "a 1 s wait took {elapsed:?}"
        );
        match err {
            argil_client::WaitError::TimedOut {
                waited,
                last_status,
            } => {
                assert!(waited >= Duration::from_secs(1), "{waited:?}");
                assert_eq!(last_status, Some(argil_client::TrainingStatus::Training));
            }
            other => panic!("{other}"),
        }
    }
}

mod uploads {
    use super::*;
    use anam_client::FilePart;

    /// A POST the server did not process (429, 503) is sent again, multipart like JSON, with the
    /// same parts.
    #[tokio::test]
    async fn an_upload_the_server_did_not_process_is_sent_again() {
        for status in [503, 429] {
            let server = MockServer::start().await;
            let created = ResponseTemplate::new(201).set_body_json(json!({"id": AVATAR_ID}));
            respond_in_turn(
                &server,
                || Mock::given(method("POST")).and(path("/v1/avatars")),
                vec![ResponseTemplate::new(status), created],
            )
            .await;
            let avatar = anam(&server)
                .create_avatar_multipart()
                .display_name("Alex")
                .image_file(FilePart::bytes(b"PNG-bytes".to_vec()).file_name("face.png"))
                .send()
                .await
                .unwrap();
            assert_eq!(avatar.status(), 201);
            let requests = server.received_requests().await.unwrap();
            assert_eq!(requests.len(), 2, "upload answered {status}");
            let strip = |r: &wiremock::Request| {
                // Each form has its own boundary; the parts must be the same.
                let content_type = r.headers.get("content-type").unwrap().to_str().unwrap();
                let boundary = content_type.split("boundary=").nth(1).unwrap().to_string();
                String::from_utf8_lossy(&r.body).replace(&boundary, "B")
            };
            assert_eq!(strip(&requests[0]), strip(&requests[1]));
            assert!(strip(&requests[1]).contains("PNG-bytes"));
        }
    }

    /// The other POST rules hold for uploads too: a 500 is not repeated.
    #[tokio::test]
    async fn an_upload_answered_500_is_not_sent_again() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500))
            .mount(&server)
            .await;
        let err = anam(&server)
            .create_avatar_multipart()
            .display_name("Alex")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
        assert_eq!(count(&server).await, 1);
    }
}

mod request_bodies {
    use super::*;
    use argil_client::types::AvatarCreateRequest;

    fn extras(n: usize) -> serde_json::Value {
        (0..n)
            .map(|i| (format!("k{i}"), json!("v")))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }

    fn image_body(extras_count: usize) -> serde_json::Value {
        json!({
            "type": "IMAGE",
            "name": "n",
            "datasetImage": {"url": "https://e.com/a.jpg"},
            "extras": extras(extras_count),
        })
    }

    /// `extras` allows at most 10 pairs. A body decoded from JSON is checked at send time like
    /// one the typed builder made: nothing reaches the server.
    #[tokio::test]
    async fn a_decoded_body_breaking_a_map_bound_is_not_sent() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
            .mount(&server)
            .await;
        let body: AvatarCreateRequest = serde_json::from_value(image_body(11)).unwrap();
        let err = argil(&server)
            .create_avatar()
            .body(body)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, argil_client::Error::InvalidRequest(m) if m.contains("11 entries")),
            "{err:?}"
        );
        assert_eq!(count(&server).await, 0, "an invalid body was sent");

        // The same map set on a field of a value (the types are #[non_exhaustive]: no literal).
        let AvatarCreateRequest::Image(mut literal) =
            serde_json::from_value(image_body(0)).unwrap()
        else {
            panic!("an image body")
        };
        literal.extras = Some(serde_json::from_value(extras(11)).unwrap());
        let err = argil(&server)
            .create_avatar()
            .body(AvatarCreateRequest::Image(literal))
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, argil_client::Error::InvalidRequest(_)),
            "{err:?}"
        );
        assert_eq!(count(&server).await, 0, "an invalid body was sent");

        // Ten pairs are fine.
        let body: AvatarCreateRequest = serde_json::from_value(image_body(10)).unwrap();
        argil(&server)
            .create_avatar()
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(count(&server).await, 1);
    }

    /// The response type shares the bounded map; a server sending more pairs than the spec
    /// allows still decodes, and the value can be serialized again (the waiter does).
    #[tokio::test]
    async fn a_response_beyond_a_map_bound_still_decodes_and_serializes() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-613100000000"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"status": "IDLE", "extras": extras(12)})),
            )
            .mount(&server)
            .await;
        let avatar = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-613100000000")
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(avatar.extras.as_ref().map(|e| e.len()), Some(12));
        assert_eq!(serde_json::to_value(&avatar).unwrap()["extras"], extras(12));
        let wait = openapi_sdk_runtime::Wait::up_to(Duration::from_secs(5));
        let avatar = argil(&server)
            .wait_for_training("00000000-0000-4000-8000-613100000000", wait)
            .await
            .unwrap();
        assert_eq!(avatar.extras.map(|e| e.len()), Some(12));
    }
}

mod error_messages {
    use super::*;

    /// Anam documents its 500 without a body schema: the message shows the server's body, and
    /// there is no documented error body to return.
    #[tokio::test]
    async fn an_undocumented_error_body_is_shown_and_not_reported_as_decoded() {
        let server = MockServer::start().await;
        Mock::given(path(format!("/v1/avatars/{AVATAR_ID}")))
            .respond_with(
                ResponseTemplate::new(500)
                    .insert_header("x-request-id", "req-7")
                    .set_body_json(json!({"message": "database unavailable"})),
            )
            .mount(&server)
            .await;
        let err = anam(&server)
            .get_avatar()
            .id(AVATAR_ID)
            .send()
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("database unavailable"), "{text}");
        assert!(
            text.contains("HTTP 500") && text.contains("req-7"),
            "{text}"
        );
        assert!(!text.contains("()"), "{text}");
        assert!(err.api_error().is_none(), "{err:?}");
        assert!(!text.contains(TEST_KEY), "{text}");

        // The upload path reports the same way.
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500).set_body_string("disk full"))
            .mount(&server)
            .await;
        let err = anam(&server)
            .create_avatar_multipart()
            .display_name("Alex")
            .send()
            .await
            .unwrap_err();
        assert!(err.to_string().contains("disk full"), "{err}");
        assert!(err.api_error().is_none(), "{err:?}");
    }

    /// A long body is cut, never printed whole.
    #[tokio::test]
    async fn a_long_error_body_is_shown_as_a_bounded_excerpt() {
        let server = MockServer::start().await;
        let long = "x".repeat(10_000);
        Mock::given(path(format!("/v1/avatars/{AVATAR_ID}")))
            .respond_with(ResponseTemplate::new(500).set_body_string(long))
            .mount(&server)
            .await;
        let err = anam(&server)
            .get_avatar()
            .id(AVATAR_ID)
            .send()
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("xxxx"), "{text}");
        assert!(text.len() < 1000, "{} characters", text.len());
    }

    /// A timeout says so, with how long the call took and how many attempts it made.
    #[tokio::test]
    async fn a_timeout_says_it_timed_out_after_how_long() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(201).set_delay(Duration::from_secs(2)))
            .mount(&server)
            .await;
        let client = argil_client::Client::builder()
            .api_key(TEST_KEY)
            .base_url(server.uri())
            .timeout(Duration::from_millis(200))
            .retry_policy(fast_retries())
            .build()
            .unwrap();
        let body = serde_json::from_value(
            json!({"type": "IMAGE", "name": "n", "datasetImage": {"url": "https://e.com/a.jpg"}}),
        )
        .unwrap();
        let err = client
            .create_avatar()
            .body::<argil_client::types::AvatarCreateRequest>(body)
            .send()
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        let text = err.to_string();
        let took = text
            .strip_prefix("request timed out after 1 attempt in ")
            .and_then(|rest| rest.split(':').next())
            .unwrap_or_else(|| panic!("{text}"));
        // 200 ms of timeout, printed as "201.3ms" (later on a loaded machine, never sooner).
        assert!(took.ends_with("ms") || took.ends_with('s'), "{text}");
        assert!(
            matches!(err, openapi_sdk_runtime::Error::Transport { attempts: 1, elapsed, .. } if elapsed >= Duration::from_millis(200)),
            "{err:?}"
        );
    }

    /// A refused connection names the cause, not only the URL.
    #[tokio::test]
    async fn a_refused_connection_says_so() {
        // Bound but never listening: the port stays ours (a freed one could go to another
        // test's server in this process) and a connection to it is refused.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let url = format!("http://{}", socket.local_addr().unwrap());
        let client = argil_client::Client::builder()
            .api_key(TEST_KEY)
            .base_url(url)
            .retry_policy(openapi_sdk_runtime::RetryPolicy::none())
            .build()
            .unwrap();
        let err = client
            .get_avatar()
            .id("00000000-0000-4000-8000-613100000000")
            .send()
            .await
            .unwrap_err();
        let text = err.to_string().to_lowercase();
        assert!(text.contains("refused"), "{text}");
        drop(socket);
    }
}
