//! The error every generated operation returns. Whatever went wrong, it keeps what the server
//! sent (status, headers, raw body) and never the credentials.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A response as it arrived, body included.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawResponse {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, as received.
    pub body: Bytes,
}

/// How much of a body an error message shows.
const EXCERPT_CHARS: usize = 500;

impl RawResponse {
    /// The body as text (lossy for invalid UTF-8).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The server's id for the request, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        crate::headers::request_id(&self.headers)
    }

    /// How long the server asks a client to wait (`Retry-After`).
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        crate::headers::retry_after(&self.headers)
    }

    /// The rate limit the response reports (`x-ratelimit-*`).
    pub fn rate_limit(&self) -> crate::headers::RateLimit {
        crate::headers::rate_limit(&self.headers)
    }

    /// The start of the body, for messages: bounded, since a body may be a whole HTML page.
    fn excerpt(&self) -> String {
        let text = self.text();
        let text = text.trim();
        if text.is_empty() {
            return "(empty body)".into();
        }
        let mut s: String = text.chars().take(EXCERPT_CHARS).collect();
        if text.chars().nth(EXCERPT_CHARS).is_some() {
            s.push('…');
        }
        s
    }
}

/// Why an operation failed. Responses are boxed so `Result`s stay small on the happy path. `E` is the spec's documented error body (`()` when none).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = ()> {
    /// The request broke the spec's constraints (required field, pattern, length, enum...) and
    /// was not sent.
    InvalidRequest(String),
    /// No usable response: connection refused, TLS failure, timeout, reset. `elapsed` is the
    /// time from the first attempt to the failure, retries and their waits included.
    Transport {
        /// What reqwest reported.
        source: reqwest::Error,
        /// How many attempts were made.
        attempts: u32,
        /// From the first attempt to the failure.
        elapsed: Duration,
    },
    /// The call's overall deadline (`ClientConfig::deadline` or `CallOptions::deadline`) passed:
    /// the attempt in flight was cancelled, or the wait before the next one would outlast it.
    /// `elapsed` runs from the first attempt to the cancellation.
    Deadline {
        /// The deadline that passed.
        deadline: Duration,
        /// How many attempts were started.
        attempts: u32,
        /// From the first attempt to the cancellation.
        elapsed: Duration,
    },
    /// The server answered with an error status; `error` is the documented error body when the
    /// spec documents one for the status and the body decoded as one.
    Api {
        /// The last response: status, headers, body.
        response: Box<RawResponse>,
        /// The documented error body, when the spec documents one and the body decoded as it.
        error: Option<E>,
        /// How many attempts were made (retries of retryable statuses included).
        attempts: u32,
    },
    /// A success status whose envelope reports a code that is not one of its success codes.
    Envelope {
        /// The envelope's business code.
        code: i64,
        /// The envelope's message.
        message: String,
        /// What the vendor documents the code to mean, when it does.
        known: Option<&'static str>,
        /// The response: status, headers, body.
        response: Box<RawResponse>,
    },
    /// The body does not match the spec (malformed JSON, an HTML error page, a missing field).
    Decode {
        /// The response whose body did not decode.
        response: Box<RawResponse>,
        /// Where and why decoding failed.
        source: serde_json::Error,
    },
    /// An interceptor's hook failed (`name` is the interceptor's
    /// [`name`](crate::interceptor::Interceptor::name)); the call ended there.
    Interceptor {
        /// The failing interceptor's name.
        name: String,
        /// The hook's error.
        source: crate::interceptor::BoxError,
    },
}

