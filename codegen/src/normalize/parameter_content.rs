//! Pass `parameter-content`: a parameter may be described by `content` (one media type and its
//! schema) instead of `schema`; its value is then the encoded text, e.g. `filter={"name":"x"}`
//! for `application/json`. progenitor refuses such parameters. Giving it the media type's
//! schema would send the value in the parameter's style instead (`name=x` for an object), a
//! silent mistranslation; so the parameter becomes a string the caller fills with the encoded
//! text, its description says which encoding of which schema, and a warning records it. Plain
//! text of a string schema needs no encoding and keeps its schema.

use serde_json::{Value, json};

use super::parameters::{self, Shape};
use crate::error::Result;
use crate::origins::Origins;

/// Longest schema quoted in a description; larger ones are named by their pointer.
const QUOTED_SCHEMA: usize = 300;

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let mut replacements = Vec::new();
    let mut warnings = Vec::new();
    for site in parameters::sites(doc) {
        let Some(Value::Object(content)) = site.param.get("content") else {
            continue;
        };
        if site.param.contains_key("schema") {
            continue;
        }
        // OpenAPI allows exactly one entry.
        let Some((media_type, media)) = content.iter().next() else {
            continue;
        };
        let schema = media.get("schema").cloned().unwrap_or_else(|| json!({}));
        let mut param = site.param.clone();
        param.shift_remove("content");
        let (name, _) = parameters::key(site.param);
        let plain_text = !is_json(media_type)
            && parameters::shape(doc, &schema) == Shape::Scalar("string".into());
        if plain_text {
            param.insert("schema".into(), schema);
        } else {
            let note = format!(
                "Sent as `{media_type}` text: pass the encoded value (for JSON, e.g. `serde_json::to_string(&value)`) of this schema: {}.",
                describe(&schema, &format!("{}/content", site.at))
            );
            let description = match param.get("description").and_then(Value::as_str) {
                Some(d) if !d.trim().is_empty() => format!("{d} {note}"),
                _ => note,
            };
            param.insert("description".into(), Value::String(description));
            param.insert("schema".into(), json!({"type": "string"}));
            warnings.push((
                site.at.clone(),
                format!("parameter `{name}` is given as `{media_type}` content: it is a string here, to be filled with the encoded value"),
            ));
        }
        replacements.push((site.at, vec![Value::Object(param)]));
    }
    parameters::splice(doc, replacements);
    for (at, message) in warnings {
        super::warn(doc, &at, message);
    }
    Ok(())
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// A component by name, a small schema quoted, a large one by where it is.
fn describe(schema: &Value, at: &str) -> String {
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        return format!("`{name}`");
    }
    let text = serde_json::to_string(schema).unwrap_or_default();
    if text.len() <= QUOTED_SCHEMA {
        format!("`{text}`")
    } else {
        format!("see `{at}` in the crate's `openapi.json`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::WARNINGS;
    use serde_json::json;

    #[test]
    fn json_content_becomes_a_string_of_the_encoded_value() {
        let mut doc = json!({"paths": {"/a": {"get": {"parameters": [
            {"name": "filter", "in": "query", "description": "Filters.",
             "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}},
            {"$ref": "#/components/parameters/Where"}
        ]}}}, "components": {"parameters": {"Where": {"name": "where", "in": "query", "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Where"}}}}}}});
        run(&mut doc, &Origins::default()).unwrap();
        let params = &doc["paths"]["/a"]["get"]["parameters"];
        assert_eq!(params[0]["schema"], json!({"type": "string"}));
        assert!(params[0].get("content").is_none());
        assert_eq!(
            params[0]["description"],
            "Filters. Sent as `application/json` text: pass the encoded value (for JSON, e.g. `serde_json::to_string(&value)`) of this schema: `{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}`."
        );
        assert_eq!(params[1]["required"], true);
        assert_eq!(params[1]["schema"], json!({"type": "string"}));
        assert!(
            params[1]["description"]
                .as_str()
                .unwrap()
                .ends_with("this schema: `Where`.")
        );
        assert!(
            doc["components"]["parameters"]["Where"]
                .get("content")
                .is_some(),
            "components stay"
        );
        let warnings = doc[WARNINGS].as_array().unwrap();
        assert_eq!(warnings[0]["at"], "/paths/~1a/get/parameters/0");
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn plain_text_of_a_string_keeps_its_schema() {
        let mut doc = json!({"paths": {"/a": {"parameters": [{"name": "q", "in": "query",
            "content": {"text/plain": {"schema": {"type": "string", "maxLength": 3}}}}]}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(
            doc["paths"]["/a"]["parameters"][0],
            json!({"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 3}})
        );
        assert!(doc.get(WARNINGS).is_none());
    }

    #[test]
    fn the_generated_client_takes_the_encoded_text() {
        let client = crate::normalize::parameters::generated_client(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      parameters:\n        - {name: filter, in: query, content: {application/json: {schema: {type: object, properties: {n: {type: string}}}}}}\n      responses: {'204': {description: ok}}\n",
        );
        assert!(
            client.contains("filter:Result<Option<::std::string::String>,String>"),
            "{client}"
        );
        assert!(
            client.contains(r#"QueryParam::new("filter",&filter)"#),
            "{client}"
        );
    }
}
