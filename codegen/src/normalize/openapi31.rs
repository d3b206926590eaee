//! Pass `openapi-3.1-to-3.0`: openapiv3 and progenitor read OpenAPI 3.0 only. Rewrites the 3.1
//! (JSON Schema 2020-12) constructs into their 3.0 equivalents:
//! `type: [T, 'null']` -> `type: T, nullable: true`; several types -> `anyOf`; `const` -> a
//! one-value `enum`; `examples: [..]` -> `example`; numeric `exclusiveMinimum`/`Maximum` ->
//! `minimum` + boolean; a `{type: 'null'}` branch of `oneOf`/`anyOf` -> `nullable`; an operation
//! without `responses` gets a bodiless `2XX`. Top-level `webhooks` (the API calls them, the
//! client does not) are dropped; a document without `paths` (optional since 3.1: a document of
//! webhooks and components) gets an empty one, so it still makes a crate of types. `mutualTLS`
//! security schemes are dropped with a warning, with every requirement of them: a client
//! certificate is configured on the HTTP client, not derived from the spec.

use serde_json::{Map, Value, json};

use crate::error::Result;
use crate::normalize::schemas::for_each_schema;
use crate::normalize::warn;
use crate::origins::Origins;
use crate::pointer::join;

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let is_31 = doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"));
    if !is_31 {
        return Ok(());
    }
    if let Value::Object(root) = doc {
        root.insert("openapi".into(), json!("3.0.3"));
        root.shift_remove("webhooks");
        root.shift_remove("jsonSchemaDialect");
        root.entry("paths").or_insert_with(|| json!({}));
    }
    mutual_tls(doc)?;
    // `responses` became optional in 3.1; openapiv3 requires it. Any 2xx is then a bodiless success.
    crate::walk::for_each_operation(doc, |_, _, _, op| {
        op.entry("responses").or_insert_with(
            || json!({"2XX": {"description": "Success (the document describes no responses)"}}),
        );
        Ok(())
    })?;
    for_each_schema(doc, &mut |_, schema| {
        rewrite(schema);
        Ok(())
    })
}

/// Drops `mutualTLS` schemes (3.1 only; openapiv3 refuses them) and their names from every
/// security requirement. A requirement left empty means the client sends no credential of its
/// own, which is what it can do: the certificate belongs to the HTTP client's TLS setup.
fn mutual_tls(doc: &mut Value) -> Result<()> {
    let Some(Value::Object(schemes)) = doc.pointer_mut("/components/securitySchemes") else {
        return Ok(());
    };
    let dropped: Vec<String> = schemes
        .iter()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
        .map(|(name, _)| name.clone())
        .collect();
    if dropped.is_empty() {
        return Ok(());
    }
    schemes.retain(|name, _| !dropped.contains(name));
    let forget = |requirements: Option<&mut Value>| {
        if let Some(Value::Array(requirements)) = requirements {
            for requirement in requirements.iter_mut().filter_map(Value::as_object_mut) {
                requirement.retain(|name, _| !dropped.contains(name));
            }
        }
    };
    forget(doc.get_mut("security"));
    crate::walk::for_each_operation(doc, |_, _, _, op| {
        forget(op.get_mut("security"));
        Ok(())
    })?;
    for name in &dropped {
        warn(
            doc,
            &join("/components/securitySchemes", name),
            format!(
                "security scheme `{name}` (mutualTLS) is dropped: the client sends no certificate of its own; configure one on the HTTP client (reqwest::Identity) if the API requires it"
            ),
        );
    }
    Ok(())
}

fn rewrite(schema: &mut Map<String, Value>) {
    type_arrays(schema);
    if let Some(value) = schema.shift_remove("const") {
        schema.insert("enum".into(), json!([value]));
    }
    if let Some(Value::Array(mut examples)) = schema.shift_remove("examples")
        && !examples.is_empty()
        && !schema.contains_key("example")
    {
        schema.insert("example".into(), examples.swap_remove(0));
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = schema.get(exclusive).cloned() {
            schema.insert(bound.into(), n);
            schema.insert(exclusive.into(), Value::Bool(true));
        }
    }
    null_branches(schema);
}

fn is_null_type(v: &Value) -> bool {
    v.as_str() == Some("null")
}

