//! Compiled into the crate generated from tests/fixtures/wire (by tests/wire.rs): each test calls
//! one operation against a loopback server that records the request as it arrived, and asserts
//! the request line, the headers and the body, byte for byte where the spec fixes them.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wire_client::Client;

/// A request as the server read it: the head (request line and headers, lower-cased names) and
/// the body.
struct Seen {
    line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A server answering one request with `status`, `content_type` and `body`; the handle yields
/// what it received.
async fn serve(
    status: u16,
    content_type: &'static str,
    body: &'static [u8],
) -> (Client, tokio::task::JoinHandle<Seen>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut raw = Vec::new();
        let mut buf = [0u8; 8192];
        let end = loop {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "connection closed before the head ended");
            raw.extend_from_slice(&buf[..n]);
            if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
        };
        let head = String::from_utf8(raw[..end].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let line = lines.next().unwrap().to_string();
        let headers: Vec<(String, String)> = lines
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (n, v) = l.split_once(':').unwrap();
                (n.trim().to_ascii_lowercase(), v.trim().to_string())
            })
            .collect();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map_or(0, |(_, v)| v.parse().unwrap());
        while raw.len() < end + length {
            let n = stream.read(&mut buf).await.unwrap();
            raw.extend_from_slice(&buf[..n]);
        }
        let answer = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(answer.as_bytes()).await.unwrap();
        stream.write_all(body).await.unwrap();
        Seen {
            line,
            headers,
            body: raw[end..end + length].to_vec(),
        }
    });
    let client = Client::builder().base_url(url).build().unwrap();
    (client, handle)
}

async fn read_all(body: wire_client::ByteStream) -> Vec<u8> {
    use futures_core::Stream;
    let mut inner = body.into_inner();
    let mut out = Vec::new();
    while let Some(chunk) = std::future::poll_fn(|cx| inner.as_mut().poll_next(cx)).await {
        out.extend_from_slice(&chunk.unwrap());
    }
    out
}

