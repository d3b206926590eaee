//! Typed mocks for the tests of code that uses a generated client (cargo feature `mock`): a real
//! HTTP server on loopback (wiremock underneath) that answers like the API. This is the untyped
//! half, written once; each generated crate's `mock` module wraps it with one typed method per
//! operation (typed parameters, request bodies and answers, the envelope filled in).
//!
//! It is test support, so a misused expectation (no answer, a parameter that does not convert)
//! panics at `mount` like a failed assertion, and unmet `expect(n)` counts panic when the server
//! is dropped or [`MockServer::verify`]ed. A request no expectation matches gets a 404 whose body
//! says why each expectation of that route refused it, so the call fails at once with that text.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wiremock::{Mock, Request, ResponseTemplate};

use crate::config::{ClientConfig, FromParts};
use answers::{Answer, Answers, DropsNext, Kind, Sequence};
use matcher::{Matcher, Matching, Part, parse_template};

mod answers;
mod matcher;
use crate::envelope::EnvelopeSpec;
use crate::retry::RetryPolicy;

/// How many calls an expectation wants (`3`, `1..`, `..=2`), checked when the server is dropped
/// or verified.
pub use wiremock::Times;

/// The API key [`MockServer::client`] sends.
pub const TEST_API_KEY: &str = "test-api-key";

/// What a request that no expectation matched is answered with.
const UNMATCHED_STATUS: u16 = 404;

/// wiremock's priority for the mock that drops connections: ahead of the answering mocks
/// (wiremock's default, 5), which the same requests would match too.
const DROP_PRIORITY: u8 = 4;

/// A loopback HTTP server answering the expectations mounted on it.
pub struct MockServer {
    server: wiremock::MockServer,
    state: Arc<State>,
}

/// What the server needs to explain a request nothing matched.
#[derive(Default)]
struct State {
    /// Every mounted expectation's matcher, in mounting order.
    matchers: Mutex<Vec<Arc<Matcher>>>,
    /// Each request nothing matched, with the reasons.
    unmatched: Mutex<Vec<String>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server on a free loopback port (inside a Tokio runtime).
    pub async fn start() -> Self {
        let server = wiremock::MockServer::start().await;
        let state = Arc::new(State::default());
        // The lowest priority: it answers only what no expectation took.
        Mock::given(Anything)
            .respond_with(Unmatched(state.clone()))
            .with_priority(u8::MAX)
            .named("a request no expectation matched")
            .mount(&server)
            .await;
        MockServer { server, state }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client of type `C` pointed at this server: a test API key (when the API takes one),
    /// retries after 1 ms instead of 500 ms, waiters polling every few milliseconds whatever
    /// their `Wait` says, and a 10 s deadline per call, so a test that goes wrong fails fast.
    pub fn client<C: FromParts>(&self) -> C {
        let mut config = ClientConfig::<C>::default()
            .base_url(self.uri())
            .retry_policy(RetryPolicy {
                max_attempts: 3,
                max_elapsed: Duration::from_secs(5),
                initial_delay: Duration::from_millis(1),
                max_delay: Duration::from_millis(10),
            })
            .timeout(Duration::from_secs(5))
            .deadline(Duration::from_secs(10))
            .poll_intervals(Duration::from_millis(1), Duration::from_millis(10));
        if !C::DEFAULTS.auth_schemes.is_empty() {
            config = config.api_key(TEST_API_KEY);
        }
        match config.build() {
            Ok(client) => client,
            // Only a bad base URL or key fails, and both are ours: a bug, reported as a test failure.
            Err(e) => panic!(
                "openapi-sdk-runtime mock: cannot build a client for {}: {e}",
                self.uri()
            ),
        }
    }

    /// An expectation for one operation (`GET /avatars/{id}`); the generated typed methods
    /// start here.
    pub fn expectation(
        &self,
        operation: &'static str,
        method: &'static str,
        path: &'static str,
    ) -> Expectation<'_> {
        Expectation {
            server: self,
            matcher: Matcher {
                operation,
                method,
                template: path,
                path: parse_template(path),
                query: Vec::new(),
                headers: Vec::new(),
                bodies: Vec::new(),
            },
            answers: Vec::new(),
            times: None,
            problems: Vec::new(),
        }
    }

    /// The requests no expectation matched, each with why, in arrival order.
    pub fn unmatched(&self) -> Vec<String> {
        lock(&self.state.unmatched).clone()
    }

