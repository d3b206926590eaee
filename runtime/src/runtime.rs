//! Executes every request of a generated client: adds the credentials, retries what may be
//! retried (backoff with jitter, `Retry-After`, capped in attempts and time, rebuilding the
//! request from its parts), enforces the call's deadline, traces each call with its operation's
//! path template, and reads and checks an envelope's body.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::Response;
use reqwest::header::{HeaderValue, RETRY_AFTER, USER_AGENT};
use tracing::Instrument;

use crate::auth::ConfigError;
use crate::credentials::Auth;
use crate::envelope::EnvelopeSpec;
use crate::interceptor::{Attempt, Interceptor, Interceptors, ResponseInfo, RetryInfo};
use crate::request::Request;
use crate::retry::{RetryPolicy, retry_after, retry_status, retry_transport};

/// The generated `Client`'s inner state (progenitor's `inner` type).
#[derive(Debug, Clone)]
pub struct Runtime {
    /// The credentials and how each scheme applies them, header values built once: parsing
    /// and checking them per request showed up in the request-overhead profile. Values are
    /// marked sensitive, and `Debug` shows only which credentials exist.
    auth: Arc<Auth>,
    retry: RetryPolicy,
    /// Time allowed for a whole call, retries included (`None`: no limit beyond the retry
    /// policy's).
    deadline: Option<Duration>,
    /// The timeout of one attempt, when known (the `reqwest::Client` was built by
    /// `ClientConfig`): an attempt that must end before the deadline needs no timer of its own.
    attempt_timeout: Option<Duration>,
    /// Sent unless the request already has a `User-Agent` (none when the caller's own
    /// `reqwest::Client` should send its own).
    user_agent: Option<HeaderValue>,
    envelope: Option<&'static EnvelopeSpec>,
    /// Replaces every waiter's polling intervals (first, largest): a client for tests against a
    /// mock, whose jobs change state at once, need not wait seconds between polls.
    poll_intervals: Option<(Duration, Duration)>,
    /// The caller's hooks, run in order around every attempt.
    interceptors: Interceptors,
}

impl Runtime {
    pub(crate) fn new(
        auth: Auth,
        retry: RetryPolicy,
        envelope: Option<&'static EnvelopeSpec>,
    ) -> Self {
        Runtime {
            auth: Arc::new(auth),
            retry,
            deadline: None,
            attempt_timeout: None,
            user_agent: None,
            envelope,
            poll_intervals: None,
            interceptors: Interceptors::default(),
        }
    }

    /// The retry policy calls use unless their options override it.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Limits every call to `deadline` in all, retries and their waits included; a call's
    /// [`CallOptions::deadline`](crate::CallOptions::deadline) replaces it.
    pub fn with_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// Runs `interceptors`, in order, around every attempt of every call.
    pub fn with_interceptors(mut self, interceptors: Vec<Arc<dyn Interceptor>>) -> Self {
        self.interceptors = Interceptors(interceptors.into());
        self
    }

    /// Polls every waiter at these intervals (the first, then doubling up to the largest),
    /// whatever the caller's `Wait` says; `None` keeps each `Wait`'s own.
    pub fn with_poll_intervals(mut self, intervals: Option<(Duration, Duration)>) -> Self {
        self.poll_intervals = intervals;
        self
    }

    /// `wait` with this client's polling intervals, if it has its own (the generated waiters
    /// pass their `Wait` through here).
    pub fn adjust_wait<S>(&self, wait: crate::Wait<S>) -> crate::Wait<S> {
        match self.poll_intervals {
            Some((first, largest)) => wait.interval(first).max_interval(largest),
            None => wait,
        }
    }

    /// Tells the runtime the `reqwest::Client`'s timeout per attempt (only an optimisation: see
    /// the field).
    pub fn with_attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Sends `User-Agent: <user_agent>` with every request that has none.
    pub fn with_user_agent(mut self, user_agent: &str) -> Result<Self, ConfigError> {
        let value = HeaderValue::from_str(user_agent)
            .map_err(|_| ConfigError::InvalidUserAgent(user_agent.to_string()))?;
        self.user_agent = Some(value);
        Ok(self)
    }