#[tokio::test]
async fn nullable_optional_headers_and_a_deep_object_query() {
    let (client, seen) = serve(200, "application/json", br#"{"count":2}"#).await;
    let filter = wire_client::types::ListEventsFilter::builder()
        .limit(5)
        .status("open now");
    let response = client
        .list_events()
        .last_event_id("ev-41")
        .filter(filter)
        .send()
        .await
        .unwrap();
    assert_eq!(response.into_inner().count, Some(2));
    let seen = seen.await.unwrap();
    assert_eq!(
        seen.line,
        "GET /api/events?filter%5Blimit%5D=5&filter%5Bstatus%5D=open+now HTTP/1.1"
    );
    assert_eq!(seen.header("last-event-id"), Some("ev-41"));
    // Unset, the other nullable header is not sent at all (neither empty nor "null").
    assert_eq!(seen.header("x-trace"), None);
    assert_eq!(seen.header("accept"), Some("application/json"));

    let (client, seen) = serve(200, "application/json", b"{}").await;
    client.list_events().x_trace("t-1").send().await.unwrap();
    let seen = seen.await.unwrap();
    assert_eq!(seen.line, "GET /api/events HTTP/1.1");
    assert_eq!(seen.header("x-trace"), Some("t-1"));
    assert_eq!(seen.header("last-event-id"), None);
}

#[tokio::test]
async fn matrix_path_parameters_of_every_shape() {
    let (client, seen) = serve(204, "text/plain", b"").await;
    client
        .get_matrix()
        .id(7)
        .tags(vec!["a".to_string(), "b c".to_string()])
        .point(wire_client::types::Point::builder().x(1).y(2))
        .send()
        .await
        .unwrap();
    assert_eq!(
        seen.await.unwrap().line,
        "GET /api/matrix/;id=7/;tags=a;tags=b%20c/;point=x,1,y,2 HTTP/1.1"
    );
}

#[tokio::test]
async fn label_path_parameters_of_every_shape() {
    let (client, seen) = serve(204, "text/plain", b"").await;
    client
        .get_label()
        .id(7)
        .tags(vec!["a".to_string(), "b.c".to_string()])
        .point(wire_client::types::Point::builder().x(1).y(2))
        .send()
        .await
        .unwrap();
    assert_eq!(
        seen.await.unwrap().line,
        "GET /api/label/.7/.a,b%2Ec/.x=1.y=2 HTTP/1.1"
    );
}

#[tokio::test]
async fn a_path_parameter_declared_on_the_path_item() {
    let (client, seen) = serve(204, "text/plain", b"").await;
    client.delete_item().item_id("it/9").send().await.unwrap();
    assert_eq!(seen.await.unwrap().line, "DELETE /api/items/it%2F9 HTTP/1.1");
}

/// `requestBody: {content: {}}` names nothing to send: the request goes without a body.
#[tokio::test]
async fn a_body_without_media_types_sends_none() {
    let (client, seen) = serve(204, "text/plain", b"").await;
    client.touch().send().await.unwrap();
    let seen = seen.await.unwrap();
    assert_eq!(seen.line, "POST /api/touch HTTP/1.1");
    assert!(seen.body.is_empty());
    assert_eq!(seen.header("content-type"), None);
}

#[tokio::test]
async fn text_bodies_and_responses() {
    let (client, seen) = serve(200, "text/plain", b"stored: hello").await;
    let response = client.put_note().body("hello\nworld").send().await.unwrap();
    assert_eq!(read_all(response.into_inner()).await, b"stored: hello");
    let seen = seen.await.unwrap();
    assert_eq!(seen.line, "PUT /api/notes HTTP/1.1");
    assert_eq!(seen.header("content-type"), Some("text/plain"));
    assert_eq!(seen.header("accept"), Some("text/plain"));
    assert_eq!(seen.body, b"hello\nworld");
}

#[tokio::test]
async fn octet_stream_bodies_and_responses() {
    let (client, seen) = serve(200, "application/octet-stream", b"\x00\x01\xffback").await;
    let response = client
        .put_blob()
        .body(vec![0u8, 1, 2, 255])
        .send()
        .await
        .unwrap();
    assert_eq!(read_all(response.into_inner()).await, b"\x00\x01\xffback");
    let seen = seen.await.unwrap();
    assert_eq!(seen.header("content-type"), Some("application/octet-stream"));
    assert_eq!(seen.body, [0u8, 1, 2, 255]);
}

/// A raw body streamed from a file (`body_file`), and a streamed response saved to a file.
#[tokio::test]
async fn octet_stream_bodies_from_and_to_files() {
    use wire_client::SaveTo;
    let dir = std::env::temp_dir().join(format!("wire-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let upload = dir.join("up.bin");
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&upload, &bytes).unwrap();
    let (client, seen) = serve(200, "application/octet-stream", b"downloaded bytes").await;
    let sent = Arc::new(Mutex::new(0u64));
    let progress = sent.clone();
    let response = client
        .put_blob()
        .body_file(
            wire_client::FilePart::path(&upload)
                .on_progress(move |done, _| *progress.lock().unwrap() = done),
        )
        .send()
        .await
        .unwrap();
    let download = dir.join("down.bin");
    assert_eq!(response.save_to(&download).await.unwrap(), 16);
    assert_eq!(std::fs::read(&download).unwrap(), b"downloaded bytes");
    let seen = seen.await.unwrap();
    assert_eq!(seen.header("content-length"), Some("200000"));
    assert_eq!(seen.body, bytes);
    assert_eq!(*sent.lock().unwrap(), 200_000);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_form_urlencoded_body() {
    let (client, seen) = serve(204, "text/plain", b"").await;
    client
        .login()
        .body_map(|b| b.user("ann & bob").remember(true))
        .send()
        .await
        .unwrap();
    let seen = seen.await.unwrap();
    assert_eq!(
        seen.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8(seen.body).unwrap(),
        "remember=true&user=ann+%26+bob"
    );
}

/// A subscriber that keeps what it prints, to read the request span's fields.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_multipart_form_sends_its_header_and_cookie_parameters_and_is_traced_by_template() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (client, seen) = serve(201, "application/json", br#"{"id":"u1"}"#).await;
    let response = client
        .upload()
        .folder("inbox")
        .x_request_id("req-7")
        .session("s 1;x")
        .file(wire_client::FilePart::bytes(b"PNG".to_vec()).file_name("a.png"))
        .caption("hi")
        .send()
        .await
        .unwrap();
    assert_eq!(response.into_inner().id.as_deref(), Some("u1"));
    let seen = seen.await.unwrap();
    assert_eq!(seen.line, "POST /api/uploads/inbox HTTP/1.1");
    assert_eq!(seen.header("x-request-id"), Some("req-7"));
    assert_eq!(seen.header("cookie"), Some("session=s+1%3Bx"));
    let content_type = seen.header("content-type").unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let body = String::from_utf8_lossy(&seen.body);
    assert!(
        body.contains("Content-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n"),
        "{body}"
    );
    assert!(
        body.contains("Content-Disposition: form-data; name=\"caption\"\r\n\r\nhi\r\n"),
        "{body}"
    );
    let traced = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        traced.contains("operation=\"upload\"")
            && traced.contains("url.template=\"/uploads/{folder}\""),
        "{traced}"
    );
}

/// A required multipart field left unset fails before anything is sent.
#[tokio::test]
async fn a_missing_required_part_is_refused_unsent() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let error = client
        .upload()
        .folder("inbox")
        .x_request_id("r")
        .session("s")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid request, not sent: file is required"
    );
}
