//! Pass `header-credentials`: some documents declare no `securitySchemes` and instead give
//! every operation the same required header parameter for the key (`X-API-Key`,
//! `Authorization`). Generated as a parameter, the user would pass the key to every call; as a
//! security scheme, the client takes it once (`new(key)`, `from_env`) and never prints it. When
//! every operation has that header and the document declares no scheme, the parameter becomes an
//! `apiKey` scheme in that header (sent as given: an `Authorization` key is not prefixed with
//! `Bearer`), with a warning.

use serde_json::{Value, json};

use crate::error::Result;
use crate::origins::Origins;
use crate::walk;

/// Header names that carry credentials (compared in lower case).
fn is_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "authorization"
        || name.ends_with("api-key")
        || name.ends_with("apikey")
        || name.ends_with("api_key")
        || name.ends_with("-token")
        || name == "token"
}

/// The credential header an operation requires: its own parameters and its path item's.
fn required_credential(item: &Value, op: &Value) -> Option<String> {
    [item.get("parameters"), op.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .find(|p| {
            p.get("in").and_then(Value::as_str) == Some("header")
                && p.get("required") == Some(&Value::Bool(true))
                && p.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(is_credential)
        })
        .and_then(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
}

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let declared = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .is_some_and(|s| !s.is_empty());
    if declared {
        return Ok(());
    }
    let names: Vec<Option<String>> = walk::operations(doc)
        .map(|(_, _, item, op)| required_credential(item, op))
        .collect();
    let Some(Some(header)) = names.first().cloned() else {
        return Ok(());
    };
    if !names.iter().all(|n| {
        n.as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(&header))
    }) {
        return Ok(());
    }
    let drop = |params: &mut Value| {
        if let Value::Array(list) = params {
            list.retain(|p| {
                !(p.get("in").and_then(Value::as_str) == Some("header")
                    && p.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case(&header)))
            });
        }
    };
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            if let Some(params) = item.get_mut("parameters") {
                drop(params);
            }
            for method in walk::METHODS {
                if let Some(params) = item
                    .get_mut(*method)
                    .and_then(|op| op.get_mut("parameters"))
                {
                    drop(params);
                }
            }
        }
    }
    let Value::Object(root) = doc else {
        return Ok(());
    };
    let components = root.entry("components").or_insert_with(|| json!({}));
    if let Value::Object(components) = components {
        components.insert(
            "securitySchemes".into(),
            json!({"HeaderCredential": {"type": "apiKey", "in": "header", "name": header}}),
        );
    }
    root.insert("security".into(), json!([{"HeaderCredential": []}]));
    crate::normalize::warn(
        doc,
        "/components/securitySchemes/HeaderCredential",
        format!(
            "every operation's required `{header}` header parameter became the client's credential (an apiKey scheme): the key is given once, to the client"
        ),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(second: Value) -> Value {
        json!({"paths": {
            "/a": {"parameters": [{"name": "Authorization", "in": "header", "required": true, "schema": {"type": "string"}}],
                   "get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}]}},
            "/b": {"post": second}
        }})
    }

    #[test]
    fn a_credential_header_on_every_operation_becomes_the_clients_scheme() {
        let mut d = doc(
            json!({"parameters": [{"name": "authorization", "in": "header", "required": true, "schema": {"type": "string"}}]}),
        );
        run(&mut d, &Origins::default()).unwrap();
        assert_eq!(
            d["components"]["securitySchemes"]["HeaderCredential"],
            json!({"type": "apiKey", "in": "header", "name": "Authorization"})
        );
        assert_eq!(d["security"], json!([{"HeaderCredential": []}]));
        assert_eq!(d["paths"]["/a"]["parameters"], json!([]));
        assert_eq!(
            d["paths"]["/a"]["get"]["parameters"]
                .as_array()
                .unwrap()
                .len(),
            1,
            "other parameters stay"
        );
        assert_eq!(d["paths"]["/b"]["post"]["parameters"], json!([]));
    }

    #[test]
    fn an_operation_without_it_or_a_declared_scheme_leaves_the_document_alone() {
        let mut d = doc(json!({"parameters": []}));
        let before = d.clone();
        run(&mut d, &Origins::default()).unwrap();
        assert_eq!(d, before);
        let mut d = doc(
            json!({"parameters": [{"name": "Authorization", "in": "header", "required": true}]}),
        );
        d["components"] = json!({"securitySchemes": {"k": {"type": "http", "scheme": "bearer"}}});
        let before = d.clone();
        run(&mut d, &Origins::default()).unwrap();
        assert_eq!(d, before);
    }

    /// The generated client takes the key once and sends it raw.
    #[test]
    fn the_generated_client_sends_the_key_it_was_given() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{name: Authorization, in: header, required: true, schema: {type: string}}]\n      responses: {'204': {description: none}}\n";
        let generated = crate::generate_one(spec).unwrap();
        let sdk = &generated.files["src/sdk.rs"];
        // rustfmt wraps the long call; the wrapping is not what is tested.
        let flat = sdk.replace([' ', '\n'], "").replace(",)", ")");
        assert!(
            flat.contains("::openapi_sdk_runtime::AuthScheme::Header(\"authorization\")"),
            "{sdk}"
        );
        assert!(flat.contains("pubfnnew(api_key:implInto<String>)"), "{sdk}");
        assert!(
            !generated.files["src/client.rs"].contains("pub fn authorization"),
            "no per-call parameter"
        );
    }
}
