//! Pass `distinct-method-names`: every operation becomes a `Client` method named after its
//! operationId (and a `builder::<Name>` struct named after the method). Names the generated
//! crate already uses are renamed here, never left to collide: our constructors (`new` would
//! silently replace one, `from_env` fails to compile), progenitor's hooks (`POST /` derives
//! `post`, which hides `ClientHooks::post` from every request), the waiters and multipart
//! builders, and builder structs that would shadow what progenitor's builder module uses
//! (`Error`, `Result`, ...). Operations whose method names collide (`Create` and `create`, two
//! `Create` under different tags) are all renamed after their tag, or else their method and
//! path, so no operation owns the name by document order; a name we derived yields to one the
//! spec gave. Each renaming is a warning at `<operation>/operationId` (strict vendors make
//! those errors); validate keeps refusing collisions as the safety net.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::Value;

use crate::error::Result;
use crate::naming::{builder_name, method_name};
use crate::normalize::operation_ids::derive;
use crate::normalize::warn;
use crate::origins::Origins;
use crate::pointer::join;
use crate::walk;

/// Methods the generated `Client` has besides its operations, and what holds each.
const CLIENT_METHODS: &[(&str, &str)] = &[
    ("new", "the client's constructor `Client::new`"),
    ("from_env", "the client's constructor `Client::from_env`"),
    (
        "builder",
        "the client's configuration builder `Client::builder`",
    ),
    (
        "new_with_client",
        "progenitor's constructor `Client::new_with_client`",
    ),
    (
        "from_parts",
        "the runtime's constructor `FromParts::from_parts`",
    ),
    ("api_version", "`ClientInfo::api_version` of the client"),
    ("baseurl", "`ClientInfo::baseurl` of the client"),
    ("client", "`ClientInfo::client` of the client"),
    ("inner", "`ClientInfo::inner` of the client"),
    // Every request calls these on the client: an inherent method of the name hides the hook.
    ("pre", "the hook `ClientHooks::pre` every request calls"),
    ("post", "the hook `ClientHooks::post` every request calls"),
    ("exec", "the hook `ClientHooks::exec` every request calls"),
    // Inherent methods win over trait methods: `client.clone()` would return a builder.
    ("clone", "`Clone::clone` of the client"),
    ("clone_from", "`Clone::clone_from` of the client"),
    ("fmt", "`Debug::fmt` of the client"),
    ("to_owned", "`ToOwned::to_owned` of the client"),
    ("clone_into", "`ToOwned::clone_into` of the client"),
    ("borrow", "`Borrow::borrow` of the client"),
    ("borrow_mut", "`BorrowMut::borrow_mut` of the client"),
    ("type_id", "`Any::type_id` of the client"),
];

/// Names progenitor's `builder` module imports or uses unqualified: a builder struct of the name
/// would clash with the import or shadow the type in every builder.
const BUILDER_SCOPE: &[&str] = &[
    "Error",
    "ResponseValue",
    "ByteStream",
    "ClientInfo",
    "ClientHooks",
    "OperationInfo",
    "RequestBuilderExt",
    "Self",
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "ToString",
    "Iterator",
    "IntoIterator",
];

/// What the renamed operation's name collides with (the reason shown in the warning).
fn reserved(name: &str, waiters: &BTreeSet<String>) -> Option<String> {
    if let Some((_, what)) = CLIENT_METHODS.iter().find(|(n, _)| *n == name) {
        return Some(what.to_string());
    }
    if waiters.contains(name) {
        return Some(format!("the waiter `Client::{name}` (x-sdk-waiters)"));
    }
    let builder = builder_name(name);
    BUILDER_SCOPE
        .contains(&builder.as_str())
        .then(|| format!("its builder struct `{builder}`, a name progenitor's builder module uses"))
}

