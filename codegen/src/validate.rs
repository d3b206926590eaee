//! Validate stage: checks what progenitor would otherwise panic on or reject late, and reports it
//! with the file and JSON pointer: every `$ref` resolves, operationIds are unique and make
//! distinct Rust method names, and the document parses as OpenAPI 3.0.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::error::{Error, Result, Stage};
use crate::naming::method_name;
use crate::origins::Origins;
use crate::pointer::Trail;
use crate::walk::for_each_operation;

pub fn validate(doc: &Value, origins: &Origins) -> Result<openapiv3::OpenAPI> {
    refs_resolve(doc, doc, "", origins)?;
    operation_ids(doc, origins)?;
    // Before the typed parse and the engine: the engine's merge of compositions recursed until
    // the stack overflowed on a schema defined through itself.
    crate::cycles::check(doc, origins)?;
    let spec: openapiv3::OpenAPI =
        parse_as::<openapiv3::OpenAPI>(doc, "").map_err(|(pointer, message)| {
            // openapiv3 flattens maps, which hides the failing path from serde; look piece by piece.
            let (mut pointer, message) = locate_parse_error(doc).unwrap_or((pointer, message));
            // A field missing at the top: point where it belongs rather than at the whole.
            if pointer.is_empty()
                && let Some(field) = message
                    .strip_prefix("missing field `")
                    .and_then(|m| m.split('`').next())
            {
                pointer = crate::pointer::join("", field);
            }
            Error::new(
                Stage::Validate,
                origins.locate(&pointer),
                format!("not a valid OpenAPI 3.0 document: {message}"),
                "fix the value at this pointer with an overlay action",
            )
            .at_document(pointer)
        })?;
    Ok(spec)
}

/// Deserializes `value` as `T`, reporting a failure as (pointer, message).
fn parse_as<T: serde::de::DeserializeOwned>(
    value: &Value,
    at: &str,
) -> Result<T, (String, String)> {
    // Tracking the path costs more than the parse itself; only a failure needs it, so the
    // document is parsed plainly first and again with tracking when that fails.
    if let Ok(parsed) = T::deserialize(value) {
        return Ok(parsed);
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner: String = e
            .path()
            .iter()
            .filter_map(|seg| match seg {
                serde_path_to_error::Segment::Map { key } => Some(crate::pointer::join("", key)),
                serde_path_to_error::Segment::Seq { index } => Some(format!("/{index}")),
                _ => None,
            })
            .collect();
        (format!("{at}{inner}"), e.inner().to_string())
    })
}

/// Finds the smallest piece of the document that fails to parse: each parameter, body and
/// response of each operation, then each component.
fn locate_parse_error(doc: &Value) -> Option<(String, String)> {
    use openapiv3::{MediaType, Operation, Parameter, ReferenceOr, RequestBody, Response, Schema};
    fn first_err<T: serde::de::DeserializeOwned>(v: &Value, at: &str) -> Option<(String, String)> {
        parse_as::<T>(v, at).err()
    }
    // A body or response: each media type first (openapiv3 flattens the content map).
    fn holder_err<T: serde::de::DeserializeOwned>(v: &Value, at: &str) -> Option<(String, String)> {
        let content_at = crate::pointer::join(at, "content");
        v.get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .find_map(|(mt, m)| first_err::<MediaType>(m, &crate::pointer::join(&content_at, mt)))
            .or_else(|| first_err::<T>(v, at))
    }
    let join = crate::pointer::join;
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item_at = join("/paths", path);
        for (key, op) in item.as_object().into_iter().flatten() {
            let at = join(&item_at, key);
            if key == "parameters" {
                for (i, p) in op.as_array().into_iter().flatten().enumerate() {
                    if let Some(e) = first_err::<ReferenceOr<Parameter>>(p, &format!("{at}/{i}")) {
                        return Some(e);
                    }
                }
                continue;
            }
            if !crate::walk::METHODS.contains(&key.as_str()) {
                continue;
            }
            for (i, p) in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if let Some(e) =
                    first_err::<ReferenceOr<Parameter>>(p, &format!("{at}/parameters/{i}"))
                {
                    return Some(e);
                }
            }
            if let Some(body) = op.get("requestBody")
                && let Some(e) =
                    holder_err::<ReferenceOr<RequestBody>>(body, &join(&at, "requestBody"))
            {
                return Some(e);
            }
            for (code, r) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if let Some(e) =
                    holder_err::<ReferenceOr<Response>>(r, &join(&join(&at, "responses"), code))
                {
                    return Some(e);
                }
            }
            if let Some(e) = first_err::<Operation>(op, &at) {
                return Some(e);
            }
        }
    }
    for (kind, at, v) in crate::walk::component_entries(doc) {
        let e = match kind {
            "schemas" => first_err::<ReferenceOr<Schema>>(v, &at),
            "parameters" => first_err::<ReferenceOr<Parameter>>(v, &at),
            "responses" => holder_err::<ReferenceOr<Response>>(v, &at),
            "requestBodies" => holder_err::<ReferenceOr<RequestBody>>(v, &at),
            _ => None,
        };
        if e.is_some() {
            return e;
        }
    }
    None
}

