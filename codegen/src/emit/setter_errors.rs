//! progenitor's operation setters drop the conversion's error:
//! `.map_err(|_| "conversion to `T` for body failed")`, so a oneOf body built from a builder
//! missing a required field, or an id that is not a UUID, fails at `send()` without saying why.
//! The closure is rewritten (on the syntax tree) to keep the error's text, with the `Display`
//! bound that needs (every conversion the setters meet, std's, uuid's and typify's, has one).

use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item, Pat, WherePredicate};

use crate::error::{Error, Result};
use crate::syntax;

/// Every setter bounded by `TryInto` must have had its closure rewritten: a change in
/// progenitor's setters is an error, not errors that silently lose their text again.
pub fn apply(client: &mut syn::File, source_dir: &str) -> Result<()> {
    let Some(items) = syntax::module_mut(client, "builder") else {
        return Ok(());
    };
    let (mut setters, mut rewritten) = (0usize, 0usize);
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        for f in imp.items.iter_mut() {
            let ImplItem::Fn(f) = f else { continue };
            let Some((param, target)) = try_into_target(f) else {
                continue;
            };
            setters += 1;
            let mut keep = KeepError { rewritten: false };
            keep.visit_block_mut(&mut f.block);
            rewritten += usize::from(keep.rewritten);
            if keep.rewritten
                && let Some(clause) = f.sig.generics.where_clause.as_mut()
            {
                clause.predicates.push(syn::parse_quote!(
                    <#param as std::convert::TryInto<#target>>::Error: ::std::fmt::Display
                ));
            }
        }
    }
    if rewritten != setters {
        return Err(Error::bug(
            source_dir,
            format!(
                "progenitor's setters changed shape: {setters} bounded by TryInto, {rewritten} of their `map_err(|_| ..)` rewritten"
            ),
        ));
    }
    Ok(())
}

/// `V` and `T` of the setter's only bound `V: std::convert::TryInto<T>` (progenitor names the
/// parameter `V`, or `B` for raw bodies).
fn try_into_target(f: &syn::ImplItemFn) -> Option<(syn::Type, syn::Type)> {
    let clause = f.sig.generics.where_clause.as_ref()?;
    let [WherePredicate::Type(p)] = clause.predicates.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let target = syntax::try_into_target(p)?;
    Some((p.bounded_ty.clone(), target.clone()))
}

/// `map_err(|_| "..".to_string())` -> `map_err(|e| format!("..: {e}"))`.
struct KeepError {
    rewritten: bool,
}

impl VisitMut for KeepError {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        if call.method != "map_err" || call.args.len() != 1 {
            return;
        }
        let Some(Expr::Closure(closure)) = call.args.first() else {
            return;
        };
        if closure.inputs.len() != 1 || !matches!(closure.inputs[0], Pat::Wild(_)) {
            return;
        }
        let mut body = &*closure.body;
        if let Expr::Block(b) = body
            && let [syn::Stmt::Expr(e, None)] = &b.block.stmts[..]
        {
            body = e;
        }
        let Expr::MethodCall(to_string) = body else {
            return;
        };
        let Expr::Lit(message) = &*to_string.receiver else {
            return;
        };
        // progenitor prints the type from tokens (`:: uuid :: Uuid`); shown as Rust is written.
        let message = match &message.lit {
            syn::Lit::Str(text) => syn::LitStr::new(
                &text.value().replace(" :: ", "::").replace(":: ", "::"),
                text.span(),
            ),
            _ => return,
        };
        if let Some(arg) = call.args.first_mut() {
            *arg = syn::parse_quote!(|e| format!("{}: {}", #message, e));
            self.rewritten = true;
        }
    }
}

#[cfg(test)]
mod tests {
    /// A `oneOf` body built from a builder missing a field: the error names the field.
    #[test]
    fn the_body_setter_keeps_the_conversion_error() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema:\n              oneOf:\n                - {type: object, title: Cat, required: [name], properties: {name: {type: string}}}\n                - {type: object, title: Dog, required: [bark], properties: {bark: {type: boolean}}}\n      responses: {'204': {description: none}}\n";
        let client =
            crate::generate_one(spec).unwrap().files["src/client.rs"].replace([' ', '\n'], "");
        assert!(
            client.contains(
                "<Vasstd::convert::TryInto<types::PostABody>>::Error:::std::fmt::Display"
            ),
            "{client}"
        );
        assert!(
            client.contains("format!(\"{}:{}\",\"conversionto`PostABody`forbodyfailed\",e)"),
            "{client}"
        );
    }

    /// A UUID path parameter: the error says what is wrong with the text, and names the type as
    /// Rust code writes it.
    #[test]
    fn a_parameter_setter_keeps_the_conversion_error() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      operationId: getA\n      parameters: [{name: id, in: path, required: true, schema: {type: string, format: uuid}}]\n      responses: {'204': {description: none}}\n";
        let client =
            crate::generate_one(spec).unwrap().files["src/client.rs"].replace([' ', '\n'], "");
        assert!(
            client.contains("<Vasstd::convert::TryInto<::uuid::Uuid>>::Error:::std::fmt::Display"),
            "{client}"
        );
        assert!(
            client.contains("format!(\"{}:{}\",\"conversionto`::uuid::Uuid`foridfailed\",e)"),
            "{client}"
        );
    }
}
