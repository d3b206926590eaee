//! Executes every request of a generated client: adds the credentials, retries what may be
//! retried (backoff with jitter, `Retry-After`, capped in attempts and time), traces each attempt,
//! and records the final response (and any envelope failure) for [`crate::finish`].

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Request, Response};
use tracing::Instrument;

use crate::auth::{ApiKey, AuthScheme, ConfigError};
use crate::call::{capturing, record};
use crate::envelope::EnvelopeSpec;
use crate::error::RawResponse;
use crate::retry::{RetryPolicy, retry_after, retry_status, retry_transport};

/// An operation as traced: its id, HTTP method and path template (never the filled-in URL).
#[derive(Debug, Clone, Copy)]
pub struct OperationMeta {
    pub id: &'static str,
    pub method: &'static str,
    pub path: &'static str,
}

/// The future of one call through the runtime. Boxed because its state machine is a few
/// kilobytes (request, retry timer, body read): unboxed, every enclosing async fn would hold and
/// move a copy of it, and those copies were most of the generated client's per-request cost
/// (BENCHMARKS.md, section 4).
pub type Executing<'a> = Pin<Box<dyn Future<Output = reqwest::Result<Response>> + Send + 'a>>;

/// The generated `Client`'s inner state (progenitor's `inner` type).
#[derive(Debug, Clone)]
pub struct Runtime {
    /// The credential header, built once: parsing and checking it per request showed up in the
    /// request-overhead profile. The value is marked sensitive, so `Debug` does not print it.
    credential: Option<(HeaderName, HeaderValue)>,
    retry: RetryPolicy,
    envelope: Option<&'static EnvelopeSpec>,
    operations: &'static [OperationMeta],
}

impl Runtime {
    pub fn new(
        key: Option<ApiKey>,
        auth: Option<AuthScheme>,
        retry: RetryPolicy,
        envelope: Option<&'static EnvelopeSpec>,
        operations: &'static [OperationMeta],
    ) -> Result<Self, ConfigError> {
        Ok(Runtime {
            credential: credential(key.as_ref(), auth)?,
            retry,
            envelope,
            operations,
        })
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Sends `request` (progenitor's `exec` hook lands here).
    pub fn execute<'a>(
        &'a self,
        http: &'a reqwest::Client,
        mut request: Request,
        operation_id: &'a str,
    ) -> Executing<'a> {
        if let Some((name, value)) = &self.credential {
            request.headers_mut().insert(name.clone(), value.clone());
        }
        // Field values are only computed when a subscriber wants the span.
        let span = tracing::info_span!(
            "http_request",
            operation = operation_id,
            method = %request.method(),
            path = self.path_template(operation_id),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        if span.is_disabled() {
            // Entering and leaving a disabled span on every poll still costs; skip the wrapper.
            Box::pin(self.attempts(http, request, span))
        } else {
            Box::pin(self.attempts(http, request, span.clone()).instrument(span))
        }
    }

    fn path_template(&self, operation_id: &str) -> &'static str {
        self.operations
            .iter()
            .find(|m| m.id == operation_id)
            .map_or("", |m| m.path)
    }

