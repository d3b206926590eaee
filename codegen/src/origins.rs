//! Which input file (and where in it) each part of the effective document came from, so every
//! later stage can name the file a user has to edit: an upstream document, or the overlay
//! action that added the content.

use crate::error::Location;

/// One recorded unit: content at `pointer` in the effective document came from `file`; when
/// `file_pointer` is set (overlay content), it sits at that pointer inside `file`, so a pointer
/// below the unit maps to the same place below `file_pointer`.
#[derive(Debug, Clone)]
struct Entry {
    pointer: String,
    file: String,
    file_pointer: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct Origins {
    entries: Vec<Entry>,
    fallback: String,
}

impl Origins {
    /// Origins whose unrecorded content is blamed on `fallback` (the first document).
    pub fn with_fallback(fallback: impl Into<String>) -> Self {
        Origins {
            entries: Vec::new(),
            fallback: fallback.into(),
        }
    }

    /// Content at `pointer` came from upstream document `file`, at the same pointer.
    pub fn record(&mut self, pointer: String, file: &str) {
        self.entries.push(Entry {
            pointer,
            file: file.to_string(),
            file_pointer: None,
        });
    }

    /// Content at `pointer` was added by an overlay `file`, written at `file_pointer` in it.
    pub fn record_overlay(&mut self, pointer: String, file: &str, file_pointer: String) {
        self.entries.push(Entry {
            pointer,
            file: file.to_string(),
            file_pointer: Some(file_pointer),
        });
    }

    /// Takes over another set's entries (an overlay applied to one document before the merge).
    pub fn extend(&mut self, other: Origins) {
        self.entries.extend(other.entries);
    }

    /// The latest, longest recorded unit holding `pointer`: later records (overlays) win over
    /// earlier ones (the documents) at the same depth.
    fn entry_for<'a>(&self, pointer: &'a str) -> Option<(&Entry, &'a str)> {
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let rest = pointer.strip_prefix(e.pointer.as_str())?;
                (rest.is_empty() || rest.starts_with('/')).then_some((i, e, rest))
            })
            .max_by_key(|(i, e, _)| (e.pointer.len(), *i))
            .map(|(_, e, rest)| (e, rest))
    }

    /// The file that holds `pointer`.
    pub fn file_for(&self, pointer: &str) -> &str {
        self.entry_for(pointer)
            .map_or(self.fallback.as_str(), |(e, _)| e.file.as_str())
    }

    /// The file and the pointer inside it that hold `pointer` of the effective document.
    pub fn locate(&self, pointer: &str) -> Location {
        match self.entry_for(pointer) {
            Some((entry, rest)) => Location {
                file: entry.file.clone(),
                pointer: match &entry.file_pointer {
                    Some(base) => format!("{base}{rest}"),
                    None => pointer.to_string(),
                },
            },
            None => Location {
                file: self.fallback.clone(),
                pointer: pointer.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_content_is_located_inside_the_overlay_action() {
        let mut origins = Origins::with_fallback("specs/v/a.yaml");
        origins.record("/paths/~1x/get".into(), "specs/v/b.yaml");
        origins.record_overlay(
            "/x-sdk-waiters".into(),
            "specs/v/overlay.yaml",
            "/actions/3/update/x-sdk-waiters".into(),
        );
        assert_eq!(
            origins.locate("/x-sdk-waiters/0/status").to_string(),
            "specs/v/overlay.yaml#/actions/3/update/x-sdk-waiters/0/status"
        );
        assert_eq!(
            origins.locate("/paths/~1x/get/responses").to_string(),
            "specs/v/b.yaml#/paths/~1x/get/responses"
        );
        assert_eq!(origins.file_for("/info"), "specs/v/a.yaml");
        // A prefix must end at a token boundary: `/x-sdk-waitersX` is not inside `/x-sdk-waiters`.
        assert_eq!(origins.file_for("/x-sdk-waitersX"), "specs/v/a.yaml");
    }

    #[test]
    fn a_later_record_of_the_same_unit_wins() {
        let mut origins = Origins::with_fallback("a");
        origins.record("/components/schemas/S".into(), "doc.yaml");
        origins.record_overlay(
            "/components/schemas/S".into(),
            "overlay.yaml",
            "/actions/0/update".into(),
        );
        assert_eq!(
            origins.file_for("/components/schemas/S/type"),
            "overlay.yaml"
        );
    }
}
