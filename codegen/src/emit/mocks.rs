//! `src/mock.rs` (cargo feature `mock`): a `MockServer` with one typed expectation per
//! operation, for the tests of code that uses the crate. Its parameters, request body, answers
//! (the envelope filled in) and waiter statuses are the operation's own types; the server,
//! matching, answer sequences and call counts are `sdk_runtime::mock`, written once.

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
    "expect",
    "mount",
];
/// What a `present` waiter's ready (or failed) status is answered with.
const PRESENT_VALUE: &str = "\"https://example.com/mock\"";

/// How an operation's typed response is answered.
enum Body {
    /// No content (`()`).
    Empty,
    /// Raw bytes (`ByteStream`).
    Bytes,
    /// A connection upgrade: nothing the mock can answer but a status.
    Upgrade,
    Json,
}

fn body_kind(ty: &Type) -> Body {
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
        pub use ::sdk_runtime::mock::{Mounted, Times};

        /// A loopback HTTP server answering like the API: mount an expectation per operation,
        /// call your code with [`client`](MockServer::client), check the calls. Dropping it
        /// checks every `expect(n)`; [`verify`](MockServer::verify) also fails on requests that
        /// matched nothing (they were answered 404 with the reason).
        #[derive(Debug)]
        pub struct MockServer {
            inner: ::sdk_runtime::mock::MockServer,
        }

        impl MockServer {
            /// Starts a server on a free loopback port (inside a Tokio runtime).
            pub async fn start() -> Self {
                MockServer { inner: ::sdk_runtime::mock::MockServer::start().await }
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
        quote!(<Client as ::sdk_runtime::__private::FromParts>::DEFAULTS.envelope)
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
        pub struct #name<'a>(::sdk_runtime::mock::Expectation<'a>);

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

            /// How many calls it expects (`1`, `2..`, `..=3`), checked when the server is
            /// dropped or verified.
            pub fn expect(self, times: impl Into<::sdk_runtime::mock::Times>) -> Self {
                Self(self.0.expect(times))
            }

            /// Starts answering; the handle counts the calls. Panics if no answer was given
            /// or a parameter value did not convert.
            pub async fn mount(self) -> ::sdk_runtime::mock::Mounted {
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
            quote!(#(#arms)* crate::#status_ty::Other(text) => text,)
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

/// The README's section: how to enable the feature, and a test of the first waiter against the
/// mock (a doctest, run when the feature is on) when its parameter can be written as a literal.
pub fn readme_section(model: &SdkModel, lib: &str) -> String {
    use std::fmt::Write;
    let settings = &model.vendor.settings;
    let mut out = String::from("## Testing your code against a mock\n\n");
    let envelope = match &model.envelope {
        Some(e) => format!(
            " `respond_data(..)` wraps what `send` returns in the response envelope with a success code ({}); `respond(..)` takes the whole typed response, to answer a failure code.",
            e.success
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "Behind the cargo feature `mock`, `mock::MockServer` is a real HTTP server on loopback that answers like the API, for your own tests: one method per operation, named like the client's, whose expectation matches typed parameters (`.id(..)`) and request bodies (`.when(|body| ..)`) and answers with the operation's typed responses (`respond`, `respond_error`, `respond_status`); each `respond…` call adds an answer, successive requests get successive answers and the last one repeats, which drives a waiter through its states.{envelope} `mount().await` returns a handle whose `calls()` counts the requests; `expect(n)` is checked when the server is dropped, and `verify().await` also fails on requests no expectation matched (they get a 404 saying why, so the call fails at once). `server.client()` is a client pointed at it with a test key, fast retries and fast waiter polling.\n\nAdd the feature for your tests only (Cargo enables dev-dependencies' features for tests, examples and benches, not for your build); `cargo add` writes the version you depend on:\n\n```sh\ncargo add {krate}\ncargo add {krate} --dev --features mock\n```\n",
        krate = settings.crate_name
    );
    // A waiter whose job the overlay says how to start comes first: its test is the whole
    // create-then-wait program.
    let complete = |w: &&Waiter| w.start.is_some() && w.example.is_some();
    if let Some(example) = model
        .waiters
        .iter()
        .filter(complete)
        .chain(model.waiters.iter())
        .find_map(|w| waiter_test(model, w, lib))
    {
        out.push_str(&example);
    }
    out
}

/// A doctest: the waiter's operation answers a queued, a running and a finished status; the
/// waiter returns, after three calls.
fn waiter_test(model: &SdkModel, w: &Waiter, lib: &str) -> Option<String> {
    use std::fmt::Write;
    let op = &model.operations[w.operation];
    if !matches!(body_kind(&op.ok), Body::Json) {
        return None;
    }
    let param = op.parameters.iter().find(|p| p.name == w.parameter)?;
    let id = if param.plain_string {
        "\"job-1\"".to_string()
    } else if crate::syntax::is_uuid(&w.parameter_type) {
        format!("{lib}::uuid::Uuid::from_u128(1)")
    } else {
        return None;
    };
    let status = &w.status_type.name;
    let sequence: Vec<String> = match &w.status_type.kind {
        StatusKind::Values(variants) => {
            let success = match &w.success {
                crate::extensions::Match::AnyOf(values) => values,
                _ => return None,
            };
            let ends = |v: &&crate::model::StatusVariant| {
                [&w.success, &w.failure].iter().any(
                    |m| matches!(m, crate::extensions::Match::AnyOf(values) if values.contains(&v.value)),
                )
            };
            let done = variants.iter().find(|v| success.contains(&v.value))?;
            variants
                .iter()
                .filter(|v| !ends(v))
                .chain([done])
                .map(|v| format!("{status}::{}", v.variant))
                .collect()
        }
        StatusKind::Presence { ready: true, .. } => vec![
            format!("{status}::Pending"),
            format!("{status}::Pending"),
            format!("{status}::Ready"),
        ],
        StatusKind::Presence { .. } => return None,
    };
    let calls = sequence.len();
    if let Some(test) = create_then_wait_test(model, w, lib, &sequence, param) {
        return Some(test);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "```rust\n# #[cfg(feature = \"mock\")]\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() -> Result<(), Box<dyn std::error::Error>> {{\nuse {lib}::mock::MockServer;\nuse {lib}::{{{status}, Wait}};\n\nlet server = MockServer::start().await;\nlet id = {id};\n// The job's states, one per poll; the last answer repeats.\nlet polls = server\n    .{}()\n    .{}(id)\n    .respond_statuses([{}])\n    .expect({calls})\n    .mount()\n    .await;\n// Your code, given the mock's client (the wait polls every few milliseconds):\nlet client = server.client();\nlet done = client.{}(id, Wait::up_to(std::time::Duration::from_secs(600))).await?;\nprintln!(\"{{done:?}}\");\nassert_eq!(polls.calls(), {calls});\nserver.verify().await;\n# Ok(())\n# }}\n# #[cfg(not(feature = \"mock\"))]\n# fn main() {{}}\n```\n\nThe call that starts the job is answered the same way, with its typed response.\n",
        server_method(op),
        param_setter(param),
        sequence.join(", "),
        w.name,
    );
    Some(out)
}

/// The README's user test when the overlay names the call that starts the job (`start`) and
/// gives the create-then-wait program (`example`): the mock answers the start with an id at
/// the declared pointer, then the polls with the waiter's states, and the program runs
/// unchanged against `server.client()`.
fn create_then_wait_test(
    model: &SdkModel,
    w: &Waiter,
    lib: &str,
    sequence: &[String],
    param: &crate::model::Parameter,
) -> Option<String> {
    use std::fmt::Write;
    let (start, pointer) = w.start.as_ref()?;
    let example = w.example.as_ref()?;
    let start = &model.operations[*start];
    if !matches!(body_kind(&start.ok), Body::Json) {
        return None;
    }
    let poll = &model.operations[w.operation];
    // Text either way: the start's answer carries it as a string, and the mock's parameter
    // matcher parses it like the client's setter (a UUID from its text).
    let id = if crate::syntax::is_uuid(&w.parameter_type) {
        "\"3c90c3cc-0d44-4b50-8888-8dd25736052a\""
    } else {
        "\"job-1\""
    };
    let answer = json_at(pointer);
    let respond = if start.data.is_some() {
        "respond_data"
    } else {
        "respond"
    };
    let calls = sequence.len();
    let mut out = String::new();
    let _ = write!(
        out,
        "```rust\n# #[cfg(feature = \"mock\")]\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() -> Result<(), Box<dyn std::error::Error>> {{\nuse {lib}::mock::MockServer;\nuse {lib}::serde_json::{{from_value, json}};\n\nlet server = MockServer::start().await;\nlet id = {id};\n// The call that starts the job answers with the job's id (the rest of the answer stays empty).\nlet started = server\n    .{}()\n    .{respond}(from_value(json!({answer}))?)\n    .expect(1)\n    .mount()\n    .await;\n// The job's states, one per poll; the last answer repeats.\nlet polls = server\n    .{}()\n    .{}(id)\n    .respond_statuses([{}])\n    .expect({calls})\n    .mount()\n    .await;\n// Your code: the create-then-wait program above, given the mock's client (the wait polls\n// every few milliseconds).\nlet client = server.client();\n",
        server_method(start),
        server_method(poll),
        param_setter(param),
        // Qualified: the program below may import the status type itself.
        sequence
            .iter()
            .map(|v| format!("{lib}::{v}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    for line in example.text.trim_end().lines() {
        let _ = writeln!(out, "{line}");
    }
    let _ = write!(
        out,
        "assert_eq!((started.calls(), polls.calls()), (1, {calls}));\nserver.verify().await;\n# Ok(())\n# }}\n# #[cfg(not(feature = \"mock\"))]\n# fn main() {{}}\n```\n"
    );
    Some(out)
}

/// `json!` text holding `id` at a JSON pointer: `/id` -> `{"id": id}`, `/0/id` -> `[{"id": id}]`.
fn json_at(pointer: &str) -> String {
    let mut value = "id".to_string();
    for token in pointer
        .split('/')
        .skip(1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        let token = token.replace("~1", "/").replace("~0", "~");
        value = if token.parse::<usize>().is_ok() {
            format!("[{value}]")
        } else {
            format!("{{{token:?}: {value}}}")
        };
    }
    value
}

fn param_setter(p: &crate::model::Parameter) -> String {
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
            Some("sdk-runtime/mock")
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