/// One operation as this pass sees it.
struct Op {
    /// The operation's JSON pointer.
    at: String,
    http: &'static str,
    path: String,
    id: String,
    /// The first tag, when the operation has one.
    tag: Option<String>,
    /// The method name it will have.
    name: String,
    /// The spec gave no id: [`derive`] made it from method and path.
    derived: bool,
    /// The name is ours (derived, or renamed here), not the spec's.
    ours: bool,
    /// Why it was renamed, when it was.
    reason: Option<String>,
    /// Its JSON body also has a `multipart/form-data` form: the emitter adds `<name>_multipart`.
    multipart_twin: bool,
}

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    let waiters: BTreeSet<String> = doc
        .get(crate::extensions::WAITERS)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|w| w.get("name")?.as_str().map(method_name))
        .collect();
    let mut ops = collect(doc);
    rename_reserved(&mut ops, &waiters);
    rename_collisions(&mut ops, &waiters);
    let renamed: Vec<(String, String, String, String)> = ops
        .iter()
        .filter_map(|o| {
            let reason = o.reason.clone()?;
            let old = match o.derived {
                true => format!("operationId `{}` (derived: the spec gives none)", o.id),
                false => format!("operationId `{}`", o.id),
            };
            Some((o.at.clone(), old, o.name.clone(), reason))
        })
        .collect();
    follow_in_waiters(doc, &ops);
    for (at, old, new, reason) in renamed {
        let here = format!("{at}/operationId");
        if let Some(Value::String(id)) = doc.pointer_mut(&here) {
            *id = new.clone();
        }
        warn(
            doc,
            &here,
            format!("operation renamed: {old} is now `{new}`: {reason}"),
        );
    }
    Ok(())
}

fn collect(doc: &Value) -> Vec<Op> {
    walk::operations(doc)
        .filter_map(|(path, http, _, op)| {
            let id = op.get("operationId")?.as_str()?.to_string();
            let tag = op
                .get("tags")
                .and_then(|t| t.get(0))
                .and_then(Value::as_str)
                .filter(|t| !t.trim().is_empty())
                .map(str::to_string);
            let content = op.get("requestBody").and_then(|b| b.get("content"));
            let multipart_twin = content.and_then(Value::as_object).is_some_and(|c| {
                c.len() > 1 && c.keys().any(|k| k.starts_with("multipart/form-data"))
            });
            let derived = id == derive(http, path);
            Some(Op {
                at: join(&join("/paths", path), http),
                http,
                path: path.to_string(),
                name: method_name(&id),
                derived,
                ours: derived,
                id,
                tag,
                reason: None,
                multipart_twin,
            })
        })
        .collect()
}

/// `new` -> `new_operation`, and so on for every name the crate already holds.
fn rename_reserved(ops: &mut [Op], waiters: &BTreeSet<String>) {
    for i in 0..ops.len() {
        let twins: BTreeSet<String> = ops
            .iter()
            .enumerate()
            .filter(|(j, o)| *j != i && o.multipart_twin)
            .map(|(_, o)| format!("{}_multipart", o.name))
            .collect();
        let name = ops[i].name.clone();
        let why = reserved(&name, waiters).or_else(|| {
            twins
                .contains(&name)
                .then(|| "the multipart builder of another operation".to_string())
        });
        let Some(why) = why else { continue };
        // As a method name (`self_` + `_operation` is `self_operation`).
        let mut candidate = method_name(&format!("{name}_operation"));
        let mut n = 2;
        while reserved(&candidate, waiters).is_some() || twins.contains(&candidate) {
            candidate = method_name(&format!("{name}_operation_{n}"));
            n += 1;
        }
        let op = &mut ops[i];
        op.name = candidate;
        op.ours = true;
        op.reason = Some(format!("`{name}` is {why}"));
    }
}

