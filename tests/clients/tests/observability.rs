//! What the generated clients tell a tracing subscriber, against loopback servers: the request
//! span's OpenTelemetry HTTP fields (method, path template, status, resend count, request id),
//! recorded with the values the wire carried; a span per waiter run and per listing stream, the
//! parent of their requests' spans; waiters polling at jittered intervals.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use akool_client::mock::MockServer as AkoolMock;
use akool_client::{VideoStatus, Wait};
use client_tests::{akool, argil, respond_in_turn};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A span as the subscriber saw it: its name, its parent's name, every field recorded.
#[derive(Debug, Clone, Default)]
struct Seen {
    name: String,
    parent: Option<String>,
    fields: BTreeMap<String, String>,
}

impl Seen {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

/// Records every span's fields as text, at creation and on each `record`, in creation order.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<(Id, Seen)>>>);

impl Capture {
    fn spans(&self, name: &str) -> Vec<Seen> {
        let spans = self.0.lock().unwrap();
        spans
            .iter()
            .filter(|(_, s)| s.name == name)
            .map(|(_, s)| s.clone())
            .collect()
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl<S> Layer<S> for Capture
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut seen = Seen {
            name: attrs.metadata().name().to_string(),
            parent: ctx
                .span(id)
                .and_then(|span| span.parent().map(|p| p.name().to_string())),
            ..Seen::default()
        };
        attrs.record(&mut Fields(&mut seen.fields));
        self.0.lock().unwrap().push((id.clone(), seen));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut spans = self.0.lock().unwrap();
        // Span ids are reused after a span closes: the latest span with this id is the one.
        if let Some((_, seen)) = spans.iter_mut().rev().find(|(i, _)| i == id) {
            values.record(&mut Fields(&mut seen.fields));
        }
    }
}

/// A subscriber capturing every span, the default for the current thread while the guard lives
/// (the tests run on Tokio's current-thread runtime, so every poll happens on this thread).
fn capture() -> (Capture, tracing::subscriber::DefaultGuard) {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    (capture, tracing::subscriber::set_default(subscriber))
}

const AVATAR: &str = "00000000-0000-4000-8000-613100000000";

/// A 503 then a 200 carrying a request id: one span for the call, with the method, the path
/// template (not the id), the last status, one resend, and the id the server sent.
#[tokio::test]
async fn the_request_span_carries_the_opentelemetry_http_fields() {
    let (capture, _guard) = capture();
    let server = MockServer::start().await;
    let ok = ResponseTemplate::new(200)
        .insert_header("x-request-id", "req-7f3a")
        .set_body_json(json!({}));
    respond_in_turn(
        &server,
        || Mock::given(path(format!("/avatars/{AVATAR}"))),
        vec![ResponseTemplate::new(503), ok],
    )
    .await;
    argil(&server).get_avatar().id(AVATAR).send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    let spans = capture.spans("http_request");
    assert_eq!(spans.len(), 1, "one span per call: {spans:?}");
    let span = &spans[0];
    assert_eq!(span.field("operation"), Some("get_avatar"), "{span:?}");
    assert_eq!(span.field("http.request.method"), Some("GET"), "{span:?}");
    assert_eq!(
        span.field("url.template"),
        Some("/avatars/{id}"),
        "{span:?}"
    );
    assert_eq!(
        span.field("http.response.status_code"),
        Some("200"),
        "{span:?}"
    );
    assert_eq!(
        span.field("http.request.resend_count"),
        Some("1"),
        "{span:?}"
    );
    assert_eq!(span.field("request_id"), Some("req-7f3a"), "{span:?}");
    assert_eq!(span.field("otel.kind"), Some("client"), "{span:?}");
}

/// A call answered at once has no resend count (the conventions set it only on resends).
#[tokio::test]
async fn a_first_attempt_has_no_resend_count() {
    let (capture, _guard) = capture();
    let server = MockServer::start().await;
    Mock::given(path(format!("/avatars/{AVATAR}")))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({})))
        .mount(&server)
        .await;
    argil(&server)
        .get_avatar()
        .id(AVATAR)
        .send()
        .await
        .unwrap_err();
    let spans = capture.spans("http_request");
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0].field("http.response.status_code"), Some("404"));
    assert_eq!(spans[0].field("http.request.resend_count"), None);
    assert_eq!(spans[0].field("request_id"), None);
}

