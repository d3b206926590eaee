//! `cargo xtask update <vendor> [--write | --check]`: fetches the upstream documents a vendor's
//! `vendor.toml` lists (`[[upstream]]`: file, url, sha256), and says what changed and what it
//! means for the crate: the API differences between the crate the stored documents generate and
//! the one the upstream documents generate, classified by the semver step of `cargo xtask gen`
//! (`codegen::api`), and the version that follows.
//!
//! Nothing is written without `--write`. With it, once every document was fetched, parsed and
//! generated: the documents are stored, vendor.toml gets their sha256, SOURCE.md a line per
//! document (date, URL, sha256), and the vendor is regenerated (which bumps the version and
//! writes the changelog). An unreachable URL, a document that is no OpenAPI document or does
//! not generate, or a stored document that does not match its recorded sha256 is an error,
//! and nothing is written.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use codegen::api::diff::level;
use codegen::api::release::{self as api_release, CHANGELOG, Previous};
use codegen::api::{Change, Impact, Level};
use codegen::settings::Upstream;
use codegen::{GeneratedCrate, SourceFile, VendorInput};

use crate::gen_cmd::{self, GenOptions};

/// What to do once the documents are fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Report only.
    Report,
    /// Report; the caller exits non-zero when upstream moved.
    Check,
    /// Report, then store, record and regenerate.
    Write,
}

/// One upstream document: what is stored and what is published.
#[derive(Debug)]
pub struct Fetched {
    pub upstream: Upstream,
    pub text: String,
    pub sha256: String,
}

impl Fetched {
    pub fn moved(&self) -> bool {
        self.sha256 != self.upstream.sha256
    }
}

#[derive(Debug, Default)]
pub struct Outcome {
    /// The report, one line each.
    pub report: Vec<String>,
    /// Whether any document differs from the stored one.
    pub moved: bool,
    /// Whether the documents were stored and the crate regenerated.
    pub written: bool,
}

/// Fetches one URL: the body as text, or an error naming the URL.
fn fetch(agent: &ureq::Agent, url: &str) -> Result<String> {
    let mut response = agent
        .get(url)
        .call()
        .with_context(|| format!("fetching {url}"))?;
    response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .with_context(|| format!("reading the document at {url} (it must be UTF-8 text)"))
}

pub fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}

fn generate(
    options: &GenOptions,
    vendor: &str,
    shown: &str,
    files: &[SourceFile],
) -> Result<GeneratedCrate, codegen::Error> {
    let runtime_path =
        gen_cmd::relative_path(&options.out_dir.join(vendor), &options.root.join("runtime"));
    codegen::generate(&VendorInput {
        vendor,
        source_dir: shown,
        files,
        runtime_path: &runtime_path,
    })
}

