//! typify's enum conversions fail with the bare text "invalid value", so `.color("gren")` or
//! `.url_from(3)` fails at `send()` without saying what would do. Each such error (in a
//! `FromStr` whose arms match string literals, or a `TryFrom<integer>` that checks an array of
//! allowed integers) is rewritten on the syntax tree to name the value and the allowed ones.

use syn::visit_mut::VisitMut;
use syn::{Expr, Item, Lit, Pat};

use crate::error::{Error, Result};
use crate::syntax;

/// The message typify gives every failed enum conversion.
const BARE: &str = "invalid value";

/// A conversion with allowed values whose error is some other literal than typify's is an error:
/// typify changed its message and the rewrite would silently stop naming the values.
pub fn apply(client: &mut syn::File, source_dir: &str) -> Result<()> {
    let Some(types) = syntax::module_mut(client, "types") else {
        return Ok(());
    };
    for item in types.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_none() {
            continue;
        }
        for f in imp.items.iter_mut() {
            let syn::ImplItem::Fn(f) = f else { continue };
            let allowed = allowed(&f.block);
            let values: Vec<String> = allowed
                .texts
                .iter()
                .map(|t| format!("{t:?}"))
                .chain(allowed.integers.iter().map(|i| i.to_string()))
                .collect();
            if values.is_empty() {
                continue;
            }
            let list = values.join(", ");
            let mut name = NameValues {
                list,
                unknown: Vec::new(),
            };
            name.visit_block_mut(&mut f.block);
            if let Some(message) = name.unknown.first() {
                return Err(Error::bug(
                    source_dir,
                    format!(
                        "typify's enum conversion errors changed: {message:?} where {BARE:?} was expected"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The values a typify conversion accepts: string literal match arms (`FromStr` of a string
/// enum), or the integers of `![..].contains(&value)` (`TryFrom` of an integer enum).
#[derive(Default)]
pub(super) struct Allowed {
    pub texts: Vec<String>,
    pub integers: Vec<i64>,
}

/// What the conversion whose body is `block` accepts.
pub(super) fn allowed(block: &syn::Block) -> Allowed {
    // Read with `VisitMut` on a copy: syn's read-only visitor is another cargo feature.
    let mut allowed = Allowed::default();
    allowed.visit_block_mut(&mut block.clone());
    allowed
}

impl VisitMut for Allowed {
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        if let Pat::Lit(lit) = &arm.pat
            && let Lit::Str(text) = &lit.lit
        {
            self.texts.push(text.value());
        }
        syn::visit_mut::visit_arm_mut(self, arm);
    }

    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        if call.method == "contains"
            && let Expr::Array(array) = &*call.receiver
        {
            for element in &array.elems {
                if let Expr::Lit(lit) = element
                    && let Lit::Int(int) = &lit.lit
                    && let Ok(value) = int.base10_parse::<i64>()
                {
                    self.integers.push(value);
                }
            }
        }
        syn::visit_mut::visit_expr_method_call_mut(self, call);
    }
}

/// `Err("invalid value".into())` -> `Err(format!("{:?} is not one of {}", value, "..").into())`.
struct NameValues {
    list: String,
    /// Other literal messages of the conversion (`"..".into()`), which should not exist.
    unknown: Vec<String>,
}

impl VisitMut for NameValues {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let Expr::MethodCall(call) = expr else { return };
        if call.method != "into" {
            return;
        }
        let Expr::Lit(lit) = &*call.receiver else {
            return;
        };
        let Lit::Str(text) = &lit.lit else { return };
        if text.value() != BARE {
            self.unknown.push(text.value());
            return;
        }
        let list = &self.list;
        *expr = syn::parse_quote!(
            format!("invalid value {:?}, expected one of: {}", value, #list).into()
        );
    }
}

#[cfg(test)]
mod tests {
    /// A string and an integer enum: each error names the value and the allowed ones.
    #[test]
    fn enum_errors_name_the_allowed_values() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                source: {type: integer, enum: [1, 2]}\n                color: {type: string, enum: [red, blue]}\n      responses: {'204': {description: none}}\n";
        let client = crate::generate_one(spec).unwrap().files["src/client.rs"].clone();
        let flat = client.replace([' ', '\n'], "");
        assert!(
            flat.contains(
                r#"format!("invalidvalue{:?},expectedoneof:{}",value,"\"red\",\"blue\"").into()"#
            ),
            "{client}"
        );
        assert!(
            flat.contains(r#"format!("invalidvalue{:?},expectedoneof:{}",value,"1,2").into()"#),
            "{client}"
        );
        assert!(!client.contains("\"invalid value\""), "{client}");
    }
}