/// A waiter run is one `waiter` span naming the waiter and the operation it polls, counting the
/// polls and holding the last raw status; each poll's request span is its child.
#[tokio::test]
async fn a_waiter_run_has_its_own_span_around_its_polls() {
    let (capture, _guard) = capture();
    let server = AkoolMock::start().await;
    server
        .get_video_info()
        .respond_statuses([
            VideoStatus::Queueing,
            VideoStatus::Processing,
            VideoStatus::Completed,
        ])
        .mount()
        .await;
    server
        .client()
        .wait_for_video("v1", Wait::up_to(Duration::from_secs(10)))
        .await
        .unwrap();
    let waiters = capture.spans("waiter");
    assert_eq!(waiters.len(), 1, "{waiters:?}");
    let waiter = &waiters[0];
    assert_eq!(waiter.field("waiter"), Some("wait_for_video"), "{waiter:?}");
    assert_eq!(
        waiter.field("operation"),
        Some("get_video_info"),
        "{waiter:?}"
    );
    assert_eq!(waiter.field("polls"), Some("3"), "{waiter:?}");
    assert_eq!(waiter.field("status"), Some("3"), "{waiter:?}");
    let requests = capture.spans("http_request");
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(
        requests
            .iter()
            .all(|r| r.parent.as_deref() == Some("waiter")
                && r.field("operation") == Some("get_video_info")),
        "{requests:?}"
    );
}

/// A listing stream is one `pagination` span naming the operation, counting pages and items;
/// each page's request span is its child.
#[tokio::test]
async fn a_listing_stream_has_its_own_span_around_its_pages() {
    let (capture, _guard) = capture();
    let server = MockServer::start().await;
    let page = |count: usize| {
        let items: Vec<_> = (0..count)
            .map(|i| json!({"avatar_id": format!("a{i}"), "name": "n", "from": 2}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"code": 1000, "msg": "ok", "data": items}))
    };
    respond_in_turn(
        &server,
        || Mock::given(path("/api/open/v3/avatar/list")),
        vec![page(100), page(3)],
    )
    .await;
    let client = akool(&server);
    let items = client
        .list_avatars()
        .from(2i64)
        .stream()
        .collect_up_to(1000)
        .await
        .unwrap();
    assert_eq!(items.len(), 103);
    let listings = capture.spans("pagination");
    assert_eq!(listings.len(), 1, "{listings:?}");
    let listing = &listings[0];
    assert_eq!(
        listing.field("operation"),
        Some("list_avatars"),
        "{listing:?}"
    );
    assert_eq!(listing.field("pages"), Some("2"), "{listing:?}");
    assert_eq!(listing.field("items"), Some("103"), "{listing:?}");
    let requests = capture.spans("http_request");
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests
            .iter()
            .all(|r| r.parent.as_deref() == Some("pagination")),
        "{requests:?}"
    );
}

/// Polls against a loopback server arrive at jittered intervals: with a fixed 40 ms interval
/// (first and largest alike, so no doubling), each gap lies between half the interval and the
/// interval plus scheduling slack, and the gaps spread out instead of repeating one value.
#[tokio::test]
async fn waiter_polls_arrive_at_jittered_intervals() {
    let server = MockServer::start().await;
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let log = arrivals.clone();
    Mock::given(path("/api/open/v3/content/video/infobymodelid"))
        .respond_with(move |_: &wiremock::Request| {
            log.lock().unwrap().push(Instant::now());
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 1000, "msg": "ok", "data": {"video_status": 2}}))
        })
        .mount(&server)
        .await;
    let interval = Duration::from_millis(40);
    let err = akool(&server)
        .wait_for_video(
            "v1",
            Wait::up_to(Duration::from_millis(1200))
                .interval(interval)
                .max_interval(interval),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, akool_client::WaitError::TimedOut { .. }),
        "{err}"
    );
    let arrivals = arrivals.lock().unwrap();
    let gaps: Vec<Duration> = arrivals.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.len() >= 15, "{gaps:?}");
    // The last gap may be cut short by the maximum wait.
    for gap in &gaps[..gaps.len() - 1] {
        assert!(
            *gap >= interval / 2,
            "a gap below half the interval: {gaps:?}"
        );
    }
    // Without jitter every gap would be 40 ms plus a little; with it, a fair share of them lie
    // below 35 ms (each wait is uniform over 20..40 ms, so about three in four do).
    let short = gaps
        .iter()
        .filter(|g| **g < Duration::from_millis(35))
        .count();
    assert!(short >= gaps.len() / 4, "{short} short gaps: {gaps:?}");
}
