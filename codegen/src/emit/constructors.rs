//! The client's constructors (`new`, `from_env`, `builder`), the vendor's defaults the runtime
//! is configured with (base URL, env prefix, auth schemes, envelope) and its user agent.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{AuthScheme, SdkModel};

pub fn emit(model: &SdkModel) -> TokenStream {
    let vendor = &model.vendor;
    let base_url = &vendor.base_url;
    let env_prefix = &vendor.settings.env_prefix;
    let schemes = vendor.auth.iter().map(|scheme| match scheme {
        AuthScheme::Header(header) => quote!(::sdk_runtime::AuthScheme::Header(#header)),
        AuthScheme::Bearer => quote!(::sdk_runtime::AuthScheme::Bearer),
    });
    let envelope = match &model.envelope {
        Some(e) => {
            let (code, message, success) = (&e.code, &e.message, &e.success);
            let known = e.codes.iter().map(|(c, m)| quote!((#c, #m)));
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
    let new_fn = if vendor.auth.is_empty() {
        quote! {
            #[doc = #new_doc]
            pub fn new() -> Result<Self, ::sdk_runtime::ConfigError> {
                Self::builder().build()
            }
        }
    } else {
        quote! {
            #[doc = #new_doc]
            pub fn new(api_key: impl Into<String>) -> Result<Self, ::sdk_runtime::ConfigError> {
                Self::builder().api_key(api_key).build()
            }
        }
    };
    quote! {
        const VENDOR_DEFAULTS: ::sdk_runtime::config::VendorDefaults = ::sdk_runtime::config::VendorDefaults {
            base_url: #base_url,
            env_prefix: #env_prefix,
            auth_schemes: &[#(#schemes),*],
            envelope: #envelope,
        };

        impl ::sdk_runtime::config::FromParts for Client {
            const DEFAULTS: &'static ::sdk_runtime::config::VendorDefaults = &VENDOR_DEFAULTS;
            // This crate's own name and version, read when it is compiled.
            const USER_AGENT: &'static str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
            fn from_parts(base_url: &str, http: reqwest::Client, runtime: ::sdk_runtime::Runtime) -> Self {
                Self::new_with_client(base_url, http, runtime)
            }
        }

        impl Client {
            #new_fn

            #[doc = #from_env_doc]
            pub fn from_env() -> Result<Self, ::sdk_runtime::ConfigError> {
                Self::builder().from_env()?.build()
            }

            /// Configures a client: API key, base URL, auth scheme, timeouts, deadline, retry policy, user agent.
            pub fn builder() -> ::sdk_runtime::ClientConfig<Client> {
                ::sdk_runtime::ClientConfig::default()
            }
        }
    }
}
