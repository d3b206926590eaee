//! Overlay stage: applies OpenAPI Overlay 1.0 documents (JSONPath targets, `update` and `remove`
//! actions). Every action must say why it exists and must match something: an overlay that
//! silently stops matching after an upstream change would hide the fix it carried.

use serde_json::{Map, Value};
use serde_json_path::JsonPath;

use crate::error::{Error, Location, Result, Stage};
use crate::origins::Origins;
use crate::pointer;
use crate::source::Parsed;

/// One parsed action, with its index kept for messages.
#[derive(Debug)]
struct Action {
    index: usize,
    target: JsonPath,
    target_text: String,
    change: Change,
}

#[derive(Debug)]
enum Change {
    Update(Value),
    Remove,
}

/// The document an overlay applies to: `extends` naming a file of the folder means before the
/// merge; no `extends` means the merged document.
pub fn extends(overlay: &Parsed) -> Option<&str> {
    overlay.value.get("extends").and_then(Value::as_str)
}

/// Applies every action of `overlay` to `doc`, in order, recording in `origins` the content each
/// update adds, so later errors about it name the overlay action rather than an upstream file.
pub fn apply(overlay: &Parsed, doc: &mut Value, origins: &mut Origins) -> Result<()> {
    let at = |pointer: String| Location {
        file: overlay.display.clone(),
        pointer,
    };
    for action in parse_actions(overlay)? {
        let nodes = action.target.query_located(doc);
        let mut pointers: Vec<String> = nodes
            .iter()
            .map(|n| n.location().to_json_pointer())
            .collect();
        if pointers.is_empty() {
            return Err(Error::new(
                Stage::Overlay,
                at(format!("/actions/{}/target", action.index)),
                format!("target `{}` matches nothing", action.target_text),
                "the document changed under the overlay: update or delete this action",
            ));
        }
        match &action.change {
            Change::Remove => {
                // Deepest and last first, so earlier removals do not shift later array indices.
                pointers.sort_by_key(|p| std::cmp::Reverse(pointer::sort_key(p)));
                for p in pointers {
                    pointer::remove(doc, &p);
                }
            }
            Change::Update(update) => {
                for p in pointers {
                    let Some(node) = doc.pointer_mut(&p) else {
                        continue;
                    };
                    let from = format!("/actions/{}/update", action.index);
                    record_additions(node, update, &p, &from, &overlay.display, origins);
                    update_node(node, update).map_err(|message| {
                        Error::new(
                            Stage::Overlay,
                            at(format!("/actions/{}/update", action.index)),
                            format!("{message} (target node {p})"),
                            "an update must be an object for an object target; a primitive is changed by updating its parent",
                        )
                    })?;
                }
            }
        }
    }
    Ok(())
}

fn parse_actions(overlay: &Parsed) -> Result<Vec<Action>> {
    let err = |pointer: String, message: String, help: &str| {
        Error::new(
            Stage::Overlay,
            Location {
                file: overlay.display.clone(),
                pointer,
            },
            message,
            help,
        )
    };
    let version = overlay
        .value
        .get("overlay")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !version.starts_with("1.") {
        return Err(err(
            "/overlay".into(),
            format!("unsupported overlay version `{version}`"),
            "write the overlay as OpenAPI Overlay 1.0 (`overlay: 1.0.0`)",
        ));
    }
    let Some(actions) = overlay.value.get("actions").and_then(Value::as_array) else {
        return Err(err(
            "/actions".into(),
            "missing `actions` list".into(),
            "an overlay needs a list of actions, each with target, description and update or remove",
        ));
    };
    actions
        .iter()
        .enumerate()
        .map(|(index, raw)| {
            let here = format!("/actions/{index}");
            let target_text = raw.get("target").and_then(Value::as_str).ok_or_else(|| {
                err(here.clone(), "action has no `target`".into(), "add a JSONPath target such as `$.paths['/x'].get`")
            })?;
            // Before parsing: the parser's time grows by a factor per nested filter.
            if let Some(reason) = crate::limits::jsonpath_cost(target_text) {
                return Err(err(
                    format!("{here}/target"),
                    format!("target `{}` is too costly to evaluate: {reason}", shorten(target_text)),
                    "select the node with a plainer path (named keys, one filter, at most a few `..`), or split the action into several",
                ));
            }
            let target = JsonPath::parse(target_text).map_err(|e| {
                err(format!("{here}/target"), format!("invalid JSONPath `{target_text}`: {e}"), "write the target in RFC 9535 JSONPath")
            })?;
            let reason = raw.get("description").and_then(Value::as_str).unwrap_or("").trim();
            if reason.is_empty() {
                return Err(err(
                    here,
                    "action has no `description`".into(),
                    "every overlay action must say why it exists (the disagreement it settles, with a link)",
                ));
            }
            let remove = raw.get("remove").and_then(Value::as_bool).unwrap_or(false);
            let change = match (raw.get("update"), remove) {
                (Some(update), false) => Change::Update(update.clone()),
                (None, true) => Change::Remove,
                _ => {
                    return Err(err(
                        here,
                        "action must have exactly one of `update` or `remove: true`".into(),
                        "split it into two actions",
                    ));
                }
            };
            Ok(Action {
                index,
                target,
                target_text: target_text.to_string(),
                change,
            })
        })
        .collect()
}

