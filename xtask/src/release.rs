//! The semver step of `cargo xtask gen`: before a regenerated crate is written, read the crate
//! it replaces (its Cargo.toml version, the version of record, and its `src/client.rs` and
//! `src/sdk.rs` parsed with syn), compare the two APIs, and put the bumped version and the
//! updated `CHANGELOG.md` into the files to write. Runs only for vendors that are regenerated;
//! a run the lock answers never gets here. In a git checkout the crate it replaces is the one
//! of the last commit (`HEAD`), so regenerating several times before committing bumps once and
//! the changelog entry lists everything since the commit.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use codegen::GeneratedCrate;
use codegen::api::release::{self, CHANGELOG, Previous, Release};
use codegen::api::{ApiModel, Change, Impact, Level};

/// Decides the crate's version and changelog against the crate in `dir` and stores both in
/// `generated.files`. `source_dir` and `display` are how the spec folder and `dir` are shown.
pub fn apply(
    root: &Path,
    dir: &Path,
    display: &str,
    source_dir: &str,
    generated: &mut GeneratedCrate,
) -> Result<Release> {
    let manifest = generated
        .files
        .get("Cargo.toml")
        .context("the generated crate has no Cargo.toml")?
        .clone();
    let header = codegen::emit::header(source_dir);
    let plan = |previous, changes| {
        release::plan(
            previous,
            changes,
            &manifest,
            &header,
            &generated.crate_name,
            display,
        )
    };
    // A crate the last commit lacks (a new vendor, a scratch output directory) is compared
    // with what is on disk.
    let previous = match committed(root, dir).map(|c| c.read(display)).transpose()? {
        Some(Some(old)) => Some(old),
        _ => read_previous(dir, display)?,
    };
    let release = match previous {
        None => plan(None, Vec::new())?,
        Some(old) => {
            let new = |rel: &str| generated.files.get(rel).map_or("", String::as_str);
            // Identical API sources mean an identical API: skip the parsing, which is most of
            // this step's time (regenerations after a generator change that moved no output).
            let old_lib = old.lib.as_deref().unwrap_or(new("src/lib.rs"));
            let new_mock = generated.files.get("src/mock.rs").map(String::as_str);
            let changes = if old_lib == new("src/lib.rs")
                && old.mock.as_deref() == new_mock
                && old.client == new("src/client.rs")
                && old.sdk == new("src/sdk.rs")
            {
                Vec::new()
            } else {
                let old_api = match ApiModel::parse_crate(
                    &old.manifest,
                    old_lib,
                    &old.client,
                    &old.sdk,
                    old.mock.as_deref(),
                ) {
                    Ok(api) => api,
                    Err((file, e)) => bail!(
                        "{display}/{file} does not parse ({e}), so its API cannot be compared \
                         with the new one; restore it (`git checkout -- {display}`), or delete \
                         {display}/Cargo.toml to regenerate the crate as a first release"
                    ),
                };
                let changes = codegen::api::diff::diff(&old_api, &generated.api()?);
                if changes.is_empty() {
                    code_changed(&old, generated)
                } else {
                    changes
                }
            };
            plan(
                Some(Previous {
                    manifest: &old.manifest,
                    changelog: old.changelog.as_deref(),
                }),
                changes,
            )?
        }
    };
    generated
        .files
        .insert("Cargo.toml".to_string(), release.manifest.clone());
    generated
        .files
        .insert(CHANGELOG.to_string(), release.changelog.clone());
    Ok(release)
}

/// The one change to record when the sources differ and the API does not: a call may behave
/// differently (a generator fix, a path or value edited in the spec), so the crate gets a new
/// version and its changelog says which files changed. A user who upgrades needs no code change.
fn code_changed(old: &Old, generated: &GeneratedCrate) -> Vec<Change> {
    let new = |rel: &str| generated.files.get(rel).map(String::as_str);
    let files: Vec<String> = [
        ("src/lib.rs", old.lib.as_deref()),
        ("src/client.rs", Some(old.client.as_str())),
        ("src/sdk.rs", Some(old.sdk.as_str())),
        ("src/mock.rs", old.mock.as_deref()),
    ]
    .into_iter()
    // A lost crate root is restored from the generator alone: not a change of the crate.
    .filter(|(rel, before)| *rel != "src/lib.rs" || before.is_some())
    .filter(|(rel, before)| *before != new(rel))
    .map(|(rel, _)| format!("`{rel}`"))
    .collect();
    if files.is_empty() {
        return Vec::new();
    }
    vec![Change {
        impact: Impact::Changed,
        line: format!(
            "the generated code changed ({}) without a change to the public API: code that compiled still compiles; what a call sends or how it reads the answer may differ (a generator fix or a spec edit no signature shows)",
            files.join(", ")
        ),
    }]
}

/// What the semver step reads of the crate it replaces.
struct Old {
    manifest: String,
    /// The crate root, for its re-exports; `None` when lost (the regeneration restores it, and
    /// its re-exports are then compared as unchanged: they come from the generator alone).
    lib: Option<String>,
    client: String,
    sdk: String,
    /// The mock module (feature `mock`), when the crate had one.
    mock: Option<String>,
    changelog: Option<String>,
}

