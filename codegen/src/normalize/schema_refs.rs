//! Pass `hoist-schema-refs`: progenitor and typify resolve a schema `$ref` only when it names a
//! component (`#/components/schemas/<name>`); one into an operation's body or into another
//! schema's properties panics. The schema it points at moves into `components/schemas` under a
//! name derived from where it was (`postA_body`, `Pet_owner`), its old place refers to it, and
//! every reference follows, so all users share one type.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use super::operation_ids::{derive, path_words};
use super::refs;
use super::schemas::for_each_schema;
use crate::error::Result;
use crate::origins::Origins;
use crate::pointer;

const COMPONENT: &str = "#/components/schemas/";

/// Hoisted schemas can hold references of their own to hoist; each round handles one level.
const MAX_ROUNDS: usize = 16;

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    for _ in 0..MAX_ROUNDS {
        let mut elsewhere = BTreeSet::new();
        for_each_schema(doc, &mut |_, schema| {
            if let Some(Value::String(r)) = schema.get("$ref")
                && !names_a_component(r)
            {
                elsewhere.insert(r.clone());
            }
            Ok(())
        })?;
        // The same target may be spelt several ways (`%7B` for `{`); key them by pointer.
        let mut targets: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in elsewhere {
            // The root or the schemas map itself is no schema to move (and moving it would
            // take the document apart).
            if let Some(p) = crate::pointer::of_ref(&r)
                && pointer::tokens(&p).is_some_and(|t| t.len() >= 2)
                && p != "/components/schemas"
                && doc.pointer(&p).is_some()
            {
                targets.entry(p).or_default().push(r);
            }
        }
        if targets.is_empty() {
            return Ok(());
        }
        // Deeper targets first: a target inside another one is then already a `$ref` when the
        // outer one is copied.
        let mut order: Vec<String> = targets.keys().cloned().collect();
        order.sort_by_key(|p| std::cmp::Reverse(pointer::tokens(p).map_or(0, |t| t.len())));
        let mut repoint: BTreeMap<String, String> = BTreeMap::new();
        for target in order {
            let Some(new) = hoist(doc, &target) else {
                continue;
            };
            for r in &targets[&target] {
                repoint.insert(r.clone(), new.clone());
            }
        }
        for_each_schema(doc, &mut |_, schema| {
            repoint_schema(schema, &repoint);
            Ok(())
        })?;
    }
    Ok(())
}

/// `#/components/schemas/<name>` and nothing deeper.
fn names_a_component(reference: &str) -> bool {
    reference
        .strip_prefix(COMPONENT)
        .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// Moves the schema at `target` into the components; returns the reference its users take.
fn hoist(doc: &mut Value, target: &str) -> Option<String> {
    let schema = doc.pointer(target)?.clone();
    // A reference to a reference: point at what that one names (a later round goes on if needed).
    if let Some(r) = refs::reference(&schema)
        && schema.as_object().is_some_and(|m| m.len() == 1)
    {
        return Some(r.to_string());
    }
    let name = unique_name(doc, &derived_name(doc, target));
    let reference = format!("{COMPONENT}{}", pointer::escape(&name));
    let root = doc.as_object_mut()?;
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()?;
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()?;
    schemas.insert(name, schema);
    if let Some(place) = doc.pointer_mut(target) {
        *place = serde_json::json!({ "$ref": reference });
    }
    Some(reference)
}

/// A component name from where the schema was: the operation (its id) or component it is in,
/// then the property names, `body`, `response_200`, `item`... on the way down.
fn derived_name(doc: &Value, target: &str) -> String {
    let tokens = pointer::tokens(target).unwrap_or_default();
    let mut words = Vec::new();
    let mut rest: &[String] = &tokens;
    match tokens.as_slice() {
        [paths, path, method, tail @ ..]
            if paths == "paths" && crate::walk::METHODS.contains(&method.as_str()) =>
        {
            let op = pointer::join(&pointer::join("/paths", path), method);
            let id = doc
                .pointer(&pointer::join(&op, "operationId"))
                .and_then(Value::as_str)
                .map_or_else(|| derive(method, path), str::to_string);
            words.push(id);
            rest = tail;
        }
        [paths, path, tail @ ..] if paths == "paths" => {
            words.push(path_words(path));
            rest = tail;
        }
        [components, _, name, tail @ ..] if components == "components" => {
            words.push(name.clone());
            rest = tail;
        }
        _ => {}
    }
    let mut i = 0;
    while let Some(token) = rest.get(i) {
        let next = rest.get(i + 1).cloned().unwrap_or_default();
        match token.as_str() {
            // Keywords followed by a name: the name is the word.
            "properties" | "patternProperties" | "$defs" | "definitions" | "headers" => {
                words.push(next);
                i += 1;
            }
            // The media type says nothing about the schema.
            "content" => i += 1,
            "parameters" => {
                let at = tokens.len() - rest.len() + i + 1;
                let param: String = tokens[..=at.min(tokens.len() - 1)]
                    .iter()
                    .map(|t| format!("/{}", pointer::escape(t)))
                    .collect();
                let name = doc
                    .pointer(&format!("{param}/name"))
                    .and_then(Value::as_str);
                words.push(name.map_or(next, str::to_string));
                i += 1;
            }
            "responses" => {
                words.push(format!("response_{next}"));
                i += 1;
            }
            "schema" => {}
            "items" => words.push("item".into()),
            "additionalProperties" => words.push("value".into()),
            "requestBody" => words.push("body".into()),
            other => words.push(other.to_string()),
        }
        i += 1;
    }
    let name: String = words
        .iter()
        .filter(|w| !w.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join("_")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        "Schema".into()
    } else {
        name
    }
}

/// `name`, or `name_2`, `name_3`... when a component would already make that Rust type name.
fn unique_name(doc: &Value, name: &str) -> String {
    let taken: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|s| s.keys())
        .map(|k| k.to_upper_camel_case())
        .collect();
    let mut candidate = name.to_string();
    let mut n = 2;
    while taken.contains(&candidate.to_upper_camel_case()) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    candidate
}