/// A target as quoted in a message: at most 80 characters.
fn shorten(target: &str) -> String {
    match target.char_indices().nth(80) {
        Some((cut, _)) => format!("{}...", &target[..cut]),
        None => target.to_string(),
    }
}

/// Records what `update` adds to `node` (at `at`; the update is written at `from` in `file`): new
/// keys of objects, at any depth, and appended array items. Keys that already exist and are
/// merged into stay the upstream document's.
fn record_additions(
    node: &Value,
    update: &Value,
    at: &str,
    from: &str,
    file: &str,
    origins: &mut Origins,
) {
    match (node, update) {
        (Value::Object(target), Value::Object(changes)) => {
            for (key, value) in changes {
                let (at, from) = (pointer::join(at, key), pointer::join(from, key));
                match target.get(key) {
                    Some(existing @ Value::Object(_)) if value.is_object() => {
                        record_additions(existing, value, &at, &from, file, origins)
                    }
                    _ => origins.record_overlay(at, file, from),
                }
            }
        }
        (Value::Array(items), Value::Array(new)) => {
            for i in 0..new.len() {
                let at = pointer::join(at, &(items.len() + i).to_string());
                origins.record_overlay(at, file, pointer::join(from, &i.to_string()));
            }
        }
        (Value::Array(items), _) => {
            let at = pointer::join(at, &items.len().to_string());
            origins.record_overlay(at, file, from.to_string());
        }
        _ => {}
    }
}

/// Overlay 1.0 update semantics: objects merge recursively, an array target gets the update
/// appended (each element, when the update is itself an array).
fn update_node(node: &mut Value, update: &Value) -> Result<(), String> {
    match (node, update) {
        (Value::Object(target), Value::Object(changes)) => {
            merge_object(target, changes);
            Ok(())
        }
        (Value::Array(items), Value::Array(new)) => {
            items.extend(new.iter().cloned());
            Ok(())
        }
        (Value::Array(items), other) => {
            items.push(other.clone());
            Ok(())
        }
        (Value::Object(_), _) => Err("update for an object target is not an object".into()),
        _ => Err("target is neither an object nor an array".into()),
    }
}

