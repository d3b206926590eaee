//! Compiled into the crate generated from tests/fixtures/auth (by tests/wire.rs): the client
//! authenticates each operation as its security requirement says, against a loopback server
//! that records every request's head.

use std::sync::{Arc, Mutex};

use auth_client::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A server answering `/oauth/token` with a token and everything else with `status`; returns
/// its URL and the heads (and token request bodies) it saw.
async fn serve(status: u16) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        let mut tokens = 0;
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
            let head = String::from_utf8_lossy(&raw[..end]).to_string();
            let length: usize = head
                .to_ascii_lowercase()
                .lines()
                .find_map(|l| l.strip_prefix("content-length: ").map(|v| v.trim().parse().unwrap()))
                .unwrap_or(0);
            while raw.len() < end + length {
                let n = stream.read(&mut buf).await.unwrap();
                raw.extend_from_slice(&buf[..n]);
            }
            let body = String::from_utf8_lossy(&raw[end..]).to_string();
            let (code, answer) = if head.starts_with("POST /oauth/token ") {
                tokens += 1;
                (200, format!(r#"{{"access_token":"tok-{tokens}","expires_in":600}}"#))
            } else {
                (status, r#"{"name":"ann"}"#.to_string())
            };
            log.lock().unwrap().push(format!("{head}{body}"));
            let reply = format!(
                "HTTP/1.1 {code} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                answer.len()
            );
            stream.write_all(reply.as_bytes()).await.unwrap();
        }
    });
    (url, seen)
}

#[tokio::test]
async fn basic_credentials_go_where_the_requirement_takes_them() {
    let (url, seen) = serve(200).await;
    let client = Client::builder()
        .basic_auth("ann", "s3cret")
        .base_url(url)
        .build()
        .unwrap();
    client.get_me().send().await.unwrap();
    let head = seen.lock().unwrap()[0].clone();
    assert!(head.starts_with("GET /me HTTP/1.1\r\n"), "{head}");
    assert!(head.contains("authorization: Basic YW5uOnMzY3JldA==\r\n"), "{head}");
}

#[tokio::test]
async fn the_other_alternative_sends_the_query_and_cookie_keys_together() {
    let (url, seen) = serve(200).await;
    let client = Client::builder().api_key("k-9").base_url(url).build().unwrap();
    client.get_me().send().await.unwrap();
    let head = seen.lock().unwrap()[0].clone();
    assert!(head.starts_with("GET /me?api_key=k-9 HTTP/1.1\r\n"), "{head}");
    assert!(head.contains("cookie: sid=k-9\r\n"), "{head}");
    assert!(!head.contains("authorization"), "{head}");
}

#[tokio::test]
async fn an_operation_without_security_sends_no_credentials() {
    let (url, seen) = serve(204).await;
    let client = Client::builder()
        .basic_auth("ann", "s3cret")
        .base_url(url)
        .build()
        .unwrap();
    client.health().send().await.unwrap();
    let head = seen.lock().unwrap()[0].clone();
    assert!(head.starts_with("GET /health HTTP/1.1\r\n") && !head.contains("authorization"), "{head}");
}

#[tokio::test]
async fn the_oauth2_token_is_fetched_once_with_the_scopes_and_reused() {
    let (url, seen) = serve(204).await;
    let client = Client::builder()
        .basic_auth("ann", "s3cret")
        .client_credentials("app", "shh")
        .base_url(url)
        .build()
        .unwrap();
    client.list_reports().send().await.unwrap();
    client.list_reports().send().await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "one token request, two calls: {seen:#?}");
    assert!(seen[0].starts_with("POST /oauth/token HTTP/1.1\r\n"), "{}", seen[0]);
    assert!(
        seen[0].ends_with("grant_type=client_credentials&client_id=app&client_secret=shh&scope=reports.read"),
        "{}",
        seen[0]
    );
    for call in &seen[1..] {
        assert!(call.starts_with("GET /reports HTTP/1.1\r\n"), "{call}");
        assert!(call.contains("authorization: Bearer tok-1\r\n"), "{call}");
    }
}

#[tokio::test]
async fn an_operation_whose_credentials_are_missing_is_refused_unsent() {
    let (url, seen) = serve(204).await;
    let client = Client::builder()
        .basic_auth("ann", "s3cret")
        .base_url(url)
        .build()
        .unwrap();
    let error = client.list_reports().send().await.unwrap_err();
    assert!(
        error.to_string().contains("needs credentials the client was not given")
            && error.to_string().contains("client_credentials"),
        "{error}"
    );
    assert!(seen.lock().unwrap().is_empty());
}

#[test]
fn from_env_reads_every_credential_variable() {
    // Without any credential variable the error names the first scheme's.
    let missing = Client::builder()
        .from_lookup(|_| None)
        .unwrap_err()
        .to_string();
    assert!(missing.contains("AUTH_USERNAME"), "{missing}");
    let config = Client::builder()
        .from_lookup(|name| match name {
            "AUTH_USERNAME" => Some("ann".into()),
            "AUTH_PASSWORD" => Some("s3cret".into()),
            "AUTH_CLIENT_ID" => Some("app".into()),
            "AUTH_CLIENT_SECRET" => Some("shh".into()),
            _ => None,
        })
        .unwrap();
    let printed = format!("{config:?}");
    assert!(printed.contains("ann") && !printed.contains("s3cret") && !printed.contains("shh"), "{printed}");
    config.build().unwrap();
}
