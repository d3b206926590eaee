//! The parameters of a document as the passes that rewrite parameters see them: each entry of a
//! path item's or an operation's `parameters` list with its `$ref` followed, the parameters it
//! is sent with, and splicing rewritten entries back. Components stay as they are: a rewritten
//! entry is a copy in the list that used it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::refs;
use crate::pointer;
use crate::walk::METHODS;

/// Parameter list entries: (pointer, the parameter with its `$ref` followed).
pub type Entries<'a> = Vec<(String, &'a Map<String, Value>)>;

/// One entry of a parameter list.
pub struct Site<'a> {
    /// The entry's pointer (`/paths/~1a/get/parameters/0`).
    pub at: String,
    /// The parameter, its `$ref` followed.
    pub param: &'a Map<String, Value>,
    /// The other parameters of the operations the entry applies to (all of a path item's
    /// operations for a path-level entry), by name and location.
    pub neighbours: Vec<(&'a str, &'a str)>,
}

/// A parameter's `name` and `in`.
pub fn key(param: &Map<String, Value>) -> (&str, &str) {
    let field = |k: &str| param.get(k).and_then(Value::as_str).unwrap_or("");
    (field("name"), field("in"))
}

/// Every parameter list entry of every operation and path item, in document order.
pub fn sites(doc: &Value) -> Vec<Site<'_>> {
    let mut out = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item_at = pointer::join("/paths", path);
        let shared = entries(doc, item, &item_at);
        let ops: Vec<(String, Entries<'_>)> = METHODS
            .iter()
            .filter_map(|m| Some((*m, item.get(*m)?)))
            .filter(|(_, op)| op.is_object())
            .map(|(m, op)| {
                let at = pointer::join(&item_at, m);
                let own = entries(doc, op, &at);
                (at, own)
            })
            .collect();
        for (at, param) in &shared {
            let mut neighbours = Vec::new();
            for (_, own) in &ops {
                let effective = effective(&shared, own);
                // An operation that redeclares the parameter does not send this entry.
                if effective.iter().any(|p| std::ptr::eq(*p, *param)) {
                    neighbours.extend(effective.into_iter().filter(|p| !std::ptr::eq(*p, *param)));
                }
            }
            out.push(site(at, param, neighbours));
        }
        for (_, own) in &ops {
            let effective = effective(&shared, own);
            for (at, param) in own {
                let neighbours = effective
                    .iter()
                    .filter(|p| !std::ptr::eq(**p, *param))
                    .copied()
                    .collect();
                out.push(site(at, param, neighbours));
            }
        }
    }
    out
}

fn site<'a>(
    at: &str,
    param: &'a Map<String, Value>,
    neighbours: Vec<&'a Map<String, Value>>,
) -> Site<'a> {
    Site {
        at: at.to_string(),
        param,
        neighbours: neighbours.into_iter().map(key).collect(),
    }
}

/// The entries of `holder`'s `parameters` list (pointer, parameter), `$ref`s followed; entries
/// that do not resolve to an object are skipped (validate reports them).
pub fn entries<'a>(doc: &'a Value, holder: &'a Value, at: &str) -> Entries<'a> {
    holder
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, p)| {
            Some((
                format!("{at}/parameters/{i}"),
                refs::resolve(doc, p)?.as_object()?,
            ))
        })
        .collect()
}

