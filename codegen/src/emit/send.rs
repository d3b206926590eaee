//! `send` for every operation's builder: runs progenitor's request through the runtime
//! (`sdk_runtime::finish`) and, for envelope APIs, checks the envelope and returns its data;
//! `send_with` does the same with per-call options (`sdk_runtime::CallOptions`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::SdkModel;
use crate::naming;

pub fn emit(model: &SdkModel) -> TokenStream {
    let data_field = model.envelope.as_ref().map_or("data", |e| e.data.as_str());
    let mut out = TokenStream::new();
    for op in &model.operations {
        let builder = format_ident!("{}", op.builder);
        let (ok, err) = (&op.ok, &op.err);
        let doc = format!(
            "Sends the request: `{} {}`. Constraint violations fail before anything is sent.",
            op.http, op.path
        );
        // What `send` returns: the envelope's data, or the whole body.
        let sent = match &op.data {
            Some((data, _)) => quote!(#data),
            None => quote!(#ok),
        };
        let body = match &op.data {
            Some((data, optional)) => {
                let field = format_ident!("{}", naming::field_name(data_field));
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

                /// `send` with options for this call only: a timeout per attempt, extra headers, a
                /// retry policy, an overall deadline (`CallOptions`).
                pub async fn send_with(self, options: ::sdk_runtime::CallOptions) -> Result<ResponseValue<#sent>, ::sdk_runtime::Error<#err>> {
                    ::sdk_runtime::with_options(options, self.send()).await
                }
            }
        });
    }
    out
}
