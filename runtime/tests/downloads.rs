//! Downloads (operations whose success streams) are bounded by the idle timeout between reads,
//! not by the per-attempt timeout: a slow but steady download finishes, a stalled one fails.

use std::time::Duration;

use openapi_sdk_runtime::__private::{
    FromParts, Operation, Request, Runtime, Status, VendorDefaults,
};
use openapi_sdk_runtime::{ClientConfig, SaveTo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Fake {
    base: String,
    http: reqwest::Client,
    runtime: Runtime,
}

impl FromParts for Fake {
    const DEFAULTS: &'static VendorDefaults = &VendorDefaults {
        base_url: "http://127.0.0.1:9",
        env_prefix: "FAKE",
        auth_schemes: &[],
        envelope: None,
        security: &[],
    };
    fn from_parts(base: &str, http: reqwest::Client, runtime: Runtime) -> Self {
        Fake {
            base: base.to_string(),
            http,
            runtime,
        }
    }
}

static DOWNLOAD: Operation = Operation {
    id: "download",
    method: reqwest::Method::GET,
    path: "/download",
    success: &[Status::Code(200)],
    errors: &[],
    accept: "application/octet-stream",
    security: None,
    stream: true,
};

/// Sends a 10-chunk body, one chunk every `gap`.
async fn trickle(gap: Duration) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = stream.read(&mut buf).await.unwrap();
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 10\r\n\r\n")
            .await
            .unwrap();
        for _ in 0..10 {
            tokio::time::sleep(gap).await;
            if stream.write_all(b"x").await.is_err() {
                return;
            }
        }
    });
    url
}

fn client(url: String) -> Fake {
    ClientConfig::<Fake>::default()
        .base_url(url)
        .timeout(Duration::from_millis(300))
        .idle_timeout(Duration::from_millis(400))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_steady_download_outlasts_the_attempt_timeout() {
    // 10 chunks 100 ms apart: 1 s in all, over three times the 300 ms attempt timeout.
    let client = client(trickle(Duration::from_millis(100)).await);
    let mut request = Request::new(&DOWNLOAD, &client.base);
    request.path("/download");
    let response = client
        .runtime
        .send_stream::<()>(&client.http, request)
        .await
        .unwrap();
    let target =
        std::env::temp_dir().join(format!("openapi-sdk-runtime-steady-{}", std::process::id()));
    assert_eq!(response.save_to(&target).await.unwrap(), 10);
    std::fs::remove_file(&target).unwrap();
}

#[tokio::test]
async fn a_stalled_download_fails_after_the_idle_timeout() {
    // One chunk, then silence longer than the 400 ms idle timeout.
    let client = client(trickle(Duration::from_millis(900)).await);
    let mut request = Request::new(&DOWNLOAD, &client.base);
    request.path("/download");
    let response = client
        .runtime
        .send_stream::<()>(&client.http, request)
        .await
        .unwrap();
    let target = std::env::temp_dir().join(format!(
        "openapi-sdk-runtime-stalled-{}",
        std::process::id()
    ));
    let error = response.save_to(&target).await.unwrap_err();
    let _ = std::fs::remove_file(&target);
    assert_eq!(error.kind(), std::io::ErrorKind::TimedOut, "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
}
