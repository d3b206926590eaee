//! A client method per waiter: polls its operation with backoff (`openapi_sdk_runtime::__private::poll_named`)
//! until the status is a success or failure value, or the mandatory maximum wait passes. Each
//! waiter reports its status as an enum of the values it declares (`VideoStatus::Completed`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::extensions::Match;
use crate::model::{SdkModel, StatusKind, StatusType, Waiter};
use crate::naming;

fn matcher(m: &Match) -> TokenStream {
    match m {
        Match::Present => quote!(::openapi_sdk_runtime::__private::Match::Present),
        Match::AnyOf(values) => {
            let texts = values.iter().map(|v| v.to_string());
            quote!(::openapi_sdk_runtime::__private::Match::AnyOf(&[#(#texts),*]))
        }
        Match::Never => quote!(::openapi_sdk_runtime::__private::Match::Never),
    }
}

/// The status enum, its conversion from the JSON status and its `Display`.
fn status_enum(w: &Waiter, status: &StatusType) -> TokenStream {
    let name = format_ident!("{}", status.name);
    let fn_name = naming::setter_ident(&w.name);
    match &status.kind {
        StatusKind::Values(variants) => {
            let doc = format!(
                "The status [`Client::{fn_name}`] reports: the values the API documents, and `Other` with the text of any value it does not (the API may add some)."
            );
            let idents: Vec<_> = variants
                .iter()
                .map(|v| format_ident!("{}", v.variant))
                .collect();
            let docs = variants
                .iter()
                .map(|v| format!("`{}` in the API.", v.value));
            let arms = variants.iter().zip(&idents).map(|(v, ident)| {
                match &v.value {
                    serde_json::Value::String(s) => {
                        quote!(::serde_json::Value::String(s) if s == #s => Self::#ident,)
                    }
                    other if other.is_i64() => {
                        let n = other.as_i64().unwrap_or_default();
                        quote!(v if v.as_i64() == Some(#n) => Self::#ident,)
                    }
                    // Any other literal compares as a JSON value, as the runtime matches it.
                    other => {
                        let text = other.to_string();
                        quote!(v if ::serde_json::from_str::<::serde_json::Value>(#text).is_ok_and(|d| &d == v) => Self::#ident,)
                    }
                }
            });
            let labels = variants.iter().map(|v| v.label.as_str());
            // The API's value of each variant as JSON text, parsed back only when an error
            // shows it: `WaitError` names it next to the label (`failed (`4` in the API)`).
            let raws = variants.iter().map(|v| v.value.to_string());
            // `Other` keeps a string as it came and any other value as JSON text, so `"5"` and
            // `5` read alike; the declared values say which the API sends: strings stay strings
            // (a status `"5"` is not the number 5), anything else is read back as JSON.
            let other_raw = if variants.iter().all(|v| v.value.is_string()) {
                quote!(Self::Other(text) => Some(::serde_json::Value::String(text.clone())),)
            } else {
                quote!(Self::Other(text) => Some(::serde_json::from_str(text).unwrap_or_else(|_| ::serde_json::Value::String(text.clone()))),)
            };
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                pub enum #name {
                    #( #[doc = #docs] #idents, )*
                    /// A value the spec does not list: the string itself, or the JSON text of
                    /// any other value (`null` while the API reports none).
                    Other(String),
                }

                impl ::openapi_sdk_runtime::waiter::Status for #name {
                    fn from_json(status: &::serde_json::Value) -> Self {
                        match status {
                            #(#arms)*
                            other => Self::Other(other.as_str().map_or_else(|| other.to_string(), str::to_string)),
                        }
                    }

                    fn raw(&self) -> Option<::serde_json::Value> {
                        match self {
                            #( Self::#idents => ::serde_json::from_str(#raws).ok(), )*
                            #other_raw
                        }
                    }
                }

                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(match self {
                            #( Self::#idents => #labels, )*
                            Self::Other(text) => text,
                        })
                    }
                }
            }
        }
        StatusKind::Presence { ready, failed } => {
            let pointer = w.status.join(" or ");
            let doc = format!(
                "The status [`Client::{fn_name}`] reports: whether the API gives a value at {pointer} yet."
            );
            let end = if *failed && !*ready {
                quote! {
                    /// The value exists: the job failed.
                    Failed,
                }
            } else {
                quote! {
                    /// The value exists.
                    Ready,
                }
            };
            let end_ident = if *failed && !*ready {
                format_ident!("Failed")
            } else {
                format_ident!("Ready")
            };
            let end_label = if *failed && !*ready {
                "failed"
            } else {
                "ready"
            };
            quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
                pub enum #name {
                    /// No value yet (null or absent).
                    Pending,
                    #end
                }

                impl ::openapi_sdk_runtime::waiter::Status for #name {
                    fn from_json(status: &::serde_json::Value) -> Self {
                        if status.is_null() { Self::Pending } else { Self::#end_ident }
                    }
                }

                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(match self {
                            Self::Pending => "pending",
                            Self::#end_ident => #end_label,
                        })
                    }
                }
            }
        }
    }
}

