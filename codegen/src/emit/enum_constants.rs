//! The named values of integer enums (`x-enum-varnames`, read by the model) become associated
//! constants in `mod types`, beside the newtype typify generates (in its module, the only place
//! its private field can be set): `CreateAvatarRequestUrlFrom::AKOOL` reads better than `1` at a
//! call site.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::{Error, Result};
use crate::model::SdkModel;

/// The constants; `typify` is typify's `mod types`, which must hold each named newtype.
pub fn emit(model: &SdkModel, typify: &[&syn::Item]) -> Result<TokenStream> {
    let source_dir = model.vendor.source_dir.as_str();
    let mut out = TokenStream::new();
    for names in &model.enum_names {
        let ty = format_ident!("{}", names.type_name);
        if !typify
            .iter()
            .any(|i| matches!(i, syn::Item::Struct(s) if s.ident == ty))
        {
            return Err(Error::bug(
                source_dir,
                format!("no `types::{ty}` for its named values"),
            ));
        }
        let constants = names.constants.iter().map(|(name, value)| {
            let name = format_ident!("{name}");
            let literal = proc_macro2::Literal::i64_unsuffixed(*value);
            let doc = format!("`{value}` in the API.");
            quote! {
                #[doc = #doc]
                pub const #name: Self = Self(#literal);
            }
        });
        out.extend(quote! {
            impl #ty {
                #(#constants)*
            }
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      parameters: [{name: mode, in: query, schema: {type: integer, enum: [0, 1], x-enum-varnames: [off, on]}}]\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Thing'}\n      responses: {'204': {description: none}}\ncomponents:\n  schemas:\n    Thing:\n      type: object\n      properties:\n        source: {type: integer, enum: [1, 2], x-enum-varnames: [akool, third_party]}\n";

    /// A component property and a query parameter: each value gets its constant, on the type
    /// the field or setter takes.
    #[test]
    fn named_integer_values_become_constants() {
        let client =
            crate::generate_one(SPEC).unwrap().files["src/client.rs"].replace([' ', '\n'], "");
        assert!(
            client.contains("implThingSource{#[doc=\"`1`intheAPI.\"]pubconstAKOOL:Self=Self(1);#[doc=\"`2`intheAPI.\"]pubconstTHIRD_PARTY:Self=Self(2);}")
                || client.contains("implThingSource{///`1`intheAPI.pubconstAKOOL:Self=Self(1);///`2`intheAPI.pubconstTHIRD_PARTY:Self=Self(2);}"),
            "{client}"
        );
        assert!(client.contains("pubconstOFF:Self=Self(0);"), "{client}");
        assert!(client.contains("pubconstON:Self=Self(1);"), "{client}");
    }

    /// Names that do not fit the values are an error naming the schema.
    #[test]
    fn names_that_do_not_fit_are_refused() {
        let spec = SPEC.replace("[akool, third_party]", "[akool]");
        let err = crate::generate_one(&spec)
            .err()
            .expect("refused")
            .to_string();
        assert!(err.contains("1 names for 2 enum values"), "{err}");
        assert!(
            err.contains("/components/schemas/Thing/properties/source/x-enum-varnames"),
            "{err}"
        );
    }
}