/// `type: [string, 'null']` -> `type: string, nullable: true`; `[string, integer]` -> anyOf.
fn type_arrays(schema: &mut Map<String, Value>) {
    match schema.get("type").cloned() {
        Some(Value::Array(types)) => {
            let nullable = types.iter().any(is_null_type);
            let rest: Vec<Value> = types.into_iter().filter(|t| !is_null_type(t)).collect();
            schema.shift_remove("type");
            match rest.len() {
                0 => {
                    schema.insert("enum".into(), json!([null]));
                }
                1 => {
                    schema.insert("type".into(), rest[0].clone());
                }
                _ => {
                    let branches = rest.into_iter().map(|t| json!({"type": t})).collect();
                    schema.insert("anyOf".into(), Value::Array(branches));
                }
            }
            if nullable {
                schema.insert("nullable".into(), Value::Bool(true));
            }
        }
        Some(t) if is_null_type(&t) => {
            schema.shift_remove("type");
            schema.insert("enum".into(), json!([null]));
            schema.insert("nullable".into(), Value::Bool(true));
        }
        _ => {}
    }
}

/// `oneOf: [{$ref: X}, {type: 'null'}]` -> `allOf: [{$ref: X}], nullable: true`.
fn null_branches(schema: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(branches)) = schema.get(key) else {
            continue;
        };
        let is_null = |b: &Value| {
            b.get("type").is_some_and(is_null_type) && b.as_object().is_some_and(|m| m.len() == 1)
        };
        if !branches.iter().any(is_null) {
            continue;
        }
        let rest: Vec<Value> = branches.iter().filter(|b| !is_null(b)).cloned().collect();
        schema.shift_remove(key);
        schema.insert("nullable".into(), Value::Bool(true));
        if rest.len() == 1 {
            schema.insert("allOf".into(), Value::Array(rest));
        } else if !rest.is_empty() {
            schema.insert(key.into(), Value::Array(rest));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc_with(schema: Value) -> Value {
        json!({"openapi": "3.1.0", "webhooks": {"w": {}}, "components": {"schemas": {"S": schema}}})
    }

    fn normalized(schema: Value) -> Value {
        let mut doc = doc_with(schema);
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("webhooks").is_none());
        doc["components"]["schemas"]["S"].take()
    }

    #[test]
    fn nullable_type_arrays() {
        assert_eq!(
            normalized(json!({"type": ["string", "null"], "format": "uri"})),
            json!({"format": "uri", "type": "string", "nullable": true})
        );
        assert_eq!(
            normalized(json!({"type": ["string", "integer"]})),
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds() {
        assert_eq!(
            normalized(
                json!({"const": "IMAGE", "examples": ["IMAGE", "x"], "exclusiveMinimum": 0})
            ),
            json!({"enum": ["IMAGE"], "example": "IMAGE", "exclusiveMinimum": true, "minimum": 0})
        );
    }

    #[test]
    fn null_branch_of_one_of_becomes_nullable() {
        assert_eq!(
            normalized(
                json!({"properties": {"p": {"oneOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]}}})
            ),
            json!({"properties": {"p": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/T"}]}}})
        );
    }

    #[test]
    fn operations_without_responses_get_a_bodiless_success() {
        let mut doc = json!({"openapi": "3.1.0", "paths": {"/u": {"get": {"security": []}}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(
            doc["paths"]["/u"]["get"]["responses"]["2XX"]["description"],
            "Success (the document describes no responses)"
        );
    }

    #[test]
    fn documents_of_webhooks_alone_get_empty_paths() {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "webhooks": {"ping": {"post": {"responses": {"200": {"description": "ok"}}}}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc["paths"], json!({}));
    }

    #[test]
    fn mutual_tls_schemes_and_their_requirements_are_dropped_with_a_warning() {
        let mut doc = json!({"openapi": "3.1.0", "security": [{"mtls": [], "key": []}],
            "paths": {"/a": {"get": {"security": [{"mtls": []}], "responses": {}}}},
            "components": {"securitySchemes": {
                "mtls": {"type": "mutualTLS"},
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"}}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(
            doc["components"]["securitySchemes"],
            json!({"key": {"type": "apiKey", "in": "header", "name": "X-Key"}})
        );
        assert_eq!(doc["security"], json!([{"key": []}]));
        assert_eq!(doc["paths"]["/a"]["get"]["security"], json!([{}]));
        let warnings = doc[crate::normalize::WARNINGS].as_array().unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0]["at"], "/components/securitySchemes/mtls");
    }

    #[test]
    fn leaves_3_0_documents_alone() {
        let mut doc =
            json!({"openapi": "3.0.3", "components": {"schemas": {"S": {"examples": [1]}}}});
        let before = doc.clone();
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc, before);
    }
}
