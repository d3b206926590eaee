//! Reading progenitor's output as syntax trees: the modules it writes, builder structs and
//! their fields, `send` signatures. Shared by the model (which reads) and emit (which patches).

use proc_macro2::TokenStream;
use syn::{GenericArgument, Item, PathArguments, Type};

/// The items of `mod name { .. }` at the top of `file`.
pub fn module<'a>(items: &'a [Item], name: &str) -> Vec<&'a Item> {
    items
        .iter()
        .find_map(|i| match i {
            Item::Mod(m) if m.ident == name => {
                m.content.as_ref().map(|(_, items)| items.iter().collect())
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// The items of `mod name { .. }`, taken out of the file.
pub fn into_module(file: syn::File, name: &str) -> Vec<Item> {
    file.items
        .into_iter()
        .find_map(|i| match i {
            Item::Mod(m) if m.ident == name => m.content.map(|(_, items)| items),
            _ => None,
        })
        .unwrap_or_default()
}

/// The items of `mod name { .. }`, for editing.
pub fn module_mut<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<Item>> {
    file.items.iter_mut().find_map(|i| match i {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// The type arguments of the last path segment: `Result<A, B>` -> [A, B].
pub fn generic_args(ty: &Type) -> Option<Vec<Type>> {
    let Type::Path(p) = ty else { return None };
    let PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// Tokens as text without the spaces `to_string` puts between them (`::uuid::Uuid`,
/// `T:::std::convert::TryInto<..>`): what the emitters compare types and bounds by.
pub fn flat(tokens: &impl quote::ToTokens) -> String {
    tokens.to_token_stream().to_string().replace(' ', "")
}

/// A type as a user of the API knows it, for error messages: `UUID` for `::uuid::Uuid`,
/// `integer` for `i64`, `RFC 3339 date-time` for chrono's `DateTime`, a generated type by its
/// plain name (`CreateAvatarRequest`, not `types::CreateAvatarRequest`), `list of X` for a
/// `Vec<X>`. Paths like `::std::string::String` mean nothing to someone who sent `"nope"`.
pub fn readable(ty: &impl quote::ToTokens) -> String {
    let ty: Type = match syn::parse2(ty.to_token_stream()) {
        Ok(ty) => ty,
        Err(_) => return flat(ty),
    };
    readable_type(&ty)
}

fn readable_type(ty: &Type) -> String {
    let last = match ty {
        Type::Path(p) => p.path.segments.last(),
        Type::Reference(r) => return readable_type(&r.elem),
        Type::Slice(s) => return format!("list of {}", readable_type(&s.elem)),
        _ => None,
    };
    let Some(last) = last else {
        return flat(ty);
    };
    let inner = || generic_args(ty).and_then(|args| args.first().map(readable_type));
    let name = last.ident.to_string();
    match name.as_str() {
        "Uuid" => "UUID".into(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => "integer".into(),
        "NonZeroU8" | "NonZeroU16" | "NonZeroU32" | "NonZeroU64" | "NonZeroU128"
        | "NonZeroUsize" => "positive integer".into(),
        "NonZeroI8" | "NonZeroI16" | "NonZeroI32" | "NonZeroI64" | "NonZeroI128"
        | "NonZeroIsize" => "non-zero integer".into(),
        "f32" | "f64" => "number".into(),
        "String" | "str" => "string".into(),
        "bool" => "boolean".into(),
        "DateTime" => "RFC 3339 date-time".into(),
        "NaiveDate" => "date (YYYY-MM-DD)".into(),
        "NaiveTime" => "time (HH:MM:SS)".into(),
        "Value" => "JSON value".into(),
        "Bytes" | "ByteStream" => "bytes".into(),
        "HashMap" | "BTreeMap" | "Map" | "BoundedMap" => "map".into(),
        // Vec<u8>: what a raw body takes.
        "Vec" if flat(ty).ends_with("<u8>") => "bytes".into(),
        "Vec" | "VecDeque" | "HashSet" | "BTreeSet" => match inner() {
            Some(item) => format!("list of {}", plural(&item)),
            None => "list".into(),
        },
        "Option" | "Box" => inner().unwrap_or(name),
        _ => name,
    }
}

/// "strings", "UUIDs"; a type's own name or a phrase stays as it is ("list of Point").
fn plural(item: &str) -> String {
    match item {
        "UUID" | "integer" | "positive integer" | "non-zero integer" | "number" | "string"
        | "boolean" | "map" | "JSON value" | "RFC 3339 date-time" => format!("{item}s"),
        _ => item.to_string(),
    }
}

/// Whether a type is `uuid::Uuid`, however progenitor or typify spelled its path.
pub fn is_uuid(ty: &Type) -> bool {
    matches!(flat(ty).as_str(), "::uuid::Uuid" | "uuid::Uuid")
}

/// `T` of a where-predicate `X: TryInto<T>` (its first bound), the shape of every generated
/// setter's bound (progenitor's `V: std::convert::TryInto<T>`, typify's `T: ...TryInto<T>`).
pub fn try_into_target(p: &syn::PredicateType) -> Option<&Type> {
    let syn::TypeParamBound::Trait(bound) = p.bounds.first()? else {
        return None;
    };
    let last = bound.path.segments.last()?;
    if last.ident != "TryInto" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// `Result<ResponseValue<T>, Error<E>>` -> (T, E).
pub fn result_parts(ty: &Type) -> Option<(Type, Type)> {
    let args = generic_args(ty)?;
    let ok = generic_args(args.first()?)?.into_iter().next()?;
    let err = generic_args(args.get(1)?)?.into_iter().next()?;
    Some((ok, err))
}

/// The last segment's name of a path type (`types::Avatar` -> `Avatar`).
pub fn type_name(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The type of field `field` (a JSON property name) of struct `types::X` where `ty` is
/// `types::X`: (inner type, whether it was an `Option`). Names of `mod types` items in it are
/// qualified with `types::`, so the type means the same outside that module.
pub fn struct_field_type(file: &syn::File, ty: &Type, field: &str) -> Option<(Type, bool)> {
    let name = type_name(ty)?;
    let wanted = crate::naming::field_name(field);
    let types = module(&file.items, "types");
    let (mut found, optional) = types.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == name => s
            .fields
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| *i == wanted))
            .map(|f| {
                let is_option = type_name(&f.ty).is_some_and(|n| n == "Option");
                match generic_args(&f.ty).and_then(|a| a.into_iter().next()) {
                    Some(inner) if is_option => (inner, true),
                    _ => (f.ty.clone(), false),
                }
            }),
        _ => None,
    })?;
    let names = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    syn::visit_mut::VisitMut::visit_type_mut(&mut QualifyTypes { names }, &mut found);
    Some((found, optional))
}

/// Names of the items of `mod types`.
fn type_names(file: &syn::File) -> std::collections::BTreeSet<String> {
    module(&file.items, "types")
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Variants of `mod types` enums whose payload is a struct with named fields (each has a body
/// builder; newtypes do not): (enum, variant, struct). A payload type two variants share is
/// left out (either would fit).
pub fn builder_variants(file: &syn::File) -> Vec<(String, String, String)> {
    let types = module(&file.items, "types");
    let builders: std::collections::BTreeSet<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)) => {
                Some(s.ident.to_string())
            }
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for item in types {
        let Item::Enum(e) = item else { continue };
        let payloads: Vec<(String, String)> = e
            .variants
            .iter()
            .filter_map(|v| match &v.fields {
                syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => match &f.unnamed[0].ty {
                    Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                        Some((v.ident.to_string(), p.path.segments[0].ident.to_string()))
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect();
        for (variant, payload) in &payloads {
            let shared = payloads.iter().filter(|(_, p)| p == payload).count() > 1;
            if builders.contains(payload) && !shared {
                out.push((e.ident.to_string(), variant.clone(), payload.clone()));
            }
        }
    }
    out
}

/// Untagged enums of `mod types` that hold one item or a list of them (`Many(Vec<T>)` and
/// `One(T)`, as typify makes of `oneOf: [array of T, T]`): (enum, many variant, one variant,
/// T qualified with `types::`).
pub fn one_or_many(file: &syn::File) -> Vec<(String, String, String, Type)> {
    let single = |v: &syn::Variant| match &v.fields {
        syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => Some(f.unnamed[0].ty.clone()),
        _ => None,
    };
    let same = |a: &Type, b: &Type| {
        quote::ToTokens::to_token_stream(a).to_string()
            == quote::ToTokens::to_token_stream(b).to_string()
    };
    let names = type_names(file);
    module(&file.items, "types")
        .into_iter()
        .filter_map(|item| {
            let Item::Enum(e) = item else { return None };
            let [a, b] = [e.variants.first()?, e.variants.get(1)?];
            if e.variants.len() != 2 {
                return None;
            }
            let (ta, tb) = (single(a)?, single(b)?);
            let element = |list: &Type| match type_name(list).as_deref() {
                Some("Vec") => generic_args(list)?.into_iter().next(),
                _ => None,
            };
            let (many, one, mut item) = match (element(&ta), element(&tb)) {
                (Some(x), None) if same(&x, &tb) => (a, b, x),
                (None, Some(x)) if same(&x, &ta) => (b, a, x),
                _ => return None,
            };
            syn::visit_mut::VisitMut::visit_type_mut(
                &mut QualifyTypes {
                    names: names.clone(),
                },
                &mut item,
            );
            Some((
                e.ident.to_string(),
                many.ident.to_string(),
                one.ident.to_string(),
                item,
            ))
        })
        .collect()
}

/// Prefixes single-segment paths naming a `mod types` item with `types::`.
struct QualifyTypes {
    names: std::collections::BTreeSet<String>,
}

impl syn::visit_mut::VisitMut for QualifyTypes {
    fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
        syn::visit_mut::visit_type_path_mut(self, ty);
        let path = &mut ty.path;
        if ty.qself.is_none()
            && path.leading_colon.is_none()
            && path.segments.len() == 1
            && self.names.contains(&path.segments[0].ident.to_string())
        {
            path.segments.insert(0, syn::parse_quote!(types));
        }
    }
}

/// Parses generated tokens as a file; a failure is a generator bug.
pub fn parse_file(tokens: TokenStream) -> Result<syn::File, syn::Error> {
    syn::parse2::<syn::File>(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Types read as users know them, whatever path progenitor or typify spelled.
    #[test]
    fn types_read_as_users_know_them() {
        let cases = [
            ("::uuid::Uuid", "UUID"),
            ("uuid::Uuid", "UUID"),
            ("i64", "integer"),
            ("::std::num::NonZeroU64", "positive integer"),
            ("f64", "number"),
            ("::std::string::String", "string"),
            ("bool", "boolean"),
            (
                "::chrono::DateTime<::chrono::offset::Utc>",
                "RFC 3339 date-time",
            ),
            ("::chrono::naive::NaiveDate", "date (YYYY-MM-DD)"),
            ("types::CreateAvatarRequest", "CreateAvatarRequest"),
            ("crate::types::ListAvatarsType", "ListAvatarsType"),
            ("::std::vec::Vec<::uuid::Uuid>", "list of UUIDs"),
            ("Vec<types::Point>", "list of Point"),
            ("Vec<u8>", "bytes"),
            ("::std::option::Option<types::Voice>", "Voice"),
            ("::serde_json::Value", "JSON value"),
            ("&str", "string"),
        ];
        for (ty, want) in cases {
            let ty: Type = syn::parse_str(ty).unwrap();
            assert_eq!(readable(&ty), want, "{}", flat(&ty));
        }
    }
}
