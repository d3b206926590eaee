//! Client configuration: credentials, base URL, timeouts, deadline, retries and user agent,
//! from code or from the environment. The API key is kept in an [`ApiKey`], whose `Debug`
//! never shows it.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

pub use crate::auth::{ApiKey, AuthScheme, ConfigError};
use crate::credentials::{Auth, Credentials, TokenProvider};
use crate::envelope::EnvelopeSpec;
use crate::interceptor::Interceptor;
use crate::retry::RetryPolicy;
use crate::runtime::Runtime;

#[doc(hidden)]
/// What the generator knows about a vendor, fixed at generation time.
#[derive(Debug)]
pub struct VendorDefaults {
    /// The spec's first server URL.
    pub base_url: &'static str,
    /// Prefix of the environment variables `<PREFIX>_API_KEY` and `<PREFIX>_BASE_URL`.
    pub env_prefix: &'static str,
    /// The spec's security schemes, in the order of its `security` requirements; the first is used
    /// unless the caller picks another.
    pub auth_schemes: &'static [AuthScheme],
    pub envelope: Option<&'static EnvelopeSpec>,
    /// The document's security requirement: alternatives, each a set of schemes that apply
    /// together; empty when the API needs no credentials.
    pub security: &'static [&'static [AuthScheme]],
}

#[doc(hidden)]
/// Implemented by each generated `Client` so one builder serves every vendor.
pub trait FromParts: Sized {
    const DEFAULTS: &'static VendorDefaults;
    /// `<crate name>/<version>` of the generated crate, sent as `User-Agent` by default. A
    /// trait constant with a default rather than a `VendorDefaults` field, so that crates
    /// generated before it existed still compile (they send no `User-Agent`).
    const USER_AGENT: &'static str = "";
    fn from_parts(base_url: &str, http: reqwest::Client, runtime: Runtime) -> Self;
}

/// Builds a generated client: `Client::builder().api_key(k).timeout(d).build()?`.
pub struct ClientConfig<C> {
    api_key: Option<ApiKey>,
    basic: Option<(String, ApiKey)>,
    provider: Option<Arc<dyn TokenProvider>>,
    client_credentials: Option<(String, ApiKey)>,
    base_url: Option<String>,
    auth: Option<AuthScheme>,
    connect_timeout: Duration,
    timeout: Duration,
    idle_timeout: Duration,
    retry: RetryPolicy,
    deadline: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    poll_intervals: Option<(Duration, Duration)>,
    interceptors: Vec<Arc<dyn Interceptor>>,
    client: PhantomData<fn() -> C>,
}

/// Default time allowed for a whole call, retries included: twice the default timeout of one
/// attempt, so a slow first answer still leaves room for one retry, but a call that keeps timing
/// out fails within minutes, not after every attempt and backoff the retry policy allows.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);

