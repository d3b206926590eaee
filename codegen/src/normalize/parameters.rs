//! The parameters of a document as the passes that rewrite parameters see them: each entry of a
//! path item's or an operation's `parameters` list with its `$ref` followed, the parameters it
//! is sent with, and splicing rewritten entries back. Components stay as they are: a rewritten
//! entry is a copy in the list that used it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::refs;
use crate::pointer;
use crate::walk::METHODS;

/// Parameter list entries: (pointer, the parameter with its `$ref` followed).
pub type Entries<'a> = Vec<(String, &'a Map<String, Value>)>;

/// One entry of a parameter list.
pub struct Site<'a> {
    /// The entry's pointer (`/paths/~1a/get/parameters/0`).
    pub at: String,
    /// The parameter, its `$ref` followed.
    pub param: &'a Map<String, Value>,
}

/// A parameter's `name` and `in`.
pub fn key(param: &Map<String, Value>) -> (&str, &str) {
    let field = |k: &str| param.get(k).and_then(Value::as_str).unwrap_or("");
    (field("name"), field("in"))
}

/// Every parameter list entry of every operation and path item, in document order.
pub fn sites(doc: &Value) -> Vec<Site<'_>> {
    let mut out = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item_at = pointer::join("/paths", path);
        let shared = entries(doc, item, &item_at);
        let ops: Vec<(String, Entries<'_>)> = METHODS
            .iter()
            .filter_map(|m| Some((*m, item.get(*m)?)))
            .filter(|(_, op)| op.is_object())
            .map(|(m, op)| {
                let at = pointer::join(&item_at, m);
                let own = entries(doc, op, &at);
                (at, own)
            })
            .collect();
        for (at, param) in shared.iter().chain(ops.iter().flat_map(|(_, own)| own)) {
            out.push(Site {
                at: at.clone(),
                param,
            });
        }
    }
    out
}

/// The entries of `holder`'s `parameters` list (pointer, parameter), `$ref`s followed; entries
/// that do not resolve to an object are skipped (validate reports them).
pub fn entries<'a>(doc: &'a Value, holder: &'a Value, at: &str) -> Entries<'a> {
    holder
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, p)| {
            Some((
                format!("{at}/parameters/{i}"),
                refs::resolve(doc, p)?.as_object()?,
            ))
        })
        .collect()
}

/// Puts `replacements` (entry pointer -> the entries that take its place) into their lists.
pub fn splice(doc: &mut Value, replacements: Vec<(String, Vec<Value>)>) {
    let mut by_list: BTreeMap<String, Vec<(usize, Vec<Value>)>> = BTreeMap::new();
    for (at, with) in replacements {
        let Some((list, index)) = at.rsplit_once('/') else {
            continue;
        };
        if let Ok(index) = index.parse::<usize>() {
            by_list
                .entry(list.to_string())
                .or_default()
                .push((index, with));
        }
    }
    for (list, mut changes) in by_list {
        let Some(Value::Array(items)) = doc.pointer_mut(&list) else {
            continue;
        };
        // From the end, so earlier indices stay valid.
        changes.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
        for (index, with) in changes {
            if index < items.len() {
                items.splice(index..=index, with);
            }
        }
    }
}

/// The generated `src/client.rs` of a one-file spec, without whitespace (prettyplease wraps
/// lines as it likes), for tests that check what a rewritten parameter sends.
#[cfg(test)]
pub fn generated_client(spec: &str) -> String {
    let generated = crate::generate_one(spec).unwrap_or_else(|e| panic!("{e}"));
    generated.files["src/client.rs"]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sites_see_references_followed() {
        let doc = json!({"paths": {"/a/{id}": {
            "parameters": [{"name": "id", "in": "path"}, {"name": "q", "in": "query"}],
            "get": {"parameters": [{"$ref": "#/components/parameters/Q"}]},
            "put": {}}},
            "components": {"parameters": {"Q": {"name": "q", "in": "query", "description": "own"}}}});
        let sites = sites(&doc);
        let seen: Vec<&str> = sites.iter().map(|s| s.at.as_str()).collect();
        assert_eq!(
            seen,
            [
                "/paths/~1a~1{id}/parameters/0",
                "/paths/~1a~1{id}/parameters/1",
                "/paths/~1a~1{id}/get/parameters/0",
            ]
        );
        assert_eq!(sites[2].param["description"], "own");
    }

    #[test]
    fn splicing_replaces_entries_by_any_number_of_others() {
        let mut doc = json!({"l": [1, 2, 3]});
        splice(
            &mut doc,
            vec![
                ("/l/0".into(), vec![json!(10), json!(11)]),
                ("/l/2".into(), vec![]),
            ],
        );
        assert_eq!(doc, json!({"l": [10, 11, 2]}));
    }
}
