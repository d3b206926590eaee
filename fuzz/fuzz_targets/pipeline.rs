//! Fuzzes load, merge, overlay, normalize and validate: any bytes, read as a YAML or JSON
//! document (and, after a NUL byte, a second document and an overlay), must give a value or an
//! error, never a panic.

#![no_main]

use codegen::{SourceFile, VendorInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\0');
    let first = parts.next().unwrap_or_default();
    let mut files = vec![
        SourceFile { name: "a.yaml".into(), text: first.to_string() },
        SourceFile { name: "a.json".into(), text: first.to_string() },
    ];
    if let Some(second) = parts.next() {
        files.push(SourceFile { name: "b.yaml".into(), text: second.to_string() });
    }
    if let Some(overlay) = parts.next() {
        files.push(SourceFile { name: "overlay.yaml".into(), text: overlay.to_string() });
    }
    let input = VendorInput { vendor: "fuzz", source_dir: "specs/fuzz", files: &files, runtime_path: "../../runtime" };
    let _ = codegen::effective_document(&input);
});
