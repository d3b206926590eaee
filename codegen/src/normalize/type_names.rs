//! Pass `distinct-type-names`: typify names a Rust type after each component schema in
//! UpperCamelCase, so `Thing` and `thing` (or `user-id` and `UserId`) would define one type
//! twice and the crate would not compile. Later duplicates are renamed (`thing` -> `thing_2`,
//! type `Thing2`) and every `$ref` to them follows. typify also names inline schemas after
//! their `title` and silently gives every later schema of a title the first one's type: inline
//! titles naming different schemas are qualified with their component or operation
//! (`A.kind` and `B.kind`, both titled `Kind`, become `AKind` and `BKind`).

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::origins::Origins;
use crate::pointer::{Trail, join};

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    // Components are renamed first, so their titles are compared with their final keys.
    distinct_component_names(doc);
    drop_component_titles(doc);
    derived_names_avoid_components(doc);
    split_titled_nullables(doc)?;
    distinct_inline_titles(doc)
}

/// A type named like a standard item typify's code uses unqualified (`Default::default()`)
/// shadows it; components of such names are renamed by pass `reserved-type-names`.
fn is_reserved(type_name: &str) -> bool {
    super::reserved_names::RESERVED.contains(&type_name)
}

/// `Thing` and `thing` would both be the type `Thing`: the later one becomes `thing_2`.
fn distinct_component_names(doc: &mut Value) {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else {
        return;
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    let mut taken: BTreeSet<String> = names.iter().map(|n| n.to_upper_camel_case()).collect();
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for name in &names {
        if seen.insert(name.to_upper_camel_case()) {
            continue;
        }
        let mut n = 2;
        let mut candidate = format!("{name}_{n}");
        while names.contains(&candidate) || taken.contains(&candidate.to_upper_camel_case()) {
            n += 1;
            candidate = format!("{name}_{n}");
        }
        taken.insert(candidate.to_upper_camel_case());
        renames.push((name.clone(), candidate));
    }
    rename_components(doc, &renames);
}

/// Renames component schemas (`from` -> `to`, order kept) and repoints every `$ref` to them.
pub(super) fn rename_components(doc: &mut Value, renames: &[(String, String)]) {
    if renames.is_empty() {
        return;
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
}

/// A component is named by its key, but typify names the types it derives from it (the inner
/// type of a nullable schema) by `title`: `nullable-simple-user` titled "Simple User" would
/// define `SimpleUser` a second time. Titles of components move into the description.
fn drop_component_titles(doc: &mut Value) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    for (name, schema) in schemas.iter_mut() {
        let Value::Object(schema) = schema else {
            continue;
        };
        let Some(Value::String(title)) = schema.get("title").cloned() else {
            continue;
        };
        if title.to_upper_camel_case() == name.to_upper_camel_case() {
            continue;
        }
        schema.shift_remove("title");
        if !schema.contains_key("description") {
            schema.insert("description".into(), Value::String(title));
        }
    }
}

/// typify names both the `Option` wrapper of a nullable titled object and the object itself
/// after the title, defining one type twice. The object moves into an `allOf` under an untitled
/// nullable wrapper, so only the object takes the title.
fn split_titled_nullables(doc: &mut Value) -> Result<()> {
    crate::normalize::schemas::for_each_schema(doc, &mut |at, schema| {
        if is_component_root(at) && schema.get("nullable") == Some(&Value::Bool(true)) {
            // The key names a component; its title would name the inner type the same.
            if let Some(Value::String(title)) = schema.shift_remove("title")
                && !schema.contains_key("description")
            {
                schema.insert("description".into(), Value::String(title));
            }
            return Ok(());
        }
        let titled_nullable = schema.get("nullable") == Some(&Value::Bool(true))
            && schema.contains_key("title")
            && (schema.contains_key("properties")
                || schema.get("type").and_then(Value::as_str) == Some("object"));
        if titled_nullable {
            let mut inner = std::mem::take(schema);
            inner.shift_remove("nullable");
            if let Some(description) = inner.get("description").cloned() {
                schema.insert("description".into(), description);
            }
            schema.insert("nullable".into(), Value::Bool(true));
            schema.insert("allOf".into(), Value::Array(vec![Value::Object(inner)]));
        }
        Ok(())
    })
}

/// typify names a titled schema after its title, and gives every later schema of that name the
/// first one's type whatever the later one holds: with `A.kind: {title: Kind, enum: [a]}` and
/// `B.kind: {title: Kind, enum: [b]}`, B's kind accepted only `a` (and a `default: b` made the
/// document fail). Titles naming different inline schemas are qualified with the component or
/// operation they sit in (`AKind`, `BKind`), each renaming a warning; identical schemas share
/// one name, and a component schema of the name keeps it (typify names components by key).
/// Titles naming a standard item typify's code uses (`Default`) are qualified the same way.
fn distinct_inline_titles(doc: &mut Value) -> Result<()> {
    let components: BTreeMap<String, Value> = match doc.pointer("/components/schemas") {
        Some(Value::Object(schemas)) => schemas
            .iter()
            .map(|(name, schema)| (name.to_upper_camel_case(), content(schema)))
            .collect(),
        _ => BTreeMap::new(),
    };
    let mut titled: Vec<Titled> = Vec::new();
    crate::normalize::schemas::for_each_schema(doc, &mut |at, schema| {
        if !is_component_root(at)
            && names_a_type(schema)
            && let Some(Value::String(title)) = schema.get("title")
        {
            let name = title.to_upper_camel_case();
            if !name.is_empty() {
                titled.push(Titled {
                    at: at.pointer(),
                    title: title.clone(),
                    name,
                    content: content_of(schema),
                });
            }
        }
        Ok(())
    })?;
    let mut taken: BTreeSet<String> = components.keys().cloned().collect();
    taken.extend(titled.iter().map(|t| t.name.clone()));
    taken.extend(
        super::reserved_names::RESERVED
            .iter()
            .map(|t| t.to_string()),
    );
    let mut groups: BTreeMap<&str, Vec<&Titled>> = BTreeMap::new();
    for t in &titled {
        groups.entry(t.name.as_str()).or_default().push(t);
    }
    let mut renames: Vec<(String, String, String)> = Vec::new();
    for (name, members) in groups {
        // Schemas with equal content share a name; a class is one such content.
        let mut classes: Vec<Vec<&Titled>> = Vec::new();
        for t in members {
            match classes.iter_mut().find(|c| c[0].content == t.content) {
                Some(class) => class.push(t),
                None => classes.push(vec![t]),
            }
        }
        let held = components.get(name);
        let reserved = is_reserved(name);
        let renamed: Vec<&Vec<&Titled>> = match held {
            _ if reserved => classes.iter().collect(),
            Some(held) => classes.iter().filter(|c| c[0].content != *held).collect(),
            None if classes.len() > 1 => classes.iter().collect(),
            None => continue,
        };
        for class in renamed {
            let base = format!("{}{name}", owner_name(doc, &class[0].at));
            let mut new = base.clone();
            let mut n = 2;
            while taken.contains(&new) {
                new = format!("{base}{n}");
                n += 1;
            }
            taken.insert(new.clone());
            let others: Vec<&str> = classes
                .iter()
                .filter(|c| c[0].content != class[0].content)
                .map(|c| c[0].at.as_str())
                .collect();
            let differs = match held {
                _ if reserved => format!("`{name}` would shadow the standard item of that name"),
                Some(_) => format!("the component schema `{name}` differs"),
                None => format!("other schemas of that title differ ({})", others.join(", ")),
            };
            for t in class {
                let message = format!(
                    "type renamed: the title `{}` is now `{new}`: {differs}",
                    t.title
                );
                renames.push((t.at.clone(), new.clone(), message));
            }
        }
    }
    for (at, new, message) in renames {
        if let Some(Value::Object(schema)) = doc.pointer_mut(&at) {
            schema.insert("title".into(), Value::String(new));
        }
        crate::normalize::warn(doc, &at, message);
    }
    Ok(())
}

/// Whether typify makes a named type of the schema (a struct, an enum, a checked string), so
/// its title names it. Plain values (`{title: Asset Id, type: string}`, as FastAPI titles every
/// property), arrays, maps, a lone `allOf` reference and nullable unions (named after their
/// property) become no type of that name, and are left alone.
fn names_a_type(schema: &Map<String, Value>) -> bool {
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let lone_ref = |list: &Value| {
        list.as_array()
            .is_some_and(|l| l.len() == 1 && l[0].get("$ref").is_some())
    };
    ["enum", "properties", "pattern", "minLength", "maxLength"]
        .iter()
        .any(|k| schema.contains_key(*k))
        || (!nullable && ["oneOf", "anyOf"].iter().any(|k| schema.contains_key(*k)))
        || schema.get("allOf").is_some_and(|all| !lone_ref(all))
}

/// typify names an untitled inline property schema that becomes a type after its owner and the
/// property (`Message.role` -> `MessageRole`); when a component already has that name (D-ID has
/// both), the crate would define it twice. Such a property gets a title naming a free type
/// (`MessageRoleValue`).
fn derived_names_avoid_components(doc: &mut Value) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    let mut taken: BTreeSet<String> = schemas.keys().map(|k| k.to_upper_camel_case()).collect();
    let mut renamed = Vec::new();
    for (owner, schema) in schemas.iter_mut() {
        let owner_type = owner.to_upper_camel_case();
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            continue;
        };
        for (property, prop) in properties.iter_mut() {
            let Value::Object(prop) = prop else { continue };
            if prop.contains_key("$ref") || prop.contains_key("title") || !names_a_type(prop) {
                continue;
            }
            let derived = format!("{owner_type}{}", property.to_upper_camel_case());
            if !taken.contains(&derived) || derived == owner_type {
                continue;
            }
            let mut title = format!("{derived}Value");
            let mut n = 2;
            while taken.contains(&title) {
                title = format!("{derived}Value{n}");
                n += 1;
            }
            taken.insert(title.clone());
            prop.insert("title".into(), Value::String(title.clone()));
            renamed.push((
                join(
                    &join(&join("/components/schemas", owner), "properties"),
                    property,
                ),
                derived,
                title,
            ));
        }
    }
    for (at, derived, title) in renamed {
        crate::normalize::warn(
            doc,
            &at,
            format!(
                "type renamed: the property's type would be `{derived}`, a component's name; it is `{title}`"
            ),
        );
    }
}

