//! One call of a generated operation, from its [`Request`] to a typed value or an [`Error`]:
//! the runtime sends it (retries, deadline, tracing), then the response is decoded by what the
//! operation documents for its status (a typed success, the documented error body, a stream).

use bytes::Bytes;
use progenitor_client::{ByteStream, ResponseValue};
use serde::de::DeserializeOwned;

use crate::error::{Error, RawResponse};
use crate::request::Request;
use crate::response::Raw;
use crate::runtime::{Answer, Failure, Runtime};

impl<E> From<Failure> for Error<E> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Invalid(message) => Error::InvalidRequest(message),
            Failure::Interceptor { name, source } => Error::Interceptor { name, source },
            Failure::Transport {
                source,
                attempts,
                elapsed,
            } => Error::Transport {
                source,
                attempts,
                elapsed,
            },
            Failure::Deadline {
                deadline,
                attempts,
                elapsed,
            } => Error::Deadline {
                deadline,
                attempts,
                elapsed,
            },
        }
    }
}

impl Runtime {
    /// Sends `request` and decodes a JSON success as `T` (an empty body as JSON `null`, which
    /// `()` and `Option`s take).
    pub async fn send_json<T, E>(
        &self,
        http: &reqwest::Client,
        request: Request,
    ) -> Result<ResponseValue<T>, Error<E>>
    where
        T: DeserializeOwned,
        E: DeserializeOwned,
    {
        let response = self.send_read::<E>(http, request).await?;
        match decode(&response.body) {
            Ok(value) => Ok(ResponseValue::new(value, response.status, response.headers)),
            Err(source) => Err(Error::Decode {
                response: Box::new(response),
                source,
            }),
        }
    }

    /// [`Runtime::send_json`], handing back the raw response (body bytes included) too.
    pub async fn send_json_raw<T, E>(
        &self,
        http: &reqwest::Client,
        request: Request,
    ) -> Result<Raw<T>, Error<E>>
    where
        T: DeserializeOwned,
        E: DeserializeOwned,
    {
        let response = self.send_read::<E>(http, request).await?;
        match decode(&response.body) {
            Ok(value) => Ok(Raw { value, response }),
            Err(source) => Err(Error::Decode {
                response: Box::new(response),
                source,
            }),
        }
    }

    /// [`Runtime::send_empty`], handing back the raw response too.
    pub async fn send_empty_raw<E: DeserializeOwned>(
        &self,
        http: &reqwest::Client,
        request: Request,
    ) -> Result<Raw<()>, Error<E>> {
        let response = self.send_read::<E>(http, request).await?;
        Ok(Raw {
            value: (),
            response,
        })
    }

    /// Sends `request` whose success has no body to decode (whatever the server sends is
    /// dropped).
    pub async fn send_empty<E: DeserializeOwned>(
        &self,
        http: &reqwest::Client,
        request: Request,
    ) -> Result<ResponseValue<()>, Error<E>> {
        let response = self.send_read::<E>(http, request).await?;
        Ok(ResponseValue::new((), response.status, response.headers))
    }

    /// Sends `request` whose success is not JSON (a file, an event stream): its body streams to
    /// the caller as it arrives. Error bodies are read and decoded as usual.
    pub async fn send_stream<E: DeserializeOwned>(
        &self,
        http: &reqwest::Client,
        request: Request,
    ) -> Result<ResponseValue<ByteStream>, Error<E>> {
        let operation = request.operation;
        let answer = self.send(http, request).await?;
        let status = answer.response.status();
        if answer.envelope.is_none() && operation.is_success(status.as_u16()) {
            let (status, headers) = (answer.response.status(), answer.response.headers().clone());
            let body = ByteStream::new(Box::pin(answer.response.bytes_stream()));
            return Ok(ResponseValue::new(body, status, headers));
        }
        let response = settle(answer, operation).await?;
        let body = ByteStream::new(Box::pin(ReadBody(Some(response.body))));
        Ok(ResponseValue::new(body, response.status, response.headers))
    }

    /// Sends and reads the whole answer; error statuses and envelope failures become errors.
    async fn send_read<E: DeserializeOwned>(
        &self,
        http: &reqwest::Client,
        request: Request,
    ) -> Result<RawResponse, Error<E>> {
        let operation = request.operation;
        let answer = self.send(http, request).await?;
        settle(answer, operation).await
    }
}

/// A JSON body; an empty one as JSON `null` (which `()` and `Option`s take).
fn decode<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    if body.is_empty() {
        serde_json::from_value(serde_json::Value::Null)
    } else {
        serde_json::from_slice(body)
    }
}

/// A success comes back read in full; a transport error while reading, an envelope failure or
/// an error status becomes the matching error.
async fn settle<E: DeserializeOwned>(
    answer: Answer,
    operation: &'static crate::request::Operation,
) -> Result<RawResponse, Error<E>> {
    let Answer {
        mut response,
        body,
        envelope,
        attempts,
        started,
    } = answer;
    let status = response.status();
    // Taken, not copied: reading the body does not look at them.
    let headers = std::mem::take(response.headers_mut());
    let body = match body {
        Some(body) => body,
        None => match response.bytes().await {
            Ok(body) => body,
            Err(source) => {
                return Err(Error::Transport {
                    source,
                    attempts,
                    elapsed: started.elapsed(),
                });
            }
        },
    };
    let response = RawResponse {
        status,
        headers,
        body,
    };
    if let Some(failure) = envelope {
        return Err(Error::Envelope {
            code: failure.code,
            message: failure.message,
            known: failure.known,
            response: Box::new(response),
        });
    }
    let code = status.as_u16();
    if operation.is_success(code) {
        return Ok(response);
    }
    let error = if operation.documents_error(code) {
        serde_json::from_slice(&response.body)
            .ok()
            .and_then(documented)
    } else {
        None
    };
    Err(Error::Api {
        response: Box::new(response),
        error,
        attempts,
    })
}

/// A status documented without a body schema decodes as `()`: a value that carries nothing is
/// no error body, and the error's message shows the raw body instead.
fn documented<E>(value: E) -> Option<E> {
    (std::mem::size_of::<E>() != 0).then_some(value)
}

/// A body already read, as a stream of one chunk.
struct ReadBody(Option<Bytes>);

impl futures_core::Stream for ReadBody {
    type Item = reqwest::Result<Bytes>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.get_mut().0.take().map(Ok))
    }
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
