//! The library crates' modules form layers: no module reaches, directly or through others, back
//! into itself. A circle is what lets "one place per concern" erode, so it fails here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use generator_tests::root;

/// `crate::<module>` references of each top-level module of a crate, test code excluded.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = vec![src.to_path_buf()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let relative = path.strip_prefix(src).unwrap();
        let Some(first) = relative.components().next() else {
            continue;
        };
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if module == "lib" || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let edges = graph.entry(module.clone()).or_default();
        for (i, _) in code.match_indices("crate::") {
            // `crate::{a, b}` names several modules at once.
            let rest = &code[i + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
                None => vec![rest],
            };
            for name in names {
                let name: String = name
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let is_module = src.join(format!("{name}.rs")).exists() || src.join(&name).is_dir();
                if is_module && name != module {
                    edges.insert(name);
                }
            }
        }
    }
    graph
}

/// A circle in `graph`, as the modules along it, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut found = path[start..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_finder_sees_a_circle_when_there_is_one() {
    let graph: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(a, b)| (a.to_string(), BTreeSet::from([b.to_string()])))
        .collect();
    assert_eq!(
        circle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

#[test]
fn codegen_and_runtime_have_no_module_circles() {
    for krate in ["codegen", "runtime"] {
        let graph = module_graph(&root().join(krate).join("src"));
        assert!(graph.len() > 5, "{krate}: read {} modules", graph.len());
        if let Some(found) = circle(&graph) {
            panic!("{krate} has a module circle: {}", found.join(" -> "));
        }
    }
}

/// No emitter reads the OpenAPI document: they render from the model.
#[test]
fn emitters_do_not_read_the_document() {
    let emit = root().join("codegen/src/emit");
    let mut files = Vec::new();
    rust_files(&emit, &mut files);
    assert!(files.len() > 10, "read {} emitters", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        // JSON values as model data (a waiter's declared statuses) are fine; the document is not.
        for needle in [
            "openapiv3::",
            ".pointer(",
            "crate::walk",
            "crate::normalize",
            "doc: &Value",
            "document: &",
        ] {
            assert!(!text.contains(needle), "{} uses `{needle}`", path.display());
        }
    }
}

/// The `.rs` files under `dir`, its subfolders included.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The modules that change a syntax tree after it was built, each with its reason. typify's
/// `mod types` is printed as typify made it, with our items beside it, except for the two passes
/// named here; a new module that edits generated syntax (typify's or ours) fails this test
/// until it is listed, and a pass that is removed must leave the list.
const EDITS_SYNTAX: [(&str, &str); 5] = [
    (
        "emit/forward_compat.rs",
        "response-only types of typify's: open enums, newtypes and structs that accept what a newer server sends",
    ),
    (
        "emit/enum_errors.rs",
        "typify's enum conversion errors name the value and the allowed ones",
    ),
    (
        "emit/client.rs",
        "runs forward_compat on the client's `mod types`",
    ),
    (
        "emit/mod.rs",
        "moves typify's parsed items into `mod types`, before our items",
    ),
    (
        "syntax.rs",
        "`module_mut` itself; `QualifyTypes` qualifies a copy of a field type the model reads",
    ),
];

#[test]
fn only_the_listed_modules_edit_generated_syntax() {
    let src = root().join("codegen/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let editing: BTreeSet<String> = files
        .iter()
        .filter(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            [
                "module_mut(",
                "VisitMut",
                "visit_mut::",
                "&mut syn::",
                "&mut [Item]",
                "&mut Vec<Item>",
            ]
            .iter()
            .any(|marker| text.contains(marker))
        })
        .map(|path| {
            path.strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let listed: BTreeSet<String> = EDITS_SYNTAX.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        editing, listed,
        "modules editing generated syntax (left) against the list in this test (right)"
    );
}
