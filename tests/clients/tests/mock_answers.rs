//! The typed mocks answer the way servers fail, so users can test their own retries and
//! timeouts: response headers that arrive (a request id, `Retry-After`), an answer delayed past
//! the client's timeout, a connection closed without a response (retried, or a transport error).
//! Each against the crate's own loopback `MockServer`.

use std::time::{Duration, Instant};

use argil_client::mock::MockServer;
use argil_client::{CallOptions, Error, ResponseExt, RetryPolicy, types};

const AVATAR_ID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

fn avatar() -> types::Avatar {
    types::Avatar::builder()
        .id(AVATAR_ID.parse::<uuid::Uuid>().unwrap())
        .status(types::AvatarStatus::Idle)
        .try_into()
        .unwrap()
}

/// Headers set on an answer reach the client: the request id and `Retry-After` are read from
/// the success value.
#[tokio::test]
async fn headers_set_on_an_answer_arrive() {
    let server = MockServer::start().await;
    server
        .get_avatar()
        .id(AVATAR_ID)
        .respond(avatar())
        .with_header("x-request-id", "req-42")
        .with_header("retry-after", "3")
        .mount()
        .await;
    let response = server
        .client()
        .get_avatar()
        .id(AVATAR_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(response.request_id(), Some("req-42"));
    assert_eq!(response.retry_after(), Some(Duration::from_secs(3)));
    assert_eq!(response.into_inner().id, Some(AVATAR_ID.parse().unwrap()));
}

/// A header set on the 503 answer only (the answer added last) arrives with that error, not
/// with the success that follows: the client waits the `Retry-After` the 503 asked for.
#[tokio::test]
async fn a_header_applies_to_the_answer_added_last() {
    let server = MockServer::start().await;
    let mounted = server
        .get_avatar()
        .id(AVATAR_ID)
        .respond_status(503)
        .with_header("retry-after", "1")
        .respond(avatar())
        .mount()
        .await;
    let started = Instant::now();
    let response = server
        .client()
        .get_avatar()
        .id(AVATAR_ID)
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(response.retry_after(), None);
    assert_eq!(mounted.calls(), 2);
}

/// An answer delayed past the client's timeout ends in a timeout error, soon after the
/// timeout rather than after the delay.
#[tokio::test]
async fn a_delayed_answer_times_out_a_client_with_a_short_timeout() {
    let server = MockServer::start().await;
    server
        .get_avatar()
        .id(AVATAR_ID)
        .respond(avatar())
        .with_delay(Duration::from_secs(3))
        .mount()
        .await;
    let started = Instant::now();
    let err = server
        .client()
        .get_avatar()
        .id(AVATAR_ID)
        .send_with(
            CallOptions::new()
                .timeout(Duration::from_millis(200))
                .retry_policy(RetryPolicy::none()),
        )
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(
        took >= Duration::from_millis(200) && took < Duration::from_secs(2),
        "{took:?}"
    );
}

/// A delay shorter than the timeout is only a slow answer.
#[tokio::test]
async fn a_delay_within_the_timeout_is_a_slow_success() {
    let server = MockServer::start().await;
    server
        .get_avatar()
        .id(AVATAR_ID)
        .respond(avatar())
        .with_delay(Duration::from_millis(300))
        .mount()
        .await;
    let started = Instant::now();
    server
        .client()
        .get_avatar()
        .id(AVATAR_ID)
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
}

/// A connection dropped without a response is retried (a GET may be repeated), and the next
/// answer in turn succeeds.
#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let server = MockServer::start().await;
    let mounted = server
        .get_avatar()
        .id(AVATAR_ID)
        .drop_connection()
        .respond(avatar())
        .expect(1)
        .mount()
        .await;
    let avatar = server
        .client()
        .get_avatar()
        .id(AVATAR_ID)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(avatar.status, Some(types::AvatarStatus::Idle));
    // Two requests taken, one answered (what `expect` counts).
    assert_eq!(mounted.calls(), 2);
    server.verify().await;
}

/// Without retries, a dropped connection is a transport error, not a timeout and not a status.
#[tokio::test]
async fn a_dropped_connection_without_retries_is_a_transport_error() {
    let server = MockServer::start().await;
    let mounted = server
        .get_avatar()
        .id(AVATAR_ID)
        .drop_connection()
        .mount()
        .await;
    let err = server
        .client()
        .get_avatar()
        .id(AVATAR_ID)
        .send_with(CallOptions::new().retry_policy(RetryPolicy::none()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(!err.is_timeout(), "{err:?}");
    assert_eq!(err.status(), None);
    assert_eq!(mounted.calls(), 1);
}

/// With the mock client's retries (3 attempts), a connection dropped every time fails after
/// all of them.
#[tokio::test]
async fn a_connection_dropped_every_time_fails_after_every_attempt() {
    let server = MockServer::start().await;
    let mounted = server
        .get_avatar()
        .id(AVATAR_ID)
        .drop_connection()
        .mount()
        .await;
    let err = server
        .client()
        .get_avatar()
        .id(AVATAR_ID)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 3, .. }),
        "{err:?}"
    );
    assert_eq!(mounted.calls(), 3);
}

/// A header or a delay needs an answer to apply to: the mistake is reported at `mount`.
#[tokio::test]
#[should_panic(expected = "before any answer")]
async fn a_header_before_any_answer_is_refused() {
    let server = MockServer::start().await;
    server
        .get_avatar()
        .with_header("x-request-id", "r")
        .respond(avatar())
        .mount()
        .await;
}