    /// Sends one call's request: credentials, the call's options, retries with backoff while
    /// the retry policy and the deadline allow, one span per call. The future is boxed: its
    /// state machine is a few kilobytes, and unboxed every enclosing future would hold and move
    /// a copy (BENCHMARKS.md, section 4).
    pub(crate) fn send<'a>(
        &'a self,
        http: &'a reqwest::Client,
        request: Request,
    ) -> Pin<Box<dyn Future<Output = Result<Answer, Failure>> + Send + 'a>> {
        let operation = request.operation;
        // Field values are only computed when a subscriber wants the span. The names follow
        // OpenTelemetry's HTTP client conventions, so a tracing-opentelemetry exporter files
        // them where dashboards look for them: `url.template` is the operation's path template
        // (`/avatars/{id}`, never the values, which may be personal), `resend_count` is set
        // only on a retry, as the conventions ask.
        let span = tracing::info_span!(
            "http_request",
            otel.kind = "client",
            operation = operation.id,
            http.request.method = %operation.method,
            url.template = operation.path,
            http.request.resend_count = tracing::field::Empty,
            http.response.status_code = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        if span.is_disabled() {
            // Entering and leaving a disabled span on every poll still costs; skip the wrapper.
            Box::pin(self.attempts(http, request, span))
        } else {
            Box::pin(self.attempts(http, request, span.clone()).instrument(span))
        }
    }

    fn identify(&self, request: &mut reqwest::Request) {
        if let Some(agent) = &self.user_agent {
            request
                .headers_mut()
                .entry(USER_AGENT)
                .or_insert_with(|| agent.clone());
        }
    }

    /// One attempt's `reqwest::Request`, with credentials and the call's options.
    fn attempt_request(
        &self,
        http: &reqwest::Client,
        request: &Request,
    ) -> Result<reqwest::Request, String> {
        let mut built = request.build(http)?;
        self.identify(&mut built);
        // The client has no total timeout of its own (a download may take longer than any):
        // each attempt gets one here, except those whose success streams to the caller, which
        // the client's idle timeout between reads bounds instead.
        if !request.operation.stream
            && let Some(timeout) = self.attempt_timeout
        {
            *built.timeout_mut() = Some(timeout);
        }
        Ok(built)
    }

    /// `span` is this request's span, passed rather than taken as the current one: when ours is
    /// disabled the current span may be the caller's, whose fields are not ours to record.
    async fn attempts(
        &self,
        http: &reqwest::Client,
        request: Request,
        span: tracing::Span,
    ) -> Result<Answer, Failure> {
        let start = Instant::now();
        if let Some(problem) = request
            .invalid
            .clone()
            .or_else(|| request.options.as_ref().and_then(|o| o.invalid.clone()))
        {
            return Err(Failure::Invalid(problem));
        }
        let operation = request.operation;
        let method = operation.method.clone();
        // `send_with`'s options replace the client's for this call.
        let call = request.options.as_ref();
        let retry = call.and_then(|o| o.retry.as_ref()).unwrap_or(&self.retry);
        // `checked_add`: a deadline too far to represent is none.
        let deadline = call.and_then(|o| o.deadline).or(self.deadline);
        let deadline = deadline.and_then(|d| Some((d, start.checked_add(d)?)));
        let attempt_timeout = call.and_then(|o| o.timeout).or(self.attempt_timeout);
        let mut delays = retry.delays();
        let mut attempt = 0u32;
        // A token the server refused (401) is fetched again, once, outside the retry policy.
        let (mut refresh_token, mut refreshed) = (false, false);
        let deadline_passed = |attempts: u32, guard: Option<(Duration, Instant)>| {
            let limit = guard.map_or(Duration::ZERO, |(limit, _)| limit);
            tracing::warn!(
                deadline_ms = limit.as_millis() as u64,
                "the call's deadline passed"
            );
            Failure::Deadline {
                deadline: limit,
                attempts,
                elapsed: start.elapsed(),
            }
        };
        loop {
            attempt += 1;
            if attempt > 1 {
                span.record("http.request.resend_count", attempt - 1);
            }
            let mut built = match self.attempt_request(http, &request) {
                Ok(built) => built,
                Err(problem) if attempt == 1 => return Err(Failure::Invalid(problem)),
                Err(problem) => {
                    // Built once already, so only a part that changed since (a file) fails.
                    tracing::warn!(error = %problem, "request not rebuilt for a retry");
                    return Err(Failure::Invalid(problem));
                }
            };
            // Credentials before the call's options, so a header the caller passes for one call
            // replaces the client's.
            let refresh = std::mem::take(&mut refresh_token);
            let token_used = self
                .auth
                .apply(http, &mut built, operation.security, refresh)
                .await
                .map_err(Failure::Invalid)?;
            if let Some(options) = &request.options {
                options.apply(&mut built);
            }
            let this = Attempt {
                operation: operation.id,
                method: &operation.method,
                path: operation.path,
                number: attempt,
            };
            if !self.interceptors.is_empty() {
                self.interceptors
                    .before_attempt(&mut built, this)
                    .await
                    .map_err(|(name, source)| Failure::Interceptor { name, source })?;
            }
            let sent_at = Instant::now();
            let may_retry = attempt < retry.max_attempts;
            // An attempt whose own timeout ends it before the deadline needs no deadline timer
            // (with the defaults, 60 s per attempt and 120 s in all, the first never does),
            // sparing the common request a second timer next to reqwest's.
            let guard = deadline.filter(|&(limit, _)| {
                attempt_timeout.is_none_or(|timeout| start.elapsed() + timeout > limit)
            });
            let Some(sent) = within(guard, http.execute(built)).await else {
                return Err(deadline_passed(attempt, guard));
            };
            match sent {
                Ok(response) => {
                    let status = response.status();
                    span.record("http.response.status_code", status.as_u16());
                    // The header lookup is skipped when nobody records the span.
                    if !span.is_disabled()
                        && let Some(id) = crate::headers::request_id(response.headers())
                    {
                        span.record("request_id", id);
                    }
                    if !self.interceptors.is_empty() {
                        let seen = ResponseInfo {
                            attempt: this,
                            status,
                            headers: response.headers(),
                            elapsed: sent_at.elapsed(),
                        };
                        self.interceptors
                            .after_response(&seen)
                            .map_err(|(name, source)| Failure::Interceptor { name, source })?;
                    }
                    if status == reqwest::StatusCode::UNAUTHORIZED && token_used && !refreshed {
                        refreshed = true;
                        refresh_token = true;
                        attempt -= 1;
                        tracing::info!("the token was refused; fetching a new one");
                        continue;
                    }
                    if may_retry && retry_status(&method, status) {
                        let asked = response
                            .headers()
                            .get(RETRY_AFTER)
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| retry_after(v, SystemTime::now()));
                        if let Some(delay) = next_delay(retry, deadline, &mut delays, asked, start)
                        {
                            tracing::info!(
                                status = status.as_u16(),
                                delay_ms = delay.as_millis() as u64,
                                "retrying"
                            );
                            self.interceptors.on_retry(&RetryInfo {
                                attempt: this,
                                status: Some(status),
                                delay,
                            });
                            tokio::time::sleep(delay).await;
                            continue;
                        }
                    }
                    let Some(spec) = self.envelope.filter(|_| status.is_success()) else {
                        // A success without an envelope to check streams on unread.
                        return Ok(Answer {
                            response,
                            body: None,
                            envelope: None,
                            attempts: attempt,
                            started: start,
                        });
                    };
                    // Boxed: reading a body is a large future, which every request's future
                    // would otherwise carry, and copy, envelope or not.
                    let read = Box::pin(enveloped(spec, response, attempt, start));
                    return match within(guard, read).await {
                        Some(answer) => answer,
                        None => Err(deadline_passed(attempt, guard)),
                    };
                }
                Err(error) => {
                    if may_retry
                        && retry_transport(&method, &error)
                        && let Some(delay) = next_delay(retry, deadline, &mut delays, None, start)
                    {
                        tracing::info!(error = %error, delay_ms = delay.as_millis() as u64, "retrying");
                        self.interceptors.on_retry(&RetryInfo {
                            attempt: this,
                            status: None,
                            delay,
                        });
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    tracing::warn!(error = %error, "request failed");
                    return Err(Failure::Transport {
                        source: error,
                        attempts: attempt,
                        elapsed: start.elapsed(),
                    });
                }
            }
        }
    }
}

