//! Pass `one-response-type-per-class`: progenitor asserts (panics) unless all success responses
//! share one type and all error responses share one type. This pass makes that true without
//! losing meaning:
//! - `default` next to explicit success codes can only mean errors: it becomes `4XX` and `5XX`
//!   (progenitor would otherwise count it as a success too);
//! - responses without a body, beside typed ones of their class, are left out of the typed set:
//!   the client still returns them, as `Error::Api` with status, headers and body (kept in
//!   `x-codegen-untyped-responses`, and named in the crate's README);
//! - several different JSON schemas in one class become one `oneOf` component that every
//!   response of the class refers to.

use serde_json::{Map, Value, json};

use crate::error::{Error, Result, Stage};
use crate::origins::Origins;
use crate::walk::for_each_operation;

pub const UNTYPED: &str = "x-codegen-untyped-responses";

#[derive(Clone, Copy, PartialEq)]
enum Class {
    Success,
    Failure,
}

fn class_of(code: &str) -> Option<Class> {
    let first = code.chars().next()?;
    match (code, first) {
        ("default", _) => Some(Class::Failure),
        (_, '2') => Some(Class::Success),
        (_, '4' | '5') => Some(Class::Failure),
        _ => None,
    }
}

/// The JSON schema a response carries, `None` for no body; `Err` for a non-JSON body.
fn json_schema(response: &Value) -> Result<Option<Value>, String> {
    let Some(Value::Object(content)) = response.get("content") else {
        return Ok(None);
    };
    if content.is_empty() {
        return Ok(None);
    }
    let json = content.iter().find(|(mt, _)| {
        let essence = mt.split(';').next().unwrap_or("").trim();
        essence == "application/json"
    });
    match json {
        Some((_, media)) => Ok(Some(
            media.get("schema").cloned().unwrap_or_else(|| json!({})),
        )),
        None => Err(content.keys().cloned().collect::<Vec<_>>().join(", ")),
    }
}

pub fn run(doc: &mut Value, origins: &Origins) -> Result<()> {
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    // Responses shared through `#/components/responses` are inlined first, so each one is
    // classified by what it really carries.
    let shared = doc
        .pointer("/components/responses")
        .cloned()
        .unwrap_or(Value::Null);
    for_each_operation(doc, |_, _, _, op| {
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for response in responses.values_mut() {
                let target = response
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/components/responses/"));
                if let Some(resolved) = target.and_then(|name| {
                    shared.get(
                        crate::pointer::tokens(&format!("/{name}"))?
                            .first()?
                            .as_str(),
                    )
                }) {
                    *response = resolved.clone();
                }
            }
        }
        Ok(())
    })?;
    for_each_operation(doc, |_, _, at, op| {
        let op_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("operation")
            .to_string();
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            return Ok(());
        };
        default_to_error_ranges(responses);
        let mut untyped = Vec::new();
        for class in [Class::Success, Class::Failure] {
            let codes: Vec<String> = responses
                .keys()
                .filter(|c| class_of(c) == Some(class))
                .cloned()
                .collect();
            let mut typed = Vec::new();
            let mut bodiless = Vec::new();
            for code in &codes {
                match json_schema(&responses[code]) {
                    Ok(Some(schema)) => typed.push((code.clone(), schema)),
                    Ok(None) => bodiless.push(code.clone()),
                    Err(media) => {
                        if codes.len() > 1 {
                            return Err(Error::new(
                                Stage::Normalize,
                                origins.locate(&format!("{at}/responses/{code}/content")),
                                format!(
                                    "response {code} is not JSON ({media}) while other responses of its class are documented too"
                                ),
                                "the client can type one body per class: add an overlay that gives the responses one JSON schema or removes the others",
                            ));
                        }
                    }
                }
            }
            if typed.is_empty() || bodiless.is_empty() && typed.len() == 1 {
                continue;
            }
            // Bodiless responses beside typed ones (an error without a body, or a 205 beside a
            // 202 with one) leave the typed set; the client still returns them, with status,
            // headers and body, as an `Error::Api` (its status tells a success from a failure).
            untyped.extend(bodiless);
            let mut distinct: Vec<Value> = Vec::new();
            for (_, schema) in &typed {
                if !distinct.contains(schema) {
                    distinct.push(schema.clone());
                }
            }
            let all_refs = distinct.len() == 1 && distinct[0].get("$ref").is_some();
            if typed.len() > 1 && !all_refs {
                let suffix = if class == Class::Success {
                    "Success"
                } else {
                    "Error"
                };
                let name = format!("{}{suffix}Response", pascal(&op_id));
                let schema = if distinct.len() == 1 {
                    distinct.remove(0)
                } else {
                    json!({"oneOf": distinct})
                };
                hoisted.push((name.clone(), schema));
                for (code, _) in &typed {
                    let reference = json!({"$ref": format!("#/components/schemas/{name}")});
                    if let Some(Value::Object(content)) =
                        responses.get_mut(code).and_then(|r| r.get_mut("content"))
                    {
                        for (mt, media) in content.iter_mut() {
                            if mt.split(';').next().unwrap_or("").trim() == "application/json" {
                                media["schema"] = reference.clone();
                            }
                        }
                    }
                }
            }
        }
        if !untyped.is_empty() {
            let mut aside = Map::new();
            if let Some(Value::Object(responses)) = op.get_mut("responses") {
                for code in &untyped {
                    if let Some(response) = responses.shift_remove(code) {
                        aside.insert(code.clone(), response);
                    }
                }
            }
            op.insert(UNTYPED.into(), Value::Object(aside));
        }
        Ok(())
    })?;
    if !hoisted.is_empty() {
        let schemas = doc
            .as_object_mut()
            .map(|root| root.entry("components").or_insert_with(|| json!({})))
            .and_then(|c| c.as_object_mut())
            .map(|c| c.entry("schemas").or_insert_with(|| json!({})));
        if let Some(Value::Object(schemas)) = schemas {
            for (name, schema) in hoisted {
                schemas.insert(name, schema);
            }
        }
    }
    Ok(())
}

