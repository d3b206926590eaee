//! When a failed attempt may be sent again, and how long to wait first. Kept free of I/O so the
//! rules are unit-tested directly.

use std::time::{Duration, SystemTime};

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::{Method, StatusCode};

/// Retries: exponential backoff with jitter, capped in attempts and in total time.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
    /// The wait before the first retry; later waits double, with jitter.
    pub initial_delay: Duration,
    /// No wait between attempts is longer than this (`Retry-After` aside).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            max_elapsed: Duration::from_secs(60),
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (`RetryPolicy::default().max_attempts(2)`).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// No retry starts after this much time since the first attempt.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The first backoff delay (later ones grow exponentially, with jitter).
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// The largest backoff delay.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// Backoff delays (with jitter) for the retries this policy allows.
    pub fn delays(&self) -> impl Iterator<Item = Duration> {
        ExponentialBuilder::default()
            .with_min_delay(self.initial_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize)
            .with_jitter()
            .build()
    }
}

/// Methods that may be repeated without changing the result (RFC 9110 section 9.2.2).
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// Whether a response status allows sending the request again. A request that may have created
/// something (POST, PATCH) is repeated only when the server said it did not process it.
pub fn retry_status(method: &Method, status: StatusCode) -> bool {
    match status.as_u16() {
        429 | 503 => true,
        408 | 502 | 504 => is_idempotent(method),
        _ => false,
    }
}

/// Whether a transport failure allows sending again: a connection that never opened carried
/// nothing; anything later (timeouts, resets) may have reached the server.
pub fn retry_transport(method: &Method, error: &reqwest::Error) -> bool {
    error.is_connect() || is_idempotent(method)
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_is_retried_only_when_the_server_did_not_process_it() {
        for (status, get, post) in [
            (408, true, false),
            (429, true, true),
            (500, false, false),
            (502, true, false),
            (503, true, true),
            (504, true, false),
            (404, false, false),
        ] {
            let s = StatusCode::from_u16(status).unwrap();
            assert_eq!(retry_status(&Method::GET, s), get, "GET {status}");
            assert_eq!(retry_status(&Method::POST, s), post, "POST {status}");
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(retry_after("3", now), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn delays_are_capped_in_number_and_size() {
        let policy = RetryPolicy {
            max_attempts: 4,
            max_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        let delays: Vec<_> = policy.delays().collect();
        assert_eq!(delays.len(), 3);
        // backon's jitter adds up to the current delay again, so twice the cap at most.
        assert!(
            delays.iter().all(|d| *d <= Duration::from_secs(2)),
            "{delays:?}"
        );
        assert_eq!(RetryPolicy::none().delays().count(), 0);
    }
}