    /// Panics when an expectation's `expect(n)` count is not met or a request matched nothing.
    /// (Dropping the server checks the counts too, unless the test is already panicking.)
    pub async fn verify(&self) {
        self.server.verify().await;
        let unmatched = self.unmatched();
        if !unmatched.is_empty() {
            panic!(
                "openapi-sdk-runtime mock: {} request(s) matched no expectation:\n{}",
                unmatched.len(),
                unmatched.join("\n")
            );
        }
    }
}

/// What a mounted expectation has answered.
#[derive(Debug, Clone)]
pub struct Mounted {
    calls: Arc<AtomicUsize>,
}

impl Mounted {
    /// How many requests this expectation has taken so far, dropped connections included.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

/// What a request must look like, and the answers it gets: built by the generated typed
/// expectations, then [`mount`](Expectation::mount)ed.
#[must_use = "an expectation does nothing until `.mount().await`"]
pub struct Expectation<'a> {
    server: &'a MockServer,
    matcher: Matcher,
    answers: Vec<Answer>,
    times: Option<Times>,
    /// Mistakes in building it (a value that does not convert), reported at `mount`.
    problems: Vec<String>,
}

impl Expectation<'_> {
    /// The path parameter `name` must be `value` (as the client writes it).
    pub fn path_param<T: Serialize>(mut self, name: &str, value: Result<T, String>) -> Self {
        match value.and_then(|v| text(&v)) {
            Ok(value) => {
                for segment in &mut self.matcher.path {
                    for part in segment.iter_mut() {
                        if let Part::Param(param, wanted) = part
                            && param == name
                        {
                            *wanted = Some(value.clone());
                        }
                    }
                }
            }
            Err(e) => self.problems.push(format!("path parameter `{name}`: {e}")),
        }
        self
    }

    /// The query parameter `name` must be present with `value`.
    pub fn query_param<T: Serialize>(mut self, name: &str, value: Result<T, String>) -> Self {
        match value.and_then(|v| text(&v)) {
            Ok(value) => self.matcher.query.push((name.to_string(), value)),
            Err(e) => self.problems.push(format!("query parameter `{name}`: {e}")),
        }
        self
    }

    /// The header `name` must be present with `value`.
    pub fn header_param<T: Serialize>(mut self, name: &str, value: Result<T, String>) -> Self {
        match value.and_then(|v| text(&v)) {
            Ok(value) => self
                .matcher
                .headers
                .push((name.to_ascii_lowercase(), value)),
            Err(e) => self.problems.push(format!("header `{name}`: {e}")),
        }
        self
    }

    /// The JSON body must decode as `T` (named `type_name` in failures) and satisfy `predicate`.
    /// Several predicates must all hold.
    pub fn body<T, F>(mut self, type_name: &'static str, predicate: F) -> Self
    where
        T: DeserializeOwned,
        F: Fn(&T) -> bool + Send + Sync + 'static,
    {
        let index = self.matcher.bodies.len() + 1;
        self.matcher.bodies.push(Box::new(move |body: &[u8]| {
            let decoded: T = serde_json::from_slice(body)
                .map_err(|e| format!("the body does not decode as `{type_name}`: {e}"))?;
            if predicate(&decoded) {
                Ok(())
            } else {
                Err(format!("`when` #{index} returned false for the body"))
            }
        }));
        self
    }

    /// Answers with `body` as JSON.
    pub fn respond_json<T: Serialize>(mut self, status: u16, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self
                .answers
                .push(Answer::respond(status, Some((bytes, "application/json")))),
            Err(e) => self
                .problems
                .push(format!("the answer does not serialize: {e}")),
        }
        self
    }

    /// Answers with the envelope around `data` (success code, message "OK"), checked to decode
    /// as `Whole`, the operation's typed response: an envelope with other required fields needs
    /// the whole response instead (the generated `respond`).
    pub fn respond_data<Whole: DeserializeOwned, T: Serialize>(
        self,
        envelope: Option<&EnvelopeSpec>,
        data_field: &str,
        status: u16,
        data: &T,
    ) -> Self {
        match serde_json::to_value(data) {
            Ok(data) => self.respond_value::<Whole>(envelope, data_field, status, data),
            Err(e) => self.with_problem(format!("the answer does not serialize: {e}")),
        }
    }

    /// Answers in turn with results whose status (at the JSON pointer `pointer` of what `send`
    /// returns) is each of `statuses`, JSON text such as `2` or `"TRAINING"`, wrapped in the
    /// envelope when there is one and checked to decode as `Whole`.
    pub fn respond_statuses<Whole: DeserializeOwned>(
        mut self,
        envelope: Option<&EnvelopeSpec>,
        data_field: &str,
        status: u16,
        pointer: &str,
        statuses: &[String],
    ) -> Self {
        for value in statuses {
            // JSON text (`2`, `"IDLE"`, `null`); anything else is a string status.
            let value =
                serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.clone()));
            let mut data = Value::Object(Default::default());
            set_pointer(&mut data, pointer, value);
            self = self.respond_value::<Whole>(envelope, data_field, status, data);
        }
        self
    }

    fn respond_value<Whole: DeserializeOwned>(
        self,
        envelope: Option<&EnvelopeSpec>,
        data_field: &str,
        status: u16,
        data: Value,
    ) -> Self {
        let body = match envelope {
            Some(envelope) => {
                let mut body = Value::Object(Default::default());
                let code = envelope.success.first().copied().unwrap_or_default();
                set_pointer(&mut body, envelope.code, code.into());
                set_pointer(&mut body, envelope.message, "OK".into());
                set_pointer(&mut body, &format!("/{}", escape(data_field)), data);
                body
            }
            None => data,
        };
        match serde_json::from_value::<Whole>(body.clone()) {
            Ok(_) => self.respond_json(status, &body),
            Err(e) => self.with_problem(format!(
                "the answer {body} does not decode as the operation's response ({e}): answer with the whole typed response (`respond`)"
            )),
        }
    }

    /// Answers with `body` as it is, of the given content type.
    pub fn respond_bytes(mut self, status: u16, body: Vec<u8>, content_type: &'static str) -> Self {
        self.answers
            .push(Answer::respond(status, Some((body, content_type))));
        self
    }

    /// Answers with `status` and no body.
    pub fn respond_empty(mut self, status: u16) -> Self {
        self.answers.push(Answer::respond(status, None));
        self
    }

    /// Closes the connection without any response, as a crashed server or a proxy does: the
    /// client gets a transport error (and retries it when its policy allows). An answer like
    /// the others: successive requests get successive answers, the last repeating.
    pub fn drop_connection(mut self) -> Self {
        self.answers.push(Answer::dropped());
        self
    }

    /// Adds the response header `name: value` to the answer added last (`retry-after`,
    /// `x-request-id`, rate limits); several are all sent.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        let header = http::HeaderName::try_from(name)
            .map_err(|e| format!("header name `{name}`: {e}"))
            .and_then(|n| {
                http::HeaderValue::try_from(value)
                    .map(|v| (n, v))
                    .map_err(|e| format!("header `{name}` value `{value}`: {e}"))
            });
        match (header, self.answers.last_mut()) {
            (Err(e), _) => self.problems.push(e),
            (_, None) => self.problems.push(format!(
                "`with_header({name:?}, ..)` before any answer: it applies to the answer added last"
            )),
            // A closed connection sends no headers: keeping quiet would let a test believe
            // its client saw one.
            (_, Some(answer)) if matches!(answer.kind, Kind::Drop) => self.problems.push(format!(
                "`with_header({name:?}, ..)` after `drop_connection()`: a dropped connection has no response to carry it"
            )),
            (Ok(header), Some(answer)) => answer.headers.push(header),
        }
        self
    }

    /// Delays the answer added last by `delay`, to exercise the client's timeouts: the
    /// response (headers and body) is written only after it.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        match self.answers.last_mut() {
            // The connection is closed at once; a delay would be silently ignored.
            Some(answer) if matches!(answer.kind, Kind::Drop) => self.problems.push(
                "`with_delay(..)` after `drop_connection()`: a dropped connection is closed at once".into(),
            ),
            Some(answer) => answer.delay = Some(delay),
            None => self.problems.push(
                "`with_delay(..)` before any answer: it applies to the answer added last".into(),
            ),
        }
        self
    }

    /// The number of calls it expects, checked when the server is dropped or verified. It
    /// counts the requests answered with a response: a dropped connection is not one (its
    /// request shows in `calls()`).
    pub fn expect(mut self, times: impl Into<Times>) -> Self {
        self.times = Some(times.into());
        self
    }

    /// Records a mistake to report at `mount` (a typed value the generated code could not take).
    pub fn with_problem(mut self, problem: String) -> Self {
        self.problems.push(problem);
        self
    }

    /// Starts answering. Panics if the expectation was built wrong (no answer, a value that
    /// did not convert).
    pub async fn mount(self) -> Mounted {
        let name = format!(
            "{} ({} {})",
            self.matcher.operation, self.matcher.method, self.matcher.template
        );
        let mut problems = self.problems;
        if self.answers.is_empty() {
            problems.push("no answer: call one of the `respond` methods".into());
        }
        if !problems.is_empty() {
            panic!(
                "openapi-sdk-runtime mock: the expectation for {name} is wrong:\n- {}",
                problems.join("\n- ")
            );
        }
        let calls = Arc::new(AtomicUsize::new(0));
        let matcher = Arc::new(self.matcher);
        lock(&self.server.state.matchers).push(matcher.clone());
        let sequence = Arc::new(Sequence {
            answers: self.answers,
            calls: calls.clone(),
        });
        if sequence.has_drops() {
            // wiremock answers a request with a response or, from a mock made with
            // `respond_with_err`, with an error that closes the connection; never both from
            // one mock. This one runs first (a higher priority) and takes only the requests
            // whose turn in the shared sequence is a drop.
            let dropping = sequence.clone();
            Mock::given(DropsNext {
                matcher: matcher.clone(),
                sequence: sequence.clone(),
            })
            .respond_with_err(move |_: &Request| answers::dropped(&dropping))
            .with_priority(DROP_PRIORITY)
            .named(format!("{name}, dropping the connection"))
            .mount(&self.server.server)
            .await;
        }
        let mut mock = Mock::given(Matching(matcher))
            .respond_with(Answers(sequence))
            .named(name);
        if let Some(times) = self.times {
            mock = mock.expect(times);
        }
        mock.mount(&self.server.server).await;
        Mounted { calls }
    }
}

