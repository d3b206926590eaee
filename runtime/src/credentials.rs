//! The credentials a client holds and how each security scheme puts them on a request: an API
//! key in a header, the query or a cookie; HTTP basic; a bearer token, static or from the
//! caller's async provider; an OAuth2 client-credentials token fetched from the flow's token
//! URL and cached until it expires. Per operation, the first alternative of its security
//! requirement whose every scheme has credentials is applied (OR between alternatives, AND
//! within one); `security: []` sends none.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderName, HeaderValue};

use crate::auth::{ApiKey, AuthScheme, ConfigError};
use crate::interceptor::BoxError;

/// What [`TokenProvider::token`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send + 'a>>;

/// Hands out bearer tokens: asked before a request needs one, and again once after a 401.
/// Any `Fn() -> impl Future<Output = Result<String, BoxError>>` is one.
pub trait TokenProvider: Send + Sync + 'static {
    /// A token valid now (cached or freshly fetched). An error ends the call before the request
    /// is sent, its message saying the token provider failed.
    fn token(&self) -> TokenFuture<'_>;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String, BoxError>> + Send + 'static,
{
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self())
    }
}

/// A bearer token and when it stops being good.
#[derive(Clone)]
struct Cached {
    token: HeaderValue,
    until: Option<Instant>,
}

/// Every credential given to the builder, checked once.
#[derive(Default)]
pub(crate) struct Credentials {
    pub(crate) key: Option<ApiKey>,
    pub(crate) basic: Option<(String, ApiKey)>,
    pub(crate) provider: Option<Arc<dyn TokenProvider>>,
    pub(crate) client_credentials: Option<(String, ApiKey)>,
}

/// The credentials with each scheme's header values built, and the tokens fetched so far.
pub(crate) struct Auth {
    key: Option<(ApiKey, HeaderValue)>,
    basic: Option<HeaderValue>,
    provider: Option<Arc<dyn TokenProvider>>,
    client_credentials: Option<(String, ApiKey)>,
    /// The scheme the caller chose (`auth_scheme`): used wherever an operation needs credentials.
    preferred: Option<AuthScheme>,
    /// The document's requirement, for operations without their own.
    default: &'static [&'static [AuthScheme]],
    token: Mutex<Option<Cached>>,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the values: which credentials exist is all a log may show.
        f.debug_struct("Auth")
            .field("key", &self.key.is_some())
            .field("basic", &self.basic.is_some())
            .field("provider", &self.provider.is_some())
            .field("client_credentials", &self.client_credentials.is_some())
            .field("preferred", &self.preferred)
            .finish()
    }
}

fn sensitive(text: &str) -> Result<HeaderValue, ConfigError> {
    let mut value = HeaderValue::from_str(text).map_err(|_| ConfigError::InvalidApiKey)?;
    value.set_sensitive(true);
    Ok(value)
}

/// How a request lacks what its operation's requirement asks.
pub(crate) struct Missing(pub String);

