//! Forward compatibility: a server that adds an enum value or a field must not break a client
//! that was generated earlier. typify makes closed enums, checked newtypes and (for
//! `additionalProperties: false`) structs that reject unknown fields; for types reachable only
//! from responses this pass relaxes them, while request types stay strictly validated:
//! - string enums get a last variant `Other(String)` (`#[serde(untagged)]`), so known values
//!   stay typed and unknown ones are kept;
//! - checked newtypes (integer enums, patterns, lengths) accept any value when decoding;
//! - `deny_unknown_fields` is dropped.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{Fields, ImplItem, Item, Token, Type};

/// Names of `mod types` items referenced by `tokens`.
fn referenced(tokens: TokenStream, names: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(i) => {
                let s = i.to_string();
                if names.contains(&s) {
                    out.insert(s);
                }
            }
            TokenTree::Group(g) => referenced(g.stream(), names, out),
            _ => {}
        }
    }
}

fn reach(
    roots: &[Type],
    edges: &BTreeMap<String, BTreeSet<String>>,
    names: &BTreeSet<String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = BTreeSet::new();
    for root in roots {
        referenced(root.to_token_stream(), names, &mut todo);
    }
    while let Some(name) = todo.pop_first() {
        if seen.insert(name.clone()) {
            for next in edges.get(&name).into_iter().flatten() {
                if !seen.contains(next) {
                    todo.insert(next.clone());
                }
            }
        }
    }
    seen
}

/// Relaxes the response-only types of `items` (the contents of `mod types`).
pub fn relax(items: &mut [Item], response_roots: &[Type], request_roots: &[Type]) {
    let names: BTreeSet<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items.iter() {
        let (name, tokens) = match item {
            Item::Struct(s) => (s.ident.to_string(), s.fields.to_token_stream()),
            Item::Enum(e) => (e.ident.to_string(), e.variants.to_token_stream()),
            _ => continue,
        };
        referenced(tokens, &names, edges.entry(name).or_default());
    }
    let responses = reach(response_roots, &edges, &names);
    let requests = reach(request_roots, &edges, &names);
    let relaxed: BTreeSet<String> = responses.difference(&requests).cloned().collect();

    let mut open_enums = BTreeMap::new();
    let mut newtypes = BTreeSet::new();
    for item in items.iter_mut() {
        match item {
            Item::Enum(e)
                if relaxed.contains(&e.ident.to_string())
                    && !e.variants.is_empty()
                    && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit)) =>
            {
                let taken: BTreeSet<String> =
                    e.variants.iter().map(|v| v.ident.to_string()).collect();
                let other = ["Other", "OtherValue", "UnknownValue"]
                    .into_iter()
                    .find(|n| !taken.contains(*n))
                    .unwrap_or("OtherValue_");
                let other = syn::Ident::new(other, proc_macro2::Span::call_site());
                e.variants.push(syn::parse_quote! {
                    /// A value this version of the client does not know (the API added it later).
                    #[serde(untagged)]
                    #other(::std::string::String)
                });
                drop_copy(&mut e.attrs);
                open_enums.insert(e.ident.to_string(), other);
            }
            Item::Struct(s) if relaxed.contains(&s.ident.to_string()) => {
                allow_unknown_fields(&mut s.attrs);
                if matches!(&s.fields, Fields::Unnamed(u) if u.unnamed.len() == 1) {
                    newtypes.insert(s.ident.to_string());
                }
            }
            _ => {}
        }
    }
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Type::Path(self_ty) = &*imp.self_ty else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let trait_name = imp
            .trait_
            .as_ref()
            .and_then(|(p, _)| p.segments.last())
            .map(|s| s.ident.to_string());
        match trait_name.as_deref() {
            Some("Display") if open_enums.contains_key(&name) => {
                let other = &open_enums[&name];
                for f in imp.items.iter_mut() {
                    if let ImplItem::Fn(f) = f {
                        open_display(&mut f.block, other);
                    }
                }
            }
            Some("Deserialize") if newtypes.contains(&name) => {
                for f in imp.items.iter_mut() {
                    if let ImplItem::Fn(f) = f {
                        // Keep the value whatever it is: the server is the authority on what it sent.
                        f.block = syn::parse_quote!({
                            ::serde::Deserialize::deserialize(deserializer).map(Self)
                        });
                    }
                }
            }
            _ => {}
        }
    }
}

