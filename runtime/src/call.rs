//! Turns progenitor's result into [`Error`]. progenitor drops the raw body of most failures, so
//! the runtime's executor records the last response of each call in a task-local slot that
//! [`finish`] opens around the call; the two meet without any shared state between calls.

use std::cell::RefCell;
use std::future::Future;
use std::time::{Duration, Instant};

use progenitor_client::{Error as ProgenitorError, ResponseValue};

use crate::envelope::EnvelopeFailure;
use crate::error::{Error, RawResponse};

/// What the executor saw of one call.
#[derive(Debug, Default)]
pub(crate) struct Capture {
    pub response: Option<RawResponse>,
    pub envelope: Option<EnvelopeFailure>,
    pub attempts: u32,
    /// When the first attempt started, for how long a failed call took.
    pub started: Option<Instant>,
    /// Set when the call's deadline (this one) passed: the executor then hands progenitor a
    /// stand-in response, and the call's error is [`Error::Deadline`] whatever it decoded.
    pub deadline: Option<Duration>,
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

/// Whether the code running is sending a request: inside a call, the only values serialized
/// are the request's (its body and query); responses are only deserialized.
pub(crate) fn sending() -> bool {
    capturing()
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
    let response = settle(result, capture, success).await?;
    // An empty body (a 204) decodes as JSON `null`: `()` and `Option`s take it.
    let decoded = if response.body.is_empty() {
        serde_json::from_value(serde_json::Value::Null)
    } else {
        serde_json::from_slice(&response.body)
    };
    match decoded {
        Ok(value) => Ok(ResponseValue::new(value, response.status, response.headers)),
        Err(source) => Err(Error::Decode {
            response: Box::new(response),
            source,
        }),
    }
}

/// [`finish_raw`] for a success whose body is not JSON (an event stream, a file): the body
/// streams to the caller as it arrives; error bodies are read and decoded as usual.
pub async fn finish_raw_stream<E, F>(
    call: F,
    success: &[u16],
) -> Result<ResponseValue<progenitor_client::ByteStream>, Error<E>>
where
    F: Future<Output = reqwest::Result<reqwest::Response>>,
    E: serde::de::DeserializeOwned,
{
    let (result, capture) = captured(call).await;
    match result {
        // A passed deadline hands back a stand-in response: never stream it as a success.
        Ok(unread)
            if capture.envelope.is_none()
                && capture.deadline.is_none()
                && success.contains(&unread.status().as_u16()) =>
        {
            let (status, headers) = (unread.status(), unread.headers().clone());
            let body = progenitor_client::ByteStream::new(Box::pin(unread.bytes_stream()));
            Ok(ResponseValue::new(body, status, headers))
        }
        result => {
            let response = settle(result, capture, success).await?;
            let body = progenitor_client::ByteStream::new(Box::pin(ReadBody(Some(response.body))));
            Ok(ResponseValue::new(body, response.status, response.headers))
        }
    }
}

/// A body already read, as a stream of one chunk.
struct ReadBody(Option<bytes::Bytes>);

impl futures_core::Stream for ReadBody {
    type Item = reqwest::Result<bytes::Bytes>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.get_mut().0.take().map(Ok))
    }
}

/// The shared part of the raw finishes: transport errors, envelope failures and error statuses
/// become errors (their bodies read); a success comes back read in full.
async fn settle<E: serde::de::DeserializeOwned>(
    result: reqwest::Result<reqwest::Response>,
    capture: Capture,
    success: &[u16],
) -> Result<RawResponse, Error<E>> {
    let (attempts, elapsed) = (capture.attempts.max(1), capture.elapsed());
    if let Some(error) = capture.deadline_passed() {
        return Err(error);
    }
    let unread = match result {
        Ok(unread) => unread,
        Err(source) => return Err(transport(source, attempts, elapsed)),
    };
    let mut response = recorded_or(capture.response, unread.status(), unread.headers());
    if let Some(failure) = capture.envelope {
        return Err(envelope_error(failure, response));
    }
    if let Err(source) = read_unread(&mut response, unread).await {
        return Err(transport(source, attempts, elapsed));
    }
    if !success.contains(&response.status.as_u16()) {
        let error = serde_json::from_slice(&response.body)
            .ok()
            .and_then(documented);
        return Err(Error::Api {
            response: Box::new(response),
            error,
            attempts,
        });
    }
    Ok(response)
}

