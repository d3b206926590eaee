//! Options for one call (`send_with`): a timeout per attempt, extra headers, a retry policy and
//! an overall deadline that replace the client's for that call only. They travel to the executor
//! inside the call's request.

use std::fmt;
use std::time::Duration;

use reqwest::Request;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::retry::RetryPolicy;

/// What one call changes of the client's configuration:
/// `builder.send_with(CallOptions::new().timeout(Duration::from_secs(5)).header("x-trace", "1"))`.
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) headers: HeaderMap,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) deadline: Option<Duration>,
    /// A header that cannot be sent: the call fails with `Error::InvalidRequest`, unsent.
    pub(crate) invalid: Option<String>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values are marked sensitive, so a key passed here prints as `Sensitive`.
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("headers", &self.headers)
            .field("retry", &self.retry)
            .field("deadline", &self.deadline)
            .finish()
    }
}

impl CallOptions {
    /// Options that change nothing: the client's configuration applies.
    pub fn new() -> Self {
        Self::default()
    }

    /// Time allowed for each attempt of this call, from sending to the end of the body; replaces
    /// the client's timeout (`ClientConfig::timeout` or the `http_client`'s own).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// A header sent with every attempt of this call; it replaces a header of the same name the
    /// client would send (including `User-Agent` and the credential header). An invalid name or
    /// value makes the call fail with `Error::InvalidRequest` before anything is sent.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let (name, value) = (name.as_ref(), value.as_ref());
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            self.invalid
                .get_or_insert_with(|| format!("`{name}` is not a valid HTTP header name"));
            return self;
        };
        match HeaderValue::from_str(value) {
            Ok(mut value) => {
                // The value may be a credential; `Debug` then shows `Sensitive`.
                value.set_sensitive(true);
                self.headers.insert(header, value);
            }
            Err(_) => {
                self.invalid.get_or_insert_with(|| {
                    format!("the value of header `{name}` holds characters HTTP cannot carry")
                });
            }
        }
        self
    }

    /// The retry policy for this call (e.g. [`RetryPolicy::none`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Time allowed for the whole call, every attempt and wait between them included; replaces
    /// the client's deadline (`ClientConfig::deadline`).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Sets this call's headers and timeout on one attempt's request.
    pub(crate) fn apply(&self, request: &mut Request) {
        for (name, value) in &self.headers {
            request.headers_mut().insert(name.clone(), value.clone());
        }
        if let Some(timeout) = self.timeout {
            *request.timeout_mut() = Some(timeout);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_checked_and_hidden_from_debug() {
        let options = CallOptions::new().header("x-api-key", "sk-secret");
        assert!(options.invalid.is_none());
        assert!(!format!("{options:?}").contains("sk-secret"), "{options:?}");
        assert!(CallOptions::new().header("bad name", "v").invalid.is_some());
        assert!(CallOptions::new().header("x-ok", "a\nb").invalid.is_some());
    }
}
