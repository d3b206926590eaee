//! `cargo xtask gen`: every vendor folder under the specs directory becomes a client crate under
//! the output directory. All vendors are generated in memory first; nothing is written unless
//! every one of them succeeded.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use codegen::{GeneratedCrate, SourceFile, VendorInput};

use crate::files::{self, Changes, Orphans};

#[derive(Debug, Clone)]
pub struct GenOptions {
    pub root: PathBuf,
    pub specs_dir: PathBuf,
    pub out_dir: PathBuf,
    pub check: bool,
    pub vendor: Option<String>,
}

impl GenOptions {
    pub fn for_workspace(root: PathBuf) -> Self {
        GenOptions {
            specs_dir: root.join("specs"),
            out_dir: root.join("generated"),
            root,
            check: false,
            vendor: None,
        }
    }

    /// The workspace's own generated/ is a member set of the root Cargo.toml; any other output
    /// directory gets a workspace manifest of its own so its crates build where they land.
    fn is_workspace_tree(&self) -> bool {
        self.out_dir == self.root.join("generated")
    }

    /// How a path is shown in headers and messages: relative to the workspace when inside it,
    /// so output does not depend on where the checkout lives.
    fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

pub struct VendorCrate {
    pub vendor: String,
    pub generated: GeneratedCrate,
}

#[derive(Debug, Default)]
pub struct Outcome {
    /// One line per vendor: operations, types, lines, changed or unchanged.
    pub report: Vec<String>,
    pub stale: bool,
    pub diff: String,
}

/// The vendor folders to generate: subfolders holding at least one YAML or JSON file.
pub fn vendor_dirs(options: &GenOptions) -> Result<Vec<(String, PathBuf)>> {
    let mut vendors = Vec::new();
    let entries = fs::read_dir(&options.specs_dir)
        .with_context(|| format!("reading specs directory {}", options.specs_dir.display()))?;
    for entry in entries {
        let entry = entry?;
        if !entry.file_type()?.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let has_spec = fs::read_dir(entry.path())?.filter_map(|e| e.ok()).any(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".json")
        });
        if has_spec {
            vendors.push((name, entry.path()));
        }
    }
    vendors.sort();
    if let Some(only) = &options.vendor {
        vendors.retain(|(name, _)| name == only);
        if vendors.is_empty() {
            bail!(
                "no vendor folder `{only}` with an OpenAPI document under {}",
                options.specs_dir.display()
            );
        }
    }
    Ok(vendors)
}

fn read_vendor(dir: &Path) -> Result<Vec<SourceFile>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && codegen::source::is_input_file(&name) {
            let text = fs::read_to_string(entry.path())
                .with_context(|| format!("reading {}", entry.path().display()))?;
            files.push(SourceFile { name, text });
        }
    }
    Ok(files)
}

/// Generates every selected vendor in memory; fails with every vendor's error if any failed.
pub fn generate_all(options: &GenOptions) -> Result<Vec<VendorCrate>> {
    let mut crates = Vec::new();
    let mut errors = Vec::new();
    for (vendor, dir) in vendor_dirs(options)? {
        let files = read_vendor(&dir)?;
        let source_dir = options.display(&dir);
        let runtime_path = relative_path(
            &options.out_dir.join(&vendor),
            &options.root.join("runtime"),
        );
        match codegen::generate(&VendorInput {
            vendor: &vendor,
            source_dir: &source_dir,
            files: &files,
            runtime_path: &runtime_path,
        }) {
            Ok(generated) => crates.push(VendorCrate { vendor, generated }),
            Err(e) => errors.push(format!("{vendor}: {e}")),
        }
    }
    if !errors.is_empty() {
        bail!(
            "generation failed, nothing was written:\n{}",
            errors.join("\n")
        );
    }
    Ok(crates)
}

