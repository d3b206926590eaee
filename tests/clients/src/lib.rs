//! Helpers of the client tests: the workspace root, test clients of each vendor pointed at a
//! loopback server, and answering a route in turn.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    // This package lives at tests/clients.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("tests/clients has a grandparent")
        .to_path_buf()
}

/// The API key the test clients use; tests assert it never leaks.
pub const TEST_KEY: &str = "sk-test-key-6f1d2c";

/// Fast retries so retry tests take milliseconds.
pub fn fast_retries() -> openapi_sdk_runtime::RetryPolicy {
    // Set through its methods: the policy is #[non_exhaustive] (it may grow).
    openapi_sdk_runtime::RetryPolicy::default()
        .max_attempts(3)
        .max_elapsed(std::time::Duration::from_secs(10))
        .initial_delay(std::time::Duration::from_millis(10))
        .max_delay(std::time::Duration::from_millis(40))
}

macro_rules! client_for {
    ($name:ident, $krate:ident) => {
        /// A client of this vendor pointed at a loopback server.
        pub fn $name(server: &wiremock::MockServer) -> $krate::Client {
            $krate::Client::builder()
                .api_key(TEST_KEY)
                .base_url(server.uri())
                .retry_policy(fast_retries())
                .build()
                .expect("client builds")
        }
    };
}

client_for!(akool, akool_client);
client_for!(argil, argil_client);
client_for!(anam, anam_client);

/// Mounts `responses` for the requests `route` matches: each answers once, in order, and the
/// last answers every request after that (a job's statuses, a retry's failures then success).
pub async fn respond_in_turn(
    server: &wiremock::MockServer,
    route: impl Fn() -> wiremock::MockBuilder,
    responses: Vec<wiremock::ResponseTemplate>,
) {
    let last = responses.len().saturating_sub(1);
    for (i, response) in responses.into_iter().enumerate() {
        let mock = route().respond_with(response);
        let mock = if i < last {
            mock.up_to_n_times(1)
        } else {
            mock
        };
        mock.mount(server).await;
    }
}

/// How many requests a loopback server received (its request recording is on by default).
pub async fn count(server: &wiremock::MockServer) -> usize {
    server
        .received_requests()
        .await
        .expect("wiremock records requests unless told not to")
        .len()
}
