//! Whether a JSON value (a `default`, an `enum` value) is an instance of a schema, judged the way
//! typify judges it: typify refuses a whole document when one such value does not fit, so the
//! passes that drop misfits must agree with it. Unsure answers (an unresolvable `$ref`, a
//! `pattern`, which would need a regex engine) count as fitting: a value is dropped only when it
//! surely does not fit. Also the schema walk those passes share, which resolves `$ref`s.

use serde_json::{Map, Value};

use crate::error::Result;
use crate::normalize::schemas::{for_each_schema, walk};
use crate::pointer::{Trail, join};

/// References deeper than this are not followed (a recursive schema ends the check, fitting).
const MAX_DEPTH: usize = 32;

/// The component schemas `$ref`s resolve against (`#/components/schemas/<name>`).
pub struct Components<'a>(pub Option<&'a Map<String, Value>>);

impl<'a> Components<'a> {
    /// The schema a local component reference names; `None` for any other reference.
    pub fn resolve(&self, reference: &str) -> Option<&'a Value> {
        let name = reference.strip_prefix("#/components/schemas/")?;
        let name = name.replace("~1", "/").replace("~0", "~");
        self.0?.get(&name)
    }
}

/// A visitor of schemas that resolves references against the component schemas.
pub type ResolvingVisitor<'a> =
    dyn FnMut(&Trail<'_>, &mut Map<String, Value>, &Components<'_>) -> Result<()> + 'a;

/// Visits every schema as [`for_each_schema`] does (parents before children), handing the
/// visitor the component schemas, without copying them (a copy was half of such a pass on
/// GitHub's description): the component schemas leave the document while the rest is visited,
/// and each one leaves them while it is visited itself, so a component's reference to itself
/// resolves to nothing, which [`fits`] counts as fitting.
pub fn for_each_schema_resolving(doc: &mut Value, f: &mut ResolvingVisitor<'_>) -> Result<()> {
    let mut schemas = match doc.pointer_mut("/components/schemas") {
        Some(Value::Object(schemas)) => std::mem::take(schemas),
        _ => Map::new(),
    };
    let mut result = for_each_schema(doc, &mut |at, schema| {
        f(at, schema, &Components(Some(&schemas)))
    });
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in names {
        if result.is_err() {
            break;
        }
        let Some(mut schema) = schemas.get_mut(&name).map(Value::take) else {
            continue;
        };
        let at = join("/components/schemas", &name);
        result = walk(&mut schema, Trail::At(&at), &mut |at, s| {
            f(at, s, &Components(Some(&schemas)))
        });
        if let Some(slot) = schemas.get_mut(&name) {
            *slot = schema;
        }
    }
    if let Some(Value::Object(slot)) = doc.pointer_mut("/components/schemas") {
        *slot = schemas;
    }
    result
}

/// Whether `value` is an instance of `schema`.
pub fn fits(value: &Value, schema: &Map<String, Value>, components: &Components<'_>) -> bool {
    fits_object(value, schema, components, Closed::Yes, 0)
}

/// Whether an object's keys must all be declared. typify makes a struct of an object schema
/// with `properties` and no `additionalProperties`, and refuses a default with a key the struct
/// cannot hold; the branches of an `allOf` are merged first, so there each branch is open.
#[derive(Clone, Copy, PartialEq)]
enum Closed {
    Yes,
    No,
}

fn fits_at(
    value: &Value,
    schema: &Value,
    components: &Components<'_>,
    closed: Closed,
    depth: usize,
) -> bool {
    match schema {
        Value::Object(s) => fits_object(value, s, components, closed, depth),
        _ => true,
    }
}

fn fits_object(
    value: &Value,
    s: &Map<String, Value>,
    components: &Components<'_>,
    closed: Closed,
    depth: usize,
) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    if let Some(reference) = s.get("$ref").and_then(Value::as_str) {
        return components
            .resolve(reference)
            .is_none_or(|target| fits_at(value, target, components, closed, depth + 1));
    }
    if value.is_null() && s.get("nullable") == Some(&Value::Bool(true)) {
        return true;
    }
    if let Some(Value::Array(values)) = s.get("enum")
        && !values.iter().any(|v| same(v, value))
    {
        return false;
    }
    if let Some(t) = s.get("type").and_then(Value::as_str)
        && !is_of_type(value, t)
    {
        return false;
    }
    if !within_bounds(value, s) {
        return false;
    }
    if let Value::Array(items) = value
        && let Some(item_schema) = s.get("items")
        && !items
            .iter()
            .all(|i| fits_at(i, item_schema, components, Closed::Yes, depth + 1))
    {
        return false;
    }
    if let Value::Object(members) = value
        && !object_fits(members, s, components, closed, depth)
    {
        return false;
    }
    let branches = |key: &str| s.get(key).and_then(Value::as_array);
    if let Some(all) = branches("allOf") {
        if !all
            .iter()
            .all(|b| fits_at(value, b, components, Closed::No, depth + 1))
        {
            return false;
        }
        // typify merges the branches into one struct: it holds the keys some branch declares.
        let mut names = Vec::new();
        if closed == Closed::Yes
            && let Value::Object(members) = value
            && declared_in(s, components, depth, &mut names)
            && members.keys().any(|k| !names.contains(k))
        {
            return false;
        }
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(any) = branches(key)
            && !any
                .iter()
                .any(|b| fits_at(value, b, components, closed, depth + 1))
        {
            return false;
        }
    }
    true
}