/// Removes `deny_unknown_fields` from `#[serde(..)]` attributes, keeping their other options
/// (`rename_all`, `default`, ...); an attribute left empty goes.
fn allow_unknown_fields(attrs: &mut Vec<syn::Attribute>) {
    attrs.retain_mut(|attr| {
        if !attr.path().is_ident("serde") {
            return true;
        }
        let Ok(options) =
            attr.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)
        else {
            return true;
        };
        let kept: Vec<&syn::Meta> = options
            .iter()
            .filter(|m| !m.path().is_ident("deny_unknown_fields"))
            .collect();
        if kept.len() == options.len() {
            return true;
        }
        *attr = syn::parse_quote!(#[serde(#(#kept),*)]);
        !kept.is_empty()
    });
}

fn drop_copy(attrs: &mut [syn::Attribute]) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        if let Ok(paths) =
            attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
        {
            let kept: Vec<&syn::Path> = paths.iter().filter(|p| !p.is_ident("Copy")).collect();
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
}

/// typify's `match *self { .. }` gets `match self` (the new variant holds a String) and an arm
/// writing the unknown value.
fn open_display(block: &mut syn::Block, other: &syn::Ident) {
    for stmt in block.stmts.iter_mut() {
        let expr = match stmt {
            syn::Stmt::Expr(e, _) => e,
            _ => continue,
        };
        if let syn::Expr::Match(m) = expr {
            if let syn::Expr::Unary(u) = &*m.expr
                && matches!(u.op, syn::UnOp::Deref(_))
            {
                m.expr = u.expr.clone();
            }
            m.arms
                .push(syn::parse_quote!(Self::#other(value) => f.write_str(value),));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn relax_file(code: TokenStream, responses: Type, requests: Type) -> String {
        let mut file: syn::File = syn::parse2(code).unwrap();
        relax(&mut file.items, &[responses], &[requests]);
        prettyplease::unparse(&file)
    }

    #[test]
    fn response_only_enums_open_and_request_enums_stay_closed() {
        let out = relax_file(
            quote! {
                #[derive(Clone, Copy, Debug)]
                pub enum Status { #[serde(rename = "A")] A }
                impl ::std::fmt::Display for Status {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { match *self { Self::A => f.write_str("A") } }
                }
                pub enum Kind { B }
                pub struct Resource { status: Option<Status> }
                pub struct Body { kind: Kind }
            },
            syn::parse_quote!(types::Resource),
            syn::parse_quote!(types::Body),
        );
        assert!(
            out.contains("#[serde(untagged)]\n    Other(::std::string::String)"),
            "{out}"
        );
        assert!(
            out.contains("#[derive(Clone, Debug)]\npub enum Status"),
            "{out}"
        );
        assert!(out.contains("match self {"), "{out}");
        assert!(
            out.contains("Self::Other(value) => f.write_str(value)"),
            "{out}"
        );
        assert!(out.contains("pub enum Kind {\n    B,\n}"), "{out}");
    }

    #[test]
    fn shared_types_stay_strict_and_response_structs_accept_unknown_fields() {
        let out = relax_file(
            quote! {
                #[serde(deny_unknown_fields, rename_all = "camelCase")]
                pub struct Resource { s: Shared }
                #[serde(deny_unknown_fields)]
                pub struct Shared { x: i64 }
                pub struct Code(i64);
                impl<'de> ::serde::Deserialize<'de> for Code {
                    fn deserialize<D>(deserializer: D) -> Result<Self, D::Error> where D: ::serde::Deserializer<'de> { Self::try_from(<i64>::deserialize(deserializer)?) }
                }
                pub struct Wrapper { c: Code }
            },
            syn::parse_quote!((types::Resource, types::Wrapper)),
            syn::parse_quote!(types::Shared),
        );
        assert!(out.contains("pub struct Resource"), "{out}");
        // Only the one option goes: the struct still renames its fields.
        assert!(
            out.contains("#[serde(rename_all = \"camelCase\")]\npub struct Resource"),
            "{out}"
        );
        assert_eq!(
            out.matches("deny_unknown_fields").count(),
            1,
            "only Shared keeps it: {out}"
        );
        assert!(
            out.contains("::serde::Deserialize::deserialize(deserializer).map(Self)"),
            "{out}"
        );
    }
}
