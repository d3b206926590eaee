//! The engine against progenitor: typify fed through `schema_conv` must print the same types as
//! progenitor's own generator on the same components, for every document the tests can find, so
//! that calling typify directly changed no type of any crate.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use crate::{SourceFile, VendorInput};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen has a parent")
        .to_path_buf()
}

fn read_folder(dir: &Path) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry"))
        .filter(|e| crate::source::is_input_file(&e.file_name().to_string_lossy()))
        .map(|e| SourceFile {
            name: e.file_name().to_string_lossy().into_owned(),
            text: std::fs::read_to_string(e.path()).expect("readable spec file"),
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

fn subfolders(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The outcome as text: the types, or the error or panic message (both sides must agree on those
/// too).
fn outcome(run: impl FnOnce() -> Result<String, String>) -> String {
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(Ok(types)) => types,
        Ok(Err(e)) => format!("error: {e}"),
        Err(panic) => {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            format!("panic: {text}")
        }
    }
}

/// progenitor with the engine's settings on the components alone.
fn through_progenitor(spec: &openapiv3::OpenAPI) -> String {
    let mut components_only = spec.clone();
    components_only.paths = Default::default();
    outcome(|| {
        // The settings the engine gave progenitor before it called typify itself, but positional:
        // the struct builders are ours now (`emit::builders`), not typify's.
        let mut settings = progenitor_impl::GenerationSettings::default();
        settings
            .with_interface(progenitor_impl::InterfaceStyle::Positional)
            .with_tag(progenitor_impl::TagStyle::Merged)
            .with_crate(
                crate::normalize::RUNTIME_CRATE,
                progenitor_impl::CrateVers::Any,
                None,
            );
        let mut generator = progenitor_impl::Generator::new(&settings);
        generator
            .generate_tokens(&components_only)
            .map_err(|e| match e {
                // progenitor wraps typify's error; compare typify's own message.
                progenitor_impl::Error::TypeError(e) => e.to_string(),
                other => format!("progenitor: {other}"),
            })?;
        Ok(generator.get_type_space().to_stream().to_string())
    })
}

/// The engine: typify directly, fed by the conversion; without the `#[non_exhaustive]` the
/// engine adds to every type (progenitor has no setting for it), which is otherwise all that
/// differs.
fn through_typify(spec: &openapiv3::OpenAPI) -> String {
    outcome(|| {
        let (types, _, _) = crate::engine::Types::new(spec)?.finish()?;
        Ok(types.to_string().replace("# [non_exhaustive] ", ""))
    })
}

#[test]
fn every_type_is_non_exhaustive() {
    let spec: openapiv3::OpenAPI = serde_json::from_value(serde_json::json!({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": {
            "S": {"type": "object", "properties": {"a": {"type": "string"}}},
            "E": {"type": "string", "enum": ["x", "y"]}
        }}
    }))
    .unwrap();
    let (types, _, _) = crate::engine::Types::new(&spec).unwrap().finish().unwrap();
    let text = types.to_string();
    for item in ["pub struct S", "pub enum E"] {
        let at = text
            .find(item)
            .unwrap_or_else(|| panic!("{item} in {text}"));
        assert!(
            text[..at]
                .rfind("# [non_exhaustive]")
                .is_some_and(|m| at - m < 200),
            "{item} is not marked: {text}"
        );
    }
}

/// Compares every folder of a set; returns the documents compared (with, for those on which both
/// sides failed alike, the failure) and those that did not load, and collects mismatches.
fn compare_set(
    folders: &[PathBuf],
    mismatches: &mut Vec<String>,
) -> (Vec<(String, Option<String>)>, Vec<String>) {
    let mut compared = Vec::new();
    let mut unloadable = Vec::new();
    for dir in folders {
        let vendor = dir.file_name().unwrap_or_default().to_string_lossy();
        let files = read_folder(dir);
        let display = dir.display().to_string();
        let effective = crate::effective_document(&VendorInput {
            vendor: &vendor,
            source_dir: &display,
            files: &files,
            runtime_path: "../../runtime",
        });
        let spec = match effective {
            Ok(effective) => effective.spec,
            Err(e) => {
                let first = e.to_string().lines().next().unwrap_or_default().to_string();
                unloadable.push(format!("{display}: {first}"));
                continue;
            }
        };
        let expected = through_progenitor(&spec);
        let actual = through_typify(&spec);
        let failed = (expected.starts_with("error: ") || expected.starts_with("panic: "))
            .then(|| expected.chars().take(200).collect());
        compared.push((display.clone(), failed));
        if expected != actual {
            let at = expected
                .chars()
                .zip(actual.chars())
                .take_while(|(a, b)| a == b)
                .count();
            let context = |s: &str| {
                s.chars()
                    .skip(at.saturating_sub(80))
                    .take(240)
                    .collect::<String>()
            };
            mismatches.push(format!(
                "{display}: differs at char {at}\n  progenitor: {}\n  typify:     {}",
                context(&expected),
                context(&actual)
            ));
        }
    }
    (compared, unloadable)
}

#[test]
fn typify_fed_by_the_conversion_prints_the_types_progenitor_prints() {
    let root = root();
    let mut sets: Vec<(&str, Vec<PathBuf>)> = vec![
        ("tests/fixtures", subfolders(&root.join("tests/fixtures"))),
        (
            "specs",
            ["akool", "argil", "anam"]
                .iter()
                .map(|v| root.join("specs").join(v))
                .collect(),
        ),
    ];
    // Beside the checkout, as the corpus test reads it; optional here.
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        sets.push(("../shared/corpus", subfolders(&corpus)));
    }

    let mut mismatches = Vec::new();
    for (name, folders) in &sets {
        let (compared, unloadable) = compare_set(folders, &mut mismatches);
        let with_types = compared.iter().filter(|(_, f)| f.is_none()).count();
        println!(
            "set {name}: {} documents compared, {with_types} with types",
            compared.len()
        );
        for (doc, failure) in &compared {
            if let Some(failure) = failure {
                println!("  both sides failed alike on {doc}: {failure}");
            }
        }
        for u in &unloadable {
            println!("  not a loadable document (skipped): {u}");
        }
        assert!(
            with_types > 0,
            "set {name}: no document's types were compared"
        );
        if *name == "specs" {
            assert!(
                unloadable.is_empty(),
                "vendor specs must load: {unloadable:?}"
            );
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// The benchmark's baseline must not time a document progenitor refuses as if it had run.
#[test]
fn progenitor_only_reports_what_progenitor_refuses() {
    let spec: openapiv3::OpenAPI = serde_json::from_str(
        r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"post": {
            "operationId": "postA",
            "requestBody": {"content": {"*/*": {"schema": {"type": "string"}}}},
            "responses": {"204": {"description": "none"}}}}}}"#,
    )
    .unwrap();
    let err = super::progenitor_only(&spec).unwrap_err();
    assert!(err.contains("*/*"), "{err}");
}
