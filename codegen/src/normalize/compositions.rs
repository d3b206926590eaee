//! Pass `compositions`: reshapes `allOf`/`anyOf`/`oneOf` typify cannot take into equivalents
//! it can:
//! - `enum` beside a composition (`enum: [red], allOf: [{$ref: Color}]`; typify panics): the
//!   enum already lists every value allowed, so it stays, keeping the values the composition
//!   accepts, and the composition goes;
//! - `anyOf` and `oneOf` on one schema (progenitor asserts): both hold, so both move into
//!   `allOf`, which typify merges;
//! - an `anyOf` of strings with an open branch ("a known model name or any string":
//!   `anyOf: [{type: string}, {type: string, enum: [small, large]}]`): typify makes a struct of
//!   flattened strings, which no JSON string deserializes into, and refuses a `default`. The
//!   union is any string: it becomes `type: string` whose description lists the known values.

use serde_json::{Map, Value, json};

use crate::error::Result;
use crate::normalize::instance::{Components, fits, for_each_schema_resolving, listed};
use crate::normalize::warn;
use crate::origins::Origins;

const COMPOSITIONS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// Keywords that describe a schema without constraining its instances.
const ANNOTATIONS: &[&str] = &[
    "type",
    "title",
    "description",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
];

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let mut warnings = Vec::new();
    for_each_schema_resolving(doc, &mut |at, schema, components| {
        if let Some(message) = enum_beside_composition(schema, components) {
            warnings.push((at.pointer(), message));
        }
        any_of_and_one_of(schema);
        any_string(schema, components);
        Ok(())
    })?;
    for (at, message) in warnings {
        warn(doc, &at, message);
    }
    Ok(())
}

/// `enum` with `allOf`/`anyOf`/`oneOf`: the values the composition accepts stay, the
/// composition goes. The warning names values the composition refused, if any.
fn enum_beside_composition(
    schema: &mut Map<String, Value>,
    components: &Components<'_>,
) -> Option<String> {
    let Some(Value::Array(values)) = schema.get("enum") else {
        return None;
    };
    if !COMPOSITIONS.iter().any(|k| schema.contains_key(*k)) {
        return None;
    }
    let mut probe = schema.clone();
    probe.shift_remove("enum");
    probe.shift_remove("default");
    let (kept, refused): (Vec<Value>, Vec<Value>) = values
        .iter()
        .cloned()
        .partition(|v| fits(v, &probe, components));
    if kept.iter().all(Value::is_null) {
        schema.shift_remove("enum");
        if refused.is_empty() {
            // `enum: [null]` beside a composition is how `type: 'null'` beside one reads in
            // 3.0 (vendors write it for "this, or null"); `nullable` says the same.
            schema.insert("nullable".into(), Value::Bool(true));
            return None;
        }
        // No value is allowed by both: the schema accepts nothing as written. The composition
        // is the wider reading and typify can take it alone.
        return Some(format!(
            "no enum value is allowed by the schema's composition ({}): the enum is dropped",
            listed(&refused)
        ));
    }
    if !schema.contains_key("type")
        && let Some(t) = common_type(&kept)
    {
        schema.insert("type".into(), json!(t));
    }
    schema.insert("enum".into(), Value::Array(kept));
    for key in COMPOSITIONS {
        schema.shift_remove(key);
    }
    (!refused.is_empty()).then(|| {
        format!(
            "enum values the schema's composition does not allow dropped: {}",
            listed(&refused)
        )
    })
}

/// The JSON type every non-null value has, if one.
fn common_type(values: &[Value]) -> Option<&'static str> {
    let type_of = |v: &Value| match v {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        _ => None,
    };
    let mut types = values.iter().filter(|v| !v.is_null()).map(type_of);
    let first = types.next()??;
    types
        .all(|t| t == Some(first) || (first == "number" && t == Some("integer")))
        .then_some(first)
}

/// `anyOf` and `oneOf` together: an instance matches one of each, which is what `allOf` of
/// both says.
fn any_of_and_one_of(schema: &mut Map<String, Value>) {
    if !(schema.contains_key("anyOf") && schema.contains_key("oneOf")) {
        return;
    }
    let mut all = match schema.shift_remove("allOf") {
        Some(Value::Array(all)) => all,
        _ => Vec::new(),
    };
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = schema.shift_remove(key) {
            all.push(json!({ key: branches }));
        }
    }
    schema.insert("allOf".into(), Value::Array(all));
}

