//! Pass `enum-variant-names`: typify names enum variants after the values in UpperCamelCase and
//! panics when two values map to one name (`add` and `Add`). Such an enum becomes a plain string
//! whose description lists the allowed values, so the crate builds and every value can be sent.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use serde_json::{Value, json};

use crate::error::Result;
use crate::normalize::schemas::for_each_schema;
use crate::origins::Origins;

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    for_each_schema(doc, &mut |_, schema| {
        let Some(Value::Array(values)) = schema.get("enum") else {
            return Ok(());
        };
        let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        let mut names = BTreeSet::new();
        let clash = strings
            .iter()
            .any(|v| !names.insert(v.to_upper_camel_case()));
        if !clash {
            return Ok(());
        }
        let listed = strings
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let description = match schema.get("description").and_then(Value::as_str) {
            Some(d) => format!("{d}\n\nOne of: {listed}."),
            None => format!("One of: {listed}."),
        };
        schema.shift_remove("enum");
        schema.insert("description".into(), json!(description));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_whose_values_collide_as_names_become_strings() {
        let mut doc = json!({"components": {"schemas": {
            "Op": {"type": "string", "enum": ["add", "Add", "remove"]},
            "Fine": {"type": "string", "enum": ["a", "b"]}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["Op"],
            json!({"type": "string", "description": "One of: `add`, `Add`, `remove`."})
        );
        assert_eq!(
            doc["components"]["schemas"]["Fine"]["enum"],
            json!(["a", "b"])
        );
    }
}