pub fn emit(model: &SdkModel) -> TokenStream {
    let mut out = TokenStream::new();
    for w in &model.waiters {
        let op = &model.operations[w.operation];
        let setter = format_ident!("{}", naming::setter_ident(&w.parameter));
        let param_ty = &w.parameter_type;
        let id_text = format!(
            "{} is not a valid {}",
            w.parameter,
            crate::syntax::readable(param_ty)
        );
        let (status, reason) = (&w.status, &w.reason);
        let (success, failure) = (matcher(&w.success), matcher(&w.failure));
        let fn_name = format_ident!("{}", naming::setter_ident(&w.name));
        let method = format_ident!("{}", op.method);
        // The names the waiter's span carries: the client methods a user calls and reads.
        let (waiter_name, operation_name) = (fn_name.to_string(), op.method.to_string());
        let out_ty = op.output();
        let err = &op.err;
        let status_ty = format_ident!("{}", w.status_type.name);
        let description = w
            .description
            .as_deref()
            .unwrap_or("Waits for an asynchronous job.");
        let doc = format!(
            "{description}\n\nPolls [`Client::{}`] with jittered backoff until the status at {} is a success or failure value, or `wait`'s maximum passes. Every observed status goes to `wait`'s `on_status` callback as a [`{status_ty}`].",
            op.method,
            status.join(" or ")
        );
        out.extend(status_enum(w, &w.status_type));
        out.extend(quote! {
            impl Client {
                #[doc = #doc]
                // The parameter type may or may not be `Copy`; cloning serves both.
                #[allow(clippy::clone_on_copy)]
                pub async fn #fn_name<I>(
                    &self,
                    #setter: I,
                    wait: ::openapi_sdk_runtime::Wait<#status_ty>,
                ) -> Result<#out_ty, ::openapi_sdk_runtime::WaitError<#err, #out_ty, #status_ty>>
                where
                    I: ::std::convert::TryInto<#param_ty>,
                    I::Error: ::std::fmt::Display,
                {
                    const SPEC: ::openapi_sdk_runtime::__private::WaiterSpec = ::openapi_sdk_runtime::__private::WaiterSpec {
                        status: &[#(#status),*],
                        success: #success,
                        failure: #failure,
                        reason: &[#(#reason),*],
                    };
                    // What the operation's setter takes (text for a UUID, too), checked before
                    // the first poll.
                    let #setter: #param_ty = #setter.try_into().map_err(|e| {
                        ::openapi_sdk_runtime::WaitError::Request(::openapi_sdk_runtime::Error::InvalidRequest(
                            format!("{}: {e}", #id_text),
                        ))
                    })?;
                    // A client built with `poll_intervals` (a mock's) overrides the wait's.
                    ::openapi_sdk_runtime::__private::poll_named(#waiter_name, #operation_name, &SPEC, self.inner.adjust_wait(wait), || {
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
