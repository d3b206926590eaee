//! File parts for `multipart/form-data` operations: bytes or a file path, with a file name and a
//! content type (guessed from the extension when not given).

use std::path::Path;

use bytes::Bytes;

/// A file to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FilePart {
    pub bytes: Bytes,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
}

impl FilePart {
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        FilePart {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// Reads a file; its name becomes the part's file name, its extension the content type.
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

    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
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

    /// The reqwest part; fails only for a content type that is not a valid MIME type. The bytes
    /// are shared with the part, not copied (uploads may be videos).
    pub fn to_part(&self) -> reqwest::Result<reqwest::multipart::Part> {
        let body = reqwest::Body::from(self.bytes.clone());
        let mut part = reqwest::multipart::Part::stream_with_length(body, self.bytes.len() as u64)
            .mime_str(self.effective_content_type())?;
        if let Some(name) = &self.file_name {
            part = part.file_name(name.clone());
        }
        Ok(part)
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
        let path = std::env::temp_dir().join(format!("sdk-runtime-{}.png", std::process::id()));
        std::fs::write(&path, b"\x89PNG").unwrap();
        let part = FilePart::from_path(&path).await.unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(part.bytes.as_ref(), b"\x89PNG");
        assert_eq!(part.effective_content_type(), "image/png");
    }

    #[tokio::test]
    async fn a_missing_file_is_an_error_that_names_it() {
        let path = std::env::temp_dir().join("sdk-runtime-no-such-file.png");
        let err = FilePart::from_path(&path).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert!(
            err.to_string().contains("sdk-runtime-no-such-file.png"),
            "{err}"
        );
    }
}