impl Auth {
    pub(crate) fn new(
        credentials: Credentials,
        preferred: Option<AuthScheme>,
        default: &'static [&'static [AuthScheme]],
    ) -> Result<Self, ConfigError> {
        for scheme in default.iter().flat_map(|a| a.iter()).chain(&preferred) {
            let name = match scheme {
                AuthScheme::Header(name) | AuthScheme::Cookie(name) => Some(*name),
                _ => None,
            };
            if let Some(name) = name
                && HeaderName::from_bytes(name.as_bytes()).is_err()
                && matches!(scheme, AuthScheme::Header(_))
            {
                return Err(ConfigError::InvalidAuthHeaderName(name));
            }
        }
        let key = match credentials.key {
            Some(key) => {
                let value = sensitive(key.expose())?;
                Some((key, value))
            }
            None => None,
        };
        let basic = match credentials.basic {
            Some((user, password)) => {
                let pair = format!("{user}:{}", password.expose());
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                Some(sensitive(&format!("Basic {encoded}"))?)
            }
            None => None,
        };
        Ok(Auth {
            key,
            basic,
            provider: credentials.provider,
            client_credentials: credentials.client_credentials,
            preferred,
            default,
            token: Mutex::new(None),
        })
    }

    /// Whether the credentials can satisfy `scheme`.
    fn has(&self, scheme: &AuthScheme) -> bool {
        match scheme {
            AuthScheme::Header(_) | AuthScheme::Query(_) | AuthScheme::Cookie(_) => {
                self.key.is_some()
            }
            AuthScheme::Bearer => self.key.is_some() || self.provider.is_some(),
            AuthScheme::Basic => self.basic.is_some(),
            AuthScheme::OAuth2 { .. } => self.client_credentials.is_some(),
        }
    }

    /// Whether the client holds any credential for `schemes` (or the API takes none). Which
    /// operation can be called with which is checked per call: operations may require other
    /// schemes than the document (D-ID: basic or bearer per operation, bearer for the document).
    pub(crate) fn has_any(&self, schemes: &[AuthScheme]) -> bool {
        schemes.is_empty() || schemes.iter().any(|s| self.has(s))
    }

    /// The schemes to apply for a requirement: the caller's preferred scheme if the
    /// requirement asks for credentials at all, else the first alternative fully met.
    fn chosen(
        &self,
        requirement: &'static [&'static [AuthScheme]],
    ) -> Result<&[AuthScheme], Missing> {
        if requirement.is_empty() || requirement.iter().any(|a| a.is_empty()) {
            return Ok(&[]);
        }
        if let Some(preferred) = &self.preferred
            && self.has(preferred)
        {
            return Ok(std::slice::from_ref(preferred));
        }
        requirement
            .iter()
            .find(|alternative| alternative.iter().all(|s| self.has(s)))
            .map(|a| &a[..])
            .ok_or_else(|| {
                let wanted: Vec<String> = requirement
                    .iter()
                    .map(|a| a.iter().map(describe).collect::<Vec<_>>().join(" and "))
                    .collect();
                Missing(format!(
                    "the operation needs credentials the client was not given: {}",
                    wanted.join(", or ")
                ))
            })
    }

    /// Puts the credentials of `requirement` (the operation's own, else the document's) on
    /// `request`; `refresh` drops a cached token first (after a 401).
    pub(crate) async fn apply(
        &self,
        http: &reqwest::Client,
        request: &mut reqwest::Request,
        requirement: Option<&'static [&'static [AuthScheme]]>,
        refresh: bool,
    ) -> Result<bool, String> {
        let schemes = self
            .chosen(requirement.unwrap_or(self.default))
            .map_err(|m| m.0)?;
        let mut token_used = false;
        for scheme in schemes {
            match scheme {
                AuthScheme::Header(name) => {
                    let (_, value) = self.key.as_ref().ok_or("no API key")?;
                    let name = HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| format!("`{name}` is not a valid HTTP header name"))?;
                    request.headers_mut().insert(name, value.clone());
                }
                AuthScheme::Query(name) => {
                    let (key, _) = self.key.as_ref().ok_or("no API key")?;
                    request
                        .url_mut()
                        .query_pairs_mut()
                        .append_pair(name, key.expose());
                }
                AuthScheme::Cookie(name) => {
                    let (key, _) = self.key.as_ref().ok_or("no API key")?;
                    let pair = format!(
                        "{name}={}",
                        form_urlencoded::byte_serialize(key.expose().as_bytes())
                            .collect::<String>()
                    );
                    let cookie = match request.headers().get(COOKIE).and_then(|v| v.to_str().ok()) {
                        Some(existing) => format!("{existing}; {pair}"),
                        None => pair,
                    };
                    let value = sensitive(&cookie).map_err(|e| e.to_string())?;
                    request.headers_mut().insert(COOKIE, value);
                }
                AuthScheme::Basic => {
                    let value = self.basic.clone().ok_or("no username and password")?;
                    request.headers_mut().insert(AUTHORIZATION, value);
                }
                AuthScheme::Bearer => {
                    let value = match (&self.provider, &self.key) {
                        (Some(provider), _) => {
                            token_used = true;
                            // Boxed: fetching a token is a large future that every request's
                            // future would otherwise carry, and copy, whatever its scheme.
                            Box::pin(self.token(refresh, || async {
                                let token = provider
                                    .token()
                                    .await
                                    .map_err(|e| format!("the token provider failed: {e}"))?;
                                Ok((token, None))
                            }))
                            .await?
                        }
                        (None, Some((key, _))) => sensitive(&format!("Bearer {}", key.expose()))
                            .map_err(|e| e.to_string())?,
                        (None, None) => return Err("no bearer token".into()),
                    };
                    request.headers_mut().insert(AUTHORIZATION, value);
                }
                AuthScheme::OAuth2 { token_url, scopes } => {
                    let (id, secret) = self
                        .client_credentials
                        .as_ref()
                        .ok_or("no client id and secret")?;
                    token_used = true;
                    // A relative token URL (OpenAPI 3.1 allows one) is the API server's.
                    let url = request
                        .url()
                        .join(token_url)
                        .map_err(|e| format!("the token URL `{token_url}` is not a URL: {e}"))?;
                    // Boxed like the bearer token's.
                    let value = Box::pin(self.token(refresh, || {
                        client_credentials(http, url.as_str(), scopes, id, secret)
                    }))
                    .await?;
                    request.headers_mut().insert(AUTHORIZATION, value);
                }
            }
        }
        Ok(token_used)
    }

    /// The cached bearer token, or a new one from `fetch` (`(token, lifetime)`).
    async fn token<F, Fut>(&self, refresh: bool, fetch: F) -> Result<HeaderValue, String>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(String, Option<Duration>), String>>,
    {
        {
            let mut cached = self.token.lock().unwrap_or_else(|e| e.into_inner());
            if refresh {
                *cached = None;
            }
            if let Some(c) = cached.as_ref()
                && c.until.is_none_or(|until| Instant::now() < until)
            {
                return Ok(c.token.clone());
            }
        }
        let (token, lifetime) = fetch().await?;
        let value = sensitive(&format!("Bearer {token}")).map_err(|e| e.to_string())?;
        // A token is renewed a little before it expires, so it never arrives expired.
        let until = lifetime.map(|l| Instant::now() + l.saturating_sub(Duration::from_secs(10)));
        *self.token.lock().unwrap_or_else(|e| e.into_inner()) = Some(Cached {
            token: value.clone(),
            until,
        });
        Ok(value)
    }
}

