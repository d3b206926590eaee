//! Our emitter for what progenitor lacks, written as `src/sdk.rs` of each crate: constructors
//! with credentials (`new`, `from_env`, `builder`), the `ClientHooks` impl that routes every
//! request through `sdk_runtime::Runtime` (auth, retries, tracing, envelope), a `send` per
//! operation returning `sdk_runtime::Error`, envelope `data` unwrapping, waiters and multipart
//! builders, all driven by the spec and the overlay's `x-sdk-*` extensions.
//!
//! It also edits progenitor's output: each builder's `send` becomes the crate-private
//! `send_unchecked` (ours wraps it), and `Client::new`, which panics when TLS cannot start, is
//! replaced by our fallible constructors.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{GenericArgument, ImplItem, Item, PathArguments, Type};

use crate::emit::CrateInput;
use crate::error::{Error, Location, Result, Stage};
use crate::normalize::OTHER_MEDIA_TYPES;

/// One operation as the emitter needs it.
struct Operation {
    id: String,
    method: String,
    http: String,
    path: String,
    /// `T` and `E` of progenitor's `Result<ResponseValue<T>, Error<E>>`.
    ok: Type,
    err: Type,
    /// For envelope APIs: the type of the envelope's data field and whether it is optional.
    data: Option<(Type, bool)>,
}

pub fn emit(file: &mut syn::File, input: &CrateInput<'_>) -> Result<TokenStream> {
    let fail = |message: String| Error::bug(input.source_dir, message);
    let doc = input.document;
    let envelope = doc.get("x-sdk-envelope");
    let data_field = envelope
        .and_then(|e| e.get("data"))
        .and_then(Value::as_str)
        .unwrap_or("data");
    let sends = take_sends(file);
    hide_progenitor_constructor(file);
    hide_bodiless_methods(file, doc);
    let response_roots: Vec<Type> = sends
        .iter()
        .flat_map(|(_, ok, err)| [ok.clone(), err.clone()])
        .collect();
    let request_roots = builder_inputs(file);
    if let Some(types) = module_items_mut_vec(file, "types") {
        crate::emit::forward_compat::relax(types, &response_roots, &request_roots);
    }
    let types = module_items(file, "types");
    let mut operations = Vec::new();
    for crate::normalize::Route {
        operation_id: id,
        method,
        http,
        path,
    } in crate::normalize::routes(doc)
    {
        let builder = method.to_upper_camel_case();
        let (ok, err) = sends
            .iter()
            .find(|(name, ..)| *name == builder)
            .map(|(_, ok, err)| (ok.clone(), err.clone()))
            .ok_or_else(|| fail(format!("no builder `{builder}` for operation `{id}`")))?;
        let data = envelope.and_then(|_| field_type(&types, &ok, data_field));
        operations.push(Operation {
            id,
            method,
            http,
            path,
            ok,
            err,
            data,
        });
    }
    let mut out = TokenStream::new();
    out.extend(defaults(input, &operations));
    out.extend(sends_tokens(&operations, data_field));
    out.extend(waiters(doc, &operations, file, input)?);
    out.extend(multiparts(doc, &operations));
    Ok(out)
}

/// Renames every builder's `send` to a crate-private `send_unchecked`; returns (builder, T, E).
fn take_sends(file: &mut syn::File) -> Vec<(String, Type, Type)> {
    let mut found = Vec::new();
    for item in module_items_mut(file, "builder") {
        let Item::Impl(imp) = item else { continue };
        let Type::Path(self_ty) = &*imp.self_ty else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        for f in imp.items.iter_mut() {
            let ImplItem::Fn(f) = f else { continue };
            if f.sig.ident != "send" {
                continue;
            }
            if let syn::ReturnType::Type(_, ty) = &f.sig.output
                && let Some((ok, err)) = result_parts(ty)
            {
                found.push((name.clone(), ok, err));
            }
            f.sig.ident = Ident::new("send_unchecked", Span::call_site());
            f.vis = syn::parse_quote!(pub(crate));
        }
        // progenitor's own callers (pagination streams) keep calling its send.
        syn::visit_mut::VisitMut::visit_item_impl_mut(&mut SendCalls, imp);
    }
    found
}

