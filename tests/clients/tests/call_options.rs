//! Per-call options (`send_with(CallOptions)`), the overall deadline of a call and the default
//! `User-Agent` (issue 12 item 9), against real loopback servers.

use std::time::{Duration, Instant};

use client_tests::{TEST_KEY, akool, anam, argil, count, fast_retries};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use argil_client::{CallOptions, RetryPolicy};

const AVATAR_ID: &str = "071b0286-4cce-4808-bee2-e642f1062de3";

/// A server whose `/avatars/a` answers after `delay`.
async fn slow(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/avatars/00000000-0000-4000-8000-610000000000"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({}))
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

mod per_call {
    use super::*;

    /// The client allows 60 s per attempt; this call 200 ms, on each of its 3 attempts.
    #[tokio::test]
    async fn a_call_timeout_replaces_the_clients() {
        let server = slow(Duration::from_secs(3)).await;
        let start = Instant::now();
        let error = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-610000000000")
            .send_with(CallOptions::new().timeout(Duration::from_millis(200)))
            .await
            .unwrap_err();
        let took = start.elapsed();
        assert!(error.is_timeout(), "{error:?}");
        assert!(
            matches!(error, argil_client::Error::Transport { attempts: 3, .. }),
            "{error:?}"
        );
        // Under the 3 s one attempt with the client's timeout would wait for the slow server.
        assert!(took < Duration::from_millis(2900), "{took:?}");
        assert_eq!(count(&server).await, 3);
    }

    /// Extra headers go with the call they were given to, on every attempt, and no other;
    /// multipart builders take them too.
    #[tokio::test]
    async fn call_headers_are_sent_with_that_call_only() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-610000000000"))
            .and(header("x-trace", "t-1"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-610000000000"))
            .and(header("x-trace", "t-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .mount(&server)
            .await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-610000000000"))
            .respond_with(ResponseTemplate::new(404))
            .mount(&server)
            .await;
        let client = argil(&server);
        let options = CallOptions::new().header("x-trace", "t-1");
        client
            .get_avatar()
            .id("00000000-0000-4000-8000-610000000000")
            .send_with(options)
            .await
            .unwrap();
        assert_eq!(count(&server).await, 2, "the retry carries the header too");
        let error = client
            .get_avatar()
            .id("00000000-0000-4000-8000-610000000000")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));

        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/avatars"))
            .and(header("x-trace", "t-2"))
            .respond_with(
                ResponseTemplate::new(201)
                    .set_body_json(json!({"id": AVATAR_ID, "displayName": "Alex"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        anam(&server)
            .create_avatar_multipart()
            .display_name("Alex")
            .image_file(anam_client::FilePart::bytes(b"png".to_vec()).file_name("a.png"))
            .send_with(anam_client::CallOptions::new().header("x-trace", "t-2"))
            .await
            .unwrap();
    }

    /// An invalid header fails the call before anything is sent.
    #[tokio::test]
    async fn an_invalid_call_header_is_an_invalid_request() {
        let server = MockServer::start().await;
        let error = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-610000000000")
            .send_with(CallOptions::new().header("x-trace", "a\r\nb"))
            .await
            .unwrap_err();
        assert!(
            matches!(error, argil_client::Error::InvalidRequest(_)),
            "{error:?}"
        );
        assert_eq!(count(&server).await, 0);
    }

    /// The client retries a 503 three times; this call not at all. Envelope operations
    /// (akool) take options the same way.
    #[tokio::test]
    async fn a_call_retry_policy_replaces_the_clients() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-610000000000"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        let error = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-610000000000")
            .send_with(CallOptions::new().retry_policy(RetryPolicy::none()))
            .await
            .unwrap_err();
        assert!(
            matches!(error, argil_client::Error::Api { attempts: 1, .. }),
            "{error:?}"
        );
        assert_eq!(count(&server).await, 1);

        let server = MockServer::start().await;
        Mock::given(path("/api/open/v3/avatar/list"))
            .respond_with(ResponseTemplate::new(503))
            .mount(&server)
            .await;
        let error = akool(&server)
            .list_avatars()
            .send_with(akool_client::CallOptions::new().retry_policy(RetryPolicy::none()))
            .await
            .unwrap_err();
        assert!(
            matches!(error, akool_client::Error::Api { attempts: 1, .. }),
            "{error:?}"
        );
        assert_eq!(count(&server).await, 1);
    }
}

mod deadline {
    use super::*;

    /// The report of issue 12: 1 s per attempt and the default retry policy (4 attempts, backoff
    /// from 500 ms) made a GET to a server that never answers in time fail after more than 7 s.
    /// A 2.5 s deadline ends it at 2.5 s: the first attempt times out at 1 s, the second starts
    /// after 0.5 to 1 s of backoff and is cancelled in flight.
    fn assert_cut_short<E: std::fmt::Debug>(error: &argil_client::Error<E>, took: Duration) {
        assert!(took < Duration::from_millis(3500), "{took:?}");
        assert!(error.is_timeout(), "{error:?}");
        let text = error.to_string();
        assert!(text.starts_with("request timed out after "), "{text}");
        assert!(text.contains(" attempt"), "{text}");
    }

    #[tokio::test]
    async fn the_clients_deadline_cuts_a_retrying_get_short() {
        let server = slow(Duration::from_secs(10)).await;
        let client = argil_client::Client::builder()
            .api_key(TEST_KEY)
            .base_url(server.uri())
            .timeout(Duration::from_secs(1))
            .deadline(Duration::from_millis(2500))
            .build()
            .unwrap();
        let start = Instant::now();
        let error = client
            .get_avatar()
            .id("00000000-0000-4000-8000-610000000000")
            .send()
            .await
            .unwrap_err();
        assert_cut_short(&error, start.elapsed());
        let text = error.to_string();
        assert!(
            text.starts_with("request timed out after 2 attempts in "),
            "{text}"
        );
        assert!(
            matches!(error, argil_client::Error::Deadline { attempts: 2, elapsed, .. } if elapsed >= Duration::from_millis(2500)),
            "{error:?}"
        );
        assert!(
            text.ends_with("the call's deadline of 2.5s passed"),
            "{text}"
        );
        assert_eq!(count(&server).await, 2);
    }

    /// No per-attempt timeout shorter than the call: only the deadline ends it, and says so.
    #[tokio::test]
    async fn a_call_deadline_cancels_the_attempt_in_flight() {
        let server = slow(Duration::from_secs(10)).await;
        let start = Instant::now();
        let error = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-610000000000")
            .send_with(CallOptions::new().deadline(Duration::from_millis(1500)))
            .await
            .unwrap_err();
        assert_cut_short(&error, start.elapsed());
        let text = error.to_string();
        assert!(
            text.starts_with("request timed out after 1 attempt in "),
            "{text}"
        );
        assert!(
            matches!(error, argil_client::Error::Deadline { attempts: 1, elapsed, .. } if elapsed >= Duration::from_millis(1500)),
            "{error:?}"
        );
        assert!(
            text.ends_with("the call's deadline of 1.5s passed"),
            "{text}"
        );
        assert!(
            matches!(error, argil_client::Error::Deadline { attempts: 1, .. }),
            "{error:?}"
        );
    }

    /// No retry starts whose wait would outlast the deadline: a `Retry-After: 5` ends the call
    /// at once with the 503 it answered.
    #[tokio::test]
    async fn no_retry_waits_past_the_deadline() {
        let server = MockServer::start().await;
        Mock::given(path("/avatars/00000000-0000-4000-8000-610000000000"))
            .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "5"))
            .mount(&server)
            .await;
        let start = Instant::now();
        let error = argil(&server)
            .get_avatar()
            .id("00000000-0000-4000-8000-610000000000")
            .send_with(CallOptions::new().deadline(Duration::from_secs(2)))
            .await
            .unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(1), "{error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(count(&server).await, 1);
    }
}

mod user_agent {
    use super::*;

    async fn agent_sent(client: argil_client::Client, server: &MockServer) -> Option<String> {
        client
            .get_avatar()
            .id("00000000-0000-4000-8000-610000000000")
            .send()
            .await
            .unwrap();
        let requests = server.received_requests().await.unwrap();
        let agent = requests.last()?.headers.get("user-agent")?;
        Some(agent.to_str().unwrap().to_string())
    }

    #[tokio::test]
    async fn the_crate_names_itself_unless_told_otherwise() {
        let server = slow(Duration::ZERO).await;
        let builder = || {
            argil_client::Client::builder()
                .api_key(TEST_KEY)
                .base_url(server.uri())
                .retry_policy(fast_retries())
        };
        let agent = agent_sent(builder().build().unwrap(), &server).await;
        let version = agent
            .as_deref()
            .and_then(|a| a.strip_prefix("argil-client/"))
            .unwrap_or_else(|| panic!("{agent:?}"));
        assert!(
            version.split('.').count() == 3 && version.split('.').all(|n| n.parse::<u32>().is_ok()),
            "{agent:?}"
        );

        let client = builder().user_agent("my-app/2.0").build().unwrap();
        assert_eq!(
            agent_sent(client, &server).await.as_deref(),
            Some("my-app/2.0")
        );

        // A reqwest client of the caller's keeps its own user agent, or sends none.
        let http = argil_client::http_client_builder()
            .unwrap()
            .user_agent("own/3")
            .build()
            .unwrap();
        let client = builder().http_client(http).build().unwrap();
        assert_eq!(agent_sent(client, &server).await.as_deref(), Some("own/3"));
        let http = argil_client::http_client_builder()
            .unwrap()
            .build()
            .unwrap();
        let client = builder().http_client(http).build().unwrap();
        assert_eq!(agent_sent(client, &server).await, None);

        let error = builder().user_agent("bad\nagent").build().unwrap_err();
        assert!(
            matches!(error, argil_client::ConfigError::InvalidUserAgent(_)),
            "{error:?}"
        );
    }
}
