//! What a response says besides its body, read without parsing headers by hand: the server's
//! request id, how long it asks a client to wait (`Retry-After`) and its rate limits
//! (`x-ratelimit-*`), for successes ([`ResponseExt`] on every `ResponseValue`) as for errors
//! ([`RawResponse`]); and [`Raw`], a typed value with the response it was decoded from.

use std::time::Duration;

use progenitor_client::ResponseValue;
use reqwest::header::HeaderMap;

use crate::error::RawResponse;
pub use crate::headers::RateLimit;
use crate::headers::{rate_limit, request_id, retry_after};

/// A typed value and the response it came from, body bytes included (`send_raw()`).
#[derive(Debug, Clone)]
pub struct Raw<T> {
    pub value: T,
    pub response: RawResponse,
}

/// The headers' meaning, on any response a client hands back:
/// `client.get_avatar().id(id).send().await?.request_id()`.
pub trait ResponseExt {
    /// The headers the response came with.
    fn response_headers(&self) -> &HeaderMap;

    /// The server's id for the request, for support tickets.
    fn request_id(&self) -> Option<&str> {
        request_id(self.response_headers())
    }

    /// How long the server asks a client to wait before the next request (`Retry-After`, in
    /// seconds or as an HTTP date).
    fn retry_after(&self) -> Option<Duration> {
        retry_after(self.response_headers())
    }

    /// The rate limit the response reports.
    fn rate_limit(&self) -> RateLimit {
        rate_limit(self.response_headers())
    }
}

impl<T> ResponseExt for ResponseValue<T> {
    fn response_headers(&self) -> &HeaderMap {
        self.headers()
    }
}

impl<T> ResponseExt for Raw<T> {
    fn response_headers(&self) -> &HeaderMap {
        &self.response.headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_waits_and_limits_are_read_from_the_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("request-id", "req-9".parse().unwrap());
        headers.insert("retry-after", "7".parse().unwrap());
        headers.insert("x-ratelimit-limit", "100".parse().unwrap());
        headers.insert("x-ratelimit-remaining", " 3".parse().unwrap());
        headers.insert("x-ratelimit-reset", "soon".parse().unwrap());
        let value = ResponseValue::new((), reqwest::StatusCode::OK, headers);
        assert_eq!(value.request_id(), Some("req-9"));
        assert_eq!(value.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(
            value.rate_limit(),
            RateLimit {
                limit: Some(100),
                remaining: Some(3),
                reset: None,
            }
        );
        let bare = ResponseValue::new((), reqwest::StatusCode::OK, HeaderMap::new());
        assert_eq!((bare.request_id(), bare.retry_after()), (None, None));
        assert_eq!(bare.rate_limit(), RateLimit::default());
    }
}
