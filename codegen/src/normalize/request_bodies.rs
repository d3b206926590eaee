//! Pass `single-request-media-type`: progenitor panics on a request body offered in several media
//! types. The pass keeps the one progenitor handles best (JSON first, then form-urlencoded) for
//! the generated method and moves the others, unchanged, to the operation's
//! `x-codegen-other-request-media-types`, where our own emitters (multipart) pick them up.

use serde_json::{Map, Value};

use crate::error::Result;
use crate::merge::Origins;
use crate::normalize::for_each_operation;

pub const OTHER_MEDIA_TYPES: &str = "x-codegen-other-request-media-types";

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    for_each_operation(doc, |_, _, _, op| {
        let Some(Value::Object(content)) =
            op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
        else {
            return Ok(());
        };
        if content.len() < 2 {
            return Ok(());
        }
        let keep = preferred(content);
        let mut others = Map::new();
        for key in content.keys().cloned().collect::<Vec<_>>() {
            if key != keep
                && let Some(v) = content.shift_remove(&key)
            {
                others.insert(key, v);
            }
        }
        op.insert(OTHER_MEDIA_TYPES.into(), Value::Object(others));
        Ok(())
    })
}

fn rank(media_type: &str) -> u8 {
    let essence = media_type.split(';').next().unwrap_or("").trim();
    match essence {
        "application/json" => 0,
        m if m.ends_with("+json") => 1,
        "application/x-www-form-urlencoded" => 2,
        "application/octet-stream" => 3,
        m if m.starts_with("text/") => 4,
        _ => 5,
    }
}

fn preferred(content: &Map<String, Value>) -> String {
    // min_by_key keeps the first of equal ranks, so the document's order breaks ties.
    content
        .keys()
        .min_by_key(|k| rank(k))
        .cloned()
        .unwrap_or_default()
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
    fn single_media_types_are_untouched() {
        let mut doc =
            json!({"paths": {"/a": {"post": {"requestBody": {"content": {"text/plain": {}}}}}}});
        let before = doc.clone();
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc, before);
    }
}