/// A parameter's value as the client writes it: strings as they are, numbers and booleans as
/// JSON writes them.
fn text<T: Serialize>(value: &T) -> Result<String, String> {
    match serde_json::to_value(value).map_err(|e| e.to_string())? {
        Value::String(s) => Ok(s),
        v @ (Value::Number(_) | Value::Bool(_)) => Ok(v.to_string()),
        other => Err(format!("only a single value can be matched, not {other}")),
    }
}

/// Sets `pointer` in `target`, creating what is missing on the way: an array where the next
/// token is an index (`/0/status` -> `[{"status": ..}]`, as the waiter reads it), else an object.
fn set_pointer(target: &mut Value, pointer: &str, value: Value) {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut at = target;
    for token in &tokens {
        at = match token.parse::<usize>() {
            Ok(index) => {
                if !at.is_array() {
                    *at = Value::Array(Vec::new());
                }
                let Value::Array(items) = at else { return };
                if items.len() <= index {
                    items.resize(index + 1, Value::Null);
                }
                &mut items[index]
            }
            Err(_) => {
                if !at.is_object() {
                    *at = Value::Object(Default::default());
                }
                let Value::Object(map) = at else { return };
                map.entry(token.clone()).or_insert(Value::Null)
            }
        };
    }
    *at = value;
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A lock that outlives a panicking test thread (the data is only appended to).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

struct Anything;

impl wiremock::Match for Anything {
    fn matches(&self, _: &Request) -> bool {
        true
    }
}

/// Answers what nothing matched with the reasons, and records it.
struct Unmatched(Arc<State>);

impl wiremock::Respond for Unmatched {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_string(),
        };
        let mut message = format!(
            "openapi-sdk-runtime mock: no expectation matched {} {path}",
            request.method
        );
        let matchers = lock(&self.0.matchers);
        let routed: Vec<_> = matchers.iter().filter(|m| m.route_fits(request)).collect();
        if routed.is_empty() {
            let mounted: Vec<String> = matchers
                .iter()
                .map(|m| format!("{} {}", m.method, m.template))
                .collect();
            let _ = write!(
                message,
                "; no expectation for this route (mounted: {})",
                if mounted.is_empty() {
                    "none".to_string()
                } else {
                    mounted.join(", ")
                }
            );
        }
        for m in routed {
            if let Err(reason) = m.explain(request) {
                let _ = write!(message, "; {}: {reason}", m.operation);
            }
        }
        lock(&self.0.unmatched).push(message.clone());
        ResponseTemplate::new(UNMATCHED_STATUS).set_body_raw(message.into_bytes(), "text/plain")
    }
}

#[cfg(test)]
mod tests;
