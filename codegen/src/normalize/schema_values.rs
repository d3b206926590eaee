//! Pass `values-that-fit`: typify refuses a whole document when an `enum` value or a `default`
//! does not fit its schema (`type: number, enum: ['', 1]`; `enum: [x], default: []`), and
//! progenitor panics on a `format` beside a type formats do not apply to (`type: object, format:
//! uri-map`). The pass keeps what has a meaning and drops the rest, each drop recorded with
//! `warn`:
//! - `enum` values of another type than the schema's are dropped (an enum left with no value
//!   is dropped whole);
//! - a `default` the schema does not accept is dropped (the field is then optional: absent means
//!   whatever the server does);
//! - `format` is dropped unless the type is string, integer or number (JSON Schema applies
//!   formats to those alone, so nothing is lost, and nothing is recorded).
//!
//! Integral floats (`1.0`) where an integer is expected become integers first: they are the
//! same JSON Schema value, and typify reads integers only from integer literals.

use serde_json::{Map, Value};

use crate::error::Result;
use crate::normalize::instance::{Components, fits, for_each_schema_resolving, listed};
use crate::normalize::warn;
use crate::origins::Origins;

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    // A default elsewhere may be checked against a component before or after this pass drops
    // the component's misfit enum values: the answer is the same, as `fits` checks the type too.
    let mut warnings = Vec::new();
    for_each_schema_resolving(doc, &mut |at, schema, components| {
        drop_inapplicable_format(schema);
        let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
        if let Some(message) = enum_values(schema, integer) {
            warnings.push((at.pointer(), message));
        }
        if let Some(message) = default_value(schema, integer, components) {
            warnings.push((at.pointer(), message));
        }
        Ok(())
    })?;
    for (at, message) in warnings {
        warn(doc, &at, message);
    }
    Ok(())
}

fn drop_inapplicable_format(schema: &mut Map<String, Value>) {
    let applies = matches!(
        schema.get("type").and_then(Value::as_str),
        Some("string" | "integer" | "number")
    );
    if !applies {
        schema.shift_remove("format");
    }
}

/// Drops the enum values of another type than the schema's; the warning, if any were dropped.
fn enum_values(schema: &mut Map<String, Value>, integer: bool) -> Option<String> {
    let t = schema.get("type").and_then(Value::as_str)?.to_string();
    let Some(Value::Array(values)) = schema.get_mut("enum") else {
        return None;
    };
    if integer {
        values.iter_mut().for_each(integral);
    }
    let mut type_only = Map::new();
    type_only.insert("type".into(), Value::String(t.clone()));
    type_only.insert("nullable".into(), Value::Bool(true));
    let (kept, dropped): (Vec<Value>, Vec<Value>) = values
        .drain(..)
        .partition(|v| fits(v, &type_only, &Components(None)));
    if dropped.is_empty() {
        *values = kept;
        return None;
    }
    let listed = listed(&dropped);
    if kept.iter().all(Value::is_null) {
        schema.shift_remove("enum");
        return Some(format!(
            "enum has no value of type {t} ({listed}): the enum is dropped, any {t} is accepted"
        ));
    }
    *values = kept;
    Some(format!("enum values not of type {t} dropped: {listed}"))
}

/// Drops a default the schema does not accept; the warning, if it was dropped.
fn default_value(
    schema: &mut Map<String, Value>,
    integer: bool,
    components: &Components<'_>,
) -> Option<String> {
    // Beside a `$ref`, 3.0 ignores every other keyword, and so does the engine.
    if schema.contains_key("$ref") {
        return None;
    }
    if integer && let Some(default) = schema.get_mut("default") {
        integral(default);
    }
    if fits(schema.get("default")?, schema, components) {
        return None;
    }
    let default = schema.shift_remove("default")?;
    Some(format!(
        "default {} does not fit the schema: dropped (the field is optional instead)",
        listed(&[default])
    ))
}

