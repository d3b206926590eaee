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
use codegen::api::{ApiModel, Change, Impact, Level, dependencies};

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
            let changes = changes(&old, generated, display)?;
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

/// What changed from the crate on record to the new one: the API's changes, or, when the
/// sources differ and the API does not, the one entry naming the files (a call may behave
/// differently: a generator fix, a path or value edited in the spec). Nothing when sources and
/// dependencies are identical: then the API is too, and the parsing, most of this step's time,
/// is skipped.
fn changes(old: &Old, generated: &GeneratedCrate, display: &str) -> Result<Vec<Change>> {
    let new = |rel: &str| generated.files.get(rel).map(String::as_str);
    let sources: Vec<String> = [
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
    let manifest = new("Cargo.toml").unwrap_or_default();
    // Compared as read: the manifests' versions differ by design, and a generator that moves
    // a dependency to a new major version changes no source.
    let same_dependencies = matches!(
        (dependencies::read(&old.manifest), dependencies::read(manifest)),
        (Ok(a), Ok(b)) if a == b
    );
    if sources.is_empty() && same_dependencies {
        return Ok(Vec::new());
    }
    let old_api = match ApiModel::parse_crate(
        &old.manifest,
        old.lib.as_deref().or(new("src/lib.rs")).unwrap_or_default(),
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
    if !changes.is_empty() || sources.is_empty() {
        return Ok(changes);
    }
    Ok(vec![Change {
        impact: Impact::Changed,
        line: format!(
            "the generated code changed ({}) without a change to the public API: code that compiled still compiles; what a call sends or how it reads the answer may differ (a generator fix or a spec edit no signature shows)",
            sources.join(", ")
        ),
    }])
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A crate whose API names `uuid::Uuid`.
    fn generated() -> GeneratedCrate {
        let files = [codegen::SourceFile {
            name: "api.yaml".into(),
            text: "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content: {application/json: {schema: {type: object, properties: {id: {type: string, format: uuid}}}}}\n".into(),
        }];
        codegen::generate(&codegen::VendorInput {
            vendor: "v",
            source_dir: "specs/v",
            files: &files,
            runtime_path: "../../runtime",
        })
        .unwrap()
    }

    /// The crate on record: the generated one's sources, with `manifest`.
    fn on_record(new: &GeneratedCrate, manifest: String) -> Old {
        Old {
            manifest,
            lib: Some(new.files["src/lib.rs"].clone()),
            client: new.files["src/client.rs"].clone(),
            sdk: new.files["src/sdk.rs"].clone(),
            mock: new.files.get("src/mock.rs").cloned(),
            changelog: None,
        }
    }

    /// Identical sources and dependencies: nothing to record.
    #[test]
    fn the_same_crate_changes_nothing() {
        let new = generated();
        let old = on_record(&new, new.files["Cargo.toml"].clone());
        assert!(changes(&old, &new, "generated/v").unwrap().is_empty());
    }

    /// A generator that moves a public dependency to a new major version changes no source; the
    /// bump is still breaking for code that names the dependency's types.
    #[test]
    fn a_dependency_major_bump_alone_is_found() {
        let new = generated();
        let manifest = new.files["Cargo.toml"]
            .replace(r#"uuid = { version = "1","#, r#"uuid = { version = "0.8","#);
        assert_ne!(
            manifest, new.files["Cargo.toml"],
            "the test edits the uuid entry"
        );
        let old = on_record(&new, manifest);
        let found = changes(&old, &new, "generated/v").unwrap();
        assert!(
            matches!(&found[..], [c] if c.impact == Impact::Breaking && c.line.contains("`uuid`")),
            "{found:?}"
        );
    }

    /// Sources that differ under the same API: one entry naming the files.
    #[test]
    fn changed_code_under_the_same_api_is_one_entry() {
        let new = generated();
        let mut old = on_record(&new, new.files["Cargo.toml"].clone());
        old.client.push_str("\n// an older generator's comment\n");
        let found = changes(&old, &new, "generated/v").unwrap();
        assert!(
            matches!(&found[..], [c] if c.impact == Impact::Changed && c.line.contains("(`src/client.rs`)")),
            "{found:?}"
        );
    }
}
