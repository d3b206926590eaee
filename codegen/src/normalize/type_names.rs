//! Pass `distinct-type-names`: typify names a Rust type after each component schema in
//! UpperCamelCase, so `Thing` and `thing` (or `user-id` and `UserId`) would define one type
//! twice and the crate would not compile. Later duplicates are renamed (`thing` -> `thing_2`,
//! type `Thing2`) and every `$ref` to them follows.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::merge::Origins;
use crate::pointer::join;

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
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
