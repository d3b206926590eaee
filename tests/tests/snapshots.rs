//! Snapshots of generated output: for each fixture spec (one per normalization pass, plus merge
//! and overlay), the effective document, the API surface and the generated client; for each
//! vendor, the API surface. Review changes with `cargo insta review`; CI never accepts them.

use workspace_tests::{generate, root};

const FIXTURES: &[&str] = &[
    "openapi31",
    "missing-operation-ids",
    "request-media-types",
    "response-types",
    "merge-and-overlay",
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
        let generated =
            generate(&format!("tests/fixtures/{name}")).unwrap_or_else(|e| panic!("{name}: {e}"));
        let effective = &generated.files["openapi.json"];
        insta::assert_snapshot!(
            format!("fixture-{name}-effective"),
            format!("{}\n{effective}", generated.surface)
        );
        insta::assert_snapshot!(
            format!("fixture-{name}-client"),
            generated.files["src/client.rs"]
        );
    }
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
            header + &generated.surface
        );
    }
}
