//! The body builders (`types::builder::X`, what `X::builder()` and `.body_map(|b| ..)` hand
//! out), generated from typify's struct details ([`crate::engine::StructShape`]) beside the types
//! typify made. They keep typify's builder interface (fields as `Result<T, String>`, a setter
//! per field, `TryFrom<builder::X> for X` and back) and take what callers write:
//! - an optional string field takes `&str`, `String` or an `Option` of either
//!   (`openapi_sdk_runtime::IntoOptionalString`);
//! - an optional UUID, integer enum or string enum field takes text or a plain integer
//!   (`openapi_sdk_runtime::IntoOptional<Y>`, see [`super::conversions`]);
//! - a required field whose type allows one value (Argil's `type: IMAGE` discriminator) starts
//!   set to it, since there is nothing for the caller to choose.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, ImplItem, Item};

use super::conversions::{self, Conversions};
use crate::engine::{FieldShape, Kind, StructShape};
use crate::syntax;

/// Items for `mod types`: each struct's `builder()`, the conversions setters need, and `mod
/// builder`. `typify` is typify's `mod types`, read for serde defaults, single-valued types and
/// conversions.
/// A struct typify printed differently from what its details say (a field without the serde
/// default it must have) is an error: the builder would start the field from another value.
pub fn emit(shapes: &[StructShape], typify: &[&Item]) -> Result<TokenStream, String> {
    let conversions = conversions::read(typify);
    let single = single_valued(typify);
    // By name: looked up once per struct (GitHub has over a thousand).
    let structs: BTreeMap<String, &syn::ItemStruct> = typify
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((s.ident.to_string(), s)),
            _ => None,
        })
        .collect();
    let mut optional_types = BTreeSet::new();
    let mut builders = Vec::new();
    let mut constructors = Vec::new();
    for shape in shapes {
        let strukt = structs
            .get(&shape.name)
            .ok_or_else(|| format!("typify did not print its struct `{}`", shape.name))?;
        let defaults = serde_defaults(strukt)
            .map_err(|e| format!("reading the serde defaults of `{}`: {e}", shape.name))?;
        builders.push(builder(
            shape,
            &defaults,
            &single,
            &conversions,
            &mut optional_types,
        )?);
        let name = format_ident!("{}", shape.name);
        constructors.push(quote! {
            impl #name {
                pub fn builder() -> builder::#name {
                    Default::default()
                }
            }
        });
    }
    let additions = conversions::additions(&conversions, &optional_types);
    let module = (!builders.is_empty()).then(|| {
        quote! {
            #[doc = " Types for composing complex structures."]
            pub mod builder {
                #(#builders)*
            }
        }
    });
    Ok(quote! {
        #(#constructors)*
        #additions
        #module
    })
}

fn builder(
    shape: &StructShape,
    defaults: &BTreeMap<String, Option<syn::Path>>,
    single: &BTreeMap<String, TokenStream>,
    conversions: &BTreeMap<String, Conversions>,
    optional_types: &mut BTreeSet<String>,
) -> Result<TokenStream, String> {
    let name = format_ident!("{}", shape.name);
    let fields: Vec<_> = shape
        .fields
        .iter()
        .map(|f| format_ident!("{}", f.name))
        .collect();
    let types = shape.fields.iter().map(|f| &f.ty);
    let starts = shape
        .fields
        .iter()
        .map(|f| start(f, &shape.name, defaults, single))
        .collect::<Result<Vec<_>, _>>()?;
    let setters = shape
        .fields
        .iter()
        .map(|f| setter(f, conversions, optional_types));
    // No fields: `value` would be unused.
    let value = if fields.is_empty() {
        quote!(_value)
    } else {
        quote!(value)
    };
    Ok(quote! {
        #[derive(Clone, Debug)]
        pub struct #name {
            #(#fields: ::std::result::Result<#types, ::std::string::String>,)*
        }

        impl ::std::default::Default for #name {
            fn default() -> Self {
                Self {
                    #(#fields: #starts,)*
                }
            }
        }

        impl #name {
            #(#setters)*
        }

        // This is how the item is built.
        impl ::std::convert::TryFrom<#name> for super::#name {
            type Error = super::error::ConversionError;
            fn try_from(#value: #name) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    #(#fields: value.#fields?,)*
                })
            }
        }

        // Construct a builder from the item.
        impl ::std::convert::From<super::#name> for #name {
            fn from(#value: super::#name) -> Self {
                Self {
                    #(#fields: Ok(value.#fields),)*
                }
            }
        }
    })
}

