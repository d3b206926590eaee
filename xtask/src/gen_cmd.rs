//! `cargo xtask gen`: every vendor folder under the specs directory becomes a client crate under
//! the output directory. All vendors are generated in memory first; nothing is written unless
//! every one of them succeeded.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use codegen::{GeneratedCrate, SourceFile, VendorInput};

use crate::files::{self, Changes, Orphans};
use crate::lock::{self, LOCK_FILE, Lock, VendorEntry};
use crate::release;

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
    /// Left-out operations and normalize warnings of every vendor, for standard error.
    pub warnings: Vec<String>,
    pub stale: bool,
    pub diff: String,
    /// In check mode, per stale vendor whose API changed: the version it needs and why.
    pub version_notes: Vec<String>,
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

/// The input files of a vendor folder, verbatim and sorted by name (`shown`: the folder as
/// messages name it). A file that is not UTF-8 is an error naming it (as shown), the line and
/// the column. `gen`, `update` and `bench` all read folders through it.
pub(crate) fn read_vendor(dir: &Path, vendor: &str, shown: &str) -> Result<Vec<SourceFile>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && codegen::source::is_input_file(&name) {
            let bytes = fs::read(entry.path())
                .with_context(|| format!("reading {}", entry.path().display()))?;
            let text = codegen::source::decode(&format!("{shown}/{name}"), bytes).map_err(|e| {
                anyhow::anyhow!("generation failed, nothing was written:\n{vendor}: {e}")
            })?;
            files.push(SourceFile { name, text });
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// A vendor folder as read from disk, with the hash of what was read.
pub struct VendorSource {
    pub vendor: String,
    pub dir: PathBuf,
    pub files: Vec<SourceFile>,
    pub inputs: String,
}

fn read_sources(options: &GenOptions, generator: &str) -> Result<Vec<VendorSource>> {
    let mut sources = Vec::new();
    for (vendor, dir) in vendor_dirs(options)? {
        // The folder's display name is an input too: it appears in every generated header.
        let shown = options.display(&dir);
        let files = read_vendor(&dir, &vendor, &shown)?;
        let mut parts: Vec<&[u8]> = vec![generator.as_bytes(), shown.as_bytes()];
        for f in &files {
            parts.push(f.name.as_bytes());
            parts.push(f.text.as_bytes());
        }
        let inputs = lock::hash(&parts);
        sources.push(VendorSource {
            vendor,
            dir,
            files,
            inputs,
        });
    }
    Ok(sources)
}

fn generate_sources(options: &GenOptions, sources: &[VendorSource]) -> Result<Vec<VendorCrate>> {
    let mut crates = Vec::new();
    let mut errors = Vec::new();
    for source in sources {
        let source_dir = options.display(&source.dir);
        let runtime_path = relative_path(
            &options.out_dir.join(&source.vendor),
            &options.root.join("runtime"),
        );
        match codegen::generate(&VendorInput {
            vendor: &source.vendor,
            source_dir: &source_dir,
            files: &source.files,
            runtime_path: &runtime_path,
        }) {
            Ok(generated) => crates.push(VendorCrate {
                vendor: source.vendor.clone(),
                generated,
            }),
            Err(e) => errors.push(format!("{}: {e}", source.vendor)),
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

/// Generates every selected vendor in memory; fails with every vendor's error if any failed.
pub fn generate_all(options: &GenOptions) -> Result<Vec<VendorCrate>> {
    let generator = lock::generator_hash(&options.root)?;
    generate_sources(options, &read_sources(options, &generator)?)
}

/// The report when the lock shows nothing changed, or `None` when generation must run.
fn unchanged_from_lock(
    options: &GenOptions,
    sources: &[VendorSource],
    generator: &str,
) -> Option<Outcome> {
    let lock = Lock::read(&options.out_dir)?;
    if lock.generator != generator {
        return None;
    }
    // A full run must also see vendors that disappeared (their crates are orphans).
    if options.vendor.is_none() && !lock.vendors.keys().eq(sources.iter().map(|s| &s.vendor)) {
        return None;
    }
    // An out tree's workspace manifest is output too: a missing or edited one means work to do.
    if !options.is_workspace_tree() {
        let expected = out_workspace_manifest(options, sources.iter().map(|s| &s.vendor));
        if fs::read_to_string(options.out_dir.join("Cargo.toml")).ok()? != expected {
            return None;
        }
    }
    let mut outcome = Outcome::default();
    for source in sources {
        let entry = lock.vendors.get(&source.vendor)?;
        if entry.inputs != source.inputs
            || !lock::outputs_match(&options.out_dir.join(&source.vendor), entry)
        {
            return None;
        }
        outcome.report.push(format!(
            "{}: {} operations, {} types, {} lines, unchanged",
            source.vendor, entry.operations, entry.types, entry.lines
        ));
        outcome.warnings.extend(entry.warnings.iter().cloned());
    }
    Some(outcome)
}

pub fn run(options: &GenOptions) -> Result<Outcome> {
    let generator = lock::generator_hash(&options.root)?;
    let sources = read_sources(options, &generator)?;
    if let Some(outcome) = unchanged_from_lock(options, &sources, &generator) {
        return Ok(outcome);
    }
    let mut crates = generate_sources(options, &sources)?;
    let mut outcome = Outcome::default();
    for (source, c) in sources.iter().zip(&mut crates) {
        let dir = options.out_dir.join(&c.vendor);
        let display = options.display(&dir);
        // Version of record and changelog, against the crate about to be replaced.
        let release = release::apply(
            &options.root,
            &dir,
            &display,
            &options.display(&source.dir),
            &mut c.generated,
        )?;
        let changes = files::sync_dir(
            &dir,
            &c.generated.files,
            Orphans::Remove,
            options.check,
            &options.display(&dir),
        )?;
        let mut line = report_line(&c.vendor, c, &changes, options.check);
        if !changes.is_empty() {
            line.push_str(&release::summary(&release));
            if options.check {
                outcome
                    .version_notes
                    .extend(release::check_note(&c.vendor, &display, &release));
            }
        }
        outcome.report.push(line);
        outcome
            .warnings
            .extend(c.generated.warnings.iter().map(ToString::to_string));
        absorb(&mut outcome, changes);
    }
    if options.vendor.is_none() {
        remove_orphan_crates(options, &crates, &mut outcome)?;
    }
    let mut top = BTreeMap::from([(
        LOCK_FILE.to_string(),
        new_lock(options, &sources, &crates, &generator).render(),
    )]);
    if !options.is_workspace_tree() {
        top.insert(
            "Cargo.toml".to_string(),
            out_workspace_manifest(options, crates.iter().map(|c| &c.vendor)),
        );
    }
    let changes = files::sync_dir(
        &options.out_dir,
        &top,
        Orphans::Keep,
        options.check,
        &options.display(&options.out_dir),
    )?;
    for path in &changes.written {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        outcome.report.push(format!(
            "{name}: {}",
            if options.check { "STALE" } else { "updated" }
        ));
    }
    absorb(&mut outcome, changes);
    Ok(outcome)
}

/// The lock after this run; with `--vendor`, other vendors keep their entries.
fn new_lock(
    options: &GenOptions,
    sources: &[VendorSource],
    crates: &[VendorCrate],
    generator: &str,
) -> Lock {
    let mut lock = match (&options.vendor, Lock::read(&options.out_dir)) {
        (Some(_), Some(previous)) => previous,
        _ => Lock::default(),
    };
    lock.generator = generator.to_string();
    for (source, c) in sources.iter().zip(crates) {
        let s = c.generated.stats;
        lock.vendors.insert(
            source.vendor.clone(),
            VendorEntry {
                inputs: source.inputs.clone(),
                outputs: c
                    .generated
                    .files
                    .iter()
                    .map(|(path, text)| (path.clone(), lock::hash(&[text.as_bytes()])))
                    .collect(),
                operations: s.operations as u64,
                types: s.types as u64,
                lines: s.lines as u64,
                warnings: c
                    .generated
                    .warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            },
        );
    }
    lock
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

fn out_workspace_manifest<'a>(
    options: &GenOptions,
    vendors: impl Iterator<Item = &'a String>,
) -> String {
    let mut members: Vec<String> = vendors.cloned().collect();
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
    format!(
        "# {}\n[workspace]\nresolver = \"3\"\nmembers = [\n{list}\n]\n",
        codegen::emit::header(&options.display(&options.specs_dir))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_common_ancestor() {
        assert_eq!(
            relative_path(Path::new("/w/generated/demo"), Path::new("/w/runtime")),
            "../../runtime"
        );
        assert_eq!(
            relative_path(Path::new("/tmp/out/demo"), Path::new("/w/runtime")),
            "../../../w/runtime"
        );
    }
}
