//! Partial generation: when progenitor cannot take the whole document, find the operations it
//! cannot take (bisecting the operations, each subset with only the components it reaches),
//! leave them out with their reason, and drop the components only they used, so one bad
//! operation never sinks a vendor. `strict = true` (vendor.toml) turns any left-out operation
//! into an error (see `lib.rs`).

use std::collections::BTreeSet;

use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use serde_json::Value;

use crate::engine::{self, Uses};
use crate::error::{Error, Result, Stage};
use crate::origins::Origins;
use crate::pointer;
use crate::walk;

/// Something the crate does not generate, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// JSON pointer of the operation (or of the components) in the effective document.
    pub pointer: String,
    /// `POST /avatars`, or a list of components.
    pub what: String,
    /// The engine's message.
    pub reason: String,
}

/// What the engine generated, from which document.
pub struct Taken {
    /// The document the crate is generated from: without the left-out operations.
    pub spec: OpenAPI,
    pub tokens: TokenStream,
    pub uses: Uses,
    pub left_out: Vec<LeftOut>,
}

type Op = (String, &'static str);

/// Validates `doc`; unless `strict`, an operation (or component) that validation refuses is
/// left out and validation runs again, so one bad schema never sinks a vendor. Components
/// left out take the operations that use them along (their references then point at nothing).
pub fn validate(doc: &Value, origins: &Origins, strict: bool) -> Result<(OpenAPI, Vec<LeftOut>)> {
    let mut pruned: Option<Value> = None;
    let mut left_out = Vec::new();
    loop {
        let error = match crate::validate::validate(pruned.as_ref().unwrap_or(doc), origins) {
            Ok(spec) => return Ok((spec, left_out)),
            Err(e) => e,
        };
        let unit = error.document_pointer.as_deref().and_then(unit_of);
        let (Some((at, what)), false) = (unit, strict) else {
            return Err(error);
        };
        let work = pruned.get_or_insert_with(|| doc.clone());
        // A unit that cannot be removed would fail the same way forever.
        if !pointer::remove(work, &at) {
            return Err(error);
        }
        drop_empty_path_items(work);
        left_out.push(LeftOut {
            pointer: at,
            what,
            reason: error.message,
        });
    }
}

/// Path items left without operations go, so no empty path reaches the engine.
fn drop_empty_path_items(doc: &mut Value) {
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        paths.retain(|_, item| {
            !item.is_object() || walk::METHODS.iter().any(|m| item.get(*m).is_some())
        });
    }
}

/// The operation, path item or component holding `at`, and how to name it.
fn unit_of(at: &str) -> Option<(String, String)> {
    let tokens = pointer::tokens(at)?;
    match tokens.as_slice() {
        [paths, path, method, ..]
            if paths == "paths" && walk::METHODS.contains(&method.as_str()) =>
        {
            Some((
                pointer::join(&pointer::join("/paths", path), method),
                format!("{} {path}", method.to_ascii_uppercase()),
            ))
        }
        [paths, path, ..] if paths == "paths" => Some((
            pointer::join("/paths", path),
            format!("every operation of {path}"),
        )),
        [components, kind, name, ..] if components == "components" => Some((
            pointer::join(&pointer::join("/components", kind), name),
            format!("component {kind}/{name} (and the operations that use it)"),
        )),
        _ => None,
    }
}

