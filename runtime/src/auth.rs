//! Credential types: the API key (never shown by `Debug`), the security schemes that carry it,
//! and `ConfigError`, which every configuration check returns.

use std::fmt;

/// A security scheme of the spec, as the client applies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthScheme {
    /// `apiKey` in a header: the key as the header's value.
    Header(&'static str),
    /// `http` `bearer`: `Authorization: Bearer <token>`, the API key or the token provider's.
    Bearer,
    /// `apiKey` in the query: `?<name>=<key>`.
    Query(&'static str),
    /// `apiKey` in a cookie: `Cookie: <name>=<key>`.
    Cookie(&'static str),
    /// `http` `basic`: `Authorization: Basic base64(user:password)`.
    Basic,
    /// `oauth2` with the client-credentials flow: a token from `token_url`, cached until it
    /// expires.
    OAuth2 {
        /// The token endpoint, from the flow's `tokenUrl`.
        token_url: &'static str,
        /// The scopes asked for (the operation's or the scheme's).
        scopes: &'static [&'static str],
    },
}

/// An API key; `Debug` prints `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub(crate) fn new(key: String) -> Self {
        ApiKey(key)
    }

    /// A secret that is not an API key (a password, a client secret): hidden the same way.
    pub(crate) fn secret(key: String) -> Self {
        ApiKey(key)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// Why a client could not be configured (`Client::builder().build()`, `from_env`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// `from_env` found no (or an empty) variable for any credential the API accepts.
    MissingApiKey {
        /// The environment variable that was looked for.
        variable: String,
    },
    /// The spec requires credentials and none were given.
    NoApiKey,
    /// The base URL does not parse as an absolute `http` or `https` URL.
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The key holds characters a header cannot carry.
    InvalidApiKey,
    /// `auth_scheme(..)` chose a scheme the spec does not declare for this API.
    AuthSchemeNotInSpec(AuthScheme),
    /// The spec's `apiKey` scheme names a header that HTTP cannot carry.
    InvalidAuthHeaderName(&'static str),
    /// The HTTP client could not be built (TLS backend initialisation).
    Http(String),
    /// `ClientConfig::user_agent` holds characters a header cannot carry.
    InvalidUserAgent(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingApiKey { variable } => {
                let what = if variable.ends_with("_API_KEY") {
                    "your API key"
                } else {
                    "your credentials"
                };
                write!(
                    f,
                    "environment variable {variable} is not set (or empty); set it to {what}"
                )
            }
            ConfigError::NoApiKey => f.write_str(
                "no credentials given for the API's security schemes; pass them to the builder (api_key, basic_auth, token_provider or client_credentials)",
            ),
            ConfigError::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid base URL `{url}`: {reason}")
            }
            ConfigError::InvalidApiKey => {
                f.write_str("the API key contains characters that cannot be sent in an HTTP header")
            }
            ConfigError::AuthSchemeNotInSpec(s) => {
                write!(f, "{s:?} is not one of the API's security schemes")
            }
            ConfigError::InvalidAuthHeaderName(name) => write!(
                f,
                "the security scheme's header name `{name}` is not a valid HTTP header name; fix the scheme in the spec with an overlay"
            ),
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
            ConfigError::InvalidUserAgent(agent) => write!(
                f,
                "the user agent `{agent}` contains characters that cannot be sent in an HTTP header"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_key() {
        let key = ApiKey::new("sk-secret-123".into());
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
        assert_eq!(key.expose(), "sk-secret-123");
    }
}
