//! Pass `bounded-maps`: typify ignores `minProperties`/`maxProperties`, so a map the API limits
//! (Argil's `extras`: at most 10 pairs) would go out unchecked. Maps of primitive values become
//! `openapi_sdk_runtime::BoundedMap<V, MIN, MAX>` (via typify's `x-rust-type`), which checks the count
//! when the caller builds the request. Maps of object values keep typify's plain map.

use serde_json::{Map, Value, json};

use crate::error::Result;
use crate::normalize::schemas::for_each_schema;
use crate::origins::Origins;

pub const RUNTIME_CRATE: &str = "openapi-sdk-runtime";

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    for_each_schema(doc, &mut |_, schema| {
        if let Some(path) = bounded_map_type(schema) {
            schema.insert(
                "x-rust-type".into(),
                json!({"crate": RUNTIME_CRATE, "version": "0.1.0", "path": path}),
            );
        }
        Ok(())
    })
}

fn bounded_map_type(schema: &Map<String, Value>) -> Option<String> {
    let min = schema.get("minProperties").and_then(Value::as_u64);
    let max = schema.get("maxProperties").and_then(Value::as_u64);
    if (min.is_none() && max.is_none())
        || schema.contains_key("properties")
        || schema.contains_key("x-rust-type")
    {
        return None;
    }
    let values = schema.get("additionalProperties")?.as_object()?;
    let only_type = values
        .keys()
        .all(|k| matches!(k.as_str(), "type" | "description" | "format" | "example"));
    let value_type = match values.get("type").and_then(Value::as_str)? {
        "string" if !values.contains_key("format") => "::std::string::String",
        "integer" => "i64",
        "number" => "f64",
        "boolean" => "bool",
        _ => return None,
    };
    if !only_type {
        return None;
    }
    Some(format!(
        "openapi_sdk_runtime::BoundedMap<{value_type}, {}, {}>",
        min.unwrap_or(0),
        max.map_or_else(|| "{ usize::MAX }".to_string(), |m| m.to_string())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_on(schema: Value) -> Value {
        let mut doc = json!({"components": {"schemas": {"S": schema}}});
        run(&mut doc, &Origins::default()).unwrap();
        doc["components"]["schemas"]["S"].take()
    }

    #[test]
    fn bounded_string_maps_use_the_runtime_type() {
        let s = run_on(
            json!({"type": "object", "additionalProperties": {"type": "string"}, "maxProperties": 10}),
        );
        assert_eq!(
            s["x-rust-type"]["path"],
            "openapi_sdk_runtime::BoundedMap<::std::string::String, 0, 10>"
        );
        let s = run_on(
            json!({"type": "object", "additionalProperties": {"type": "integer"}, "minProperties": 1}),
        );
        assert_eq!(
            s["x-rust-type"]["path"],
            "openapi_sdk_runtime::BoundedMap<i64, 1, { usize::MAX }>"
        );
    }

    #[test]
    fn other_maps_are_left_to_typify() {
        for schema in [
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
            json!({"type": "object", "additionalProperties": {"$ref": "#/x"}, "maxProperties": 3}),
            json!({"type": "object", "properties": {"a": {}}, "additionalProperties": {"type": "string"}, "maxProperties": 3}),
            json!({"type": "object", "additionalProperties": {"type": "string", "enum": ["a"]}, "maxProperties": 3}),
        ] {
            assert!(run_on(schema).get("x-rust-type").is_none());
        }
    }
}
