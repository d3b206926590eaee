//! Merge stage: unions a vendor's OpenAPI documents into one. Operations and components are
//! atomic units: the same unit in two documents must be identical, otherwise the merge stops and
//! names both files, because silently picking one would drop what the other says.

use serde_json::{Map, Value};

use crate::error::{Error, Location, Result, Stage};
use crate::origins::Origins;
use crate::pointer;
use crate::source::Parsed;

/// How deep below a top-level key values are merged key by key before they become atomic units.
fn unit_depth(key: &str) -> usize {
    match key {
        // paths/{path}/{method}; path-level fields such as `parameters` are units of their own.
        "paths" | "components" => 2,
        "webhooks" => 1,
        _ => 0,
    }
}

pub fn merge(documents: &[Parsed]) -> Result<(Value, Origins)> {
    let mut merged = Map::new();
    let mut origins = Origins::with_fallback(
        documents
            .first()
            .map(|d| d.display.clone())
            .unwrap_or_default(),
    );
    for doc in documents {
        let Value::Object(map) = &doc.value else {
            return Err(not_an_object(doc));
        };
        for (key, value) in map {
            let at = pointer::join("", key);
            match key.as_str() {
                "openapi" => merge_version(&mut merged, value),
                // The first document's info stands for the API; the overlay may rewrite it.
                "info" => {
                    merged.entry(key.clone()).or_insert_with(|| value.clone());
                }
                "servers" | "security" | "tags" => union_list(&mut merged, key, value),
                _ => merge_units(
                    &mut merged,
                    key,
                    value,
                    unit_depth(key),
                    &at,
                    doc,
                    &mut origins,
                )?,
            }
        }
    }
    Ok((Value::Object(merged), origins))
}

fn not_an_object(doc: &Parsed) -> Error {
    Error::new(
        Stage::Merge,
        Location {
            file: doc.display.clone(),
            pointer: String::new(),
        },
        "document is not a JSON object",
        "an OpenAPI document must be an object at the top level",
    )
}

/// Keeps the highest version, so that 3.1-only constructs from any document get normalized.
fn merge_version(merged: &mut Map<String, Value>, value: &Value) {
    let newer = match (
        merged.get("openapi").and_then(Value::as_str),
        value.as_str(),
    ) {
        (Some(old), Some(new)) => version_key(new) > version_key(old),
        _ => true,
    };
    if newer {
        merged.insert("openapi".into(), value.clone());
    }
}

fn version_key(v: &str) -> Vec<u64> {
    v.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

/// Appends list entries not already present (servers, security requirements, tags).
fn union_list(merged: &mut Map<String, Value>, key: &str, value: &Value) {
    let target = merged
        .entry(key.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if let (Value::Array(existing), Value::Array(new)) = (target, value) {
        for item in new {
            if !existing.contains(item) {
                existing.push(item.clone());
            }
        }
    }
}

fn merge_units(
    parent: &mut Map<String, Value>,
    key: &str,
    value: &Value,
    depth: usize,
    at: &str,
    doc: &Parsed,
    origins: &mut Origins,
) -> Result<()> {
    match parent.get_mut(key) {
        None => {
            parent.insert(key.to_string(), value.clone());
            record_units(value, depth, at, doc, origins);
            Ok(())
        }
        Some(existing) if depth > 0 => match (existing, value) {
            (Value::Object(existing), Value::Object(incoming)) => {
                for (k, v) in incoming {
                    let child = pointer::join(at, k);
                    merge_units(existing, k, v, depth - 1, &child, doc, origins)?;
                }
                Ok(())
            }
            _ => conflict(at, doc, origins),
        },
        Some(existing) if existing == value => Ok(()),
        Some(_) => conflict(at, doc, origins),
    }
}

fn record_units(value: &Value, depth: usize, at: &str, doc: &Parsed, origins: &mut Origins) {
    match value {
        Value::Object(map) if depth > 0 => {
            for (k, v) in map {
                record_units(v, depth - 1, &pointer::join(at, k), doc, origins);
            }
        }
        _ => origins.record(at.to_string(), &doc.display),
    }
}

fn conflict(at: &str, doc: &Parsed, origins: &Origins) -> Result<()> {
    let first = origins.file_for(at).to_string();
    Err(Error::new(
        Stage::Merge,
        Location {
            file: doc.display.clone(),
            pointer: at.to_string(),
        },
        format!("differs from the same entry in {first}"),
        format!(
            "the documents disagree; decide which is right and add an overlay with `extends: {}` \
             whose actions remove or rename this entry before the merge (upstream files stay untouched)",
            doc.name
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(name: &str, value: Value) -> Parsed {
        Parsed {
            name: name.into(),
            display: format!("specs/v/{name}"),
            value,
        }
    }

    #[test]
    fn unions_paths_components_servers_and_keeps_highest_version() {
        let a = doc(
            "a.yaml",
            json!({"openapi": "3.0.3", "info": {"title": "A"}, "servers": [{"url": "u"}],
                   "paths": {"/x": {"get": {"operationId": "x"}}},
                   "components": {"schemas": {"S": {"type": "string"}}}}),
        );
        let b = doc(
            "b.yaml",
            json!({"openapi": "3.1.0", "info": {"title": "B"}, "servers": [{"url": "u"}, {"url": "v"}],
                   "paths": {"/x": {"post": {"operationId": "y"}}, "/z": {}},
                   "components": {"schemas": {"S": {"type": "string"}, "T": {}}}}),
        );
        let (m, origins) = merge(&[a, b]).unwrap();
        assert_eq!(m["openapi"], "3.1.0");
        assert_eq!(m["info"]["title"], "A");
        assert_eq!(m["servers"], json!([{"url": "u"}, {"url": "v"}]));
        assert_eq!(
            m["paths"]["/x"],
            json!({"get": {"operationId": "x"}, "post": {"operationId": "y"}})
        );
        assert_eq!(m["components"]["schemas"]["T"], json!({}));
        assert_eq!(
            origins.file_for("/paths/~1x/post/responses"),
            "specs/v/b.yaml"
        );
        assert_eq!(origins.file_for("/paths/~1x/get"), "specs/v/a.yaml");
    }

    #[test]
    fn differing_units_are_a_conflict_naming_both_files() {
        let a = doc(
            "a.yaml",
            json!({"openapi": "3.0.0", "components": {"schemas": {"S": {"type": "string"}}}}),
        );
        let b = doc(
            "b.yaml",
            json!({"openapi": "3.0.0", "components": {"schemas": {"S": {"type": "integer"}}}}),
        );
        let e = merge(&[a, b]).unwrap_err();
        assert_eq!(e.location.file, "specs/v/b.yaml");
        assert_eq!(e.location.pointer, "/components/schemas/S");
        assert!(e.message.contains("specs/v/a.yaml"), "{e}");
        assert!(e.help.contains("extends: b.yaml"), "{e}");
    }
}
