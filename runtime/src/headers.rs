//! Reading what response headers mean (request id, `Retry-After`, rate limits): one place for
//! errors' raw responses and success values alike.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The rate limit a response reports (`x-ratelimit-limit`, `-remaining`, `-reset`); each
/// part is `None` when its header is absent or not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// The header's number as sent: seconds until the window resets for most APIs, a Unix
    /// time for some (the API's documentation says which).
    pub reset: Option<u64>,
}

/// Headers APIs commonly use for a request id, checked in order.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-trace-id",
    "cf-ray",
];

pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|h| headers.get(*h)?.to_str().ok())
}

pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    crate::retry::retry_after(value, SystemTime::now())
}

pub(crate) fn rate_limit(headers: &HeaderMap) -> RateLimit {
    let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
    RateLimit {
        limit: number("x-ratelimit-limit"),
        remaining: number("x-ratelimit-remaining"),
        reset: number("x-ratelimit-reset"),
    }
}
