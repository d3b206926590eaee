//! Pass `parameter-unions`: a parameter whose schema is `anyOf`/`oneOf` several schemas of one
//! scalar type (strings matching one pattern or another) makes typify build a struct, which
//! progenitor cannot take as a parameter (it panics). Alternatives of the same type merge into
//! one: the same schema, or the union of their enums, or else the bare type, and a warning
//! names the keywords the client then no longer checks (the server still does). Alternatives
//! of different scalar types stay alternatives (an untagged enum, which progenitor sends).

use serde_json::{Map, Value, json};

use super::parameters;
use super::refs;
use crate::error::Result;
use crate::origins::Origins;

/// Keywords that document a schema without constraining values.
const ANNOTATIONS: &[&str] = &["description", "title", "example", "examples", "deprecated"];

const SCALARS: &[&str] = &["string", "integer", "number", "boolean"];

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let mut replacements = Vec::new();
    let mut warnings = Vec::new();
    for site in parameters::sites(doc) {
        let Some(schema) = site.param.get("schema") else {
            continue;
        };
        let Some(union) = refs::resolve(doc, schema).and_then(Value::as_object) else {
            continue;
        };
        let Some((merged, dropped)) = merge(doc, union) else {
            continue;
        };
        let mut param = site.param.clone();
        param.insert("schema".into(), merged);
        let (name, _) = parameters::key(site.param);
        if !dropped.is_empty() {
            warnings.push((site.at.clone(), format!(
                "parameter `{name}` is any of several schemas of one type; the client does not check their {}",
                dropped.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            )));
        }
        replacements.push((site.at, vec![Value::Object(param)]));
    }
    parameters::splice(doc, replacements);
    for (at, message) in warnings {
        super::warn(doc, &at, message);
    }
    Ok(())
}

/// The merged schema and the keywords dropped; `None` when there is nothing to merge.
fn merge(doc: &Value, union: &Map<String, Value>) -> Option<(Value, Vec<String>)> {
    let only_union = union.keys().all(|k| {
        ["anyOf", "oneOf", "nullable"].contains(&k.as_str()) || ANNOTATIONS.contains(&k.as_str())
    });
    let branches = match (union.get("anyOf"), union.get("oneOf")) {
        (Some(Value::Array(b)), None) | (None, Some(Value::Array(b))) if only_union => b,
        _ => return None,
    };
    // (type, the alternatives of that type), in the order types first appear.
    let mut groups: Vec<(String, Vec<Map<String, Value>>)> = Vec::new();
    for branch in branches {
        let branch = refs::resolve(doc, branch)?.as_object()?;
        let t = branch.get("type").and_then(Value::as_str)?;
        let composed = ["allOf", "anyOf", "oneOf", "not"]
            .iter()
            .any(|k| branch.contains_key(*k));
        if !SCALARS.contains(&t) || composed {
            return None;
        }
        let stripped: Map<String, Value> = branch
            .iter()
            .filter(|(k, _)| !ANNOTATIONS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        match groups.iter_mut().find(|(g, _)| g == t) {
            Some((_, members)) => members.push(stripped),
            None => groups.push((t.to_string(), vec![stripped])),
        }
    }
    if groups.iter().all(|(_, members)| members.len() == 1) {
        return None;
    }
    let mut dropped = Vec::new();
    let mut merged: Vec<Value> = groups
        .into_iter()
        .map(|(t, members)| merge_one_type(&t, members, &mut dropped))
        .collect();
    dropped.sort();
    dropped.dedup();
    let mut schema = if merged.len() == 1 {
        merged.remove(0)
    } else {
        json!({"anyOf": merged})
    };
    if union.get("nullable") == Some(&Value::Bool(true))
        && let Value::Object(s) = &mut schema
    {
        s.insert("nullable".into(), Value::Bool(true));
    }
    Some((schema, dropped))
}

fn merge_one_type(
    t: &str,
    mut members: Vec<Map<String, Value>>,
    dropped: &mut Vec<String>,
) -> Value {
    if members.windows(2).all(|w| w[0] == w[1]) {
        return Value::Object(members.remove(0));
    }
    let enums_only = members
        .iter()
        .all(|m| m.contains_key("enum") && m.keys().all(|k| k == "type" || k == "enum"));
    if enums_only {
        let mut values: Vec<Value> = Vec::new();
        for v in members
            .iter()
            .filter_map(|m| m.get("enum")?.as_array())
            .flatten()
        {
            if !values.contains(v) {
                values.push(v.clone());
            }
        }
        return json!({"type": t, "enum": values});
    }
    // Any value of the type passes one alternative or another; the client checks the type only.
    dropped.extend(
        members
            .iter()
            .flat_map(|m| m.keys())
            .filter(|k| *k != "type")
            .cloned(),
    );
    json!({"type": t})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::WARNINGS;

    fn param_schema(schema: Value) -> (Value, Value) {
        let mut doc = json!({"paths": {"/a/{id}": {"get": {"parameters": [
            {"name": "id", "in": "path", "required": true, "schema": schema}]}}},
            "components": {"schemas": {"Digits": {"type": "string", "pattern": "^[0-9]+$"}}}});
        run(&mut doc, &Origins::default()).unwrap();
        let schema = doc["paths"]["/a/{id}"]["get"]["parameters"][0]["schema"].clone();
        (schema, doc.get(WARNINGS).cloned().unwrap_or(Value::Null))
    }

    #[test]
    fn strings_of_one_pattern_or_another_are_a_string() {
        let (schema, warnings) = param_schema(json!({"anyOf": [
            {"$ref": "#/components/schemas/Digits"}, {"type": "string", "pattern": "^[a-z]+$"}]}));
        assert_eq!(schema, json!({"type": "string"}));
        assert_eq!(warnings[0]["at"], "/paths/~1a~1{id}/get/parameters/0");
        assert!(
            warnings[0]["message"]
                .as_str()
                .unwrap()
                .contains("`pattern`")
        );
    }

    #[test]
    fn enums_unite_and_equal_alternatives_collapse_without_a_warning() {
        let (schema, warnings) = param_schema(json!({"oneOf": [
            {"type": "string", "enum": ["a", "b"]}, {"type": "string", "enum": ["b", "c"], "description": "more"}]}));
        assert_eq!(schema, json!({"type": "string", "enum": ["a", "b", "c"]}));
        assert_eq!(warnings, Value::Null);
        let (schema, _) = param_schema(json!({"anyOf": [
            {"type": "integer", "format": "int64"}, {"type": "integer", "format": "int64"}, {"type": "boolean"}], "nullable": true}));
        assert_eq!(
            schema,
            json!({"anyOf": [{"type": "integer", "format": "int64"}, {"type": "boolean"}], "nullable": true})
        );
    }

    #[test]
    fn unions_progenitor_takes_or_of_non_scalars_stay() {
        for schema in [
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
            json!({"anyOf": [{"type": "string"}, {"type": "object"}]}),
            json!({"anyOf": [{"type": "string"}, {"type": "string"}], "properties": {}}),
        ] {
            assert_eq!(param_schema(schema.clone()).0, schema);
        }
    }

    #[test]
    fn the_generated_client_takes_a_string() {
        let client = crate::normalize::parameters::generated_client(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{id}:\n    get:\n      operationId: getA\n      parameters:\n        - {name: id, in: path, required: true, schema: {anyOf: [{type: string, pattern: '^[0-9]+$'}, {type: string, pattern: '^[a-z]+$'}]}}\n      responses: {'204': {description: ok}}\n",
        );
        assert!(
            client.contains("id:Result<::std::string::String,String>"),
            "{client}"
        );
    }
}
