//! typify's builders take an optional field as `T: TryInto<Option<Y>>`, which neither text nor a
//! plain integer is: `.voice_id("…")` (a UUID) and `.url_from(1)` (an integer enum) did not
//! compile where the required fields' setters took the same values. Those setters are rewritten
//! (on the syntax tree) to take `T: openapi_sdk_runtime::IntoOptional<Y>`, and the `types` module gets
//! the conversions: from `Y`, from text where `Y: TryFrom<&str>`, from `i32` and the type's own
//! integer where `Y: TryFrom<i64>` (or another integer). Integer types also get
//! `TryFrom<i32>`, so a literal (`i32` when nothing else decides) fits required setters too.
//! Every rewrite is counted: a change in typify's output is an error, not a silent no-op.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{GenericArgument, ImplItem, Item, PathArguments, Type, WherePredicate};

use crate::error::{Error, Result};
use crate::syntax;

/// The integer types typify gives constrained integers and integer enums.
const INTEGERS: [&str; 8] = ["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64"];

/// What a type of the `types` module converts from, read from its `TryFrom` impls.
#[derive(Debug, Default, Clone)]
struct Conversions {
    /// The integer of `impl TryFrom<iN> for Y` (typify emits one per integer type).
    integer: Option<String>,
    has_i32: bool,
    /// `impl TryFrom<&str> for Y`.
    text: bool,
}

pub fn apply(client: &mut syn::File, source_dir: &str) -> Result<()> {
    let Some(types) = syntax::module_mut(client, "types") else {
        return Ok(());
    };
    let conversions = conversions(types);
    let mut used = BTreeSet::new();
    // Counted from the builders' fields (`Result<Option<Y>, String>` of a convertible `Y`), apart
    // from the setters rewritten: a change in how typify bounds its setters is then an error.
    let convertible = |ty: &Type| {
        syntax::is_uuid(ty)
            || syntax::type_name(ty)
                .and_then(|name| conversions.get(&name))
                .is_some_and(|c| c.integer.is_some() || c.text)
    };
    let (mut fields, mut rewritten) = (0usize, 0usize);
    if let Some(builder) = types.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) {
        for item in builder.iter() {
            let Item::Struct(s) = item else { continue };
            fields += s
                .fields
                .iter()
                .filter_map(|f| syntax::generic_args(&f.ty)?.into_iter().next())
                .filter(|ok| syntax::type_name(ok).as_deref() == Some("Option"))
                .filter_map(|ok| syntax::generic_args(&ok)?.into_iter().next())
                .filter(|inner| convertible(inner))
                .count();
        }
        for item in builder.iter_mut() {
            let Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() {
                continue;
            }
            for f in imp.items.iter_mut() {
                let ImplItem::Fn(f) = f else { continue };
                let Some(target) = optional_target(f) else {
                    continue;
                };
                let name = syntax::type_name(&target).unwrap_or_default();
                let is_uuid = syntax::is_uuid(&target);
                if !convertible(&target) {
                    continue;
                }
                let field = &f.sig.ident;
                let message = format!("error converting supplied value for {field}: {{e}}");
                f.sig.generics.where_clause =
                    Some(syn::parse_quote!(where T: ::openapi_sdk_runtime::IntoOptional<#target>));
                f.block = syn::parse2(quote!({
                    self.#field = ::openapi_sdk_runtime::IntoOptional::into_optional(value)
                        .map_err(|e| format!(#message));
                    self
                }))
                .map_err(|e| Error::bug(source_dir, e.to_string()))?;
                rewritten += 1;
                if !is_uuid {
                    used.insert(name);
                }
            }
        }
    }
    if rewritten != fields {
        return Err(Error::bug(
            source_dir,
            format!(
                "typify's output changed shape: {fields} optional fields of a convertible type in builders, {rewritten} setters rewritten"
            ),
        ));
    }
    let mut added = Vec::new();
    for (name, c) in &conversions {
        let ty = format_ident!("{name}");
        if let Some(integer) = &c.integer
            && !c.has_i32
        {
            added.push(try_from_i32(&ty, integer));
        }
        if used.contains(name) {
            added.push(into_optional(&ty, c));
        }
    }
    for tokens in added {
        let file: syn::File =
            syn::parse2(tokens).map_err(|e| Error::bug(source_dir, e.to_string()))?;
        types.extend(file.items);
    }
    Ok(())
}

/// `Y` of a setter bounded by `T: TryInto<Option<Y>>` (typify's optional fields).
fn optional_target(f: &syn::ImplItemFn) -> Option<Type> {
    let clause = f.sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|p| {
        let WherePredicate::Type(p) = p else {
            return None;
        };
        if syntax::flat(&p.bounded_ty) != "T" {
            return None;
        }
        let option = syntax::try_into_target(p)?;
        if syntax::type_name(option).as_deref() != Some("Option") {
            return None;
        }
        syntax::generic_args(option)?.into_iter().next()
    })
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

/// The `TryFrom` sources of each type in the `types` module.
fn conversions(types: &[Item]) -> BTreeMap<String, Conversions> {
    let mut out: BTreeMap<String, Conversions> = BTreeMap::new();
    for item in types {
        let Item::Impl(imp) = item else { continue };
        let Some((path, _)) = &imp.trait_ else {
            continue;
        };
        let Some(last) = path.segments.last() else {
            continue;
        };
        if last.ident != "TryFrom" {
            continue;
        }
        let (Some(source), Some(name)) = (
            first_type_arg(&last.arguments),
            syntax::type_name(&imp.self_ty),
        ) else {
            continue;
        };
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

#[cfg(test)]
mod tests {
    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              required: [kind]\n              properties:\n                kind: {type: integer, enum: [1, 2]}\n                source: {type: integer, enum: [1, 2, 3]}\n                owner: {type: string, format: uuid}\n                color: {type: string, enum: [red, blue]}\n      responses: {'204': {description: none}}\n";

    /// The optional integer enum, UUID and string enum setters take `IntoOptional`; the required
    /// one keeps typify's bound; the conversions exist for exactly the rewritten types.
    #[test]
    fn optional_setters_take_plain_values() {
        let client =
            crate::generate_one(SPEC).unwrap().files["src/client.rs"].replace([' ', '\n'], "");
        for (field, ty) in [
            ("source", "super::PostABodySource"),
            ("owner", "::uuid::Uuid"),
            ("color", "super::PostABodyColor"),
        ] {
            assert!(
                client.contains(&format!(
                    "pubfn{field}<T>(mutself,value:T)->SelfwhereT:::openapi_sdk_runtime::IntoOptional<{ty}>,"
                )),
                "{field}: {client}"
            );
        }
        assert!(
            client.contains("pubfnkind<T>(mutself,value:T)->SelfwhereT:::std::convert::TryInto<super::PostABodyKind>"),
            "required fields keep typify's setter"
        );
        assert!(client.contains("impl::openapi_sdk_runtime::IntoOptional<PostABodySource>fori32"));
        assert!(client.contains("impl::openapi_sdk_runtime::IntoOptional<PostABodySource>fori64"));
        assert!(client.contains("impl::openapi_sdk_runtime::IntoOptional<PostABodyColor>for&str"));
        assert!(
            !client.contains("impl::openapi_sdk_runtime::IntoOptional<PostABodyKind>"),
            "no optional setter takes the required field's type"
        );
        assert!(
            client.contains("impl::std::convert::TryFrom<i32>forPostABodyKind"),
            "required integer enums take a plain literal"
        );
    }
}
