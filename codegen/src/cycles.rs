//! Recursive schemas no value can fill. Two shapes are refused, each with the component's
//! pointer:
//! - a cycle made only of `$ref`, `allOf`, `oneOf`, `anyOf` and `not` (`A: {$ref: A}`, or `A`
//!   in an `allOf` of itself): the schema has no type of its own, and the engine's merge of
//!   compositions recursed until the stack overflowed;
//! - a schema every value of which must contain another value of itself (a required,
//!   non-nullable property back to it, with no optional property, array, map or nullable
//!   link in between): it generates `struct A { a: Box<A> }`, which no JSON value can fill.
//!
//! Recursion through an optional property, an array item or a map value (`Option<Box<A>>`,
//! `Vec<A>`, a map of `A`) builds finite values and is left alone.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::{Map, Value};

use crate::error::{Error, Result, Stage};
use crate::origins::Origins;
use crate::pointer::{join, of_ref};

const COMPOSITIONS: &[&str] = &["allOf", "oneOf", "anyOf"];

/// Fails on the first cycle of either kind, in document order.
pub fn check(doc: &Value, origins: &Origins) -> Result<()> {
    let schemas: Vec<(String, &Value)> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, s)| (join("/components/schemas", name), s))
        .collect();
    for (at, _) in &schemas {
        if let Some(cycle) = composition_cycle(doc, at) {
            return Err(error(
                origins,
                at,
                format!(
                    "schema `{}` is defined through itself with no type of its own in between ({}): no value can be built of it",
                    last_token(at),
                    render(&cycle)
                ),
                "a `$ref`, `allOf`, `oneOf` or `anyOf` chain must end in a schema with a type; let the recursion go through a property, an array's items or a map's values, or remove the reference with an overlay action",
            ));
        }
    }
    let unbuildable = unbuildable(doc, &schemas);
    if let Some((at, _)) = schemas.iter().find(|(at, _)| unbuildable.contains(at)) {
        return Err(error(
            origins,
            at,
            format!(
                "schema `{}` requires a value of itself (through required, non-nullable properties and `$ref`s, with no optional property, array or map in between): no finite value can be built of it",
                last_token(at)
            ),
            "make one link of the recursion optional (drop it from `required`, or add `nullable: true`) or an array, with an overlay action",
        ));
    }
    Ok(())
}

fn error(origins: &Origins, at: &str, message: String, help: &str) -> Error {
    Error::new(Stage::Validate, origins.locate(at), message, help).at_document(at)
}

fn last_token(at: &str) -> String {
    crate::pointer::tokens(at)
        .and_then(|t| t.last().cloned())
        .unwrap_or_default()
}

