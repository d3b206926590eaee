//! A required field whose schema allows exactly one value (a discriminator such as Argil's
//! `type: IMAGE`, a fixed `height: 2160`) has nothing for the caller to choose, yet typify's
//! builder fails with "no value supplied" until it is set. The builder's `Default` is rewritten
//! (on the syntax tree) to start from that value; setting it again still works.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Expr, Fields, ImplItem, Item};

use crate::error::{Error, Result};
use crate::syntax;

/// Every such field must be met in its builder's `Default`: a change in typify's builders is an
/// error, not fields that silently stop starting set.
pub fn apply(client: &mut syn::File, source_dir: &str) -> Result<()> {
    let Some(types) = syntax::module_mut(client, "types") else {
        return Ok(());
    };
    let single = single_valued(types);
    if single.is_empty() {
        return Ok(());
    }
    let Some(builder) = types.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Ok(());
    };
    // Each builder struct's required fields of a single-valued type, by field name.
    let mut fields: BTreeMap<String, BTreeMap<String, TokenStream>> = BTreeMap::new();
    for item in builder.iter() {
        let Item::Struct(s) = item else { continue };
        for field in &s.fields {
            // `Result<Y, String>`: the builder's slot for a field of type `Y`.
            let ok = syntax::generic_args(&field.ty).and_then(|args| args.into_iter().next());
            let (Some(ident), Some(ok)) = (&field.ident, ok) else {
                continue;
            };
            if let Some(value) = syntax::type_name(&ok).and_then(|name| single.get(&name)) {
                fields
                    .entry(s.ident.to_string())
                    .or_default()
                    .insert(ident.to_string(), value.clone());
            }
        }
    }
    let expected: usize = fields.values().map(BTreeMap::len).sum();
    let mut seen = 0;
    for item in builder.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let is_default = imp
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .is_some_and(|last| last.ident == "Default");
        let Some(values) = syntax::type_name(&imp.self_ty).and_then(|name| fields.get(&name))
        else {
            continue;
        };
        if !is_default {
            continue;
        }
        for f in imp.items.iter_mut() {
            if let ImplItem::Fn(f) = f {
                let mut start = StartFrom { values, seen: 0 };
                start.visit_block_mut(&mut f.block);
                seen += start.seen;
            }
        }
    }
    if seen != expected {
        return Err(Error::bug(
            source_dir,
            format!(
                "typify's builders changed shape: {expected} single-valued required fields, {seen} met in their builders' `Default`"
            ),
        ));
    }
    Ok(())
}

/// Types allowing one value, with the expression that builds it from the builder module: a
/// one-variant enum without data, or an integer type whose `TryFrom` accepts one integer.
fn single_valued(types: &[Item]) -> BTreeMap<String, TokenStream> {
    let mut out = BTreeMap::new();
    for item in types {
        match item {
            Item::Enum(e) if e.variants.len() == 1 => {
                let variant = &e.variants[0];
                if matches!(variant.fields, Fields::Unit) {
                    let (ty, v) = (&e.ident, &variant.ident);
                    out.insert(ty.to_string(), quote!(Ok(super::#ty::#v)));
                }
            }
            Item::Impl(imp) => {
                let Some((path, _)) = &imp.trait_ else {
                    continue;
                };
                let is_try_from = path.segments.last().is_some_and(|l| l.ident == "TryFrom");
                let Some(name) = syntax::type_name(&imp.self_ty) else {
                    continue;
                };
                if !is_try_from {
                    continue;
                }
                for f in &imp.items {
                    let ImplItem::Fn(f) = f else { continue };
                    if let [value] = super::enum_errors::allowed(&f.block).integers[..] {
                        let ty = format_ident!("{name}");
                        let value =
                            syn::LitInt::new(&value.to_string(), proc_macro2::Span::call_site());
                        // Named: the type converts from more than one integer type.
                        let Some(syn::FnArg::Typed(integer)) = f.sig.inputs.first() else {
                            continue;
                        };
                        let integer = &integer.ty;
                        out.insert(
                            name.clone(),
                            quote!(<super::#ty as ::std::convert::TryFrom<#integer>>::try_from(#value)
                                .map_err(|e| e.to_string())),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// `field: Err("no value supplied for field".to_string())` -> `field: <the one value>`.
struct StartFrom<'a> {
    values: &'a BTreeMap<String, TokenStream>,
    /// The fields of `values` met (set to their value, or already defaulted by the spec).
    seen: usize,
}

impl VisitMut for StartFrom<'_> {
    fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
        let name = field.member.to_token_stream().to_string();
        let unset = matches!(&field.expr, Expr::Call(call)
            if call.func.to_token_stream().to_string() == "Err");
        if let Some(value) = self.values.get(&name) {
            self.seen += 1;
            if unset {
                field.expr = syn::parse_quote!(#value);
            }
        }
        syn::visit_mut::visit_field_value_mut(self, field);
    }
}

#[cfg(test)]
mod tests {
    /// A string discriminator and a fixed integer start set; a two-valued field does not.
    #[test]
    fn single_valued_required_fields_start_set() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              required: [kind, height, size]\n              properties:\n                kind: {type: string, enum: [IMAGE]}\n                height: {type: integer, enum: [2160]}\n                size: {type: integer, enum: [1, 2]}\n      responses: {'204': {description: none}}\n";
        let client =
            crate::generate_one(spec).unwrap().files["src/client.rs"].replace([' ', '\n'], "");
        assert!(
            client.contains("kind:Ok(super::PostABodyKind::Image)"),
            "{client}"
        );
        assert!(
            client.contains("height:<super::PostABodyHeightas::std::convert::TryFrom<i64")
                && client.contains(">>::try_from(2160).map_err(|e|e.to_string()),kind:"),
            "{client}"
        );
        assert!(
            client.contains("size:Err(\"novaluesuppliedforsize\".to_string())"),
            "{client}"
        );
    }
}
