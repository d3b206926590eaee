//! `src/mock.rs` (cargo feature `mock`): a `MockServer` with one typed expectation per
//! operation, for the tests of code that uses the crate. Its parameters, request body, answers
//! (the envelope filled in) and waiter statuses are the operation's own types; the server,
//! matching, answer sequences and call counts are `openapi_sdk_runtime::mock`, written once.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Type;

use crate::model::{Operation, ParamIn, SdkModel, StatusKind, Waiter};
use crate::naming;

/// The methods of `MockServer` itself: an operation of the same name gets `_operation` added.
const SERVER_METHODS: &[&str] = &["start", "uri", "client", "unmatched", "verify"];
/// The methods every expectation has: a parameter of the same name gets `_param` added.
const EXPECTATION_METHODS: &[&str] = &[
    "when",
    "respond",
    "respond_data",
    "respond_statuses",
    "respond_empty",
    "respond_bytes",
    "respond_error",
    "respond_status",
    "respond_json",
    "drop_connection",
    "with_header",
    "with_delay",
    "expect",
    "mount",
];
/// What a `present` waiter's ready (or failed) status is answered with.
const PRESENT_VALUE: &str = "\"https://example.com/mock\"";

/// How an operation's typed response is answered.
pub(super) enum Body {
    /// No content (`()`).
    Empty,
    /// Raw bytes (`ByteStream`).
    Bytes,
    /// A connection upgrade: nothing the mock can answer but a status.
    Upgrade,
    Json,
}

pub(super) fn body_kind(ty: &Type) -> Body {
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => Body::Empty,
        _ => match crate::syntax::type_name(ty).as_deref() {
            Some("ByteStream") => Body::Bytes,
            Some("Upgraded") => Body::Upgrade,
            _ => Body::Json,
        },
    }
}

/// The mock server's name of an operation's method.
pub fn server_method(op: &Operation) -> String {
    if SERVER_METHODS.contains(&op.method.as_str()) {
        format!("{}_operation", op.method)
    } else {
        op.method.clone()
    }
}

pub fn emit(model: &SdkModel) -> TokenStream {
    let methods = model.operations.iter().map(|op| {
        let method = format_ident!("{}", server_method(op));
        let expectation = expectation_ident(op);
        let (id, http, path) = (&op.method, &op.http, &op.path);
        let doc = format!(
            "Expects calls of [`Client::{id}`](crate::Client::{id}) (`{http} {path}`): narrow it with its parameters and `when`, answer with `respond…`, then `mount().await`."
        );
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> #expectation<'_> {
                #expectation(self.inner.expectation(#id, #http, #path))
            }
        }
    });
    let expectations = model.operations.iter().enumerate().map(|(i, op)| {
        let waiter = model.waiters.iter().find(|w| w.operation == i);
        expectation(model, op, waiter)
    });
    quote! {
        //! Typed mocks for your tests (cargo feature `mock`): a real HTTP server on loopback that
        //! answers like the API, with one method per operation. See the crate's README.
        #[allow(unused_imports)]
        use crate::{types, ByteStream, Client};
        /// What `mount` returns (its `calls()`) and what `expect` takes (`1`, `2..`).
        pub use ::openapi_sdk_runtime::mock::{Mounted, Times};

        /// A loopback HTTP server answering like the API: mount an expectation per operation,
        /// call your code with [`client`](MockServer::client), check the calls. Dropping it
        /// checks every `expect(n)`; [`verify`](MockServer::verify) also fails on requests that
        /// matched nothing (they were answered 404 with the reason).
        #[derive(Debug)]
        pub struct MockServer {
            inner: ::openapi_sdk_runtime::mock::MockServer,
        }

        impl MockServer {
            /// Starts a server on a free loopback port (inside a Tokio runtime).
            pub async fn start() -> Self {
                MockServer { inner: ::openapi_sdk_runtime::mock::MockServer::start().await }
            }

            /// `http://127.0.0.1:<port>`, the base URL of the API it mocks.
            pub fn uri(&self) -> ::std::string::String {
                self.inner.uri()
            }

            /// A [`Client`] pointed at this server: a test API key, retries after 1 ms,
            /// waiters polling every few milliseconds whatever their `Wait` says (the maximum
            /// wait still applies), a 10 s deadline per call.
            pub fn client(&self) -> Client {
                self.inner.client::<Client>()
            }

            /// The requests no expectation matched, each with why.
            pub fn unmatched(&self) -> ::std::vec::Vec<::std::string::String> {
                self.inner.unmatched()
            }

            /// Panics if an expectation's `expect(n)` is not met or a request matched nothing.
            pub async fn verify(&self) {
                self.inner.verify().await;
            }

            #(#methods)*
        }

        #(#expectations)*
    }
}