/// An inline schema with a title.
struct Titled {
    at: String,
    title: String,
    /// The Rust type name typify derives from the title.
    name: String,
    content: Value,
}

/// A component schema is visited at the start of its trail, with its pointer rendered.
fn is_component_root(at: &Trail<'_>) -> bool {
    matches!(at, Trail::At(p) if p.starts_with("/components/schemas/") && p.matches('/').count() == 3)
}

/// What makes two schemas one type: all but their own name and prose.
fn content_of(schema: &Map<String, Value>) -> Value {
    let mut schema = schema.clone();
    for key in ["title", "description", "example", "examples"] {
        schema.shift_remove(key);
    }
    Value::Object(schema)
}

fn content(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => content_of(map),
        other => other.clone(),
    }
}

/// The UpperCamelCase name of what holds the schema at `at`: its component, or its operation.
fn owner_name(doc: &Value, at: &str) -> String {
    let tokens = crate::pointer::tokens(at).unwrap_or_default();
    let owner = match tokens.as_slice() {
        [components, _, name, ..] if components == "components" => name.clone(),
        [paths, path, method, ..] if paths == "paths" => {
            let op = join(&join("/paths", path), method);
            match doc
                .pointer(&format!("{op}/operationId"))
                .and_then(Value::as_str)
            {
                Some(id) => id.to_string(),
                // Parameters of a whole path item.
                None => path.clone(),
            }
        }
        _ => String::new(),
    };
    owner
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .to_upper_camel_case()
}

