//! The crates a generated crate's API is made of: which of its `[dependencies]` its public
//! items name (`sdk_runtime::Wait`, `uuid::Uuid`), and what a change of them means for its
//! users. Cargo's semver guide counts a new major version of a public dependency as a breaking
//! change (its types are not the old version's), and so is a dependency replaced by another
//! crate; [`super::diff`] reports each as one entry instead of one per item that moved.

use std::collections::BTreeMap;

use super::diff::{Change, Impact};
use super::model::ApiModel;

/// One `[dependencies]` entry, keyed in [`ApiModel::dependencies`] by the name Rust code writes
/// (`sdk_runtime` for `sdk-runtime`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The package's name on crates.io: the key, or its `package = ".."` when renamed.
    pub package: String,
    /// The version requirement as written (`0.1.0`, `1`); empty for a path-only dependency.
    pub requirement: String,
}

/// The `[dependencies]` of a Cargo manifest (not dev- or build-dependencies: those are never
/// API). An empty manifest has none, as a crate generated before this step was recorded.
pub fn read(manifest: &str) -> Result<BTreeMap<String, Dependency>, String> {
    if manifest.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    let table: toml::Table = toml::from_str(manifest).map_err(|e| e.message().to_string())?;
    let mut out = BTreeMap::new();
    let Some(deps) = table.get("dependencies").and_then(|d| d.as_table()) else {
        return Ok(out);
    };
    for (key, value) in deps {
        let (package, requirement) = match value {
            toml::Value::String(req) => (key.clone(), req.clone()),
            toml::Value::Table(t) => (
                t.get("package")
                    .and_then(|p| p.as_str())
                    .unwrap_or(key)
                    .to_string(),
                t.get("version")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string(),
            ),
            other => {
                return Err(format!(
                    "dependency `{key}` is {other}, not a table or text"
                ));
            }
        };
        out.insert(
            key.replace('-', "_"),
            Dependency {
                package,
                requirement,
            },
        );
    }
    Ok(out)
}

/// What changed in the public dependencies from `old` to `new`, and the crates renamed
/// (`old name` -> `new name`, as Rust writes them): [`super::diff`] reads `old` with those
/// renamed, so the items that only moved with their crate are not reported again.
pub fn diff(old: &ApiModel, new: &ApiModel) -> (Vec<Change>, Vec<(String, String)>) {
    let mut changes = Vec::new();
    let mut renames = Vec::new();
    for (from, to, example) in replaced(old, new) {
        let (a, b) = (&old.dependencies[&from], &new.dependencies[&to]);
        changes.push(Change {
            impact: Impact::Breaking,
            line: format!(
                "public dependency `{}` {} was replaced by `{}` {}: the names this crate \
                 re-exports from it (`{example}`, ..) keep working unchanged, but code that also \
                 depends on `{}` directly and names its items (`{from}::{example}`) must depend \
                 on `{}` {} instead and write `{to}::{example}`, since the two crates' types are \
                 distinct",
                a.package,
                shown(&a.requirement),
                b.package,
                shown(&b.requirement),
                a.package,
                b.package,
                shown(&b.requirement),
            ),
        });
        renames.push((from, to));
    }
    for (name, a) in &old.dependencies {
        let Some(b) = new.dependencies.get(name) else {
            continue;
        };
        let replaced = a.package != b.package;
        let incompatible = compatible(&a.requirement) != compatible(&b.requirement);
        // Searching the API copies it: only for a dependency that changed.
        if !(replaced || incompatible) || !(old.names_crate(name) || new.names_crate(name)) {
            continue;
        }
        if replaced {
            changes.push(Change {
                impact: Impact::Breaking,
                line: format!(
                    "public dependency `{name}` is now the package `{}` instead of `{}`: its \
                     types are not the ones code depending on `{}` names",
                    b.package, a.package, a.package
                ),
            });
        } else {
            changes.push(Change {
                impact: Impact::Breaking,
                line: format!(
                    "public dependency `{}` went from {} to {}, an incompatible version: the \
                     `{name}::` types in this crate's API are the new version's, so code that \
                     passes values of its own `{}` {} must upgrade it to {}",
                    a.package,
                    shown(&a.requirement),
                    shown(&b.requirement),
                    a.package,
                    shown(&a.requirement),
                    shown(&b.requirement),
                ),
            });
        }
    }
    (changes, renames)
}

