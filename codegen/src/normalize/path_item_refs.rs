//! Pass `inline-path-item-refs`: progenitor refuses a path item given by `$ref`
//! (`/b: {$ref: '#/paths/~1a'}`: the same operations under a second path). The item is copied
//! in (fields beside the `$ref` win over the target's). A copied operationId that another
//! operation already has gets the copy's path appended (`getA` at `/b` -> `getA_b`), with a
//! warning, so each path keeps a method of its own.

use std::collections::BTreeSet;

use serde_json::Value;

use super::operation_ids::path_words;
use super::refs;
use crate::error::Result;
use crate::naming::method_name;
use crate::origins::Origins;
use crate::pointer;
use crate::walk::{METHODS, operations};

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return Ok(());
    };
    // Every copy is taken from the document as it was, so chains (`/c` -> `/b` -> `/a`) resolve.
    let copies: Vec<(String, Value)> = paths
        .iter()
        .filter(|(_, item)| refs::reference(item).is_some())
        .filter_map(|(path, item)| Some((path.clone(), copy(doc, item)?)))
        .collect();
    if copies.is_empty() {
        return Ok(());
    }
    // Operations written out keep their ids; copies give way.
    let mut taken: BTreeSet<String> = operations(doc)
        .filter_map(|(_, _, _, op)| op.get("operationId")?.as_str())
        .map(method_name)
        .collect();
    let mut warnings = Vec::new();
    for (path, mut item) in copies {
        for method in METHODS {
            let Some(Value::Object(op)) = item.get_mut(*method) else {
                continue;
            };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let id = id.to_string();
            if id.trim().is_empty() {
                continue;
            }
            let mut new = id.clone();
            if taken.contains(&method_name(&id)) {
                new = unique(&id, &path, &taken);
                let at = pointer::join(
                    &pointer::join(&pointer::join("/paths", &path), method),
                    "operationId",
                );
                warnings.push((at, format!("operationId `{id}` is already the id of the operation this path item copies (`$ref`); here it is `{new}`")));
                op.insert("operationId".into(), Value::String(new.clone()));
            }
            taken.insert(method_name(&new));
        }
        if let Some(Value::Object(paths)) = doc.get_mut("paths") {
            paths.insert(path, item);
        }
    }
    for (at, message) in warnings {
        super::warn(doc, &at, message);
    }
    Ok(())
}

/// The item a `$ref` path item stands for, with the fields beside its `$ref`.
fn copy(doc: &Value, item: &Value) -> Option<Value> {
    let mut copy = refs::resolve(doc, item)?.clone();
    if let (Value::Object(copy), Value::Object(item)) = (&mut copy, item) {
        for (k, v) in item.iter().filter(|(k, _)| *k != "$ref") {
            copy.insert(k.clone(), v.clone());
        }
    }
    Some(copy)
}

/// `{id}_{path words}`, numbered when even that is taken.
fn unique(id: &str, path: &str, taken: &BTreeSet<String>) -> String {
    let words = path_words(path);
    let base = if words.is_empty() {
        format!("{id}_root")
    } else {
        format!("{id}_{words}")
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&method_name(&candidate)) {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::WARNINGS;
    use serde_json::json;

    #[test]
    fn referenced_items_are_copied_with_ids_of_their_own() {
        let mut doc = json!({"paths": {
            "/a/{id}": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "get": {"operationId": "getA", "responses": {}},
                        "delete": {"responses": {}}},
            "/b/{id}": {"$ref": "#/paths/~1a~1%7Bid%7D", "summary": "the same as /a"},
            "/c/{id}": {"$ref": "#/paths/~1b~1{id}"}
        }});
        run(&mut doc, &Origins::default()).unwrap();
        let paths = &doc["paths"];
        assert_eq!(paths["/a/{id}"]["get"]["operationId"], "getA");
        assert_eq!(paths["/b/{id}"]["get"]["operationId"], "getA_b_by_id");
        assert_eq!(paths["/c/{id}"]["get"]["operationId"], "getA_c_by_id");
        assert_eq!(paths["/b/{id}"]["summary"], "the same as /a");
        assert_eq!(
            paths["/b/{id}"]["parameters"],
            paths["/a/{id}"]["parameters"]
        );
        // Without an id, derive-operation-ids later names each copy after its own path.
        assert!(paths["/b/{id}"]["delete"].get("operationId").is_none());
        assert!(paths["/b/{id}"].get("$ref").is_none());
        let warnings = doc[WARNINGS].as_array().unwrap();
        assert_eq!(warnings.len(), 2);
        assert_eq!(warnings[0]["at"], "/paths/~1b~1{id}/get/operationId");
        assert!(
            warnings[0]["message"]
                .as_str()
                .unwrap()
                .contains("`getA_b_by_id`")
        );
    }

    #[test]
    fn a_copy_whose_id_is_free_keeps_it_and_dangling_refs_stay_for_validate() {
        let mut doc = json!({"paths": {
            "/b": {"$ref": "#/components/x-items/B"},
            "/z": {"$ref": "#/nowhere"}
        }, "components": {"x-items": {"B": {"get": {"operationId": "getB"}}}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc["paths"]["/b"]["get"]["operationId"], "getB");
        assert_eq!(doc["paths"]["/z"], json!({"$ref": "#/nowhere"}));
        assert!(doc.get(WARNINGS).is_none());
    }

    #[test]
    fn the_generated_client_has_a_method_per_path() {
        let client = crate::normalize::parameters::generated_client(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses: {'204': {description: ok}}\n  /b:\n    $ref: '#/paths/~1a'\n",
        );
        assert!(client.contains(r#"pubfnget_a(&self)"#), "{client}");
        assert!(client.contains(r#"pubfnget_a_b(&self)"#), "{client}");
        assert!(
            client.contains(r#"path:"/a""#) && client.contains(r#"request.path("/a");"#),
            "{client}"
        );
        assert!(
            client.contains(r#"path:"/b""#) && client.contains(r#"request.path("/b");"#),
            "{client}"
        );
    }
}
