//! The version of record and the changelog of a regenerated crate: the previous generation's
//! `Cargo.toml` version, bumped by Cargo's rules for the API changes [`super::diff`] found, or
//! for changed code under the same API (never below the `version` of vendor.toml, so a
//! maintainer can still force one), and a `CHANGELOG.md` with an entry per version. Pure: the driver reads the
//! previous crate and writes the result.

use semver::Version;

use super::diff::{Change, Impact, Level, level};
use crate::error::{Error, Location, Result, Stage};

/// The crate as it was before this generation.
pub struct Previous<'a> {
    /// Its `Cargo.toml`, the version of record.
    pub manifest: &'a str,
    /// Its `CHANGELOG.md`, `None` for crates generated before changelogs were written.
    pub changelog: Option<&'a str>,
}

/// What this generation writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The previous version of record, `None` on a first generation.
    pub previous: Option<Version>,
    pub version: Version,
    pub changes: Vec<Change>,
    /// The new `Cargo.toml`, carrying `version`.
    pub manifest: String,
    pub changelog: String,
}

impl Release {
    pub fn level(&self) -> Level {
        level(&self.changes)
    }

    /// The breaking changes' lines.
    pub fn breaking(&self) -> impl Iterator<Item = &str> {
        self.changes
            .iter()
            .filter(|c| c.impact == Impact::Breaking)
            .map(|c| c.line.as_str())
    }
}

/// The file name of the changelog in a generated crate.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// Decides the version and the changelog from the API `changes` since `previous` (see
/// [`super::diff::diff`]; the caller may skip the comparison when the sources are identical).
/// `manifest` is the freshly generated `Cargo.toml`
/// (its version is vendor.toml's, the floor), `header` the generated-file header line, `crate_dir`
/// how the crate's folder is shown in errors.
pub fn plan(
    previous: Option<Previous<'_>>,
    changes: Vec<Change>,
    manifest: &str,
    header: &str,
    crate_name: &str,
    crate_dir: &str,
) -> Result<Release> {
    let floor = manifest_version(manifest)
        .map_err(|m| Error::bug(crate_dir, format!("the generated Cargo.toml: {m}")))?;
    let Some(previous) = previous else {
        let entries = format!("## {floor}\n\nInitial release.\n");
        return Ok(Release {
            previous: None,
            changelog: changelog(header, crate_name, &entries),
            manifest: manifest.to_string(),
            version: floor,
            changes: Vec::new(),
        });
    };
    let old = manifest_version(previous.manifest).map_err(|m| {
        Error::new(
            Stage::Emit,
            Location {
                file: format!("{crate_dir}/Cargo.toml"),
                pointer: "/package/version".into(),
            },
            format!("the checked-in crate's version of record cannot be read: {m}"),
            "restore the file from version control, or set the version in vendor.toml",
        )
    })?;
    // A changelog ahead of the manifest (a version line lost in a merge) still counts: the
    // version never goes back below one already recorded.
    let newest = previous
        .changelog
        .and_then(|c| c.lines().find_map(|l| l.strip_prefix("## ")));
    let recorded = match newest.map(|v| Version::parse(v.trim())) {
        None => None,
        Some(Ok(version)) => Some(version),
        // Ignoring it would drop the guarantee silently.
        Some(Err(e)) => {
            return Err(Error::new(
                Stage::Emit,
                Location {
                    file: format!("{crate_dir}/CHANGELOG.md"),
                    pointer: String::new(),
                },
                format!(
                    "the newest entry's heading `## {}` is not a version: {e}",
                    newest.unwrap_or_default().trim()
                ),
                "restore the file from version control, or make the heading `## <major>.<minor>.<patch>`",
            ));
        }
    };
    let old = match recorded {
        Some(recorded) if recorded > old => recorded,
        _ => old,
    };
    let bumped = bump(&old, level(&changes));
    let version = if floor > bumped { floor } else { bumped };
    // Earlier entries are kept as written; a crate from before changelogs starts its history
    // with the version it had.
    let earlier = match previous.changelog.and_then(|c| c.find("\n## ")) {
        Some(at) => previous.changelog.unwrap_or_default()[at + 1..].to_string(),
        None => format!("## {old}\n\nInitial release.\n"),
    };
    let entries = if version == old {
        earlier
    } else {
        format!("{}\n{earlier}", entry(&version, &changes))
    };
    Ok(Release {
        changelog: changelog(header, crate_name, &entries),
        manifest: with_version(manifest, &version)
            .ok_or_else(|| Error::bug(crate_dir, "the generated Cargo.toml has no version"))?,
        previous: Some(old),
        version,
        changes,
    })
}

