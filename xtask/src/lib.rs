//! The workspace's driver, as a library so tests can run exactly what `cargo xtask gen` runs.

pub mod bench;
pub mod files;
pub mod gen_cmd;
pub mod lock;
pub mod mutate;
pub mod release;
pub mod update;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// The workspace this binary was compiled in. Only a hint: with a target directory shared by
/// several checkouts, cargo may run a binary built in another checkout.
fn compiled_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// The workspace to work on, found at run time: from the `CARGO_MANIFEST_DIR` that `cargo run`
/// sets (it names `xtask/`, so the root is its parent), else from the first directory at or above
/// the current one that is a workspace with `specs/`. So `cargo xtask` works on the checkout it
/// was invoked in, from any subfolder, even when the binary was built in another checkout.
pub fn workspace_root() -> Result<PathBuf> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR");
    let cwd = std::env::current_dir().ok();
    resolve_root(
        &compiled_root(),
        manifest_dir.as_deref(),
        cwd.as_deref(),
        is_workspace_root,
    )
}

/// [`workspace_root`]'s decision, given the compile-time root, the run-time value of
/// `CARGO_MANIFEST_DIR`, the current directory and a test for "is a workspace root with specs/".
pub fn resolve_root(
    compiled: &Path,
    manifest_dir: Option<&OsStr>,
    cwd: Option<&Path>,
    is_workspace: impl Fn(&Path) -> bool,
) -> Result<PathBuf> {
    if let Some(manifest_dir) = manifest_dir.filter(|v| !v.is_empty()) {
        let manifest_dir = match cwd {
            Some(cwd) => cwd.join(manifest_dir),
            None => PathBuf::from(manifest_dir),
        };
        let runtime = manifest_dir.parent().unwrap_or(&manifest_dir).to_path_buf();
        if is_workspace(&runtime) {
            return Ok(runtime);
        }
        let built = if runtime == compiled {
            "this binary was built there too".to_string()
        } else {
            format!("this binary was built in {}", compiled.display())
        };
        bail!(
            "CARGO_MANIFEST_DIR is {}, so the workspace would be {}, but that is not a workspace \
             root (a Cargo.toml with a [workspace] table next to a specs/ folder); {built}. \
             Refusing to guess which checkout to work on: run `cargo xtask ...` inside the \
             checkout you mean, or unset CARGO_MANIFEST_DIR and run the binary from inside it",
            manifest_dir.display(),
            runtime.display(),
        );
    }
    if let Some(found) = cwd.and_then(|cwd| cwd.ancestors().find(|dir| is_workspace(dir))) {
        return Ok(found.to_path_buf());
    }
    bail!(
        "no workspace to work on: CARGO_MANIFEST_DIR is not set and no directory at or above {} \
         has a Cargo.toml with a [workspace] table next to a specs/ folder (this binary was built \
         in {}). Run `cargo xtask ...` inside a checkout, or run the binary from inside one",
        cwd.map_or_else(
            || "the current directory (unknown)".to_string(),
            |c| c.display().to_string()
        ),
        compiled.display(),
    )
}

/// Whether `dir` is a workspace root this driver can work on: its Cargo.toml has a
/// `[workspace]` table and it has a `specs/` folder.
pub fn is_workspace_root(dir: &Path) -> bool {
    dir.join("specs").is_dir()
        && std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|t| has_workspace_table(&t))
}

/// Whether a Cargo manifest declares a workspace: a `[workspace]` (or `[workspace.*]`) header,
/// or a top-level `workspace = ...` or `workspace.* = ...` key before the first table.
fn has_workspace_table(manifest: &str) -> bool {
    let mut top_level = true;
    for line in manifest.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if let Some(header) = line.strip_prefix('[') {
            top_level = false;
            if header.starts_with('[') {
                continue;
            }
            let name = header.split(']').next().unwrap_or_default().trim();
            if name == "workspace" || name.starts_with("workspace.") {
                return true;
            }
        } else if top_level
            && line
                .strip_prefix("workspace")
                .is_some_and(|rest| rest.trim_start().starts_with(['=', '.']))
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for the file system: only these directories are workspace roots.
    fn workspaces(roots: &[&str]) -> impl Fn(&Path) -> bool {
        let roots: Vec<PathBuf> = roots.iter().map(PathBuf::from).collect();
        move |dir| roots.iter().any(|r| r == dir)
    }

    #[test]
    fn cargo_run_s_manifest_dir_names_the_workspace() {
        let root = resolve_root(
            Path::new("/a"),
            Some(OsStr::new("/b/xtask")),
            Some(Path::new("/b/codegen")),
            workspaces(&["/a", "/b"]),
        )
        .unwrap();
        assert_eq!(
            root,
            Path::new("/b"),
            "the run-time root wins over the built-in one"
        );
    }

    #[test]
    fn without_manifest_dir_the_nearest_workspace_above_the_cwd_is_used() {
        let root = resolve_root(
            Path::new("/a"),
            None,
            Some(Path::new("/b/generated/x/src")),
            workspaces(&["/a", "/b", "/b/generated"]),
        )
        .unwrap();
        assert_eq!(root, Path::new("/b/generated"));
        let root = resolve_root(
            Path::new("/a"),
            Some(OsStr::new("")),
            Some(Path::new("/b/specs")),
            workspaces(&["/a", "/b"]),
        )
        .unwrap();
        assert_eq!(root, Path::new("/b"), "an empty value counts as unset");
    }

    #[test]
    fn a_manifest_dir_outside_any_workspace_is_refused_naming_both_roots() {
        let err = resolve_root(
            Path::new("/a"),
            Some(OsStr::new("/elsewhere/xtask")),
            Some(Path::new("/a")),
            workspaces(&["/a"]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("/elsewhere/xtask"), "{err}");
        assert!(err.contains("workspace would be /elsewhere,"), "{err}");
        assert!(err.contains("built in /a"), "{err}");
        assert!(
            err.contains("run `cargo xtask ...` inside the checkout"),
            "says what to do: {err}"
        );
    }

    #[test]
    fn no_manifest_dir_and_no_workspace_above_the_cwd_is_an_error() {
        let err = resolve_root(
            Path::new("/a"),
            None,
            Some(Path::new("/tmp/x")),
            workspaces(&["/a"]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("/tmp/x") && err.contains("CARGO_MANIFEST_DIR is not set"),
            "{err}"
        );
    }

    #[test]
    fn workspace_tables_are_recognised() {
        assert!(has_workspace_table("[workspace]\nmembers = []\n"));
        assert!(has_workspace_table(
            "[package]\nname = \"x\"\n\n[ workspace ] # root\n"
        ));
        assert!(has_workspace_table(
            "[workspace.package]\nedition = \"2024\"\n"
        ));
        assert!(has_workspace_table("workspace = { members = [] }\n"));
        assert!(has_workspace_table("workspace.members = []\n"));
        assert!(!has_workspace_table(
            "[package]\nname = \"x\"\nedition.workspace = true\n# [workspace]\n"
        ));
        assert!(!has_workspace_table(
            "[dependencies]\nanyhow.workspace = true\n"
        ));
        assert!(!has_workspace_table("[[bin]]\nname = \"workspace\"\n"));
    }

    #[test]
    fn this_checkout_is_a_workspace_root_and_its_members_are_not() {
        let root = compiled_root();
        assert!(is_workspace_root(&root));
        assert!(!is_workspace_root(&root.join("xtask")));
        assert!(!is_workspace_root(&root.join("specs")));
    }
}
