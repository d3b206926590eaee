//! Per-request overhead of a generated client against a hand-written reqwest call: both make
//! 1000 sequential GETs to the same loopback server and decode the same type. Rounds alternate
//! so machine noise hits both; the medians and their ratio are printed.
//!
//!     cargo bench -p workspace-tests --bench request_overhead

use std::time::{Duration, Instant};

use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const REQUESTS: usize = 1000;
const ROUNDS: usize = 7;

/// `BENCH_ONLY=generated` or `raw` runs one side only, `BENCH_REQUESTS` sets the count: for
/// counting instructions with callgrind, one side per process.
fn setting(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = MockServer::start().await;
    let body = json!({"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "name": "n", "status": "IDLE", "createdAt": "2023-11-07T05:31:56Z"});
    Mock::given(path("/avatars/a1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let generated = argil_client::Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .build()
        .unwrap();
    // The same TLS set-up as the generated client (only plain http is used here).
    let raw = sdk_runtime::http_client_builder().unwrap().build().unwrap();
    let url = format!("{}/avatars/a1", server.uri());
    let generated_calls = |n: usize| {
        let generated = &generated;
        async move {
            for _ in 0..n {
                std::hint::black_box(
                    generated
                        .get_avatar()
                        .id("a1")
                        .send()
                        .await
                        .unwrap()
                        .into_inner(),
                );
            }
        }
    };
    let raw_calls = |n: usize| {
        let (raw, url) = (&raw, &url);
        async move {
            for _ in 0..n {
                let response = raw
                    .get(url)
                    .header("x-api-key", "k")
                    .send()
                    .await
                    .unwrap()
                    .error_for_status()
                    .unwrap();
                let avatar: argil_client::types::Avatar = response.json().await.unwrap();
                std::hint::black_box(avatar);
            }
        }
    };

    if let Some(side) = setting("BENCH_ONLY") {
        let n: usize = setting("BENCH_REQUESTS")
            .and_then(|v| v.parse().ok())
            .unwrap_or(REQUESTS);
        match side.as_str() {
            "generated" => generated_calls(n).await,
            _ => raw_calls(n).await,
        }
        return;
    }
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let start = Instant::now();
        generated_calls(REQUESTS).await;
        ours.push(start.elapsed());
        let start = Instant::now();
        raw_calls(REQUESTS).await;
        theirs.push(start.elapsed());
    }
    let (ours, theirs) = (median(ours), median(theirs));
    println!("{REQUESTS} sequential requests, median of {ROUNDS} alternating rounds:");
    println!(
        "  generated client: {:.1} ms ({:.1} us/request)",
        ours.as_secs_f64() * 1e3,
        ours.as_secs_f64() * 1e6 / REQUESTS as f64
    );
    println!(
        "  raw reqwest:      {:.1} ms ({:.1} us/request)",
        theirs.as_secs_f64() * 1e3,
        theirs.as_secs_f64() * 1e6 / REQUESTS as f64
    );
    println!("  ratio: {:.3}", ours.as_secs_f64() / theirs.as_secs_f64());
}