/// A success of an API with an envelope: its body is read here (inside the deadline) and
/// checked.
async fn enveloped(
    spec: &'static EnvelopeSpec,
    response: Response,
    attempts: u32,
    started: Instant,
) -> Result<Answer, Failure> {
    // `bytes()` consumes the response; keep a bodiless copy of its head.
    let head = {
        let mut head = http::Response::new(bytes::Bytes::new());
        *head.status_mut() = response.status();
        *head.version_mut() = response.version();
        *head.headers_mut() = response.headers().clone();
        Response::from(head)
    };
    let body = response
        .bytes()
        .await
        .map_err(|source| Failure::Transport {
            source,
            attempts,
            elapsed: started.elapsed(),
        })?;
    let envelope = spec.check(&body);
    if let Some(failure) = &envelope {
        tracing::info!(code = failure.code, "envelope reports a failure");
    }
    Ok(Answer {
        response: head,
        body: Some(body),
        envelope,
        attempts,
        started,
    })
}

/// What the executor hands back: the final response and, when it read it (an envelope to
/// check), its body.
pub(crate) struct Answer {
    pub response: Response,
    pub body: Option<bytes::Bytes>,
    pub envelope: Option<crate::envelope::EnvelopeFailure>,
    pub attempts: u32,
    pub started: Instant,
}