fn render(cycle: &[String]) -> String {
    cycle
        .iter()
        .map(|p| p.strip_prefix("/components/schemas/").unwrap_or(p))
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// The schemas a schema stands for without any type of its own: its `$ref` target, its
/// composition members and its `not`.
fn composition_edges(doc: &Value, at: &str) -> Vec<String> {
    let Some(Value::Object(schema)) = doc.pointer(at) else {
        return Vec::new();
    };
    let mut next = Vec::new();
    if let Some(target) = schema.get("$ref").and_then(Value::as_str).and_then(of_ref)
        && doc.pointer(&target).is_some()
    {
        next.push(target);
    }
    for key in COMPOSITIONS {
        if let Some(Value::Array(members)) = schema.get(*key) {
            next.extend((0..members.len()).map(|i| format!("{at}/{key}/{i}")));
        }
    }
    if schema.get("not").is_some_and(Value::is_object) {
        next.push(join(at, "not"));
    }
    next
}

/// A composition-only path from `start` back to `start`, as the component pointers it passes
/// (iterative depth-first search: a chain can be as long as the document has schemas).
fn composition_cycle(doc: &Value, start: &str) -> Option<Vec<String>> {
    let mut seen = BTreeSet::new();
    // (node, its successors, how many of them were visited)
    let mut stack: Vec<(String, Vec<String>, usize)> =
        vec![(start.to_string(), composition_edges(doc, start), 0)];
    seen.insert(start.to_string());
    while let Some((_, edges, next)) = stack.last_mut() {
        let Some(node) = edges.get(*next).cloned() else {
            stack.pop();
            continue;
        };
        *next += 1;
        if node == start {
            let mut path: Vec<String> = stack
                .iter()
                .map(|(p, _, _)| p.clone())
                .filter(|p| p.starts_with("/components/schemas/") && p.matches('/').count() == 3)
                .collect();
            path.push(start.to_string());
            return Some(path);
        }
        if seen.insert(node.clone()) {
            let edges = composition_edges(doc, &node);
            stack.push((node, edges, 0));
        }
    }
    None
}

/// The component schemas (pointers) of which no finite value exists: the least fixpoint of
/// "buildable", over every schema a `$ref` points at.
fn unbuildable(doc: &Value, schemas: &[(String, &Value)]) -> BTreeSet<String> {
    // Nodes: every referenced pointer, and every component schema.
    let mut nodes: BTreeMap<String, bool> =
        schemas.iter().map(|(at, _)| (at.clone(), false)).collect();
    let mut targets = Vec::new();
    collect_refs(doc, &mut targets);
    for t in targets {
        if doc.pointer(&t).is_some() {
            nodes.entry(t).or_insert(false);
        }
    }
    // Who depends on whom, to re-evaluate only what a change can affect.
    let mut dependents: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for at in nodes.keys() {
        let mut refs = Vec::new();
        if let Some(schema) = doc.pointer(at) {
            refs_of_schema(schema, &mut refs, 0);
        }
        for r in refs {
            dependents.entry(r).or_default().push(at.clone());
        }
    }
    let mut queue: VecDeque<String> = nodes.keys().cloned().collect();
    while let Some(at) = queue.pop_front() {
        if nodes.get(&at) == Some(&true) {
            continue;
        }
        let Some(schema) = doc.pointer(&at) else {
            continue;
        };
        if buildable(doc, schema, &nodes, 0) {
            nodes.insert(at.clone(), true);
            for d in dependents.get(&at).into_iter().flatten() {
                if nodes.get(d) == Some(&false) {
                    queue.push_back(d.clone());
                }
            }
        }
    }
    schemas
        .iter()
        .filter(|(at, _)| nodes.get(at) == Some(&false))
        .map(|(at, _)| at.clone())
        .collect()
}

/// Nesting beyond which a schema is taken as buildable rather than followed further (the load
/// stage bounds a document's depth well below it).
const MAX_DEPTH: usize = 256;

/// Whether a finite value of `schema` exists, taking `known` for what references reach.
fn buildable(doc: &Value, schema: &Value, known: &BTreeMap<String, bool>, depth: usize) -> bool {
    let Value::Object(s) = schema else {
        return true;
    };
    if depth > MAX_DEPTH || s.get("nullable") == Some(&Value::Bool(true)) || s.contains_key("enum")
    {
        return true;
    }
    if let Some(target) = s.get("$ref").and_then(Value::as_str).and_then(of_ref) {
        return match known.get(&target) {
            Some(b) => *b,
            None => doc
                .pointer(&target)
                .is_none_or(|t| buildable(doc, t, known, depth + 1)),
        };
    }
    let all = |key: &str| {
        s.get(key)
            .and_then(Value::as_array)
            .is_none_or(|m| m.iter().all(|m| buildable(doc, m, known, depth + 1)))
    };
    let any = |key: &str| {
        s.get(key)
            .and_then(Value::as_array)
            .is_none_or(|m| m.is_empty() || m.iter().any(|m| buildable(doc, m, known, depth + 1)))
    };
    all("allOf") && any("oneOf") && any("anyOf") && required_buildable(doc, s, known, depth)
}

/// An array or a map can always be empty; an object needs its required properties.
fn required_buildable(
    doc: &Value,
    s: &Map<String, Value>,
    known: &BTreeMap<String, bool>,
    depth: usize,
) -> bool {
    let (Some(Value::Object(properties)), Some(Value::Array(required))) =
        (s.get("properties"), s.get("required"))
    else {
        return true;
    };
    required
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|name| properties.get(name))
        .all(|p| buildable(doc, p, known, depth + 1))
}

