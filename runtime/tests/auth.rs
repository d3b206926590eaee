//! Every security scheme against a loopback server: what each puts on the wire, alternatives
//! and combinations of a requirement, an operation that turns security off, a token provider
//! asked again after a 401, and an OAuth2 token endpoint called once and its token reused.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use openapi_sdk_runtime::__private::{
    FromParts, Operation, Request, Runtime, Status, VendorDefaults,
};
use openapi_sdk_runtime::{AuthScheme, ClientConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A client of the fake API: its base URL, HTTP client and runtime.
struct Fake {
    base: String,
    http: reqwest::Client,
    runtime: Runtime,
}

macro_rules! vendor {
    ($name:ident, $schemes:expr, $security:expr) => {
        struct $name(Fake);
        impl FromParts for $name {
            const DEFAULTS: &'static VendorDefaults = &VendorDefaults {
                base_url: "http://127.0.0.1:9",
                env_prefix: "FAKE",
                auth_schemes: $schemes,
                envelope: None,
                security: $security,
            };
            fn from_parts(base: &str, http: reqwest::Client, runtime: Runtime) -> Self {
                $name(Fake {
                    base: base.to_string(),
                    http,
                    runtime,
                })
            }
        }
    };
}

const QUERY: AuthScheme = AuthScheme::Query("api_key");
const COOKIE: AuthScheme = AuthScheme::Cookie("session");
const HEADER: AuthScheme = AuthScheme::Header("x-api-key");
/// A token URL relative to the server, as OpenAPI 3.1 allows (here: the loopback server's).
const OAUTH: AuthScheme = AuthScheme::OAuth2 {
    token_url: "/token",
    scopes: &["read", "write"],
};

vendor!(Keys, &[QUERY, COOKIE], &[&[QUERY, COOKIE]]);
vendor!(
    Basic,
    &[AuthScheme::Basic, HEADER],
    &[&[AuthScheme::Basic], &[HEADER]]
);
vendor!(Bearer, &[AuthScheme::Bearer], &[&[AuthScheme::Bearer]]);

static GET: Operation = Operation {
    id: "get_thing",
    method: reqwest::Method::GET,
    path: "/thing",
    success: &[Status::Code(200)],
    errors: &[],
    accept: "application/json",
    security: None,
    stream: false,
};

static PUBLIC: Operation = Operation {
    id: "health",
    method: reqwest::Method::GET,
    path: "/health",
    success: &[Status::Code(200)],
    errors: &[],
    accept: "application/json",
    security: Some(&[]),
    stream: false,
};

/// A server answering `/token` with a token (counting calls) and everything else with the
/// statuses in turn (the last repeats); records each request's head.
async fn serve(statuses: &'static [u16]) -> (String, Arc<Mutex<Vec<String>>>, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let tokens = Arc::new(AtomicUsize::new(0));
    let (log, count) = (seen.clone(), tokens.clone());
    tokio::spawn(async move {
        let mut answered = 0usize;
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut raw = Vec::new();
            let mut buf = [0u8; 4096];
            let end = loop {
                let n = stream.read(&mut buf).await.unwrap();
                raw.extend_from_slice(&buf[..n]);
                if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                    break at + 4;
                }
            };
            let head = String::from_utf8_lossy(&raw[..end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length: ")
                        .map(str::to_string)
                })
                .map_or(0, |v| v.trim().parse().unwrap());
            while raw.len() < end + length {
                let n = stream.read(&mut buf).await.unwrap();
                raw.extend_from_slice(&buf[..n]);
            }
            let (status, body) = if head.starts_with("POST /token ") {
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                let form = String::from_utf8_lossy(&raw[end..]).into_owned();
                log.lock().unwrap().push(format!("{head}{form}"));
                (
                    200,
                    format!(r#"{{"access_token":"tok-{n}","expires_in":3600}}"#),
                )
            } else {
                log.lock().unwrap().push(head);
                let status = statuses[answered.min(statuses.len() - 1)];
                answered += 1;
                (status, "{}".to_string())
            };
            let answer = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(answer.as_bytes()).await.unwrap();
        }
    });
    (url, seen, tokens)
}

