//! Pass `path-parameters-required`: OpenAPI requires `required: true` on every path parameter
//! (a URL cannot leave a segment out), but some documents omit it or say `false`. progenitor
//! then makes the parameter an `Option` and its generated URL code does not compile (Getty
//! Images' `asset_id`); so it does for `nullable: true`. The parameter becomes required and
//! non-nullable, as the URL already makes it; each change is a warning.

use serde_json::Value;

use crate::error::Result;
use crate::origins::Origins;
use crate::pointer::join;

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let mut changed = Vec::new();
    let Some(Value::Object(root)) = Some(&mut *doc) else {
        return Ok(());
    };
    let mut lists: Vec<(String, &mut Value)> = Vec::new();
    for (key, value) in root.iter_mut() {
        match (key.as_str(), value) {
            ("components", Value::Object(components)) => {
                if let Some(Value::Object(params)) = components.get_mut("parameters") {
                    for (name, p) in params.iter_mut() {
                        lists.push((join("/components/parameters", name), p));
                    }
                }
            }
            ("paths", Value::Object(paths)) => {
                for (path, item) in paths.iter_mut() {
                    let Value::Object(item) = item else { continue };
                    let item_at = join("/paths", path);
                    for (key, value) in item.iter_mut() {
                        let list = if key == "parameters" {
                            Some((join(&item_at, key), value))
                        } else {
                            value
                                .get_mut("parameters")
                                .map(|v| (join(&join(&item_at, key), "parameters"), v))
                        };
                        let Some((at, Value::Array(params))) = list else {
                            continue;
                        };
                        for (i, p) in params.iter_mut().enumerate() {
                            lists.push((format!("{at}/{i}"), p));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (at, p) in lists {
        let Value::Object(p) = p else { continue };
        if p.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if p.get("required") != Some(&Value::Bool(true)) {
            p.insert("required".into(), Value::Bool(true));
            changed.push((
                at.clone(),
                format!("path parameter `{name}` made required: a path cannot leave it out"),
            ));
        }
        // A path segment cannot be null either; progenitor would make it an `Option`.
        if let Some(Value::Object(schema)) = p.get_mut("schema")
            && schema.shift_remove("nullable") == Some(Value::Bool(true))
        {
            changed.push((
                format!("{at}/schema"),
                format!("path parameter `{name}` made non-nullable: a path segment cannot be null"),
            ));
        }
    }
    for (at, message) in changed {
        crate::normalize::warn(doc, &at, message);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn optional_path_parameters_become_required_and_others_stay() {
        let mut doc = json!({
            "paths": {"/a/{id}": {
                "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
                "get": {"parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    {"name": "id", "in": "path", "required": false, "schema": {"type": "string", "nullable": true}},
                    {"$ref": "#/components/parameters/P"}
                ]}
            }},
            "components": {"parameters": {"P": {"name": "p", "in": "path", "required": true, "schema": {"type": "string"}}}}
        });
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc["paths"]["/a/{id}"]["parameters"][0]["required"], true);
        assert_eq!(
            doc["paths"]["/a/{id}"]["get"]["parameters"][1]["required"],
            true
        );
        assert!(
            doc["paths"]["/a/{id}"]["get"]["parameters"][0]
                .get("required")
                .is_none()
        );
        let warnings = doc[crate::normalize::WARNINGS].as_array().unwrap();
        assert!(
            doc["paths"]["/a/{id}"]["get"]["parameters"][1]["schema"]
                .get("nullable")
                .is_none()
        );
        assert_eq!(warnings.len(), 3);
        assert_eq!(warnings[1]["at"], "/paths/~1a~1{id}/get/parameters/1");
    }
}