fn expectation_ident(op: &Operation) -> syn::Ident {
    // These names are taken in this module.
    if ["MockServer", "Client", "ByteStream"].contains(&op.builder.as_str()) {
        format_ident!("{}Expectation", op.builder)
    } else {
        format_ident!("{}", op.builder)
    }
}

fn expectation(model: &SdkModel, op: &Operation, waiter: Option<&Waiter>) -> TokenStream {
    let name = expectation_ident(op);
    let (ok, err) = (&op.ok, &op.err);
    let status = op.success_statuses.first().copied().unwrap_or(200);
    let doc = format!(
        "An expected call of [`Client::{m}`](crate::Client::{m}) (`{} {}`), from [`MockServer::{}`]. Each `respond…` call adds an answer: successive requests get successive answers, the last one repeating.",
        op.http,
        op.path,
        server_method(op),
        m = op.method
    );
    let params = parameters(op);
    let when = op.json_body.as_ref().map(|body| {
        let text = crate::syntax::flat(body);
        quote! {
            /// Only requests whose JSON body satisfies `predicate` (all of them, when called
            /// again). A body that does not decode as the operation's type does not match.
            pub fn when(self, predicate: impl Fn(&#body) -> bool + Send + Sync + 'static) -> Self {
                Self(self.0.body::<#body, _>(#text, predicate))
            }
        }
    });
    let respond = match body_kind(ok) {
        Body::Json => Some(quote! {
            /// Answers with this response (documented status).
            pub fn respond(self, response: #ok) -> Self {
                Self(self.0.respond_json(#status, &response))
            }
        }),
        Body::Empty => Some(quote! {
            /// Answers with the documented status and no body.
            pub fn respond_empty(self) -> Self {
                Self(self.0.respond_empty(#status))
            }
        }),
        Body::Bytes => Some(quote! {
            /// Answers with these bytes (documented status).
            pub fn respond_bytes(self, body: impl Into<::std::vec::Vec<u8>>) -> Self {
                Self(self.0.respond_bytes(#status, body.into(), "application/octet-stream"))
            }
        }),
        Body::Upgrade => None,
    };
    let data_field = model.envelope.as_ref().map_or("data", |e| e.data.as_str());
    // The envelope is only filled in where `send` unwraps one.
    let envelope = if op.data.is_some() {
        quote!(<Client as ::openapi_sdk_runtime::__private::FromParts>::DEFAULTS.envelope)
    } else {
        quote!(None)
    };
    let respond_data = op.data.as_ref().map(|(data, _)| {
        let doc = format!(
            "Answers with the envelope around `{data_field}` (a success code), which is what `send` returns."
        );
        quote! {
            #[doc = #doc]
            pub fn respond_data(self, data: #data) -> Self {
                Self(self.0.respond_data::<#ok, _>(#envelope, #data_field, #status, &data))
            }
        }
    });
    let statuses = waiter
        .filter(|_| matches!(body_kind(ok), Body::Json))
        .map(|w| respond_statuses(w, ok, &envelope, data_field, status));
    let respond_error = matches!(body_kind(err), Body::Json).then(|| {
        quote! {
            /// Answers with this error status and documented error body.
            pub fn respond_error(self, status: u16, body: #err) -> Self {
                Self(self.0.respond_json(status, &body))
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[must_use = "an expectation does nothing until `.mount().await`"]
        pub struct #name<'a>(::openapi_sdk_runtime::mock::Expectation<'a>);

        impl #name<'_> {
            #(#params)*
            #when
            #respond
            #respond_data
            #statuses
            #respond_error

            /// Answers with `status` and no body (a 503 to exercise retries, a 404).
            pub fn respond_status(self, status: u16) -> Self {
                Self(self.0.respond_empty(status))
            }

            /// Answers with any JSON, unchecked: for answers the spec does not describe.
            pub fn respond_json(self, status: u16, body: ::serde_json::Value) -> Self {
                Self(self.0.respond_json(status, &body))
            }

            /// Closes the connection without any response (the next answer in turn), as a
            /// crashed server or a proxy does: your code sees a transport error, which the
            /// client retries when its policy allows.
            pub fn drop_connection(self) -> Self {
                Self(self.0.drop_connection())
            }

            /// Adds the response header `name: value` to the answer added last
            /// (`retry-after`, `x-request-id`, rate limits).
            pub fn with_header(self, name: &str, value: &str) -> Self {
                Self(self.0.with_header(name, value))
            }

            /// Delays the answer added last by `delay`, to exercise your timeouts.
            pub fn with_delay(self, delay: ::std::time::Duration) -> Self {
                Self(self.0.with_delay(delay))
            }

            /// How many calls it expects (`1`, `2..`, `..=3`), checked when the server is
            /// dropped or verified; a dropped connection is not counted (`calls()` counts it).
            pub fn expect(self, times: impl Into<::openapi_sdk_runtime::mock::Times>) -> Self {
                Self(self.0.expect(times))
            }

            /// Starts answering; the handle counts the calls. Panics if no answer was given
            /// or a parameter value did not convert.
            pub async fn mount(self) -> ::openapi_sdk_runtime::mock::Mounted {
                self.0.mount().await
            }
        }
    }
}

/// A typed setter per path, query and header parameter progenitor takes.
fn parameters(op: &Operation) -> Vec<TokenStream> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for p in &op.parameters {
        let Some(ty) = &p.rust_type else { continue };
        let (call, place) = match p.location {
            ParamIn::Path => (quote!(path_param), "path"),
            ParamIn::Query => (quote!(query_param), "query"),
            ParamIn::Header => (quote!(header_param), "header"),
            ParamIn::Cookie => continue,
        };
        let setter = param_setter(p);
        // Two parameters of one name (a path `id` and a query `id`): the first gets the setter.
        if seen.contains(&setter) {
            continue;
        }
        seen.push(setter.clone());
        // Optional parameters are kept as `Option<T>`; the mock matches a value of `T`.
        let ty = match crate::syntax::type_name(ty).as_deref() {
            Some("Option") => crate::syntax::generic_args(ty)
                .and_then(|a| a.into_iter().next())
                .unwrap_or_else(|| ty.clone()),
            _ => ty.clone(),
        };
        let ident = format_ident!("{}", setter);
        let name = &p.name;
        let doc = format!("Only requests whose {place} parameter `{name}` is `value`.");
        out.push(quote! {
            #[doc = #doc]
            pub fn #ident<V>(self, value: V) -> Self
            where
                V: ::std::convert::TryInto<#ty>,
                V::Error: ::std::fmt::Display,
            {
                Self(self.0.#call(#name, value.try_into().map_err(|e| e.to_string())))
            }
        });
    }
    out
}

/// `respond_statuses` for the operation a waiter polls: each answer carries one status.
fn respond_statuses(
    w: &Waiter,
    ok: &Type,
    envelope: &TokenStream,
    data_field: &str,
    status: u16,
) -> TokenStream {
    let status_ty = format_ident!("{}", w.status_type.name);
    let pointer = w.status.first().map(String::as_str).unwrap_or_default();
    let arms = match &w.status_type.kind {
        StatusKind::Values(variants) => {
            let arms = variants.iter().map(|v| {
                let variant = format_ident!("{}", v.variant);
                let text = v.value.to_string();
                quote!(crate::#status_ty::#variant => #text.to_string(),)
            });
            // An unknown value goes out as the waiter reads it back (`Status::raw`): a string
            // stays a string where the API's statuses are strings.
            quote! {
                #(#arms)*
                other @ crate::#status_ty::Other(_) => {
                    ::openapi_sdk_runtime::waiter::Status::raw(&other)
                        .map_or_else(|| "null".to_string(), |value| value.to_string())
                }
            }
        }
        StatusKind::Presence { ready, failed } => {
            let end = if *failed && !*ready {
                format_ident!("Failed")
            } else {
                format_ident!("Ready")
            };
            quote! {
                crate::#status_ty::Pending => "null".to_string(),
                crate::#status_ty::#end => #PRESENT_VALUE.to_string(),
            }
        }
    };
    let doc = format!(
        "Answers in turn with results whose status at `{pointer}` is each of `statuses` (for [`Client::{}`](crate::Client::{})), the other fields left out: drives the waiter through its states. Panics at `mount` when the response type requires other fields (answer with `respond…` then).",
        w.name, w.name
    );
    quote! {
        #[doc = #doc]
        pub fn respond_statuses(self, statuses: impl IntoIterator<Item = crate::#status_ty>) -> Self {
            let texts: ::std::vec::Vec<::std::string::String> = statuses
                .into_iter()
                .map(|status| match status { #arms })
                .collect();
            Self(self.0.respond_statuses::<#ok>(#envelope, #data_field, #status, #pointer, &texts))
        }
    }
}

/// The mock's setter of a parameter (`_param` added when it would shadow a method).
pub(super) fn param_setter(p: &crate::model::Parameter) -> String {
    let mut setter = naming::setter_ident(&p.name);
    if EXPECTATION_METHODS.contains(&setter.as_str()) {
        setter.push_str("_param");
    }
    setter
}

#[cfg(test)]
mod tests {
    /// Only what the operation has: no `when` without a JSON body, no `respond_data` without
    /// an envelope, `respond_bytes` for a binary answer; the README says how to enable it.
    #[test]
    fn each_expectation_offers_what_its_operation_has() {
        let spec = r#"
openapi: 3.0.3
info: {title: Files, version: '1'}
paths:
  /files/{name}:
    get:
      operationId: getFile
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses:
        '200': {description: bytes, content: {application/octet-stream: {schema: {type: string, format: binary}}}}
    put:
      operationId: putFile
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      requestBody: {content: {application/octet-stream: {schema: {type: string, format: binary}}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object, properties: {size: {type: integer}}}}}}
"#;
        let generated = crate::generate_one(spec).unwrap();
        let mock = &generated.files["src/mock.rs"];
        assert!(
            mock.contains("pub fn get_file(&self) -> GetFile<'_>"),
            "{mock}"
        );
        assert!(mock.contains("pub fn respond_bytes("));
        assert!(!mock.contains("pub fn when("), "no JSON body: {mock}");
        assert!(!mock.contains("pub fn respond_data("), "no envelope");
        assert!(mock.contains("pub fn respond(self, response: types::PutFileResponse)"));
        let lib = &generated.files["src/lib.rs"];
        assert!(lib.contains("#[cfg(feature = \"mock\")]") && lib.contains("pub mod mock;"));
        let manifest: toml::Table = toml::from_str(&generated.files["Cargo.toml"]).unwrap();
        assert_eq!(
            manifest["features"]["mock"].as_array().unwrap()[0].as_str(),
            Some("openapi-sdk-runtime/mock")
        );
        let readme = &generated.files["README.md"];
        let crate_name = manifest["package"]["name"].as_str().unwrap();
        assert!(
            readme.contains(&format!(
                "cargo add {crate_name}\ncargo add {crate_name} --dev --features mock\n"
            )),
            "{readme}"
        );
    }
}