/// Operations sharing a method name are renamed; a lone name the spec gave keeps it over ours.
fn rename_collisions(ops: &mut [Op], waiters: &BTreeSet<String>) {
    // Each pass settles every group of the moment; a new name can only collide with a name
    // taken by then, which the next round settles, so this ends (names only grow).
    for _ in 0..ops.len() {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, op) in ops.iter().enumerate() {
            groups.entry(op.name.clone()).or_default().push(i);
        }
        let groups: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
        if groups.is_empty() {
            return;
        }
        for group in groups {
            let spec_given: Vec<usize> = group.iter().copied().filter(|&i| !ops[i].ours).collect();
            let movers: Vec<usize> = if spec_given.len() == 1 {
                group.iter().copied().filter(|&i| ops[i].ours).collect()
            } else {
                group.clone()
            };
            let taken: BTreeSet<String> = ops
                .iter()
                .enumerate()
                .filter(|(i, _)| !movers.contains(i))
                .flat_map(|(_, o)| {
                    let twin = o.multipart_twin.then(|| format!("{}_multipart", o.name));
                    std::iter::once(o.name.clone()).chain(twin)
                })
                .collect();
            let free = |name: &str| !taken.contains(name) && reserved(name, waiters).is_none();
            let by_tag: Option<Vec<String>> = movers
                .iter()
                .map(|&i| {
                    let tag = ops[i].tag.as_ref()?;
                    Some(method_name(&format!(
                        "{}_{}",
                        tag.to_snake_case(),
                        ops[i].name
                    )))
                })
                .collect();
            // A derived name already says method and path.
            let by_route: Vec<String> = movers
                .iter()
                .map(|&i| match ops[i].derived {
                    true => ops[i].name.clone(),
                    false => derive(ops[i].http, &ops[i].path),
                })
                .collect();
            let usable = |names: &[String]| {
                names.iter().all(|n| free(n))
                    && names.iter().collect::<BTreeSet<_>>().len() == names.len()
            };
            let names = match by_tag {
                Some(names) if usable(&names) => names,
                _ if usable(&by_route) => by_route,
                _ => numbered(&by_route, &free),
            };
            let others: Vec<String> = group.iter().map(|&i| ops[i].at.clone()).collect();
            for (&i, new) in movers.iter().zip(names) {
                let op = &mut ops[i];
                if new == op.name {
                    // The first of equal derived names, left free by the numbering.
                    continue;
                }
                let shared = op.name.clone();
                let with: Vec<&str> = others
                    .iter()
                    .filter(|at| **at != op.at)
                    .map(String::as_str)
                    .collect();
                let why = format!(
                    "its method name `{shared}` is also the one of {}",
                    with.join(", ")
                );
                op.reason = Some(match op.reason.take() {
                    Some(first) => format!("{first}; then {why}"),
                    None => why,
                });
                op.name = new;
                op.ours = true;
            }
        }
    }
}

/// Last resort: the first of equal names keeps it, later ones get `_2`, `_3`, ...
fn numbered(names: &[String], free: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut given: BTreeSet<String> = BTreeSet::new();
    names
        .iter()
        .map(|name| {
            let mut candidate = name.clone();
            let mut n = 2;
            while !free(&candidate) || given.contains(&candidate) {
                candidate = format!("{name}_{n}");
                n += 1;
            }
            given.insert(candidate.clone());
            candidate
        })
        .collect()
}