/// Rewrites `x.send()` calls to `x.send_unchecked()`, and drops progenitor's `api-version`
/// header (the spec's document version, which no API here asks for; building it cost time on
/// every request).
struct SendCalls;

impl syn::visit_mut::VisitMut for SendCalls {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        block.stmts.retain(|stmt| {
            let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
                return true;
            };
            !(call.method == "append"
                && quote::ToTokens::to_token_stream(&call.args)
                    .to_string()
                    .contains("\"api-version\""))
        });
        syn::visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        if call.method == "send" && call.args.is_empty() {
            call.method = Ident::new("send_unchecked", call.method.span());
        }
        syn::visit_mut::visit_expr_method_call_mut(self, call);
    }
}

/// `Result<ResponseValue<T>, Error<E>>` -> (T, E).
fn result_parts(ty: &Type) -> Option<(Type, Type)> {
    let args = generic_args(ty)?;
    let ok = generic_args(args.first()?)?.into_iter().next()?;
    let err = generic_args(args.get(1)?)?.into_iter().next()?;
    Some((ok, err))
}

fn generic_args(ty: &Type) -> Option<Vec<Type>> {
    let Type::Path(p) = ty else { return None };
    let PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else {
        return None;
    };
    Some(
        args.args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t.clone()),
                _ => None,
            })
            .collect(),
    )
}

/// progenitor's `Client::new` unwraps the reqwest builder (a panic when TLS cannot start); our
/// constructors replace it, and `new_with_client` stays for them only.
fn hide_progenitor_constructor(file: &mut syn::File) {
    for item in file.items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some()
            || !matches!(&*imp.self_ty, Type::Path(p) if p.path.is_ident("Client"))
        {
            continue;
        }
        imp.items
            .retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "new"));
        for i in imp.items.iter_mut() {
            if let ImplItem::Fn(f) = i
                && f.sig.ident == "new_with_client"
            {
                f.vis = syn::parse_quote!(pub(crate));
            }
        }
    }
}

/// Every type a builder takes (its fields are `Result<T, String>`): bodies and parameters.
fn builder_inputs(file: &syn::File) -> Vec<Type> {
    module_items(file, "builder")
        .into_iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(
                s.fields
                    .iter()
                    .filter_map(|f| generic_args(&f.ty)?.into_iter().next())
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .collect()
}

fn module_items_mut_vec<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut Vec<Item>> {
    file.items.iter_mut().find_map(|i| match i {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Operations whose body moved aside entirely (multipart only) would send no body through
/// progenitor's method; it is hidden and our multipart builder takes its name.
fn hide_bodiless_methods(file: &mut syn::File, doc: &Value) {
    let aside: Vec<String> = crate::normalize::routes(doc)
        .into_iter()
        .filter(|crate::normalize::Route { http, path, .. }| {
            doc.pointer(&crate::pointer::join(
                &crate::pointer::join("/paths", path),
                &http.to_ascii_lowercase(),
            ))
            .and_then(|op| op.get(crate::normalize::BODY_ASIDE))
            .is_some()
        })
        .map(|r| r.method)
        .collect();
    for item in file.items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some()
            || !matches!(&*imp.self_ty, Type::Path(p) if p.path.is_ident("Client"))
        {
            continue;
        }
        for i in imp.items.iter_mut() {
            if let ImplItem::Fn(f) = i
                && aside.contains(&f.sig.ident.to_string())
            {
                f.sig.ident = format_ident!("{}_without_body", f.sig.ident);
                f.vis = syn::parse_quote!(pub(crate));
                f.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
            }
        }
    }
}

fn module_items<'a>(file: &'a syn::File, name: &str) -> Vec<&'a Item> {
    crate::surface::module(&file.items, name)
}

fn module_items_mut<'a>(file: &'a mut syn::File, name: &str) -> Vec<&'a mut Item> {
    file.items
        .iter_mut()
        .find_map(|i| match i {
            Item::Mod(m) if m.ident == name => m
                .content
                .as_mut()
                .map(|(_, items)| items.iter_mut().collect()),
            _ => None,
        })
        .unwrap_or_default()
}

