//! Normalize stage: rewrites what the engine (progenitor, typify, openapiv3) cannot take into
//! what it can, keeping the meaning. Each rewrite is a small named pass with its own tests.

mod bounded_maps;
mod enum_names;
mod notes;
mod openapi31;
mod operation_ids;
mod request_bodies;
mod responses;
mod schemaless;
pub mod schemas;
mod type_names;

pub use bounded_maps::RUNTIME_CRATE;
pub use notes::NOTES;
pub use request_bodies::{BODY_ASIDE, OTHER_MEDIA_TYPES};

use serde_json::Value;

use crate::error::Result;
use crate::merge::Origins;

/// A normalization pass: a name for reports and a rewrite of the whole document.
pub struct Pass {
    pub name: &'static str,
    pub run: fn(&mut Value, &Origins) -> Result<()>,
}

/// The passes in the order they run; later passes may rely on earlier ones (operation ids are
/// derived before bodies and responses are named after them).
pub const PASSES: &[Pass] = &[
    Pass {
        name: "callbacks-and-webhooks",
        run: notes::run,
    },
    Pass {
        name: "openapi-3.1-to-3.0",
        run: openapi31::run,
    },
    Pass {
        name: "derive-operation-ids",
        run: operation_ids::run,
    },
    Pass {
        name: "schemaless-bodies",
        run: schemaless::run,
    },
    Pass {
        name: "single-request-media-type",
        run: request_bodies::run,
    },
    Pass {
        name: "one-response-type-per-class",
        run: responses::run,
    },
    Pass {
        name: "distinct-type-names",
        run: type_names::run,
    },
    Pass {
        name: "enum-variant-names",
        run: enum_names::run,
    },
    Pass {
        name: "bounded-maps",
        run: bounded_maps::run,
    },
];

pub fn normalize(doc: &mut Value, origins: &Origins) -> Result<()> {
    for pass in PASSES {
        (pass.run)(doc, origins)?;
    }
    Ok(())
}

/// The HTTP methods an OpenAPI path item can hold, in the order progenitor emits them.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An operation as the emitters name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub operation_id: String,
    /// The Rust method name (`listAvatars` -> `list_avatars`).
    pub method: String,
    /// The HTTP method in capitals.
    pub http: String,
    pub path: String,
}

/// Every operation of the document, in document order: (path, HTTP method in lower case, the
/// path item, the operation). The one walk over `paths` that readers of the document share.
pub fn operations(doc: &Value) -> impl Iterator<Item = (&str, &'static str, &Value, &Value)> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter_map(move |http| Some((path.as_str(), *http, item, item.get(*http)?)))
        })
}

/// Every operation with an operationId, in document order.
pub fn routes(doc: &Value) -> Vec<Route> {
    operations(doc)
        .filter_map(|(path, http, _, op)| {
            let id = op.get("operationId").and_then(Value::as_str)?;
            Some(Route {
                operation_id: id.to_string(),
                method: crate::validate::method_name(id),
                http: http.to_ascii_uppercase(),
                path: path.to_string(),
            })
        })
        .collect()
}

/// Calls `f` with (path, method, pointer, operation) for every operation of the document.
pub fn for_each_operation(
    doc: &mut Value,
    mut f: impl FnMut(&str, &str, &str, &mut serde_json::Map<String, Value>) -> Result<()>,
) -> Result<()> {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for method in METHODS {
            if let Some(Value::Object(op)) = item.get_mut(*method) {
                let at = crate::pointer::join(&crate::pointer::join("/paths", path), method);
                f(path, method, &at, op)?;
            }
        }
    }
    Ok(())
}

/// The document as published beside a crate (`openapi.json`): the normalized document with
/// what the engine workarounds set aside put back (other request media types, bodiless error
/// responses), so tools such as mock servers see every shape the crate supports.
pub fn published(normalized: &Value) -> Value {
    let mut doc = normalized.clone();
    let _ = for_each_operation(&mut doc, |_, _, _, op| {
        op.shift_remove(BODY_ASIDE);
        if let Some(Value::Object(mut others)) = op.shift_remove(OTHER_MEDIA_TYPES) {
            let mut body = match others.shift_remove("x-request-body") {
                Some(Value::Object(body)) => body,
                _ => serde_json::Map::new(),
            };
            let body = op.entry("requestBody").or_insert_with(|| {
                body.insert("content".into(), Value::Object(serde_json::Map::new()));
                Value::Object(body)
            });
            if let Some(Value::Object(content)) = body.get_mut("content") {
                content.extend(others);
            }
        }
        if let Some(Value::Object(aside)) = op.shift_remove(responses::UNTYPED)
            && let Some(Value::Object(responses)) = op.get_mut("responses")
        {
            responses.extend(aside);
        }
        Ok(())
    });
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn published_documents_get_the_set_aside_shapes_back() {
        let original = json!({"openapi": "3.0.3", "paths": {"/a": {"post": {"operationId": "a",
            "requestBody": {"content": {"multipart/form-data": {"schema": {}}, "application/json": {"schema": {}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {}}}},
                          "400": {"description": "bad", "content": {"application/json": {"schema": {"type": "string"}}}},
                          "401": {"description": "no body"}}}},
                              "/b": {"post": {"operationId": "b",
            "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {"type": "object"}}}},
            "responses": {"201": {"description": "created"}}}}}});
        let mut normalized = original.clone();
        normalize(&mut normalized, &Origins::default()).unwrap();
        assert_ne!(normalized, original);
        assert_eq!(published(&normalized), original);
    }
}
