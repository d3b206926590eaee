//! What is not valid OpenAPI but that later stages would otherwise take silently (a dangling
//! reference normalize sets aside with the response holding it, a `$ref` that is no string
//! becoming an untyped value, `type: null` an `Option<Value>`, status `600` or an empty media type
//! raw bytes, a path without its leading `/`). Checked on the document after the overlays and
//! before normalize; `strict = true` makes the first finding an error, otherwise each is a
//! warning (file, pointer, `help:`) and generation goes on as before.

use serde_json::Value;

use crate::error::{Error, Result, Stage};
use crate::origins::Origins;
use crate::pointer::join;

/// One way the document is not valid OpenAPI, at a pointer of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub pointer: String,
    pub message: String,
    pub help: &'static str,
}

/// The help of a finding that an overlay action fixes.
const FIX: &str = "fix the value with an overlay action (or upstream)";

/// Every finding, in document order of the kinds below.
pub fn check(doc: &Value) -> Vec<Finding> {
    let mut found = Vec::new();
    references(doc, &mut found);
    paths(doc, &mut found);
    status_codes(doc, &mut found);
    media_types(doc, &mut found);
    schema_types(doc, &mut found);
    found
}

/// For a strict vendor, the first finding as an error; otherwise each finding is recorded as a
/// normalize warning (`x-codegen-warnings`), which the crate's README and `cargo xtask gen` show.
pub fn apply(doc: &mut Value, origins: &Origins, strict: bool) -> Result<()> {
    let found = check(doc);
    if strict && let Some(first) = found.first() {
        let more = match found.len() - 1 {
            0 => String::new(),
            n => format!(" (and {n} more)"),
        };
        return Err(Error::new(
            Stage::Validate,
            origins.locate(&first.pointer),
            format!("not valid OpenAPI: {}{more}", first.message),
            format!(
                "{}; vendor.toml sets `strict = true`, without it this is a warning",
                first.help
            ),
        )
        .at_document(first.pointer.clone()));
    }
    for f in found {
        crate::normalize::warn(doc, &f.pointer, format!("not valid OpenAPI: {}", f.message));
    }
    Ok(())
}

fn references(doc: &Value, found: &mut Vec<Finding>) {
    let _ = crate::validate::for_each_ref(doc, "", &mut |here, reference| {
        let pointer = here.pointer();
        match reference {
            Value::String(target) => {
                if crate::validate::resolves(doc, target) == Some(false) {
                    found.push(Finding {
                        pointer,
                        message: format!("reference `{target}` points at nothing"),
                        help: "add the missing component, or correct the reference with an overlay action",
                    });
                }
            }
            other => found.push(Finding {
                pointer,
                message: format!(
                    "`$ref` is {}, not a string",
                    kind(other)
                ),
                help: "a reference is a URI string such as `#/components/schemas/Name`: correct it with an overlay action",
            }),
        }
        Ok(())
    });
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn paths(doc: &Value, found: &mut Vec<Finding>) {
    for path in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.keys())
        .filter(|p| !p.starts_with("x-"))
    {
        let problem = if !path.starts_with('/') {
            "does not start with `/`"
        } else if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
            "contains whitespace or a control character"
        } else {
            continue;
        };
        found.push(Finding {
            pointer: join("/paths", path),
            message: format!("path `{}` {problem}", path.escape_debug()),
            help: "a path is the URL path after the server URL, starting with `/` (spaces percent-encoded as %20): rename it with an overlay action",
        });
    }
}

/// `default`, a code from 100 to 599, or a range `1XX` to `5XX`.
fn valid_status(code: &str) -> bool {
    let b = code.as_bytes();
    code == "default"
        || b.len() == 3
            && (b'1'..=b'5').contains(&b[0])
            && (b[1..].iter().all(u8::is_ascii_digit) || &b[1..] == b"XX")
}

fn status_codes(doc: &Value, found: &mut Vec<Finding>) {
    for (path, method, _, op) in crate::walk::operations(doc) {
        let at = join(&join(&join("/paths", path), method), "responses");
        for code in op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|r| r.keys())
        {
            if code.starts_with("x-") || valid_status(code) {
                continue;
            }
            found.push(Finding {
                pointer: join(&at, code),
                message: format!(
                    "response status `{}` is not one OpenAPI allows (100 to 599, `1XX` to `5XX`, or `default`)",
                    code.escape_debug()
                ),
                help: FIX,
            });
        }
    }
}

