//! What an expectation answers, in turn: a status with an optional body, response headers and a
//! delay, or a connection closed without any response. Users test their own retries and
//! timeouts against these, so each is what a real server would do on the wire.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use wiremock::{Request, ResponseTemplate};

/// One answer of an expectation.
#[derive(Debug, Clone)]
pub(super) struct Answer {
    pub(super) kind: Kind,
    /// Response headers, in the order given (`retry-after`, `x-request-id`).
    pub(super) headers: Vec<(http::HeaderName, http::HeaderValue)>,
    /// How long the server waits before it answers.
    pub(super) delay: Option<Duration>,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
    Respond {
        status: u16,
        body: Option<(Vec<u8>, &'static str)>,
    },
    /// The connection is closed without a response, as a crashed or overloaded server or a
    /// proxy cutting idle connections does.
    Drop,
}

impl Answer {
    pub(super) fn respond(status: u16, body: Option<(Vec<u8>, &'static str)>) -> Self {
        Answer {
            kind: Kind::Respond { status, body },
            headers: Vec::new(),
            delay: None,
        }
    }

    pub(super) fn dropped() -> Self {
        Answer {
            kind: Kind::Drop,
            headers: Vec::new(),
            delay: None,
        }
    }
}

/// The answers of one expectation and how many requests it took; shared by the mock that
/// answers and the one that drops, so both follow one sequence.
pub(super) struct Sequence {
    pub(super) answers: Vec<Answer>,
    pub(super) calls: Arc<AtomicUsize>,
}

impl Sequence {
    /// The answer the next request gets: each in turn, the last repeating.
    fn next(&self) -> Option<&Answer> {
        let call = self.calls.load(Ordering::SeqCst);
        self.answers.get(call).or_else(|| self.answers.last())
    }

    /// Whether the next request's answer is a dropped connection.
    pub(super) fn drops_next(&self) -> bool {
        self.next().is_some_and(|a| matches!(a.kind, Kind::Drop))
    }

    pub(super) fn has_drops(&self) -> bool {
        self.answers.iter().any(|a| matches!(a.kind, Kind::Drop))
    }
}

/// Successive answers, the last repeating; counts the calls.
pub(super) struct Answers(pub(super) Arc<Sequence>);

impl wiremock::Respond for Answers {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let sequence = &self.0;
        let answer = sequence.next().cloned();
        sequence.calls.fetch_add(1, Ordering::SeqCst);
        let Some(answer) = answer else {
            return ResponseTemplate::new(500);
        };
        let mut response = match answer.kind {
            Kind::Respond { status, body } => {
                let response = ResponseTemplate::new(status);
                match body {
                    Some((body, content_type)) => response.set_body_raw(body, content_type),
                    None => response,
                }
            }
            // Only reached if wiremock asked this mock although the dropping one matched
            // first; a 500 then says something is off rather than answering as if fine.
            Kind::Drop => ResponseTemplate::new(500),
        };
        for (name, value) in answer.headers {
            response = response.append_header(name, value);
        }
        if let Some(delay) = answer.delay {
            response = response.set_delay(delay);
        }
        response
    }
}

/// Matches (ahead of the answering mock) the requests whose turn is a dropped connection.
pub(super) struct DropsNext {
    pub(super) matcher: Arc<super::Matcher>,
    pub(super) sequence: Arc<Sequence>,
}

impl wiremock::Match for DropsNext {
    fn matches(&self, request: &Request) -> bool {
        self.sequence.drops_next() && self.matcher.explain(request).is_ok()
    }
}

/// The error the server's request handler returns for a dropped answer: hyper then closes the
/// connection without writing a response, which the client sees as the connection closed
/// before the message completed (a transport error, retried like any other).
pub(super) fn dropped(sequence: &Sequence) -> std::io::Error {
    sequence.calls.fetch_add(1, Ordering::SeqCst);
    std::io::Error::new(
        std::io::ErrorKind::ConnectionAborted,
        "openapi-sdk-runtime mock: connection dropped as the expectation asked",
    )
}
