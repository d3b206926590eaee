//! Rust names for what a spec names: methods, builder setters and types. One place, so the
//! normalize passes, validate and the emitters always agree with each other and with progenitor.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// A Rust identifier for a spec name (`type` -> `type_`, `displayName` -> `display_name`), as
/// progenitor names builder setters.
pub fn setter_ident(name: &str) -> String {
    // Always a valid identifier, whatever the spec says: `format_ident!` panics otherwise.
    let mut ident: String = name
        .to_snake_case()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if ident.is_empty() {
        ident.push_str("value");
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if syn::parse_str::<syn::Ident>(&ident).is_err() {
        ident.push('_');
    }
    ident
}

/// The Rust method name progenitor derives from an operationId.
pub fn method_name(operation_id: &str) -> String {
    // progenitor escapes keywords the same way (`type` -> `type_`).
    setter_ident(operation_id)
}

/// The name of progenitor's builder struct for a client method (`list_avatars` -> `ListAvatars`).
pub fn builder_name(method: &str) -> String {
    method.to_upper_camel_case()
}

/// The field of a struct progenitor generates for a JSON property (`videoUrl` -> `video_url`,
/// `type` -> `type_`: typify suffixes keywords as progenitor's setters do).
pub fn field_name(property: &str) -> String {
    let field = property.to_snake_case();
    if syn::parse_str::<syn::Ident>(&field).is_err() && !field.is_empty() {
        return format!("{field}_");
    }
    field
}

/// The type name progenitor formed for an operation's schema (`create-avatar-body` ->
/// `CreateAvatarBody`): quotes dropped, other non-identifier characters as word breaks, a
/// leading `_` where the name cannot start an identifier, a trailing `_` for a keyword.
pub fn pascal_type_name(input: &str) -> String {
    let out = match input {
        "+1" => "Plus1".to_string(),
        "-1" => "Minus1".to_string(),
        _ => input
            .replace('\'', "")
            .replace(|c: char| !unicode_ident::is_xid_continue(c), "-")
            .to_upper_camel_case(),
    };
    let out = match out.chars().next() {
        None => "X".to_string(),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("_{out}"),
    };
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_always_valid() {
        for (name, ident) in [
            ("displayName", "display_name"),
            ("type", "type_"),
            ("self", "self_"),
            ("2fa-code", "_2fa_code"),
            ("ñame", "_ame"),
            ("", "value"),
            ("-", "value"),
        ] {
            assert_eq!(setter_ident(name), ident, "{name}");
            assert!(syn::parse_str::<syn::Ident>(&setter_ident(name)).is_ok());
        }
    }

    #[test]
    fn fields_of_keyword_properties_are_suffixed() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("videoUrl"), "video_url");
    }

    #[test]
    fn operation_type_names_follow_progenitors() {
        assert_eq!(pascal_type_name("createAvatar-body"), "CreateAvatarBody");
        assert_eq!(pascal_type_name("get_avatar-id"), "GetAvatarId");
        assert_eq!(pascal_type_name("list-x-page[size]"), "ListXPageSize");
        assert_eq!(pascal_type_name("1st-response"), "_1stResponse");
    }

    #[test]
    fn builders_are_named_after_their_methods() {
        assert_eq!(builder_name(&method_name("listAvatars")), "ListAvatars");
        assert_eq!(builder_name(&method_name("get_avatar")), "GetAvatar");
    }
}