async fn get(client: &Fake, op: &'static Operation) -> Result<(), openapi_sdk_runtime::Error> {
    let mut request = Request::new(op, &client.base);
    request.path(op.path);
    client
        .runtime
        .send_json::<serde_json::Value, ()>(&client.http, request)
        .await
        .map(|_| ())
}

#[tokio::test]
async fn query_and_cookie_keys_are_sent_together() {
    let (url, seen, _) = serve(&[200]).await;
    let Keys(client) = ClientConfig::<Keys>::default()
        .api_key("k 1")
        .base_url(url)
        .build()
        .unwrap();
    get(&client, &GET).await.unwrap();
    let head = seen.lock().unwrap()[0].clone();
    assert!(
        head.starts_with("GET /thing?api_key=k+1 HTTP/1.1\r\n"),
        "{head}"
    );
    assert!(head.contains("cookie: session=k+1\r\n"), "{head}");
}

#[tokio::test]
async fn basic_is_chosen_when_its_credentials_are_given_and_security_can_be_off() {
    let (url, seen, _) = serve(&[200]).await;
    let Basic(client) = ClientConfig::<Basic>::default()
        .basic_auth("ann", "s3cret")
        .base_url(url.clone())
        .build()
        .unwrap();
    get(&client, &GET).await.unwrap();
    get(&client, &PUBLIC).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    // base64("ann:s3cret")
    assert!(
        seen[0].contains("authorization: Basic YW5uOnMzY3JldA==\r\n"),
        "{}",
        seen[0]
    );
    assert!(
        !seen[1].contains("authorization"),
        "security: [] sends none: {}",
        seen[1]
    );

    // The other alternative: the header key.
    let (url, seen, _) = serve(&[200]).await;
    let Basic(client) = ClientConfig::<Basic>::default()
        .api_key("k-2")
        .base_url(url)
        .build()
        .unwrap();
    get(&client, &GET).await.unwrap();
    let head = seen.lock().unwrap()[0].clone();
    assert!(
        head.contains("x-api-key: k-2\r\n") && !head.contains("authorization"),
        "{head}"
    );

    // Neither: a configuration error before anything is sent.
    assert!(matches!(
        ClientConfig::<Basic>::default().build().err(),
        Some(openapi_sdk_runtime::ConfigError::NoApiKey)
    ));
}

#[tokio::test]
async fn a_token_provider_is_asked_again_once_after_a_401() {
    let (url, seen, _) = serve(&[401, 200]).await;
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let Bearer(client) = ClientConfig::<Bearer>::default()
        .token_provider(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok(format!("t{n}")) }
        })
        .base_url(url)
        .build()
        .unwrap();
    get(&client, &GET).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    assert!(
        seen[0].contains("authorization: Bearer t1\r\n"),
        "{}",
        seen[0]
    );
    assert!(
        seen[1].contains("authorization: Bearer t2\r\n"),
        "{}",
        seen[1]
    );
}

vendor!(OAuth, &[OAUTH], &[&[OAUTH]]);

#[tokio::test]
async fn an_oauth2_token_is_fetched_once_and_reused() {
    let (url, seen, tokens) = serve(&[200]).await;
    let OAuth(client) = ClientConfig::<OAuth>::default()
        .client_credentials("app", "shh")
        .base_url(url)
        .build()
        .unwrap();
    get(&client, &GET).await.unwrap();
    get(&client, &GET).await.unwrap();
    assert_eq!(tokens.load(Ordering::SeqCst), 1, "the token is reused");
    let seen = seen.lock().unwrap().clone();
    assert!(seen[0].starts_with("POST /token "), "{}", seen[0]);
    assert!(
        seen[0].ends_with(
            "grant_type=client_credentials&client_id=app&client_secret=shh&scope=read+write"
        ),
        "{}",
        seen[0]
    );
    for call in &seen[1..] {
        assert!(call.contains("authorization: Bearer tok-1\r\n"), "{call}");
    }
}
