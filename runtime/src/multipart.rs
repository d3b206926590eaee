//! File parts for `multipart/form-data` operations: bytes or a file path, with a file name and a
//! content type (guessed from the extension when not given).

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use tokio::io::AsyncRead;

/// Called as an upload streams: bytes sent so far, and the total when known.
pub type Progress = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

type BoxReader = Pin<Box<dyn AsyncRead + Send>>;
type Open = Arc<dyn Fn() -> std::io::Result<BoxReader> + Send + Sync>;

/// Where an upload's bytes come from: memory, or a source opened anew for every attempt (so a
/// retry sends the file again, and nothing is held in memory).
#[derive(Clone)]
enum Source {
    Bytes,
    Path(PathBuf),
    Reader { open: Open, length: Option<u64> },
}

/// A file to upload: bytes in memory ([`FilePart::bytes`]), a file streamed from disk
/// ([`FilePart::path`]) or any `AsyncRead` ([`FilePart::reader`]).
#[derive(Clone)]
#[non_exhaustive]
pub struct FilePart {
    /// The bytes of an in-memory part (empty for a streamed one).
    pub bytes: Bytes,
    /// The part's file name, sent in its `Content-Disposition`.
    pub file_name: Option<String>,
    /// The part's media type; guessed from the file name when `None`.
    pub content_type: Option<String>,
    source: Source,
    progress: Option<Progress>,
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Bytes => format!("{} bytes in memory", self.bytes.len()),
            Source::Path(path) => format!("the file {}", path.display()),
            Source::Reader { length, .. } => format!("a reader ({length:?} bytes)"),
        };
        f.debug_struct("FilePart")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl PartialEq for FilePart {
    fn eq(&self, other: &Self) -> bool {
        let same_source = match (&self.source, &other.source) {
            (Source::Bytes, Source::Bytes) => self.bytes == other.bytes,
            (Source::Path(a), Source::Path(b)) => a == b,
            (Source::Reader { open: a, .. }, Source::Reader { open: b, .. }) => Arc::ptr_eq(a, b),
            _ => false,
        };
        same_source && self.file_name == other.file_name && self.content_type == other.content_type
    }
}