impl<E> Error<E> {
    /// The raw response, for every error that got one.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Error::Api { response, .. }
            | Error::Envelope { response, .. }
            | Error::Decode { response, .. } => Some(&**response),
            Error::InvalidRequest(_)
            | Error::Transport { .. }
            | Error::Deadline { .. }
            | Error::Interceptor { .. } => None,
        }
    }

    /// The HTTP status, for every error that got a response.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(|r| r.status)
    }

    /// The response headers, for every error that got a response.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.response().map(|r| &r.headers)
    }

    /// The vendor's request id (`x-request-id` and its kin), for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.response().and_then(RawResponse::request_id)
    }

    /// The documented error body, when the spec documents one for the status and the server
    /// sent one that decoded; `None` for a status documented without a body schema.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api { error, .. } => error.as_ref(),
            _ => None,
        }
    }

    /// Whether the request timed out (connect, one attempt, or the call's deadline).
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport { source, .. } => source.is_timeout(),
            Error::Deadline { .. } => true,
            _ => false,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = |r: &RawResponse| {
            r.request_id()
                .map(|id| format!(" (request id {id})"))
                .unwrap_or_default()
        };
        match self {
            Error::InvalidRequest(m) => write!(f, "invalid request, not sent: {m}"),
            Error::Transport {
                source,
                attempts,
                elapsed,
            } => {
                // reqwest's own message names the URL only; the cause is in its sources.
                let what = if source.is_timeout() {
                    "timed out"
                } else {
                    "failed"
                };
                let plural = if *attempts == 1 { "" } else { "s" };
                write!(
                    f,
                    "request {what} after {attempts} attempt{plural} in {elapsed:.1?}: {}",
                    causes(source)
                )
            }
            Error::Deadline {
                deadline,
                attempts,
                elapsed,
            } => {
                let plural = if *attempts == 1 { "" } else { "s" };
                write!(
                    f,
                    "request timed out after {attempts} attempt{plural} in {elapsed:.1?}: the call's deadline of {deadline:?} passed"
                )
            }
            Error::Api {
                response,
                error: Some(e),
                ..
            } => write!(f, "HTTP {}{}: {e:?}", response.status, id(response)),
            Error::Api {
                response,
                error: None,
                ..
            } => write!(
                f,
                "HTTP {}{}: {}",
                response.status,
                id(response),
                response.excerpt()
            ),
            Error::Envelope {
                code,
                message,
                known,
                response,
            } => {
                write!(f, "API error code {code}")?;
                if let Some(meaning) = known {
                    write!(f, " ({meaning})")?;
                }
                write!(f, ": {message}{}", id(response))
            }
            Error::Decode { response, source } => write!(
                f,
                "HTTP {}{}: the body does not match the spec ({source}): {}",
                response.status,
                id(response),
                response.excerpt()
            ),
            Error::Interceptor { name, source } => {
                write!(f, "interceptor `{name}` failed: {source}")
            }
        }
    }
}

/// An error and its sources, outermost first, each message once: reqwest says which URL failed,
/// its innermost source why ("Connection refused", "operation timed out").
pub(crate) fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut messages: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let message = e.to_string();
        // Some wrappers repeat their source's message in their own; print it once.
        if !messages.iter().any(|m| m.contains(&message)) {
            messages.push(message);
        }
        next = e.source();
    }
    messages.join(": ")
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Decode { source, .. } => Some(source),
            Error::Interceptor { source, .. } => Some(&**source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// reqwest's message names only the URL; the error's says why, after how long and how
    /// many attempts.
    #[tokio::test]
    async fn a_transport_error_names_its_cause() {
        // Bound but never listening: a connection is refused, and the port is not freed for
        // another test's server in this process to take.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let url = format!("http://{}/x", socket.local_addr().unwrap());
        let http = crate::http_client_builder().unwrap().build().unwrap();
        let source = http.get(&url).send().await.unwrap_err();
        let error: Error = Error::Transport {
            source,
            attempts: 2,
            elapsed: Duration::from_millis(1500),
        };
        let text = error.to_string();
        assert!(
            text.starts_with(&format!(
                "request failed after 2 attempts in 1.5s: error sending request for url ({url})"
            )),
            "{text}"
        );
        assert!(text.to_lowercase().contains("connection refused"), "{text}");
    }

    #[test]
    fn an_error_status_shows_a_bounded_excerpt_of_the_body() {
        let response = |body: String| RawResponse {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            headers: HeaderMap::new(),
            body: body.into(),
        };
        let error: Error = Error::Api {
            response: Box::new(response("é".repeat(600))),
            error: None,
            attempts: 1,
        };
        let text = error.to_string();
        assert_eq!(
            text,
            format!("HTTP 500 Internal Server Error: {}…", "é".repeat(500))
        );
        let error: Error = Error::Api {
            response: Box::new(response(String::new())),
            error: None,
            attempts: 1,
        };
        assert_eq!(
            error.to_string(),
            "HTTP 500 Internal Server Error: (empty body)"
        );
    }
}