fn object_fits(
    members: &Map<String, Value>,
    s: &Map<String, Value>,
    components: &Components<'_>,
    closed: Closed,
    depth: usize,
) -> bool {
    let properties = s.get("properties").and_then(Value::as_object);
    for (key, member) in members {
        let fitting = match (
            properties.and_then(|p| p.get(key)),
            s.get("additionalProperties"),
        ) {
            (Some(property), _) => fits_at(member, property, components, Closed::Yes, depth + 1),
            (None, Some(Value::Bool(allowed))) => *allowed,
            (None, Some(extra @ Value::Object(_))) => {
                fits_at(member, extra, components, Closed::Yes, depth + 1)
            }
            // A schema without properties is a map of anything; one with properties is a struct.
            (None, _) => closed == Closed::No || properties.is_none_or(Map::is_empty),
        };
        if !fitting {
            return false;
        }
    }
    // typify checks that a default holds every required property the struct declares.
    let required = s.get("required").and_then(Value::as_array);
    required
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .all(|name| members.contains_key(name) || properties.is_none_or(|p| !p.contains_key(name)))
}

/// Collects the property names an object schema declares, through `$ref`s and `allOf`; false
/// when the schema is open to other keys or too intricate to tell (then nothing is refused).
fn declared(
    schema: &Value,
    components: &Components<'_>,
    depth: usize,
    names: &mut Vec<String>,
) -> bool {
    match schema {
        Value::Object(s) => declared_in(s, components, depth, names),
        _ => false,
    }
}

fn declared_in(
    s: &Map<String, Value>,
    components: &Components<'_>,
    depth: usize,
    names: &mut Vec<String>,
) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    if let Some(reference) = s.get("$ref").and_then(Value::as_str) {
        return components
            .resolve(reference)
            .is_some_and(|target| declared(target, components, depth + 1, names));
    }
    let open = !matches!(
        s.get("additionalProperties"),
        None | Some(Value::Bool(false))
    );
    let properties = s.get("properties").and_then(Value::as_object);
    let all = s.get("allOf").and_then(Value::as_array);
    if open
        || s.contains_key("anyOf")
        || s.contains_key("oneOf")
        || (properties.is_none() && all.is_none())
    {
        return false;
    }
    names.extend(properties.into_iter().flat_map(|p| p.keys().cloned()));
    all.into_iter()
        .flatten()
        .all(|branch| declared(branch, components, depth + 1, names))
}

