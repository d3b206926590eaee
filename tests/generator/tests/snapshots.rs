//! Snapshots of generated output: for each fixture spec (one per normalization pass, plus merge
//! and overlay), the effective document, the API surface and the generated client; for each
//! vendor, the API surface. Review changes with `cargo insta review`; CI never accepts them.

use generator_tests::{generate, root};

const FIXTURES: &[&str] = &[
    "pagination",
    "openapi31",
    "missing-operation-ids",
    "request-media-types",
    "response-types",
    "merge-and-overlay",
    "real-world-constructs",
    "names-and-titles",
    "schema-values",
    "openapi31-documents",
    "response-media-types",
    "parameters",
    "references",
    "webhooks",
    "mocks",
    "wire",
    "auth",
];

#[test]
fn every_fixture_folder_has_a_snapshot_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<&str> = FIXTURES.to_vec();
    listed.sort();
    assert_eq!(on_disk, listed, "add new fixture folders to FIXTURES");
}

#[test]
fn fixtures() {
    for name in FIXTURES {
        let folder = format!("tests/fixtures/{name}");
        let generated = generate(&folder).unwrap_or_else(|e| panic!("{name}: {e}"));
        // The normalized document shows exactly what the passes did (openapi.json beside a crate
        // puts set-aside shapes back for other tools).
        let normalized = normalized_document(&folder);
        insta::assert_snapshot!(
            format!("fixture-{name}-effective"),
            format!("{}\n{normalized}", generated.surface().unwrap())
        );
        let code = format!(
            "{}\n{}",
            generated.files["src/client.rs"], generated.files["src/sdk.rs"]
        );
        insta::assert_snapshot!(format!("fixture-{name}-client"), code);
    }
}

/// The typed mocks (`src/mock.rs`, feature `mock`) of the fixture made for them: an envelope, a
/// waiter, parameters of each kind, empty and binary answers, names that collide.
#[test]
fn fixture_mock_module() {
    let generated = generate("tests/fixtures/mocks").unwrap();
    insta::assert_snapshot!("fixture-mocks-mock", generated.files["src/mock.rs"]);
}

fn normalized_document(folder: &str) -> String {
    let dir = root().join(folder);
    let vendor = dir.file_name().unwrap().to_string_lossy().into_owned();
    let files = generator_tests::read_folder(&dir);
    let input = codegen::VendorInput {
        vendor: &vendor,
        source_dir: folder,
        files: &files,
        runtime_path: "../../runtime",
    };
    let effective = codegen::effective_document(&input).unwrap_or_else(|e| panic!("{folder}: {e}"));
    serde_json::to_string_pretty(&effective.document).unwrap()
}

#[test]
fn vendor_api_surfaces() {
    let mut vendors: Vec<String> = std::fs::read_dir(root().join("specs"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    vendors.sort();
    assert!(
        vendors.len() >= 3,
        "expected the vendor folders under specs/, found {vendors:?}"
    );
    for vendor in vendors {
        let generated =
            generate(&format!("specs/{vendor}")).unwrap_or_else(|e| panic!("{vendor}: {e}"));
        let s = generated.stats;
        let header = format!(
            "{} ({} operations, {} types)\n",
            generated.crate_name, s.operations, s.types
        );
        insta::assert_snapshot!(
            format!("vendor-{vendor}-surface"),
            header + &generated.surface().unwrap()
        );
    }
}
