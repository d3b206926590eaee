//! What a response says besides its body, read without parsing headers by hand: the server's
//! request id, how long it asks a client to wait (`Retry-After`) and its rate limits
//! (`x-ratelimit-*`), for successes ([`ResponseExt`] on every `ResponseValue`) as for errors
//! ([`RawResponse`]); and [`Raw`], a typed value with the response it was decoded from.

use std::time::Duration;

use std::future::Future;
use std::path::Path;

use progenitor_client::{ByteStream, ResponseValue};
use reqwest::header::HeaderMap;

use crate::error::RawResponse;
pub use crate::headers::RateLimit;
use crate::headers::{rate_limit, request_id, retry_after};

/// A typed value and the response it came from, body bytes included (`send_raw()`).
#[derive(Debug, Clone)]
pub struct Raw<T> {
    /// The decoded value.
    pub value: T,
    /// The response it was decoded from.
    pub response: RawResponse,
}

/// The headers' meaning, on any response a client hands back:
/// `client.get_avatar().id(id).send().await?.request_id()`.
pub trait ResponseExt {
    /// The headers the response came with.
    fn response_headers(&self) -> &HeaderMap;

    /// The server's id for the request, for support tickets.
    fn request_id(&self) -> Option<&str> {
        request_id(self.response_headers())
    }

    /// How long the server asks a client to wait before the next request (`Retry-After`, in
    /// seconds or as an HTTP date).
    fn retry_after(&self) -> Option<Duration> {
        retry_after(self.response_headers())
    }

    /// The rate limit the response reports.
    fn rate_limit(&self) -> RateLimit {
        rate_limit(self.response_headers())
    }
}

impl<T> ResponseExt for ResponseValue<T> {
    fn response_headers(&self) -> &HeaderMap {
        self.headers()
    }
}

impl<T> ResponseExt for Raw<T> {
    fn response_headers(&self) -> &HeaderMap {
        &self.response.headers
    }
}

/// Writing a streamed body (a download) to a file as it arrives, memory flat whatever its size:
/// `client.download().send().await?.save_to("video.mp4").await?`.
pub trait SaveTo {
    /// Streams the body into `path` (created, or truncated), returning the bytes written. A
    /// read that stalls longer than the client's idle timeout fails it.
    fn save_to(
        self,
        path: impl AsRef<Path> + Send,
    ) -> impl Future<Output = std::io::Result<u64>> + Send;
}

impl SaveTo for ByteStream {
    async fn save_to(self, path: impl AsRef<Path> + Send) -> std::io::Result<u64> {
        use tokio::io::AsyncWriteExt;
        let path = path.as_ref();
        let named =
            |e: std::io::Error| std::io::Error::new(e.kind(), format!("{}: {e}", path.display()));
        let mut file = tokio::fs::File::create(path).await.map_err(named)?;
        let mut body = self.into_inner();
        let mut written = 0u64;
        while let Some(chunk) = std::future::poll_fn(|cx| body.as_mut().poll_next(cx)).await {
            // reqwest's own message ("error decoding response body") hides why; its causes
            // say it (a read that timed out, a connection reset).
            let chunk = chunk.map_err(|e| {
                let kind = if e.is_timeout() {
                    std::io::ErrorKind::TimedOut
                } else {
                    std::io::ErrorKind::Other
                };
                std::io::Error::new(kind, crate::error::causes(&e))
            })?;
            file.write_all(&chunk).await.map_err(named)?;
            written += chunk.len() as u64;
        }
        file.flush().await.map_err(named)?;
        Ok(written)
    }
}

impl SaveTo for ResponseValue<ByteStream> {
    async fn save_to(self, path: impl AsRef<Path> + Send) -> std::io::Result<u64> {
        self.into_inner().save_to(path).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_waits_and_limits_are_read_from_the_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("request-id", "req-9".parse().unwrap());
        headers.insert("retry-after", "7".parse().unwrap());
        headers.insert("x-ratelimit-limit", "100".parse().unwrap());
        headers.insert("x-ratelimit-remaining", " 3".parse().unwrap());
        headers.insert("x-ratelimit-reset", "soon".parse().unwrap());
        let value = ResponseValue::new((), reqwest::StatusCode::OK, headers);
        assert_eq!(value.request_id(), Some("req-9"));
        assert_eq!(value.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(
            value.rate_limit(),
            RateLimit {
                limit: Some(100),
                remaining: Some(3),
                reset: None,
            }
        );
        let bare = ResponseValue::new((), reqwest::StatusCode::OK, HeaderMap::new());
        assert_eq!((bare.request_id(), bare.retry_after()), (None, None));
        assert_eq!(bare.rate_limit(), RateLimit::default());
    }
}