/// Cargo's compatibility rules: left of the first non-zero number is the "major" part. A
/// breaking change bumps it (1.2.3 -> 2.0.0, 0.2.3 -> 0.3.0, 0.0.3 -> 0.0.4); an addition bumps
/// the next one (1.2.3 -> 1.3.0, 0.2.3 -> 0.2.4, 0.0.3 -> 0.0.4); changed code under the same
/// API bumps the patch (1.2.3 -> 1.2.4, 0.2.3 -> 0.2.4), so no two releases share a version. A pre-release is bumped like
/// its numbers (`^1.0.0-beta.1` accepts 1.x, so a breaking change must leave 1).
pub fn bump(v: &Version, level: Level) -> Version {
    let (major, minor, patch) = (v.major, v.minor, v.patch);
    match level {
        Level::None => v.clone(),
        Level::Breaking if major > 0 => Version::new(major + 1, 0, 0),
        Level::Breaking if minor > 0 => Version::new(0, minor + 1, 0),
        Level::Additive if major > 0 => Version::new(major, minor + 1, 0),
        Level::Breaking | Level::Additive | Level::Changed => Version::new(major, minor, patch + 1),
    }
}

fn entry(version: &Version, changes: &[Change]) -> String {
    if changes.is_empty() {
        return format!("## {version}\n\nVersion set in vendor.toml; no API change.\n");
    }
    let mut out = format!("## {version}\n");
    for (title, impact) in [
        ("Breaking", Impact::Breaking),
        ("Added", Impact::Additive),
        ("Changed", Impact::Changed),
    ] {
        let lines: Vec<String> = changes
            .iter()
            .filter(|c| c.impact == impact)
            .map(|c| format!("- {}\n", c.line))
            .collect();
        if !lines.is_empty() {
            out.push_str(&format!("\n### {title}\n\n{}", lines.concat()));
        }
    }
    out
}

fn changelog(header: &str, crate_name: &str, entries: &str) -> String {
    format!(
        "<!-- {header} -->\n# Changelog\n\n\
         Changes to `{crate_name}`, newest first. `cargo xtask gen` compares the public API \
         before and after each regeneration and writes an entry when it or the generated code \
         changed, bumping the version by Cargo's rules (breaking: 0.y.z -> 0.(y+1).0, x.y.z -> \
         (x+1).0.0; added: 0.y.z -> 0.y.(z+1), x.y.z -> x.(y+1).0; changed code under the same \
         API: x.y.z -> x.y.(z+1)).\n\n{entries}"
    )
}

/// `[package] version` of a Cargo manifest.
pub fn manifest_version(manifest: &str) -> std::result::Result<Version, String> {
    let table: toml::Table = toml::from_str(manifest).map_err(|e| e.message().to_string())?;
    let text = table
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .ok_or("no `version` in `[package]`")?;
    Version::parse(text).map_err(|e| format!("`{text}` is not a semver version: {e}"))
}