/// Crates that left the dependencies while another arrived, seen by the re-exports that moved
/// from one to the other with the same path (`sdk_runtime::Wait` -> `openapi_sdk_runtime::Wait`):
/// `(old, new, the first such path's rest)`.
fn replaced(old: &ApiModel, new: &ApiModel) -> Vec<(String, String, String)> {
    let gone = |c: &str| old.dependencies.contains_key(c) && !new.dependencies.contains_key(c);
    let arrived = |c: &str| new.dependencies.contains_key(c) && !old.dependencies.contains_key(c);
    let mut out: Vec<(String, String, String)> = Vec::new();
    for (name, before) in &old.reexports {
        let Some(after) = new.reexports.get(name) else {
            continue;
        };
        let (Some((from, rest)), Some((to, rest_after))) =
            (before.split_once("::"), after.split_once("::"))
        else {
            continue;
        };
        if rest == rest_after && gone(from) && arrived(to) && !out.iter().any(|(f, _, _)| f == from)
        {
            out.push((from.to_string(), to.to_string(), rest.to_string()));
        }
    }
    out
}

/// The part of a requirement Cargo keeps compatible: left of and including the first non-zero
/// number (`1.2` -> `1`, `0.4.3` -> `0.4`, `0.0.3` -> `0.0.3`). A requirement that is not a
/// plain version (`>=1, <3`, `*`) is its own text: any change of it counts.
fn compatible(requirement: &str) -> String {
    let plain = requirement
        .trim()
        .trim_start_matches(['^', '=', '~'])
        .trim();
    let numbers: Option<Vec<u64>> = plain.split('.').map(|n| n.parse().ok()).collect();
    match numbers.as_deref() {
        Some([0, 0, patch, ..]) => format!("0.0.{patch}"),
        Some([0, minor, ..]) => format!("0.{minor}"),
        Some([major, ..]) => major.to_string(),
        _ => requirement.trim().to_string(),
    }
}

fn shown(requirement: &str) -> String {
    if requirement.is_empty() {
        "(a path)".to_string()
    } else {
        requirement.to_string()
    }
}

/// `text` with every path that starts at the crate `from` starting at `to` instead
/// (`::sdk_runtime::Error<T>` -> `::openapi_sdk_runtime::Error<T>`); other identifiers that
/// merely contain the name are left alone.
pub fn rename_root(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for at in roots(text, from) {
        out.push_str(&text[done..at]);
        out.push_str(to);
        done = at + from.len();
    }
    out.push_str(&text[done..]);
    out
}

/// Whether a path in `text` starts at the crate `krate`.
pub fn names_root(text: &str, krate: &str) -> bool {
    !roots(text, krate).is_empty()
}

/// Where `krate::` starts a path in `text`: not inside a longer name (`my_sdk_runtime::`), not
/// a module of another path (`x::sdk_runtime::`).
fn roots(text: &str, krate: &str) -> Vec<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let needle = format!("{krate}::");
    text.match_indices(&needle)
        .map(|(at, _)| at)
        .filter(move |&at| {
            let before = &text[..at];
            let inside_name = before.ends_with(ident);
            let in_path = before
                .strip_suffix("::")
                .is_some_and(|p| p.ends_with(|c: char| ident(c) || c == '>'));
            !inside_name && !in_path
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compatible_parts_follow_cargo() {
        assert_eq!(compatible("1"), "1");
        assert_eq!(compatible("1.4.2"), "1");
        assert_eq!(compatible("^0.4"), "0.4");
        assert_eq!(compatible("0.15.1"), "0.15");
        assert_eq!(compatible("0.0.3"), "0.0.3");
        assert_eq!(compatible(">=1, <3"), ">=1, <3");
    }

    #[test]
    fn rename_root_touches_only_the_crate() {
        assert_eq!(
            rename_root(
                "::sdk_runtime::Error<my_sdk_runtime::X, a::sdk_runtime::Y>",
                "sdk_runtime",
                "rt"
            ),
            "::rt::Error<my_sdk_runtime::X, a::sdk_runtime::Y>"
        );
        assert_eq!(
            rename_root("sdk_runtime::Wait", "sdk_runtime", "rt"),
            "rt::Wait"
        );
        assert_eq!(
            rename_root("Option<sdk_runtime::Wait>", "sdk_runtime", "rt"),
            "Option<rt::Wait>"
        );
    }

    #[test]
    fn reads_plain_tables_and_renamed_packages() {
        let deps = read(
            "[dependencies]\nuuid = \"1\"\nsdk-runtime = { path = \"../r\", version = \"0.1.0\" }\n\
             rt = { package = \"openapi-sdk-runtime\", version = \"0.2\" }\nlocal = { path = \"x\" }\n\
             [dev-dependencies]\ntokio = \"1\"\n",
        )
        .unwrap();
        let got: Vec<(&str, &str, &str)> = deps
            .iter()
            .map(|(k, d)| (k.as_str(), d.package.as_str(), d.requirement.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("local", "local", ""),
                ("rt", "openapi-sdk-runtime", "0.2"),
                ("sdk_runtime", "sdk-runtime", "0.1.0"),
                ("uuid", "uuid", "1"),
            ]
        );
        assert!(read("[dependencies\n").is_err());
    }
}
