//! What the generated clients tell a tracing subscriber, against loopback servers: the request
//! span's OpenTelemetry HTTP fields (method, path template, status, resend count, request id),
//! recorded with the values the wire carried.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use client_tests::{argil, respond_in_turn};
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
    #[allow(dead_code)] // read by the waiter and pagination tests below
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
