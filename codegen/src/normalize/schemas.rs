//! Finds every schema object of an OpenAPI document, so passes that rewrite schemas see all of
//! them: components, parameters, bodies, responses, headers, and every nested subschema.

use serde_json::{Map, Value};

use crate::error::Result;
use crate::pointer::{Trail, join};

/// Called with each schema's location, rendered with [`Trail::pointer`] only where needed.
pub type SchemaVisitor<'a> = dyn FnMut(&Trail<'_>, &mut Map<String, Value>) -> Result<()> + 'a;

/// Visits every schema, parents before children (a rewrite of a parent is seen by its children).
pub fn for_each_schema(doc: &mut Value, f: &mut SchemaVisitor<'_>) -> Result<()> {
    let Value::Object(root) = doc else {
        return Ok(());
    };
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for (kind, entries) in components.iter_mut() {
            let Value::Object(entries) = entries else {
                continue;
            };
            let base = join("/components", kind);
            for (name, entry) in entries.iter_mut() {
                let at = join(&base, name);
                let at = Trail::At(&at);
                match kind.as_str() {
                    "schemas" => walk(entry, at, f)?,
                    "parameters" | "headers" => parameter_like(entry, at, f)?,
                    "requestBodies" => content(entry, at, f)?,
                    "responses" => response(entry, at, f)?,
                    _ => {}
                }
            }
        }
    }
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            let base = join("/paths", path);
            for (key, op) in item.iter_mut() {
                let at = join(&base, key);
                let at = Trail::At(&at);
                if key == "parameters" {
                    each(op, at, f, parameter_like)?;
                    continue;
                }
                let Value::Object(op) = op else { continue };
                if let Some(params) = op.get_mut("parameters") {
                    each(params, Trail::Key(&at, "parameters"), f, parameter_like)?;
                }
                if let Some(body) = op.get_mut("requestBody") {
                    content(body, Trail::Key(&at, "requestBody"), f)?;
                }
                if let Some(Value::Object(responses)) = op.get_mut("responses") {
                    let at = Trail::Key(&at, "responses");
                    for (code, r) in responses.iter_mut() {
                        response(r, Trail::Key(&at, code), f)?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn each(
    list: &mut Value,
    at: Trail<'_>,
    f: &mut SchemaVisitor<'_>,
    visit: fn(&mut Value, Trail<'_>, &mut SchemaVisitor<'_>) -> Result<()>,
) -> Result<()> {
    if let Value::Array(items) = list {
        for (i, item) in items.iter_mut().enumerate() {
            visit(item, Trail::Index(&at, i), f)?;
        }
    }
    Ok(())
}

fn parameter_like(p: &mut Value, at: Trail<'_>, f: &mut SchemaVisitor<'_>) -> Result<()> {
    if let Some(schema) = p.get_mut("schema") {
        walk(schema, Trail::Key(&at, "schema"), f)?;
    }
    content(p, at, f)
}

fn response(r: &mut Value, at: Trail<'_>, f: &mut SchemaVisitor<'_>) -> Result<()> {
    if let Some(Value::Object(headers)) = r.get_mut("headers") {
        let headers_at = Trail::Key(&at, "headers");
        for (name, h) in headers.iter_mut() {
            parameter_like(h, Trail::Key(&headers_at, name), f)?;
        }
    }
    content(r, at, f)
}

fn content(holder: &mut Value, at: Trail<'_>, f: &mut SchemaVisitor<'_>) -> Result<()> {
    if let Some(Value::Object(media)) = holder.get_mut("content") {
        let content_at = Trail::Key(&at, "content");
        for (mt, obj) in media.iter_mut() {
            if let Some(schema) = obj.get_mut("schema") {
                let media_at = Trail::Key(&content_at, mt);
                walk(schema, Trail::Key(&media_at, "schema"), f)?;
            }
        }
    }
    Ok(())
}

/// Applies `f` to a schema and then to each of its subschemas.
pub fn walk(schema: &mut Value, at: Trail<'_>, f: &mut SchemaVisitor<'_>) -> Result<()> {
    let Value::Object(map) = schema else {
        return Ok(());
    };
    f(&at, map)?;
    for key in [
        "items",
        "additionalProperties",
        "not",
        "contains",
        "if",
        "then",
        "else",
    ] {
        match map.get_mut(key) {
            Some(child @ Value::Object(_)) => walk(child, Trail::Key(&at, key), f)?,
            Some(Value::Array(children)) if key == "items" => {
                let list = Trail::Key(&at, key);
                for (i, c) in children.iter_mut().enumerate() {
                    walk(c, Trail::Index(&list, i), f)?;
                }
            }
            _ => {}
        }
    }
    for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
        if let Some(Value::Array(children)) = map.get_mut(key) {
            let list = Trail::Key(&at, key);
            for (i, c) in children.iter_mut().enumerate() {
                walk(c, Trail::Index(&list, i), f)?;
            }
        }
    }
    for key in ["properties", "patternProperties", "$defs", "definitions"] {
        if let Some(Value::Object(children)) = map.get_mut(key) {
            let map_at = Trail::Key(&at, key);
            for (name, c) in children.iter_mut() {
                walk(c, Trail::Key(&map_at, name), f)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_schemas_everywhere_they_live() {
        let mut doc = json!({
            "paths": {"/a/{id}": {
                "parameters": [{"name": "id", "schema": {"type": "string"}}],
                "post": {
                    "parameters": [{"name": "q", "schema": {"type": "integer"}}],
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object",
                        "properties": {"p": {"type": "array", "items": {"type": "string"}}}}}}},
                    "responses": {"200": {"headers": {"X-Id": {"schema": {"type": "string"}}},
                        "content": {"application/json": {"schema": {"oneOf": [{"type": "string"}]}}}}}
                }
            }},
            "components": {"schemas": {"S": {"additionalProperties": {"type": "string"}}},
                           "parameters": {"P": {"schema": {"type": "boolean"}}}}
        });
        let mut seen = Vec::new();
        for_each_schema(&mut doc, &mut |at, _| {
            seen.push(at.pointer());
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                "/components/schemas/S",
                "/components/schemas/S/additionalProperties",
                "/components/parameters/P/schema",
                "/paths/~1a~1{id}/parameters/0/schema",
                "/paths/~1a~1{id}/post/parameters/0/schema",
                "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema",
                "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema/properties/p",
                "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema/properties/p/items",
                "/paths/~1a~1{id}/post/responses/200/headers/X-Id/schema",
                "/paths/~1a~1{id}/post/responses/200/content/application~1json/schema",
                "/paths/~1a~1{id}/post/responses/200/content/application~1json/schema/oneOf/0",
            ]
        );
    }
}
