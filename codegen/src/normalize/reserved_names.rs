//! Pass `reserved-type-names`: typify's code (and ours) names standard items unqualified:
//! derives (`Clone`, `Debug`, `Default`, `PartialEq`...), `Default::default()`, `Ok`, `Err`,
//! `Result`, `String`. A component schema that becomes a type of one of those names shadows
//! the standard item inside the crate, which then does not compile (Hedra's schema `Default`,
//! Google Vision's `Result`). Such components are renamed `Model<Name>` (as openapi-generator
//! does) and every `$ref` follows; each renaming is a warning.
//! `Error` is reserved too, for another reason: the crate root exports `openapi_sdk_runtime::Error`
//! (what every operation returns), so a schema type `Error` would make `use <crate>::*;
//! use <crate>::types::*;` ambiguous at every use of `Error`. The crate's error keeps the
//! plain name because every caller names it; the schema becomes `ModelError`, like the rest.

use heck::ToUpperCamelCase;
use serde_json::Value;

use crate::error::Result;
use crate::normalize::type_names::rename_components;
use crate::origins::Origins;
use crate::pointer::join;

/// Type names the generated code uses unqualified.
pub(super) const RESERVED: &[&str] = &[
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "Default",
    "Drop",
    "Eq",
    "Err",
    "Error",
    "Fn",
    "From",
    "Hash",
    "Into",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToString",
    "TryFrom",
    "TryInto",
    "Vec",
];

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
        return Ok(());
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    let taken = |candidate: &str| {
        names
            .iter()
            .any(|n| n.to_upper_camel_case() == candidate.to_upper_camel_case())
    };
    let mut renames: Vec<(String, String)> = Vec::new();
    for name in &names {
        if !RESERVED.contains(&name.to_upper_camel_case().as_str()) {
            continue;
        }
        let mut new = format!("Model{}", name.to_upper_camel_case());
        let mut n = 2;
        while taken(&new) || renames.iter().any(|(_, to)| *to == new) {
            new = format!("Model{}{n}", name.to_upper_camel_case());
            n += 1;
        }
        renames.push((name.clone(), new));
    }
    rename_components(doc, &renames);
    for (from, to) in &renames {
        crate::normalize::warn(
            doc,
            &join("/components/schemas", to),
            format!(
                "schema `{from}` is the type `{to}`: `{}` would shadow {}",
                from.to_upper_camel_case(),
                if from.to_upper_camel_case() == "Error" {
                    "the crate's `Error` in a glob import of the crate and its `types`"
                } else {
                    "the standard item of that name"
                }
            ),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schemas_named_like_standard_items_are_renamed_and_refs_follow() {
        let mut doc = json!({"paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Result"}}}}}}}},
        "components": {"schemas": {
            "Result": {"type": "object", "properties": {"d": {"$ref": "#/components/schemas/default"}}},
            "default": {"type": "string"},
            "ModelResult": {"type": "integer"},
            "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
            "Results": {"type": "string"}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let names: Vec<&str> = schemas.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "ModelResult2",
                "ModelDefault",
                "ModelResult",
                "ModelError",
                "Results"
            ]
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/components/schemas/ModelResult2"
        );
        assert_eq!(
            schemas["ModelResult2"]["properties"]["d"]["$ref"],
            "#/components/schemas/ModelDefault"
        );
        assert_eq!(doc[crate::normalize::WARNINGS].as_array().unwrap().len(), 3);
    }
}
