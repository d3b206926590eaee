//! The conversion against progenitor's rules: hand-written schemas against the JSON those rules
//! give (the engine's tests compare whole documents with progenitor's own output).

use openapiv3::{AnySchema, ReferenceOr, Schema, SchemaData, SchemaKind};
use serde_json::{Value, json};

use super::{schema_to_schemars, to_schemars};

fn parse(value: Value) -> Schema {
    serde_json::from_value(value).expect("an OpenAPI schema")
}

fn converted(schema: &Schema) -> Value {
    serde_json::to_value(schema_to_schemars(schema)).expect("serializable")
}

fn any(data: SchemaData, any: AnySchema) -> Schema {
    Schema {
        schema_data: data,
        schema_kind: SchemaKind::Any(any),
    }
}

fn nullable() -> SchemaData {
    SchemaData {
        nullable: true,
        ..Default::default()
    }
}

#[test]
fn nullable_string_adds_null_to_the_type() {
    let schema = parse(json!({
        "type": "string", "nullable": true, "format": "date-time",
        "description": "When", "example": "2024-01-01T00:00:00Z", "x-note": 1
    }));
    assert_eq!(
        converted(&schema),
        json!({
            "type": ["string", "null"], "format": "date-time",
            "description": "When", "examples": ["2024-01-01T00:00:00Z"], "x-note": 1
        })
    );
}

#[test]
fn nullable_all_of_is_wrapped_in_one_of_null_with_metadata_outside() {
    let schema = parse(json!({
        "allOf": [{"$ref": "#/components/schemas/Pet"}],
        "nullable": true, "title": "Maybe pet", "x-tag": "t"
    }));
    assert_eq!(
        converted(&schema),
        json!({
            "title": "Maybe pet", "x-tag": "t",
            "oneOf": [
                {"type": "null"},
                {"allOf": [{"$ref": "#/components/schemas/Pet"}]}
            ]
        })
    );
}

#[test]
fn integer_exclusive_bounds_become_numeric_exclusive_bounds() {
    let schema = parse(json!({
        "type": "integer", "format": "int32", "minimum": 0, "exclusiveMinimum": true,
        "maximum": 10, "multipleOf": 2, "enum": [2, 4, null]
    }));
    assert_eq!(
        converted(&schema),
        json!({
            "type": "integer", "format": "int32", "exclusiveMinimum": 0.0,
            "maximum": 10.0, "multipleOf": 2.0, "enum": [2, 4, null]
        })
    );
    // A flag without its bound constrains nothing.
    let schema = parse(json!({"type": "number", "exclusiveMaximum": true}));
    assert_eq!(converted(&schema), json!({"type": "number"}));
}

#[test]
fn any_schema_with_properties_and_nullable_infers_object_and_null() {
    let schema = parse(json!({
        "properties": {"a": {"type": "string"}}, "required": ["a"], "nullable": true
    }));
    assert!(matches!(schema.schema_kind, SchemaKind::Any(_)));
    assert_eq!(
        converted(&schema),
        json!({
            "type": ["object", "null"],
            "properties": {"a": {"type": "string"}}, "required": ["a"]
        })
    );
}

#[test]
fn any_schema_inference_keeps_progenitors_array_quirk() {
    // String and number keywords infer "array" (twice here), as progenitor does.
    let schema = any(
        nullable(),
        AnySchema {
            min_length: Some(1),
            minimum: Some(3.0),
            ..Default::default()
        },
    );
    assert_eq!(
        converted(&schema),
        json!({"type": ["array", "array", "null"], "minLength": 1, "minimum": 3.0})
    );
}

#[test]
fn any_schema_without_type_and_nullable_subschemas_is_wrapped() {
    let schema = any(
        SchemaData {
            description: Some("either".into()),
            ..nullable()
        },
        AnySchema {
            one_of: vec![ReferenceOr::Reference {
                reference: "#/components/schemas/A".into(),
            }],
            any_of: vec![ReferenceOr::Reference {
                reference: "#/components/schemas/B".into(),
            }],
            ..Default::default()
        },
    );
    assert_eq!(
        converted(&schema),
        json!({
            "description": "either",
            "oneOf": [
                {"type": "null"},
                {
                    "oneOf": [{"$ref": "#/components/schemas/A"}],
                    "anyOf": [{"$ref": "#/components/schemas/B"}]
                }
            ]
        })
    );
}

#[test]
fn any_schema_cases_progenitor_panics_on_do_not_panic() {
    // `exclusiveMinimum` without `minimum`: the flag is ignored.
    let schema = any(
        SchemaData::default(),
        AnySchema {
            exclusive_minimum: Some(true),
            maximum: Some(5.0),
            exclusive_maximum: Some(true),
            ..Default::default()
        },
    );
    assert_eq!(converted(&schema), json!({"exclusiveMaximum": 5.0}));
    // An unknown `type`: left unset, `nullable` included.
    let schema = any(
        nullable(),
        AnySchema {
            typ: Some("null".into()),
            max_length: Some(3),
            ..Default::default()
        },
    );
    assert_eq!(converted(&schema), json!({"maxLength": 3}));
}

#[test]
fn empty_and_null_only_any_schemas() {
    assert_eq!(converted(&any(nullable(), AnySchema::default())), json!({}));
    let schema = any(
        nullable(),
        AnySchema {
            enumeration: vec![Value::Null],
            ..Default::default()
        },
    );
    assert_eq!(converted(&schema), json!({"type": "null"}));
}

#[test]
fn additional_properties_false_stays_a_boolean_schema() {
    let schema = parse(json!({"type": "object", "additionalProperties": false}));
    assert_eq!(
        converted(&schema),
        json!({"type": "object", "additionalProperties": false})
    );
    let schema = parse(json!({
        "type": "object",
        "additionalProperties": {"$ref": "#/components/schemas/V"}
    }));
    assert_eq!(
        converted(&schema),
        json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/V"}})
    );
}

#[test]
fn references_are_kept() {
    let reference = ReferenceOr::Reference {
        reference: "#/components/schemas/Thing".into(),
    };
    assert_eq!(
        serde_json::to_value(to_schemars(&reference)).expect("serializable"),
        json!({"$ref": "#/components/schemas/Thing"})
    );
}

#[test]
fn arrays_keep_unique_items_true_only_unless_untyped() {
    let schema = parse(json!({
        "type": "array", "items": {"type": "integer"}, "minItems": 1, "uniqueItems": true
    }));
    assert_eq!(
        converted(&schema),
        json!({"type": "array", "items": {"type": "integer"}, "minItems": 1, "uniqueItems": true})
    );
    let schema = parse(json!({"type": "array", "items": {}, "uniqueItems": false}));
    assert_eq!(converted(&schema), json!({"type": "array", "items": {}}));
    let schema = any(
        SchemaData::default(),
        AnySchema {
            unique_items: Some(false),
            ..Default::default()
        },
    );
    assert_eq!(converted(&schema), json!({"uniqueItems": false}));
}
