//! The operation layer, generated from the model: one `Client` method and one builder per
//! operation (a second, `..Multipart`, builder for a `multipart/form-data` form), parameter
//! setters that keep their conversion errors, and `send`/`send_with`, which build a
//! `openapi_sdk_runtime::Request` (parameters by style, the body by media type) and hand it to the
//! runtime's executor. Every builder, JSON, multipart or raw, shares [`Params`].

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::model::{
    Body, BodyKind, Multipart, Operation, ParamIn, ParamStyle, Parameter, ResponseKind, SdkModel,
    Status,
};
use crate::naming;

/// `(items of client.rs after mod types, items of the crate root)`: methods and builders, and
/// the multipart builders (at the crate root, where they have always been).
pub fn emit(model: &SdkModel) -> (TokenStream, TokenStream) {
    let data_field = model.envelope.as_ref().map_or("data", |e| e.data.as_str());
    let mut methods = TokenStream::new();
    let mut builders = TokenStream::new();
    let mut root = TokenStream::new();
    for op in &model.operations {
        let multipart_only = op.multipart.as_ref().is_some_and(|m| m.only);
        if !multipart_only {
            methods.extend(method(op));
            builders.extend(builder(op, data_field));
        }
        if let Some(form) = &op.multipart {
            root.extend(multipart_builder(op, form, data_field));
        }
    }
    let client = quote! {
        impl Client {
            #methods
        }

        /// Types for composing operation parameters.
        #[allow(clippy::all)]
        pub mod builder {
            #[allow(unused_imports)]
            use super::types;
            #[allow(unused_imports)]
            use super::{ByteStream, ResponseValue};

            #builders
        }
    };
    (client, root)
}

/// The method's rustdoc: summary, description, the route and the parameters.
fn method_doc(op: &Operation) -> String {
    let mut doc = String::new();
    let summary = op.summary.trim().trim_end_matches(['.', ',']);
    if !summary.is_empty() {
        doc.push_str(summary);
        doc.push_str("\n\n");
    }
    if let Some(description) = &op.description
        && description.trim() != op.summary.trim()
    {
        doc.push_str(description.trim());
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("Sends a `{}` request to `{}`", op.http, op.path));
    if op.body.is_none() && op.body_aside && op.multipart.is_none() {
        doc.push_str("\n\nThe spec declares a request body without a media type: none is sent.");
    }
    let described: Vec<&Parameter> = op
        .parameters
        .iter()
        .filter(|p| p.description.is_some())
        .collect();
    if !described.is_empty() {
        doc.push_str("\n\nArguments:\n");
        for p in &op.parameters {
            doc.push_str(&format!("- `{}`", naming::setter_ident(&p.name)));
            if let Some(d) = &p.description {
                doc.push_str(": ");
                doc.push_str(d.trim());
            }
            doc.push('\n');
        }
    }
    doc
}

fn method(op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.method);
    let builder = format_ident!("{}", op.builder);
    let doc = method_doc(op);
    quote! {
        #[doc = #doc]
        pub fn #method(&self) -> builder::#builder<'_> {
            builder::#builder::new(self)
        }
    }
}

/// A name for a builder's own field that no parameter's setter takes.
fn own_field(op: &Operation, wanted: &str) -> Ident {
    let mut name = wanted.to_string();
    while op
        .parameters
        .iter()
        .any(|p| naming::setter_ident(&p.name) == name)
        || name == "body"
    {
        name.push('_');
    }
    format_ident!("{}", name)
}

/// What every builder holds for the operation's parameters: fields, their initial values,
/// setters, the checks `send` runs and the statements that put them on the request.
struct Params {
    fields: Vec<TokenStream>,
    inits: Vec<TokenStream>,
    setters: Vec<TokenStream>,
    idents: Vec<Ident>,
    take: Vec<TokenStream>,
    encode: Vec<TokenStream>,
}

