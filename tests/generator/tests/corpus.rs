//! The generator on real, whole API descriptions (tests/corpus) and on every fixture: all of
//! them generate, into one scratch workspace, and that workspace compiles.

use std::path::{Path, PathBuf};
use std::process::Command;

use generator_tests::root;
use xtask::gen_cmd::{GenOptions, run};

fn copy_folders(from: &Path, to: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if !entry.file_type().unwrap().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let target = to.join(&name);
        std::fs::create_dir_all(&target).unwrap();
        for file in std::fs::read_dir(entry.path()).unwrap() {
            let file = file.unwrap();
            std::fs::copy(file.path(), target.join(file.file_name())).unwrap();
        }
        names.push(name);
    }
    names
}

#[test]
fn every_corpus_and_fixture_spec_generates_a_crate_that_compiles() {
    generate_and_check("corpus", &["tests/corpus", "tests/fixtures"]);
}

#[test]
#[ignore = "slow (minutes): GitHub's 3.7 MB description; .ci/run runs it with --ignored"]
fn githubs_whole_description_generates_a_crate_that_compiles() {
    generate_and_check("corpus-large", &["tests/corpus-large"]);
}

fn generate_and_check(scratch_name: &str, sources: &[&str]) {
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(scratch_name);
    let _ = std::fs::remove_dir_all(&scratch);
    let specs = scratch.join("specs");
    let mut names = Vec::new();
    for source in sources {
        names.extend(copy_folders(&root().join(source), &specs));
    }
    names.sort();

    let mut options = GenOptions::for_workspace(root());
    options.specs_dir = specs;
    options.out_dir = scratch.join("out");
    let outcome = run(&options).unwrap_or_else(|e| panic!("{e:#}"));
    let vendors = outcome
        .report
        .iter()
        .filter(|line| line.contains(" operations, "))
        .count();
    assert_eq!(vendors, names.len(), "{:#?}", outcome.report);

    // The workspace's lock pins the scratch workspace to crates already fetched (offline build).
    std::fs::copy(root().join("Cargo.lock"), scratch.join("out/Cargo.lock")).unwrap();
    let check = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline"])
        .current_dir(scratch.join("out"))
        .env("CARGO_TARGET_DIR", root().join("target"))
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "the generated corpus does not compile:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
