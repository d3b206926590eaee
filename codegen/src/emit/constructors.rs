//! The client's constructors (`new`, `from_env`, `builder`), the vendor's defaults the runtime
//! is configured with (base URL, env prefix, auth schemes, envelope) and its user agent.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{AuthScheme, SdkModel};

/// The environment variables `from_env` reads for `schemes`' credentials.
pub fn credential_variables(schemes: &[AuthScheme], prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |names: &[&str]| {
        for name in names {
            let variable = format!("`{prefix}_{name}`");
            if !out.contains(&variable) {
                out.push(variable);
            }
        }
    };
    for scheme in schemes {
        match scheme {
            AuthScheme::Basic => add(&["USERNAME", "PASSWORD"]),
            AuthScheme::OAuth2 { .. } => add(&["CLIENT_ID", "CLIENT_SECRET"]),
            _ => add(&["API_KEY"]),
        }
    }
    out
}

/// A scheme as the runtime's `AuthScheme`.
pub fn scheme(scheme: &AuthScheme) -> TokenStream {
    match scheme {
        AuthScheme::Header(name) => quote!(::openapi_sdk_runtime::AuthScheme::Header(#name)),
        AuthScheme::Query(name) => quote!(::openapi_sdk_runtime::AuthScheme::Query(#name)),
        AuthScheme::Cookie(name) => quote!(::openapi_sdk_runtime::AuthScheme::Cookie(#name)),
        AuthScheme::Bearer => quote!(::openapi_sdk_runtime::AuthScheme::Bearer),
        AuthScheme::Basic => quote!(::openapi_sdk_runtime::AuthScheme::Basic),
        AuthScheme::OAuth2 { token_url, scopes } => quote! {
            ::openapi_sdk_runtime::AuthScheme::OAuth2 { token_url: #token_url, scopes: &[#(#scopes),*] }
        },
    }
}

/// A requirement (alternatives of scheme sets) as a static slice.
pub fn requirement(requirement: &[Vec<AuthScheme>]) -> TokenStream {
    let alternatives = requirement.iter().map(|alternative| {
        let schemes = alternative.iter().map(scheme);
        quote!(&[#(#schemes),*])
    });
    quote!(&[#(#alternatives),*])
}

pub fn emit(model: &SdkModel) -> TokenStream {
    let vendor = &model.vendor;
    let base_url = &vendor.base_url;
    let env_prefix = &vendor.settings.env_prefix;
    let schemes = vendor.auth.iter().map(scheme);
    let security = requirement(&vendor.security);
    let envelope = match &model.envelope {
        Some(e) => {
            let (code, message, success) = (&e.code, &e.message, &e.success);
            let known = e.codes.iter().map(|(c, m)| quote!((#c, #m)));
            quote!(Some(&::openapi_sdk_runtime::__private::EnvelopeSpec { code: #code, message: #message, success: &[#(#success),*], known: &[#(#known),*] }))
        }
        None => quote!(None),
    };
    let url_env = format!("{env_prefix}_BASE_URL");
    let variables = credential_variables(&vendor.auth, env_prefix);
    let from_env_doc = if variables.is_empty() {
        format!(
            "A client configured from the environment: `{url_env}` (optional, default `{base_url}`)."
        )
    } else {
        format!(
            "A client configured from the environment: {} (the credentials the API's security schemes take; one is required) and `{url_env}` (optional, default `{base_url}`).",
            variables.join(", ")
        )
    };
    let server = if base_url.is_empty() {
        "; the spec names no server, so set one with `builder().base_url(..)`".to_string()
    } else {
        format!(" for `{base_url}`, with default timeouts and retries")
    };
    let takes_key = vendor.auth.iter().any(|s| {
        matches!(
            s,
            AuthScheme::Header(_)
                | AuthScheme::Query(_)
                | AuthScheme::Cookie(_)
                | AuthScheme::Bearer
        )
    });
    let new_fn = if vendor.auth.is_empty() {
        let doc = format!("A client{server}.");
        quote! {
            #[doc = #doc]
            pub fn new() -> Result<Self, ::openapi_sdk_runtime::ConfigError> {
                Self::builder().build()
            }
        }
    } else if takes_key {
        let doc = format!("A client with the given API key{server}.");
        quote! {
            #[doc = #doc]
            pub fn new(api_key: impl Into<String>) -> Result<Self, ::openapi_sdk_runtime::ConfigError> {
                Self::builder().api_key(api_key).build()
            }
        }
    } else if vendor.auth.contains(&AuthScheme::Basic) {
        let doc = format!("A client with the given username and password (HTTP basic){server}.");
        quote! {
            #[doc = #doc]
            pub fn new(username: impl Into<String>, password: impl Into<String>) -> Result<Self, ::openapi_sdk_runtime::ConfigError> {
                Self::builder().basic_auth(username, password).build()
            }
        }
    } else {
        let doc = format!("A client with the given OAuth2 client id and secret{server}.");
        quote! {
            #[doc = #doc]
            pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Result<Self, ::openapi_sdk_runtime::ConfigError> {
                Self::builder().client_credentials(client_id, client_secret).build()
            }
        }
    };
    quote! {
        const VENDOR_DEFAULTS: ::openapi_sdk_runtime::__private::VendorDefaults = ::openapi_sdk_runtime::__private::VendorDefaults {
            base_url: #base_url,
            env_prefix: #env_prefix,
            auth_schemes: &[#(#schemes),*],
            envelope: #envelope,
            security: #security,
        };

        impl ::openapi_sdk_runtime::__private::FromParts for Client {
            const DEFAULTS: &'static ::openapi_sdk_runtime::__private::VendorDefaults = &VENDOR_DEFAULTS;
            // This crate's own name and version, read when it is compiled.
            const USER_AGENT: &'static str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
            fn from_parts(base_url: &str, http: reqwest::Client, runtime: ::openapi_sdk_runtime::__private::Runtime) -> Self {
                Self::new_with_client(base_url, http, runtime)
            }
        }

        impl Client {
            #new_fn

            #[doc = #from_env_doc]
            pub fn from_env() -> Result<Self, ::openapi_sdk_runtime::ConfigError> {
                Self::builder().from_env()?.build()
            }

            /// Configures a client: API key, base URL, auth scheme, timeouts, deadline, retry policy, user agent.
            pub fn builder() -> ::openapi_sdk_runtime::ClientConfig<Client> {
                ::openapi_sdk_runtime::ClientConfig::default()
            }
        }
    }
}