/// A waiter polls an operation named by its operationId: it follows a renaming when the old id
/// named one operation only (an id several operations shared stays, and fails loudly later).
fn follow_in_waiters(doc: &mut Value, ops: &[Op]) {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for op in ops {
        *count.entry(op.id.as_str()).or_default() += 1;
    }
    let Some(Value::Array(list)) = doc.get_mut(crate::extensions::WAITERS) else {
        return;
    };
    for waiter in list {
        let Some(Value::String(target)) = waiter.get_mut("operation") else {
            continue;
        };
        let renamed = ops
            .iter()
            .find(|o| o.reason.is_some() && o.id == *target && count[o.id.as_str()] == 1);
        if let Some(op) = renamed {
            *target = op.name.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(doc: &Value) -> Vec<String> {
        walk::operations(doc)
            .map(|(_, _, _, op)| op["operationId"].as_str().unwrap_or("").to_string())
            .collect()
    }

    fn warnings(doc: &Value) -> Vec<(String, String)> {
        doc[crate::normalize::WARNINGS]
            .as_array()
            .into_iter()
            .flatten()
            .map(|w| {
                (
                    w["at"].as_str().unwrap().into(),
                    w["message"].as_str().unwrap().into(),
                )
            })
            .collect()
    }

    fn op(id: &str) -> Value {
        json!({"operationId": id, "responses": {}})
    }

    #[test]
    fn names_the_client_holds_are_renamed_with_a_warning() {
        let mut doc = json!({"paths": {
            "/": {"post": op("post")},
            "/a": {"get": op("new"), "put": op("fromEnv"), "post": op("Error"), "delete": op("clone")},
            "/b": {"get": op("result"), "post": op("listThings")}
        }});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(
            ids(&doc),
            [
                "post_operation",
                "new_operation",
                "from_env_operation",
                "error_operation",
                "clone_operation",
                "result_operation",
                "listThings"
            ]
        );
        let warnings = warnings(&doc);
        assert_eq!(warnings.len(), 6);
        assert_eq!(warnings[1].0, "/paths/~1a/get/operationId");
        assert_eq!(
            warnings[1].1,
            "operation renamed: operationId `new` is now `new_operation`: `new` is the client's constructor `Client::new`"
        );
    }

    #[test]
    fn a_renaming_never_lands_on_a_taken_name() {
        let mut doc = json!({"paths": {"/a": {"get": op("new"), "post": op("new_operation")}}});
        run(&mut doc, &Origins::default()).unwrap();
        // The spec's `new_operation` keeps its name; ours yields, qualified by route.
        assert_eq!(ids(&doc), ["get_a", "new_operation"]);
        let message = &warnings(&doc)[0].1;
        assert!(
            message.contains("`new` is the client's constructor"),
            "{message}"
        );
        assert!(
            message.contains("also the one of /paths/~1a/post"),
            "{message}"
        );
    }

    #[test]
    fn waiters_and_multipart_builders_hold_their_names() {
        let mut doc = json!({
            "x-sdk-waiters": [{"name": "wait_for_job", "operation": "getJob"}],
            "paths": {
                "/jobs": {"post": {"operationId": "createJob", "requestBody": {"content": {
                    "application/json": {"schema": {}}, "multipart/form-data": {"schema": {}}}}}},
                "/jobs/{id}": {"get": op("getJob"), "put": op("create_job_multipart"), "post": op("wait_for_job")}
            }
        });
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(
            ids(&doc),
            [
                "createJob",
                "getJob",
                "create_job_multipart_operation",
                "wait_for_job_operation"
            ]
        );
        assert_eq!(doc["x-sdk-waiters"][0]["operation"], "getJob");
    }

    #[test]
    fn keywords_are_renamed_to_the_method_progenitor_derives() {
        // `self` is the method `self_`, whose builder struct would be `Self`.
        let mut doc = json!({"paths": {"/a": {"get": op("self")}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(ids(&doc), ["self_operation"]);
        assert_eq!(method_name("self_operation"), "self_operation");
    }

    #[test]
    fn waiters_follow_a_renamed_operation() {
        let mut doc = json!({"x-sdk-waiters": [{"name": "w", "operation": "exec"}],
            "paths": {"/a": {"get": op("exec")}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc["x-sdk-waiters"][0]["operation"], "exec_operation");
    }

    #[test]
    fn colliding_ids_are_all_renamed_after_their_tags() {
        let mut doc = json!({"paths": {
            "/users": {"post": {"operationId": "Create", "tags": ["Users"], "responses": {}}},
            "/projects": {"post": {"operationId": "create", "tags": ["project-admin"], "responses": {}}},
            "/other": {"get": op("list")}
        }});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(ids(&doc), ["users_create", "project_admin_create", "list"]);
        let warnings = warnings(&doc);
        assert_eq!(
            warnings[0],
            (
                "/paths/~1users/post/operationId".to_string(),
                "operation renamed: operationId `Create` is now `users_create`: its method name `create` is also the one of /paths/~1projects/post".to_string()
            )
        );
    }

    #[test]
    fn without_distinguishing_tags_method_and_path_qualify() {
        let mut doc = json!({"paths": {
            "/users": {"post": {"operationId": "create", "tags": ["t"], "responses": {}}},
            "/projects": {"post": {"operationId": "create", "tags": ["t"], "responses": {}}}
        }});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(ids(&doc), ["post_users", "post_projects"]);
    }

    #[test]
    fn a_derived_id_yields_to_the_one_the_spec_gave() {
        // GET /a-b and GET /a_b both derive `get_a_b`; the explicit `get_a_b` of /c holds it.
        let mut doc = json!({"paths": {
            "/a-b": {"get": op("get_a_b")},
            "/a_b": {"get": op("get_a_b")},
            "/c": {"get": op("get_a_b")}
        }});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(ids(&doc), ["get_a_b_2", "get_a_b_3", "get_a_b"]);
        let mut doc =
            json!({"paths": {"/a-b": {"get": op("get_a_b")}, "/x": {"get": op("get_a_b")}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(
            ids(&doc),
            ["get_a_b_2", "get_a_b"],
            "explicit on /x keeps it"
        );
        let mut doc =
            json!({"paths": {"/a-b": {"get": op("get_a_b")}, "/a_b": {"get": op("get_a_b")}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(ids(&doc), ["get_a_b", "get_a_b_2"]);
        assert_eq!(warnings(&doc).len(), 1, "the name kept is no renaming");
    }

    #[test]
    fn distinct_names_are_left_alone() {
        let original = json!({"paths": {"/a": {"get": op("getA"), "post": op("post_a")}}});
        let mut doc = original.clone();
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc, original);
    }
}