/// The `$ref` targets `buildable` may consult for `schema` (not through arrays or maps).
fn refs_of_schema(schema: &Value, out: &mut Vec<String>, depth: usize) {
    let Value::Object(s) = schema else { return };
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(target) = s.get("$ref").and_then(Value::as_str).and_then(of_ref) {
        out.push(target);
    }
    for key in COMPOSITIONS {
        for m in s.get(*key).and_then(Value::as_array).into_iter().flatten() {
            refs_of_schema(m, out, depth + 1);
        }
    }
    if let Some(Value::Object(properties)) = s.get("properties") {
        for p in properties.values() {
            refs_of_schema(p, out, depth + 1);
        }
    }
}

/// Every local `$ref` target of the document, as pointers.
fn collect_refs(node: &Value, out: &mut Vec<String>) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(target) = map.get("$ref").and_then(Value::as_str).and_then(of_ref) {
                    out.push(target);
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": schemas}})
    }

    fn refusal(schemas: Value) -> Error {
        check(&doc(schemas), &Origins::with_fallback("specs/v/api.yaml"))
            .expect_err("the cycle is refused")
    }

    fn r(name: &str) -> Value {
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    #[test]
    fn a_schema_that_is_only_a_reference_to_itself_is_refused() {
        let e = refusal(json!({"A": r("A")}));
        assert_eq!(
            e.location.to_string(),
            "specs/v/api.yaml#/components/schemas/A"
        );
        assert_eq!(e.document_pointer.as_deref(), Some("/components/schemas/A"));
        assert!(
            e.message.contains("schema `A` is defined through itself")
                && e.message.contains("(A -> A)"),
            "{e}"
        );
    }

    #[test]
    fn cycles_through_compositions_are_refused() {
        let e = refusal(json!({
            "A": r("A"),
            "B": {"allOf": [r("A"), {"type": "object", "properties": {"x": {"type": "string"}}}]}
        }));
        assert_eq!(e.location.pointer, "/components/schemas/A");
        let e = refusal(json!({
            "Pet": {"type": "string"},
            "C": {"oneOf": [r("Pet"), r("D")]},
            "D": {"anyOf": [{"allOf": [r("C")]}]}
        }));
        assert_eq!(e.location.pointer, "/components/schemas/C", "{e}");
        assert!(e.message.contains("(C -> D -> C)"), "{e}");
        assert!(e.help.contains("through a property"), "{e}");
    }

    #[test]
    fn required_links_back_to_the_schema_are_refused() {
        let e = refusal(json!({
            "Node": {"type": "object", "required": ["next"], "properties": {"next": r("Link")}},
            "Link": {"type": "object", "required": ["node"], "properties": {"node": r("Node")}}
        }));
        assert_eq!(e.location.pointer, "/components/schemas/Node");
        assert!(e.message.contains("requires a value of itself"), "{e}");
    }

    #[test]
    fn recursion_through_option_vec_or_map_is_accepted() {
        let schemas = json!({
            "Optional": {"type": "object", "properties": {"next": r("Optional")}},
            "Nullable": {"type": "object", "required": ["next"], "properties": {"next": {"allOf": [r("Nullable")], "nullable": true}}},
            "Tree": {"type": "object", "required": ["children"], "properties": {"children": {"type": "array", "items": r("Tree")}}},
            "Map": {"type": "object", "required": ["m"], "properties": {"m": {"type": "object", "additionalProperties": r("Map")}}},
            "Expr": {"oneOf": [{"type": "string"}, {"type": "object", "required": ["not"], "properties": {"not": r("Expr")}}]}
        });
        check(&doc(schemas), &Origins::default()).unwrap();
    }
}