/// An `anyOf` with an unconstrained string branch accepts every string: its other string-only
/// branches add nothing but documentation, so they leave and their values go into the
/// description. When the open branch is all that remains, the schema becomes that string.
fn any_string(schema: &mut Map<String, Value>, components: &Components<'_>) {
    if schema
        .get("type")
        .is_some_and(|t| t.as_str() != Some("string"))
    {
        return;
    }
    let Some(Value::Array(branches)) = schema.get("anyOf") else {
        return;
    };
    let Some(open) = branches.iter().position(is_open_string) else {
        return;
    };
    let mut known: Vec<String> = Vec::new();
    let mut rest = Vec::new();
    for (i, branch) in branches.iter().enumerate() {
        if i == open {
            continue;
        }
        match string_only(branch, components, 0) {
            Some(values) => {
                for v in values {
                    if !known.contains(&v) {
                        known.push(v);
                    }
                }
            }
            None => rest.push(branch.clone()),
        }
    }
    if rest.len() + 1 == branches.len() {
        return;
    }
    let open = branches[open].clone();
    if rest.is_empty() {
        schema.shift_remove("anyOf");
        schema.insert("type".into(), json!("string"));
        // The branch's annotations fill in what the schema lacks; a nullable branch makes
        // the schema nullable.
        for (key, value) in open.as_object().into_iter().flatten() {
            if key == "nullable" || !schema.contains_key(key) {
                schema.insert(key.clone(), value.clone());
            }
        }
    } else {
        rest.insert(0, open);
        schema.insert("anyOf".into(), Value::Array(rest));
    }
    if !known.is_empty() {
        let listed = known
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let line = format!("Known values: {listed}; any other string is accepted too.");
        let description = match schema.get("description").and_then(Value::as_str) {
            Some(d) if !d.is_empty() => format!("{d}\n\n{line}"),
            _ => line,
        };
        schema.insert("description".into(), json!(description));
    }
}

/// `{type: string}` with nothing that narrows it.
fn is_open_string(branch: &Value) -> bool {
    let Value::Object(b) = branch else {
        return false;
    };
    b.get("type").and_then(Value::as_str) == Some("string")
        && b.keys()
            .all(|k| ANNOTATIONS.contains(&k.as_str()) || k == "nullable" || k.starts_with("x-"))
}

