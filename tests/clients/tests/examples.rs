//! The generated crates' examples run end to end against a local server: each creates a
//! resource, waits for it, and exits successfully.

use std::path::Path;
use std::process::Command;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ID: &str = "071b0286-4cce-4808-bee2-e642f1062de3";

fn run_example(
    krate: &str,
    example: &str,
    prefix: &str,
    server: &MockServer,
    dir: &Path,
) -> String {
    let output = Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "--offline",
            "-p",
            krate,
            "--example",
            example,
            "--manifest-path",
        ])
        .arg(client_tests::root().join("Cargo.toml"))
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env(format!("{prefix}_API_KEY"), client_tests::TEST_KEY)
        .env(format!("{prefix}_BASE_URL"), server.uri())
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{krate} --example {example} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test]
async fn every_crate_example_runs_against_a_local_server() {
    let root = client_tests::root();

    let akool = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/open/v3/avatar/create"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"code": 1000, "msg": "ok", "data": [{"_id": "a1", "status": 1}]}),
        ))
        .expect(1)
        .mount(&akool)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/open/v3/avatar/detail"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"code": 1000, "msg": "ok", "data": [{"_id": "a1", "status": 3}]}),
        ))
        .expect(1)
        .mount(&akool)
        .await;
    let out = run_example("akool-client", "wait_for_avatar", "AKOOL", &akool, &root);
    // The callback gets the typed status, which prints the name the overlay gives 3.
    assert!(out.contains("avatar status: completed"), "{out}");

    let argil = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/avatars"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": ID, "status": "TRAINING"})),
        )
        .expect(1)
        .mount(&argil)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/avatars/{ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": ID, "status": "IDLE"})))
        .expect(1)
        .mount(&argil)
        .await;
    let out = run_example("argil-client", "wait_for_training", "ARGIL", &argil, &root);
    assert!(
        out.contains("training: IDLE") && out.contains("Some(Idle)"),
        "{out}"
    );

    let anam = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/avatars"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": ID, "videoUrl": null})))
        .expect(1)
        .mount(&anam)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/avatars/{ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": ID, "videoUrl": "https://e.com/p.mp4"})),
        )
        .expect(1)
        .mount(&anam)
        .await;
    // The example uploads face.png from its working directory.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("anam-example");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("face.png"), b"\x89PNG\r\n").unwrap();
    let out = run_example("anam-client", "wait_for_preview", "ANAM", &anam, &dir);
    assert!(
        out.contains("preview status: ready")
            && out.contains("preview: Some(\"https://e.com/p.mp4\")"),
        "{out}"
    );
}

/// The target directory of the outer build: `CARGO_TARGET_DIR` when the caller set one (so
/// nothing is compiled twice), else the workspace's `target/`.
fn target_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| client_tests::root().join("target"))
}
