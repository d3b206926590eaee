//! The one error type of the pipeline: every failure names the file, the JSON pointer inside it,
//! what is wrong and what to do about it.

use std::fmt;

/// The pipeline stage that failed, so callers can tell a broken spec from a generator bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Load,
    Merge,
    Overlay,
    Normalize,
    Validate,
    Emit,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Stage::Load => "load",
            Stage::Merge => "merge",
            Stage::Overlay => "overlay",
            Stage::Normalize => "normalize",
            Stage::Validate => "validate",
            Stage::Emit => "emit",
        };
        f.write_str(name)
    }
}

/// A file (as shown to the user) and an RFC 6901 JSON pointer inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub pointer: String,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            f.write_str(&self.file)
        } else {
            write!(f, "{}#{}", self.file, self.pointer)
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{stage} error at {location}: {message}\n  help: {help}")]
pub struct Error {
    pub stage: Stage,
    pub location: Location,
    pub message: String,
    pub help: String,
    /// Where in the effective document the cause is (the location may point into an overlay).
    /// Boxed: `Result<_, Error>` is returned everywhere and should stay small.
    pub document_pointer: Option<Box<str>>,
}

impl Error {
    /// The same error, knowing where in the effective document its cause is.
    pub fn at_document(mut self, pointer: impl Into<String>) -> Self {
        self.document_pointer = Some(pointer.into().into_boxed_str());
        self
    }

    /// An error in the generator itself (its output does not parse, ...), not in the spec.
    pub fn bug(source_dir: &str, message: impl Into<String>) -> Self {
        Error::new(
            Stage::Emit,
            Location {
                file: source_dir.to_string(),
                pointer: String::new(),
            },
            message,
            "this is a generator bug: report it with the vendor folder",
        )
    }

    pub fn new(
        stage: Stage,
        location: Location,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Error {
            stage,
            location,
            message: message.into(),
            help: help.into(),
            document_pointer: None,
        }
    }
}

/// Something generation did that a maintainer should know of, located like an error: an
/// operation left out, an operation renamed, a value dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub location: Location,
    pub message: String,
    pub help: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "warning at {}: {}\n  help: {}",
            self.location, self.message, self.help
        )
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