fn default_to_error_ranges(responses: &mut Map<String, Value>) {
    let has_success = responses
        .keys()
        .any(|c| class_of(c) == Some(Class::Success));
    if !has_success {
        return;
    }
    if let Some(default) = responses.shift_remove("default") {
        for range in ["4XX", "5XX"] {
            responses.entry(range).or_insert_with(|| default.clone());
        }
    }
}

fn pascal(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(schema: Value) -> Value {
        json!({"description": "d", "content": {"application/json": {"schema": schema}}})
    }

    fn run_on(responses: Value) -> Result<Value> {
        let mut doc =
            json!({"paths": {"/a": {"get": {"operationId": "get_a", "responses": responses}}}});
        run(&mut doc, &Origins::default())?;
        Ok(doc)
    }

    #[test]
    fn shared_responses_are_inlined_and_classified() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"operationId": "get_a", "responses": {
                "200": body(json!({"type": "string"})),
                "404": {"$ref": "#/components/responses/NotFound"},
                "422": {"$ref": "#/components/responses/Invalid"}}}}},
            "components": {"responses": {"NotFound": body(json!({"$ref": "#/components/schemas/E"})), "Invalid": body(json!({"$ref": "#/components/schemas/V"}))}}
        });
        run(&mut doc, &Origins::default()).unwrap();
        let r = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(
            r["404"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/GetAErrorResponse"
        );
        assert_eq!(
            doc["components"]["schemas"]["GetAErrorResponse"]["oneOf"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn default_beside_success_becomes_error_ranges() {
        let doc = run_on(json!({"200": body(json!({"type": "string"})), "default": body(json!({"$ref": "#/components/schemas/E"}))})).unwrap();
        let r = &doc["paths"]["/a"]["get"]["responses"];
        assert!(r.get("default").is_none());
        assert_eq!(
            r["4XX"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/E"
        );
        assert_eq!(r["5XX"], r["4XX"]);
    }

    #[test]
    fn bodiless_errors_beside_typed_ones_are_set_aside() {
        let doc = run_on(json!({"200": body(json!({})), "400": body(json!({"$ref": "#/components/schemas/E"})), "401": {"description": "no body"}})).unwrap();
        let op = &doc["paths"]["/a"]["get"];
        assert!(op["responses"].get("401").is_none());
        assert_eq!(op[UNTYPED], json!({"401": {"description": "no body"}}));
    }

    #[test]
    fn different_success_schemas_become_one_one_of_component() {
        let doc = run_on(json!({"200": body(json!({"type": "string"})), "201": body(json!({"type": "integer"}))})).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["GetASuccessResponse"],
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
        let r = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(
            r["201"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/GetASuccessResponse"
        );
    }

    #[test]
    fn bodiless_successes_beside_typed_ones_are_set_aside_too() {
        let doc = run_on(json!({"200": body(json!({})), "204": {"description": "none"}})).unwrap();
        let op = &doc["paths"]["/a"]["get"];
        assert_eq!(op[UNTYPED], json!({"204": {"description": "none"}}));
        assert!(op["responses"].get("204").is_none());
    }
}
