//! What the types typify made convert from (read from its `TryFrom` impls), and the
//! conversions the builders' setters need beyond them: `TryFrom<i32>` for integer types (a plain
//! literal is an `i32`), and `openapi_sdk_runtime::IntoOptional<Y>` from `Y`, from text where
//! `Y: TryFrom<&str>`, and from `i32` and the type's own integer, for the types an optional
//! field's setter takes. These are items of their own beside typify's, not edits of them.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{GenericArgument, Item, PathArguments, Type};

use crate::syntax;

/// The integer types typify gives constrained integers and integer enums.
const INTEGERS: [&str; 8] = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"];

/// What a type of the `types` module converts from, read from its `TryFrom` impls.
#[derive(Debug, Default, Clone)]
pub struct Conversions {
    /// The integer of `impl TryFrom<iN> for Y` (typify emits one per integer type).
    pub integer: Option<String>,
    pub has_i32: bool,
    /// `impl TryFrom<&str> for Y`.
    pub text: bool,
}

/// The added items: `TryFrom<i32>` for every integer type that lacks it, and `IntoOptional` for
/// the types in `optional` (those an optional field's setter takes).
pub fn additions(
    conversions: &BTreeMap<String, Conversions>,
    optional: &BTreeSet<String>,
) -> TokenStream {
    let items = conversions.iter().map(|(name, c)| {
        let ty = format_ident!("{name}");
        let i32_impl = c
            .integer
            .as_ref()
            .filter(|_| !c.has_i32)
            .map(|integer| try_from_i32(&ty, integer));
        let optional = optional.contains(name).then(|| into_optional(&ty, c));
        quote!(#i32_impl #optional)
    });
    quote!(#(#items)*)
}

impl Conversions {
    /// Whether an optional field of this type takes `IntoOptional` (it converts from something).
    pub fn any(&self) -> bool {
        self.integer.is_some() || self.text
    }
}

fn first_type_arg(args: &PathArguments) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = args else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    }
}

/// typify's `impl TryFrom<S> for Y` of the `types` module: (`Y`'s name, `S`, the impl).
pub fn try_from_impls<'a>(
    types: &'a [&'a Item],
) -> impl Iterator<Item = (String, &'a Type, &'a syn::ItemImpl)> + 'a {
    types.iter().filter_map(|item| {
        let Item::Impl(imp) = item else { return None };
        let last = imp.trait_.as_ref()?.0.segments.last()?;
        if last.ident != "TryFrom" {
            return None;
        }
        let source = first_type_arg(&last.arguments)?;
        Some((syntax::type_name(&imp.self_ty)?, source, imp))
    })
}

/// The `TryFrom` sources of each type in the `types` module.
pub fn read(types: &[&Item]) -> BTreeMap<String, Conversions> {
    let mut out: BTreeMap<String, Conversions> = BTreeMap::new();
    for (name, source, _) in try_from_impls(types) {
        let source = syntax::flat(source);
        let entry = out.entry(name).or_default();
        if source == "&str" {
            entry.text = true;
        } else if source == "i32" {
            entry.has_i32 = true;
            entry.integer.get_or_insert(source);
        } else if INTEGERS.contains(&source.as_str()) {
            // The widest one typify emitted decides; it emits one per type in practice.
            entry.integer = Some(source);
        }
    }
    out
}

fn try_from_i32(ty: &syn::Ident, integer: &str) -> TokenStream {
    let integer = format_ident!("{integer}");
    quote! {
        /// A plain integer literal is an `i32` unless something else decides, so required setters
        /// and `try_from` take one as they take the spec's integer type.
        impl ::std::convert::TryFrom<i32> for #ty {
            type Error = self::error::ConversionError;
            fn try_from(value: i32) -> ::std::result::Result<Self, self::error::ConversionError> {
                let value = <#integer>::try_from(value)
                    .map_err(|e| self::error::ConversionError::from(::std::string::ToString::to_string(&e)))?;
                Self::try_from(value)
            }
        }
    }
}

fn into_optional(ty: &syn::Ident, c: &Conversions) -> TokenStream {
    let result = quote!(::std::result::Result<::std::option::Option<#ty>, ::std::string::String>);
    let integer = c.integer.as_ref().map(|integer| {
        let integer = format_ident!("{integer}");
        let i32_impl = (integer != "i32").then(|| {
            quote! {
                impl ::openapi_sdk_runtime::IntoOptional<#ty> for i32 {
                    fn into_optional(self) -> #result {
                        <#ty as ::std::convert::TryFrom<i32>>::try_from(self)
                            .map(::std::option::Option::Some)
                            .map_err(|e| ::std::string::ToString::to_string(&e))
                    }
                }
            }
        });
        quote! {
            impl ::openapi_sdk_runtime::IntoOptional<#ty> for #integer {
                fn into_optional(self) -> #result {
                    <#ty as ::std::convert::TryFrom<#integer>>::try_from(self)
                        .map(::std::option::Option::Some)
                        .map_err(|e| ::std::string::ToString::to_string(&e))
                }
            }
            #i32_impl
        }
    });
    let text = c.text.then(|| {
        quote! {
            impl ::openapi_sdk_runtime::IntoOptional<#ty> for &str {
                fn into_optional(self) -> #result {
                    <#ty as ::std::convert::TryFrom<&str>>::try_from(self)
                        .map(::std::option::Option::Some)
                        .map_err(|e| ::std::string::ToString::to_string(&e))
                }
            }
            impl ::openapi_sdk_runtime::IntoOptional<#ty> for ::std::string::String {
                fn into_optional(self) -> #result {
                    ::openapi_sdk_runtime::IntoOptional::<#ty>::into_optional(self.as_str())
                }
            }
            impl ::openapi_sdk_runtime::IntoOptional<#ty> for &::std::string::String {
                fn into_optional(self) -> #result {
                    ::openapi_sdk_runtime::IntoOptional::<#ty>::into_optional(self.as_str())
                }
            }
        }
    });
    quote! {
        impl ::openapi_sdk_runtime::IntoOptional<#ty> for #ty {
            fn into_optional(self) -> #result {
                ::std::result::Result::Ok(::std::option::Option::Some(self))
            }
        }
        #integer
        #text
    }
}
