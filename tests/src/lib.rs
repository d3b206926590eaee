//! Helpers shared by the workspace-level tests (the tests themselves live in `tests/`).

use std::fs;
use std::path::{Path, PathBuf};

use codegen::{GeneratedCrate, SourceFile, VendorInput};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Reads the input files of a spec folder the way the driver does.
pub fn read_folder(dir: &Path) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry"))
        .filter(|e| codegen::source::is_input_file(&e.file_name().to_string_lossy()))
        .map(|e| SourceFile {
            name: e.file_name().to_string_lossy().into_owned(),
            text: fs::read_to_string(e.path()).expect("readable spec file"),
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

/// Generates a crate from a folder relative to the workspace root (e.g. `tests/fixtures/x`).
pub fn generate(folder: &str) -> Result<GeneratedCrate, codegen::Error> {
    let dir = root().join(folder);
    let vendor = dir
        .file_name()
        .expect("folder name")
        .to_string_lossy()
        .into_owned();
    let files = read_folder(&dir);
    codegen::generate(&VendorInput {
        vendor: &vendor,
        source_dir: folder,
        files: &files,
        runtime_path: "../../runtime",
    })
}

/// The API key the test clients use; tests assert it never leaks.
pub const TEST_KEY: &str = "sk-test-key-6f1d2c";

/// Fast retries so retry tests take milliseconds.
pub fn fast_retries() -> sdk_runtime::RetryPolicy {
    sdk_runtime::RetryPolicy {
        max_attempts: 3,
        max_elapsed: std::time::Duration::from_secs(10),
        initial_delay: std::time::Duration::from_millis(10),
        max_delay: std::time::Duration::from_millis(40),
    }
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