/// The crate this generator wrote last time in `dir`. `None` when there is none (no
/// Cargo.toml with our marker): the first generation.
fn read_previous(dir: &Path, display: &str) -> Result<Option<Old>> {
    let manifest = match fs::read_to_string(dir.join("Cargo.toml")) {
        Ok(text) if text.contains(codegen::emit::GENERATED_MARKER) => text,
        Ok(_) => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {display}/Cargo.toml")),
    };
    // Without the previous sources the change cannot be classified, and guessing "none" could
    // hide a breaking change: refuse, saying how to get them back.
    let read = |rel: &str| {
        fs::read_to_string(dir.join(rel)).with_context(|| {
            format!(
                "reading {display}/{rel}, the previous API that the semver check compares with; \
                 restore it (`git checkout -- {display}`), or delete {display}/Cargo.toml to \
                 regenerate the crate as a first release"
            )
        })
    };
    // Absent is an answer (a lost root, a crate without mocks); unreadable is not.
    let optional = |rel: &str| match fs::read_to_string(dir.join(rel)) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {display}/{rel}")),
    };
    let lib = optional("src/lib.rs")?;
    let client = read("src/client.rs")?;
    let sdk = read("src/sdk.rs")?;
    let mock = optional("src/mock.rs")?;
    let changelog = match fs::read_to_string(dir.join(CHANGELOG)) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {display}/{CHANGELOG}")),
    };
    Ok(Some(Old {
        manifest,
        lib,
        client,
        sdk,
        mock,
        changelog,
    }))
}

/// The crate's files at `HEAD`, when `root` is a git checkout with a commit and `dir` is in it.
struct Committed<'a> {
    root: &'a Path,
    /// `dir` relative to the checkout, with `/`.
    rel: String,
}

fn committed<'a>(root: &'a Path, dir: &Path) -> Option<Committed<'a>> {
    let rel = dir
        .strip_prefix(root)
        .ok()?
        .to_string_lossy()
        .replace('\\', "/");
    // Only the checkout's own top level: a scratch tree inside another repository (a test's,
    // under target/) is not that repository's commit.
    let top = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    let top = Path::new(String::from_utf8_lossy(&top.stdout).trim())
        .canonicalize()
        .ok()?;
    if top != root.canonicalize().ok()? {
        return None;
    }
    let head = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--verify", "--quiet", "HEAD"])
        .output()
        .ok()?;
    head.status.success().then_some(Committed { root, rel })
}

impl Committed<'_> {
    /// A file of the crate at `HEAD`; `None` when the commit does not have it.
    fn show(&self, file: &str) -> Option<String> {
        let out = Command::new("git")
            .arg("-C")
            .arg(self.root)
            .arg("show")
            .arg(format!("HEAD:{}/{file}", self.rel))
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn read(&self, display: &str) -> Result<Option<Old>> {
        let Some(manifest) = self
            .show("Cargo.toml")
            .filter(|m| m.contains(codegen::emit::GENERATED_MARKER))
        else {
            return Ok(None);
        };
        let source = |file: &str| {
            self.show(file).with_context(|| {
                format!("the last commit has {display}/Cargo.toml but not {display}/{file}, the previous API the semver check compares with")
            })
        };
        Ok(Some(Old {
            lib: self.show("src/lib.rs"),
            client: source("src/client.rs")?,
            sdk: source("src/sdk.rs")?,
            mock: self.show("src/mock.rs"),
            changelog: self.show(CHANGELOG),
            manifest,
        }))
    }
}

/// The report line's tail: `, version 0.1.0 -> 0.2.0 (breaking)`, or nothing when the version
/// stays.
pub fn summary(release: &Release) -> String {
    match &release.previous {
        None => format!(", version {} (initial release)", release.version),
        Some(old) if *old != release.version => format!(
            ", version {old} -> {} ({})",
            release.version,
            level_name(release.level())
        ),
        Some(_) => String::new(),
    }
}

/// What `--check` says when the checked-in crate misses a version bump: the vendor, the
/// version it needs, and each breaking change.
pub fn check_note(vendor: &str, display: &str, release: &Release) -> Option<String> {
    let old = release.previous.as_ref()?;
    if *old == release.version {
        return None;
    }
    let mut note = match release.level() {
        Level::Breaking => format!(
            "{vendor}: the API changes in a breaking way (through the spec or the generator), which needs a version bump to {} ({display}/Cargo.toml has {old}); breaking changes:",
            release.version
        ),
        Level::Additive => format!(
            "{vendor}: the API gains items, which needs version {} ({display}/Cargo.toml has {old})",
            release.version
        ),
        Level::Changed => format!(
            "{vendor}: the generated code changes under the same API, which needs version {} ({display}/Cargo.toml has {old})",
            release.version
        ),
        Level::None => format!(
            "{vendor}: vendor.toml sets version {} ({display}/Cargo.toml has {old})",
            release.version
        ),
    };
    for line in release.breaking() {
        note.push_str(&format!("\n  - {line}"));
    }
    note.push_str(&format!(
        "\n  run `cargo xtask gen` to regenerate {display}, bump its version and record the changes in {display}/{CHANGELOG}"
    ));
    Some(note)
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Breaking => "breaking",
        Level::Additive => "additive",
        Level::Changed => "same API, changed code",
        Level::None => "set in vendor.toml",
    }
}