pub fn run(options: &GenOptions) -> Result<Outcome> {
    let crates = generate_all(options)?;
    let mut outcome = Outcome::default();
    for c in &crates {
        let dir = options.out_dir.join(&c.vendor);
        let changes = files::sync_dir(
            &dir,
            &c.generated.files,
            Orphans::Remove,
            options.check,
            &options.display(&dir),
        )?;
        outcome
            .report
            .push(report_line(&c.vendor, c, &changes, options.check));
        absorb(&mut outcome, changes);
    }
    if options.vendor.is_none() {
        remove_orphan_crates(options, &crates, &mut outcome)?;
    }
    if !options.is_workspace_tree() {
        let manifest = out_workspace_manifest(options, &crates)?;
        let files = BTreeMap::from([("Cargo.toml".to_string(), manifest)]);
        let changes = files::sync_dir(
            &options.out_dir,
            &files,
            Orphans::Keep,
            options.check,
            &options.display(&options.out_dir),
        )?;
        absorb(&mut outcome, changes);
    }
    Ok(outcome)
}

/// `to` relative to `from` (both absolute), with `/` separators: `../../runtime`.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> =
        std::iter::repeat_n("..".to_string(), from.len() - common).collect();
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

fn absorb(outcome: &mut Outcome, changes: Changes) {
    outcome.stale |= !changes.is_empty();
    outcome.diff.push_str(&changes.diff);
}

fn report_line(vendor: &str, c: &VendorCrate, changes: &Changes, check: bool) -> String {
    let s = c.generated.stats;
    let state = match (changes.is_empty(), check) {
        (true, _) => "unchanged".to_string(),
        (false, true) => format!(
            "STALE ({} files differ, {} orphaned)",
            changes.written.len(),
            changes.removed.len()
        ),
        (false, false) => format!(
            "changed ({} files written, {} removed)",
            changes.written.len(),
            changes.removed.len()
        ),
    };
    format!(
        "{vendor}: {} operations, {} types, {} lines, {state}",
        s.operations, s.types, s.lines
    )
}

/// Whether a directory holds a crate this generator wrote (its Cargo.toml carries the marker).
fn is_generated_crate(dir: &Path) -> bool {
    fs::read_to_string(dir.join("Cargo.toml"))
        .is_ok_and(|t| t.contains(codegen::emit::GENERATED_MARKER))
}

/// Crates whose vendor folder is gone are removed, but only ones that carry our marker.
fn remove_orphan_crates(
    options: &GenOptions,
    crates: &[VendorCrate],
    outcome: &mut Outcome,
) -> Result<()> {
    let Ok(entries) = fs::read_dir(&options.out_dir) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type()?.is_dir()
            || crates.iter().any(|c| c.vendor == name)
            || !is_generated_crate(&entry.path())
        {
            continue;
        }
        let changes = files::sync_dir(
            &entry.path(),
            &BTreeMap::new(),
            Orphans::Remove,
            options.check,
            &options.display(&entry.path()),
        )?;
        if !options.check {
            let _ = fs::remove_dir_all(entry.path());
        }
        outcome.report.push(format!(
            "{name}: orphaned (no specs/{name}/), {}",
            if options.check { "STALE" } else { "removed" }
        ));
        absorb(outcome, changes);
    }
    Ok(())
}

fn out_workspace_manifest(options: &GenOptions, crates: &[VendorCrate]) -> Result<String> {
    let mut members: Vec<String> = crates.iter().map(|c| c.vendor.clone()).collect();
    if let Ok(entries) = fs::read_dir(&options.out_dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_generated_crate(&entry.path()) && !members.contains(&name) {
                members.push(name);
            }
        }
    }
    members.sort();
    let list = members
        .iter()
        .map(|m| format!("    {m:?},"))
        .collect::<Vec<_>>()
        .join("\n");
    Ok(format!(
        "# {}\n[workspace]\nresolver = \"3\"\nmembers = [\n{list}\n]\n",
        codegen::emit::header(&options.display(&options.specs_dir))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_common_ancestor() {
        assert_eq!(
            relative_path(Path::new("/w/generated/akool"), Path::new("/w/runtime")),
            "../../runtime"
        );
        assert_eq!(
            relative_path(Path::new("/tmp/out/demo"), Path::new("/w/runtime")),
            "../../../w/runtime"
        );
    }
}