/// The parameters an operation sends: its own, and the path item's it does not redeclare.
pub fn effective<'a>(
    shared: &[(String, &'a Map<String, Value>)],
    own: &[(String, &'a Map<String, Value>)],
) -> Vec<&'a Map<String, Value>> {
    let mut out: Vec<&Map<String, Value>> = shared
        .iter()
        .map(|(_, p)| *p)
        .filter(|p| !own.iter().any(|(_, o)| key(o) == key(p)))
        .collect();
    out.extend(own.iter().map(|(_, p)| *p));
    out
}

/// Puts `replacements` (entry pointer -> the entries that take its place) into their lists.
pub fn splice(doc: &mut Value, replacements: Vec<(String, Vec<Value>)>) {
    let mut by_list: BTreeMap<String, Vec<(usize, Vec<Value>)>> = BTreeMap::new();
    for (at, with) in replacements {
        let Some((list, index)) = at.rsplit_once('/') else {
            continue;
        };
        if let Ok(index) = index.parse::<usize>() {
            by_list
                .entry(list.to_string())
                .or_default()
                .push((index, with));
        }
    }
    for (list, mut changes) in by_list {
        let Some(Value::Array(items)) = doc.pointer_mut(&list) else {
            continue;
        };
        // From the end, so earlier indices stay valid.
        changes.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
        for (index, with) in changes {
            if index < items.len() {
                items.splice(index..=index, with);
            }
        }
    }
}

/// What a parameter's schema is, for deciding how it travels.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// `string`, `integer`, `number` or `boolean` (an enum of those too).
    Scalar(String),
    /// A list of scalars.
    List(String),
    /// An object with named scalar properties only (name, schema as written, required).
    Record(Vec<(String, Value, bool)>),
    /// An object of arbitrary keys with scalar values.
    Map,
    /// A list or object holding lists or objects (nothing a parameter style serializes).
    Composite,
    /// Anything else (compositions, no type).
    Other,
}

const SCALARS: &[&str] = &["string", "integer", "number", "boolean"];

/// The shape of `schema` (a parameter's), `$ref`s followed.
pub fn shape(doc: &Value, schema: &Value) -> Shape {
    let Some(s) = refs::resolve(doc, schema) else {
        return Shape::Other;
    };
    if let Some(t) = scalar(s) {
        return Shape::Scalar(t);
    }
    if s.get("type").and_then(Value::as_str) == Some("array") || s.get("items").is_some() {
        return match s.get("items").and_then(|i| scalar(refs::resolve(doc, i)?)) {
            Some(t) => Shape::List(t),
            None => Shape::Composite,
        };
    }
    let is_object = s.get("type").and_then(Value::as_str) == Some("object")
        || s.get("properties").is_some()
        || s.get("additionalProperties").is_some();
    if !is_object || composed(s) {
        return Shape::Other;
    }
    // From here on an object: a record, a map, or something no style serializes.
    let extra = match s.get("additionalProperties") {
        None | Some(Value::Bool(false)) => None,
        Some(v) => Some(v),
    };
    let properties = s.get("properties").and_then(Value::as_object);
    match (properties.filter(|p| !p.is_empty()), extra) {
        (Some(props), None) => {
            let required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut fields = Vec::new();
            for (name, prop) in props {
                if refs::resolve(doc, prop).and_then(scalar).is_none() {
                    return Shape::Composite;
                }
                fields.push((
                    name.clone(),
                    prop.clone(),
                    required.contains(&name.as_str()),
                ));
            }
            Shape::Record(fields)
        }
        (None, Some(values @ Value::Object(_))) => {
            match refs::resolve(doc, values).and_then(scalar) {
                Some(_) => Shape::Map,
                None => Shape::Composite,
            }
        }
        // No properties and no typed extra keys: any JSON object.
        (None, _) => Shape::Other,
        _ => Shape::Composite,
    }
}

fn composed(s: &Value) -> bool {
    ["allOf", "anyOf", "oneOf", "not"]
        .iter()
        .any(|k| s.get(*k).is_some())
}

/// The scalar type of a resolved schema, if it is one.
fn scalar(s: &Value) -> Option<String> {
    if composed(s) {
        return None;
    }
    match s.get("type").and_then(Value::as_str) {
        Some(t) if SCALARS.contains(&t) => Some(t.to_string()),
        Some(_) => None,
        // An enum without a type: the type of its values, when they agree.
        None => {
            let values = s.get("enum")?.as_array()?;
            let first = values.first()?;
            let t = match first {
                Value::String(_) => "string",
                Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
                Value::Number(_) => "number",
                Value::Bool(_) => "boolean",
                _ => return None,
            };
            values
                .iter()
                .all(|v| std::mem::discriminant(v) == std::mem::discriminant(first))
                .then(|| t.to_string())
        }
    }
}

/// The generated `src/client.rs` of a one-file spec, without whitespace (prettyplease wraps
/// lines as it likes), for tests that check what a rewritten parameter sends.
#[cfg(test)]
pub fn generated_client(spec: &str) -> String {
    let generated = crate::generate_one(spec).unwrap_or_else(|e| panic!("{e}"));
    generated.files["src/client.rs"]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sites_see_references_followed_and_what_each_is_sent_with() {
        let doc = json!({"paths": {"/a/{id}": {
            "parameters": [{"name": "id", "in": "path"}, {"name": "q", "in": "query"}],
            "get": {"parameters": [{"$ref": "#/components/parameters/Q"}]},
            "put": {}}},
            "components": {"parameters": {"Q": {"name": "q", "in": "query", "description": "own"}}}});
        let sites = sites(&doc);
        let seen: Vec<(&str, Vec<(&str, &str)>)> = sites
            .iter()
            .map(|s| (s.at.as_str(), s.neighbours.clone()))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "/paths/~1a~1{id}/parameters/0",
                    vec![("q", "query"), ("q", "query")]
                ),
                ("/paths/~1a~1{id}/parameters/1", vec![("id", "path")]),
                ("/paths/~1a~1{id}/get/parameters/0", vec![("id", "path")]),
            ]
        );
        assert_eq!(sites[2].param["description"], "own");
    }

    #[test]
    fn splicing_replaces_entries_by_any_number_of_others() {
        let mut doc = json!({"l": [1, 2, 3]});
        splice(
            &mut doc,
            vec![
                ("/l/0".into(), vec![json!(10), json!(11)]),
                ("/l/2".into(), vec![]),
            ],
        );
        assert_eq!(doc, json!({"l": [10, 11, 2]}));
    }

    #[test]
    fn shapes() {
        let doc = json!({"components": {"schemas": {"E": {"enum": ["a", "b"]}}}});
        let shape = |s: Value| super::shape(&doc, &s);
        assert_eq!(
            shape(json!({"$ref": "#/components/schemas/E"})),
            Shape::Scalar("string".into())
        );
        assert_eq!(
            shape(json!({"type": "array", "items": {"type": "integer"}})),
            Shape::List("integer".into())
        );
        assert_eq!(
            shape(json!({"type": "array", "items": {"type": "object"}})),
            Shape::Composite
        );
        assert_eq!(
            shape(
                json!({"type": "object", "required": ["n"], "properties": {"n": {"type": "string"}, "e": {"$ref": "#/components/schemas/E"}}})
            ),
            Shape::Record(vec![
                ("n".into(), json!({"type": "string"}), true),
                ("e".into(), json!({"$ref": "#/components/schemas/E"}), false)
            ])
        );
        assert_eq!(
            shape(json!({"type": "object", "properties": {"n": {"type": "object"}}})),
            Shape::Composite
        );
        assert_eq!(shape(json!({"type": "object"})), Shape::Other);
        assert_eq!(
            shape(json!({"type": "object", "additionalProperties": {"type": "integer"}})),
            Shape::Map
        );
        assert_eq!(shape(json!({"anyOf": [{"type": "string"}]})), Shape::Other);
    }
}
