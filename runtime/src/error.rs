//! The error every generated operation returns. Whatever went wrong, it keeps what the server
//! sent (status, headers, raw body) and never the credentials.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// A response as it arrived, body included.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Headers APIs commonly use for a request id, checked in order.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-trace-id",
    "cf-ray",
];

impl RawResponse {
    /// The body as text (lossy for invalid UTF-8).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The server's id for the request, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        REQUEST_ID_HEADERS
            .iter()
            .find_map(|h| self.headers.get(*h)?.to_str().ok())
    }

    fn excerpt(&self) -> String {
        let text = self.text();
        let mut s: String = text.chars().take(300).collect();
        if text.chars().count() > 300 {
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
    /// No usable response: connection refused, TLS failure, timeout, reset.
    Transport {
        source: reqwest::Error,
        attempts: u32,
    },
    /// The server answered with an error status; `error` is the documented error body when the
    /// body decoded as one.
    Api {
        response: Box<RawResponse>,
        error: Option<E>,
        attempts: u32,
    },
    /// A success status whose envelope reports a code that is not one of its success codes.
    Envelope {
        code: i64,
        message: String,
        known: Option<&'static str>,
        response: Box<RawResponse>,
    },
    /// The body does not match the spec (malformed JSON, an HTML error page, a missing field).
    Decode {
        response: Box<RawResponse>,
        source: serde_json::Error,
    },
}

impl<E> Error<E> {
    /// The raw response, for every error that got one.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Error::Api { response, .. }
            | Error::Envelope { response, .. }
            | Error::Decode { response, .. } => Some(&**response),
            Error::InvalidRequest(_) | Error::Transport { .. } => None,
        }
    }

    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(|r| r.status)
    }

    pub fn headers(&self) -> Option<&HeaderMap> {
        self.response().map(|r| &r.headers)
    }

    pub fn request_id(&self) -> Option<&str> {
        self.response().and_then(RawResponse::request_id)
    }

    /// The documented error body, when the server sent one that decoded.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api { error, .. } => error.as_ref(),
            _ => None,
        }
    }

    /// Whether the request timed out (connect or overall).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { source, .. } if source.is_timeout())
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
            Error::Transport { source, attempts } => {
                write!(f, "request failed after {attempts} attempt(s): {source}")
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
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}
