//! typify's struct builders take an optional string field as `T: TryInto<Option<String>>`, which
//! `&str` is not, so `.url("https://..")` does not compile where the field is optional. Those
//! setters are rewritten (on the syntax tree) to take `T: openapi_sdk_runtime::IntoOptionalString`:
//! `&str`, `String`, or an `Option` of either. The count of rewritten setters must equal the
//! count of such fields, so a change in typify's output is an error, not a silent no-op.

use quote::quote;
use syn::{ImplItem, Item};

use crate::error::{Error, Result};
use crate::syntax;

/// The builder field type of an optional string, and the bound typify gives its setter.
const FIELD: &str =
    "::std::result::Result<::std::option::Option<::std::string::String>,::std::string::String>";
const BOUND: &str = "T:::std::convert::TryInto<::std::option::Option<::std::string::String>>";

pub fn apply(client: &mut syn::File, source_dir: &str) -> Result<()> {
    let Some(types) = syntax::module_mut(client, "types") else {
        return Ok(());
    };
    let Some(builder) = types.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Ok(());
    };
    let mut fields = 0;
    let mut rewritten = 0;
    for item in builder.iter_mut() {
        match item {
            Item::Struct(s) => {
                fields += s
                    .fields
                    .iter()
                    .filter(|f| syntax::flat(&f.ty) == FIELD)
                    .count();
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                for f in imp.items.iter_mut() {
                    let ImplItem::Fn(f) = f else { continue };
                    let takes_optional_text = f
                        .sig
                        .generics
                        .where_clause
                        .as_ref()
                        .is_some_and(|w| w.predicates.iter().any(|p| syntax::flat(p) == BOUND));
                    if !takes_optional_text {
                        continue;
                    }
                    let field = &f.sig.ident;
                    f.sig.generics.where_clause =
                        Some(syn::parse_quote!(where T: ::openapi_sdk_runtime::IntoOptionalString));
                    f.block = syn::parse2(quote!({
                        self.#field = Ok(::openapi_sdk_runtime::IntoOptionalString::into_optional_string(value));
                        self
                    }))
                    .map_err(|e| Error::bug(source_dir, e.to_string()))?;
                    rewritten += 1;
                }
            }
            _ => {}
        }
    }
    if rewritten != fields {
        return Err(Error::bug(
            source_dir,
            format!(
                "typify's output changed shape: {fields} optional string fields in builders, {rewritten} setters rewritten"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// A struct with an optional and a required string: `&str` is accepted by both setters.
    #[test]
    fn optional_string_setters_take_str() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, required: [name], properties: {name: {type: string}, url: {type: string}}}\n      responses: {'204': {description: none}}\n";
        let client = crate::generate_one(spec).unwrap().files["src/client.rs"]
            .replace([' ', '\n'], "")
            // rustfmt's wrapping of long calls is not what is tested.
            .replace(",)", ")");
        assert!(client.contains("pubfnurl<T>(mutself,value:T)->SelfwhereT:::openapi_sdk_runtime::IntoOptionalString,{self.url=Ok(::openapi_sdk_runtime::IntoOptionalString::into_optional_string(value)"), "{client}");
        assert!(client.contains("pubfnname<T>(mutself,value:T)->SelfwhereT:::std::convert::TryInto<::std::string::String>"), "required fields keep typify's setter");
    }
}
