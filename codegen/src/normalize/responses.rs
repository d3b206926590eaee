//! Pass `one-response-type-per-class`: progenitor asserts (panics) unless all success responses
//! share one type and all error responses share one type. This pass makes that true without
//! losing meaning:
//! - `default` next to explicit success codes can only mean errors: it becomes `4XX` and `5XX`
//!   (progenitor would otherwise count it as a success too);
//! - JSON is `application/json` and every `+json` type (`application/problem+json`,
//!   `application/vnd.api+json`), and `*/*` with a structured schema (an object, an array, a
//!   number: what Spring's generator writes for JSON endpoints; a string under `*/*` stays raw);
//!   progenitor types `application/json` alone, so such a media type is renamed for it (the
//!   published document gets the original name back);
//! - responses without a body, or with a body that is not JSON (XML, text), beside typed ones
//!   of their class, are left out of the typed set: the client still returns them, as
//!   `Error::Api` with status, headers and raw body (kept in `x-codegen-untyped-responses`, and
//!   named in the crate's README); a class of raw bodies sets its bodiless responses aside the
//!   same way;
//! - several different JSON schemas in one class become one `oneOf` component that every
//!   response of the class refers to.

use serde_json::{Map, Value, json};

use crate::error::Result;
use crate::normalize::warn;
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

/// Where a JSON media type renamed to `application/json` keeps its original name.
pub const MEDIA_TYPE: &str = "x-codegen-media-type";

/// `application/json` or a `+json` structured-syntax type (RFC 6839), parameters aside.
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence.starts_with("application/") && essence.ends_with("+json")
}

fn is_plain_json(media_type: &str) -> bool {
    media_type.split(';').next().unwrap_or("").trim() == "application/json"
}

/// Component schemas that are strings: under `*/*`, a reference to one is not JSON.
fn string_components(doc: &Value) -> Vec<String> {
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    schemas
        .into_iter()
        .flatten()
        .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("string"))
        .map(|(name, _)| format!("#{}", crate::pointer::join("/components/schemas", name)))
        .collect()
}

/// `*/*` whose schema can only travel as JSON: an object, array, number or boolean.
fn structured_any(media_type: &str, media: &Value, strings: &[String]) -> bool {
    if media_type.split(';').next().unwrap_or("").trim() != "*/*" {
        return false;
    }
    let Some(Value::Object(schema)) = media.get("schema") else {
        return false;
    };
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return !strings.iter().any(|s| s == reference);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => t != "string",
        None => ["properties", "items", "allOf", "oneOf", "anyOf"]
            .iter()
            .any(|k| schema.contains_key(*k)),
    }
}

/// The media type of a content map that carries JSON: `application/json` first, then a `+json`
/// type, then a structured `*/*`.
fn json_media<'a>(content: &'a Map<String, Value>, strings: &[String]) -> Option<&'a String> {
    let keys = || content.keys();
    keys()
        .find(|mt| is_plain_json(mt))
        .or_else(|| keys().find(|mt| is_json(mt)))
        .or_else(|| {
            content
                .iter()
                .find(|(mt, m)| structured_any(mt, m, strings))
                .map(|(mt, _)| mt)
        })
}

/// What a response carries, as progenitor sorts it.
enum Body {
    None,
    Json(Value),
    /// The media types of a body that is not JSON: progenitor hands it over as raw bytes.
    Raw(String),
}

fn body_of(response: &Value, strings: &[String]) -> Body {
    let Some(Value::Object(content)) = response.get("content") else {
        return Body::None;
    };
    if content.is_empty() {
        return Body::None;
    }
    match json_media(content, strings).and_then(|mt| content.get(mt)) {
        Some(media) => Body::Json(media.get("schema").cloned().unwrap_or_else(|| json!({}))),
        None => Body::Raw(content.keys().cloned().collect::<Vec<_>>().join(", ")),
    }
}