/// Runs the engine over `spec`, leaving out what it cannot take.
pub fn generate(spec: &OpenAPI, origins: &Origins) -> Result<Taken> {
    let whole_error = match engine::run(spec) {
        Ok((tokens, uses)) => {
            return Ok(Taken {
                spec: spec.clone(),
                tokens,
                uses,
                left_out: Vec::new(),
            });
        }
        Err(message) => message,
    };
    let unusable = |message: String| {
        Error::new(
            Stage::Emit,
            origins.locate(""),
            format!(
                "cannot generate the document (its components, as no operation fails alone): {message}"
            ),
            "remove or reshape the construct with an overlay action, or teach a normalize pass this case (and report it)",
        )
    };
    let doc = serde_json::to_value(spec).map_err(|e| unusable(e.to_string()))?;
    let ops: Vec<Op> = walk::operations(&doc)
        .map(|(p, m, _, _)| (p.to_string(), m))
        .collect();
    let bad = failing(&doc, &ops);
    let bad_ops: Vec<Op> = bad.iter().map(|(op, _)| op.clone()).collect();
    let kept_ops: Vec<Op> = ops
        .iter()
        .filter(|op| !bad_ops.contains(op))
        .cloned()
        .collect();
    let mut left_out: Vec<LeftOut> = bad
        .into_iter()
        .map(|((path, method), reason)| LeftOut {
            pointer: pointer::join(&pointer::join("/paths", &path), method),
            what: format!("{} {path}", method.to_ascii_uppercase()),
            reason,
        })
        .collect();
    // First keep every component the left-out operations do not own; if a component no
    // operation uses is what fails, drop the unused ones too.
    let mut kept = restrict(&doc, &kept_ops, Some(&bad_ops));
    let mut outcome = attempt(&kept);
    if outcome.is_err() {
        let reachable = restrict(&doc, &kept_ops, None);
        if let Ok(result) = attempt(&reachable) {
            let dropped = dropped_components(&kept, &reachable);
            left_out.push(LeftOut {
                pointer: "/components".into(),
                what: format!(
                    "components used by no generated operation: {}",
                    dropped.join(", ")
                ),
                reason: outcome.err().unwrap_or_default(),
            });
            kept = reachable;
            outcome = Ok(result);
        }
    }
    let (tokens, uses) = outcome.map_err(|_| unusable(whole_error))?;
    let spec = serde_json::from_value(kept).map_err(|e| unusable(e.to_string()))?;
    Ok(Taken {
        spec,
        tokens,
        uses,
        left_out,
    })
}

/// The operations that fail with only the components they reach, with the engine's message.
fn failing(doc: &Value, ops: &[Op]) -> Vec<(Op, String)> {
    if ops.is_empty() {
        return Vec::new();
    }
    let Err(message) = attempt(&restrict(doc, ops, None)) else {
        return Vec::new();
    };
    if let [op] = ops {
        return vec![(op.clone(), message)];
    }
    let (a, b) = ops.split_at(ops.len() / 2);
    let mut found = failing(doc, a);
    found.extend(failing(doc, b));
    found
}

fn attempt(doc: &Value) -> std::result::Result<(TokenStream, Uses), String> {
    let spec: OpenAPI = serde_json::from_value(doc.clone()).map_err(|e| e.to_string())?;
    engine::run(&spec)
}

/// `doc` with only the operations `keep`. Components: with `exclusive_to = Some(others)`, those
/// reached from `others` and not from `keep` go; with `None`, all not reached from `keep` go.
/// Security schemes are named, not referenced, and always stay.
fn restrict(doc: &Value, keep: &[Op], exclusive_to: Option<&[Op]>) -> Value {
    let mut out = doc.clone();
    if let Some(Value::Object(paths)) = out.get_mut("paths") {
        paths.retain(|path, item| {
            if let Value::Object(item) = item {
                for method in walk::METHODS {
                    if !keep.iter().any(|(p, m)| p == path && m == method) {
                        item.shift_remove(*method);
                    }
                }
                walk::METHODS.iter().any(|m| item.contains_key(*m))
            } else {
                true
            }
        });
    }
    drop_empty_path_items(&mut out);
    let kept = reachable(doc, keep);
    let gone: BTreeSet<String> = match exclusive_to {
        Some(others) => reachable(doc, others).difference(&kept).cloned().collect(),
        None => BTreeSet::new(),
    };
    if let Some(Value::Object(components)) = out.get_mut("components") {
        for (kind, entries) in components.iter_mut() {
            let Value::Object(entries) = entries else {
                continue;
            };
            if kind == "securitySchemes" {
                continue;
            }
            entries.retain(|name, _| {
                let at = pointer::join(&pointer::join("/components", kind), name);
                match exclusive_to {
                    Some(_) => !gone.contains(&at),
                    None => kept.contains(&at),
                }
            });
        }
    }
    out
}

