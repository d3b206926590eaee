//! The workspace's driver, as a library so tests can run exactly what `cargo xtask gen` runs.

pub mod bench;
pub mod files;
pub mod gen_cmd;
pub mod lock;

use std::path::{Path, PathBuf};

/// The workspace root, found from this crate's location rather than the working directory, so
/// `cargo xtask` behaves the same from any subfolder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
