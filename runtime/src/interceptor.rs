//! Interceptors: code of the caller's that every call of a client runs through, in the order
//! they were added (`Client::builder().interceptor(a).interceptor(b)`): before each attempt
//! (it may change the request: a refreshed token, a signature), after each response (status,
//! headers, timing) and at each retry decision. A hook's error ends the call as
//! [`Error::Interceptor`](crate::Error::Interceptor), naming the interceptor.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

/// The error an interceptor's hook returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What `before_attempt` returns: a future, so a hook can wait (for a token refresh).
pub type HookFuture<'a> = Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send + 'a>>;

/// Which call and which attempt a hook sees.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// The operation's client method (`get_avatar`).
    pub operation: &'a str,
    /// The HTTP method.
    pub method: &'a Method,
    /// The operation's path template (`/avatars/{id}`).
    pub path: &'a str,
    /// 1 for the first attempt.
    pub number: u32,
}

/// A response as `after_response` sees it (its body is not read yet).
#[derive(Debug, Clone, Copy)]
pub struct ResponseInfo<'a> {
    /// The call and attempt the response answers.
    pub attempt: Attempt<'a>,
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: &'a HeaderMap,
    /// From sending the attempt to the response's head.
    pub elapsed: Duration,
}

/// A retry the runtime is about to make.
#[derive(Debug, Clone, Copy)]
pub struct RetryInfo<'a> {
    /// The attempt that failed.
    pub attempt: Attempt<'a>,
    /// The status that asked for the retry (`None`: a connection failure).
    pub status: Option<StatusCode>,
    /// The wait before the next attempt.
    pub delay: Duration,
}

/// Hooks around every call of a client. Every method has a default that does nothing, so an
/// interceptor implements only what it needs.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use openapi_sdk_runtime::interceptor::{Interceptor, ResponseInfo};
///
/// /// Counts responses by status class.
/// #[derive(Default)]
/// struct Counter { ok: AtomicU64, failed: AtomicU64 }
///
/// impl Interceptor for Counter {
///     fn after_response(&self, response: &ResponseInfo<'_>) -> Result<(), openapi_sdk_runtime::interceptor::BoxError> {
///         let class = if response.status.is_success() { &self.ok } else { &self.failed };
///         class.fetch_add(1, Ordering::Relaxed);
///         Ok(())
///     }
/// }
/// ```
pub trait Interceptor: Send + Sync + 'static {
    /// How errors name this interceptor; the type's name by default.
    fn name(&self) -> &str {
        std::any::type_name::<Self>()
    }

    /// Before each attempt, the first and every retry, after the client's own headers
    /// (credentials, user agent, the call's options) are set: what it sets is what is sent.
    fn before_attempt<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        attempt: Attempt<'a>,
    ) -> HookFuture<'a> {
        let _ = (request, attempt);
        Box::pin(async { Ok(()) })
    }

    /// After each response's head arrives, before the runtime decides to retry.
    fn after_response(&self, response: &ResponseInfo<'_>) -> Result<(), BoxError> {
        let _ = response;
        Ok(())
    }

    /// When the runtime decided to retry, before it waits.
    fn on_retry(&self, retry: &RetryInfo<'_>) {
        let _ = retry;
    }
}

/// A client's interceptors, in order; cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct Interceptors(pub(crate) Arc<[Arc<dyn Interceptor>]>);

impl fmt::Debug for Interceptors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|i| i.name()))
            .finish()
    }
}

impl Interceptors {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Runs every `before_attempt` in order; the first error ends the call.
    pub(crate) async fn before_attempt(
        &self,
        request: &mut reqwest::Request,
        attempt: Attempt<'_>,
    ) -> Result<(), (String, BoxError)> {
        for interceptor in self.0.iter() {
            interceptor
                .before_attempt(request, attempt)
                .await
                .map_err(|e| (interceptor.name().to_string(), e))?;
        }
        Ok(())
    }

    pub(crate) fn after_response(
        &self,
        response: &ResponseInfo<'_>,
    ) -> Result<(), (String, BoxError)> {
        for interceptor in self.0.iter() {
            interceptor
                .after_response(response)
                .map_err(|e| (interceptor.name().to_string(), e))?;
        }
        Ok(())
    }

    pub(crate) fn on_retry(&self, retry: &RetryInfo<'_>) {
        for interceptor in self.0.iter() {
            interceptor.on_retry(retry);
        }
    }
}
