//! Normalize stage: rewrites what the engine (progenitor, typify, openapiv3) cannot take into
//! what it can, keeping the meaning. Each rewrite is a small named pass with its own tests.

mod bounded_maps;
mod compositions;
mod enum_names;
mod header_credentials;
mod inline_refs;
mod instance;
mod method_names;
mod notes;
mod nullable_components;
mod openapi31;
mod operation_ids;
mod parameter_unions;
mod parameters;
mod path_item_refs;
mod refs;
mod request_bodies;
mod reserved_names;
mod responses;
mod schema_refs;
mod schema_values;
mod schemaless;
pub mod schemas;
mod type_names;

pub use bounded_maps::RUNTIME_CRATE;
pub use notes::NOTES;
pub use request_bodies::{BODY_ASIDE, OTHER_MEDIA_TYPES};

use serde_json::Value;

use crate::error::Result;
use crate::origins::Origins;

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
        name: "inline-path-item-refs",
        run: path_item_refs::run,
    },
    Pass {
        name: "header-credentials",
        run: header_credentials::run,
    },
    Pass {
        name: "derive-operation-ids",
        run: operation_ids::run,
    },
    Pass {
        name: "distinct-method-names",
        run: method_names::run,
    },
    Pass {
        name: "hoist-schema-refs",
        run: schema_refs::run,
    },
    Pass {
        name: "inline-body-and-parameter-refs",
        run: inline_refs::run,
    },
    Pass {
        name: "parameter-unions",
        run: parameter_unions::run,
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
    // Schema rewrites: compositions first (a collapsed `anyOf` makes its default fit), then
    // values checked against the final shapes, then nullable components split before names.
    Pass {
        name: "compositions",
        run: compositions::run,
    },
    Pass {
        name: "values-that-fit",
        run: schema_values::run,
    },
    Pass {
        name: "nullable-compositions",
        run: nullable_components::run,
    },
    Pass {
        name: "reserved-type-names",
        run: reserved_names::run,
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

/// Top-level key where passes record what a maintainer should know of (a renamed operation, a
/// dropped default): `{"at": <JSON pointer>, "message": <sentence>}` objects. `cargo xtask gen`
/// prints each as a warning and the crate's README lists them.
pub const WARNINGS: &str = "x-codegen-warnings";

/// Records a warning about the content at `at` (a JSON pointer of the document).
pub fn warn(doc: &mut Value, at: &str, message: impl Into<String>) {
    let Value::Object(root) = doc else { return };
    let list = root
        .entry(WARNINGS)
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(list) = list {
        list.push(serde_json::json!({"at": at, "message": message.into()}));
    }
}

pub fn normalize(doc: &mut Value, origins: &Origins) -> Result<()> {
    for pass in PASSES {
        (pass.run)(doc, origins)?;
    }
    Ok(())
}

/// The document as published beside a crate (`openapi.json`): the normalized document with
/// what the engine workarounds set aside put back (other request media types, bodiless error
/// responses), so tools such as mock servers see every shape the crate supports.
pub fn published(normalized: &Value) -> Value {
    let mut doc = normalized.clone();
    let _ = crate::walk::for_each_operation(&mut doc, |_, _, _, op| {
        op.shift_remove(BODY_ASIDE);
        responses::restore_media_types(op);
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
