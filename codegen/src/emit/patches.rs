//! Edits of progenitor's output, on its syntax tree: each builder's `send` becomes the
//! crate-private `send_unchecked` (ours wraps it), progenitor's `api-version` header goes,
//! `Client::new` (which panics when TLS cannot start) gives way to our fallible constructors,
//! methods whose body moved to our multipart builder step aside, and response-only types are
//! relaxed for forward compatibility. Every edit checks that it found what it edits: when
//! progenitor's output changes shape this is an error, never a silent no-op.

use proc_macro2::{Ident, Span};
use quote::format_ident;
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item, Lit, Type};

use crate::error::{Error, Result};
use crate::model::SdkModel;
use crate::syntax;

pub fn apply(client: &mut syn::File, model: &SdkModel) -> Result<()> {
    let fail = |what: String| {
        Error::bug(
            &model.vendor.source_dir,
            format!("progenitor's output changed shape: {what}"),
        )
    };
    let builders: Vec<&str> = model
        .operations
        .iter()
        .map(|o| o.builder.as_str())
        .collect();
    let mut sends = SendCalls::default();
    let items = syntax::module_mut(client, "builder");
    if items.is_none() && !builders.is_empty() {
        return Err(fail("no `mod builder`".into()));
    }
    for item in items.into_iter().flatten() {
        let Item::Impl(imp) = item else { continue };
        let Some(name) = syntax::type_name(&imp.self_ty) else {
            continue;
        };
        for f in imp.items.iter_mut() {
            if let ImplItem::Fn(f) = f
                && f.sig.ident == "send"
            {
                f.sig.ident = Ident::new("send_unchecked", Span::call_site());
                f.vis = syn::parse_quote!(pub(crate));
                sends.renamed.push(name.clone());
            }
        }
        // progenitor's own callers (pagination streams) keep calling its send.
        sends.visit_item_impl_mut(imp);
    }
    if let Some(missing) = builders
        .iter()
        .find(|b| !sends.renamed.iter().any(|r| r == *b))
    {
        return Err(fail(format!("builder `{missing}` has no `send` to wrap")));
    }
    if sends.api_version_headers != sends.renamed.len() {
        return Err(fail(format!(
            "expected one `api-version` header per builder's send, found {} in {} sends",
            sends.api_version_headers,
            sends.renamed.len()
        )));
    }
    let aside: Vec<&str> = model
        .operations
        .iter()
        .filter(|o| o.body_aside)
        .map(|o| o.method.as_str())
        .collect();
    let (mut new, mut new_with_client, mut hidden) = (false, false, 0);
    for item in client.items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some()
            || !matches!(&*imp.self_ty, Type::Path(p) if p.path.is_ident("Client"))
        {
            continue;
        }
        imp.items.retain(|i| {
            let is_new = matches!(i, ImplItem::Fn(f) if f.sig.ident == "new");
            new |= is_new;
            !is_new
        });
        for i in imp.items.iter_mut() {
            let ImplItem::Fn(f) = i else { continue };
            if f.sig.ident == "new_with_client" {
                // Our constructors call it; users go through them.
                f.vis = syn::parse_quote!(pub(crate));
                new_with_client = true;
            } else if aside.contains(&f.sig.ident.to_string().as_str()) {
                f.sig.ident = format_ident!("{}_without_body", f.sig.ident);
                f.vis = syn::parse_quote!(pub(crate));
                f.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
                hidden += 1;
            }
        }
    }
    if !new || !new_with_client {
        return Err(fail(
            "`Client::new` or `Client::new_with_client` not found".into(),
        ));
    }
    if hidden != aside.len() {
        return Err(fail(format!(
            "found {hidden} of the {} client methods whose body moved to a multipart builder",
            aside.len()
        )));
    }
    let response_roots: Vec<Type> = model
        .operations
        .iter()
        .flat_map(|o| [o.ok.clone(), o.err.clone()])
        .collect();
    let request_roots = syntax::builder_inputs(client);
    if let Some(types) = syntax::module_mut(client, "types") {
        super::forward_compat::relax(types, &response_roots, &request_roots);
    }
    Ok(())
}

/// Rewrites `x.send()` calls to `x.send_unchecked()` and drops progenitor's `api-version`
/// header (the spec's document version, which no API here asks for; building it cost time on
/// every request).
#[derive(Default)]
struct SendCalls {
    renamed: Vec<String>,
    api_version_headers: usize,
}

/// `header_map.append(HeaderName::from_static("api-version"), ..)`.
fn is_api_version_header(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    let Some(Expr::Call(name)) = call.args.first() else {
        return false;
    };
    call.method == "append"
        && matches!(&*name.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from_static"))
        && matches!(name.args.first(), Some(Expr::Lit(l)) if matches!(&l.lit, Lit::Str(s) if s.value() == "api-version"))
}

impl VisitMut for SendCalls {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !is_api_version_header(stmt));
        self.api_version_headers += before - block.stmts.len();
        syn::visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        if call.method == "send" && call.args.is_empty() {
            call.method = Ident::new("send_unchecked", call.method.span());
        }
        syn::visit_mut::visit_expr_method_call_mut(self, call);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_version_header_is_recognised_by_its_syntax_only() {
        let header: syn::Stmt = syn::parse_quote! {
            header_map.append(::reqwest::header::HeaderName::from_static("api-version"), ::reqwest::header::HeaderValue::from_static(Client::api_version()));
        };
        let other: syn::Stmt = syn::parse_quote! {
            header_map.append(::reqwest::header::HeaderName::from_static("x-api-version"), value);
        };
        assert!(is_api_version_header(&header));
        assert!(!is_api_version_header(&other));
    }
}
