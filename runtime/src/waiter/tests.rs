//! The waiter's polling, failure and timeout rules against scripted responses.
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
    let done = poll_named::<_, (), Value, _, _>(
        "wait_for_job",
        "get_job",
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
    let err = poll_named::<_, (), Value, _, _>(
        "wait_for_job",
        "get_job",
        &SPEC,
        fast(Duration::from_secs(5)),
        || async { Ok(json!({"data": {"status": 4, "reason": "bad video"}})) },
    )
    .await
    .unwrap_err();
    assert_eq!(err.raw_status(), Some(json!(4)));
    // An untyped status is its value already: not repeated.
    assert_eq!(err.to_string(), "the job failed with status 4: bad video");
    let WaitError::Failed { status, reason, .. } = err else {
        panic!("{err}")
    };
    assert_eq!(status, json!(4));
    assert_eq!(reason.as_deref(), Some("bad video"));
}

#[tokio::test]
async fn times_out_with_the_last_status() {
    let err = poll_named::<_, (), Value, _, _>(
        "wait_for_job",
        "get_job",
        &SPEC,
        fast(Duration::from_millis(20)),
        || async { Ok(json!({"data": {"status": 2}})) },
    )
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
    let waiting = poll_named::<Value, (), Value, _, _>(
        "wait_for_job",
        "get_job",
        &SPEC,
        fast(Duration::from_millis(50)),
        || {
            polls += 1;
            let first = polls == 1;
            async move {
                if first {
                    Ok(json!({"data": {"status": 2}}))
                } else {
                    std::future::pending().await
                }
            }
        },
    );
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

/// Each wait lies between half its step and the step, steps double up to the largest, and
/// the waits are not all alike (the chance that 32 random draws agree is nil).
#[test]
fn intervals_are_jittered_within_their_doubling_steps() {
    let ms = Duration::from_millis;
    let waits: Vec<Duration> = intervals(ms(100), ms(400)).take(32).collect();
    let steps = [ms(100), ms(200), ms(400)];
    for (i, wait) in waits.iter().enumerate() {
        let step = steps[i.min(2)];
        assert!(*wait >= step / 2 && *wait <= step, "wait {i}: {wait:?}");
    }
    let capped = &waits[2..];
    assert!(
        capped.iter().any(|w| w != &capped[0]),
        "no jitter: {capped:?}"
    );
    // A first interval above the largest is capped too.
    assert!(intervals(ms(50), ms(10)).take(4).all(|w| w <= ms(10)));
}

/// A typed status whose name hides the API's value, as the generated enums are.
#[derive(Debug, PartialEq)]
enum Job {
    Failed,
    Named(String),
}

impl Status for Job {
    fn from_json(status: &Value) -> Self {
        match status.as_i64() {
            Some(4) => Job::Failed,
            _ => Job::Named(status.as_str().unwrap_or_default().to_string()),
        }
    }
    fn raw(&self) -> Option<Value> {
        match self {
            Job::Failed => Some(json!(4)),
            Job::Named(name) => Some(Value::String(name.clone())),
        }
    }
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Job::Failed => f.write_str("failed"),
            Job::Named(name) => f.write_str(name),
        }
    }
}

/// The failure names the status and the API's own value; a string value equal to the name
/// is not repeated.
#[tokio::test]
async fn a_failure_gives_the_apis_raw_value() {
    let err = poll_named::<_, (), Job, _, _>(
        "wait_for_job",
        "get_job",
        &SPEC,
        Wait::up_to(Duration::from_secs(5)).interval(Duration::from_millis(1)),
        || async { Ok(json!({"data": {"status": 4}})) },
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the job failed with status failed (`4` in the API)"
    );
    assert_eq!(err.raw_status(), Some(json!(4)));
    let timed_out: WaitError<(), Value, Job> = WaitError::TimedOut {
        waited: Duration::from_secs(1),
        last_status: Some(Job::Named("IDLE".into())),
    };
    assert_eq!(timed_out.to_string(), "gave up after 1s; last status IDLE");
}

#[test]
fn present_matches_non_null() {
    assert!(Match::Present.matches(&json!("https://x")));
    assert!(!Match::Present.matches(&Value::Null));
}
