//! Pass `reserved-type-names`: typify's code (and ours) names standard items unqualified:
//! derives (`Clone`, `Debug`, `Default`, `PartialEq`...), `Default::default()`, `Ok`, `Err`,
//! `Result`, `String`. A component schema that becomes a type of one of those names shadows
//! the standard item inside the crate, which then does not compile (Hedra's schema `Default`,
//! Google Vision's `Result`). Such components are renamed `Model<Name>` (as openapi-generator
//! does) and every `$ref` follows; each renaming is a warning.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::normalize::type_names::rewrite_refs;
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
    if renames.is_empty() {
        return Ok(());
    }
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        let old = std::mem::take(schemas);
        *schemas = old
            .into_iter()
            .map(|(k, v)| match renames.iter().find(|(from, _)| *from == k) {
                Some((_, to)) => (to.clone(), v),
                None => (k, v),
            })
            .collect::<Map<String, Value>>();
    }
    let refs: BTreeMap<String, String> = renames
        .iter()
        .map(|(from, to)| {
            (
                format!("#{}", join("/components/schemas", from)),
                format!("#{}", join("/components/schemas", to)),
            )
        })
        .collect();
    rewrite_refs(doc, &refs);
    for (from, to) in &renames {
        crate::normalize::warn(
            doc,
            &join("/components/schemas", to),
            format!(
                "schema `{from}` is the type `{to}`: `{}` would shadow the standard item of that name",
                from.to_upper_camel_case()
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
            "Results": {"type": "string"}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let names: Vec<&str> = schemas.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            ["ModelResult2", "ModelDefault", "ModelResult", "Results"]
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
        assert_eq!(doc[crate::normalize::WARNINGS].as_array().unwrap().len(), 2);
    }
}