pub(super) fn rewrite_refs(node: &mut Value, refs: &BTreeMap<String, String>) {
    match node {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if k == "$ref" => {
                        if let Some(new) = refs.get(s.as_str()) {
                            *s = new.clone();
                        }
                    }
                    // A discriminator's mapping values are references too.
                    Value::Object(mapping) if k == "mapping" => {
                        for target in mapping.values_mut() {
                            if let Value::String(s) = target
                                && let Some(new) = refs.get(s.as_str())
                            {
                                *s = new.clone();
                            }
                        }
                    }
                    _ => rewrite_refs(v, refs),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, refs)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn component_titles_that_would_name_another_type_become_descriptions() {
        let mut doc = json!({"components": {"schemas": {
            "nullable-simple-user": {"title": "Simple User", "nullable": true, "type": "object"},
            "simple-user": {"title": "Simple User", "type": "object", "description": "kept"}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["nullable-simple-user"],
            json!({"nullable": true, "type": "object", "description": "Simple User"})
        );
        assert_eq!(
            schemas["simple-user"]["title"], "Simple User",
            "a title matching the key stays"
        );
    }

    #[test]
    fn titled_nullable_objects_get_an_untitled_wrapper() {
        let mut doc = json!({"components": {"schemas": {"PR": {"properties": {"auto_merge": {
            "title": "Auto merge", "type": "object", "nullable": true, "properties": {"a": {"type": "string"}}}}}}}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["PR"]["properties"]["auto_merge"],
            json!({"nullable": true, "allOf": [{"title": "Auto merge", "type": "object", "properties": {"a": {"type": "string"}}}]})
        );
    }

    #[test]
    fn inline_titles_naming_different_schemas_are_qualified_by_their_owner() {
        let mut doc = json!({"paths": {"/t": {"post": {"operationId": "makeThing", "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"kind": {"title": "Kind", "type": "string", "enum": ["c"]}}}}}}}}},
            "components": {"schemas": {
            "A": {"type": "object", "properties": {"kind": {"title": "Kind", "type": "string", "enum": ["a"], "default": "a"}}},
            "B": {"type": "object", "properties": {"kind": {"title": "Kind", "type": "string", "enum": ["b"], "default": "b"},
                                                   "again": {"title": "Kind", "type": "string", "enum": ["b"], "default": "b", "description": "same type"}}},
            "C": {"type": "object", "properties": {"mode": {"title": "Mode", "type": "string", "enum": ["x"]}}},
            "D": {"type": "object", "properties": {"mode": {"title": "Mode", "type": "string", "enum": ["x"], "description": "d"}}}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["A"]["properties"]["kind"]["title"], "AKind");
        assert_eq!(
            schemas["A"]["properties"]["kind"]["enum"],
            json!(["a"]),
            "content is kept"
        );
        assert_eq!(schemas["B"]["properties"]["kind"]["title"], "BKind");
        assert_eq!(
            schemas["B"]["properties"]["again"]["title"], "BKind",
            "identical content shares"
        );
        assert_eq!(
            doc["paths"]["/t"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]
                ["kind"]["title"],
            "MakeThingKind"
        );
        assert_eq!(
            schemas["C"]["properties"]["mode"]["title"], "Mode",
            "differing prose only: one type"
        );
        assert_eq!(schemas["D"]["properties"]["mode"]["title"], "Mode");
        let warnings = doc[crate::normalize::WARNINGS].as_array().unwrap();
        assert_eq!(warnings.len(), 4);
        assert_eq!(
            warnings[0],
            json!({"at": "/components/schemas/A/properties/kind",
                   "message": "type renamed: the title `Kind` is now `AKind`: other schemas of that title differ (/components/schemas/B/properties/kind, /paths/~1t/post/requestBody/content/application~1json/schema/properties/kind)"})
        );
    }

    #[test]
    fn titles_of_schemas_typify_makes_no_type_of_stay() {
        // FastAPI titles every property; plain values and lone references name no type.
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"id": {"title": "Id", "type": "string"},
                  "owner": {"title": "Owner", "allOf": [{"$ref": "#/components/schemas/U"}], "nullable": true}}},
            "B": {"type": "object", "properties": {"id": {"title": "Id", "type": "string", "format": "uuid"},
                  "owner": {"title": "Owner", "allOf": [{"$ref": "#/components/schemas/V"}]}}},
            "U": {"type": "object"}, "V": {"type": "object"}
        }}});
        let original = doc.clone();
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc, original);
        for (schema, names) in [
            (json!({"enum": ["a"]}), true),
            (json!({"type": "object", "properties": {}}), true),
            (json!({"type": "string", "maxLength": 3}), true),
            (
                json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
                true,
            ),
            (
                json!({"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true}),
                false,
            ),
            (
                json!({"allOf": [{"$ref": "#/x"}, {"properties": {}}]}),
                true,
            ),
            (json!({"type": "array", "items": {"enum": ["a"]}}), false),
            (
                json!({"type": "object", "additionalProperties": {"type": "string"}}),
                false,
            ),
        ] {
            assert_eq!(names_a_type(schema.as_object().unwrap()), names, "{schema}");
        }
    }

    #[test]
    fn a_property_type_named_like_a_component_gets_a_free_name() {
        let mut doc = json!({"components": {"schemas": {
            "Message": {"type": "object", "properties": {
                "role": {"type": "string", "enum": ["system", "user"]},
                "content": {"type": "string"}
            }},
            "MessageRole": {"type": "string", "enum": ["system", "tool"]},
            "MessageRoleValue": {"type": "string"}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let message = &doc["components"]["schemas"]["Message"]["properties"];
        assert_eq!(message["role"]["title"], "MessageRoleValue2");
        assert!(
            message["content"].get("title").is_none(),
            "a plain string makes no type"
        );
        assert_eq!(
            doc[crate::normalize::WARNINGS][0]["at"],
            "/components/schemas/Message/properties/role"
        );
    }

    #[test]
    fn a_component_keeps_its_name_and_new_names_avoid_taken_ones() {
        let mut doc = json!({"components": {"schemas": {
            "Kind": {"type": "string", "enum": ["k"]},
            "AKind": {"type": "string"},
            "A": {"type": "object", "properties": {
                "same": {"title": "Kind", "type": "string", "enum": ["k"]},
                "other": {"title": "kind", "type": "string", "enum": ["a"]}}}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let a = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(
            a["same"]["title"], "Kind",
            "identical to the component: its type"
        );
        assert_eq!(a["other"]["title"], "AKind2", "`AKind` is a component");
        let warnings = doc[crate::normalize::WARNINGS].as_array().unwrap();
        assert_eq!(
            warnings[0]["message"],
            "type renamed: the title `kind` is now `AKind2`: the component schema `Kind` differs"
        );
    }

    #[test]
    fn titles_naming_standard_items_are_qualified() {
        let mut doc = json!({"components": {"schemas": {
            "Rule": {"type": "object", "properties": {"default": {"title": "Default", "type": "string", "enum": ["x"]}}}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["Rule"]["properties"]["default"]["title"],
            "RuleDefault"
        );
        assert_eq!(
            doc[crate::normalize::WARNINGS][0]["message"],
            "type renamed: the title `Default` is now `RuleDefault`: `Default` would shadow the standard item of that name"
        );
    }

    #[test]
    fn renamed_components_lose_titles_naming_their_old_type() {
        let mut doc = json!({"components": {"schemas": {
            "Thing": {"type": "object"},
            "thing": {"title": "thing", "type": "object", "properties": {"a": {"type": "string"}}}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let renamed = &doc["components"]["schemas"]["thing_2"];
        assert!(
            renamed.get("title").is_none(),
            "`thing` would name a type `Thing` again"
        );
        assert_eq!(renamed["description"], "thing");
    }

    #[test]
    fn later_collisions_are_renamed_and_refs_follow() {
        let mut doc = json!({"components": {"schemas": {
            "Thing": {"properties": {"child": {"$ref": "#/components/schemas/thing"}}},
            "thing": {"type": "string"},
            "Shape": {"oneOf": [{"$ref": "#/components/schemas/thing"}], "discriminator": {"propertyName": "t", "mapping": {"a": "#/components/schemas/thing"}}}
        }}});
        run(&mut doc, &Origins::default()).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert!(schemas.get("thing").is_none());
        assert_eq!(schemas["thing_2"], json!({"type": "string"}));
        assert_eq!(
            schemas["Thing"]["properties"]["child"]["$ref"],
            "#/components/schemas/thing_2"
        );
        assert_eq!(
            schemas["Shape"]["discriminator"]["mapping"]["a"],
            "#/components/schemas/thing_2"
        );
        let keys: Vec<_> = schemas.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Thing", "thing_2", "Shape"], "order is kept");
    }
}