/// `1.0` -> `1`: one JSON Schema value, which typify reads only as an integer literal.
fn integral(value: &mut Value) {
    if let Some(f) = value.as_f64()
        && !value.is_i64()
        && !value.is_u64()
        && f.fract() == 0.0
        && f.abs() < 9.0e15
    {
        *value = Value::from(f as i64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::WARNINGS;
    use serde_json::json;

    fn run_on(schemas: Value) -> Value {
        let mut doc = json!({"components": {"schemas": schemas}});
        run(&mut doc, &Origins::default()).unwrap();
        doc
    }

    #[test]
    fn enum_values_of_another_type_are_dropped_with_a_warning() {
        let doc = run_on(json!({"N": {"type": "number", "enum": ["", 1, 2.5]},
                                "I": {"type": "integer", "enum": [1.0, 2], "nullable": true},
                                "S": {"type": "string", "enum": [1]}}));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["N"]["enum"], json!([1, 2.5]));
        assert_eq!(schemas["I"]["enum"], json!([1, 2]), "1.0 is the integer 1");
        assert_eq!(
            schemas["S"],
            json!({"type": "string"}),
            "no string left: any string"
        );
        assert_eq!(
            doc[WARNINGS],
            json!([
                {"at": "/components/schemas/N", "message": "enum values not of type number dropped: `\"\"`"},
                {"at": "/components/schemas/S", "message": "enum has no value of type string (`1`): the enum is dropped, any string is accepted"}
            ])
        );
    }

    #[test]
    fn defaults_that_do_not_fit_are_dropped_with_a_warning() {
        let doc = run_on(json!({
            "Include": {"type": "string", "enum": ["logprobs"], "default": []},
            "Color": {"type": "string", "enum": ["red", "blue"]},
            "Req": {"type": "object", "properties": {
                "n": {"type": "integer", "minimum": 5, "default": 1},
                "c": {"allOf": [{"$ref": "#/components/schemas/Color"}], "default": "green"},
                "d": {"allOf": [{"$ref": "#/components/schemas/Color"}], "default": "red"},
                "m": {"type": "integer", "default": 7.0},
                "o": {"type": "object", "properties": {"a": {"type": "string"}}, "default": {"b": 1}},
                "z": {"type": "string", "nullable": true, "default": null}
            }}
        }));
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["Include"].get("default").is_none());
        let req = &schemas["Req"]["properties"];
        for dropped in ["n", "c", "o"] {
            assert!(req[dropped].get("default").is_none(), "{dropped}");
        }
        assert_eq!(req["d"]["default"], "red");
        assert_eq!(req["m"]["default"], json!(7));
        assert_eq!(req["z"]["default"], json!(null));
        let at: Vec<&str> = doc[WARNINGS]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["at"].as_str().unwrap())
            .collect();
        assert_eq!(
            at,
            [
                "/components/schemas/Include",
                "/components/schemas/Req/properties/n",
                "/components/schemas/Req/properties/c",
                "/components/schemas/Req/properties/o"
            ]
        );
        assert_eq!(
            doc[WARNINGS][0]["message"],
            "default `[]` does not fit the schema: dropped (the field is optional instead)"
        );
    }

    #[test]
    fn formats_apply_to_strings_and_numbers_only() {
        let doc = run_on(json!({"L": {"type": "object", "properties": {
            "links": {"type": "object", "format": "uri-map"},
            "tags": {"type": "array", "format": "csv", "items": {"type": "string", "format": "uuid"}},
            "flag": {"type": "boolean", "format": "flag"},
            "any": {"format": "date-time"},
            "n": {"type": "integer", "format": "int32"}
        }}}));
        let p = &doc["components"]["schemas"]["L"]["properties"];
        assert_eq!(p["links"], json!({"type": "object"}));
        assert_eq!(
            p["tags"],
            json!({"type": "array", "items": {"type": "string", "format": "uuid"}})
        );
        assert_eq!(p["flag"], json!({"type": "boolean"}));
        assert_eq!(p["any"], json!({}));
        assert_eq!(p["n"]["format"], "int32");
        assert!(doc.get(WARNINGS).is_none());
    }
}
