//! A client method per waiter: polls its operation with backoff (`sdk_runtime::waiter::poll`)
//! until the status is a success or failure value, or the mandatory maximum wait passes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::extensions::Match;
use crate::model::SdkModel;
use crate::naming;

fn matcher(m: &Match) -> TokenStream {
    match m {
        Match::Present => quote!(::sdk_runtime::waiter::Match::Present),
        Match::AnyOf(values) => {
            let texts = values.iter().map(|v| v.to_string());
            quote!(::sdk_runtime::waiter::Match::AnyOf(&[#(#texts),*]))
        }
        Match::Never => quote!(::sdk_runtime::waiter::Match::Never),
    }
}

pub fn emit(model: &SdkModel) -> TokenStream {
    let mut out = TokenStream::new();
    for w in &model.waiters {
        let op = &model.operations[w.operation];
        let setter = format_ident!("{}", naming::setter_ident(&w.parameter));
        let param_ty = &w.parameter_type;
        let (status, reason) = (&w.status, &w.reason);
        let (success, failure) = (matcher(&w.success), matcher(&w.failure));
        let fn_name = format_ident!("{}", naming::setter_ident(&w.name));
        let method = format_ident!("{}", op.method);
        let out_ty = op.output();
        let err = &op.err;
        let description = w
            .description
            .as_deref()
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
    out
}