/// The type of field `field` of struct `types::X` where `ty` is `types::X`; (inner, was Option).
fn field_type(types: &[&Item], ty: &Type, field: &str) -> Option<(Type, bool)> {
    let Type::Path(p) = ty else { return None };
    let name = p.path.segments.last()?.ident.to_string();
    let wanted = field.to_snake_case();
    types.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == name => s.fields.iter().find(|f| f.ident.as_ref().is_some_and(|i| *i == wanted)).map(|f| {
            let is_option = matches!(&f.ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"));
            if is_option {
                let inner = generic_args(&f.ty).and_then(|a| a.into_iter().next()).unwrap_or_else(|| f.ty.clone());
                (inner, true)
            } else {
                (f.ty.clone(), false)
            }
        }),
        _ => None,
    })
}

/// Auth schemes in the order of the spec's `security` requirements.
fn auth_schemes(doc: &Value) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let mut names: Vec<String> = Vec::new();
    // The document's requirements first, then operations' own, then (for specs that declare
    // schemes but never require them) every declared scheme.
    let mut requirements: Vec<&Value> = doc
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    for (_, _, _, op) in crate::normalize::operations(doc) {
        requirements.extend(
            op.get("security")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        );
    }
    for requirement in requirements {
        for name in requirement.as_object().into_iter().flat_map(|m| m.keys()) {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    if names.is_empty() {
        names = doc
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|m| m.keys().cloned())
            .collect();
    }
    for name in names {
        let Some(scheme) = doc.pointer(&crate::pointer::join("/components/securitySchemes", &name))
        else {
            continue;
        };
        let kind = scheme.get("type").and_then(Value::as_str).unwrap_or("");
        let place = scheme.get("in").and_then(Value::as_str).unwrap_or("");
        let http_scheme = scheme.get("scheme").and_then(Value::as_str).unwrap_or("");
        match (kind, place) {
            ("apiKey", "header") => {
                let header = scheme
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if !header.is_empty()
                    && header
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+.^`|~".contains(&b))
                {
                    out.push(quote!(::sdk_runtime::AuthScheme::Header(#header)));
                }
            }
            ("http", _) if http_scheme.eq_ignore_ascii_case("bearer") => {
                out.push(quote!(::sdk_runtime::AuthScheme::Bearer))
            }
            _ => {}
        }
    }
    out
}

fn base_url(doc: &Value) -> String {
    let Some(server) = doc.pointer("/servers/0") else {
        return String::new();
    };
    let mut url = server
        .get("url")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    for (name, var) in server
        .get("variables")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(default) = var.get("default").and_then(Value::as_str) {
            url = url.replace(&format!("{{{name}}}"), default);
        }
    }
    url
}

fn defaults(input: &CrateInput<'_>, operations: &[Operation]) -> TokenStream {
    let doc = input.document;
    let base_url = base_url(doc);
    let env_prefix = &input.settings.env_prefix;
    let schemes = auth_schemes(doc);
    let metas = operations.iter().map(|o| {
        let (id, method, path) = (&o.method, &o.http, &o.path);
        quote!(::sdk_runtime::OperationMeta { id: #id, method: #method, path: #path })
    });
    let envelope = match doc.get("x-sdk-envelope") {
        Some(e) => {
            let code = e.get("code").and_then(Value::as_str).unwrap_or("/code");
            let message = e
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("/message");
            let success: Vec<i64> = e
                .get("success")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_i64)
                .collect();
            let known = e
                .get("codes")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(c, m)| {
                    let c: i64 = c.parse().ok()?;
                    let m = m.as_str()?;
                    Some(quote!((#c, #m)))
                });
            quote!(Some(&::sdk_runtime::EnvelopeSpec { code: #code, message: #message, success: &[#(#success),*], known: &[#(#known),*] }))
        }
        None => quote!(None),
    };
    let key_env = format!("{env_prefix}_API_KEY");
    let url_env = format!("{env_prefix}_BASE_URL");
    let from_env_doc = format!(
        "A client configured from the environment: `{key_env}` (required) and `{url_env}` (optional, default `{base_url}`)."
    );
    let new_doc = if base_url.is_empty() {
        "A client with the given API key; the spec names no server, so set one with `builder().base_url(..)`.".to_string()
    } else {
        format!(
            "A client for `{base_url}` with the given API key and default timeouts and retries."
        )
    };
    let needs_key = !schemes.is_empty();
    let new_fn = if needs_key {
        quote! {
            #[doc = #new_doc]
            pub fn new(api_key: impl Into<String>) -> Result<Self, ::sdk_runtime::ConfigError> {
                Self::builder().api_key(api_key).build()
            }
        }
    } else {
        quote! {
            #[doc = #new_doc]
            pub fn new() -> Result<Self, ::sdk_runtime::ConfigError> {
                Self::builder().build()
            }
        }
    };
    quote! {
        const VENDOR_DEFAULTS: ::sdk_runtime::config::VendorDefaults = ::sdk_runtime::config::VendorDefaults {
            base_url: #base_url,
            env_prefix: #env_prefix,
            auth_schemes: &[#(#schemes),*],
            envelope: #envelope,
            operations: &[#(#metas),*],
        };

        impl ::sdk_runtime::config::FromParts for Client {
            const DEFAULTS: &'static ::sdk_runtime::config::VendorDefaults = &VENDOR_DEFAULTS;
            fn from_parts(base_url: &str, http: reqwest::Client, runtime: ::sdk_runtime::Runtime) -> Self {
                Self::new_with_client(base_url, http, runtime)
            }
        }

        impl ::progenitor_client::ClientHooks<::sdk_runtime::Runtime> for Client {
            async fn exec(
                &self,
                request: reqwest::Request,
                info: &::progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner.execute(&self.client, request, info.operation_id).await
            }
        }

        impl Client {
            #new_fn

            #[doc = #from_env_doc]
            pub fn from_env() -> Result<Self, ::sdk_runtime::ConfigError> {
                Self::builder().from_env()?.build()
            }

            /// Configures a client: API key, base URL, auth scheme, timeouts, retry policy.
            pub fn builder() -> ::sdk_runtime::ClientConfig<Client> {
                ::sdk_runtime::ClientConfig::default()
            }
        }
    }
}

fn sends_tokens(operations: &[Operation], data_field: &str) -> TokenStream {
    let mut out = TokenStream::new();
    for op in operations {
        let builder = format_ident!("{}", op.method.to_upper_camel_case());
        let (ok, err) = (&op.ok, &op.err);
        let doc = format!(
            "Sends the request: `{} {}`. Constraint violations fail before anything is sent.",
            op.http, op.path
        );
        let body = match &op.data {
            Some((data, optional)) => {
                let field = format_ident!("{}", data_field.to_snake_case());
                let take = if *optional {
                    quote!(|r: #ok| r.#field)
                } else {
                    quote!(|r: #ok| Some(r.#field))
                };
                let doc = format!(
                    "{doc} The envelope is checked (a failure code is an `Error::Envelope`) and its `{data_field}` returned."
                );
                quote! {
                    #[doc = #doc]
                    pub async fn send(self) -> Result<ResponseValue<#data>, ::sdk_runtime::Error<#err>> {
                        let response = ::sdk_runtime::finish(self.send_unchecked()).await?;
                        ::sdk_runtime::unwrap_data(response, #take)
                    }
                }
            }
            None => quote! {
                #[doc = #doc]
                pub async fn send(self) -> Result<ResponseValue<#ok>, ::sdk_runtime::Error<#err>> {
                    ::sdk_runtime::finish(self.send_unchecked()).await
                }
            },
        };
        out.extend(quote! {
            impl builder::#builder<'_> {
                #body
            }
        });
    }
    out
}

/// The success type `send` returns for an operation (the envelope's data when there is one).
fn output_type(op: &Operation) -> &Type {
    op.data.as_ref().map_or(&op.ok, |(t, _)| t)
}

fn waiters(
    doc: &Value,
    operations: &[Operation],
    file: &syn::File,
    input: &CrateInput<'_>,
) -> Result<TokenStream> {
    let mut out = TokenStream::new();
    let Some(list) = doc.get("x-sdk-waiters") else {
        return Ok(out);
    };
    let builders = module_items(file, "builder");
    for (i, w) in list.as_array().into_iter().flatten().enumerate() {
        let at = format!("/x-sdk-waiters/{i}");
        let bad = |what: &str| {
            Error::new(
                Stage::Emit,
                Location {
                    file: input.source_dir.into(),
                    pointer: at.clone(),
                },
                format!("waiter: {what}"),
                "fix the waiter declaration in the vendor's overlay (name, operation, parameter, status, success, failure)",
            )
        };
        let name = w
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("missing `name`"))?;
        let op_id = w
            .get("operation")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("missing `operation`"))?;
        let op = operations
            .iter()
            .find(|o| o.id == op_id)
            .ok_or_else(|| bad(&format!("operation `{op_id}` does not exist")))?;
        let param = w
            .get("parameter")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("missing `parameter`"))?;
        let setter = format_ident!("{}", crate::emit::setter_ident(param));
        let param_ty = builder_field_type(
            &builders,
            &op.method.to_upper_camel_case(),
            &setter.to_string(),
        )
        .ok_or_else(|| bad(&format!("operation `{op_id}` has no parameter `{param}`")))?;
        let strings = |key: &str| -> Vec<String> {
            w.get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        };
        let matcher = |key: &str| -> TokenStream {
            match w.get(key) {
                Some(Value::String(s)) if s == "present" => {
                    quote!(::sdk_runtime::waiter::Match::Present)
                }
                Some(Value::Array(values)) => {
                    let texts = values.iter().map(|v| v.to_string());
                    quote!(::sdk_runtime::waiter::Match::AnyOf(&[#(#texts),*]))
                }
                _ => quote!(::sdk_runtime::waiter::Match::Never),
            }
        };
        let status = strings("status");
        if status.is_empty() {
            return Err(bad("`status` needs at least one JSON pointer"));
        }
        let reason = strings("reason");
        let (success, failure) = (matcher("success"), matcher("failure"));
        let fn_name = format_ident!("{}", crate::emit::setter_ident(name));
        let method = format_ident!("{}", op.method);
        let out_ty = output_type(op);
        let err = &op.err;
        let description = w
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("Waits for an asynchronous job.");
        let doc = format!(
            "{description}\n\nPolls [`Client::{}`] with backoff until the status at {} is a success or failure value, or `wait`'s maximum passes. Every observed status goes to `wait`'s `on_status` callback.",
            op.method,
            status.join(" or ")
        );
        out.extend(quote! {
            impl Client {
                #[doc = #doc]
                // The parameter type may or may not be `Copy`; cloning serves both.
                #[allow(clippy::clone_on_copy)]
                pub async fn #fn_name(
                    &self,
                    #setter: impl Into<#param_ty>,
                    wait: ::sdk_runtime::Wait,
                ) -> Result<#out_ty, ::sdk_runtime::WaitError<#err, #out_ty>> {
                    const SPEC: ::sdk_runtime::WaiterSpec = ::sdk_runtime::WaiterSpec {
                        status: &[#(#status),*],
                        success: #success,
                        failure: #failure,
                        reason: &[#(#reason),*],
                    };
                    let #setter: #param_ty = #setter.into();
                    ::sdk_runtime::waiter::poll(&SPEC, wait, || {
                        let #setter = #setter.clone();
                        async move { self.#method().#setter(#setter).send().await.map(ResponseValue::into_inner) }
                    })
                    .await
                }
            }
        });
    }
    Ok(out)
}

/// The type a builder keeps for a parameter: its field is `Result<T, String>`.
fn builder_field_type(builders: &[&Item], builder: &str, field: &str) -> Option<Type> {
    builders.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == builder => s
            .fields
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == field))
            .and_then(|f| generic_args(&f.ty)?.into_iter().next()),
        _ => None,
    })
}

/// A builder per operation that also takes `multipart/form-data` (kept aside by the
/// normalize pass): text fields and file parts, path and query parameters as strings.
fn multiparts(doc: &Value, operations: &[Operation]) -> TokenStream {
    let mut out = TokenStream::new();
    for (path, http, item, op_json) in crate::normalize::operations(doc) {
        let Some(schema) = op_json
            .get(OTHER_MEDIA_TYPES)
            .and_then(|m| m.get("multipart/form-data"))
            .and_then(|m| m.get("schema"))
        else {
            continue;
        };
        let Some(id) = op_json.get("operationId").and_then(Value::as_str) else {
            continue;
        };
        let Some(op) = operations.iter().find(|o| o.id == id) else {
            continue;
        };
        out.extend(multipart_builder(
            doc, path, http, item, op_json, schema, op,
        ));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn multipart_builder(
    doc: &Value,
    path: &str,
    http: &str,
    item: &Value,
    op_json: &Value,
    schema: &Value,
    op: &Operation,
) -> TokenStream {
    let schema = match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(p) => doc.pointer(p).unwrap_or(schema),
        None => schema,
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let struct_name = format_ident!("{}Multipart", op.method.to_upper_camel_case());
    let only_multipart = op_json.get(crate::normalize::BODY_ASIDE).is_some();
    let method = if only_multipart {
        format_ident!("{}", op.method)
    } else {
        format_ident!("{}_multipart", op.method)
    };
    let mut fields = Vec::new();
    let mut field_idents: Vec<Ident> = Vec::new();
    let mut setters = Vec::new();
    let mut parts = Vec::new();
    let mut checks = Vec::new();
    for (name, prop) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let ident = format_ident!("{}", crate::emit::setter_ident(name));
        let is_file = prop
            .get("format")
            .and_then(Value::as_str)
            .is_some_and(|f| f == "binary" || f == "byte");
        let doc = prop
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        field_idents.push(ident.clone());
        if is_file {
            fields.push(quote!(#ident: Option<::sdk_runtime::FilePart>));
            setters.push(quote! { #[doc = #doc] pub fn #ident(mut self, file: ::sdk_runtime::FilePart) -> Self { self.#ident = Some(file); self } });
            parts.push(quote! {
                if let Some(file) = &self.#ident {
                    form = form.part(#name, file.to_part().map_err(|e| ::sdk_runtime::Error::InvalidRequest(format!("{}: {e}", #name)))?);
                }
            });
        } else {
            fields.push(quote!(#ident: Option<String>));
            setters.push(quote! { #[doc = #doc] pub fn #ident(mut self, value: impl Into<String>) -> Self { self.#ident = Some(value.into()); self } });
            parts.push(quote! { if let Some(value) = &self.#ident { form = form.text(#name, value.clone()); } });
        }
        if required.contains(&name.as_str()) {
            let message = format!("{name} is required");
            checks.push(quote! { if self.#ident.is_none() { return Err(::sdk_runtime::Error::InvalidRequest(#message.into())); } });
        }
    }
    let params: Vec<&Value> = item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(
            op_json
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten(),
        )
        .collect();
    let mut url_code = TokenStream::new();
    let mut query = Vec::new();
    for p in params {
        let (Some(name), Some(place)) = (
            p.get("name").and_then(Value::as_str),
            p.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        let ident = format_ident!(
            "param_{}",
            crate::emit::setter_ident(name).trim_end_matches('_')
        );
        let setter = format_ident!("{}", crate::emit::setter_ident(name));
        field_idents.push(ident.clone());
        fields.push(quote!(#ident: Option<String>));
        setters.push(quote! { pub fn #setter(mut self, value: impl Into<String>) -> Self { self.#ident = Some(value.into()); self } });
        if p.get("required").and_then(Value::as_bool) == Some(true) || place == "path" {
            let message = format!("{name} is required");
            checks.push(quote! { if self.#ident.is_none() { return Err(::sdk_runtime::Error::InvalidRequest(#message.into())); } });
        }
        match place {
            "path" => {
                let placeholder = format!("{{{name}}}");
                url_code.extend(quote! { url = url.replace(#placeholder, &::progenitor_client::encode_path(self.#ident.as_deref().unwrap_or_default())); });
            }
            "query" => query.push(quote! { if let Some(v) = &self.#ident { request = request.query(&[(#name, v)]); } }),
            _ => {}
        }
    }
    let has_path_params = !url_code.is_empty();
    let url_code = if has_path_params {
        quote! { let mut url = format!("{}{}", self.client.baseurl, #path); #url_code }
    } else {
        quote! { let url = format!("{}{}", self.client.baseurl, #path); }
    };
    let request_binding = if query.is_empty() {
        quote!(let request)
    } else {
        quote!(let mut request)
    };
    let success: Vec<u16> = op_json
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(c, _)| c.parse::<u16>().ok())
        .filter(|c| (200..300).contains(c))
        .collect();
    let http_method = format_ident!("{}", http);
    let (ok, err) = (&op.ok, &op.err);
    let doc = if only_multipart {
        let summary = op_json
            .get("summary")
            .or_else(|| op_json.get("description"))
            .and_then(Value::as_str)
            .unwrap_or("");
        format!(
            "{summary}\n\n`{} {path}` as `multipart/form-data`: text fields and file parts.",
            http.to_ascii_uppercase()
        )
    } else {
        format!(
            "`{} {path}` as `multipart/form-data` (the JSON form is [`Client::{}`]): text fields and file parts.",
            http.to_ascii_uppercase(),
            op.method
        )
    };
    let struct_doc = format!("Builder for [`Client::{method}`].");
    let op_id = method.to_string();
    quote! {
        #[doc = #struct_doc]
        #[derive(Debug, Clone)]
        pub struct #struct_name<'a> {
            client: &'a Client,
            #(#fields,)*
        }

        impl Client {
            #[doc = #doc]
            pub fn #method(&self) -> #struct_name<'_> {
                #struct_name { client: self, #(#field_idents: None,)* }
            }
        }

        impl #struct_name<'_> {
            #(#setters)*

            /// Sends the form. Missing required fields fail before anything is sent.
            pub async fn send(self) -> Result<ResponseValue<#ok>, ::sdk_runtime::Error<#err>> {
                #(#checks)*
                let mut form = reqwest::multipart::Form::new();
                #(#parts)*
                #url_code
                #request_binding = self.client.client.#http_method(url).header(reqwest::header::ACCEPT, "application/json").multipart(form);
                #(#query)*
                let request = request.build().map_err(|e| ::sdk_runtime::Error::InvalidRequest(e.to_string()))?;
                ::sdk_runtime::finish_raw(self.client.inner.execute(&self.client.client, request, #op_id), &[#(#success),*]).await
            }
        }
    }
}
