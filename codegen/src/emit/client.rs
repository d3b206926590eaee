//! `src/client.rs`: `mod types` (typify's types, our builders beside them), the `Client`
//! struct, the operation layer ([`super::operations`]) and the prelude; and which of the types
//! only responses reach, so they tolerate what a newer server sends (see `forward_compat`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::SdkModel;

/// The first part of `src/client.rs`: the re-exports and `mod types` with our `additions`; the
/// caller puts typify's items (already parsed) before them. Printed apart from [`rest`], so the
/// two syntax trees never exist at once (GitHub's whole client was the generator's memory peak).
pub fn types_part(additions: TokenStream) -> TokenStream {
    quote! {
        // Re-exports of the types the public interface uses.
        #[allow(unused_imports)]
        pub use progenitor_client::{ByteStream, ClientInfo, ResponseValue};

        /// Types used as operation parameters and responses.
        #[allow(clippy::all)]
        pub mod types {
            #additions
        }
    }
}

/// The rest of the client after `mod types`: the `Client` struct, the operation layer and the
/// prelude.
pub fn rest(model: &SdkModel, operations: TokenStream) -> TokenStream {
    let vendor = &model.vendor;
    let mut doc = format!("Client for {}", vendor.title);
    if !vendor.description.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(&vendor.description);
    }
    doc.push_str(&format!("\n\nVersion: {}", vendor.version));
    let version = &vendor.version;
    quote! {
        #[derive(Clone, Debug)]
        #[doc = #doc]
        pub struct Client {
            pub(crate) baseurl: String,
            pub(crate) client: reqwest::Client,
            pub(crate) inner: ::openapi_sdk_runtime::__private::Runtime,
        }

        impl Client {
            /// A client over an existing `reqwest::Client`; `baseurl` has a scheme and host,
            /// and a port and path stem if needed.
            pub(crate) fn new_with_client(
                baseurl: &str,
                client: reqwest::Client,
                inner: ::openapi_sdk_runtime::__private::Runtime,
            ) -> Self {
                Self {
                    baseurl: baseurl.trim_end_matches('/').to_string(),
                    client,
                    inner,
                }
            }
        }

        impl ClientInfo<::openapi_sdk_runtime::__private::Runtime> for Client {
            fn api_version() -> &'static str {
                #version
            }

            fn baseurl(&self) -> &str {
                self.baseurl.as_str()
            }

            fn client(&self) -> &reqwest::Client {
                &self.client
            }

            fn inner(&self) -> &::openapi_sdk_runtime::__private::Runtime {
                &self.inner
            }
        }

        #operations

        /// Items consumers will typically use such as the Client.
        pub mod prelude {
            pub use self::super::Client;
        }
    }
}

/// Relaxes the types only responses reach (forward compatibility); request types, those the
/// builders' setters take, stay strict.
pub fn relax_response_types(client: &mut syn::File, model: &SdkModel) {
    let response_roots: Vec<syn::Type> = model
        .operations
        .iter()
        .flat_map(|o| [o.ok.clone(), o.err.clone()])
        .collect();
    let request_roots: Vec<syn::Type> = model
        .operations
        .iter()
        .flat_map(|o| {
            o.parameters
                .iter()
                .filter_map(|p| p.rust_type.clone())
                .chain(o.body.as_ref().and_then(|b| b.ty.clone()))
        })
        .collect();
    if let Some(types) = crate::syntax::module_mut(client, "types") {
        super::forward_compat::relax(types, &response_roots, &request_roots);
    }
}
