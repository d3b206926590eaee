//! A 200 MB upload streamed from a file and a 200 MB download saved to a file, against a
//! loopback server, in this test's own process: peak memory (VmHWM, reset first) stays within
//! 64 MiB of what the process held before. Both sides stream; nothing holds the whole body.

use std::io::Write;

use openapi_sdk_runtime::__private::{
    FromParts, Operation, Request, Runtime, Status, VendorDefaults,
};
use openapi_sdk_runtime::{ClientConfig, FilePart, SaveTo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SIZE: u64 = 200 * 1024 * 1024;

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

static UPLOAD: Operation = Operation {
    id: "upload",
    method: reqwest::Method::POST,
    path: "/upload",
    success: &[Status::Code(201)],
    errors: &[],
    accept: "application/json",
    security: None,
    stream: false,
};

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

/// `VmRSS` or `VmHWM` of this process, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Answers `/upload` after reading (and counting, not keeping) its body, `/download` with
/// `SIZE` bytes written in chunks; returns the base URL and the upload's byte count.
async fn serve() -> (String, tokio::sync::oneshot::Receiver<u64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let mut tx = Some(tx);
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                stream.read_exact(&mut byte).await.unwrap();
                head.push(byte[0]);
            }
            let head = String::from_utf8(head).unwrap().to_ascii_lowercase();
            if head.starts_with("post /upload") {
                let length: u64 = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap();
                let mut buf = vec![0u8; 64 * 1024];
                let mut read = 0u64;
                while read < length {
                    let n = stream.read(&mut buf).await.unwrap();
                    assert!(n > 0);
                    read += n as u64;
                }
                stream
                    .write_all(b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
                    .await
                    .unwrap();
                if let Some(tx) = tx.take() {
                    tx.send(read).unwrap();
                }
            } else {
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {SIZE}\r\nconnection: close\r\n\r\n"
                );
                stream.write_all(answer.as_bytes()).await.unwrap();
                let chunk = vec![7u8; 64 * 1024];
                let mut sent = 0u64;
                while sent < SIZE {
                    stream.write_all(&chunk).await.unwrap();
                    sent += chunk.len() as u64;
                }
            }
        }
    });
    (url, rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mb_upload_and_download_stream_in_flat_memory() {
    let dir =
        std::env::temp_dir().join(format!("openapi-sdk-runtime-large-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("upload.bin");
    {
        let mut file = std::fs::File::create(&source).unwrap();
        let chunk = vec![3u8; 1024 * 1024];
        for _ in 0..SIZE / chunk.len() as u64 {
            file.write_all(&chunk).unwrap();
        }
    }
    let (url, uploaded) = serve().await;
    let client = ClientConfig::<Fake>::default()
        .base_url(url)
        .build()
        .unwrap();

    // Resets the peak (VmHWM) to the current RSS (Linux's clear_refs, value 5); where that is
    // not allowed, the peak so far is the baseline (a stricter bound: growth is then measured
    // from a higher point only if the process once held more).
    let baseline = match std::fs::write("/proc/self/clear_refs", "5") {
        Ok(()) => status_kib("VmRSS:"),
        Err(_) => status_kib("VmHWM:"),
    };

    let mut request = Request::new(&UPLOAD, &client.base);
    request.path("/upload");
    request.multipart_file("file", FilePart::path(&source));
    client
        .runtime
        .send_json::<serde_json::Value, ()>(&client.http, request)
        .await
        .unwrap();
    let form_overhead = uploaded.await.unwrap() - SIZE;
    assert!(
        form_overhead < 1024,
        "the whole file was sent: {form_overhead}"
    );

    let mut request = Request::new(&DOWNLOAD, &client.base);
    request.path("/download");
    let response = client
        .runtime
        .send_stream::<()>(&client.http, request)
        .await
        .unwrap();
    let target = dir.join("download.bin");
    assert_eq!(response.save_to(&target).await.unwrap(), SIZE);
    assert_eq!(std::fs::metadata(&target).unwrap().len(), SIZE);

    let peak = status_kib("VmHWM:");
    std::fs::remove_dir_all(&dir).unwrap();
    let grew = peak.saturating_sub(baseline);
    println!(
        "baseline RSS {} MiB, peak {} MiB, growth {} MiB over a {} MiB upload and a {} MiB download",
        baseline / 1024,
        peak / 1024,
        grew / 1024,
        SIZE >> 20,
        SIZE >> 20
    );
    assert!(grew < 64 * 1024, "peak memory grew by {grew} KiB");
}
