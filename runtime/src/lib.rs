//! Support code for the generated client crates: written and tested once here, configured by
//! the generator from the specs (security schemes, overlay extensions), never copied into
//! generated code.
//!
//! - [`auth`]: credential types (the API key, its security schemes) and `ConfigError`.
//! - [`credentials`]: how each security scheme puts its credentials on a request; token providers, OAuth2.
//! - [`config`]: credentials, base URL, timeouts, deadline, retry policy, user agent; `from_env`.
//! - [`response`]: request ids, `Retry-After` and rate limits of any response; a value with its raw response.
//! - [`options`]: options for one call (`send_with`): timeout, headers, retry policy, deadline.
//! - [`error`]: the one error type every generated operation returns.
//! - [`interceptor`]: the caller's hooks around every attempt (change the request, see responses and retries).
//! - [`waiter`]: polling an asynchronous job until it succeeds, fails or runs out of time.
//! - [`multipart`]: file parts for `multipart/form-data` operations.
//! - [`text`]: what builders take for optional strings (`&str`, `String`, `Option`s).
//! - [`optional`]: what builders take for other optional fields (UUIDs from text, plain integers).
//! - [`pagination`]: every item of a paginated listing as a lazily fetched stream.
//! - [`bounded_map`]: maps whose size the API limits.
//! - [`tls`]: the TLS backend (cargo features `rustls`, the default, or `native-tls`).
//! - `webhooks` (cargo feature `webhooks`): verifying the callbacks an API sends.
//! - `mock` (cargo feature `mock`): a loopback server answering like the API, for users' tests.
//!
//! What only generated code calls (the request each operation builds, parameter serialization
//! by OpenAPI `style`, the executor with its retries, tracing and envelope check, the waiter and
//! pagination machinery) is reached through a hidden module and is not part of the API: it may
//! change in any release, together with the generator that uses it.

// docs.rs builds with `--cfg docsrs` (Cargo.toml) and labels the feature-gated items.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

pub mod auth;
pub mod bounded_map;
mod call;
pub mod config;
pub mod credentials;
mod envelope;
pub mod error;
mod headers;
pub mod interceptor;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
pub mod multipart;
pub mod optional;
pub mod options;
pub mod pagination;
mod params;
mod request;
pub mod response;
pub mod retry;
mod runtime;
pub mod text;
#[cfg_attr(docsrs, doc(cfg(any(feature = "rustls", feature = "native-tls"))))]
pub mod tls;
pub mod waiter;
#[cfg(feature = "webhooks")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhooks")))]
pub mod webhooks;

pub use auth::{AuthScheme, ConfigError};
pub use bounded_map::{BoundedMap, ConstraintError};
pub use config::ClientConfig;
pub use credentials::TokenProvider;
pub use error::{Error, RawResponse};
pub use interceptor::Interceptor;
pub use multipart::FilePart;
pub use optional::IntoOptional;
pub use options::CallOptions;
pub use pagination::Paginated;
pub use response::{RateLimit, Raw, ResponseExt, SaveTo};
pub use retry::RetryPolicy;
pub use text::IntoOptionalString;
pub use tls::http_client_builder;
pub use waiter::{Wait, WaitError};

/// Re-exported for the generated crates, so they need no direct dependency on these.
pub use progenitor_client;
pub use serde_json;

/// What generated code uses and users do not call: not part of the API, and free to change in
/// any release together with the generator.
#[doc(hidden)]
pub mod __private {
    pub use crate::call::unwrap_data;
    pub use crate::config::{FromParts, VendorDefaults};
    pub use crate::envelope::EnvelopeSpec;
    pub use crate::pagination::{FromPosition, Page, Position, cursor_at};
    pub use crate::params::Style;
    pub use crate::request::{Operation, Request, Status};
    pub use crate::runtime::Runtime;
    pub use crate::waiter::{Match, WaiterSpec, poll_named};
}
