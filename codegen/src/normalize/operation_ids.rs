//! Pass `derive-operation-ids`: progenitor names methods after operationIds and rejects
//! operations without one. A missing id is derived from method and path, stably (the same
//! operation always gets the same name, whatever else the document holds):
//! `GET /avatars/{id}/videos` -> `get_avatars_by_id_videos`.

use serde_json::Value;

use crate::error::Result;
use crate::origins::Origins;
use crate::walk::for_each_operation;

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    for_each_operation(doc, |path, method, _, op| {
        let missing = op
            .get("operationId")
            .and_then(Value::as_str)
            .is_none_or(|id| id.trim().is_empty());
        if missing {
            op.insert("operationId".into(), Value::String(derive(method, path)));
        }
        Ok(())
    })
}

pub fn derive(method: &str, path: &str) -> String {
    let words = path_words(path);
    if words.is_empty() {
        method.to_string()
    } else {
        format!("{method}_{words}")
    }
}

/// The words of a path in snake case, parameters prefixed `by_`: `/avatars/{id}/videos` ->
/// `avatars_by_id_videos`; empty for `/`.
pub fn path_words(path: &str) -> String {
    use heck::ToSnakeCase;
    let mut words = Vec::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let (prefix, name) = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => ("by_", param),
            None => ("", segment),
        };
        // heck splits camelCase and separators alike: `groupId` -> `group_id`, `a.b-c` -> `a_b_c`.
        let cleaned: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
            .collect();
        let cleaned = cleaned.to_snake_case();
        if !cleaned.is_empty() {
            words.push(format!("{prefix}{cleaned}"));
        }
    }
    words.join("_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn derives_from_method_and_path() {
        assert_eq!(
            derive("get", "/avatars/{id}/videos"),
            "get_avatars_by_id_videos"
        );
        assert_eq!(
            derive("post", "/api/open/v3/avatar/create"),
            "post_api_open_v3_avatar_create"
        );
        assert_eq!(derive("get", "/"), "get");
        assert_eq!(
            derive("delete", "/v1/knowledge.groups/{group-id}"),
            "delete_v1_knowledge_groups_by_group_id"
        );
    }

    #[test]
    fn keeps_existing_ids_and_fills_missing_ones() {
        let mut doc = json!({"paths": {"/a": {"get": {"operationId": "listA"}, "post": {}, "put": {"operationId": " "}}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc["paths"]["/a"]["get"]["operationId"], "listA");
        assert_eq!(doc["paths"]["/a"]["post"]["operationId"], "post_a");
        assert_eq!(doc["paths"]["/a"]["put"]["operationId"], "put_a");
    }
}
