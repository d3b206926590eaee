//! The one definition of "every operation of a document": which keys of a path item are
//! operations, in which order. Read-only and mutable walks share it, so no pass or reader can
//! disagree about what counts.

use serde_json::{Map, Value};

use crate::error::Result;
use crate::pointer;

/// The HTTP methods an OpenAPI path item can hold, in the order progenitor emits them.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The operations of one path item, in [`METHODS`] order.
fn operation_keys(item: &Map<String, Value>) -> impl Iterator<Item = &'static str> + '_ {
    METHODS
        .iter()
        .copied()
        .filter(|m| item.get(*m).is_some_and(Value::is_object))
}

/// Every operation of the document, in document order: (path, HTTP method in lower case, the
/// path item, the operation).
pub fn operations(doc: &Value) -> impl Iterator<Item = (&str, &'static str, &Value, &Value)> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(path, item)| Some((path, item, item.as_object()?)))
        .flat_map(|(path, item, map)| {
            operation_keys(map)
                .filter_map(move |http| Some((path.as_str(), http, item, map.get(http)?)))
        })
}

/// Every entry of `components`, in document order: (kind such as `schemas`, the entry's pointer,
/// the entry). Kinds and entries that are not objects are skipped; validation reports them.
pub fn component_entries(doc: &Value) -> impl Iterator<Item = (&str, String, &Value)> {
    doc.get("components")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(kind, entries)| {
            entries
                .as_object()
                .into_iter()
                .flatten()
                .map(move |(name, entry)| {
                    let at = pointer::join(&pointer::join("/components", kind), name);
                    (kind.as_str(), at, entry)
                })
        })
}

/// Calls `f` with (path, method, pointer, operation) for every operation of the document.
pub fn for_each_operation(
    doc: &mut Value,
    mut f: impl FnMut(&str, &str, &str, &mut Map<String, Value>) -> Result<()>,
) -> Result<()> {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        let keys: Vec<&'static str> = operation_keys(item).collect();
        for method in keys {
            if let Some(Value::Object(op)) = item.get_mut(method) {
                let at = pointer::join(&pointer::join("/paths", path), method);
                f(path, method, &at, op)?;
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
    fn both_walks_see_the_same_operations_in_method_order() {
        let mut doc = json!({"paths": {
            "/a": {"post": {"operationId": "p"}, "parameters": [], "get": {"operationId": "g"}, "summary": "s"},
            "/b": {"$ref": "#/x"},
            "/c": {"delete": "not an operation"}
        }});
        let read: Vec<(String, &str)> = operations(&doc)
            .map(|(p, m, _, _)| (p.to_string(), m))
            .collect();
        assert_eq!(
            read,
            [("/a".to_string(), "get"), ("/a".to_string(), "post")]
        );
        let mut written = Vec::new();
        for_each_operation(&mut doc, |p, m, at, _| {
            written.push((p.to_string(), m.to_string(), at.to_string()));
            Ok(())
        })
        .unwrap();
        assert_eq!(written.len(), 2);
        assert_eq!(written[1].2, "/paths/~1a/post");
    }
}
