//! A compact, reviewable listing of a generated crate's public API, read back from the generated
//! code itself (with syn), so snapshot diffs show what users of the crate would see change.

use std::fmt::Write;

use quote::ToTokens;
use syn::{Fields, FnArg, ImplItem, Item, ReturnType, Type};

use crate::syntax::module;

/// The last path segment of a type, or empty.
fn type_name(ty: &Type) -> String {
    crate::syntax::type_name(ty).unwrap_or_default()
}

/// Counts shown by the driver, one line per vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub operations: usize,
    pub types: usize,
    pub lines: usize,
}

/// Renders the API surface of generated `lib.rs` source: each client method with its builder's
/// setters and `send` signature, then each type with its fields or variants.
pub fn surface(
    file: &syn::File,
    sdk: &syn::File,
    routes: &[(String, String, String)],
    left_out: &[String],
) -> String {
    let mut out = String::new();
    // Builder methods live in progenitor's `mod builder` and in our sdk.rs (`send`).
    let mut builders = module(&file.items, "builder");
    builders.extend(sdk.items.iter());
    let _ = writeln!(out, "client:");
    for item in &sdk.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || type_name(&imp.self_ty) != "Client" {
            continue;
        }
        public_fns(&mut out, imp, "  Client::");
    }
    for item in &sdk.items {
        let Item::Impl(imp) = item else { continue };
        let name = type_name(&imp.self_ty);
        if imp.trait_.is_none() && name.ends_with("Multipart") {
            public_fns(&mut out, imp, &format!("  {name}::"));
        }
    }
    // Free functions (webhook receivers); listed only when there are any.
    let functions: Vec<&syn::ItemFn> = sdk
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => Some(f),
            _ => None,
        })
        .collect();
    if !functions.is_empty() {
        let _ = writeln!(out, "functions:");
        for f in functions {
            let _ = writeln!(out, "  {}{}", f.sig.ident, signature(&f.sig));
        }
    }
    let _ = writeln!(out, "operations:");
    for (method, http, path) in routes {
        let _ = writeln!(out, "  {method}: {http} {path}");
        let builder = pascal(method);
        for item in builders.iter().copied() {
            let Item::Impl(imp) = item else { continue };
            if type_name(&imp.self_ty) != builder {
                continue;
            }
            for f in imp.items.iter().filter_map(|i| match i {
                ImplItem::Fn(f) => Some(f),
                _ => None,
            }) {
                if !matches!(f.vis, syn::Visibility::Public(_)) || f.sig.ident == "new" {
                    continue;
                }
                let _ = writeln!(out, "    .{}{}", f.sig.ident, signature(&f.sig));
            }
        }
    }
    // Listed only when there are any, so crates that generate whole keep their listing.
    if !left_out.is_empty() {
        let _ = writeln!(out, "not generated:");
        for line in left_out {
            let _ = writeln!(out, "  {line}");
        }
    }
    let _ = writeln!(out, "types:");
    for item in module(&file.items, "types") {
        match item {
            Item::Struct(s) => {
                let fields = match &s.fields {
                    Fields::Named(named) => format!(
                        " {{ {} }}",
                        named
                            .named
                            .iter()
                            .map(|f| format!(
                                "{}: {}",
                                f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default(),
                                compact(&f.ty)
                            ))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Fields::Unnamed(unnamed) => format!(
                        "({})",
                        unnamed
                            .unnamed
                            .iter()
                            .map(|f| compact(&f.ty))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Fields::Unit => String::new(),
                };
                let _ = writeln!(out, "  struct {}{fields}", s.ident);
            }
            Item::Enum(e) => {
                let variants = e.variants.iter().map(|v| match &v.fields {
                    Fields::Unnamed(u) => format!(
                        "{}({})",
                        v.ident,
                        u.unnamed
                            .iter()
                            .map(|f| compact(&f.ty))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    Fields::Named(_) => format!("{} {{ .. }}", v.ident),
                    Fields::Unit => v.ident.to_string(),
                });
                let _ = writeln!(
                    out,
                    "  enum {} {{ {} }}",
                    e.ident,
                    variants.collect::<Vec<_>>().join(", ")
                );
            }
            _ => {}
        }
    }
    out
}

fn public_fns(out: &mut String, imp: &syn::ItemImpl, prefix: &str) {
    for f in imp.items.iter().filter_map(|i| match i {
        ImplItem::Fn(f) => Some(f),
        _ => None,
    }) {
        if matches!(f.vis, syn::Visibility::Public(_)) {
            let _ = writeln!(out, "{prefix}{}{}", f.sig.ident, signature(&f.sig));
        }
    }
}

fn signature(sig: &syn::Signature) -> String {
    // Without the trailing commas printed code has where a clause or a closure's arguments
    // wrapped: the surface reads alike however long the lines were.
    let generics = sig
        .generics
        .where_clause
        .as_ref()
        .map(|clause| {
            let mut clause = clause.clone();
            clause.predicates.pop_punct();
            compact(&clause).replace(",)", ")")
        })
        .unwrap_or_default();
    let args: Vec<String> = sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(t) => Some(compact(&t.ty)),
            FnArg::Receiver(_) => None,
        })
        .collect();
    let ret = match &sig.output {
        ReturnType::Default => String::new(),
        ReturnType::Type(_, ty) => format!(" -> {}", compact(ty)),
    };
    let bound = if generics.is_empty() {
        String::new()
    } else {
        format!(" {generics}")
    };
    format!("({}){ret}{bound}", args.join(", "))
}

/// Token text without the spaces `to_token_stream` puts around punctuation, and without the
/// `::std::...` prefixes of prelude types, so each line reads like hand-written Rust.
pub(crate) fn compact(t: &impl ToTokens) -> String {
    let mut s = t.to_token_stream().to_string();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" > ", ">"),
        (" >", ">"),
        (" ,", ","),
        ("& ", "&"),
        ("( ", "("),
        (" )", ")"),
        ("' ", "'"),
        (" : ", ": "),
        (" (", "("),
    ] {
        s = s.replace(from, to);
    }
    for prelude in [
        "::std::option::",
        "::std::string::",
        "::std::vec::",
        "::std::convert::",
        "std::convert::",
        "::std::ops::",
        "std::ops::",
        "::std::fmt::",
        "std::fmt::",
        "::std::result::",
    ] {
        s = s.replace(prelude, "");
    }
    let s = s
        .replace(",::", ", ::")
        .replace(">where", "> where")
        .replace(",>", ">")
        .replace(",<", ", <")
        .replace(",(", ", (");
    bound_colons(&s)
}

/// `I :TryInto` (a bound after a prefix was dropped) -> `I: TryInto`; paths' `::` stay.
fn bound_colons(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(" :") {
        let after = &rest[at + 2..];
        out.push_str(&rest[..at]);
        if after.starts_with(':') {
            out.push_str(" :");
        } else {
            out.push_str(": ");
        }
        rest = after.trim_start();
    }
    out.push_str(rest);
    out
}

fn pascal(snake: &str) -> String {
    use heck::ToUpperCamelCase;
    snake.to_upper_camel_case()
}