    /// `span` is this request's span, passed rather than taken as the current one: when ours is
    /// disabled the current span may be the caller's, whose fields are not ours to record.
    async fn attempts(
        &self,
        http: &reqwest::Client,
        mut request: Request,
        span: tracing::Span,
    ) -> reqwest::Result<Response> {
        let start = Instant::now();
        let method = request.method().clone();
        let mut delays = self.retry.delays();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            record(|c| c.attempts = attempt);
            // A streaming body cannot be cloned, and so cannot be sent twice; the last allowed
            // attempt needs no copy at all.
            let copy = if attempt < self.retry.max_attempts {
                request.try_clone()
            } else {
                None
            };
            match http.execute(request).await {
                Ok(response) => {
                    let status = response.status();
                    span.record("status", status.as_u16());
                    if retry_status(&method, status)
                        && let Some(copy) = copy
                    {
                        let asked = response
                            .headers()
                            .get(RETRY_AFTER)
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| retry_after(v, SystemTime::now()));
                        if let Some(delay) = self.next_delay(&mut delays, asked, start) {
                            tracing::info!(
                                status = status.as_u16(),
                                delay_ms = delay.as_millis() as u64,
                                "retrying"
                            );
                            tokio::time::sleep(delay).await;
                            request = copy;
                            continue;
                        }
                    }
                    return self.capture(response).await;
                }
                Err(error) => {
                    if retry_transport(&method, &error)
                        && let Some(copy) = copy
                        && let Some(delay) = self.next_delay(&mut delays, None, start)
                    {
                        tracing::info!(error = %error, delay_ms = delay.as_millis() as u64, "retrying");
                        tokio::time::sleep(delay).await;
                        request = copy;
                        continue;
                    }
                    tracing::warn!(error = %error, "request failed");
                    return Err(error);
                }
            }
        }
    }

    /// The wait before the next attempt, or `None` when attempts or time are used up. A
    /// `Retry-After` the server asks for replaces the backoff delay.
    fn next_delay(
        &self,
        delays: &mut impl Iterator<Item = Duration>,
        asked: Option<Duration>,
        start: Instant,
    ) -> Option<Duration> {
        let backoff = delays.next()?;
        let delay = asked.unwrap_or(backoff);
        (start.elapsed() + delay <= self.retry.max_elapsed).then_some(delay)
    }

    /// Records the response for [`crate::finish`]. Error statuses and envelope responses are read
    /// whole (their bodies must survive progenitor) and handed on as an equivalent response.
    async fn capture(&self, mut response: Response) -> reqwest::Result<Response> {
        // Outside `finish` (progenitor's own pagination streams) nothing would read the record.
        if !capturing() {
            return Ok(response);
        }
        let status = response.status();
        // Moved, not cloned: progenitor copies the headers of what it is given, so it gets none,
        // and `finish` puts these back into the value it returns.
        let headers = std::mem::take(response.headers_mut());
        // The hot path: a success without an envelope to check streams straight to progenitor;
        // should its body not decode, progenitor hands the bytes back with the error.
        if status.is_success() && self.envelope.is_none() {
            record(|c| {
                c.response = Some(RawResponse {
                    status,
                    headers,
                    body: Default::default(),
                })
            });
            return Ok(response);
        }
        let version = response.version();
        let body = response.bytes().await?;
        let envelope = match self.envelope {
            Some(spec) if status.is_success() => spec.check(&body),
            _ => None,
        };
        if let Some(failure) = &envelope {
            tracing::info!(code = failure.code, "envelope reports a failure");
        }
        // `Bytes` clones share one buffer.
        record(|c| {
            c.response = Some(RawResponse {
                status,
                headers,
                body: body.clone(),
            });
            c.envelope = envelope;
        });
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        Ok(Response::from(rebuilt))
    }
}

/// The header that carries `key` under `scheme`, checked once here so that a key or header name
/// a request cannot carry is a configuration error, never a request sent without credentials.
fn credential(
    key: Option<&ApiKey>,
    scheme: Option<AuthScheme>,
) -> Result<Option<(HeaderName, HeaderValue)>, ConfigError> {
    let (Some(key), Some(scheme)) = (key, scheme) else {
        return Ok(None);
    };
    let (name, value) = match scheme {
        AuthScheme::Header(name) => (
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| ConfigError::InvalidAuthHeaderName(name))?,
            HeaderValue::from_str(key.expose()),
        ),
        AuthScheme::Bearer => (
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {}", key.expose())),
        ),
    };
    let mut value = value.map_err(|_| ConfigError::InvalidApiKey)?;
    value.set_sensitive(true);
    Ok(Some((name, value)))
}
