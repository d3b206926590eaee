//! Pass `parameter-styles`: progenitor sends a path or header value with `to_string()` (a list
//! or object there does not compile), a query value with serde (lists as repeated keys, objects
//! panic when optional), and refuses the `label`, `matrix`, `spaceDelimited`, `pipeDelimited`
//! and `deepObject` styles. Each parameter becomes what progenitor sends exactly as its style
//! says, or is left for the engine stage to leave its operation out:
//!
//! - a `label`/`matrix` path parameter: its prefix (`.`, `;id=`) moves into the path template;
//! - a list or object where the style joins it into one value (path and header, `form` without
//!   `explode`, `spaceDelimited`, `pipeDelimited`): a string the caller joins, its description
//!   saying how, e.g. `a,b,c`;
//! - an object in exploded `form` (`name=x&age=3`) or `deepObject` (`f[name]=x`) style: one
//!   query parameter per property, when no other parameter has that name;
//! - a path or header list of objects, which no style defines: a string, as the API expects.
//!
//! Every rewrite is a warning.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::parameters::{self, Shape, Site};
use crate::error::Result;
use crate::naming::setter_ident;
use crate::origins::Origins;
use crate::pointer;

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    path_templates(doc);
    let mut replacements = Vec::new();
    let mut warnings = Vec::new();
    for site in parameters::sites(doc) {
        let Some(schema) = site.param.get("schema") else {
            continue;
        };
        let (name, location) = parameters::key(site.param);
        let style = style(site.param);
        let explode = explode(site.param, &style);
        let shape = parameters::shape(doc, schema);
        let rewritten = match plan(location, &style, explode, &shape) {
            Plan::Keep => continue,
            Plan::Join { separator, pairs } => {
                let how = Joined {
                    separator: separator.to_string(),
                    pairs,
                };
                let (param, warning) = joined(site.param, &style, &shape, &how);
                warnings.push((site.at.clone(), warning));
                vec![param]
            }
            Plan::Opaque => {
                let note = format!(
                    "OpenAPI defines no `{style}` form of this schema in a {location} parameter: pass the text the API expects."
                );
                warnings.push((site.at.clone(), format!("parameter `{name}` ({location}, `{style}` style) holds lists or objects no style defines: it is a string here")));
                vec![string_param(site.param, &note)]
            }
            Plan::Flatten { deep } => match flattened(&site, &shape, deep) {
                Some((params, warning)) => {
                    warnings.push((site.at.clone(), warning));
                    params
                }
                None => continue,
            },
        };
        replacements.push((site.at, rewritten));
    }
    parameters::splice(doc, replacements);
    for (at, message) in warnings {
        super::warn(doc, &at, message);
    }
    Ok(())
}

/// A parameter's style, or the default for where it is.
fn style(param: &Map<String, Value>) -> String {
    if let Some(s) = param.get("style").and_then(Value::as_str) {
        return s.to_string();
    }
    match parameters::key(param).1 {
        "query" | "cookie" => "form".into(),
        _ => "simple".into(),
    }
}

fn explode(param: &Map<String, Value>, style: &str) -> bool {
    param
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form")
}

enum Plan {
    /// progenitor sends it as the style says.
    Keep,
    /// One string: the values (or keys and values) joined.
    Join {
        separator: &'static str,
        pairs: Option<&'static str>,
    },
    /// One query parameter per property, `name` or `filter[name]`.
    Flatten { deep: bool },
    /// No style defines it; a string the caller fills.
    Opaque,
}

fn plan(location: &str, style: &str, explode: bool, shape: &Shape) -> Plan {
    let pair = if explode { "=" } else { "," };
    match (location, style, shape) {
        // The cookie pass gathers cookies into one header.
        ("cookie", ..) => Plan::Keep,
        ("path" | "header", "simple", Shape::List(_)) => Plan::Join {
            separator: ",",
            pairs: None,
        },
        ("path" | "header", "simple", Shape::Record(_) | Shape::Map) => Plan::Join {
            separator: ",",
            pairs: Some(pair),
        },
        ("path" | "header", "simple", Shape::Composite) => Plan::Opaque,
        ("query", "form", Shape::List(_) | Shape::Map) if explode => Plan::Keep,
        ("query", "form", Shape::Record(_)) if explode => Plan::Flatten { deep: false },
        ("query", "form", Shape::List(_)) => Plan::Join {
            separator: ",",
            pairs: None,
        },
        ("query", "form", Shape::Record(_) | Shape::Map) => Plan::Join {
            separator: ",",
            pairs: Some(","),
        },
        ("query", "spaceDelimited" | "pipeDelimited", Shape::List(_)) if !explode => Plan::Join {
            separator: delimiter(style),
            pairs: None,
        },
        ("query", "spaceDelimited" | "pipeDelimited", Shape::Record(_) | Shape::Map)
            if !explode =>
        {
            Plan::Join {
                separator: delimiter(style),
                pairs: Some(delimiter(style)),
            }
        }
        ("query", "deepObject", Shape::Record(_)) => Plan::Flatten { deep: true },
        // Scalars in their default styles, and what progenitor refuses (left out).
        _ => Plan::Keep,
    }
}

