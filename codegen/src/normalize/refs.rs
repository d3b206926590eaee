//! Local `$ref`s for the passes that inline or hoist what a reference points at: from a
//! reference to the JSON pointer it means, and to the node it reaches (following chains).

use serde_json::Value;

/// How many references a chain may follow before it counts as a cycle.
const MAX_CHAIN: usize = 32;

/// The `$ref` of a reference object.
pub fn reference(node: &Value) -> Option<&str> {
    node.get("$ref")?.as_str()
}

/// The JSON pointer a local reference (`#/components/x`) means; `None` for other documents.
/// `$ref` values are URI fragments, so `%7B` stands for `{`.
pub fn pointer(reference: &str) -> Option<String> {
    let local = reference.strip_prefix('#')?;
    let bytes = local.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// What `node` stands for: itself, or the end of its chain of local references. `None` when a
/// reference is external, dangling or part of a cycle (validate reports those).
pub fn resolve<'a>(doc: &'a Value, mut node: &'a Value) -> Option<&'a Value> {
    for _ in 0..MAX_CHAIN {
        let Some(target) = reference(node) else {
            return Some(node);
        };
        node = doc.pointer(&pointer(target)?)?;
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
            pointer("#/paths/~1a~1%7Bid%7D").as_deref(),
            Some("/paths/~1a~1{id}")
        );
    }
}
