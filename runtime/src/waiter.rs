//! Waiting for an asynchronous job (training, rendering) to finish: polls an operation with
//! jittered backoff until the status the overlay names reaches a success or failure value, or
//! until the caller's maximum wait runs out. There is no default maximum: the caller must choose
//! one. Each wait is one tracing span (`waiter`), the parent of its polls' request spans.

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};
use serde::Serialize;
use serde_json::Value;
use tracing::Instrument;

use crate::error::Error;

#[doc(hidden)]
/// Which status values end the wait.
#[derive(Debug)]
pub enum Match {
    /// Any of these JSON values (written as JSON text: `3`, `"IDLE"`).
    AnyOf(&'static [&'static str]),
    /// Any value other than null or absent.
    Present,
    Never,
}

impl Match {
    fn matches(&self, status: &Value) -> bool {
        match self {
            Match::AnyOf(values) => values
                .iter()
                .any(|v| serde_json::from_str::<Value>(v).is_ok_and(|v| &v == status)),
            Match::Present => !status.is_null(),
            Match::Never => false,
        }
    }
}

#[doc(hidden)]
/// A waiter as declared in the vendor's overlay (`x-sdk-waiters`).
#[derive(Debug)]
pub struct WaiterSpec {
    /// JSON pointers into the operation's result; the first that exists is the status.
    pub status: &'static [&'static str],
    pub success: Match,
    pub failure: Match,
    /// JSON pointers to a failure reason, if the API gives one.
    pub reason: &'static [&'static str],
}

#[doc(hidden)]
/// The status a waiter reports, read from the JSON status value the overlay points at. Generated
/// crates implement it for each waiter's status enum; `Value` is the untyped form.
pub trait Status: Sized {
    fn from_json(status: &Value) -> Self;

    /// The value the API sends for this status (`4` for Akool's `failed`), when it is known:
    /// errors show it next to the status's name, since the vendor's documentation and support
    /// speak in those values. `None` (the default) when the type does not keep it.
    fn raw(&self) -> Option<Value> {
        None
    }
}

impl Status for Value {
    fn from_json(status: &Value) -> Self {
        status.clone()
    }

    fn raw(&self) -> Option<Value> {
        Some(self.clone())
    }
}

/// `status`, then the API's own value when it says more than the name (`failed (`4` in the
/// API)`); a status shown as its value already (`"IDLE"`, an untyped `4`) is not repeated.
fn status_text<S: fmt::Display + Status>(f: &mut fmt::Formatter<'_>, status: &S) -> fmt::Result {
    let name = status.to_string();
    f.write_str(&name)?;
    let Some(raw) = status.raw() else {
        return Ok(());
    };
    // Compared as text: a number's JSON (`4`) or a string's content (`IDLE`, without quotes).
    let text = raw.to_string();
    if raw.as_str() == Some(name.as_str()) || text == name {
        return Ok(());
    }
    write!(f, " (`{text}` in the API)")
}

/// Receives each status a waiter observes.
type StatusCallback<S> = Box<dyn FnMut(&S) + Send>;

/// How long and how often to poll. `Wait::up_to` is the only constructor: every wait is bounded.
/// `S` is the status type of the waiter it is passed to (inferred from that waiter).
pub struct Wait<S = Value> {
    max_wait: Duration,
    interval: Duration,
    max_interval: Duration,
    on_status: Option<StatusCallback<S>>,
}

impl<S> fmt::Debug for Wait<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("max_wait", &self.max_wait)
            .field("interval", &self.interval)
            .field("max_interval", &self.max_interval)
            .finish()
    }
}

impl<S> Wait<S> {
    /// Polls for at most `max_wait`, first after 1 to 2 s, backing off to one poll every 15 to
    /// 30 s (each wait is jittered: see [`Wait::interval`]).
    pub fn up_to(max_wait: Duration) -> Self {
        Wait {
            max_wait,
            interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(30),
            on_status: None,
        }
    }

    /// The first interval between polls; it doubles after each poll up to `max_interval`. Each
    /// actual wait is drawn at random between half the interval and the whole, so that many
    /// clients waiting for jobs started together do not poll in lockstep.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The largest interval between polls; the interval grows towards it.
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval;
        self
    }

    /// Called with every status observed, typed as the waiter declares it. The closure's
    /// argument type is inferred from the waiter; a method call on it inside the closure needs
    /// the type written out (`|status: &VideoStatus| ..`).
    pub fn on_status(mut self, callback: impl FnMut(&S) + Send + 'static) -> Self {
        self.on_status = Some(Box::new(callback));
        self
    }
}

/// Why a wait ended without success; `S` is the waiter's status type.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<E, T, S = Value> {
    /// The job reached a failure status; `resource` is the last response.
    Failed {
        /// The failure status.
        status: S,
        /// The vendor's reason, when the response gives one.
        reason: Option<String>,
        /// The last response.
        resource: Box<T>,
    },
    /// `max_wait` passed; `last_status` is what the last poll saw (`None` if no poll answered).
    TimedOut {
        /// How long the wait lasted.
        waited: Duration,
        /// What the last poll saw (`None` if no poll answered).
        last_status: Option<S>,
    },
    /// A poll itself failed.
    Request(Error<E>),
}

