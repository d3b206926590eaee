//! What typed builders take for an optional field of a checked type (a UUID, an integer enum, a
//! constrained string): the value, an `Option` of it, or what a caller has (text, a plain
//! integer), converted and checked when set, so `.voice_id("…")` and `.url_from(1)` read like the
//! required fields' setters.

/// A value for an optional builder field of type `T`. The generated crates implement it for
/// their own types (from plain integers, from text); the runtime for UUIDs and `Option`s.
pub trait IntoOptional<T> {
    /// The field's value, or why it is not one (the text names the allowed values where the
    /// type has a list of them).
    fn into_optional(self) -> Result<Option<T>, String>;
}

impl<T, U: IntoOptional<T>> IntoOptional<T> for Option<U> {
    fn into_optional(self) -> Result<Option<T>, String> {
        Ok(self.map(U::into_optional).transpose()?.flatten())
    }
}

impl IntoOptional<uuid::Uuid> for uuid::Uuid {
    fn into_optional(self) -> Result<Option<uuid::Uuid>, String> {
        Ok(Some(self))
    }
}

impl IntoOptional<uuid::Uuid> for &str {
    fn into_optional(self) -> Result<Option<uuid::Uuid>, String> {
        uuid::Uuid::parse_str(self)
            .map(Some)
            .map_err(|e| format!("{self:?} is not a UUID: {e}"))
    }
}

impl IntoOptional<uuid::Uuid> for String {
    fn into_optional(self) -> Result<Option<uuid::Uuid>, String> {
        self.as_str().into_optional()
    }
}

impl IntoOptional<uuid::Uuid> for &String {
    fn into_optional(self) -> Result<Option<uuid::Uuid>, String> {
        self.as_str().into_optional()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uuid(value: impl IntoOptional<uuid::Uuid>) -> Result<Option<uuid::Uuid>, String> {
        value.into_optional()
    }

    #[test]
    fn text_becomes_a_uuid_or_says_why_not() {
        let text = "67e55044-10b1-426f-9247-bb680e5fe0c8";
        let parsed = uuid::Uuid::parse_str(text).unwrap();
        assert_eq!(uuid(text), Ok(Some(parsed)));
        assert_eq!(uuid(text.to_string()), Ok(Some(parsed)));
        assert_eq!(uuid(Some(text)), Ok(Some(parsed)));
        assert_eq!(uuid(parsed), Ok(Some(parsed)));
        assert_eq!(uuid(None::<&str>), Ok(None));
        let error = uuid("not-a-uuid").unwrap_err();
        assert!(
            error.starts_with("\"not-a-uuid\" is not a UUID: "),
            "{error}"
        );
        assert!(uuid(Some("x")).is_err(), "an Option's value is checked too");
    }
}
