//! `gen.lock` at the top of an output directory: for each vendor, a hash of its input files and
//! of every file generated from them, and the generator's own hash. When nothing changed,
//! `cargo xtask gen` answers from the lock without generating anything or touching a file.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const LOCK_FILE: &str = "gen.lock";

/// What the lock knows about one vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorEntry {
    pub inputs: String,
    /// Relative path -> hash of every file of the generated crate.
    pub outputs: BTreeMap<String, String>,
    /// The report line's counts.
    pub operations: u64,
    pub types: u64,
    pub lines: u64,
    /// Left-out operations and normalize warnings, shown again by a run that skips generation.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lock {
    pub generator: String,
    pub vendors: BTreeMap<String, VendorEntry>,
}

pub fn hash(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The generator's identity: its sources and the locked dependency versions (progenitor,
/// typify) that shape the output. Read from the workspace, which is what cargo just compiled.
pub fn generator_hash(root: &Path) -> Result<String> {
    let mut parts: Vec<Vec<u8>> = Vec::new();
    for dir in ["codegen/src", "xtask/src"] {
        for file in crate::files::list_files(&root.join(dir))? {
            parts.push(
                file.strip_prefix(root)
                    .unwrap_or(&file)
                    .to_string_lossy()
                    .into_owned()
                    .into_bytes(),
            );
            parts.push(fs::read(&file).with_context(|| format!("reading {}", file.display()))?);
        }
    }
    for file in ["codegen/Cargo.toml", "runtime/Cargo.toml"] {
        parts.push(fs::read(root.join(file)).unwrap_or_default());
    }
    let cargo_lock = fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    parts.push(shaping_packages(&cargo_lock).into_bytes());
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    Ok(hash(&refs))
}

/// The Cargo.lock entries of the crates that shape generated code; other dependency changes
/// (a test helper, say) leave the generator's identity alone.
fn shaping_packages(cargo_lock: &str) -> String {
    const SHAPING: &[&str] = &[
        "progenitor-impl",
        "typify-impl",
        "openapiv3",
        "prettyplease",
        "syn",
        "serde_json",
        "serde_yaml",
        "heck",
    ];
    cargo_lock
        .split("[[package]]")
        .filter(|block| {
            block.lines().any(|l| {
                SHAPING
                    .iter()
                    .any(|name| l.trim() == format!("name = \"{name}\""))
            })
        })
        .collect::<Vec<_>>()
        .join("[[package]]")
}

impl Lock {
    pub fn read(out_dir: &Path) -> Option<Lock> {
        let text = fs::read_to_string(out_dir.join(LOCK_FILE)).ok()?;
        let value: Value = serde_json::from_str(&text).ok()?;
        let mut vendors = BTreeMap::new();
        for (name, v) in value.get("vendors")?.as_object()? {
            let outputs = v
                .get("outputs")?
                .as_object()?
                .iter()
                .filter_map(|(k, h)| Some((k.clone(), h.as_str()?.to_string())))
                .collect();
            vendors.insert(
                name.clone(),
                VendorEntry {
                    inputs: v.get("inputs")?.as_str()?.to_string(),
                    outputs,
                    operations: v.get("operations")?.as_u64()?,
                    types: v.get("types")?.as_u64()?,
                    lines: v.get("lines")?.as_u64()?,
                    warnings: v
                        .get("warnings")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|w| w.as_str().map(str::to_string))
                        .collect(),
                },
            );
        }
        Some(Lock {
            generator: value.get("generator")?.as_str()?.to_string(),
            vendors,
        })
    }

    /// Deterministic text: sorted keys, no timestamps.
    pub fn render(&self) -> String {
        let vendors: serde_json::Map<String, Value> = self
            .vendors
            .iter()
            .map(|(name, v)| {
                (name.clone(), json!({"inputs": v.inputs, "operations": v.operations, "types": v.types, "lines": v.lines, "warnings": v.warnings, "outputs": v.outputs}))
            })
            .collect();
        let doc = json!({
            "comment": "@generated by cargo xtask gen: hashes that let a no-op run skip generation. DO NOT EDIT.",
            "generator": self.generator,
            "vendors": vendors,
        });
        let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Whether a vendor's crate on disk is exactly what the lock recorded.
pub fn outputs_match(dir: &Path, entry: &VendorEntry) -> bool {
    let Ok(files) = crate::files::list_files(dir) else {
        return false;
    };
    if files.len() != entry.outputs.len() {
        return false;
    }
    files.iter().all(|file| {
        let rel = file
            .strip_prefix(dir)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        match (entry.outputs.get(&rel), fs::read(file)) {
            (Some(expected), Ok(bytes)) => *expected == hash(&[&bytes]),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_and_read_round_trip() {
        let mut lock = Lock {
            generator: "g".into(),
            ..Lock::default()
        };
        lock.vendors.insert(
            "v".into(),
            VendorEntry {
                inputs: "i".into(),
                outputs: BTreeMap::from([("a.rs".to_string(), "h".to_string())]),
                operations: 1,
                warnings: vec!["warning at a#/b: c".into()],
                types: 2,
                lines: 3,
            },
        );
        let dir = std::env::temp_dir().join(format!("xtask-lock-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(LOCK_FILE), lock.render()).unwrap();
        assert_eq!(Lock::read(&dir), Some(lock));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_code_shaping_packages_count() {
        let lock = "[[package]]\nname = \"syn\"\nversion = \"3.0.9\"\n\n[[package]]\nname = \"wiremock\"\nversion = \"0.6.5\"\n";
        let kept = shaping_packages(lock);
        assert!(kept.contains("syn") && !kept.contains("wiremock"), "{kept}");
    }

    #[test]
    fn hashing_separates_parts() {
        assert_ne!(hash(&[b"ab", b"c"]), hash(&[b"a", b"bc"]));
    }
}