fn describe(scheme: &AuthScheme) -> String {
    match scheme {
        AuthScheme::Header(name) => format!("an API key in header `{name}` (api_key)"),
        AuthScheme::Query(name) => format!("an API key in query parameter `{name}` (api_key)"),
        AuthScheme::Cookie(name) => format!("an API key in cookie `{name}` (api_key)"),
        AuthScheme::Bearer => "a bearer token (api_key or token_provider)".into(),
        AuthScheme::Basic => "a username and password (basic_auth)".into(),
        AuthScheme::OAuth2 { .. } => "an OAuth2 client id and secret (client_credentials)".into(),
    }
}

/// The OAuth2 client-credentials grant (RFC 6749, 4.4): the client's id and secret for a token.
async fn client_credentials(
    http: &reqwest::Client,
    token_url: &str,
    scopes: &[&str],
    id: &str,
    secret: &ApiKey,
) -> Result<(String, Option<Duration>), String> {
    let mut form = vec![
        ("grant_type", "client_credentials".to_string()),
        ("client_id", id.to_string()),
        ("client_secret", secret.expose().to_string()),
    ];
    if !scopes.is_empty() {
        form.push(("scope", scopes.join(" ")));
    }
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&form)
        .finish();
    let response = http
        .post(token_url)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(reqwest::header::ACCEPT, "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| format!("the token request to {token_url} failed: {e}"))?;
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| format!("the token response from {token_url} broke off: {e}"))?;
    if !status.is_success() {
        return Err(format!(
            "the token endpoint {token_url} answered {status}: {}",
            String::from_utf8_lossy(&bytes)
                .chars()
                .take(300)
                .collect::<String>()
        ));
    }
    #[derive(serde::Deserialize)]
    struct Token {
        access_token: String,
        expires_in: Option<u64>,
    }
    let token: Token = serde_json::from_slice(&bytes)
        .map_err(|e| format!("the token endpoint {token_url} sent no access_token: {e}"))?;
    Ok((
        token.access_token,
        token.expires_in.map(Duration::from_secs),
    ))
}