fn delimiter(style: &str) -> &'static str {
    if style == "pipeDelimited" { "|" } else { " " }
}

/// How a list or object becomes one string.
struct Joined {
    separator: String,
    /// The text between a key and its value; `None` for lists.
    pairs: Option<&'static str>,
}

/// The parameter as a string of joined values, and the warning.
fn joined(param: &Map<String, Value>, style: &str, shape: &Shape, how: &Joined) -> (Value, String) {
    let (name, location) = parameters::key(param);
    let shown = |s: &str| match s {
        " " => "a space".to_string(),
        s => format!("`{s}`"),
    };
    let sep = &how.separator;
    let (what, example) = match (shape, how.pairs) {
        (Shape::List(t), _) => {
            let (a, b) = examples(t);
            (
                format!("the list of `{t}` values, separated by {}", shown(sep)),
                format!("{a}{sep}{b}"),
            )
        }
        (_, Some(pair)) => {
            let keys = match shape {
                Shape::Record(fields) => format!(
                    " (keys: {})",
                    fields
                        .iter()
                        .map(|(k, ..)| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => String::new(),
            };
            (
                format!(
                    "the object's keys and values as `key{pair}value`, separated by {}{keys}",
                    shown(sep)
                ),
                format!("k1{pair}v1{sep}k2{pair}v2"),
            )
        }
        _ => (String::new(), String::new()),
    };
    // `form` joins values only when not exploded; say so, as the default is to explode.
    let style = match style {
        "form" => "`form` style, `explode: false`".to_string(),
        other => format!("`{other}` style"),
    };
    let note = format!("One string: {what} ({style}), e.g. `{example}`.");
    let warning = format!(
        "parameter `{name}` ({location}, {style}) is a string here: the caller joins {what}"
    );
    (string_param(param, &note), warning)
}

fn examples(t: &str) -> (&'static str, &'static str) {
    match t {
        "integer" => ("1", "2"),
        "number" => ("1.5", "2"),
        "boolean" => ("true", "false"),
        _ => ("a", "b"),
    }
}

/// The parameter as a plain string in its location's default style, `note` added to its
/// description.
fn string_param(param: &Map<String, Value>, note: &str) -> Value {
    let mut param = param.clone();
    param.shift_remove("style");
    param.shift_remove("explode");
    let description = match param.get("description").and_then(Value::as_str) {
        Some(d) if !d.trim().is_empty() => format!("{d} {note}"),
        _ => note.to_string(),
    };
    param.insert("description".into(), Value::String(description));
    param.insert("schema".into(), json!({"type": "string"}));
    Value::Object(param)
}

/// One query parameter per property of an object parameter, or `None` when a property's name
/// is taken (the operation is then left out by the engine stage).
fn flattened(site: &Site<'_>, shape: &Shape, deep: bool) -> Option<(Vec<Value>, String)> {
    let Shape::Record(fields) = shape else {
        return None;
    };
    let (name, _) = parameters::key(site.param);
    let required = site.param.get("required") == Some(&Value::Bool(true));
    let mut taken: BTreeSet<String> = site
        .neighbours
        .iter()
        .map(|(n, _)| setter_ident(n))
        .collect();
    let mut params = Vec::new();
    for (field, schema, field_required) in fields {
        let key = if deep {
            format!("{name}[{field}]")
        } else {
            field.clone()
        };
        if !taken.insert(setter_ident(&key)) {
            return None;
        }
        let mut description = format!("`{field}` of `{name}`.");
        if let Some(d) = site.param.get("description").and_then(Value::as_str) {
            description = format!("{description} {d}");
        }
        let mut param =
            json!({"name": key, "in": "query", "description": description, "schema": schema});
        if required && *field_required {
            param["required"] = Value::Bool(true);
        }
        params.push(param);
    }
    let names: Vec<String> = params
        .iter()
        .filter_map(|p| Some(format!("`{}`", p.get("name")?.as_str()?)))
        .collect();
    let warning = format!(
        "parameter `{name}` (an object in `{}` style) is sent as one query parameter per property: {}",
        if deep { "deepObject" } else { "form" },
        names.join(", ")
    );
    Some((params, warning))
}

/// `label` and `matrix` path parameters: the prefix their style puts before the value moves
/// into the path (`/a/{id}` -> `/a/;id={id}`), and the parameter becomes `simple`; when the
/// declarations of one path disagree, the value has no such form, or the new path is taken, it
/// stays (and the engine stage leaves its operations out).
fn path_templates(doc: &mut Value) {
    let sites = parameters::sites(doc);
    let existing: BTreeSet<String> = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.keys().cloned())
        .collect();
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut replacements = Vec::new();
    let mut warnings = Vec::new();
    for path in &existing {
        let item_at = pointer::join("/paths", path);
        let declared: Vec<&Site<'_>> = sites
            .iter()
            .filter(|s| {
                s.at.strip_prefix(&item_at)
                    .is_some_and(|rest| rest.starts_with('/'))
                    && parameters::key(s.param).1 == "path"
            })
            .collect();
        let names: BTreeSet<&str> = declared
            .iter()
            .map(|s| parameters::key(s.param).0)
            .collect();
        let mut new_path = path.clone();
        let mut item_replacements = Vec::new();
        let mut item_warnings = Vec::new();
        for name in names {
            let decls: Vec<&Site<'_>> = declared
                .iter()
                .filter(|s| parameters::key(s.param).0 == name)
                .copied()
                .collect();
            let Some(first) = decls.first() else { continue };
            let style = style(first.param);
            if style != "label" && style != "matrix" {
                continue;
            }
            let explode = explode(first.param, &style);
            let agree = decls.iter().all(|s| {
                self::style(s.param) == style
                    && self::explode(s.param, &style) == explode
                    && s.param.get("schema") == first.param.get("schema")
            });
            let template = format!("{{{name}}}");
            let Some(schema) = first
                .param
                .get("schema")
                .filter(|_| agree && new_path.contains(&template))
            else {
                continue;
            };
            let shape = parameters::shape(doc, schema);
            let Some((prefix, value)) = prefixed(name, &style, explode, &shape) else {
                continue;
            };
            new_path = new_path.replacen(&template, &format!("{prefix}{template}"), 1);
            for decl in &decls {
                let param = match &value {
                    None => {
                        let mut p = decl.param.clone();
                        p.shift_remove("style");
                        p.shift_remove("explode");
                        Value::Object(p)
                    }
                    Some(how) => joined(decl.param, &style, &shape, how).0,
                };
                item_replacements.push((decl.at.clone(), vec![param]));
            }
            item_warnings.push(format!("path parameter `{name}` is in `{style}` style: its prefix `{prefix}` is part of the path now"));
        }
        let free = !existing.contains(&new_path) && !renames.iter().any(|(_, to)| *to == new_path);
        if new_path != *path && free {
            // Reported where the spec has it.
            warnings.extend(
                item_warnings
                    .into_iter()
                    .map(|w| (item_at.clone(), format!("{w} (`{new_path}`)"))),
            );
            replacements.extend(item_replacements);
            renames.push((path.clone(), new_path));
        }
    }
    parameters::splice(doc, replacements);
    if !renames.is_empty()
        && let Some(Value::Object(paths)) = doc.get_mut("paths")
    {
        // Rebuilt in order: a renamed path keeps its place.
        *paths = std::mem::take(paths)
            .into_iter()
            .map(
                |(path, item)| match renames.iter().find(|(from, _)| *from == path) {
                    Some((_, to)) => (to.clone(), item),
                    None => (path, item),
                },
            )
            .collect();
    }
    for (at, message) in warnings {
        super::warn(doc, &at, message);
    }
}

/// The prefix a `label`/`matrix` value starts with, and how the rest is joined (`None`: a
/// scalar, sent as it is); `None` when the style defines no form for the value.
fn prefixed(
    name: &str,
    style: &str,
    explode: bool,
    shape: &Shape,
) -> Option<(String, Option<Joined>)> {
    let label = style == "label";
    let (prefix, separator, pairs) = match shape {
        Shape::Scalar(_) => {
            return Some((
                if label {
                    ".".into()
                } else {
                    format!(";{name}=")
                },
                None,
            ));
        }
        Shape::List(_) => match (label, explode) {
            (true, false) => (".".to_string(), ",".to_string(), None),
            (true, true) => (".".into(), ".".into(), None),
            (false, false) => (format!(";{name}="), ",".into(), None),
            (false, true) => (format!(";{name}="), format!(";{name}="), None),
        },
        Shape::Record(_) | Shape::Map => match (label, explode) {
            (true, false) => (".".into(), ",".into(), Some(",")),
            (true, true) => (".".into(), ".".into(), Some("=")),
            (false, false) => (format!(";{name}="), ",".into(), Some(",")),
            (false, true) => (";".into(), ";".into(), Some("=")),
        },
        Shape::Composite | Shape::Other => return None,
    };
    Some((prefix, Some(Joined { separator, pairs })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::WARNINGS;

    fn rewrite(path: &str, params: Value) -> Value {
        let mut doc = json!({"paths": {path: {"get": {"parameters": params}}}});
        run(&mut doc, &Origins::default()).unwrap();
        doc
    }

    fn strings() -> Value {
        json!({"type": "array", "items": {"type": "string"}})
    }

    #[test]
    fn lists_in_path_and_header_become_strings_joined_with_commas() {
        let doc = rewrite(
            "/a/{ids}",
            json!([{"name": "ids", "in": "path", "required": true, "schema": strings()},
                   {"name": "X-Tags", "in": "header", "description": "Tags.", "schema": {"type": "array", "items": {"type": "integer"}}}]),
        );
        let params = &doc["paths"]["/a/{ids}"]["get"]["parameters"];
        assert_eq!(
            params[0],
            json!({"name": "ids", "in": "path", "required": true, "schema": {"type": "string"},
                   "description": "One string: the list of `string` values, separated by `,` (`simple` style), e.g. `a,b`."})
        );
        assert_eq!(params[1]["schema"], json!({"type": "string"}));
        assert_eq!(
            params[1]["description"],
            "Tags. One string: the list of `integer` values, separated by `,` (`simple` style), e.g. `1,2`."
        );
        assert_eq!(doc[WARNINGS].as_array().unwrap().len(), 2);
    }

    #[test]
    fn delimited_and_unexploded_query_lists_become_joined_strings() {
        let doc = rewrite(
            "/a",
            json!([{"name": "s", "in": "query", "style": "spaceDelimited", "schema": strings()},
                   {"name": "p", "in": "query", "style": "pipeDelimited", "schema": strings()},
                   {"name": "c", "in": "query", "explode": false, "schema": strings()},
                   {"name": "o", "in": "query", "explode": false, "schema": {"type": "object", "properties": {"r": {"type": "integer"}}}},
                   {"name": "kept", "in": "query", "schema": strings()}]),
        );
        let params = &doc["paths"]["/a"]["get"]["parameters"];
        let description = |i: usize| params[i]["description"].as_str().unwrap().to_string();
        assert!(
            description(0).contains("separated by a space (`spaceDelimited` style), e.g. `a b`")
        );
        assert!(description(1).contains("separated by `|` (`pipeDelimited` style), e.g. `a|b`"));
        assert!(
            description(2)
                .contains("separated by `,` (`form` style, `explode: false`), e.g. `a,b`")
        );
        assert!(description(3).contains("as `key,value`, separated by `,` (keys: `r`) (`form` style, `explode: false`), e.g. `k1,v1,k2,v2`"));
        for i in 0..4 {
            assert_eq!(params[i]["schema"], json!({"type": "string"}));
            assert!(params[i].get("style").is_none() && params[i].get("explode").is_none());
        }
        assert_eq!(
            params[4]["schema"],
            strings(),
            "exploded form lists are progenitor's own"
        );
    }

    #[test]
    fn exploded_and_deep_objects_are_sent_as_one_query_parameter_per_property() {
        let filter = json!({"type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}}});
        let doc = rewrite(
            "/a",
            json!([{"name": "filter", "in": "query", "required": true, "schema": filter},
                   {"name": "f", "in": "query", "style": "deepObject", "schema": filter}]),
        );
        let params = &doc["paths"]["/a"]["get"]["parameters"];
        assert_eq!(
            params,
            &json!([
                {"name": "name", "in": "query", "description": "`name` of `filter`.", "schema": {"type": "string"}, "required": true},
                {"name": "age", "in": "query", "description": "`age` of `filter`.", "schema": {"type": "integer"}},
                {"name": "f[name]", "in": "query", "description": "`name` of `f`.", "schema": {"type": "string"}},
                {"name": "f[age]", "in": "query", "description": "`age` of `f`.", "schema": {"type": "integer"}}
            ])
        );
    }

    #[test]
    fn objects_whose_properties_collide_with_other_parameters_stay() {
        let params = json!([{"name": "filter", "in": "query", "schema": {"type": "object", "properties": {"page": {"type": "string"}}}},
                            {"name": "page", "in": "header", "schema": {"type": "string"}}]);
        let doc = rewrite("/a", params.clone());
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"], params);
    }

    #[test]
    fn label_and_matrix_prefixes_move_into_the_path() {
        let mut doc = json!({"paths": {"/a/{id}/{ids}": {
            "parameters": [{"name": "id", "in": "path", "required": true, "style": "matrix", "schema": {"type": "integer"}}],
            "get": {"parameters": [{"name": "ids", "in": "path", "required": true, "style": "label", "explode": true, "schema": strings()}]}}}});
        run(&mut doc, &Origins::default()).unwrap();
        let item = &doc["paths"]["/a/;id={id}/.{ids}"];
        assert_eq!(
            item["parameters"][0],
            json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}})
        );
        let ids = &item["get"]["parameters"][0];
        assert_eq!(ids["schema"], json!({"type": "string"}));
        assert!(
            ids["description"]
                .as_str()
                .unwrap()
                .contains("separated by `.` (`label` style), e.g. `a.b`")
        );
        assert_eq!(
            doc[WARNINGS][0]["at"], "/paths/~1a~1{id}~1{ids}",
            "where the spec has it"
        );
    }

    #[test]
    fn lists_of_objects_in_a_path_are_opaque_strings() {
        let doc = rewrite(
            "/a/{o}",
            json!([{"name": "o", "in": "path", "required": true, "schema": {"type": "array", "items": {"type": "object"}}}]),
        );
        let p = &doc["paths"]["/a/{o}"]["get"]["parameters"][0];
        assert_eq!(p["schema"], json!({"type": "string"}));
        assert!(
            p["description"]
                .as_str()
                .unwrap()
                .contains("pass the text the API expects")
        );
    }

    /// What the client sends: lists as one string, objects as a parameter per property under
    /// the names their style gives, label/matrix prefixes in the URL.
    #[test]
    fn the_generated_client_sends_what_each_style_says() {
        let client = parameters::generated_client(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /r/{id}/{ids}:\n    get:\n      operationId: getR\n      parameters:\n        - {name: id, in: path, required: true, style: matrix, schema: {type: integer}}\n        - {name: ids, in: path, required: true, style: label, schema: {type: array, items: {type: string}}}\n        - {name: X-Tags, in: header, schema: {type: array, items: {type: string}}}\n        - {name: f, in: query, style: deepObject, schema: {type: object, properties: {n: {type: string}}}}\n        - {name: o, in: query, schema: {type: object, properties: {m: {type: integer}}}}\n        - {name: s, in: query, style: spaceDelimited, schema: {type: array, items: {type: string}}}\n      responses: {'204': {description: ok}}\n",
        );
        for expected in [
            r#"format!("{}/r/;id={}/.{}",client.baseurl,encode_path(&id.to_string()),encode_path(&ids.to_string()),)"#,
            r#"header_map.append("X-Tags",value.to_string().try_into()?)"#,
            r#"QueryParam::new("f[n]",&f_n)"#,
            r#"QueryParam::new("m",&m)"#,
            r#"QueryParam::new("s",&s)"#,
            "id:Result<i64,String>",
            "ids:Result<::std::string::String,String>",
            "x_tags:Result<Option<::std::string::String>,String>",
            "s:Result<Option<::std::string::String>,String>",
            "m:Result<Option<i64>,String>",
        ] {
            assert!(client.contains(expected), "{expected} not in {client}");
        }
    }
}