impl<E, T, S: Status> WaitError<E, T, S> {
    /// The status value the API last sent, as JSON (`4`), when the status type keeps it: the
    /// failure status, or the last status seen before the wait timed out.
    pub fn raw_status(&self) -> Option<Value> {
        match self {
            WaitError::Failed { status, .. } => status.raw(),
            WaitError::TimedOut { last_status, .. } => last_status.as_ref().and_then(S::raw),
            WaitError::Request(_) => None,
        }
    }
}

impl<E: fmt::Debug, T, S: fmt::Display + Status> fmt::Display for WaitError<E, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed { status, reason, .. } => {
                f.write_str("the job failed with status ")?;
                status_text(f, status)?;
                if let Some(reason) = reason {
                    write!(f, ": {reason}")?;
                }
                Ok(())
            }
            WaitError::TimedOut {
                waited,
                last_status,
            } => {
                write!(f, "gave up after {waited:?}")?;
                match last_status {
                    Some(status) => {
                        f.write_str("; last status ")?;
                        status_text(f, status)
                    }
                    None => write!(f, " before any poll answered"),
                }
            }
            WaitError::Request(e) => write!(f, "polling failed: {e}"),
        }
    }
}

impl<E: fmt::Debug, T: fmt::Debug, S: fmt::Debug + fmt::Display + Status> std::error::Error
    for WaitError<E, T, S>
{
}

/// The waits between polls: from `first`, doubling up to `largest`, each drawn between half of
/// its step and the whole step. backon's jitter adds up to 100% on top of a step; halving that
/// keeps the caller's intervals as upper bounds (a `max_interval` is never exceeded) while
/// spreading polls over half of each step.
fn intervals(first: Duration, largest: Duration) -> impl Iterator<Item = Duration> {
    ExponentialBuilder::default()
        .with_min_delay(first)
        .with_max_delay(largest)
        .with_factor(2.0)
        .with_jitter()
        .without_max_times()
        .build()
        .map(move |step| (step / 2).min(largest))
}

#[doc(hidden)]
/// Polls `call` until `spec` says the job is done, in a span named for the waiter
/// (`wait_for_video`) and the operation it polls (`get_video_info`): the span records how many
/// polls ran and the last raw status, and each poll's `http_request` span is its child.
/// Matching works on the JSON status; what the caller sees (callback, errors) is that status
/// converted to `S`.
pub async fn poll_named<T, E, S, F, Fut>(
    waiter: &'static str,
    operation: &'static str,
    spec: &WaiterSpec,
    wait: Wait<S>,
    call: F,
) -> Result<T, WaitError<E, T, S>>
where
    T: Serialize,
    S: Status,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error<E>>>,
{
    let span = tracing::info_span!(
        "waiter",
        waiter,
        operation,
        polls = tracing::field::Empty,
        status = tracing::field::Empty,
    );
    run(spec, wait, call, span.clone()).instrument(span).await
}

async fn run<T, E, S, F, Fut>(
    spec: &WaiterSpec,
    mut wait: Wait<S>,
    mut call: F,
    span: tracing::Span,
) -> Result<T, WaitError<E, T, S>>
where
    T: Serialize,
    S: Status,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error<E>>>,
{
    let start = Instant::now();
    let mut intervals = intervals(wait.interval, wait.max_interval);
    let mut last_status: Option<S> = None;
    let mut polls = 0u32;
    loop {
        polls += 1;
        span.record("polls", polls);
        // The maximum bounds the poll in flight too: a poll still running when it passes is
        // dropped (which cancels its request), not awaited and then found to be late.
        let remaining = wait.max_wait.saturating_sub(start.elapsed());
        let resource = match tokio::time::timeout(remaining, call()).await {
            Ok(polled) => polled.map_err(WaitError::Request)?,
            Err(_) => {
                return Err(WaitError::TimedOut {
                    waited: start.elapsed(),
                    last_status,
                });
            }
        };
        let json = serde_json::to_value(&resource).unwrap_or(Value::Null);
        let status = spec
            .status
            .iter()
            .find_map(|p| json.pointer(p))
            .cloned()
            .unwrap_or(Value::Null);
        span.record("status", tracing::field::display(&status));
        tracing::debug!(status = %status, "polled");
        let typed = S::from_json(&status);
        if let Some(callback) = wait.on_status.as_mut() {
            callback(&typed);
        }
        if spec.failure.matches(&status) {
            let reason = spec
                .reason
                .iter()
                .find_map(|p| json.pointer(p))
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
            return Err(WaitError::Failed {
                status: typed,
                reason,
                resource: Box::new(resource),
            });
        }
        if spec.success.matches(&status) {
            return Ok(resource);
        }
        let waited = start.elapsed();
        if waited >= wait.max_wait {
            return Err(WaitError::TimedOut {
                waited,
                last_status: Some(typed),
            });
        }
        last_status = Some(typed);
        let interval = intervals.next().unwrap_or(wait.max_interval);
        tokio::time::sleep(interval.min(wait.max_wait - waited)).await;
    }
}

#[cfg(test)]
mod tests;