impl Capture {
    /// The error for a call whose deadline passed.
    fn deadline_passed<E>(&self) -> Option<Error<E>> {
        Some(Error::Deadline {
            deadline: self.deadline?,
            attempts: self.attempts.max(1),
            elapsed: self.elapsed(),
        })
    }

    /// How long the call has taken since its first attempt started.
    fn elapsed(&self) -> Duration {
        self.started
            .map_or(Duration::ZERO, |started| started.elapsed())
    }
}

/// A transport error, unless reqwest failed to build the request: then nothing was sent, and the
/// cause (a body that does not serialize, such as a map beyond its bounds) is the message.
fn transport<E>(source: reqwest::Error, attempts: u32, elapsed: Duration) -> Error<E> {
    if source.is_builder() {
        // reqwest's own message is "builder error"; what went wrong is its source.
        let cause = std::error::Error::source(&source);
        return Error::InvalidRequest(
            cause.map_or_else(|| source.to_string(), crate::error::causes),
        );
    }
    Error::Transport {
        source,
        attempts,
        elapsed,
    }
}

/// The documented error body, if the spec gives the status one. progenitor decodes a status
/// documented without a body schema as `()`: a value that carries nothing is no error body, and
/// the error's message shows the raw body instead.
fn documented<E>(value: E) -> Option<E> {
    (std::mem::size_of::<E>() != 0).then_some(value)
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
    let (attempts, elapsed) = (capture.attempts.max(1), capture.elapsed());
    if let Some(error) = capture.deadline_passed() {
        return Err(error);
    }
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
        | ProgenitorError::InvalidUpgrade(source) => transport(source, attempts, elapsed),
        ProgenitorError::ErrorResponse(value) => Error::Api {
            response: Box::new(recorded_or(response, value.status(), value.headers())),
            error: documented(value.into_inner()),
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
                Err(source) => transport(source, attempts, elapsed),
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A loopback server answering every request with `status`, `content_type` and `body`.
    async fn answering(status: u16, content_type: &'static str, body: &'static str) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/x", listener.local_addr().unwrap());
        tokio::spawn(async move {
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(body.as_bytes()).await;
            }
        });
        url
    }

    async fn read_all(body: progenitor_client::ByteStream) -> Vec<u8> {
        let mut inner = body.into_inner();
        let mut out = Vec::new();
        while let Some(chunk) = std::future::poll_fn(|cx| inner.as_mut().poll_next(cx)).await {
            out.extend_from_slice(&chunk.unwrap());
        }
        out
    }

    #[tokio::test]
    async fn an_empty_success_body_decodes_as_unit() {
        let url = answering(204, "text/plain", "").await;
        let http = crate::http_client_builder().unwrap().build().unwrap();
        let response = finish_raw::<(), (), _>(http.post(&url).send(), &[204]).await;
        assert_eq!(response.unwrap().status(), 204);
    }

    #[tokio::test]
    async fn a_raw_success_streams_and_an_error_is_read_and_kept() {
        let http = crate::http_client_builder().unwrap().build().unwrap();
        let url = answering(200, "text/event-stream", "data: one\n\ndata: two\n\n").await;
        let response = finish_raw_stream::<(), _>(http.post(&url).send(), &[200])
            .await
            .unwrap();
        assert_eq!(
            read_all(response.into_inner()).await,
            b"data: one\n\ndata: two\n\n"
        );

        let url = answering(500, "text/plain", "upstream down").await;
        let error = finish_raw_stream::<(), _>(http.post(&url).send(), &[200])
            .await
            .err()
            .unwrap();
        assert!(
            matches!(&error, Error::Api { response, .. } if &response.body[..] == b"upstream down"),
            "{error}"
        );
    }
}