impl FilePart {
    /// A part held in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        FilePart {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
            source: Source::Bytes,
            progress: None,
        }
    }

    /// Reads a whole file into memory; its name becomes the part's file name, its extension the
    /// content type. For large files prefer [`FilePart::path`], which streams.
    pub async fn from_path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        // io errors do not say which file; the caller needs to know.
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let mut part = FilePart::bytes(bytes);
        part.file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        Ok(part)
    }

    /// A file streamed from disk as the request is sent, opened again for each attempt (a retry
    /// sends it whole again); memory stays flat whatever its size. Its name becomes the part's
    /// file name, its extension the content type. A file that cannot be opened fails the call.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        FilePart {
            bytes: Bytes::new(),
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()),
            content_type: None,
            source: Source::Path(path),
            progress: None,
        }
    }

    /// Bytes streamed from any `AsyncRead` that `open` makes, called again for each attempt.
    /// `length`, when known, is sent as the part's length.
    pub fn reader<R, F>(length: Option<u64>, open: F) -> Self
    where
        R: AsyncRead + Send + 'static,
        F: Fn() -> std::io::Result<R> + Send + Sync + 'static,
    {
        let open: Open = Arc::new(move || open().map(|r| Box::pin(r) as BoxReader));
        FilePart {
            bytes: Bytes::new(),
            file_name: None,
            content_type: None,
            source: Source::Reader { open, length },
            progress: None,
        }
    }

    /// Sets the file name sent with the part.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's media type (`image/png`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Calls `progress(sent, total)` as the part's bytes go out (again from 0 on a retry).
    pub fn on_progress(
        mut self,
        progress: impl Fn(u64, Option<u64>) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// The content type to send: the given one, else one guessed from the file name's
    /// extension (mime_guess, which reqwest's multipart support already uses).
    pub fn effective_content_type(&self) -> &str {
        if let Some(ct) = &self.content_type {
            return ct;
        }
        self.file_name
            .as_deref()
            .and_then(|name| mime_guess::from_path(name).first_raw())
            .unwrap_or("application/octet-stream")
    }

    /// The body of one attempt and its length when known: the bytes (shared, not copied), or
    /// the source opened afresh. Opening a file is synchronous (`std::fs::File::open`): it does
    /// not block for long, and the request is built outside any async context.
    pub(crate) fn body(&self) -> std::io::Result<(reqwest::Body, Option<u64>)> {
        let (reader, length): (BoxReader, Option<u64>) = match &self.source {
            Source::Bytes if self.progress.is_none() => {
                return Ok((
                    reqwest::Body::from(self.bytes.clone()),
                    Some(self.bytes.len() as u64),
                ));
            }
            Source::Bytes => (
                Box::pin(std::io::Cursor::new(self.bytes.clone())),
                Some(self.bytes.len() as u64),
            ),
            Source::Path(path) => {
                let file = std::fs::File::open(path).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
                })?;
                let length = file.metadata().ok().map(|m| m.len());
                (Box::pin(tokio::fs::File::from_std(file)), length)
            }
            Source::Reader { open, length } => (open()?, *length),
        };
        let stream = Counted {
            inner: tokio_util::io::ReaderStream::with_capacity(reader, 64 * 1024),
            sent: 0,
            total: length,
            progress: self.progress.clone(),
        };
        Ok((reqwest::Body::wrap_stream(stream), length))
    }

    /// The reqwest part of one attempt; fails for a content type that is not a valid MIME type
    /// or a source that cannot be opened.
    pub fn to_part(&self) -> Result<reqwest::multipart::Part, String> {
        let (body, length) = self.body().map_err(|e| e.to_string())?;
        let part = match length {
            Some(length) => reqwest::multipart::Part::stream_with_length(body, length),
            None => reqwest::multipart::Part::stream(body),
        };
        let mut part = part
            .mime_str(self.effective_content_type())
            .map_err(|e| e.to_string())?;
        if let Some(name) = &self.file_name {
            part = part.file_name(name.clone());
        }
        Ok(part)
    }
}

/// An upload's chunks, counted for the progress callback.
struct Counted {
    inner: tokio_util::io::ReaderStream<BoxReader>,
    sent: u64,
    total: Option<u64>,
    progress: Option<Progress>,
}

impl futures_core::Stream for Counted {
    type Item = std::io::Result<Bytes>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let polled = Pin::new(&mut self.inner).poll_next(cx);
        if let std::task::Poll::Ready(Some(Ok(chunk))) = &polled {
            self.sent += chunk.len() as u64;
            if let Some(progress) = &self.progress {
                progress(self.sent, self.total);
            }
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_is_given_or_guessed() {
        assert_eq!(
            FilePart::bytes(vec![1])
                .file_name("face.JPG")
                .effective_content_type(),
            "image/jpeg"
        );
        assert_eq!(
            FilePart::bytes(vec![1]).effective_content_type(),
            "application/octet-stream"
        );
        assert_eq!(
            FilePart::bytes(vec![1])
                .file_name("a.png")
                .content_type("image/webp")
                .effective_content_type(),
            "image/webp"
        );
    }

    #[tokio::test]
    async fn from_path_reads_name_and_bytes() {
        let path =
            std::env::temp_dir().join(format!("openapi-sdk-runtime-{}.png", std::process::id()));
        std::fs::write(&path, b"\x89PNG").unwrap();
        let part = FilePart::from_path(&path).await.unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(part.bytes.as_ref(), b"\x89PNG");
        assert_eq!(part.effective_content_type(), "image/png");
    }

    #[tokio::test]
    async fn a_missing_file_is_an_error_that_names_it() {
        let path = std::env::temp_dir().join("openapi-sdk-runtime-no-such-file.png");
        let err = FilePart::from_path(&path).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert!(
            err.to_string()
                .contains("openapi-sdk-runtime-no-such-file.png"),
            "{err}"
        );
    }
}