fn repoint_schema(schema: &mut Map<String, Value>, repoint: &BTreeMap<String, String>) {
    if let Some(Value::String(r)) = schema.get_mut("$ref")
        && let Some(new) = repoint.get(r.as_str())
    {
        *r = new.clone();
    }
    // A discriminator's mapping values are references too.
    if let Some(Value::Object(mapping)) = schema
        .get_mut("discriminator")
        .and_then(|d| d.get_mut("mapping"))
    {
        for value in mapping.values_mut() {
            if let Value::String(r) = value
                && let Some(new) = repoint.get(r.as_str())
            {
                *r = new.clone();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_schema_referenced_inside_an_operation_becomes_a_shared_component() {
        let body = json!({"type": "object", "properties": {"x": {"type": "string"}}});
        let mut doc = json!({"paths": {"/a": {
            "get": {"operationId": "getA", "responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/paths/~1a/post/requestBody/content/application~1json/schema"}}}}}},
            "post": {"operationId": "postA", "requestBody": {"content": {"application/json": {"schema": body.clone()}}}}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let r = json!({"$ref": "#/components/schemas/postA_body"});
        assert_eq!(doc["components"]["schemas"]["postA_body"], body);
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            r
        );
        assert_eq!(
            doc["paths"]["/a"]["post"]["requestBody"]["content"]["application/json"]["schema"], r,
            "the body and the response are one type"
        );
    }

    #[test]
    fn property_targets_are_hoisted_innermost_first_and_names_stay_distinct() {
        let mut doc = json!({"components": {"schemas": {
            "Pet": {"type": "object", "properties": {"owner": {"type": "object",
                "properties": {"tags": {"type": "array", "items": {"type": "string", "enum": ["a"]}}}}}},
            "PetOwner": {"type": "string"},
            "Other": {"properties": {
                "owner": {"$ref": "#/components/schemas/Pet/properties/owner"},
                "tag": {"$ref": "#/components/schemas/Pet/properties/owner/properties/tags/items"},
                "alias": {"$ref": "#/components/schemas/Other/properties/owner"}},
                "discriminator": {"propertyName": "k", "mapping": {"o": "#/components/schemas/Pet/properties/owner"}}}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Pet_owner_tags_item"],
            json!({"type": "string", "enum": ["a"]})
        );
        // `Pet_owner` would make the type `PetOwner`, which a component already makes.
        assert_eq!(
            schemas["Pet_owner_2"]["properties"]["tags"]["items"],
            json!({"$ref": "#/components/schemas/Pet_owner_tags_item"})
        );
        assert_eq!(
            schemas["Pet"]["properties"]["owner"],
            json!({"$ref": "#/components/schemas/Pet_owner_2"})
        );
        let other = &schemas["Other"];
        assert_eq!(
            other["properties"]["owner"]["$ref"],
            "#/components/schemas/Pet_owner_2"
        );
        assert_eq!(
            other["properties"]["alias"]["$ref"],
            "#/components/schemas/Pet_owner_2"
        );
        assert_eq!(
            other["discriminator"]["mapping"]["o"],
            "#/components/schemas/Pet_owner_2"
        );
    }

    #[test]
    fn parameter_schemas_are_named_after_the_parameter_and_dangling_refs_stay() {
        let mut doc = json!({"paths": {"/a/{id}": {"parameters": [{"name": "id", "in": "path", "schema": {"type": "integer"}}],
            "get": {"operationId": "getA", "parameters": [{"name": "q", "in": "query",
                "schema": {"$ref": "#/paths/~1a~1%7Bid%7D/parameters/0/schema"}}],
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/nowhere"}}}}}}}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["a_by_id_id"],
            json!({"type": "integer"})
        );
        assert_eq!(
            doc["paths"]["/a/{id}"]["get"]["parameters"][0]["schema"]["$ref"],
            "#/components/schemas/a_by_id_id"
        );
        assert_eq!(
            doc["paths"]["/a/{id}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/nowhere"
        );
        let mut odd = json!({"components": {"schemas": {"A": {"properties": {
            "root": {"$ref": "#"}, "all": {"$ref": "#/components/schemas"},
            "me": {"$ref": "#/components/schemas/A/properties/me"}}}}}});
        let before = odd.clone();
        run(&mut odd, &Origins::default()).unwrap();
        assert_eq!(odd, before, "left for validate");
    }

    /// The response pointing into the other operation's body is that body's type.
    #[test]
    fn the_generated_client_shares_the_type() {
        let client = crate::normalize::parameters::generated_client(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/paths/~1a/post/requestBody/content/application~1json/schema'}}}}\n    post:\n      operationId: postA\n      requestBody: {content: {application/json: {schema: {type: object, properties: {x: {type: string}}}}}}\n      responses: {'204': {description: ok}}\n",
        );
        assert!(client.contains("pubstructPostABody{"), "{client}");
        assert!(
            client.contains(
                "Result<ResponseValue<types::PostABody>,::openapi_sdk_runtime::Error<()>>"
            ),
            "{client}"
        );
        assert!(
            client.contains("body:Result<types::builder::PostABody,String>"),
            "{client}"
        );
    }
}
