//! Brings a directory to an exact set of files: writes only what changed (unchanged files keep
//! their mtime), removes orphans, or in check mode only reports a unified diff.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Directories under a generated crate that belong to builds, not to the generator.
const SKIPPED_DIRS: &[&str] = &["target"];

/// What bringing one directory up to date did (or, in check mode, would do).
#[derive(Debug, Default)]
pub struct Changes {
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    /// In check mode, the unified diff of what would change (empty otherwise: only check mode
    /// prints it, and GitHub's first generation would diff 14 MB against nothing).
    pub diff: String,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.written.is_empty() && self.removed.is_empty()
    }
}

/// Whether files of a directory that the new set does not name are deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orphans {
    /// The directory is entirely generated: anything else in it is stale output.
    Remove,
    /// The directory is shared with other content (an out tree's root).
    Keep,
}

/// Makes `dir` hold `files` (relative path -> contents), and only them when `orphans` is
/// `Remove`. `display` prefixes paths in the diff.
pub fn sync_dir(
    dir: &Path,
    files: &BTreeMap<String, String>,
    orphans: Orphans,
    check: bool,
    display: &str,
) -> Result<Changes> {
    let mut changes = Changes::default();
    for (rel, contents) in files {
        let path = dir.join(rel);
        let old = match fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        if old.as_deref() == Some(contents.as_bytes()) {
            continue;
        }
        if check {
            let old_text = old
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            changes.diff.push_str(&unified_diff(
                &old_text,
                contents,
                &format!("{display}/{rel}"),
            ));
        } else {
            write_atomically(&path, contents)?;
        }
        changes.written.push(path);
    }
    let existing = match orphans {
        Orphans::Remove => list_files(dir)?,
        Orphans::Keep => Vec::new(),
    };
    for existing in existing {
        let rel = existing
            .strip_prefix(dir)
            .unwrap_or(&existing)
            .to_string_lossy()
            .replace('\\', "/");
        if files.contains_key(&rel) {
            continue;
        }
        if check {
            let old_text = fs::read_to_string(&existing).unwrap_or_default();
            changes
                .diff
                .push_str(&unified_diff(&old_text, "", &format!("{display}/{rel}")));
        } else {
            fs::remove_file(&existing)
                .with_context(|| format!("removing {}", existing.display()))?;
        }
        changes.removed.push(existing);
    }
    Ok(changes)
}

pub fn unified_diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Writes through a temporary file and a rename, so a reader never sees half a file.
fn write_atomically(path: &Path, contents: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let tmp = path.with_extension("xtask-tmp");
    fs::write(&tmp, contents).with_context(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("renaming {} into place", tmp.display()))
}

/// Every regular file under `dir` (recursively, skipping build directories), sorted.
pub fn list_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("listing {}", d.display())),
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            if kind.is_dir() {
                if !SKIPPED_DIRS.iter().any(|s| entry.file_name() == *s) {
                    stack.push(path);
                }
            } else if kind.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
