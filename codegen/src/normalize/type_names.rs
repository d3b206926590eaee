//! Pass `distinct-type-names`: typify names a Rust type after each component schema in
//! UpperCamelCase, so `Thing` and `thing` (or `user-id` and `UserId`) would define one type
//! twice and the crate would not compile. Later duplicates are renamed (`thing` -> `thing_2`,
//! type `Thing2`) and every `$ref` to them follows.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::origins::Origins;
use crate::pointer::{Trail, join};

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    drop_component_titles(doc);
    split_titled_nullables(doc)?;
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
        return Ok(());
    };
    let mut taken: BTreeMap<String, usize> = BTreeMap::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in &names {
        taken.entry(name.to_upper_camel_case()).or_insert(0);
    }
    let mut seen: BTreeMap<String, ()> = BTreeMap::new();
    for name in &names {
        let rust = name.to_upper_camel_case();
        if seen.insert(rust.clone(), ()).is_none() {
            continue;
        }
        let mut n = 2;
        let new = loop {
            let candidate = format!("{name}_{n}");
            if !names.contains(&candidate) && !taken.contains_key(&candidate.to_upper_camel_case())
            {
                break candidate;
            }
            n += 1;
        };
        taken.insert(new.to_upper_camel_case(), 0);
        renames.push((name.clone(), new));
    }
    if renames.is_empty() {
        return Ok(());
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        let old = std::mem::take(schemas);
        *schemas = old
            .into_iter()
            .map(|(k, v)| match renames.iter().find(|(from, _)| *from == k) {
                Some((_, to)) => (to.clone(), v),
                None => (k, v),
            })
            .collect::<Map<String, Value>>();
    }
    let refs: BTreeMap<String, String> = renames
        .iter()
        .map(|(from, to)| {
            (
                format!("#{}", join("/components/schemas", from)),
                format!("#{}", join("/components/schemas", to)),
            )
        })
        .collect();
    rewrite_refs(doc, &refs);
    Ok(())
}

/// A component is named by its key, but typify names the types it derives from it (the inner
/// type of a nullable schema) by `title`: `nullable-simple-user` titled "Simple User" would
/// define `SimpleUser` a second time. Titles of components move into the description.
fn drop_component_titles(doc: &mut Value) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    for (name, schema) in schemas.iter_mut() {
        let Value::Object(schema) = schema else {
            continue;
        };
        let Some(Value::String(title)) = schema.get("title").cloned() else {
            continue;
        };
        if title.to_upper_camel_case() == name.to_upper_camel_case() {
            continue;
        }
        schema.shift_remove("title");
        if !schema.contains_key("description") {
            schema.insert("description".into(), Value::String(title));
        }
    }
}

/// typify names both the `Option` wrapper of a nullable titled object and the object itself
/// after the title, defining one type twice. The object moves into an `allOf` under an untitled
/// nullable wrapper, so only the object takes the title.
fn split_titled_nullables(doc: &mut Value) -> Result<()> {
    crate::normalize::schemas::for_each_schema(doc, &mut |at, schema| {
        // A component schema is visited at the start of its trail, with its pointer rendered.
        let is_component = matches!(at, Trail::At(p)
            if p.starts_with("/components/schemas/") && p.matches('/').count() == 3);
        if is_component && schema.get("nullable") == Some(&Value::Bool(true)) {
            // The key names a component; its title would name the inner type the same.
            if let Some(Value::String(title)) = schema.shift_remove("title")
                && !schema.contains_key("description")
            {
                schema.insert("description".into(), Value::String(title));
            }
            return Ok(());
        }
        let titled_nullable = schema.get("nullable") == Some(&Value::Bool(true))
            && schema.contains_key("title")
            && (schema.contains_key("properties")
                || schema.get("type").and_then(Value::as_str) == Some("object"));
        if titled_nullable {
            let mut inner = std::mem::take(schema);
            inner.shift_remove("nullable");
            if let Some(description) = inner.get("description").cloned() {
                schema.insert("description".into(), description);
            }
            schema.insert("nullable".into(), Value::Bool(true));
            schema.insert("allOf".into(), Value::Array(vec![Value::Object(inner)]));
        }
        Ok(())
    })
}

fn rewrite_refs(node: &mut Value, refs: &BTreeMap<String, String>) {
    match node {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if k == "$ref" => {
                        if let Some(new) = refs.get(s.as_str()) {
                            *s = new.clone();
                        }
                    }
                    // A discriminator's mapping values are references too.
                    Value::Object(mapping) if k == "mapping" => {
                        for target in mapping.values_mut() {
                            if let Value::String(s) = target
                                && let Some(new) = refs.get(s.as_str())
                            {
                                *s = new.clone();
                            }
                        }
                    }
                    _ => rewrite_refs(v, refs),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, refs)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn component_titles_that_would_name_another_type_become_descriptions() {
        let mut doc = json!({"components": {"schemas": {
            "nullable-simple-user": {"title": "Simple User", "nullable": true, "type": "object"},
            "simple-user": {"title": "Simple User", "type": "object", "description": "kept"}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["nullable-simple-user"],
            json!({"nullable": true, "type": "object", "description": "Simple User"})
        );
        assert_eq!(
            schemas["simple-user"]["title"], "Simple User",
            "a title matching the key stays"
        );
    }

    #[test]
    fn titled_nullable_objects_get_an_untitled_wrapper() {
        let mut doc = json!({"components": {"schemas": {"PR": {"properties": {"auto_merge": {
            "title": "Auto merge", "type": "object", "nullable": true, "properties": {"a": {"type": "string"}}}}}}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["PR"]["properties"]["auto_merge"],
            json!({"nullable": true, "allOf": [{"title": "Auto merge", "type": "object", "properties": {"a": {"type": "string"}}}]})
        );
    }

    #[test]
    fn later_collisions_are_renamed_and_refs_follow() {
        let mut doc = json!({"components": {"schemas": {
            "Thing": {"properties": {"child": {"$ref": "#/components/schemas/thing"}}},
            "thing": {"type": "string"},
            "Shape": {"oneOf": [{"$ref": "#/components/schemas/thing"}], "discriminator": {"propertyName": "t", "mapping": {"a": "#/components/schemas/thing"}}}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert!(schemas.get("thing").is_none());
        assert_eq!(schemas["thing_2"], json!({"type": "string"}));
        assert_eq!(
            schemas["Thing"]["properties"]["child"]["$ref"],
            "#/components/schemas/thing_2"
        );
        assert_eq!(
            schemas["Shape"]["discriminator"]["mapping"]["a"],
            "#/components/schemas/thing_2"
        );
        let keys: Vec<_> = schemas.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Thing", "thing_2", "Shape"], "order is kept");
    }
}