/// What a field holds before its setter is called: its serde default, `None` for an `Option`,
/// the one value its type allows, or the error naming it. A field the schema does not require
/// is either an `Option` or has a serde default; one with neither is an error, not a field that
/// starts from some other value than the one a missing property decodes to.
fn start(
    field: &FieldShape,
    owner: &str,
    defaults: &BTreeMap<String, Option<syn::Path>>,
    single: &BTreeMap<String, TokenStream>,
) -> Result<TokenStream, String> {
    match defaults.get(&field.name) {
        Some(Some(path)) => return Ok(quote!(Ok(super::#path()))),
        Some(None) => return Ok(quote!(Ok(Default::default()))),
        None => {}
    }
    if !field.required {
        if field.optional.is_none() {
            return Err(format!(
                "`{owner}.{}` is not required, yet typify gave it neither an `Option` nor a serde default",
                field.name
            ));
        }
        return Ok(quote!(Ok(Default::default())));
    }
    if let Kind::Named(name) = &field.kind
        && let Some(value) = single.get(name)
    {
        return Ok(value.clone());
    }
    let message = format!("no value supplied for {}", field.name);
    Ok(quote!(Err(#message.to_string())))
}

fn setter(
    field: &FieldShape,
    conversions: &BTreeMap<String, Conversions>,
    optional_types: &mut BTreeSet<String>,
) -> TokenStream {
    let name = format_ident!("{}", field.name);
    let message = format!("error converting supplied value for {}: {{e}}", field.name);
    let takes_optional = field.optional.as_ref().filter(|o| match &o.kind {
        Kind::Uuid => true,
        Kind::Named(n) => conversions.get(n).is_some_and(Conversions::any),
        Kind::Text | Kind::Other => false,
    });
    if let Some(optional) = takes_optional {
        if let Kind::Named(n) = &optional.kind {
            optional_types.insert(n.clone());
        }
        let target = &optional.ty;
        return quote! {
            pub fn #name<T>(mut self, value: T) -> Self
            where
                T: ::openapi_sdk_runtime::IntoOptional<#target>,
            {
                self.#name = ::openapi_sdk_runtime::IntoOptional::into_optional(value)
                    .map_err(|e| format!(#message));
                self
            }
        };
    }
    if field
        .optional
        .as_ref()
        .is_some_and(|o| o.kind == Kind::Text)
    {
        return quote! {
            pub fn #name<T>(mut self, value: T) -> Self
            where
                T: ::openapi_sdk_runtime::IntoOptionalString,
            {
                self.#name = Ok(::openapi_sdk_runtime::IntoOptionalString::into_optional_string(value));
                self
            }
        };
    }
    let ty = &field.ty;
    quote! {
        pub fn #name<T>(mut self, value: T) -> Self
        where
            T: ::std::convert::TryInto<#ty>,
            T::Error: ::std::fmt::Display,
        {
            self.#name = value.try_into().map_err(|e| format!(#message));
            self
        }
    }
}

/// The serde default of each field of typify's struct that has one, by field name: the
/// function of `#[serde(default = "path")]`, or `None` for a bare `#[serde(default)]`.
fn serde_defaults(strukt: &syn::ItemStruct) -> syn::Result<BTreeMap<String, Option<syn::Path>>> {
    let mut out = BTreeMap::new();
    for field in &strukt.fields {
        let Some(ident) = &field.ident else { continue };
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                let has_value = meta.input.peek(syn::Token![=]);
                if meta.path.is_ident("default") {
                    let path = if has_value {
                        let text: syn::LitStr = meta.value()?.parse()?;
                        Some(text.parse()?)
                    } else {
                        None
                    };
                    out.insert(syntax::flat(ident), path);
                } else if has_value {
                    // `rename = ".."` and the like: skip the value.
                    let _: syn::Expr = meta.value()?.parse()?;
                }
                Ok(())
            })?;
        }
    }
    Ok(out)
}

/// Types allowing one value, with the expression that builds it from the builder module: a
/// one-variant enum without data, or an integer type whose `TryFrom` accepts one integer.
fn single_valued(types: &[&Item]) -> BTreeMap<String, TokenStream> {
    let mut out = BTreeMap::new();
    for item in types {
        if let Item::Enum(e) = item
            && e.variants.len() == 1
            && let Some(variant) = e.variants.first()
            && matches!(variant.fields, Fields::Unit)
        {
            let (ty, v) = (&e.ident, &variant.ident);
            out.insert(ty.to_string(), quote!(Ok(super::#ty::#v)));
        }
    }
    for (name, source, imp) in conversions::try_from_impls(types) {
        for f in &imp.items {
            let ImplItem::Fn(f) = f else { continue };
            if let [value] = super::enum_errors::allowed(&f.block).integers[..] {
                let ty = format_ident!("{name}");
                let value = syn::LitInt::new(&value.to_string(), proc_macro2::Span::call_site());
                // Named: the type converts from more than one integer type.
                out.insert(
                    name.clone(),
                    quote!(<super::#ty as ::std::convert::TryFrom<#source>>::try_from(#value)
                        .map_err(|e| e.to_string())),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
