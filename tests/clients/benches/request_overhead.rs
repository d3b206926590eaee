//! Per-request overhead of a generated client against a hand-written reqwest call: each side
//! makes 1000 sequential GETs to the same loopback server and decodes the same type. Rounds
//! alternate so machine noise hits every side; the medians and their ratios are printed.
//!
//!     cargo bench -p client-tests --bench request_overhead
//!
//! Two raw sides: bare `reqwest` as most hand-written calls are, and `reqwest` with the
//! generated client's default timeouts (10 s to connect, 60 s per attempt), which cost a timer
//! per request; the second ratio is the overhead of the generated code alone.

use std::time::{Duration, Instant};

use serde_json::json;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const REQUESTS: usize = 1000;
const ROUNDS: usize = 7;
/// Argil's avatar ids are UUIDs: the generated builder parses the id (an invalid one is an error).
const ID: &str = "3c90c3cc-0d44-4b50-8888-8dd25736052a";

/// `BENCH_ONLY=generated`, `raw` or `raw-timeouts` runs one side only, `BENCH_REQUESTS` sets the
/// count: for counting instructions with callgrind, one side per process.
fn setting(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Generated,
    Raw,
    RawWithTimeouts,
}

impl Side {
    const ALL: [Side; 3] = [Side::Generated, Side::Raw, Side::RawWithTimeouts];

    fn name(self) -> &'static str {
        match self {
            Side::Generated => "generated",
            Side::Raw => "raw",
            Side::RawWithTimeouts => "raw-timeouts",
        }
    }
}

struct Sides {
    generated: argil_client::Client,
    raw: reqwest::Client,
    raw_with_timeouts: reqwest::Client,
    base: String,
}

impl Sides {
    async fn calls(&self, side: Side, n: usize) {
        for _ in 0..n {
            let avatar = match side {
                Side::Generated => self
                    .generated
                    .get_avatar()
                    .id(ID)
                    .send()
                    .await
                    .unwrap()
                    .into_inner(),
                Side::Raw => raw_call(&self.raw, &self.base, ID).await,
                Side::RawWithTimeouts => raw_call(&self.raw_with_timeouts, &self.base, ID).await,
            };
            std::hint::black_box(avatar);
        }
    }
}

/// What a hand-written call to `GET /avatars/{id}` does: format the URL, send with the key,
/// check the status, decode.
async fn raw_call(http: &reqwest::Client, base: &str, id: &str) -> argil_client::types::Avatar {
    http.get(format!("{base}/avatars/{id}"))
        .header("x-api-key", "k")
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = MockServer::start().await;
    let body = json!({"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "name": "n", "status": "IDLE", "createdAt": "2023-11-07T05:31:56Z"});
    Mock::given(path(format!("/avatars/{ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    // Both raw clients get the same TLS set-up as the generated one (only plain http is used).
    let sides = Sides {
        generated: argil_client::Client::builder()
            .api_key("k")
            .base_url(server.uri())
            .build()
            .unwrap(),
        raw: openapi_sdk_runtime::http_client_builder()
            .unwrap()
            .build()
            .unwrap(),
        raw_with_timeouts: openapi_sdk_runtime::http_client_builder()
            .unwrap()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap(),
        base: server.uri(),
    };

    if let Some(only) = setting("BENCH_ONLY") {
        let n: usize = setting("BENCH_REQUESTS")
            .and_then(|v| v.parse().ok())
            .unwrap_or(REQUESTS);
        let side = Side::ALL
            .into_iter()
            .find(|s| s.name() == only)
            .expect("BENCH_ONLY is generated, raw or raw-timeouts");
        sides.calls(side, n).await;
        return;
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); Side::ALL.len()];
    for _ in 0..ROUNDS {
        for (i, side) in Side::ALL.into_iter().enumerate() {
            let start = Instant::now();
            sides.calls(side, REQUESTS).await;
            times[i].push(start.elapsed());
        }
    }
    let medians: Vec<Duration> = times.into_iter().map(median).collect();
    println!("{REQUESTS} sequential requests, median of {ROUNDS} alternating rounds:");
    for (side, time) in Side::ALL.into_iter().zip(&medians) {
        println!(
            "  {:<13} {:.1} ms ({:.1} us/request)",
            side.name(),
            time.as_secs_f64() * 1e3,
            time.as_secs_f64() * 1e6 / REQUESTS as f64
        );
    }
    let ratio = |i: usize| medians[0].as_secs_f64() / medians[i].as_secs_f64();
    println!("  ratio generated / raw:          {:.3}", ratio(1));
    println!("  ratio generated / raw-timeouts: {:.3}", ratio(2));
}