/// Pointers of the components the operations `ops` reach through `$ref`s, transitively.
fn reachable(doc: &Value, ops: &[Op]) -> BTreeSet<String> {
    let mut todo = Vec::new();
    for (path, method) in ops {
        let item = pointer::join("/paths", path);
        if let Some(params) = doc.pointer(&pointer::join(&item, "parameters")) {
            refs(params, &mut todo);
        }
        if let Some(op) = doc.pointer(&pointer::join(&item, method)) {
            refs(op, &mut todo);
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(at) = todo.pop() {
        if seen.insert(at.clone())
            && let Some(target) = doc.pointer(&at)
        {
            refs(target, &mut todo);
        }
    }
    seen
}

/// The local `#/components/...` references inside `value`, as pointers.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref")
                && let Some(at) = r.strip_prefix('#')
                && at.starts_with("/components/")
            {
                out.push(at.to_string());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// `kind/name` of the components in `before` that `after` no longer has.
fn dropped_components(before: &Value, after: &Value) -> Vec<String> {
    let names = |doc: &Value| -> BTreeSet<String> {
        doc.get("components")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .flat_map(|(kind, entries)| {
                entries
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(move |(name, _)| format!("{kind}/{name}"))
            })
            .collect()
    };
    names(before).difference(&names(after)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(value: Value) -> OpenAPI {
        serde_json::from_value(value).unwrap()
    }

    /// progenitor panics on a JSON body with an `encoding` (a `todo!`); that operation and the
    /// schema only it uses are left out, the rest generates.
    #[test]
    fn a_failing_operation_and_its_own_types_are_left_out() {
        let bad_body = json!({"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/OnlyBad"},
            "encoding": {"a": {"contentType": "text/plain"}}}}});
        let doc = spec(json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {
                "/ok": {"get": {"operationId": "ok", "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}}}}},
                "/bad": {"post": {"operationId": "bad", "requestBody": bad_body,
                    "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}}}}}
            },
            "components": {"schemas": {
                "Shared": {"type": "object", "properties": {"x": {"type": "string"}}},
                "OnlyBad": {"type": "object", "properties": {"a": {"type": "string"}}},
                "Unused": {"type": "object", "properties": {"u": {"type": "string"}}}
            }}
        }));
        let taken = generate(&doc, &Origins::default()).unwrap();
        assert_eq!(taken.left_out.len(), 1, "{:?}", taken.left_out);
        assert_eq!(taken.left_out[0].pointer, "/paths/~1bad/post");
        assert_eq!(taken.left_out[0].what, "POST /bad");
        assert!(
            taken.left_out[0].reason.contains("panicked"),
            "{:?}",
            taken.left_out
        );
        let schemas = &taken.spec.components.as_ref().unwrap().schemas;
        assert!(schemas.contains_key("Shared") && schemas.contains_key("Unused"));
        assert!(
            !schemas.contains_key("OnlyBad"),
            "types only the left-out operation used go too"
        );
        assert!(
            taken.spec.paths.paths.contains_key("/ok")
                && !taken.spec.paths.paths.contains_key("/bad")
        );
        let code = taken.tokens.to_string();
        assert!(code.contains("Shared") && !code.contains("OnlyBad"));
    }

    /// A schema openapiv3 cannot read (a 3.1 boolean schema left in a 3.0 document) takes out
    /// its component and the operation using it; the other operation stays. Strict refuses.
    #[test]
    fn what_validation_refuses_is_left_out_unless_strict() {
        let doc = json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Bad"}}}}}}},
                "/b": {"get": {"operationId": "b", "responses": {"204": {"description": "none"}}}}
            },
            "components": {"schemas": {"Bad": {"type": "object", "properties": {"x": false}}}}});
        let (spec, left_out) = validate(&doc, &Origins::default(), false).unwrap();
        let what: Vec<&str> = left_out.iter().map(|l| l.what.as_str()).collect();
        assert_eq!(
            what,
            [
                "component schemas/Bad (and the operations that use it)",
                "GET /a"
            ]
        );
        assert!(
            left_out[1].reason.contains("points at nothing"),
            "{left_out:?}"
        );
        assert_eq!(spec.paths.paths.keys().collect::<Vec<_>>(), ["/b"]);
        assert!(validate(&doc, &Origins::default(), true).is_err());
    }

    #[test]
    fn a_document_that_generates_is_taken_whole() {
        let doc = spec(
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"operationId": "a", "responses": {"204": {"description": "none"}}}}},
            "components": {"schemas": {"Unused": {"type": "string"}}}}),
        );
        let taken = generate(&doc, &Origins::default()).unwrap();
        assert!(taken.left_out.is_empty());
        assert_eq!(taken.spec, doc);
    }
}