/// The manifest with its `[package]` version line replaced, everything else as it was.
fn with_version(manifest: &str, version: &Version) -> Option<String> {
    let mut in_package = false;
    let mut replaced = false;
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            in_package = trimmed.starts_with("[package]");
        }
        if in_package && !replaced && trimmed.starts_with("version = ") {
            out.push_str(&format!("version = \"{version}\"\n"));
            replaced = true;
        } else {
            out.push_str(line);
        }
    }
    replaced.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ApiModel, diff::diff};

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn cargo_bump_rules() {
        let cases = [
            ("0.1.0", Level::Breaking, "0.2.0"),
            ("0.1.3", Level::Additive, "0.1.4"),
            ("0.1.3", Level::None, "0.1.3"),
            ("0.1.3", Level::Changed, "0.1.4"),
            ("1.2.3", Level::Changed, "1.2.4"),
            ("0.0.3", Level::Breaking, "0.0.4"),
            ("0.0.3", Level::Additive, "0.0.4"),
            ("1.2.3", Level::Breaking, "2.0.0"),
            ("1.2.3", Level::Additive, "1.3.0"),
            ("1.0.0-beta.1", Level::Breaking, "2.0.0"),
        ];
        for (from, level, to) in cases {
            assert_eq!(bump(&v(from), level), v(to), "{from} {level:?}");
        }
    }

    const MANIFEST: &str = "# @generated\n[package]\nname = \"demo-client\"\nversion = \"0.1.0\"\n\n[dependencies]\nx = { version = \"1\" }\n";

    fn api(types: &str) -> ApiModel {
        ApiModel::parse(&format!("pub mod types {{ {types} }}"), "").unwrap()
    }

    #[test]
    fn first_generation_is_the_initial_release() {
        let r = plan(
            None,
            Vec::new(),
            MANIFEST,
            "H",
            "demo-client",
            "generated/demo",
        )
        .unwrap();
        assert_eq!(r.version, v("0.1.0"));
        assert_eq!(r.manifest, MANIFEST);
        assert!(r.changelog.starts_with("<!-- H -->\n# Changelog\n"));
        assert!(
            r.changelog.ends_with("## 0.1.0\n\nInitial release.\n"),
            "{}",
            r.changelog
        );
    }

    #[test]
    fn a_breaking_change_then_an_addition_then_nothing() {
        let v1 = api("pub struct T { pub a: String, pub b: String }");
        let first = plan(None, Vec::new(), MANIFEST, "H", "demo-client", "g").unwrap();

        let v2 = api("pub struct T { pub a: String }");
        let second = plan(
            Some(Previous {
                manifest: &first.manifest,
                changelog: Some(&first.changelog),
            }),
            diff(&v1, &v2),
            MANIFEST,
            "H",
            "demo-client",
            "g",
        )
        .unwrap();
        assert_eq!(
            (second.previous.clone(), second.version.clone()),
            (Some(v("0.1.0")), v("0.2.0"))
        );
        assert!(second.manifest.contains("\nversion = \"0.2.0\"\n"));
        assert!(
            second.manifest.contains("x = { version = \"1\" }"),
            "only the package's version"
        );
        assert!(
            second.changelog.contains(
                "## 0.2.0\n\n### Breaking\n\n- removed field `T.b`\n\n## 0.1.0\n\nInitial release.\n"
            ),
            "{}",
            second.changelog
        );
        assert_eq!(
            second.breaking().collect::<Vec<_>>(),
            ["removed field `T.b`"]
        );

        let v3 = api("pub struct T { pub a: String } pub struct U;");
        let third = plan(
            Some(Previous {
                manifest: &second.manifest,
                changelog: Some(&second.changelog),
            }),
            diff(&v2, &v3),
            MANIFEST,
            "H",
            "demo-client",
            "g",
        )
        .unwrap();
        assert_eq!(third.version, v("0.2.1"));
        assert!(
            third
                .changelog
                .contains("## 0.2.1\n\n### Added\n\n- added struct `U`\n\n## 0.2.0\n"),
            "{}",
            third.changelog
        );

        // Unchanged: same version, same changelog, byte for byte.
        let again = plan(
            Some(Previous {
                manifest: &third.manifest,
                changelog: Some(&third.changelog),
            }),
            diff(&v3, &v3),
            MANIFEST,
            "H",
            "demo-client",
            "g",
        )
        .unwrap();
        assert_eq!(
            (&again.version, &again.manifest, &again.changelog),
            (&third.version, &third.manifest, &third.changelog)
        );
    }

    #[test]
    fn vendor_toml_s_version_is_a_floor_and_old_crates_start_a_history() {
        let a = api("pub struct T;");
        let forced = MANIFEST.replace("0.1.0", "1.0.0");
        let r = plan(
            Some(Previous {
                manifest: MANIFEST,
                changelog: None,
            }),
            diff(&a, &a),
            &forced,
            "H",
            "demo-client",
            "g",
        )
        .unwrap();
        assert_eq!(r.version, v("1.0.0"));
        assert!(
            r.changelog.ends_with(
                "## 1.0.0\n\nVersion set in vendor.toml; no API change.\n\n## 0.1.0\n\nInitial release.\n"
            ),
            "{}",
            r.changelog
        );
        // Without a change or a forced version, a crate without a changelog gets one.
        let r = plan(
            Some(Previous {
                manifest: MANIFEST,
                changelog: None,
            }),
            diff(&a, &a),
            MANIFEST,
            "H",
            "demo-client",
            "g",
        )
        .unwrap();
        assert_eq!(r.version, v("0.1.0"));
        assert!(r.changelog.ends_with("\n## 0.1.0\n\nInitial release.\n"));
    }

    #[test]
    fn a_version_lost_from_the_manifest_is_taken_from_the_changelog() {
        let a = api("pub struct T;");
        let changelog = "<!-- H -->\n# Changelog\n\n## 0.2.0\n\n### Breaking\n\n- x\n\n## 0.1.0\n\nInitial release.\n";
        let r = plan(
            Some(Previous {
                manifest: MANIFEST,
                changelog: Some(changelog),
            }),
            diff(&a, &api("pub struct T; pub struct U;")),
            MANIFEST,
            "H",
            "demo-client",
            "g",
        )
        .unwrap();
        assert_eq!(
            r.version,
            v("0.2.1"),
            "bumped from the recorded 0.2.0, not 0.1.0"
        );
    }

    #[test]
    fn a_changelog_heading_that_is_no_version_is_an_error_naming_the_file() {
        let a = api("pub struct T;");
        let changelog = "<!-- H -->\n# Changelog\n\n## 0.2\n\n- x\n";
        let Err(e) = plan(
            Some(Previous {
                manifest: MANIFEST,
                changelog: Some(changelog),
            }),
            diff(&a, &a),
            MANIFEST,
            "H",
            "demo-client",
            "g",
        ) else {
            panic!("refused");
        };
        let e = e.to_string();
        assert!(e.contains("g/CHANGELOG.md"), "{e}");
        assert!(e.contains("`## 0.2` is not a version"), "{e}");
    }

    #[test]
    fn an_unreadable_version_of_record_is_an_error_naming_the_file() {
        let a = api("");
        let e = plan(
            Some(Previous {
                manifest: "[package]\nname = \"x\"\nversion = \"one\"\n",
                changelog: None,
            }),
            diff(&a, &a),
            MANIFEST,
            "H",
            "x",
            "generated/x",
        )
        .unwrap_err();
        assert_eq!(
            e.location.to_string(),
            "generated/x/Cargo.toml#/package/version"
        );
        assert!(e.message.contains("`one` is not a semver version"), "{e}");
    }
}