impl<C> fmt::Debug for ClientConfig<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("api_key", &self.api_key)
            .field("basic", &self.basic.as_ref().map(|(user, _)| user))
            .field("token_provider", &self.provider.is_some())
            .field(
                "client_credentials",
                &self.client_credentials.as_ref().map(|(id, _)| id),
            )
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("retry", &self.retry)
            .field("deadline", &self.deadline)
            .field("user_agent", &self.user_agent)
            .field("poll_intervals", &self.poll_intervals)
            .field(
                "interceptors",
                &self
                    .interceptors
                    .iter()
                    .map(|i| i.name())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl<C: FromParts> Default for ClientConfig<C> {
    fn default() -> Self {
        ClientConfig {
            api_key: None,
            basic: None,
            provider: None,
            client_credentials: None,
            base_url: None,
            auth: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            deadline: Some(DEFAULT_DEADLINE),
            user_agent: None,
            http: None,
            poll_intervals: None,
            interceptors: Vec::new(),
            client: PhantomData,
        }
    }
}

impl<C: FromParts> ClientConfig<C> {
    /// Runs `interceptor` around every attempt of every call, after those added before it
    /// ([`Interceptor`]: change the request, see each response, each retry).
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// The API key (or static bearer token) for the API's `apiKey` and `bearer` schemes.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(ApiKey::new(key.into()));
        self
    }

    /// The username and password for the API's HTTP `basic` scheme.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic = Some((username.into(), ApiKey::secret(password.into())));
        self
    }

    /// Bearer tokens from `provider` (an async function), asked when a request needs one and
    /// again once when the server answers 401; it replaces a static `api_key` for `bearer`.
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.provider = Some(Arc::new(provider));
        self
    }

    /// The client id and secret for the API's OAuth2 client-credentials flow: a token is
    /// fetched from the flow's token URL, cached until it expires, and fetched again then.
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.client_credentials = Some((client_id.into(), ApiKey::secret(client_secret.into())));
        self
    }

    /// Overrides the spec's server URL (a proxy, a mock server, another region).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Picks one of the API's security schemes (e.g. an API-key header or bearer).
    pub fn auth_scheme(mut self, scheme: AuthScheme) -> Self {
        self.auth = Some(scheme);
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, from sending to the end of the body (default 60 s).
    /// Downloads (operations whose success streams) have none: see
    /// [`idle_timeout`](Self::idle_timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed between two reads of a response (default 30 s): what bounds a download,
    /// however long it takes as a whole, and any response that stalls.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How failed attempts are retried (attempts, backoff, total time); [`RetryPolicy::default`] unless set.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Time allowed for a whole call: every attempt and the waits between them (default
    /// [`DEFAULT_DEADLINE`], 2 minutes). When it passes, the attempt in flight is cancelled and
    /// the call fails with `Error::Deadline`; no retry starts that could not end in time.
    /// `CallOptions::deadline` overrides it for one call.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Calls without an overall deadline: only the timeout of each attempt and the retry
    /// policy bound them.
    pub fn no_deadline(mut self) -> Self {
        self.deadline = None;
        self
    }

    /// The `User-Agent` sent with every request (default `<crate name>/<version>` of the
    /// generated crate, or none with [`http_client`](Self::http_client), whose own applies).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses a prepared `reqwest::Client` (proxies, custom TLS); its own timeouts and user agent
    /// then apply (the crate's `User-Agent` is not sent unless set with
    /// [`user_agent`](Self::user_agent)). Build it from
    /// [`http_client_builder`](crate::http_client_builder), which has this crate's TLS backend
    /// configured.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Polls every waiter first after `first`, backing off to at most `largest`, whatever the
    /// `Wait` passed to it says (its maximum wait still applies). For tests against a mock
    /// server, where user code's `Wait::up_to(..)` would otherwise poll every few seconds.
    pub fn poll_intervals(mut self, first: Duration, largest: Duration) -> Self {
        self.poll_intervals = Some((first, largest));
        self
    }

    /// Reads the credentials the API's schemes take from `<PREFIX>_API_KEY`,
    /// `<PREFIX>_USERNAME` and `<PREFIX>_PASSWORD` (basic), `<PREFIX>_CLIENT_ID` and
    /// `<PREFIX>_CLIENT_SECRET` (OAuth2), and `<PREFIX>_BASE_URL` (optional). An API that needs
    /// credentials needs one of them set.
    pub fn from_env(self) -> Result<Self, ConfigError> {
        self.from_lookup(|name| std::env::var(name).ok())
    }

    /// `from_env` with the variables read through `lookup` (testable without touching the process).
    pub fn from_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let prefix = C::DEFAULTS.env_prefix;
        let read = |name: &str| {
            lookup(&format!("{prefix}_{name}"))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if let Some(key) = read("API_KEY") {
            self.api_key = Some(ApiKey::new(key));
        }
        if let (Some(user), Some(password)) = (read("USERNAME"), read("PASSWORD")) {
            self.basic = Some((user, ApiKey::secret(password)));
        }
        if let (Some(id), Some(secret)) = (read("CLIENT_ID"), read("CLIENT_SECRET")) {
            self.client_credentials = Some((id, ApiKey::secret(secret)));
        }
        let schemes = C::DEFAULTS.auth_schemes;
        let given =
            self.api_key.is_some() || self.basic.is_some() || self.client_credentials.is_some();
        if !schemes.is_empty() && !given {
            // Name the variable of the API's first scheme.
            let variable = match schemes[0] {
                AuthScheme::Basic => format!("{prefix}_USERNAME"),
                AuthScheme::OAuth2 { .. } => format!("{prefix}_CLIENT_ID"),
                _ => format!("{prefix}_API_KEY"),
            };
            return Err(ConfigError::MissingApiKey { variable });
        }
        if let Some(url) = read("BASE_URL") {
            self.base_url = Some(url);
        }
        Ok(self)
    }

    /// The client, or why its configuration cannot work (no credentials, a bad base URL...).
    pub fn build(self) -> Result<C, ConfigError> {
        let defaults = C::DEFAULTS;
        let base_url = self
            .base_url
            .unwrap_or_else(|| defaults.base_url.to_string());
        let parsed = reqwest::Url::parse(&base_url).map_err(|e| ConfigError::InvalidBaseUrl {
            url: base_url.clone(),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ConfigError::InvalidBaseUrl {
                url: base_url,
                reason: "the scheme must be http or https".into(),
            });
        }
        if let Some(s) = self.auth
            && !defaults.auth_schemes.contains(&s)
        {
            return Err(ConfigError::AuthSchemeNotInSpec(s));
        }
        let credentials = Credentials {
            key: self.api_key,
            basic: self.basic,
            provider: self.provider,
            client_credentials: self.client_credentials,
        };
        // Checks the key and the header that carries it before anything else is built.
        let auth = Auth::new(credentials, self.auth, defaults.security)?;
        if !auth.has_any(defaults.auth_schemes) {
            return Err(ConfigError::NoApiKey);
        }
        let mut runtime = Runtime::new(auth, self.retry, defaults.envelope)
            .with_deadline(self.deadline)
            .with_poll_intervals(self.poll_intervals)
            .with_interceptors(self.interceptors)
            // Our own client's timeout is known; a caller's client keeps its own, unknown one.
            .with_attempt_timeout(self.http.is_none().then_some(self.timeout));
        // A client the caller built sends its own user agent, if it has one; ours would replace it.
        let user_agent = match (&self.user_agent, &self.http) {
            (Some(agent), _) => Some(agent.as_str()),
            (None, None) => Some(C::USER_AGENT).filter(|a| !a.is_empty()),
            (None, Some(_)) => None,
        };
        if let Some(agent) = user_agent {
            runtime = runtime.with_user_agent(agent)?;
        }
        let http = match self.http {
            Some(http) => http,
            None => crate::tls::http_client_builder()?
                .connect_timeout(self.connect_timeout)
                // No total timeout here: the runtime gives each attempt its own (`timeout`),
                // except downloads, which only the idle timeout bounds.
                .read_timeout(self.idle_timeout)
                .build()
                .map_err(|e| ConfigError::Http(crate::error::causes(&e)))?,
        };
        // The generated code appends paths to the base URL, so a trailing slash would double up.
        Ok(C::from_parts(base_url.trim_end_matches('/'), http, runtime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Fake {
        base_url: String,
        #[allow(dead_code)] // read through Debug, which must not show the key
        runtime: Runtime,
    }

    static DEFAULTS: VendorDefaults = VendorDefaults {
        base_url: "https://api.example.com/v1",
        env_prefix: "FAKE",
        auth_schemes: &[AuthScheme::Header("x-api-key"), AuthScheme::Bearer],
        envelope: None,
        security: &[&[AuthScheme::Header("x-api-key")], &[AuthScheme::Bearer]],
    };

    impl FromParts for Fake {
        const DEFAULTS: &'static VendorDefaults = &DEFAULTS;
        fn from_parts(base_url: &str, _http: reqwest::Client, runtime: Runtime) -> Self {
            Fake {
                base_url: base_url.into(),
                runtime,
            }
        }
    }

    /// A vendor whose `apiKey` scheme names a header HTTP cannot carry.
    #[derive(Debug)]
    struct BadHeader;

    static BAD_HEADER: VendorDefaults = VendorDefaults {
        auth_schemes: &[AuthScheme::Header("x api key")],
        security: &[&[AuthScheme::Header("x api key")]],
        ..DEFAULTS
    };

    impl FromParts for BadHeader {
        const DEFAULTS: &'static VendorDefaults = &BAD_HEADER;
        fn from_parts(_: &str, _: reqwest::Client, _: Runtime) -> Self {
            BadHeader
        }
    }

    #[test]
    fn from_env_needs_the_key_and_may_override_the_base_url() {
        let missing = ClientConfig::<Fake>::default()
            .from_lookup(|_| None)
            .unwrap_err();
        assert_eq!(
            missing,
            ConfigError::MissingApiKey {
                variable: "FAKE_API_KEY".into()
            }
        );
        assert!(missing.to_string().contains("FAKE_API_KEY"));
        let empty = ClientConfig::<Fake>::default()
            .from_lookup(|_| Some(" ".into()))
            .unwrap_err();
        assert!(matches!(empty, ConfigError::MissingApiKey { .. }));
        let fake = ClientConfig::<Fake>::default()
            .from_lookup(|v| match v {
                "FAKE_API_KEY" => Some("sk-secret".into()),
                "FAKE_BASE_URL" => Some("http://127.0.0.1:9/".into()),
                _ => None,
            })
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(fake.base_url, "http://127.0.0.1:9");
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        let config = ClientConfig::<Fake>::default().api_key("sk-secret-123");
        assert!(!format!("{config:?}").contains("sk-secret-123"));
        let fake = config.build().unwrap();
        assert!(!format!("{fake:?}").contains("sk-secret-123"), "{fake:?}");
    }

    #[test]
    fn bad_inputs_are_config_errors() {
        assert_eq!(
            ClientConfig::<Fake>::default().build().unwrap_err(),
            ConfigError::NoApiKey
        );
        let e = ClientConfig::<Fake>::default()
            .api_key("k")
            .base_url("ftp://x")
            .build()
            .unwrap_err();
        assert!(matches!(e, ConfigError::InvalidBaseUrl { .. }));
        let e = ClientConfig::<Fake>::default()
            .api_key("k\n")
            .build()
            .unwrap_err();
        assert_eq!(e, ConfigError::InvalidApiKey);
        let e = ClientConfig::<Fake>::default()
            .api_key("k")
            .auth_scheme(AuthScheme::Header("other"))
            .build()
            .unwrap_err();
        assert!(matches!(e, ConfigError::AuthSchemeNotInSpec(_)));
        // A Bearer key is checked as the whole header value it becomes.
        let e = ClientConfig::<Fake>::default()
            .api_key("k\r")
            .auth_scheme(AuthScheme::Bearer)
            .build()
            .unwrap_err();
        assert_eq!(e, ConfigError::InvalidApiKey);
        let e = ClientConfig::<BadHeader>::default()
            .api_key("k")
            .build()
            .unwrap_err();
        assert_eq!(e, ConfigError::InvalidAuthHeaderName("x api key"));
    }
}
