//! What goes on the wire: the crates generated from tests/fixtures/wire and tests/fixtures/auth
//! are built in a scratch workspace, each with its program from tests/generator/wire/ as its
//! integration test, which calls every operation against a loopback server asserting the exact
//! request line, headers and body (parameter styles, nullable headers, bodies of each media
//! type, a multipart form with header and cookie parameters; every security scheme and
//! requirement). Built offline against the workspace's lock and target directory.

use std::path::PathBuf;
use std::process::Command;

use generator_tests::{generate, root};

#[test]
fn the_generated_client_sends_what_the_spec_says() {
    run_program("wire", "wire_test.rs", 11);
}

#[test]
fn the_generated_client_authenticates_as_the_requirements_say() {
    run_program("auth", "auth_test.rs", 6);
}

/// Generates `tests/fixtures/<fixture>`, adds `wire/<program>` as its test and runs it; the run
/// must pass `tests` tests.
fn run_program(fixture: &str, program: &str, tests: usize) {
    let generated = generate(&format!("tests/fixtures/{fixture}")).expect("the fixture generates");
    assert!(
        generated.left_out().is_empty(),
        "every operation generates: {:?}",
        generated.left_out()
    );
    // Whatever the generator warned of (the auth fixture's openIdConnect scheme) stays visible.
    for warning in &generated.warnings {
        println!("{warning}");
    }
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("wire-{fixture}"));
    let _ = std::fs::remove_dir_all(&scratch);
    let krate = scratch.join(fixture);
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
        root().join("tests/generator/wire").join(program),
        krate.join("tests/wire.rs"),
    )
    .unwrap();
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"3\"\nmembers = [{fixture:?}]\n"),
    )
    .unwrap();
    std::fs::copy(root().join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    let run = Command::new(env!("CARGO"))
        // One test at a time: the multipart test reads the request span through a subscriber
        // set for its thread, and tracing's per-callsite interest is shared by all threads.
        .args([
            "test",
            "--offline",
            "--quiet",
            "--test",
            "wire",
            "--",
            "--test-threads=1",
        ])
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
        stdout.contains(&format!("test result: ok. {tests} passed")),
        "{stdout}\n{stderr}"
    );
}
