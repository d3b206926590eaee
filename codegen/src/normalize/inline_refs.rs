//! Pass `inline-body-and-parameter-refs`: the passes after this one and our emitters read
//! request bodies where operations hold them, so a body given by `$ref`
//! (`#/components/requestBodies/Thing`) with JSON, XML and form media types reached progenitor
//! whole, and it panics on a body with several media types. Every request body `$ref` is
//! replaced by a copy of what it points at (progenitor names the body type after the operation
//! either way). Parameters given by a `$ref` anywhere but `#/components/parameters/<name>`,
//! which progenitor cannot follow, are copied in too.

use serde_json::Value;

use super::refs;
use crate::error::Result;
use crate::origins::Origins;
use crate::pointer;
use crate::walk;

const PARAMETER_COMPONENT: &str = "#/components/parameters/";

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let mut copies: Vec<(String, Value)> = Vec::new();
    for (path, method, item, op) in walk::operations(doc) {
        let at = pointer::join(&pointer::join("/paths", path), method);
        if let Some(body) = op.get("requestBody")
            && refs::reference(body).is_some()
            && let Some(copy) = copy(doc, body)
        {
            copies.push((pointer::join(&at, "requestBody"), copy));
        }
        parameters(doc, op, &at, &mut copies);
        // Path-level parameters are seen once per operation; the copies are the same.
        parameters(doc, item, &pointer::join("/paths", path), &mut copies);
    }
    for (at, copy) in copies {
        if let Some(place) = doc.pointer_mut(&at) {
            *place = copy;
        }
    }
    Ok(())
}

fn parameters(doc: &Value, holder: &Value, at: &str, copies: &mut Vec<(String, Value)>) {
    let list = holder.get("parameters").and_then(Value::as_array);
    for (i, p) in list.into_iter().flatten().enumerate() {
        let followable = refs::reference(p).is_none_or(|r| {
            r.strip_prefix(PARAMETER_COMPONENT)
                .is_some_and(|name| !name.contains('/'))
        });
        if !followable && let Some(copy) = copy(doc, p) {
            copies.push((format!("{at}/parameters/{i}"), copy));
        }
    }
}

/// What a reference object stands for, with the fields beside its `$ref` (a 3.1 reference may
/// carry its own `description`); `None` when it does not resolve (validate reports it).
fn copy(doc: &Value, node: &Value) -> Option<Value> {
    let mut copy = refs::resolve(doc, node)?.clone();
    if let (Value::Object(copy), Value::Object(node)) = (&mut copy, node) {
        for (k, v) in node.iter().filter(|(k, _)| *k != "$ref") {
            copy.insert(k.clone(), v.clone());
        }
    }
    Some(copy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_body_refs_are_copied_into_each_operation() {
        let thing = json!({"required": true, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
            "application/xml": {"schema": {"$ref": "#/components/schemas/Thing"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Thing"}}}});
        let mut doc = json!({"paths": {"/a": {
            "put": {"requestBody": {"$ref": "#/components/requestBodies/Thing"}},
            "post": {"requestBody": {"$ref": "#/components/requestBodies/Alias", "description": "own"}}}},
            "components": {"requestBodies": {"Thing": thing.clone(), "Alias": {"$ref": "#/components/requestBodies/Thing"}}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc["paths"]["/a"]["put"]["requestBody"], thing);
        let mut described = thing.clone();
        described["description"] = json!("own");
        assert_eq!(doc["paths"]["/a"]["post"]["requestBody"], described);
        assert_eq!(
            doc["components"]["requestBodies"]["Thing"], thing,
            "the component stays"
        );
    }

    #[test]
    fn parameter_refs_progenitor_cannot_follow_are_copied_others_stay() {
        let q = json!({"name": "q", "in": "query", "schema": {"type": "string"}});
        let mut doc = json!({"paths": {
            "/a": {"parameters": [{"$ref": "#/paths/~1b/get/parameters/0"}],
                   "get": {"parameters": [{"$ref": "#/components/parameters/Q"}, {"$ref": "#/paths/~1b/get/parameters/0"}]}},
            "/b": {"get": {"parameters": [q.clone()]}}},
            "components": {"parameters": {"Q": q.clone()}}});
        run(&mut doc, &Origins::default()).unwrap();
        let a = &doc["paths"]["/a"];
        assert_eq!(a["parameters"][0], q);
        assert_eq!(
            a["get"]["parameters"][0],
            json!({"$ref": "#/components/parameters/Q"})
        );
        assert_eq!(a["get"]["parameters"][1], q);
    }

    /// One JSON body method; the XML one waits in the published document.
    #[test]
    fn the_generated_client_sends_the_json_body() {
        let client = crate::normalize::parameters::generated_client(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    put:\n      operationId: putA\n      requestBody: {$ref: '#/components/requestBodies/Thing'}\n      responses: {'204': {description: ok}}\ncomponents:\n  requestBodies:\n    Thing:\n      content:\n        application/json: {schema: {type: object, properties: {n: {type: string}}}}\n        application/xml: {schema: {type: object, properties: {n: {type: string}}}}\n",
        );
        assert!(
            client.contains("body:Result<types::builder::PutABody,String>"),
            "{client}"
        );
        assert!(
            client.contains(r#"request.json("application/json",&body);"#),
            "{client}"
        );
    }
}