fn style(style: ParamStyle) -> TokenStream {
    let variant = format_ident!("{}", format!("{style:?}"));
    quote!(::openapi_sdk_runtime::__private::Style::#variant)
}

/// A setter taking anything that converts into `ty`, keeping the conversion's error.
fn setter(
    ident: &Ident,
    name: &str,
    ty: &syn::Type,
    optional: bool,
    doc: Option<&str>,
) -> TokenStream {
    // Named as the user knows the type: "id is not a valid UUID", not `::uuid::Uuid`.
    let message = format!(
        "{name} is not a valid {}: {{}}",
        crate::syntax::readable(ty)
    );
    let store = if optional {
        quote!(value.try_into().map(Some).map_err(|e| format!(#message, e)))
    } else {
        quote!(value.try_into().map_err(|e| format!(#message, e)))
    };
    let doc = doc.map(|d| quote!(#[doc = #d]));
    quote! {
        #doc
        pub fn #ident<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<#ty>,
            <V as std::convert::TryInto<#ty>>::Error: std::fmt::Display
        {
            self.#ident = #store;
            self
        }
    }
}

fn params(op: &Operation, req: &Ident) -> Params {
    let mut out = Params {
        fields: Vec::new(),
        inits: Vec::new(),
        setters: Vec::new(),
        idents: Vec::new(),
        take: Vec::new(),
        encode: Vec::new(),
    };
    for p in &op.parameters {
        let Some(ty) = &p.rust_type else { continue };
        let ident = format_ident!("{}", naming::setter_ident(&p.name));
        let name = &p.name;
        let required = p.required;
        if required {
            let unset = format!("{name} was not initialized");
            out.fields.push(quote!(#ident: Result<#ty, String>));
            out.inits.push(quote!(#ident: Err(#unset.to_string())));
        } else {
            out.fields.push(quote!(#ident: Result<Option<#ty>, String>));
            out.inits.push(quote!(#ident: Ok(None)));
        }
        out.setters.push(setter(
            &ident,
            name,
            ty,
            !required,
            p.description.as_deref(),
        ));
        out.take.push(
            quote!(let #ident = #ident.map_err(::openapi_sdk_runtime::Error::InvalidRequest)?;),
        );
        out.idents.push(ident.clone());
        let (st, explode) = (style(p.style), p.explode);
        let put = |v: TokenStream| match (p.location, p.content) {
            // Path parameters are placed by the path template (see `path_statements`).
            (ParamIn::Path, _) => quote!(),
            (ParamIn::Query, true) => quote!(#req.query_json(#name, #v);),
            (ParamIn::Query, false) => quote!(#req.query(#name, #v, #st, #explode);),
            (ParamIn::Header, true) => quote!(#req.header_json(#name, #v);),
            (ParamIn::Header, false) => quote!(#req.header(#name, #v, #explode);),
            (ParamIn::Cookie, _) => quote!(#req.cookie(#name, #v, #explode);),
        };
        if p.location == ParamIn::Path {
            continue;
        }
        if required {
            out.encode.push(put(quote!(&#ident)));
        } else {
            let inner = put(quote!(value));
            out.encode
                .push(quote!(if let Some(value) = &#ident { #inner }));
        }
    }
    out
}

/// Statements appending the path: literal pieces and path parameters by style, in template
/// order. A template name no parameter declares is sent as written (validation refuses it).
fn path_statements(op: &Operation, req: &Ident) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let literal = &rest[..open];
        if !literal.is_empty() {
            out.push(quote!(#req.path(#literal);));
        }
        let name = &rest[open + 1..close];
        match op
            .parameters
            .iter()
            .find(|p| p.location == ParamIn::Path && p.name == name)
        {
            Some(p) => {
                let ident = format_ident!("{}", naming::setter_ident(&p.name));
                let (st, explode) = (style(p.style), p.explode);
                out.push(quote!(#req.path_param(#name, &#ident, #st, #explode);));
            }
            None => {
                let raw = &rest[open..=close];
                out.push(quote!(#req.path(#raw);));
            }
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(quote!(#req.path(#rest);));
    }
    out
}

fn statuses(list: &[Status]) -> TokenStream {
    let items = list.iter().map(|s| match s {
        Status::Code(c) => quote!(::openapi_sdk_runtime::__private::Status::Code(#c)),
        Status::Range(r) => quote!(::openapi_sdk_runtime::__private::Status::Range(#r)),
        Status::Default => quote!(::openapi_sdk_runtime::__private::Status::Default),
    });
    quote!(&[#(#items),*])
}

/// The operation's static description for the runtime.
fn operation_static(op: &Operation) -> TokenStream {
    let id = &op.method;
    let http = format_ident!("{}", op.http);
    let path = &op.path;
    let success = statuses(&op.success);
    let errors = statuses(&op.errors);
    let accept = &op.accept;
    let stream = matches!(op.ok_kind, ResponseKind::Raw);
    let security = match &op.security {
        Some(requirement) => {
            let requirement = super::constructors::requirement(requirement);
            quote!(Some(#requirement))
        }
        None => quote!(None),
    };
    quote! {
        static OPERATION: ::openapi_sdk_runtime::__private::Operation = ::openapi_sdk_runtime::__private::Operation {
            id: #id,
            method: ::reqwest::Method::#http,
            path: #path,
            success: #success,
            errors: #errors,
            accept: #accept,
            security: #security,
            stream: #stream,
        };
    }
}

/// The call into the runtime, and the envelope's data taken out of a success.
fn dispatch(
    op: &Operation,
    data_field: &str,
    client: &Ident,
    req: &Ident,
) -> (TokenStream, TokenStream) {
    let (ok, err) = (&op.ok, &op.err);
    let call = match op.ok_kind {
        ResponseKind::Json(_) => {
            quote!(#client.inner.send_json::<#ok, #err>(&#client.client, #req).await)
        }
        ResponseKind::Empty => {
            quote!(#client.inner.send_empty::<#err>(&#client.client, #req).await)
        }
        ResponseKind::Raw => quote!(#client.inner.send_stream::<#err>(&#client.client, #req).await),
    };
    match &op.data {
        Some((data, optional)) => {
            let field = format_ident!("{}", naming::field_name(data_field));
            let take = if *optional {
                quote!(|r: #ok| r.#field)
            } else {
                quote!(|r: #ok| Some(r.#field))
            };
            (
                quote! {
                    let response = #call?;
                    ::openapi_sdk_runtime::__private::unwrap_data(response, #take)
                },
                quote!(#data),
            )
        }
        None => (call, quote!(#ok)),
    }
}

/// `send_raw`: the decoded body (the whole envelope, for envelope APIs) with the response it
/// came from, headers and body bytes included. Streamed successes have none: their body is the
/// raw response already.
fn send_raw(op: &Operation, client: &Ident, req: &Ident, into: &Ident) -> TokenStream {
    let (ok, err) = (&op.ok, &op.err);
    let call = match op.ok_kind {
        ResponseKind::Json(_) => {
            quote!(#client.inner.send_json_raw::<#ok, #err>(&#client.client, #req).await)
        }
        ResponseKind::Empty => {
            quote!(#client.inner.send_empty_raw::<#err>(&#client.client, #req).await)
        }
        ResponseKind::Raw => return TokenStream::new(),
    };
    quote! {
        /// `send`, handing back the raw response too: status, headers and body bytes beside the
        /// decoded value.
        pub async fn send_raw(self) -> Result<::openapi_sdk_runtime::Raw<#ok>, ::openapi_sdk_runtime::Error<#err>> {
            let (#client, #req) = self.#into()?;
            #call
        }
    }
}

fn send_doc(op: &Operation, data_field: &str) -> String {
    let doc = format!(
        "Sends the request: `{} {}`. Constraint violations fail before anything is sent.",
        op.http, op.path
    );
    match &op.data {
        Some(_) => format!(
            "{doc} The envelope is checked (a failure code is an `Error::Envelope`) and its `{data_field}` returned."
        ),
        None => doc,
    }
}

/// The body field, its initial value, setters, the check `send` runs and the statement that
/// puts it on the request.
struct BodyParts {
    field: TokenStream,
    init: TokenStream,
    setters: TokenStream,
    take: TokenStream,
    encode: TokenStream,
}

fn body_parts(body: &Body, req: &Ident) -> Option<BodyParts> {
    let ty = body.ty.as_ref()?;
    let media = &body.media_type;
    // `v` is the body's local (owned): JSON and forms serialize a reference, raw bodies move.
    let encode = |v: TokenStream| match body.kind {
        BodyKind::Json => quote!(#req.json(#media, &#v);),
        BodyKind::Form => quote!(#req.form(&#v);),
        BodyKind::Text | BodyKind::Bytes => quote!(#req.raw(#media, #v);),
    };
    let body_ident = format_ident!("body");
    if let Some(builder) = &body.builder {
        // The body builder: `.body(value)` and `.body_map(|b| ..)` on one value.
        let message = format!("body is not a valid {}: {{}}", crate::syntax::readable(ty));
        let encode = encode(quote!(body));
        return Some(BodyParts {
            field: quote!(body: Result<#builder, String>),
            init: quote!(body: Ok(::std::default::Default::default())),
            setters: quote! {
                pub fn body<V>(mut self, value: V) -> Self
                where
                    V: std::convert::TryInto<#ty>,
                    <V as std::convert::TryInto<#ty>>::Error: std::fmt::Display,
                {
                    self.body = value.try_into().map(From::from).map_err(|s| format!(#message, s));
                    self
                }

                pub fn body_map<F>(mut self, f: F) -> Self
                where
                    F: std::ops::FnOnce(#builder) -> #builder,
                {
                    self.body = self.body.map(f);
                    self
                }
            },
            take: quote! {
                let body = body
                    .and_then(|v| #ty::try_from(v).map_err(|e| e.to_string()))
                    .map_err(::openapi_sdk_runtime::Error::InvalidRequest)?;
            },
            encode,
        });
    }
    let setter = setter(&body_ident, "body", ty, !body.required, None);
    if body.kind == BodyKind::Bytes {
        // Raw bytes, or a file or reader streamed as the request goes (`body_file`), which
        // replaces them.
        let file_setter = quote! {
            /// The body streamed from a file or reader (`FilePart::path`, `FilePart::reader`),
            /// opened again for each attempt; it replaces `body`.
            pub fn body_file(mut self, file: ::openapi_sdk_runtime::FilePart) -> Self {
                self.body = Ok(Err(file));
                self
            }
        };
        let bytes_setter = {
            let message = format!("body is not a valid {}: {{}}", crate::syntax::readable(ty));
            quote! {
                pub fn body<V>(mut self, value: V) -> Self
                where
                    V: std::convert::TryInto<#ty>,
                    <V as std::convert::TryInto<#ty>>::Error: std::fmt::Display,
                {
                    self.body = value.try_into().map(Ok).map_err(|e| format!(#message, e));
                    self
                }
            }
        };
        let put = quote! {
            match body {
                Ok(bytes) => { #req.raw(#media, bytes); }
                Err(file) => { #req.raw_file(#media, file); }
            }
        };
        return Some(if body.required {
            BodyParts {
                field: quote!(body: Result<Result<#ty, ::openapi_sdk_runtime::FilePart>, String>),
                init: quote!(body: Err("body was not initialized".to_string())),
                setters: quote!(#bytes_setter #file_setter),
                take: quote!(let body = body.map_err(::openapi_sdk_runtime::Error::InvalidRequest)?;),
                encode: put,
            }
        } else {
            BodyParts {
                field: quote!(body: Result<Option<Result<#ty, ::openapi_sdk_runtime::FilePart>>, String>),
                init: quote!(body: Ok(None)),
                setters: quote! {
                    pub fn body<V>(mut self, value: V) -> Self
                    where
                        V: std::convert::TryInto<#ty>,
                        <V as std::convert::TryInto<#ty>>::Error: std::fmt::Display,
                    {
                        self.body = value.try_into().map(|v| Some(Ok(v))).map_err(|e| e.to_string());
                        self
                    }

                    /// The body streamed from a file or reader (`FilePart::path`,
                    /// `FilePart::reader`), opened again for each attempt; it replaces `body`.
                    pub fn body_file(mut self, file: ::openapi_sdk_runtime::FilePart) -> Self {
                        self.body = Ok(Some(Err(file)));
                        self
                    }
                },
                take: quote!(let body = body.map_err(::openapi_sdk_runtime::Error::InvalidRequest)?;),
                encode: quote!(if let Some(body) = body { #put }),
            }
        });
    }
    if body.required {
        Some(BodyParts {
            field: quote!(body: Result<#ty, String>),
            init: quote!(body: Err("body was not initialized".to_string())),
            setters: setter,
            take: quote!(let body = body.map_err(::openapi_sdk_runtime::Error::InvalidRequest)?;),
            encode: encode(quote!(body)),
        })
    } else {
        let inner = encode(quote!(value));
        Some(BodyParts {
            field: quote!(body: Result<Option<#ty>, String>),
            init: quote!(body: Ok(None)),
            setters: setter,
            take: quote!(let body = body.map_err(::openapi_sdk_runtime::Error::InvalidRequest)?;),
            encode: quote!(if let Some(value) = body { #inner }),
        })
    }
}

fn builder(op: &Operation, data_field: &str) -> TokenStream {
    let name = format_ident!("{}", op.builder);
    let client = own_field(op, "client");
    let options = own_field(op, "options");
    let req = own_field(op, "request");
    let into = own_field(op, "into_request");
    let send_raw = send_raw(op, &client, &req, &into);
    let Params {
        fields,
        inits,
        setters,
        idents,
        take,
        encode,
    } = params(op, &req);
    let body = op.body.as_ref().and_then(|b| body_parts(b, &req));
    let (body_field, body_init, body_setters, body_take, body_encode, body_ident) = match body {
        Some(b) => (
            Some(b.field),
            Some(b.init),
            b.setters,
            b.take,
            b.encode,
            Some(format_ident!("body")),
        ),
        None => Default::default(),
    };
    let path = path_statements(op, &req);
    let operation = operation_static(op);
    let (call, output) = dispatch(op, data_field, &client, &req);
    let err = &op.err;
    let doc = format!(
        "Builder for [`Client::{m}`]\n\n[`Client::{m}`]: super::Client::{m}",
        m = op.method
    );
    let send_doc = send_doc(op, data_field);
    let body_field = body_field.into_iter();
    let body_init = body_init.into_iter();
    let body_ident = body_ident.into_iter().collect::<Vec<_>>();
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #name<'a> {
            #client: &'a super::Client,
            #(#fields,)*
            #(#body_field,)*
            #options: Option<::openapi_sdk_runtime::CallOptions>,
        }

        impl<'a> #name<'a> {
            pub fn new(client: &'a super::Client) -> Self {
                Self {
                    #client: client,
                    #(#inits,)*
                    #(#body_init,)*
                    #options: None,
                }
            }

            #(#setters)*
            #body_setters

            /// The checked and encoded request, and the client that sends it.
            fn #into(self) -> Result<(&'a super::Client, ::openapi_sdk_runtime::__private::Request), ::openapi_sdk_runtime::Error<#err>> {
                #operation
                let Self { #client, #(#idents,)* #(#body_ident,)* #options } = self;
                #(#take)*
                #body_take
                let mut #req = ::openapi_sdk_runtime::__private::Request::new(&OPERATION, &#client.baseurl);
                #(#path)*
                #(#encode)*
                #body_encode
                #req.options(#options);
                Ok((#client, #req))
            }

            #[doc = #send_doc]
            pub async fn send(self) -> Result<ResponseValue<#output>, ::openapi_sdk_runtime::Error<#err>> {
                let (#client, #req) = self.#into()?;
                #call
            }

            #send_raw

            /// `send` with options for this call only: a timeout per attempt, extra headers, a
            /// retry policy, an overall deadline (`CallOptions`).
            pub async fn send_with(mut self, options: ::openapi_sdk_runtime::CallOptions) -> Result<ResponseValue<#output>, ::openapi_sdk_runtime::Error<#err>> {
                self.#options = Some(options);
                self.send().await
            }
        }
    }
}

/// The builder of a `multipart/form-data` operation: the operation's parameters (as every
/// builder has them), text fields and file parts.
fn multipart_builder(op: &Operation, form: &Multipart, data_field: &str) -> TokenStream {
    let name = format_ident!("{}Multipart", op.builder);
    let method = if form.only {
        format_ident!("{}", op.method)
    } else {
        format_ident!("{}_multipart", op.method)
    };
    let client = own_field(op, "client");
    let options = own_field(op, "options");
    let req = own_field(op, "request");
    let into = own_field(op, "into_request");
    let send_raw = send_raw(op, &client, &req, &into);
    let Params {
        mut fields,
        mut inits,
        mut setters,
        mut idents,
        mut take,
        mut encode,
    } = params(op, &req);
    for field in &form.fields {
        let (part, doc) = (&field.name, &field.description);
        let mut ident = format_ident!("{}", naming::setter_ident(part));
        if idents.contains(&ident) || ident == client || ident == options || ident == req {
            ident = format_ident!("{}_part", ident);
        }
        if field.file {
            fields.push(quote!(#ident: Option<::openapi_sdk_runtime::FilePart>));
            setters.push(quote! {
                #[doc = #doc]
                pub fn #ident(mut self, file: ::openapi_sdk_runtime::FilePart) -> Self {
                    self.#ident = Some(file);
                    self
                }
            });
            encode
                .push(quote! { if let Some(file) = #ident { #req.multipart_file(#part, file); } });
        } else {
            fields.push(quote!(#ident: Option<String>));
            setters.push(quote! {
                #[doc = #doc]
                pub fn #ident(mut self, value: impl Into<String>) -> Self {
                    self.#ident = Some(value.into());
                    self
                }
            });
            encode.push(
                quote! { if let Some(value) = #ident { #req.multipart_text(#part, value); } },
            );
        }
        inits.push(quote!(#ident: None));
        if field.required {
            let message = format!("{part} is required");
            take.push(quote! {
                if #ident.is_none() {
                    return Err(::openapi_sdk_runtime::Error::InvalidRequest(#message.into()));
                }
            });
        }
        idents.push(ident);
    }
    let path = path_statements(op, &req);
    let mut op_static = op.clone();
    op_static.method = method.to_string();
    let operation = operation_static(&op_static);
    let (call, output) = dispatch(op, data_field, &client, &req);
    let err = &op.err;
    let doc = if form.only {
        format!(
            "{}\n\n`{} {}` as `multipart/form-data`: text fields and file parts.",
            op.summary, op.http, op.path
        )
    } else {
        format!(
            "`{} {}` as `multipart/form-data` (the JSON form is [`Client::{}`]): text fields and file parts.",
            op.http, op.path, op.method
        )
    };
    let struct_doc = format!("Builder for [`Client::{method}`].");
    quote! {
        #[doc = #struct_doc]
        #[derive(Debug, Clone)]
        pub struct #name<'a> {
            #client: &'a Client,
            #(#fields,)*
            #options: Option<::openapi_sdk_runtime::CallOptions>,
        }

        impl Client {
            #[doc = #doc]
            pub fn #method(&self) -> #name<'_> {
                #name { #client: self, #(#inits,)* #options: None }
            }
        }

        impl<'a> #name<'a> {
            #(#setters)*

            /// Sends the form. Missing required fields fail before anything is sent; a retry
            /// builds the form again from its parts (a form is a stream, sent once).
            pub async fn send(self) -> Result<ResponseValue<#output>, ::openapi_sdk_runtime::Error<#err>> {
                let (#client, #req) = self.#into()?;
                #call
            }

            #send_raw

            /// The checked and encoded request, and the client that sends it.
            fn #into(self) -> Result<(&'a Client, ::openapi_sdk_runtime::__private::Request), ::openapi_sdk_runtime::Error<#err>> {
                #operation
                let Self { #client, #(#idents,)* #options } = self;
                #(#take)*
                let mut #req = ::openapi_sdk_runtime::__private::Request::new(&OPERATION, &#client.baseurl);
                #(#path)*
                #(#encode)*
                #req.options(#options);
                Ok((#client, #req))
            }

            /// `send` with options for this call only: a timeout per attempt, extra headers, a
            /// retry policy, an overall deadline.
            pub async fn send_with(mut self, options: ::openapi_sdk_runtime::CallOptions) -> Result<ResponseValue<#output>, ::openapi_sdk_runtime::Error<#err>> {
                self.#options = Some(options);
                self.send().await
            }
        }
    }
}
