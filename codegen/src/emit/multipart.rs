//! A builder per operation that takes `multipart/form-data` (set aside by the normalize pass):
//! text fields and file parts, path and query parameters as strings, sent through the runtime.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Multipart, Operation, ParamIn, SdkModel};
use crate::naming;

pub fn emit(model: &SdkModel) -> TokenStream {
    model
        .operations
        .iter()
        .filter_map(|op| Some(builder(op, op.multipart.as_ref()?)))
        .collect()
}

fn builder(op: &Operation, form: &Multipart) -> TokenStream {
    let struct_name = format_ident!("{}Multipart", op.builder);
    let method = if form.only {
        format_ident!("{}", op.method)
    } else {
        format_ident!("{}_multipart", op.method)
    };
    let mut fields = Vec::new();
    let mut field_idents: Vec<Ident> = Vec::new();
    let mut setters = Vec::new();
    let mut parts = Vec::new();
    let mut checks = Vec::new();
    let required = |name: &str| {
        let message = format!("{name} is required");
        quote!(::sdk_runtime::Error::InvalidRequest(#message.into()))
    };
    for field in &form.fields {
        let (name, doc) = (&field.name, &field.description);
        let ident = format_ident!("{}", naming::setter_ident(name));
        field_idents.push(ident.clone());
        if field.file {
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
        if field.required {
            let error = required(name);
            checks.push(quote! { if self.#ident.is_none() { return Err(#error); } });
        }
    }
    let mut url_code = TokenStream::new();
    let mut query = Vec::new();
    for p in &op.parameters {
        let name = &p.name;
        let ident = format_ident!("param_{}", naming::setter_ident(name).trim_end_matches('_'));
        let setter = format_ident!("{}", naming::setter_ident(name));
        field_idents.push(ident.clone());
        fields.push(quote!(#ident: Option<String>));
        setters.push(quote! { pub fn #setter(mut self, value: impl Into<String>) -> Self { self.#ident = Some(value.into()); self } });
        if p.required || p.location == ParamIn::Path {
            let error = required(name);
            checks.push(quote! { if self.#ident.is_none() { return Err(#error); } });
        }
        match p.location {
            ParamIn::Path => {
                let placeholder = format!("{{{name}}}");
                url_code.extend(quote! { url = url.replace(#placeholder, &::progenitor_client::encode_path(self.#ident.as_deref().unwrap_or_default())); });
            }
            ParamIn::Query => query.push(quote! { if let Some(v) = &self.#ident { request = request.query(&[(#name, v)]); } }),
            ParamIn::Header | ParamIn::Cookie => {}
        }
    }
    let path = &op.path;
    let url_code = if url_code.is_empty() {
        quote! { let url = format!("{}{}", self.client.baseurl, #path); }
    } else {
        quote! { let mut url = format!("{}{}", self.client.baseurl, #path); #url_code }
    };
    let request_binding = if query.is_empty() {
        quote!(let request)
    } else {
        quote!(let mut request)
    };
    let success = &op.success_statuses;
    let http_method = format_ident!("{}", op.http.to_ascii_lowercase());
    let (ok, err) = (&op.ok, &op.err);
    let doc = if form.only {
        format!(
            "{}\n\n`{} {path}` as `multipart/form-data`: text fields and file parts.",
            op.summary, op.http
        )
    } else {
        format!(
            "`{} {path}` as `multipart/form-data` (the JSON form is [`Client::{}`]): text fields and file parts.",
            op.http, op.method
        )
    };
    // A success that is not JSON (an event stream, a file) streams to the caller.
    let finish = if crate::syntax::type_name(ok).as_deref() == Some("ByteStream") {
        format_ident!("finish_raw_stream")
    } else {
        format_ident!("finish_raw")
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

            /// Sends the form. Missing required fields fail before anything is sent; a retry
            /// builds the form again from its parts (a form is a stream, sent once).
            pub async fn send(self) -> Result<ResponseValue<#ok>, ::sdk_runtime::Error<#err>> {
                #(#checks)*
                let build = || -> Result<reqwest::Request, ::sdk_runtime::Error<#err>> {
                    let mut form = reqwest::multipart::Form::new();
                    #(#parts)*
                    #url_code
                    #request_binding = self.client.client.#http_method(url).header(reqwest::header::ACCEPT, "application/json").multipart(form);
                    #(#query)*
                    request.build().map_err(|e| ::sdk_runtime::Error::InvalidRequest(e.to_string()))
                };
                let executing = self.client.inner.execute_with(&self.client.client, build, #op_id)?;
                ::sdk_runtime::#finish(executing, &[#(#success),*]).await
            }

            /// `send` with options for this call only: a timeout per attempt, extra headers, a
            /// retry policy, an overall deadline.
            pub async fn send_with(self, options: ::sdk_runtime::CallOptions) -> Result<ResponseValue<#ok>, ::sdk_runtime::Error<#err>> {
                ::sdk_runtime::with_options(options, self.send()).await
            }
        }
    }
}
