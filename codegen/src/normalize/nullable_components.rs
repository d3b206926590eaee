//! Pass `nullable-compositions`: a nullable component whose non-null part is a composition
//! (`Err: {nullable: true, allOf: [{type: object, ..}]}`, the 3.0 form of 3.1's
//! `anyOf: [{..}, {type: 'null'}]`) makes typify name both the `Option` wrapper and the
//! composition inside it after the component, defining one Rust type twice. The composition
//! moves into a component of its own (`ErrValue`), and the original becomes the nullable
//! reference to it (`Err(Option<ErrValue>)`): the same values, two names.

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use crate::error::Result;
use crate::origins::Origins;
use crate::pointer::join;

const COMPOSITIONS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// What stays on the nullable wrapper; the rest describes the value and moves.
const WRAPPER_KEYS: &[&str] = &[
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
];

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return Ok(());
    };
    let names: Vec<String> = schemas
        .iter()
        .filter(|(_, s)| needs_split(s))
        .map(|(name, _)| name.clone())
        .collect();
    let mut added = Vec::new();
    for name in names {
        let value_name = free_name(schemas, &added, &name);
        let Some(Value::Object(schema)) = schemas.get_mut(&name) else {
            continue;
        };
        let mut value = std::mem::take(schema);
        value.shift_remove("nullable");
        for key in WRAPPER_KEYS {
            if let Some(v) = value.shift_remove(*key) {
                schema.insert((*key).into(), v);
            }
        }
        // The value's type keeps the documentation too.
        if let Some(description) = schema.get("description") {
            value.insert("description".into(), description.clone());
        }
        schema.insert("nullable".into(), Value::Bool(true));
        let reference = format!("#{}", join("/components/schemas", &value_name));
        schema.insert("allOf".into(), json!([{"$ref": reference}]));
        added.push((value_name, Value::Object(value)));
    }
    schemas.extend(added);
    Ok(())
}

/// A nullable component holding a composition other than the single reference that is already
/// the split form.
fn needs_split(schema: &Value) -> bool {
    let Value::Object(s) = schema else {
        return false;
    };
    if s.get("nullable") != Some(&Value::Bool(true))
        || !COMPOSITIONS.iter().any(|k| s.contains_key(*k))
    {
        return false;
    }
    !is_reference_wrapper(s)
}

fn is_reference_wrapper(s: &Map<String, Value>) -> bool {
    let single_ref = matches!(s.get("allOf"), Some(Value::Array(all))
        if all.len() == 1 && all[0].as_object().is_some_and(|b| b.len() == 1 && b.contains_key("$ref")));
    single_ref
        && s.keys().all(|k| {
            k == "allOf" || k == "nullable" || WRAPPER_KEYS.contains(&k.as_str()) || k == "title"
        })
}

/// `<name>Value`, or `<name>Value2`.. when that Rust name is taken.
fn free_name(schemas: &Map<String, Value>, added: &[(String, Value)], name: &str) -> String {
    let taken = |candidate: &str| {
        let rust = candidate.to_upper_camel_case();
        schemas
            .keys()
            .chain(added.iter().map(|(n, _)| n))
            .any(|k| k.to_upper_camel_case() == rust)
    };
    let base = format!("{name}Value");
    let mut candidate = base.clone();
    let mut n = 2;
    while taken(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_name_is_defined_once_in_the_generated_types() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Stop:\n      nullable: true\n      anyOf: [{type: string}, {type: array, items: {type: string}}]\n";
        let client = crate::generate_one(spec).unwrap().files["src/client.rs"].clone();
        assert!(client.contains("pub struct Stop(pub ::std::option::Option<StopValue>);"));
        assert_eq!(client.matches("pub enum StopValue {").count(), 1);
        let definitions = ["pub struct Stop(", "pub struct Stop {", "pub enum Stop {"];
        let defined: usize = definitions.iter().map(|d| client.matches(d).count()).sum();
        assert_eq!(defined, 1, "{client}");
    }

    #[test]
    fn nullable_compositions_get_a_component_for_their_value() {
        let mut doc = json!({"components": {"schemas": {
            "Err": {"nullable": true, "description": "An error.",
                    "allOf": [{"type": "object", "properties": {"code": {"type": "string"}}}]},
            "Stop": {"nullable": true, "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            "StopValue": {"type": "integer"},
            "Ref": {"nullable": true, "allOf": [{"$ref": "#/components/schemas/Err"}]}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Err"],
            json!({"description": "An error.", "nullable": true, "allOf": [{"$ref": "#/components/schemas/ErrValue"}]})
        );
        assert_eq!(
            schemas["ErrValue"],
            json!({"allOf": [{"type": "object", "properties": {"code": {"type": "string"}}}], "description": "An error."})
        );
        assert_eq!(
            schemas["Stop"]["allOf"],
            json!([{"$ref": "#/components/schemas/StopValue2"}]),
            "StopValue is taken"
        );
        assert_eq!(
            schemas["StopValue2"]["anyOf"][1],
            json!({"type": "array", "items": {"type": "string"}})
        );
        assert_eq!(
            schemas["Ref"],
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Err"}]}),
            "already a nullable reference"
        );
    }
}
