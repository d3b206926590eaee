//! Pass `schemaless-bodies`: a media type without a schema (common in hand-written specs and in
//! examples-only documents) makes progenitor panic (`todo!`) or reject the body. A schema that
//! says exactly what is known is filled in: any JSON value for JSON, bytes for octet-stream,
//! a string for text, an object for forms.

use serde_json::{Map, Value, json};

use crate::error::Result;
use crate::origins::Origins;
use crate::walk::for_each_operation;

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    for_each_operation(doc, |_, _, _, op| {
        if let Some(Value::Object(content)) =
            op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
        {
            fill(content);
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for response in responses.values_mut() {
                if let Some(Value::Object(content)) = response.get_mut("content") {
                    fill(content);
                }
            }
        }
        Ok(())
    })
}

fn fill(content: &mut Map<String, Value>) {
    for (media_type, media) in content.iter_mut() {
        let Value::Object(media) = media else {
            continue;
        };
        if media.contains_key("schema") {
            continue;
        }
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let schema = if essence == "application/json" || essence.ends_with("+json") {
            json!({})
        } else if essence.starts_with("text/") {
            json!({"type": "string"})
        } else if essence == "multipart/form-data" || essence == "application/x-www-form-urlencoded"
        {
            json!({"type": "object"})
        } else {
            json!({"type": "string", "format": "binary"})
        };
        media.insert("schema".into(), schema);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_missing_schemas_by_media_type() {
        let mut doc = json!({"paths": {"/a": {"post": {
            "requestBody": {"content": {"application/octet-stream": {}, "text/plain": {"example": "x"}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"examples": {}}, "application/xml": {"schema": {"type": "string"}}}}}
        }}}});
        run(&mut doc, &Origins::default()).unwrap();
        let op = &doc["paths"]["/a"]["post"];
        assert_eq!(
            op["requestBody"]["content"]["application/octet-stream"]["schema"],
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            op["requestBody"]["content"]["text/plain"]["schema"],
            json!({"type": "string"})
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"],
            json!({})
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/xml"]["schema"],
            json!({"type": "string"})
        );
    }
}
