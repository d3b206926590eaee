//! Waiting for an asynchronous job (training, rendering) to finish: polls an operation with
//! backoff until the status the overlay names reaches a success or failure value, or until the
//! caller's maximum wait runs out. There is no default maximum: the caller must choose one.

use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

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
}

impl Status for Value {
    fn from_json(status: &Value) -> Self {
        status.clone()
    }
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
    /// Polls for at most `max_wait`, first after 2 s, backing off to one poll every 30 s.
    pub fn up_to(max_wait: Duration) -> Self {
        Wait {
            max_wait,
            interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(30),
            on_status: None,
        }
    }

    /// The first interval between polls; it doubles after each poll up to `max_interval`.
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

impl<E: fmt::Debug, T, S: fmt::Display> fmt::Display for WaitError<E, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Failed { status, reason, .. } => {
                write!(f, "the job failed with status {status}")?;
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
                    Some(status) => write!(f, "; last status {status}"),
                    None => write!(f, " before any poll answered"),
                }
            }
            WaitError::Request(e) => write!(f, "polling failed: {e}"),
        }
    }
}

impl<E: fmt::Debug, T: fmt::Debug, S: fmt::Debug + fmt::Display> std::error::Error
    for WaitError<E, T, S>
{
}

#[doc(hidden)]
/// Polls `call` until `spec` says the job is done. Matching works on the JSON status; what the
/// caller sees (callback, errors) is that status converted to `S`.
pub async fn poll<T, E, S, F, Fut>(
    spec: &WaiterSpec,
    mut wait: Wait<S>,
    mut call: F,
) -> Result<T, WaitError<E, T, S>>
where
    T: Serialize,
    S: Status,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error<E>>>,
{
    let start = Instant::now();
    let mut interval = wait.interval;
    let mut last_status: Option<S> = None;
    loop {
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
        tokio::time::sleep(interval.min(wait.max_wait - waited)).await;
        interval = interval.saturating_mul(2).min(wait.max_interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::{Arc, Mutex};

    const SPEC: WaiterSpec = WaiterSpec {
        status: &["/data/0/status", "/data/status"],
        success: Match::AnyOf(&["3"]),
        failure: Match::AnyOf(&["4"]),
        reason: &["/data/reason"],
    };

    fn fast(max: Duration) -> Wait {
        Wait::up_to(max)
            .interval(Duration::from_millis(1))
            .max_interval(Duration::from_millis(2))
    }

    #[tokio::test]
    async fn reaches_success_reporting_every_status() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let mut statuses = vec![
            json!({"data": [{"status": 1}]}),
            json!({"data": {"status": 2}}),
            json!({"data": {"status": 3}}),
        ]
        .into_iter();
        let done = poll::<_, (), Value, _, _>(
            &SPEC,
            fast(Duration::from_secs(5)).on_status(move |s| log.lock().unwrap().push(s.clone())),
            || {
                let next = statuses.next().unwrap();
                async move { Ok(next) }
            },
        )
        .await
        .unwrap();
        assert_eq!(done, json!({"data": {"status": 3}}));
        assert_eq!(*seen.lock().unwrap(), vec![json!(1), json!(2), json!(3)]);
    }

    #[tokio::test]
    async fn failure_carries_status_and_reason() {
        let err = poll::<_, (), Value, _, _>(&SPEC, fast(Duration::from_secs(5)), || async {
            Ok(json!({"data": {"status": 4, "reason": "bad video"}}))
        })
        .await
        .unwrap_err();
        let WaitError::Failed { status, reason, .. } = err else {
            panic!("{err}")
        };
        assert_eq!(status, json!(4));
        assert_eq!(reason.as_deref(), Some("bad video"));
    }

    #[tokio::test]
    async fn times_out_with_the_last_status() {
        let err = poll::<_, (), Value, _, _>(&SPEC, fast(Duration::from_millis(20)), || async {
            Ok(json!({"data": {"status": 2}}))
        })
        .await
        .unwrap_err();
        let WaitError::TimedOut {
            last_status,
            waited,
        } = err
        else {
            panic!("{err}")
        };
        assert_eq!(last_status, Some(json!(2)));
        assert!(waited >= Duration::from_millis(20));
    }

    /// A poll that never answers is cut off at the maximum, with the status seen before it.
    #[tokio::test]
    async fn the_maximum_cuts_off_a_poll_in_flight() {
        let mut polls = 0;
        let start = Instant::now();
        let waiting =
            poll::<Value, (), Value, _, _>(&SPEC, fast(Duration::from_millis(50)), || {
                polls += 1;
                let first = polls == 1;
                async move {
                    if first {
                        Ok(json!({"data": {"status": 2}}))
                    } else {
                        std::future::pending().await
                    }
                }
            });
        let err = tokio::time::timeout(Duration::from_secs(2), waiting)
            .await
            .expect("the wait ends at its maximum")
            .unwrap_err();
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{:?}",
            start.elapsed()
        );
        let WaitError::TimedOut {
            last_status,
            waited,
        } = err
        else {
            panic!("{err}")
        };
        assert_eq!(last_status, Some(json!(2)));
        assert!(waited >= Duration::from_millis(50));
    }

    #[test]
    fn present_matches_non_null() {
        assert!(Match::Present.matches(&json!("https://x")));
        assert!(!Match::Present.matches(&Value::Null));
    }
}
