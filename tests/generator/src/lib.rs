//! Helpers of the generator tests: the workspace root, and generating a folder the way the
//! driver does.

use std::fs;
use std::path::{Path, PathBuf};

use codegen::{GeneratedCrate, SourceFile, VendorInput};

/// The workspace root.
pub fn root() -> PathBuf {
    // This package lives at tests/generator.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("tests/generator has a grandparent")
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
