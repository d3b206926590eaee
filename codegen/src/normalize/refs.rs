//! Local `$ref`s for the passes that inline or hoist what a reference points at: from a
//! reference to the JSON pointer it means, and to the node it reaches (following chains).

use serde_json::Value;

/// How many references a chain may follow before it counts as a cycle.
const MAX_CHAIN: usize = 32;

/// The `$ref` of a reference object.
pub fn reference(node: &Value) -> Option<&str> {
    node.get("$ref")?.as_str()
}

/// What `node` stands for: itself, or the end of its chain of local references. `None` when a
/// reference is external, dangling or part of a cycle (validate reports those).
pub fn resolve<'a>(doc: &'a Value, mut node: &'a Value) -> Option<&'a Value> {
    for _ in 0..MAX_CHAIN {
        let Some(target) = reference(node) else {
            return Some(node);
        };
        node = doc.pointer(&crate::pointer::of_ref(target)?)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_chains_of_local_references() {
        let doc = json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/c~1%7Bd%7D"}, "c/{d}": {"x": 1},
                         "loop": {"$ref": "#/loop"}, "out": {"$ref": "other.yaml#/a"}});
        assert_eq!(resolve(&doc, &doc["a"]), Some(&json!({"x": 1})));
        assert_eq!(resolve(&doc, &doc["c/{d}"]), Some(&json!({"x": 1})));
        assert_eq!(resolve(&doc, &doc["loop"]), None);
        assert_eq!(resolve(&doc, &doc["out"]), None);
        assert_eq!(
            crate::pointer::of_ref("#/paths/~1a~1%7Bid%7D").as_deref(),
            Some("/paths/~1a~1{id}")
        );
    }
}