/// The string values a branch lists, when the branch accepts strings only (`type: string`, an
/// enum of strings, or a reference to either); `None` when it may accept anything else.
fn string_only(branch: &Value, components: &Components<'_>, depth: usize) -> Option<Vec<String>> {
    let b = branch.as_object()?;
    if let Some(reference) = b.get("$ref").and_then(Value::as_str) {
        return if depth < 8 {
            string_only(components.resolve(reference)?, components, depth + 1)
        } else {
            None
        };
    }
    if b.get("nullable") == Some(&Value::Bool(true)) {
        return None;
    }
    let values = match b.get("enum") {
        Some(Value::Array(values)) => values
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()?,
        Some(_) => return None,
        None => Vec::new(),
    };
    let typed_string = b.get("type").and_then(Value::as_str) == Some("string");
    let untyped_enum = !b.contains_key("type") && b.contains_key("enum");
    (typed_string || untyped_enum).then_some(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::WARNINGS;

    fn run_on(schemas: Value) -> Value {
        let mut doc = json!({"components": {"schemas": schemas}});
        run(&mut doc, &Origins::default()).unwrap();
        doc
    }

    #[test]
    fn enum_beside_a_composition_keeps_the_values_both_allow() {
        let doc = run_on(json!({
            "Color": {"type": "string", "enum": ["red", "blue"]},
            "A": {"type": "object", "properties": {
                "color": {"type": "string", "enum": ["red"], "allOf": [{"$ref": "#/components/schemas/Color"}]},
                "tint": {"enum": ["blue", "green"], "oneOf": [{"$ref": "#/components/schemas/Color"}], "description": "d"},
                "none": {"enum": ["green"], "allOf": [{"$ref": "#/components/schemas/Color"}]},
                "or_null": {"enum": [null], "nullable": true, "oneOf": [{"type": "string"}, {"type": "number"}]}
            }}
        }));
        let p = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(p["color"], json!({"type": "string", "enum": ["red"]}));
        assert_eq!(
            p["tint"],
            json!({"enum": ["blue"], "description": "d", "type": "string"})
        );
        assert_eq!(
            p["none"],
            json!({"allOf": [{"$ref": "#/components/schemas/Color"}]})
        );
        assert_eq!(
            p["or_null"],
            json!({"nullable": true, "oneOf": [{"type": "string"}, {"type": "number"}]}),
            "the 3.0 reading of `type: 'null'` beside a composition: nullable, no warning"
        );
        assert_eq!(
            doc[WARNINGS],
            json!([
                {"at": "/components/schemas/A/properties/tint", "message": "enum values the schema's composition does not allow dropped: `\"green\"`"},
                {"at": "/components/schemas/A/properties/none", "message": "no enum value is allowed by the schema's composition (`\"green\"`): the enum is dropped"}
            ])
        );
    }

    #[test]
    fn any_of_beside_one_of_become_all_of_both() {
        let doc = run_on(json!({"X": {
            "allOf": [{"$ref": "#/components/schemas/Base"}],
            "anyOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
            "oneOf": [{"$ref": "#/components/schemas/C"}, {"type": "string"}]
        }}));
        assert_eq!(
            doc["components"]["schemas"]["X"],
            json!({"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"anyOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]},
                {"oneOf": [{"$ref": "#/components/schemas/C"}, {"type": "string"}]}
            ]})
        );
    }

    /// The generated `src/client.rs` of a one-schema document (the schema is the response).
    fn client_of(schema: &str) -> String {
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Req'}}\ncomponents:\n  schemas:\n    Color: {{type: string, enum: [red, blue]}}\n    Req: {schema}\n"
        );
        let files = [crate::SourceFile {
            name: "api.yaml".into(),
            text: spec,
        }];
        let input = crate::VendorInput {
            vendor: "v",
            source_dir: "specs/v",
            files: &files,
            runtime_path: "../../runtime",
        };
        crate::generate(&input).unwrap().files["src/client.rs"].clone()
    }

    #[test]
    fn a_known_model_name_or_any_string_generates_a_string_with_its_default() {
        let client = client_of(
            "{type: object, properties: {model: {anyOf: [{type: string}, {type: string, enum: [small, large]}], default: small}}}",
        );
        // A plain String takes `small` and any other string alike; the default is kept.
        let field = client
            .split("pub struct Req {")
            .nth(1)
            .and_then(|s| s.split('}').next())
            .unwrap();
        assert!(
            field.contains("#[serde(default = \"defaults::req_model\")]")
                && field.contains("pub model: ::std::string::String,"),
            "{field}"
        );
        let default_fn = client.split("pub(super) fn req_model()").nth(1).unwrap();
        assert!(
            default_fn
                .split('}')
                .next()
                .unwrap()
                .contains("\"small\".to_string()"),
            "{default_fn}"
        );
    }

    #[test]
    fn an_enum_narrowing_a_shared_one_generates_its_own_values_only() {
        let client = client_of(
            "{type: object, properties: {color: {type: string, enum: [red], allOf: [{$ref: '#/components/schemas/Color'}]}}}",
        );
        let narrowed = client
            .split("pub enum ReqColor {")
            .nth(1)
            .and_then(|s| s.split("\n    }").next())
            .unwrap();
        assert!(
            narrowed.contains("Red,") && !narrowed.contains("Blue"),
            "{narrowed}"
        );
    }

    #[test]
    fn any_of_a_string_or_known_strings_is_a_string_listing_them() {
        let doc = run_on(json!({
            "Size": {"type": "string", "enum": ["medium"]},
            "Req": {"type": "object", "properties": {
                "model": {
                    "anyOf": [{"type": "string"}, {"type": "string", "enum": ["small", "large"]}],
                    "default": "small"
                },
                "size": {
                    "description": "How big.",
                    "anyOf": [{"$ref": "#/components/schemas/Size"}, {"type": "string", "description": "Any size."}]
                },
                "stop": {
                    "anyOf": [{"type": "string"}, {"enum": ["\n"]}, {"type": "array", "items": {"type": "string"}}]
                },
                "mixed": {"anyOf": [{"type": "string"}, {"type": "integer", "enum": [1]}]}
            }}
        }));
        let p = &doc["components"]["schemas"]["Req"]["properties"];
        assert_eq!(
            p["model"],
            json!({"default": "small", "type": "string",
                   "description": "Known values: `small`, `large`; any other string is accepted too."})
        );
        assert_eq!(
            p["size"],
            json!({"description": "How big.\n\nKnown values: `medium`; any other string is accepted too.", "type": "string"})
        );
        assert_eq!(
            p["stop"]["anyOf"],
            json!([{"type": "string"}, {"type": "array", "items": {"type": "string"}}])
        );
        assert_eq!(
            p["mixed"]["anyOf"],
            json!([{"type": "string"}, {"type": "integer", "enum": [1]}]),
            "an integer branch is not a string: untouched"
        );
        assert!(doc.get(WARNINGS).is_none());
    }
}