/// A call that got no response to decode.
#[derive(Debug)]
pub(crate) enum Failure {
    Invalid(String),
    Interceptor {
        name: String,
        source: crate::interceptor::BoxError,
    },
    Transport {
        source: reqwest::Error,
        attempts: u32,
        elapsed: Duration,
    },
    Deadline {
        deadline: Duration,
        attempts: u32,
        elapsed: Duration,
    },
}

/// The wait before the next attempt, or `None` when attempts or time are used up: the retry
/// policy's `max_elapsed`, or a wait that would end past the call's deadline (no attempt could
/// then finish in time). A `Retry-After` the server asks for replaces the backoff delay.
fn next_delay(
    retry: &RetryPolicy,
    deadline: Option<(Duration, Instant)>,
    delays: &mut impl Iterator<Item = Duration>,
    asked: Option<Duration>,
    start: Instant,
) -> Option<Duration> {
    let backoff = delays.next()?;
    let delay = asked.unwrap_or(backoff);
    let resumes = start.elapsed() + delay;
    let in_time = deadline.is_none_or(|(limit, _)| resumes < limit);
    (resumes <= retry.max_elapsed && in_time).then_some(delay)
}

/// Runs `work` until the deadline's instant, if any; `None` when it passed first (`work` is
/// dropped, which cancels the request in flight).
async fn within<F: Future>(deadline: Option<(Duration, Instant)>, work: F) -> Option<F::Output> {
    match deadline {
        Some((_, at)) => tokio::time::timeout_at(at.into(), work).await.ok(),
        None => Some(work.await),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{ApiKey, AuthScheme};
    use crate::multipart::FilePart;
    use crate::request::{Operation, Status};
    use reqwest::header::AUTHORIZATION;
    use std::sync::{Arc, Mutex};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A loopback HTTP/1.1 server answering one request per connection with the given statuses
    /// in turn (the last one repeats); returns its URL and each request as received.
    async fn serve(statuses: &'static [u16]) -> (String, Arc<Mutex<Vec<String>>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/upload", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            for i in 0.. {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                let header_end = loop {
                    let n = stream.read(&mut buf).await.unwrap();
                    request.extend_from_slice(&buf[..n]);
                    if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        break at + 4;
                    }
                };
                let head = String::from_utf8_lossy(&request[..header_end]).to_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .map_or(0, |v| v.trim().parse().unwrap());
                while request.len() < header_end + length {
                    let n = stream.read(&mut buf).await.unwrap();
                    request.extend_from_slice(&buf[..n]);
                }
                log.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&request).into_owned());
                let status = statuses[i.min(statuses.len() - 1)];
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{{}}"
                );
                stream.write_all(response.as_bytes()).await.unwrap();
            }
        });
        (url, seen)
    }

    fn runtime() -> Runtime {
        let retry = RetryPolicy {
            max_attempts: 4,
            initial_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        };
        let credentials = crate::credentials::Credentials {
            key: Some(ApiKey::new("k-123".into())),
            ..Default::default()
        };
        let auth = Auth::new(credentials, None, &[&[AuthScheme::Header("x-api-key")]]).unwrap();
        Runtime::new(auth, retry, None)
    }

    static UPLOAD: Operation = Operation {
        id: "upload",
        method: reqwest::Method::POST,
        path: "/upload",
        success: &[Status::Code(201)],
        errors: &[],
        accept: "application/json",
        security: None,
        stream: false,
    };

    static GET: Operation = Operation {
        id: "x",
        method: reqwest::Method::GET,
        path: "/x",
        success: &[Status::Code(200)],
        errors: &[],
        accept: "application/json",
        security: None,
        stream: false,
    };

    fn upload(url: &str, file: &FilePart) -> Request {
        let mut request = Request::new(&UPLOAD, url);
        request
            .multipart_text("name", "Alex")
            .multipart_file("file", file.clone());
        request
    }

    /// The part of a multipart request that must not change between attempts: everything but
    /// the boundary, which each form draws afresh.
    fn without_boundary(request: &str) -> String {
        let boundary = request
            .split("boundary=")
            .nth(1)
            .and_then(|rest| rest.split("\r\n").next())
            .unwrap();
        request.replace(boundary, "BOUNDARY")
    }

    #[tokio::test]
    async fn a_multipart_post_is_rebuilt_for_each_retry() {
        let (url, seen) = serve(&[503, 429, 201]).await;
        let http = crate::http_client_builder().unwrap().build().unwrap();
        let file = FilePart::bytes(b"PNG-bytes".to_vec()).file_name("face.png");
        let runtime = runtime();
        let response = runtime
            .send_json::<serde_json::Value, ()>(&http, upload(&url, &file))
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert!(seen[0].starts_with("POST /upload "), "{}", seen[0]);
        assert!(seen[0].contains("x-api-key: k-123"), "{}", seen[0]);
        assert!(seen[0].contains("PNG-bytes"), "{}", seen[0]);
        for retry in &seen[1..] {
            assert_eq!(without_boundary(retry), without_boundary(&seen[0]));
        }
    }

    /// A 500 to a POST is not repeated; a form that cannot be built sends nothing.
    #[tokio::test]
    async fn a_rebuilt_post_follows_the_post_rules() {
        let (url, seen) = serve(&[500, 201]).await;
        let http = crate::http_client_builder().unwrap().build().unwrap();
        let file = FilePart::bytes(b"x".to_vec());
        let runtime = runtime();
        let error = runtime
            .send_json::<serde_json::Value, ()>(&http, upload(&url, &file))
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
        assert_eq!(seen.lock().unwrap().len(), 1);

        let bad = FilePart::bytes(b"x".to_vec()).content_type("not a mime type");
        let error = runtime
            .send_json::<serde_json::Value, ()>(&http, upload(&url, &bad))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, crate::Error::InvalidRequest(m) if m.starts_with("file: ")),
            "{error:?}"
        );
        assert_eq!(seen.lock().unwrap().len(), 1);
    }
    /// A server that accepts connections and never answers; counts them.
    async fn silent() -> (String, Arc<Mutex<usize>>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/x", listener.local_addr().unwrap());
        let count = Arc::new(Mutex::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            let mut open = Vec::new();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                *seen.lock().unwrap() += 1;
                open.push(stream);
            }
        });
        (url, count)
    }

    /// Without a timeout per attempt, only the deadline ends a call the server never answers:
    /// the attempt in flight is cancelled and the error says after how long.
    #[tokio::test]
    async fn the_deadline_cancels_the_attempt_in_flight() {
        let (url, count) = silent().await;
        let http = crate::http_client_builder().unwrap().build().unwrap();
        let runtime = runtime().with_deadline(Some(Duration::from_millis(300)));
        let started = Instant::now();
        let error = runtime
            .send_json::<serde_json::Value, ()>(&http, Request::new(&GET, &url))
            .await
            .unwrap_err();
        let took = started.elapsed();
        assert!(took < Duration::from_secs(2), "{took:?}");
        assert!(error.is_timeout());
        let text = error.to_string();
        // How late the deadline fired depends on the machine's load: the variant says it fired
        // no earlier than due, the text says what happened.
        assert!(
            matches!(error, crate::Error::Deadline { attempts: 1, elapsed, .. } if elapsed >= Duration::from_millis(300)),
            "{error:?}"
        );
        assert!(
            text.starts_with("request timed out after 1 attempt in ")
                && text.ends_with("the call's deadline of 300ms passed"),
            "{text}"
        );
        assert_eq!(*count.lock().unwrap(), 1);
    }

    /// A call's options replace the client's: its headers (over the credential and the user
    /// agent) on every attempt, its retry policy.
    #[tokio::test]
    async fn call_options_replace_the_clients_settings() {
        let (url, seen) = serve(&[503, 200]).await;
        let http = crate::http_client_builder().unwrap().build().unwrap();
        let runtime = runtime().with_user_agent("vendor-client/1.2.3").unwrap();
        let options = crate::CallOptions::new()
            .header("x-api-key", "k-other")
            .header("x-trace", "t1")
            .retry_policy(RetryPolicy::none());
        let mut request = Request::new(&GET, &url);
        request.options(Some(options));
        let error = runtime
            .send_json::<serde_json::Value, ()>(&http, request)
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "no retry: {seen:?}");
        let head = seen[0].to_lowercase();
        assert!(head.contains("x-api-key: k-other\r\n"), "{head}");
        assert!(!head.contains("k-123"), "{head}");
        assert!(head.contains("x-trace: t1\r\n"), "{head}");
        assert!(
            head.contains("user-agent: vendor-client/1.2.3\r\n"),
            "{head}"
        );
    }

    /// Logs each hook call as `<name> <hook> <detail>` and sets `authorization` per attempt.
    struct Logging {
        name: &'static str,
        log: Arc<Mutex<Vec<String>>>,
        sets_token: bool,
    }

    impl Interceptor for Logging {
        fn name(&self) -> &str {
            self.name
        }

        fn before_attempt<'a>(
            &'a self,
            request: &'a mut reqwest::Request,
            attempt: Attempt<'a>,
        ) -> crate::interceptor::HookFuture<'a> {
            Box::pin(async move {
                // An async refresh, as a token provider would do it.
                tokio::task::yield_now().await;
                self.log.lock().unwrap().push(format!(
                    "{} before {} {}",
                    self.name, attempt.operation, attempt.number
                ));
                if self.sets_token {
                    let token = format!("Bearer fresh-{}", attempt.number);
                    request
                        .headers_mut()
                        .insert(AUTHORIZATION, HeaderValue::from_str(&token).unwrap());
                }
                Ok(())
            })
        }

        fn after_response(
            &self,
            response: &ResponseInfo<'_>,
        ) -> Result<(), crate::interceptor::BoxError> {
            self.log.lock().unwrap().push(format!(
                "{} after {}",
                self.name,
                response.status.as_u16()
            ));
            Ok(())
        }

        fn on_retry(&self, retry: &RetryInfo<'_>) {
            let status = retry.status.map_or(0, |s| s.as_u16());
            self.log
                .lock()
                .unwrap()
                .push(format!("{} retry {status}", self.name));
        }
    }

    /// Interceptors run in the order added, on every attempt; what `before_attempt` sets is
    /// what the server receives.
    #[tokio::test]
    async fn interceptors_run_in_order_on_every_attempt_and_their_changes_are_sent() {
        let (url, seen) = serve(&[503, 200]).await;
        let http = crate::http_client_builder().unwrap().build().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let runtime = runtime().with_interceptors(vec![
            Arc::new(Logging {
                name: "token",
                log: log.clone(),
                sets_token: true,
            }),
            Arc::new(Logging {
                name: "counter",
                log: log.clone(),
                sets_token: false,
            }),
        ]);
        runtime
            .send_json::<serde_json::Value, ()>(&http, Request::new(&GET, &url))
            .await
            .unwrap();
        assert_eq!(
            *log.lock().unwrap(),
            [
                "token before x 1",
                "counter before x 1",
                "token after 503",
                "counter after 503",
                "token retry 503",
                "counter retry 503",
                "token before x 2",
                "counter before x 2",
                "token after 200",
                "counter after 200",
            ]
        );
        let seen = seen.lock().unwrap();
        assert!(
            seen[0].contains("authorization: Bearer fresh-1\r\n"),
            "{}",
            seen[0]
        );
        assert!(
            seen[1].contains("authorization: Bearer fresh-2\r\n"),
            "{}",
            seen[1]
        );
    }

    struct Refusing;

    impl Interceptor for Refusing {
        fn name(&self) -> &str {
            "refusing"
        }

        fn before_attempt<'a>(
            &'a self,
            _: &'a mut reqwest::Request,
            _: Attempt<'a>,
        ) -> crate::interceptor::HookFuture<'a> {
            Box::pin(async { Err("no token available".into()) })
        }
    }

    /// A hook's error ends the call unsent, naming the interceptor.
    #[tokio::test]
    async fn a_failing_hook_ends_the_call_and_names_the_interceptor() {
        let (url, seen) = serve(&[200]).await;
        let http = crate::http_client_builder().unwrap().build().unwrap();
        let runtime = runtime().with_interceptors(vec![Arc::new(Refusing)]);
        let error = runtime
            .send_json::<serde_json::Value, ()>(&http, Request::new(&GET, &url))
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "interceptor `refusing` failed: no token available"
        );
        assert!(matches!(error, crate::Error::Interceptor { ref name, .. } if name == "refusing"));
        assert!(seen.lock().unwrap().is_empty());
    }

    /// The executor's future is boxed once per call and moved by value up to there: it must stay
    /// small. A body read or a token fetch held inline made it 4.3 KB, copied twice per request
    /// (BENCHMARKS.md, section 7.6); both are boxed where they happen.
    #[tokio::test]
    async fn the_executors_future_stays_small() {
        let runtime = runtime();
        let http = crate::http_client_builder().unwrap().build().unwrap();
        let attempts = runtime.attempts(
            &http,
            Request::new(&GET, "http://127.0.0.1:9/x"),
            tracing::Span::none(),
        );
        let size = std::mem::size_of_val(&attempts);
        assert!(size <= 3_000, "{size} bytes");
    }
}