pub fn run(options: &GenOptions, vendor: &str, mode: Mode) -> Result<Outcome> {
    let dir = options.specs_dir.join(vendor);
    let shown = display(options, &dir);
    if !dir.is_dir() {
        bail!("no vendor folder {shown}");
    }
    let settings_path = dir.join(codegen::source::SETTINGS_FILE);
    let settings_shown = format!("{shown}/{}", codegen::source::SETTINGS_FILE);
    let settings = match fs::read_to_string(&settings_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {settings_shown}")),
    };
    let upstream = codegen::settings::upstream(&settings_shown, &settings)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if upstream.is_empty() {
        bail!(
            "{settings_shown} lists no upstream documents, so there is nothing to fetch; add one \
             [[upstream]] table per document the vendor publishes (file = \"<name in {shown}>\", \
             url = \"https://...\", sha256 = \"<sha256 of the stored file>\"; `sha256sum` prints it)"
        );
    }
    let files = gen_cmd::read_vendor(&dir, vendor, &shown)?;
    // The stored documents must be the versions vendor.toml records: the comparison starts
    // from them, and an edited upstream file breaks the rule that fixes go in overlays.
    for u in &upstream {
        let stored = files.iter().find(|f| f.name == u.file).with_context(|| {
            format!(
                "{settings_shown} lists `{}`, which {shown} does not have; store the document \
                 there first (upstream documents are vendored verbatim)",
                u.file
            )
        })?;
        let sha = sha256_hex(&stored.text);
        if !sha.eq_ignore_ascii_case(&u.sha256) {
            bail!(
                "hash mismatch: {shown}/{} has sha256 {sha}, but {settings_shown} records {}; \
                 upstream documents are stored verbatim (fixes go in overlays): restore the file \
                 (`git checkout -- {shown}/{}`), or correct the sha256 if the record is wrong. \
                 Nothing was fetched or written",
                u.file,
                u.sha256,
                u.file
            );
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .user_agent(concat!("xtask-update/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut fetched = Vec::new();
    for u in &upstream {
        let text = fetch(&agent, &u.url).with_context(|| {
            format!(
                "{shown}/{}: upstream is unreachable; nothing was written",
                u.file
            )
        })?;
        let value = codegen::source::parse(&format!("{} ({})", u.file, u.url), &u.file, &text)
            .map_err(|e| {
                anyhow::anyhow!("{e}\nthe upstream document is not valid; nothing was written")
            })?;
        if !value.get("openapi").is_some_and(|v| v.is_string()) {
            bail!(
                "{} is not an OpenAPI document (no top-level `openapi: 3.x`); check the URL in \
                 {settings_shown}. Nothing was written",
                u.url
            );
        }
        fetched.push(Fetched {
            upstream: u.clone(),
            sha256: sha256_hex(&text),
            text,
        });
    }
    let mut outcome = Outcome {
        moved: fetched.iter().any(Fetched::moved),
        ..Outcome::default()
    };
    let moved = fetched.iter().filter(|f| f.moved()).count();
    outcome.report.push(if moved == 0 {
        format!(
            "{vendor}: upstream unchanged ({} as recorded in {settings_shown})",
            documents(fetched.len())
        )
    } else {
        format!(
            "{vendor}: upstream moved ({moved} of {})",
            documents(fetched.len())
        )
    });
    for f in &fetched {
        outcome.report.push(if f.moved() {
            format!(
                "  {}: sha256 {} -> {} ({} -> {} bytes), {}",
                f.upstream.file,
                short(&f.upstream.sha256),
                short(&f.sha256),
                files
                    .iter()
                    .find(|s| s.name == f.upstream.file)
                    .map_or(0, |s| s.text.len()),
                f.text.len(),
                f.upstream.url
            )
        } else {
            format!("  {}: unchanged", f.upstream.file)
        });
    }
    if !outcome.moved {
        return Ok(outcome);
    }
    // What the move means: the crate of the stored documents against the crate of upstream's,
    // both generated here, so generator changes do not show as upstream's.
    let mut new_files = files.clone();
    for f in &fetched {
        if let Some(file) = new_files.iter_mut().find(|s| s.name == f.upstream.file) {
            file.text = f.text.clone();
        }
    }
    let old = generate(options, vendor, &shown, &files).map_err(|e| {
        anyhow::anyhow!("{e}\nthe stored documents do not generate, so there is nothing to compare with; fix that first (`cargo xtask gen --vendor {vendor}`)")
    })?;
    let new = generate(options, vendor, &shown, &new_files).map_err(|e| {
        anyhow::anyhow!("{e}\nthe upstream documents do not generate a crate (an overlay may need updating); nothing was written")
    })?;
    let changes = codegen::api::diff::diff(
        &old.api().map_err(|e| anyhow::anyhow!("{e}"))?,
        &new.api().map_err(|e| anyhow::anyhow!("{e}"))?,
    );
    let crate_dir = options.out_dir.join(vendor);
    let crate_shown = display(options, &crate_dir);
    describe(&mut outcome.report, &changes);
    outcome
        .report
        .push(meaning(&crate_dir, &crate_shown, &shown, &new, changes)?);
    match mode {
        Mode::Report => outcome.report.push(format!(
            "nothing written: `cargo xtask update {vendor} --write` stores the documents, records them in {shown}/SOURCE.md, regenerates {crate_shown} and bumps its version"
        )),
        Mode::Check => {}
        Mode::Write => {
            let generated = write(options, vendor, &dir, &settings, &fetched)?;
            outcome.report.push(format!(
                "stored {} in {shown}, their sha256 in {settings_shown}, a record in {shown}/SOURCE.md; regenerated:",
                documents(moved)
            ));
            outcome
                .report
                .extend(generated.into_iter().map(|l| format!("  {l}")));
            outcome.written = true;
        }
    }
    Ok(outcome)
}

fn documents(n: usize) -> String {
    if n == 1 {
        "1 document".into()
    } else {
        format!("{n} documents")
    }
}

/// The API changes, breaking first.
fn describe(report: &mut Vec<String>, changes: &[Change]) {
    if changes.is_empty() {
        report.push(
            "  the crate's API does not change (descriptions, examples or wire details only)"
                .into(),
        );
        return;
    }
    for (impact, title) in [
        (Impact::Breaking, "breaking"),
        (Impact::Additive, "added"),
        (Impact::Changed, "changed"),
    ] {
        let lines: Vec<&Change> = changes.iter().filter(|c| c.impact == impact).collect();
        if !lines.is_empty() {
            report.push(format!("  {title}:"));
            report.extend(lines.iter().map(|c| format!("    - {}", c.line)));
        }
    }
}

/// The version the changes call for, from the checked-in crate's version of record.
fn meaning(
    crate_dir: &Path,
    crate_shown: &str,
    shown: &str,
    new: &GeneratedCrate,
    changes: Vec<Change>,
) -> Result<String> {
    let what = match level(&changes) {
        Level::Breaking => "a breaking change",
        Level::Additive => "an additive change",
        Level::Changed | Level::None => "no API change",
    };
    let Ok(manifest) = fs::read_to_string(crate_dir.join("Cargo.toml")) else {
        return Ok(format!(
            "  => {what}; {crate_shown} does not exist yet, so its first version is vendor.toml's"
        ));
    };
    let changelog = fs::read_to_string(crate_dir.join(CHANGELOG)).ok();
    let release = api_release::plan(
        Some(Previous {
            manifest: &manifest,
            changelog: changelog.as_deref(),
        }),
        changes,
        new.files
            .get("Cargo.toml")
            .context("the generated crate has no Cargo.toml")?,
        &codegen::emit::header(shown),
        &new.crate_name,
        crate_shown,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(match &release.previous {
        Some(old) if *old != release.version => format!(
            "  => {what}: {} version {old} -> {}",
            new.crate_name, release.version
        ),
        Some(old) => format!("  => {what}: {} stays at version {old}", new.crate_name),
        None => format!("  => {what}: {} {}", new.crate_name, release.version),
    })
}

/// Stores the documents, records them, regenerates. Everything was fetched and generated
/// in memory before this runs.
fn write(
    options: &GenOptions,
    vendor: &str,
    dir: &Path,
    settings: &str,
    fetched: &[Fetched],
) -> Result<Vec<String>> {
    let date = today();
    let mut settings = settings.to_string();
    let mut rows = Vec::new();
    for f in fetched.iter().filter(|f| f.moved()) {
        settings = replace_sha(&settings, &f.upstream, &f.sha256)?;
        rows.push(format!(
            "| {date} | `{}` | {} | `{}` |",
            f.upstream.file, f.upstream.url, f.sha256
        ));
    }
    let source_md = dir.join("SOURCE.md");
    let previous = match fs::read_to_string(&source_md) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            format!("# {vendor}: provenance\n")
        }
        Err(e) => return Err(e).with_context(|| format!("reading {}", source_md.display())),
    };
    let source_md_text = record(&previous, &rows);
    for f in fetched.iter().filter(|f| f.moved()) {
        write_file(&dir.join(&f.upstream.file), &f.text)?;
    }
    write_file(&dir.join(codegen::source::SETTINGS_FILE), &settings)?;
    write_file(&source_md, &source_md_text)?;
    let mut gen_options = options.clone();
    gen_options.vendor = Some(vendor.to_string());
    gen_options.check = false;
    let generated = gen_cmd::run(&gen_options).context(
        "the documents were stored but regeneration failed; run `cargo xtask gen` to see why",
    )?;
    Ok(generated.report)
}

const RECORD_HEADING: &str = "## Upstream updates";

/// SOURCE.md with a row per stored document under "## Upstream updates" (created at the end on
/// first use), newest last.
pub fn record(source_md: &str, rows: &[String]) -> String {
    let mut text = source_md.trim_end().to_string();
    if !text.contains(RECORD_HEADING) {
        text.push_str(&format!(
            "\n\n{RECORD_HEADING}\n\nStored by `cargo xtask update`: the date, the URL and the sha256 of each document fetched.\n\n| date (UTC) | file | url | sha256 |\n|---|---|---|---|"
        ));
    }
    // Rows go at the end of the section's table: the section is the last one `record` writes,
    // but a maintainer may have added text after it.
    let at = text.find(RECORD_HEADING).unwrap_or_default();
    let section_end = text[at + RECORD_HEADING.len()..]
        .find("\n## ")
        .map_or(text.len(), |i| at + RECORD_HEADING.len() + i);
    let (head, tail) = text.split_at(section_end);
    let mut out = head.trim_end().to_string();
    for row in rows {
        out.push('\n');
        out.push_str(row);
    }
    if !tail.is_empty() {
        out.push_str("\n\n");
        out.push_str(tail.trim_start());
    }
    out.push('\n');
    out
}

/// vendor.toml with the `sha256` of `upstream`'s table replaced, comments and order kept.
fn replace_sha(settings: &str, upstream: &Upstream, sha: &str) -> Result<String> {
    let mut tables: Vec<String> = Vec::new();
    for line in settings.split_inclusive('\n') {
        if line.trim_start().starts_with("[[upstream]]") || tables.is_empty() {
            tables.push(String::new());
        }
        if let Some(table) = tables.last_mut() {
            table.push_str(line);
        }
    }
    let mut done = false;
    for table in tables.iter_mut().skip(1) {
        let names_file = table.lines().any(|l| {
            let l = l.trim();
            l.starts_with("file")
                && l.split_once('=')
                    .is_some_and(|(_, v)| v.trim().trim_matches(['"', '\'']) == upstream.file)
        });
        if names_file && !done && table.contains(&upstream.sha256) {
            *table = table.replace(&upstream.sha256, sha);
            done = true;
        }
    }
    if !done {
        bail!(
            "cannot find the sha256 of `{}` in vendor.toml to replace; nothing was written",
            upstream.file
        );
    }
    Ok(tables.concat())
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("xtask-tmp");
    fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))
}

fn display(options: &GenOptions, path: &Path) -> String {
    path.strip_prefix(&options.root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Today's date in UTC, `YYYY-MM-DD` (days to civil date, H. Hinnant's algorithm).
pub fn today() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil(secs / 86_400)
}

fn civil(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), "1970-01-01");
        assert_eq!(civil(19_782), "2024-02-29");
        assert_eq!(civil(20_454), "2026-01-01");
    }

    #[test]
    fn only_the_named_tables_sha_is_replaced() {
        let (a, b) = ("a".repeat(64), "b".repeat(64));
        let text = format!(
            "# settings\nstrict = true\n\n[[upstream]]\nfile = \"one.yaml\"\nurl = \"https://x/one\"\nsha256 = \"{a}\"  # pinned\n\n[[upstream]]\nfile = 'two.yaml'\nurl = \"https://x/two\"\nsha256 = \"{a}\"\n"
        );
        let two = Upstream {
            file: "two.yaml".into(),
            url: "https://x/two".into(),
            sha256: a.clone(),
        };
        let out = replace_sha(&text, &two, &b).unwrap();
        assert_eq!(
            out,
            text.replacen(
                &format!("sha256 = \"{a}\"\n"),
                &format!("sha256 = \"{b}\"\n"),
                1
            )
        );
        assert!(out.contains(&format!("sha256 = \"{a}\"  # pinned")));
    }

    #[test]
    fn records_go_under_one_heading() {
        let first = record("# demo: provenance\n\n| file |\n", &["| r1 |".into()]);
        assert!(first.ends_with("|---|---|---|---|\n| r1 |\n"), "{first}");
        let second = record(&format!("{first}\n## Notes\n\ntext\n"), &["| r2 |".into()]);
        assert!(
            second.contains("| r1 |\n| r2 |\n\n## Notes\n\ntext\n"),
            "{second}"
        );
        assert_eq!(second.matches(RECORD_HEADING).count(), 1);
    }
}
