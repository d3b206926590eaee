//! Pass `single-request-media-type`: an operation's method sends one media type; a body offered
//! in several keeps the best for a typed method (JSON first, then form-urlencoded, octet-stream,
//! text, then any other as bytes) and the others move, unchanged, to the operation's
//! `x-codegen-other-request-media-types`, where the multipart builder picks its form up. When
//! the body has only a multipart form, or no media type at all, the whole body moves aside and
//! the operation is marked `x-codegen-body-aside` (its method is then the multipart builder, or
//! one that sends no body).

use serde_json::{Map, Value};

use crate::error::Result;
use crate::origins::Origins;
use crate::walk::for_each_operation;

pub const OTHER_MEDIA_TYPES: &str = "x-codegen-other-request-media-types";
pub const BODY_ASIDE: &str = "x-codegen-body-aside";

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    for_each_operation(doc, |_, _, _, op| {
        let Some(Value::Object(content)) =
            op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
        else {
            return Ok(());
        };
        let keep = preferred(content);
        if content.len() < 2 && keep.is_some() {
            return Ok(());
        }
        let mut others = Map::new();
        for key in content.keys().cloned().collect::<Vec<_>>() {
            if Some(&key) != keep.as_ref()
                && let Some(v) = content.shift_remove(&key)
            {
                others.insert(key, v);
            }
        }
        if keep.is_none() {
            // The body object (description, required) travels with the media types it described.
            if let Some(Value::Object(mut body)) = op.shift_remove("requestBody") {
                body.shift_remove("content");
                others.insert("x-request-body".into(), Value::Object(body));
            }
            op.insert(BODY_ASIDE.into(), Value::Bool(true));
        }
        op.insert(OTHER_MEDIA_TYPES.into(), Value::Object(others));
        Ok(())
    })
}

/// The rank of a media type for the typed method; `None` for the multipart form (its own
/// builder) and a key that names no media type.
fn rank(media_type: &str) -> Option<u8> {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    match essence.to_ascii_lowercase().as_str() {
        "application/json" => Some(0),
        e if e.ends_with("+json") => Some(0),
        "application/x-www-form-urlencoded" => Some(1),
        "application/octet-stream" => Some(2),
        e if e.starts_with("text/") => Some(3),
        "multipart/form-data" | "" => None,
        e if e.contains('/') => Some(4),
        _ => None,
    }
}

fn preferred(content: &Map<String, Value>) -> Option<String> {
    // min_by_key keeps the first of equal ranks, so the document's order breaks ties.
    content
        .keys()
        .filter_map(|k| Some((rank(k)?, k)))
        .min_by_key(|(r, _)| *r)
        .map(|(_, k)| k.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_json_and_moves_the_rest_aside() {
        let mut doc = json!({"paths": {"/a": {"post": {"requestBody": {"content": {
            "multipart/form-data": {"schema": {"type": "object"}},
            "application/json": {"schema": {"type": "string"}}
        }}}}}});
        run(&mut doc, &Origins::default()).unwrap();
        let op = &doc["paths"]["/a"]["post"];
        assert_eq!(
            op["requestBody"]["content"],
            json!({"application/json": {"schema": {"type": "string"}}})
        );
        assert_eq!(
            op[OTHER_MEDIA_TYPES],
            json!({"multipart/form-data": {"schema": {"type": "object"}}})
        );
    }

    #[test]
    fn bodies_progenitor_cannot_send_move_aside_whole() {
        let mut doc = json!({"paths": {"/a": {"post": {"requestBody": {"required": true, "content": {
            "multipart/form-data": {"schema": {"type": "object"}}
        }}}}}});
        run(&mut doc, &Origins::default()).unwrap();
        let op = &doc["paths"]["/a"]["post"];
        assert!(op.get("requestBody").is_none());
        assert_eq!(op[BODY_ASIDE], json!(true));
        assert_eq!(
            op[OTHER_MEDIA_TYPES],
            json!({"multipart/form-data": {"schema": {"type": "object"}}, "x-request-body": {"required": true}})
        );
    }

    #[test]
    fn single_media_types_are_untouched() {
        let mut doc =
            json!({"paths": {"/a": {"post": {"requestBody": {"content": {"text/plain": {}}}}}}});
        let before = doc.clone();
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc, before);
    }
}