/// How the keys of an object are to be read while looking for references.
#[derive(Clone, Copy, PartialEq)]
enum Keys {
    /// Keywords of an OpenAPI or schema object (`schema`, `items`, `example`...).
    Keywords,
    /// Names chosen by the document (`properties`, `paths`, `responses`...): every value counts.
    Names,
    /// The entries of an `examples` map: Example objects whose `value` is literal data.
    Examples,
}

/// Maps whose keys are names rather than keywords.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "paths",
    "content",
    "encoding",
    "variables",
    "webhooks",
    "mapping",
    "pathItems",
];

/// Keywords whose values are literal data, where a `$ref` key is just data.
const LITERALS: &[&str] = &["example", "default", "enum", "const"];

fn refs_resolve(root: &Value, node: &Value, at: &str, origins: &Origins) -> Result<()> {
    for_each_ref(node, at, &mut |here, reference| match reference {
        Value::String(target) => check_ref(root, target, *here, origins),
        _ => Ok(()),
    })
}

/// Calls `f` with the location and value of every `$ref` keyword under `node` (at `at`), whatever
/// the value's type: not the `$ref` keys of literal data (`example`, `default`, `enum`, `const`,
/// `x-` extensions, an Example's `value`).
pub(crate) fn for_each_ref(
    node: &Value,
    at: &str,
    f: &mut dyn FnMut(&Trail<'_>, &Value) -> Result<()>,
) -> Result<()> {
    refs_in(node, Trail::At(at), f, Keys::Keywords)
}

fn refs_in(
    node: &Value,
    at: Trail<'_>,
    f: &mut dyn FnMut(&Trail<'_>, &Value) -> Result<()>,
    keys: Keys,
) -> Result<()> {
    match node {
        Value::Object(map) => {
            if keys == Keys::Keywords
                && let Some(reference) = map.get("$ref")
            {
                f(&Trail::Key(&at, "$ref"), reference)?;
            }
            for (k, v) in map {
                let child_keys = match keys {
                    Keys::Names | Keys::Examples => Keys::Keywords,
                    Keys::Keywords if LITERALS.contains(&k.as_str()) || k.starts_with("x-") => {
                        continue;
                    }
                    Keys::Keywords if k == "examples" && v.is_object() => Keys::Examples,
                    Keys::Keywords if NAME_MAPS.contains(&k.as_str()) => Keys::Names,
                    Keys::Keywords => Keys::Keywords,
                };
                let child = Trail::Key(&at, k);
                if keys == Keys::Examples {
                    // An Example object: its `value` is data; a `$ref` to a shared example counts.
                    if let Some(reference) = v.get("$ref") {
                        f(&Trail::Key(&child, "$ref"), reference)?;
                    }
                    continue;
                }
                refs_in(v, child, f, child_keys)?;
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs_in(v, Trail::Index(&at, i), f, keys)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether a local reference points at something in `root` (`None`: not a local reference).
pub(crate) fn resolves(root: &Value, target: &str) -> Option<bool> {
    crate::pointer::of_ref(target).map(|local| root.pointer(&local).is_some())
}

fn check_ref(root: &Value, target: &str, here: Trail<'_>, origins: &Origins) -> Result<()> {
    let Some(local) = crate::pointer::of_ref(target) else {
        return Err(Error::new(
            Stage::Validate,
            origins.locate(&here.pointer()),
            format!("external reference `{target}` is not supported"),
            "vendor the referenced document into the same folder and point at it with a local `#/...` reference via an overlay",
        )
        .at_document(here.pointer()));
    };
    if root.pointer(&local).is_none() {
        return Err(Error::new(
            Stage::Validate,
            origins.locate(&here.pointer()),
            format!("reference `{target}` points at nothing"),
            "add the missing component, or correct the reference with an overlay action",
        )
        .at_document(here.pointer()));
    }
    Ok(())
}

fn operation_ids(doc: &Value, origins: &Origins) -> Result<()> {
    let mut doc = doc.clone();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for_each_operation(&mut doc, |_, _, at, op| {
        let here = format!("{at}/operationId");
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or("");
        let name = method_name(id);
        // Our names and progenitor's agree for ASCII ids; beyond ASCII they could differ.
        let usable = id.is_ascii() && !id.trim().is_empty();
        if !usable {
            return Err(Error::new(
                Stage::Validate,
                origins.locate(&here),
                format!("operationId `{id}` does not make a Rust method name"),
                "give the operation an ASCII operationId via an overlay",
            )
            .at_document(at));
        }
        if let Some(first) = seen.insert(name.clone(), here.clone()) {
            return Err(Error::new(
                Stage::Validate,
                origins.locate(&here),
                format!("operationId `{id}` gives method `{name}`, which {first} already gives"),
                "operationIds must be unique (also after conversion to snake_case): rename one with an overlay",
            )
            .at_document(at));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base(paths: Value, schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths,
               "components": {"schemas": schemas}})
    }

    #[test]
    fn accepts_a_valid_document() {
        let doc = base(
            json!({"/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}}),
            json!({"A": {"type": "string"}}),
        );
        let spec = validate(&doc, &Origins::default()).unwrap();
        assert_eq!(spec.paths.paths.len(), 1);
    }

    #[test]
    fn dangling_and_external_refs_are_errors_with_pointers() {
        let doc = base(json!({}), json!({"A": {"$ref": "#/components/schemas/B"}}));
        let e = validate(&doc, &Origins::default()).unwrap_err();
        assert_eq!(e.location.pointer, "/components/schemas/A/$ref");
        let doc = base(json!({}), json!({"A": {"$ref": "other.yaml#/B"}}));
        assert!(
            validate(&doc, &Origins::default())
                .unwrap_err()
                .message
                .contains("external")
        );
    }

    #[test]
    fn refs_inside_literal_data_are_not_references() {
        let doc = base(
            json!({"/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"},
                    "example": {"$ref": "https://elsewhere"},
                    "examples": {"one": {"value": {"$ref": "https://elsewhere"}}, "two": {"$ref": "#/components/examples/Missing"}}}}}}}}}),
            json!({"A": {"type": "object", "properties": {"default": {"$ref": "#/components/schemas/B"}}, "default": {"$ref": "x"}}, "B": {}}),
        );
        let e = validate(&doc, &Origins::default()).unwrap_err();
        assert_eq!(
            e.location.pointer,
            "/paths/~1a/get/responses/200/content/application~1json/examples/two/$ref",
            "{e}"
        );
    }

    #[test]
    fn operation_ids_must_make_distinct_method_names() {
        let doc = base(
            json!({"/a": {"get": {"operationId": "getA", "responses": {}}, "post": {"operationId": "get_a", "responses": {}}}}),
            json!({}),
        );
        let e = validate(&doc, &Origins::default()).unwrap_err();
        assert_eq!(e.location.pointer, "/paths/~1a/post/operationId");
        let doc = base(
            json!({"/a": {"get": {"operationId": "créer", "responses": {}}}}),
            json!({}),
        );
        assert!(
            validate(&doc, &Origins::default())
                .unwrap_err()
                .message
                .contains("Rust method name")
        );
    }

    #[test]
    fn a_missing_top_level_field_is_pointed_at() {
        let mut doc = base(json!({}), json!({}));
        doc.as_object_mut().unwrap().shift_remove("info");
        let e = validate(&doc, &Origins::default()).unwrap_err();
        assert_eq!(e.location.pointer, "/info", "{e}");
        assert!(e.message.contains("missing field `info`"), "{e}");
    }

    #[test]
    fn schema_errors_point_into_the_document() {
        let doc = base(
            json!({"/a": {"get": {"operationId": "getA", "parameters": [{"name": "x", "in": "nowhere"}], "responses": {}}}}),
            json!({}),
        );
        let e = validate(&doc, &Origins::default()).unwrap_err();
        assert_eq!(e.location.pointer, "/paths/~1a/get/parameters/0", "{e}");
        assert!(e.message.contains("nowhere"), "{e}");
        let doc = base(
            json!({}),
            json!({"A": {"type": "object", "properties": {"p": {"type": "string", "minLength": "x"}}}}),
        );
        let e = validate(&doc, &Origins::default()).unwrap_err();
        assert!(
            e.location.pointer.starts_with("/components/schemas/A"),
            "{e}"
        );
    }
}
