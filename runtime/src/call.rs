//! Turns progenitor's result into [`Error`]. progenitor drops the raw body of most failures, so
//! the runtime's executor records the last response of each call in a task-local slot that
//! [`finish`] opens around the call; the two meet without any shared state between calls.

use std::cell::RefCell;
use std::future::Future;

use progenitor_client::{Error as ProgenitorError, ResponseValue};

use crate::envelope::EnvelopeFailure;
use crate::error::{Error, RawResponse};

/// What the executor saw of one call.
#[derive(Debug, Default)]
pub(crate) struct Capture {
    pub response: Option<RawResponse>,
    pub envelope: Option<EnvelopeFailure>,
    pub attempts: u32,
}

tokio::task_local! {
    static CAPTURE: RefCell<Capture>;
}

/// Records into the current call's slot; a no-op outside [`finish`].
pub(crate) fn record(f: impl FnOnce(&mut Capture)) {
    let _ = CAPTURE.try_with(|c| f(&mut c.borrow_mut()));
}

/// Whether a call is being captured (the executor runs inside [`finish`] or [`finish_raw`]).
pub(crate) fn capturing() -> bool {
    CAPTURE.try_with(|_| ()).is_ok()
}

/// Runs `call` with a fresh capture slot; returns its output and what the executor recorded.
async fn captured<F: Future>(call: F) -> (F::Output, Capture) {
    CAPTURE
        .scope(RefCell::default(), async {
            let output = call.await;
            let capture = CAPTURE.with(|c| std::mem::take(&mut *c.borrow_mut()));
            (output, capture)
        })
        .await
}

/// Runs a progenitor `send` future and returns its value, or an [`Error`] that keeps status,
/// headers and body. Envelope failures win over whatever progenitor decoded.
///
/// Not an `async fn`: that would keep `call` (progenitor's state machine) in its own state and
/// again in every future it awaits, and each enclosing future would copy the lot at every step.
/// Boxed here, the caller's future holds a pointer (BENCHMARKS.md, section 4).
pub fn finish<T, E, F>(call: F) -> impl Future<Output = Result<ResponseValue<T>, Error<E>>>
where
    F: Future<Output = Result<ResponseValue<T>, ProgenitorError<E>>>,
{
    let call = Box::pin(call);
    Box::pin(async move {
        let (result, capture) = captured(call).await;
        convert(result, capture).await
    })
}

/// Runs a call made outside progenitor (multipart): `send` executes, `decode` reads the body.
pub async fn finish_raw<T, E, F>(call: F, success: &[u16]) -> Result<ResponseValue<T>, Error<E>>
where
    F: Future<Output = reqwest::Result<reqwest::Response>>,
    T: serde::de::DeserializeOwned,
    E: serde::de::DeserializeOwned,
{
    let (result, capture) = captured(call).await;
    let attempts = capture.attempts.max(1);
    let unread = match result {
        Ok(unread) => unread,
        Err(source) => return Err(Error::Transport { source, attempts }),
    };
    let mut response = recorded_or(capture.response, unread.status(), unread.headers());
    if let Some(failure) = capture.envelope {
        return Err(envelope_error(failure, response));
    }
    if let Err(source) = read_unread(&mut response, unread).await {
        return Err(Error::Transport { source, attempts });
    }
    if !success.contains(&response.status.as_u16()) {
        let error = serde_json::from_slice(&response.body).ok();
        return Err(Error::Api {
            response: Box::new(response),
            error,
            attempts,
        });
    }
    match serde_json::from_slice(&response.body) {
        Ok(value) => Ok(ResponseValue::new(value, response.status, response.headers)),
        Err(source) => Err(Error::Decode {
            response: Box::new(response),
            source,
        }),
    }
}

/// The response the executor recorded or, should it not have run inside this call, one made of
/// what progenitor handed back: a server's answer is never reported as a request error.
fn recorded_or(
    recorded: Option<RawResponse>,
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
) -> RawResponse {
    recorded.unwrap_or_else(|| RawResponse {
        status,
        headers: headers.clone(),
        body: Default::default(),
    })
}

/// Success bodies stream past the executor unread (only error and envelope bodies are recorded);
/// reads this one into the record.
async fn read_unread(response: &mut RawResponse, unread: reqwest::Response) -> reqwest::Result<()> {
    if response.body.is_empty() {
        response.body = unread.bytes().await?;
    }
    Ok(())
}

fn envelope_error<E>(failure: EnvelopeFailure, response: RawResponse) -> Error<E> {
    Error::Envelope {
        code: failure.code,
        message: failure.message,
        known: failure.known,
        response: Box::new(response),
    }
}

async fn convert<T, E>(
    result: Result<ResponseValue<T>, ProgenitorError<E>>,
    capture: Capture,
) -> Result<ResponseValue<T>, Error<E>> {
    let attempts = capture.attempts.max(1);
    let mut response = capture.response;
    if let Some(failure) = capture.envelope
        && let Some(failed) = response.take()
    {
        return Err(envelope_error(failure, failed));
    }
    let error = match result {
        // The executor moved the headers into the capture (progenitor saw none); give them back.
        Ok(value) => {
            return Ok(match response {
                Some(response) => {
                    let status = value.status();
                    ResponseValue::new(value.into_inner(), status, response.headers)
                }
                None => value,
            });
        }
        Err(e) => e,
    };
    Err(match error {
        ProgenitorError::InvalidRequest(m) => Error::InvalidRequest(m),
        ProgenitorError::CommunicationError(source)
        | ProgenitorError::ResponseBodyError(source)
        | ProgenitorError::InvalidUpgrade(source) => Error::Transport { source, attempts },
        ProgenitorError::ErrorResponse(value) => Error::Api {
            response: Box::new(recorded_or(response, value.status(), value.headers())),
            error: Some(value.into_inner()),
            attempts,
        },
        ProgenitorError::InvalidResponsePayload(body, source) => match response {
            // Success bodies are not buffered by the runtime; progenitor's bytes are the body.
            Some(response) => Error::Decode {
                response: Box::new(RawResponse { body, ..response }),
                source,
            },
            None => Error::Decode {
                response: Box::new(RawResponse {
                    status: reqwest::StatusCode::OK,
                    headers: Default::default(),
                    body,
                }),
                source,
            },
        },
        ProgenitorError::UnexpectedResponse(unread) => {
            let mut response = recorded_or(response, unread.status(), unread.headers());
            // Boxed: this rare read would otherwise size every call's future.
            match Box::pin(read_unread(&mut response, unread)).await {
                Ok(()) => Error::Api {
                    response: Box::new(response),
                    error: None,
                    attempts,
                },
                Err(source) => Error::Transport { source, attempts },
            }
        }
        ProgenitorError::Custom(m) => Error::InvalidRequest(m),
    })
}

/// Moves the envelope's data field out of a success response; `None` (the field absent) is a
/// decode error, since the envelope said the call succeeded.
pub fn unwrap_data<T, D, E>(
    value: ResponseValue<T>,
    take: impl FnOnce(T) -> Option<D>,
) -> Result<ResponseValue<D>, Error<E>> {
    let status = value.status();
    let headers = value.headers().clone();
    match take(value.into_inner()) {
        Some(data) => Ok(ResponseValue::new(data, status, headers)),
        None => Err(Error::Decode {
            response: Box::new(RawResponse {
                status,
                headers,
                body: Default::default(),
            }),
            source: serde::de::Error::custom("the envelope reports success but has no data"),
        }),
    }
}