fn merge_object(target: &mut Map<String, Value>, changes: &Map<String, Value>) {
    for (key, value) in changes {
        match (target.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(nested)) => {
                merge_object(existing, nested)
            }
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Parsed {
        Parsed {
            name: "overlay.yaml".into(),
            display: "specs/v/overlay.yaml".into(),
            value: json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions}),
        }
    }

    #[test]
    fn update_merges_objects_and_appends_to_arrays() {
        let mut doc = json!({"info": {"title": "a", "x": {"k": 1}}, "tags": [{"name": "a"}]});
        let o = overlay(json!([
            {"target": "$.info", "description": "why", "update": {"title": "b", "x": {"j": 2}}},
            {"target": "$.tags", "description": "why", "update": {"name": "b"}}
        ]));
        apply(&o, &mut doc, &mut Origins::default()).unwrap();
        assert_eq!(
            doc,
            json!({"info": {"title": "b", "x": {"k": 1, "j": 2}}, "tags": [{"name": "a"}, {"name": "b"}]})
        );
    }

    #[test]
    fn remove_deletes_every_match_including_array_elements() {
        let mut doc = json!({"paths": {"/a": {"get": {}, "post": {}}}, "l": [1, 2, 3, 2]});
        let o = overlay(json!([
            {"target": "$.paths['/a'].post", "description": "why", "remove": true},
            {"target": "$.l[?@ == 2]", "description": "why", "remove": true}
        ]));
        apply(&o, &mut doc, &mut Origins::default()).unwrap();
        assert_eq!(doc, json!({"paths": {"/a": {"get": {}}}, "l": [1, 3]}));
        // Index 10 must go before index 3 although "3" sorts after "10" as text.
        let mut doc = json!({"l": (0..12).collect::<Vec<_>>()});
        let o = overlay(json!([{"target": "$.l[3,10]", "description": "why", "remove": true}]));
        apply(&o, &mut doc, &mut Origins::default()).unwrap();
        assert_eq!(doc["l"], json!([0, 1, 2, 4, 5, 6, 7, 8, 9, 11]));
    }

    #[test]
    fn an_action_matching_nothing_is_an_error_with_its_pointer() {
        let mut doc = json!({"paths": {}});
        let o =
            overlay(json!([{"target": "$.paths['/gone']", "description": "why", "remove": true}]));
        let e = apply(&o, &mut doc, &mut Origins::default()).unwrap_err();
        assert_eq!(
            e.location.to_string(),
            "specs/v/overlay.yaml#/actions/0/target"
        );
        assert!(e.message.contains("matches nothing"));
    }

    #[test]
    fn actions_need_a_reason_and_one_change() {
        let mut doc = json!({});
        let e = apply(
            &overlay(json!([{"target": "$", "update": {}}])),
            &mut doc,
            &mut Origins::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("description"));
        let e = apply(
            &overlay(json!([{"target": "$", "description": "d"}])),
            &mut doc,
            &mut Origins::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("exactly one"));
        let e = apply(
            &overlay(json!([{"target": "$[", "description": "d", "remove": true}])),
            &mut doc,
            &mut Origins::default(),
        )
        .unwrap_err();
        assert_eq!(e.location.pointer, "/actions/0/target");
    }

    /// 20 nested filters (121 characters) took more than a minute to parse: refused first.
    #[test]
    fn targets_too_costly_to_evaluate_are_errors_with_their_pointer() {
        let target = format!("$[?{}@.a{}]", "@[?".repeat(19), "]".repeat(19));
        let started = std::time::Instant::now();
        let e = apply(
            &overlay(json!([{"target": target, "description": "d", "remove": true}])),
            &mut json!({"a": 1}),
            &mut Origins::default(),
        )
        .unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(
            e.location.to_string(),
            "specs/v/overlay.yaml#/actions/0/target"
        );
        assert!(
            e.message.contains("too costly to evaluate") && e.message.contains("nests 20 filters"),
            "{e}"
        );
    }

    #[test]
    fn added_content_is_located_in_the_overlay() {
        let mut doc = json!({"info": {"title": "t"}, "tags": [{"name": "a"}]});
        let mut origins = Origins::with_fallback("specs/v/api.yaml");
        let o = overlay(json!([
            {"target": "$", "description": "d", "update": {"info": {"title": "u", "x-new": 1}, "x-sdk-envelope": {"code": "/c"}}},
            {"target": "$.tags", "description": "d", "update": [{"name": "b"}]}
        ]));
        apply(&o, &mut doc, &mut origins).unwrap();
        let at = |p: &str| origins.locate(p).to_string();
        assert_eq!(
            at("/x-sdk-envelope/code"),
            "specs/v/overlay.yaml#/actions/0/update/x-sdk-envelope/code"
        );
        assert_eq!(
            at("/info/x-new"),
            "specs/v/overlay.yaml#/actions/0/update/info/x-new"
        );
        // `info` existed: its untouched parts stay the document's.
        assert_eq!(at("/info"), "specs/v/api.yaml#/info");
        assert_eq!(
            at("/tags/1/name"),
            "specs/v/overlay.yaml#/actions/1/update/0/name"
        );
        assert_eq!(at("/tags/0"), "specs/v/api.yaml#/tags/0");
    }
}
