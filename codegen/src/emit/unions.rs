//! Conveniences for typify's enums (`oneOf`): accessors for types that hold one item or a list
//! (`oneOf: [array of T, T]`, common where docs disagree on a shape): `first()`, `into_vec()`,
//! `as_slice()`, `len()`; and conversions from a variant's builder into the enum, so a `oneOf`
//! body is passed as `.body(Variant::builder()...)`, its checks failing at `send()`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::SdkModel;
use crate::naming;

pub fn emit(model: &SdkModel) -> TokenStream {
    let conversions = model
        .builder_variants
        .iter()
        .map(|(name, variant, payload)| {
            let (name, variant, payload) = (
                format_ident!("{name}"),
                format_ident!("{variant}"),
                format_ident!("{payload}"),
            );
            quote! {
                impl ::std::convert::TryFrom<types::builder::#payload> for types::#name {
                    type Error = types::error::ConversionError;
                    // Not `Self::Error`: an enum with a variant named `Error` makes that ambiguous.
                    fn try_from(value: types::builder::#payload) -> Result<Self, types::error::ConversionError> {
                        Ok(Self::#variant(value.try_into()?))
                    }
                }
            }
        });
    let accessors = model.one_or_many.iter().map(|u| {
        let (name, many, one) = (
            format_ident!("{}", u.name),
            format_ident!("{}", u.many),
            format_ident!("{}", u.one),
        );
        let item = &u.item;
        quote! {
            impl types::#name {
                /// The items, whichever shape the server sent (one item is a list of one).
                pub fn into_vec(self) -> Vec<#item> {
                    match self {
                        Self::#many(items) => items,
                        Self::#one(item) => vec![item],
                    }
                }
                /// The items as a slice, whichever shape the server sent.
                pub fn as_slice(&self) -> &[#item] {
                    match self {
                        Self::#many(items) => items,
                        Self::#one(item) => ::std::slice::from_ref(item),
                    }
                }
                /// The first item (the only one when the server sent one).
                pub fn first(&self) -> Option<&#item> {
                    self.as_slice().first()
                }
                /// How many items the server sent.
                pub fn len(&self) -> usize {
                    self.as_slice().len()
                }
                /// Whether the server sent an empty list.
                pub fn is_empty(&self) -> bool {
                    self.as_slice().is_empty()
                }
            }
        }
    });
    conversions
        .chain(accessors)
        .chain(variant_bodies(model))
        .collect()
}

/// `builder::Op::body_<variant>(|b| ..)` for each builder variant of an operation's JSON body.
fn variant_bodies(model: &SdkModel) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for op in &model.operations {
        let Some(body) = op.json_body.as_ref().and_then(crate::syntax::type_name) else {
            continue;
        };
        let builder = format_ident!("{}", op.builder);
        let methods = model
            .builder_variants
            .iter()
            .filter(|(name, _, _)| *name == body)
            .filter_map(|(name, variant, payload)| {
                let method = format!("body_{}", heck::ToSnakeCase::to_snake_case(variant.as_str()));
                // A parameter's setter of that name keeps it (`.body(..)` still serves).
                let taken = op
                    .parameters
                    .iter()
                    .any(|p| naming::setter_ident(&p.name) == method);
                if taken {
                    return None;
                }
                let method = format_ident!("{method}");
                let payload = format_ident!("{payload}");
                let doc = format!(
                    "The body as `{name}::{variant}`, built from a fresh `types::builder::{payload}`: `.{method}(|b| b.field(..))`. Its checks fail at `send()`."
                );
                Some(quote! {
                    #[doc = #doc]
                    pub fn #method<F>(self, f: F) -> Self
                    where
                        F: ::std::ops::FnOnce(types::builder::#payload) -> types::builder::#payload,
                    {
                        self.body(f(::std::default::Default::default()))
                    }
                })
            })
            .collect::<Vec<_>>();
        if !methods.is_empty() {
            out.push(quote! {
                impl builder::#builder<'_> {
                    #(#methods)*
                }
            });
        }
    }
    out
}