/// Renames a response's `+json` (or structured `*/*`) media type to `application/json`, the
/// one progenitor types, unless it has that one already; the original name stays in
/// [`MEDIA_TYPE`].
fn plain_json_name(response: &mut Value, strings: &[String]) {
    let Some(Value::Object(content)) = response.get_mut("content") else {
        return;
    };
    let Some(original) = json_media(content, strings).cloned() else {
        return;
    };
    if is_plain_json(&original) {
        return;
    }
    *content = std::mem::take(content)
        .into_iter()
        .map(|(mt, mut media)| {
            if mt != original {
                return (mt, media);
            }
            if let Value::Object(m) = &mut media {
                m.insert(MEDIA_TYPE.into(), json!(original));
            }
            ("application/json".to_string(), media)
        })
        .collect();
}

/// Puts back the media type names [`plain_json_name`] changed, in an operation's typed and
/// set-aside responses (for the published document).
pub fn restore_media_types(op: &mut Map<String, Value>) {
    for key in ["responses", UNTYPED] {
        let Some(Value::Object(responses)) = op.get_mut(key) else {
            continue;
        };
        for response in responses.values_mut() {
            let Some(Value::Object(content)) = response.get_mut("content") else {
                continue;
            };
            if !content.values().any(|m| m.get(MEDIA_TYPE).is_some()) {
                continue;
            }
            *content = std::mem::take(content)
                .into_iter()
                .map(|(mt, mut media)| {
                    match media
                        .as_object_mut()
                        .and_then(|m| m.shift_remove(MEDIA_TYPE))
                    {
                        Some(Value::String(original)) => (original, media),
                        _ => (mt, media),
                    }
                })
                .collect();
        }
    }
}

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let mut warnings: Vec<(String, String)> = Vec::new();
    let strings = string_components(doc);
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
        for response in responses.values_mut() {
            plain_json_name(response, &strings);
        }
        let mut untyped = Vec::new();
        for class in [Class::Success, Class::Failure] {
            let codes: Vec<String> = responses
                .keys()
                .filter(|c| class_of(c) == Some(class))
                .cloned()
                .collect();
            let mut typed = Vec::new();
            let mut bodiless = Vec::new();
            let mut raw = Vec::new();
            for code in &codes {
                match body_of(&responses[code], &strings) {
                    Body::Json(schema) => typed.push((code.clone(), schema)),
                    Body::None => bodiless.push(code.clone()),
                    Body::Raw(media) => raw.push((code.clone(), media)),
                }
            }
            if typed.is_empty() {
                // Raw bodies share one type (bytes); bodiless ones beside them step aside.
                if !raw.is_empty() {
                    untyped.extend(bodiless);
                }
                continue;
            }
            // A body that is not JSON beside JSON ones stays available, raw, in the error.
            let class_name = match class {
                Class::Success => "success",
                Class::Failure => "error",
            };
            for (code, media) in raw {
                warnings.push((
                    crate::pointer::join(&format!("{at}/responses"), &code),
                    format!("response {code} is not JSON ({media}) while other {class_name} responses are: the client returns it as `Error::Api` with its raw body"),
                ));
                untyped.push(code);
            }
            if bodiless.is_empty() && typed.len() == 1 {
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
                            // A media type entry that is not an object (validate names it)
                            // has no schema to point elsewhere.
                            if is_plain_json(mt)
                                && let Value::Object(media) = media
                            {
                                media.insert("schema".into(), reference.clone());
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
    for (at, message) in warnings {
        warn(doc, &at, message);
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

    /// A media type entry that is a number, not an object, among several typed error
    /// responses: no panic (`cannot access key "schema" in JSON number`); validate reports it.
    #[test]
    fn a_media_type_entry_that_is_not_an_object_does_not_panic() {
        let doc = run_on(json!({
            "200": body(json!({"type": "string"})),
            "400": body(json!({"type": "integer"})),
            "404": {"description": "d", "content": {"application/json": 7}},
            "500": body(json!({"type": "boolean"}))}))
        .unwrap();
        let r = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(r["404"]["content"]["application/json"], json!(7));
        assert_eq!(
            r["400"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/GetAErrorResponse"
        );
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
    fn plus_json_media_types_are_json() {
        let problem = json!({"description": "bad", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}});
        let doc = run_on(json!({
            "200": {"description": "ok", "content": {"application/vnd.api+json; charset=utf-8": {"schema": {"type": "object"}}}},
            "400": problem,
            "404": body(json!({"$ref": "#/components/schemas/Problem"}))
        }))
        .unwrap();
        let op = &doc["paths"]["/a"]["get"];
        assert!(op.get(UNTYPED).is_none(), "every response is typed");
        assert_eq!(
            op["responses"]["400"]["content"],
            json!({"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}, MEDIA_TYPE: "application/problem+json"}})
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"][MEDIA_TYPE],
            "application/vnd.api+json; charset=utf-8"
        );
        let mut published = op.as_object().unwrap().clone();
        restore_media_types(&mut published);
        assert_eq!(
            published["responses"]["400"]["content"],
            json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}})
        );
    }

    #[test]
    fn any_media_type_with_a_structured_schema_is_json() {
        let any =
            |schema: Value| json!({"description": "d", "content": {"*/*": {"schema": schema}}});
        let mut doc = json!({
            "paths": {"/a": {"get": {"operationId": "get_a", "responses": {
                "200": any(json!({"$ref": "#/components/schemas/Result"})),
                "400": any(json!({"type": "object"})),
                "500": any(json!({"$ref": "#/components/schemas/Text"}))}}}},
            "components": {"schemas": {"Result": {"type": "object"}, "Text": {"type": "string"}}}
        });
        run(&mut doc, &Origins::default()).unwrap();
        let op = &doc["paths"]["/a"]["get"];
        let media = |code: &str| {
            op["responses"][code]["content"]
                .as_object()
                .unwrap()
                .clone()
        };
        assert_eq!(media("200")["application/json"][MEDIA_TYPE], "*/*");
        assert_eq!(media("400")["application/json"][MEDIA_TYPE], "*/*");
        assert!(
            op[UNTYPED]["500"]["content"].get("*/*").is_some(),
            "a string under */* is raw: set aside beside the JSON error"
        );
    }

    #[test]
    fn raw_bodies_beside_json_ones_are_set_aside_with_a_warning() {
        let xml = json!({"description": "xml", "content": {"application/xml": {"schema": {"type": "string"}}}});
        let text = json!({"description": "text", "content": {"text/plain": {}}});
        let doc = run_on(
            json!({"200": body(json!({"type": "object"})), "202": text.clone(),
                                "400": body(json!({"type": "object"})), "502": xml.clone()}),
        )
        .unwrap();
        let op = &doc["paths"]["/a"]["get"];
        assert_eq!(op[UNTYPED], json!({"202": text, "502": xml}));
        assert_eq!(
            doc[crate::normalize::WARNINGS][1],
            json!({"at": "/paths/~1a/get/responses/502",
                   "message": "response 502 is not JSON (application/xml) while other error responses are: the client returns it as `Error::Api` with its raw body"})
        );
    }

    #[test]
    fn classes_of_raw_bodies_stay_raw() {
        let text = json!({"description": "text", "content": {"text/plain": {}}});
        let csv = json!({"description": "csv", "content": {"text/csv": {}}});
        let doc = run_on(json!({"200": text, "201": csv, "204": {"description": "none"}})).unwrap();
        let op = &doc["paths"]["/a"]["get"];
        assert_eq!(op[UNTYPED], json!({"204": {"description": "none"}}));
        assert_eq!(op["responses"].as_object().unwrap().len(), 2);
        assert!(doc.get(crate::normalize::WARNINGS).is_none());
    }

    #[test]
    fn bodiless_successes_beside_typed_ones_are_set_aside_too() {
        let doc = run_on(json!({"200": body(json!({})), "204": {"description": "none"}})).unwrap();
        let op = &doc["paths"]["/a"]["get"];
        assert_eq!(op[UNTYPED], json!({"204": {"description": "none"}}));
        assert!(op["responses"].get("204").is_none());
    }
}