/// Where content maps live: (pointer of the holder, the holder).
fn content_holders(doc: &Value) -> Vec<(String, &Value)> {
    let mut holders = Vec::new();
    fn response<'a>(at: String, r: &'a Value, holders: &mut Vec<(String, &'a Value)>) {
        for (name, h) in r
            .get("headers")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            holders.push((join(&join(&at, "headers"), name), h));
        }
        holders.push((at, r));
    }
    for (kind, at, entry) in crate::walk::component_entries(doc) {
        match kind {
            "requestBodies" | "parameters" | "headers" => holders.push((at, entry)),
            "responses" => response(at, entry, &mut holders),
            _ => {}
        }
    }
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item_at = join("/paths", path);
        for (i, p) in item
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            holders.push((format!("{}/{i}", join(&item_at, "parameters")), p));
        }
        for method in crate::walk::METHODS {
            let Some(op) = item.get(*method).filter(|o| o.is_object()) else {
                continue;
            };
            let at = join(&item_at, method);
            for (i, p) in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                holders.push((format!("{}/{i}", join(&at, "parameters")), p));
            }
            if let Some(body) = op.get("requestBody") {
                holders.push((join(&at, "requestBody"), body));
            }
            for (code, r) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                response(join(&join(&at, "responses"), code), r, &mut holders);
            }
        }
    }
    holders
}

fn media_types(doc: &Value, found: &mut Vec<Finding>) {
    for (at, holder) in content_holders(doc) {
        for media_type in holder
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|c| c.keys())
        {
            let problem = if media_type.trim().is_empty() {
                "an empty media type".to_string()
            } else if !media_type.contains('/') {
                format!(
                    "media type `{}` is not `type/subtype`",
                    media_type.escape_debug()
                )
            } else {
                continue;
            };
            found.push(Finding {
                pointer: join(&join(&at, "content"), media_type),
                message: problem,
                help: "name the media type, e.g. `application/json`, with an overlay action",
            });
        }
    }
}

const TYPES_30: &[&str] = &["array", "boolean", "integer", "number", "object", "string"];

