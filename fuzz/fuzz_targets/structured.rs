//! Structured fuzzing of the whole pipeline: the input's bytes are the choices of the mutation
//! run's operators (`xtask::mutate`), applied to the parsed documents of the vendor folders and
//! the fixtures: which folder, file and node, which mutation (a node deleted, replaced, grafted,
//! a `$ref` made dangling, cyclic or no string, a key renamed to a bad status code, media type or
//! path, overlay targets made costly, the text truncated, nested, alias-bombed...). A small
//! change of the input is a small change of the mutant, so coverage guidance works on document
//! structure rather than on YAML syntax. Every mutant must give a crate or an error: a panic,
//! a stack overflow, a timeout (`-timeout`) or memory beyond `-rss_limit_mb` is a finding.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use codegen::{SourceFile, VendorInput};
use libfuzzer_sys::fuzz_target;
use xtask::mutate::{Bytes, Folder};

fn folders() -> &'static [Folder] {
    static FOLDERS: OnceLock<Vec<Folder>> = OnceLock::new();
    FOLDERS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace");
        xtask::mutate::default_folders(root)
            .expect("specs/ and tests/fixtures/")
            .iter()
            .map(|f| xtask::mutate::read_folder(root, f).expect("a readable folder"))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let mutant = xtask::mutate::mutant(folders(), &mut Bytes(data));
    let source_dir = format!("specs/{}", mutant.vendor);
    let mut files = Vec::new();
    for (name, bytes) in mutant.files {
        match codegen::source::decode(&format!("{source_dir}/{name}"), bytes) {
            Ok(text) => files.push(SourceFile { name, text }),
            Err(_) => return,
        }
    }
    let _ = codegen::generate(&VendorInput {
        vendor: &mutant.vendor,
        source_dir: &source_dir,
        files: &files,
        runtime_path: "../../runtime",
    });
});