fn is_of_type(value: &Value, t: &str) -> bool {
    match t {
        "string" => value.is_string(),
        // typify reads integers with as_i64/as_u64: `1.0` is not one.
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// Numeric bounds (3.0 form: `exclusiveMinimum` is a boolean beside `minimum`), string lengths
/// and item counts.
fn within_bounds(value: &Value, s: &Map<String, Value>) -> bool {
    let number = |key: &str| s.get(key).and_then(Value::as_f64);
    let count = |key: &str| s.get(key).and_then(Value::as_u64);
    let exclusive = |key: &str| s.get(key) == Some(&Value::Bool(true));
    match value {
        Value::Number(n) => {
            let Some(n) = n.as_f64() else { return true };
            let above = number("minimum")
                .is_none_or(|min| n > min || (n == min && !exclusive("exclusiveMinimum")));
            let below = number("maximum")
                .is_none_or(|max| n < max || (n == max && !exclusive("exclusiveMaximum")));
            let multiple = number("multipleOf")
                .is_none_or(|m| m <= 0.0 || ((n / m) - (n / m).round()).abs() < 1e-9);
            above && below && multiple
        }
        Value::String(text) => {
            let length = text.chars().count() as u64;
            count("minLength").is_none_or(|min| length >= min)
                && count("maxLength").is_none_or(|max| length <= max)
        }
        Value::Array(items) => {
            let length = items.len() as u64;
            count("minItems").is_none_or(|min| length >= min)
                && count("maxItems").is_none_or(|max| length <= max)
        }
        _ => true,
    }
}

/// JSON equality in which `1` and `1.0` are one number.
/// Values as a warning lists them: `` `a`, `1` ``.
pub fn listed(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(value: Value, schema: Value) -> bool {
        let doc = json!({"components": {"schemas": {
            "Color": {"type": "string", "enum": ["red", "blue"]},
            "Base": {"type": "object", "properties": {"a": {"type": "string"}}}
        }}});
        let components = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        fits(&value, schema.as_object().unwrap(), &Components(components))
    }

    #[test]
    fn the_resolving_walk_sees_every_schema_and_puts_the_components_back() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"allOf": [{"$ref": "#/components/schemas/Color"}]}}}}}}}},
            "components": {"schemas": {
                "Color": {"type": "string", "enum": ["red"]},
                "Tree": {"properties": {"child": {"$ref": "#/components/schemas/Tree"}}}
            }}
        });
        let before = doc.clone();
        let mut seen = Vec::new();
        for_each_schema_resolving(&mut doc, &mut |at, schema, components| {
            let resolved = |r: &str| components.resolve(r).is_some_and(Value::is_object);
            seen.push((
                at.pointer(),
                resolved("#/components/schemas/Color"),
                resolved("#/components/schemas/Tree"),
                fits(&json!("green"), schema, components),
            ));
            Ok(())
        })
        .unwrap();
        assert_eq!(doc, before);
        let at = |p: &str| p.to_string();
        assert_eq!(
            seen,
            [
                (
                    at("/paths/~1a/get/responses/200/content/application~1json/schema"),
                    true,
                    true,
                    false
                ),
                (
                    at("/paths/~1a/get/responses/200/content/application~1json/schema/allOf/0"),
                    true,
                    true,
                    false
                ),
                (at("/components/schemas/Color"), false, true, false),
                (at("/components/schemas/Tree"), true, false, true),
                // Tree's reference to itself resolves to nothing while Tree is visited: fits.
                (
                    at("/components/schemas/Tree/properties/child"),
                    true,
                    false,
                    true
                ),
            ],
            "a component is out of the map while it is visited"
        );
    }

    #[test]
    fn types_enums_and_null() {
        assert!(check(json!("a"), json!({"type": "string"})));
        assert!(!check(
            json!([]),
            json!({"type": "string", "enum": ["logprobs"]})
        ));
        assert!(!check(json!(""), json!({"type": "number"})));
        assert!(!check(json!(1.0), json!({"type": "integer"})));
        assert!(check(json!(2), json!({"type": "number", "enum": [1, 2.0]})));
        assert!(check(
            json!(null),
            json!({"type": "string", "nullable": true})
        ));
        assert!(!check(json!(null), json!({"type": "string"})));
    }

    #[test]
    fn bounds() {
        assert!(!check(json!(1), json!({"type": "integer", "minimum": 5})));
        assert!(!check(
            json!(5),
            json!({"type": "integer", "minimum": 5, "exclusiveMinimum": true})
        ));
        assert!(check(json!(5), json!({"type": "integer", "minimum": 5})));
        assert!(!check(
            json!("abc"),
            json!({"type": "string", "maxLength": 2})
        ));
        assert!(!check(json!([1]), json!({"type": "array", "minItems": 2})));
    }

    #[test]
    fn references_and_compositions() {
        let color = json!({"$ref": "#/components/schemas/Color"});
        assert!(check(json!("red"), color.clone()));
        assert!(!check(json!("green"), json!({"allOf": [color.clone()]})));
        assert!(check(
            json!("x"),
            json!({"anyOf": [{"type": "string"}, color]})
        ));
        assert!(check(
            json!("x"),
            json!({"$ref": "#/components/schemas/Unknown"})
        ));
    }

    #[test]
    fn objects_as_typify_holds_them() {
        let base = json!({"$ref": "#/components/schemas/Base"});
        assert!(check(json!({"a": "x"}), base.clone()));
        assert!(
            !check(json!({"b": 1}), base.clone()),
            "a struct cannot hold `b`"
        );
        assert!(
            check(json!({"b": 1}), json!({"type": "object"})),
            "a map holds anything"
        );
        assert!(check(
            json!({"a": "x", "b": 1}),
            json!({"allOf": [base, {"properties": {"b": {"type": "integer"}}}]})
        ));
        assert!(
            !check(
                json!({"a": "x", "c": 1}),
                json!({"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"b": {}}}]})
            ),
            "no branch declares `c`"
        );
        assert!(!check(
            json!({}),
            json!({"properties": {"a": {"type": "string"}}, "required": ["a"]})
        ));
        assert!(check(
            json!({"k": 1}),
            json!({"properties": {"a": {}}, "additionalProperties": {"type": "integer"}})
        ));
    }
}