fn schema_types(doc: &Value, found: &mut Vec<Finding>) {
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
    let v31 = version.starts_with("3.1");
    let mut copy = doc.clone();
    let _ = crate::normalize::schemas::for_each_schema(&mut copy, &mut |at, schema| {
        let Some(t) = schema.get("type") else {
            return Ok(());
        };
        let valid = match t {
            Value::String(name) => TYPES_30.contains(&name.as_str()) || v31 && name == "null",
            Value::Array(names) if v31 => {
                !names.is_empty()
                    && names.iter().all(|n| {
                        n.as_str()
                            .is_some_and(|n| n == "null" || TYPES_30.contains(&n))
                    })
            }
            _ => false,
        };
        if !valid {
            let shown = serde_json::to_string(t).unwrap_or_default();
            let shown: String = shown.chars().take(60).collect();
            found.push(Finding {
                pointer: join(&at.pointer(), "type"),
                message: if v31 {
                    format!("`type: {shown}` is not a schema type (array, boolean, integer, null, number, object, string, or a list of them)")
                } else {
                    format!("`type: {shown}` is not a schema type of OpenAPI {version} (array, boolean, integer, number, object, string)")
                },
                help: if v31 {
                    FIX
                } else {
                    "for a value that may be null write `nullable: true` beside its type; for any value drop `type`; with an overlay action"
                },
            });
        }
        Ok(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(paths: Value, components: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths, "components": components})
    }

    fn op(responses: Value) -> Value {
        json!({"/a": {"get": {"operationId": "a", "responses": responses}}})
    }

    fn ok(schema: Value) -> Value {
        json!({"description": "d", "content": {"application/json": {"schema": schema}}})
    }

    fn pointers(found: &[Finding]) -> Vec<&str> {
        found.iter().map(|f| f.pointer.as_str()).collect()
    }

    #[test]
    fn a_valid_document_has_no_findings() {
        let d = doc(
            op(
                json!({"200": ok(json!({"$ref": "#/components/schemas/A"})), "4XX": ok(json!({"type": "string", "nullable": true})), "default": {"description": "d"}, "x-note": 1}),
            ),
            json!({"schemas": {"A": {"type": "object", "properties": {"type": {"type": "string"}, "$ref": {"type": "integer"}}, "example": {"$ref": 1}}}}),
        );
        assert_eq!(check(&d), []);
    }

    #[test]
    fn dangling_and_non_string_references_are_found_anywhere() {
        let d = doc(
            op(json!({"200": ok(json!({"type": "string"})),
                      "400": {"$ref": "#/components/responses/Bad"},
                      "404": {"$ref": "#/components/responses/Gone"}})),
            json!({"responses": {"Bad": ok(json!({"type": "string"}))},
                   "schemas": {"A": {"type": "object", "properties": {"p": {"$ref": ["#/components/schemas/A"]}}}}}),
        );
        let found = check(&d);
        assert_eq!(
            pointers(&found),
            [
                "/paths/~1a/get/responses/404/$ref",
                "/components/schemas/A/properties/p/$ref"
            ]
        );
        assert_eq!(
            found[0].message,
            "reference `#/components/responses/Gone` points at nothing"
        );
        assert_eq!(found[1].message, "`$ref` is an array, not a string");
    }

    #[test]
    fn invalid_status_codes_media_types_and_paths_are_found() {
        let mut paths =
            op(json!({"200": ok(json!({})), "600": ok(json!({})), "2xx": {"description": "d"}}));
        paths["Client"] = json!({});
        paths["/a b"] = json!({"post": {"requestBody": {"content": {"": {"schema": {}}, "json": {}}}, "responses": {}}});
        let found = check(&doc(paths, json!({})));
        assert_eq!(
            pointers(&found),
            [
                "/paths/Client",
                "/paths/~1a b",
                "/paths/~1a/get/responses/600",
                "/paths/~1a/get/responses/2xx",
                "/paths/~1a b/post/requestBody/content/",
                "/paths/~1a b/post/requestBody/content/json",
            ]
        );
        assert_eq!(found[0].message, "path `Client` does not start with `/`");
        assert!(
            found[2]
                .message
                .contains("status `600` is not one OpenAPI allows")
        );
        assert_eq!(found[4].message, "an empty media type");
    }

    #[test]
    fn type_null_is_refused_in_3_0_and_accepted_in_3_1() {
        let schemas = json!({"schemas": {"N": {"type": null}, "S": {"type": "object", "properties": {"x": {"type": "null"}, "y": {"type": ["string", "null"]}}}}});
        let found = check(&doc(json!({}), schemas.clone()));
        assert_eq!(
            pointers(&found),
            [
                "/components/schemas/N/type",
                "/components/schemas/S/properties/x/type",
                "/components/schemas/S/properties/y/type"
            ]
        );
        assert!(
            found[0]
                .message
                .starts_with("`type: null` is not a schema type of OpenAPI 3.0.3"),
            "{}",
            found[0].message
        );
        assert!(found[0].help.contains("nullable: true"));
        let mut v31 = doc(json!({}), schemas);
        v31["openapi"] = json!("3.1.0");
        assert_eq!(pointers(&check(&v31)), ["/components/schemas/N/type"]);
    }

    #[test]
    fn strict_makes_the_first_finding_an_error_otherwise_each_is_a_warning() {
        let d = doc(
            op(json!({"200": ok(json!({})), "600": ok(json!({})), "700": ok(json!({}))})),
            json!({}),
        );
        let origins = Origins::with_fallback("specs/v/api.yaml");
        let e = apply(&mut d.clone(), &origins, true).unwrap_err();
        assert_eq!(
            e.location.to_string(),
            "specs/v/api.yaml#/paths/~1a/get/responses/600"
        );
        assert!(
            e.message
                .starts_with("not valid OpenAPI: response status `600`")
                && e.message.ends_with("(and 1 more)"),
            "{e}"
        );
        assert!(e.help.contains("strict = true"), "{e}");
        let mut lenient = d.clone();
        apply(&mut lenient, &origins, false).unwrap();
        let warnings = lenient[crate::normalize::WARNINGS].as_array().unwrap();
        assert_eq!(warnings.len(), 2);
        assert_eq!(warnings[1]["at"], "/paths/~1a/get/responses/700");
    }
}
