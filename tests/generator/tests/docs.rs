//! The documentation stays true where a test can tell: docs/architecture.md lists every module
//! of codegen and nothing else, the root README stays short, and relative links lead to files.

use std::collections::BTreeSet;
use std::path::Path;

use generator_tests::root;

/// The module paths of `codegen/src` from its files: `emit/send.rs` is `emit::send`,
/// `emit/mod.rs` is `emit`; the crate root is no module.
fn modules_on_disk(src: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            if parts != ["lib"] {
                out.insert(parts.join("::"));
            }
        }
    }
    out
}

/// The modules the map names: the backticked names in the first cell of each row of the table
/// under `## Module map`.
fn modules_in_map(doc: &str) -> BTreeSet<String> {
    let section = doc
        .split("\n## Module map")
        .nth(1)
        .expect("docs/architecture.md has a `## Module map` section");
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut out = BTreeSet::new();
    for line in section.lines().filter(|l| l.starts_with('|')) {
        let first = line.split('|').nth(1).unwrap_or_default();
        for (i, part) in first.split('`').enumerate() {
            // Odd parts are inside backticks.
            if i % 2 == 1 {
                out.insert(part.to_string());
            }
        }
    }
    out
}

#[test]
fn the_module_map_lists_every_codegen_module_and_no_other() {
    let disk = modules_on_disk(&root().join("codegen/src"));
    let doc = std::fs::read_to_string(root().join("docs/architecture.md")).unwrap();
    let map = modules_in_map(&doc);
    let unlisted: Vec<&String> = disk.difference(&map).collect();
    let gone: Vec<&String> = map.difference(&disk).collect();
    assert!(
        unlisted.is_empty() && gone.is_empty(),
        "docs/architecture.md's module map is out of date: add a row for {unlisted:?} (modules \
         of codegen/src), remove the rows of {gone:?} (no such module)"
    );
}

#[test]
fn the_map_reader_sees_modules_and_misses() {
    let doc = "# x\n## Module map\n| module | job |\n|---|---|\n| `a`, `a::b` | j `not_this` |\n\n## Next\n| `c` | no |\n";
    let map = modules_in_map(doc);
    assert_eq!(map, BTreeSet::from(["a".to_string(), "a::b".to_string()]));
}

/// The README is for people: the reference lives in docs/.
#[test]
fn the_readme_stays_short() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let words = readme.split_whitespace().count();
    assert!(
        words <= 1000,
        "README.md has {words} words; keep it at most 1,000 and move reference material to docs/"
    );
}

/// Every relative link of the README and of docs/*.md names a file or folder that exists.
#[test]
fn relative_links_lead_somewhere() {
    let mut pages = vec![root().join("README.md")];
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        pages.push(entry.unwrap().path());
    }
    let mut broken = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        for target in text.split("](").skip(1) {
            let target = target.split(')').next().unwrap_or_default();
            let target = target.split('#').next().unwrap_or_default();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            if !page.parent().unwrap().join(target).exists() {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "links to nothing: {broken:#?}");
}
