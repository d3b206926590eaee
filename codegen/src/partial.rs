//! Partial generation: an operation (or component) that validation refuses is left out with its
//! reason, so one bad schema never sinks a vendor (the model leaves out, the same way, an
//! operation whose schemas typify refuses). `strict = true` (vendor.toml) turns any left-out
//! operation into an error (see `lib.rs`).

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::error::Result;
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
