//! What goes on the wire: the crate generated from tests/fixtures/wire is built in a scratch
//! workspace with `wire/wire_test.rs` as its integration test, and that test calls every
//! operation against a loopback server asserting the exact request line, headers and body
//! (parameter styles, nullable headers, bodies of each media type, a multipart form with header
//! and cookie parameters). Built offline against the workspace's lock and target directory.

use std::path::PathBuf;
use std::process::Command;

use generator_tests::{generate, root};

#[test]
fn the_generated_client_sends_what_the_spec_says() {
    let generated = generate("tests/fixtures/wire").expect("the wire fixture generates");
    assert!(
        generated.left_out().is_empty(),
        "every operation generates: {:?}",
        generated.left_out()
    );
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wire");
    let _ = std::fs::remove_dir_all(&scratch);
    let krate = scratch.join("wire");
    for (path, text) in &generated.files {
        let path = krate.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    // The generated manifest points at the runtime relative to generated/<vendor>/.
    let manifest = generated.files["Cargo.toml"]
        .replace(
            "path = \"../../runtime\"",
            &format!("path = {:?}", root().join("runtime")),
        )
        .replace(
            "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }",
            "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\"] }\n\
             futures-core = \"0.3\"\n\
             tracing = \"0.1\"\n\
             tracing-subscriber = { version = \"0.3\", default-features = false, features = [\"fmt\", \"std\"] }",
        );
    assert!(
        manifest.contains("futures-core") && !manifest.contains("../../runtime"),
        "the manifest changed shape:\n{manifest}"
    );
    std::fs::write(krate.join("Cargo.toml"), manifest).unwrap();
    std::fs::create_dir_all(krate.join("tests")).unwrap();
    std::fs::copy(
        root().join("tests/generator/wire/wire_test.rs"),
        krate.join("tests/wire.rs"),
    )
    .unwrap();
    std::fs::write(
        scratch.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"wire\"]\n",
    )
    .unwrap();
    std::fs::copy(root().join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    let run = Command::new(env!("CARGO"))
        .args(["test", "--offline", "--quiet", "--test", "wire"])
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", root().join("target"))
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr),
    );
    assert!(run.status.success(), "{stdout}\n{stderr}");
    // The program's tests ran (a filter or an empty file would pass with none).
    assert!(
        stdout.contains("test result: ok. 10 passed"),
        "{stdout}\n{stderr}"
    );
}
