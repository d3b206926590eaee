//! What the body builders are generated from: every struct typify made, read through its type
//! details API (`TypeSpace::iter_types`, `Type::details`, `TypeStruct::properties_info`), with
//! each property's type named as the builder module (`types::builder`) names it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use typify::{TypeDetails, TypeId, TypeSpace};

/// A struct of `mod types`.
#[derive(Debug, Clone)]
pub struct StructShape {
    pub name: String,
    pub fields: Vec<FieldShape>,
}

/// One field (a property) of a struct.
#[derive(Debug, Clone)]
pub struct FieldShape {
    /// The Rust field name typify chose.
    pub name: String,
    /// Required by the schema, and without a default.
    pub required: bool,
    /// The field's type, named from `types::builder` (`super::X`).
    pub ty: TokenStream,
    /// What the field's type is.
    pub kind: Kind,
    /// When the field is an `Option<Y>`: `Y`, and what it is.
    pub optional: Option<Optional>,
}

/// The `Y` of an optional field.
#[derive(Debug, Clone)]
pub struct Optional {
    /// Named from `types::builder`.
    pub ty: TokenStream,
    pub kind: Kind,
}

/// What a type is, as far as the builders' setters care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `String`.
    Text,
    /// `uuid::Uuid`.
    Uuid,
    /// A type of `mod types`, by name.
    Named(String),
    /// Anything else (numbers, lists, maps, JSON, an `Option`).
    Other,
}

/// The structs of the type space, in typify's order.
pub fn structs(space: &TypeSpace) -> Result<Vec<StructShape>, String> {
    let mut out = Vec::new();
    for ty in space.iter_types() {
        let TypeDetails::Struct(details) = ty.details() else {
            continue;
        };
        let mut fields = Vec::new();
        for prop in details.properties_info() {
            let scoped = named(space, &prop.type_id, &quote!(super))?;
            check_against_typify(space, &prop.type_id, &ty.name(), prop.name)?;
            // typify prints an `Option` of an `Option` as one `Option`: the innermost type is
            // what the setter takes.
            let mut inner = option_of(space, &prop.type_id);
            while let Some(next) = inner.as_ref().and_then(|id| option_of(space, id)) {
                inner = Some(next);
            }
            let optional = match inner {
                Some(inner) => Some(Optional {
                    ty: named(space, &inner, &quote!(super))?,
                    kind: kind(space, &inner),
                }),
                None => None,
            };
            fields.push(FieldShape {
                name: prop.name.to_string(),
                required: prop.required,
                ty: scoped,
                kind: kind(space, &prop.type_id),
                optional,
            });
        }
        out.push(StructShape {
            name: ty.name(),
            fields,
        });
    }
    Ok(out)
}

fn option_of(space: &TypeSpace, id: &TypeId) -> Option<TypeId> {
    space.get_type(id).ok().and_then(|t| match t.details() {
        TypeDetails::Option(inner) => Some(inner),
        _ => None,
    })
}

fn kind(space: &TypeSpace, id: &TypeId) -> Kind {
    let Ok(ty) = space.get_type(id) else {
        return Kind::Other;
    };
    match ty.details() {
        TypeDetails::String => Kind::Text,
        TypeDetails::Builtin("::uuid::Uuid") => Kind::Uuid,
        TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_) => {
            Kind::Named(ty.name())
        }
        _ => Kind::Other,
    }
}

/// A type's name from the module `scope` is a child of (`super` from `types::builder`), built as
/// typify builds `Type::ident` for `types`.
fn named(space: &TypeSpace, id: &TypeId, scope: &TokenStream) -> Result<TokenStream, String> {
    let ty = space
        .get_type(id)
        .map_err(|e| format!("typify lost a type it made: {e}"))?;
    let inner = |id: &TypeId| named(space, id, scope);
    Ok(match ty.details() {
        TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_) => {
            let name = format_ident!("{}", ty.name());
            quote!(#scope::#name)
        }
        TypeDetails::Option(id) => {
            // typify flattens an `Option` of an `Option`.
            let nested = is(space, &id, |d| matches!(d, TypeDetails::Option(_)));
            let item = inner(&id)?;
            if nested {
                item
            } else {
                quote!(::std::option::Option<#item>)
            }
        }
        TypeDetails::Box(id) => {
            let item = inner(&id)?;
            quote!(::std::boxed::Box<#item>)
        }
        TypeDetails::Vec(id) | TypeDetails::Set(id) => {
            let item = inner(&id)?;
            quote!(::std::vec::Vec<#item>)
        }
        TypeDetails::Map(key, value) => {
            let json_object = is(space, &key, |d| matches!(d, TypeDetails::String))
                && is(space, &value, |d| {
                    matches!(d, TypeDetails::Builtin("::serde_json::Value"))
                });
            if json_object {
                quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>)
            } else {
                let (key, value) = (inner(&key)?, inner(&value)?);
                quote!(::std::collections::HashMap<#key, #value>)
            }
        }
        TypeDetails::Tuple(items) => {
            let items = items.map(|id| inner(&id)).collect::<Result<Vec<_>, _>>()?;
            if items.len() == 1 {
                quote!((#(#items,)*))
            } else {
                quote!((#(#items),*))
            }
        }
        TypeDetails::Array(id, length) => {
            let item = inner(&id)?;
            quote!([#item; #length])
        }
        TypeDetails::Builtin(path) => {
            let path = syn::parse_str::<syn::Type>(path)
                .map_err(|e| format!("typify named a type `{path}` that does not parse: {e}"))?;
            quote!(#path)
        }
        TypeDetails::Unit => quote!(()),
        TypeDetails::String => quote!(::std::string::String),
    })
}

fn is(space: &TypeSpace, id: &TypeId, test: impl Fn(&TypeDetails<'_>) -> bool) -> bool {
    space.get_type(id).is_ok_and(|t| test(&t.details()))
}

/// Naming from `types` must give what typify's `Type::ident` gives: a type typify names in a way
/// [`named`] does not know is an error, not a builder field of some other type.
fn check_against_typify(
    space: &TypeSpace,
    id: &TypeId,
    owner: &str,
    field: &str,
) -> Result<(), String> {
    let ours = named(space, id, &quote!(types))?;
    let theirs = space
        .get_type(id)
        .map_err(|e| format!("typify lost a type it made: {e}"))?
        .ident();
    if ours.to_string() != theirs.to_string() {
        return Err(format!(
            "the builder of `{owner}` would name field `{field}` `{ours}` where typify names it `{theirs}`"
        ));
    }
    Ok(())
}
