//! Text the generated builders take for optional string fields: what a caller has (`&str`,
//! `String`, or an `Option` of either) rather than exactly `Option<String>`.

use std::borrow::Cow;

/// A value for an optional string field: `"text"`, `String`, `Some(..)`, `None`.
pub trait IntoOptionalString {
    /// The value, `None` meaning unset.
    fn into_optional_string(self) -> Option<String>;
}

impl IntoOptionalString for String {
    fn into_optional_string(self) -> Option<String> {
        Some(self)
    }
}

impl IntoOptionalString for &str {
    fn into_optional_string(self) -> Option<String> {
        Some(self.to_string())
    }
}

impl IntoOptionalString for &String {
    fn into_optional_string(self) -> Option<String> {
        Some(self.clone())
    }
}

impl IntoOptionalString for Cow<'_, str> {
    fn into_optional_string(self) -> Option<String> {
        Some(self.into_owned())
    }
}

impl<T: IntoOptionalString> IntoOptionalString for Option<T> {
    fn into_optional_string(self) -> Option<String> {
        self.and_then(IntoOptionalString::into_optional_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_caller_has_becomes_an_optional_string() {
        assert_eq!("a".into_optional_string().as_deref(), Some("a"));
        assert_eq!(
            String::from("b").into_optional_string().as_deref(),
            Some("b")
        );
        assert_eq!(Some("c").into_optional_string().as_deref(), Some("c"));
        assert_eq!(None::<&str>.into_optional_string(), None);
        assert_eq!(
            Cow::Borrowed("d").into_optional_string().as_deref(),
            Some("d")
        );
    }
}
