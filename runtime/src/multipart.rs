//! File parts for `multipart/form-data` operations: bytes or a file path, with a file name and a
//! content type (guessed from the extension when not given).

use std::path::Path;

use bytes::Bytes;

/// A file to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        let bytes = tokio::fs::read(path).await?;
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

    /// The content type to send: the given one, else one guessed from the file name.
    pub fn effective_content_type(&self) -> &str {
        if let Some(ct) = &self.content_type {
            return ct;
        }
        let ext = self
            .file_name
            .as_deref()
            .and_then(|n| n.rsplit_once('.'))
            .map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("png") => "image/png",
            Some("jpg" | "jpeg") => "image/jpeg",
            Some("webp") => "image/webp",
            Some("gif") => "image/gif",
            Some("mp4") => "video/mp4",
            Some("mov") => "video/quicktime",
            Some("mp3") => "audio/mpeg",
            Some("wav") => "audio/wav",
            Some("pdf") => "application/pdf",
            _ => "application/octet-stream",
        }
    }

    /// The reqwest part; fails only for a content type that is not a valid MIME type.
    pub fn to_part(&self) -> reqwest::Result<reqwest::multipart::Part> {
        let mut part = reqwest::multipart::Part::bytes(self.bytes.to_vec())
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
}
