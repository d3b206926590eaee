//! Pass `cookie-parameters`: progenitor refuses operations with `in: cookie` parameters. On the
//! wire the cookies of a request are one `Cookie` header (`session=abc; theme=dark`), so an
//! operation's cookie parameters (its own and its path's) become one optional `Cookie` header
//! parameter, settable on the builder, whose description names each cookie and the format;
//! it is required when a cookie is. A `Cookie` header the operation already declares is merged
//! in. Each rewrite is a warning.

use serde_json::{Map, Value, json};

use super::parameters::{self, Shape};
use super::refs;
use crate::error::Result;
use crate::origins::Origins;
use crate::pointer;
use crate::walk::METHODS;

pub fn run(doc: &mut Value, _origins: &Origins) -> Result<()> {
    // (operation pointer, its new own parameter list), and path items whose cookies moved.
    let mut lists: Vec<(String, Vec<Value>)> = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let mut warnings = Vec::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let item_at = pointer::join("/paths", path);
        let shared = parameters::entries(doc, item, &item_at);
        let mut moved = false;
        for method in METHODS {
            let Some(op) = item.get(*method).filter(|op| op.is_object()) else {
                continue;
            };
            let at = pointer::join(&item_at, method);
            let own = parameters::entries(doc, op, &at);
            let effective = parameters::effective(&shared, &own);
            let cookies: Vec<&Map<String, Value>> = effective
                .iter()
                .copied()
                .filter(|p| parameters::key(p).1 == "cookie")
                .collect();
            let raw = op.get("parameters").and_then(Value::as_array);
            // A list with entries that do not resolve is left for validate to report.
            if cookies.is_empty() || raw.is_some_and(|r| r.len() != own.len()) {
                continue;
            }
            moved = true;
            let existing = effective.iter().copied().find(|p| is_cookie_header(p));
            let header = cookie_header(doc, &cookies, existing);
            // The operation's own list, keeping `$ref` entries as written, without the cookies
            // and the old header; the path item's cookies are dropped from it below.
            let mut list: Vec<Value> = raw
                .into_iter()
                .flatten()
                .zip(&own)
                .filter(|(_, (_, p))| parameters::key(p).1 != "cookie" && !is_cookie_header(p))
                .map(|(v, _)| v.clone())
                .collect();
            list.push(header);
            let names: Vec<String> = cookies
                .iter()
                .map(|p| format!("`{}`", parameters::key(p).0))
                .collect();
            warnings.push((
                at.clone(),
                format!(
                    "cookie parameters {} are sent as one `Cookie` header parameter, which the caller fills",
                    names.join(", ")
                ),
            ));
            lists.push((at, list));
        }
        if moved {
            items.push(item_at);
        }
    }
    for (at, list) in lists {
        if let Some(Value::Object(op)) = doc.pointer_mut(&at) {
            op.insert("parameters".into(), Value::Array(list));
        }
    }
    for at in items {
        let resolved: Vec<bool> = match doc.pointer(&at) {
            Some(item) => parameters::entries(doc, item, &at)
                .iter()
                .map(|(_, p)| parameters::key(p).1 == "cookie")
                .collect(),
            None => continue,
        };
        let Some(Value::Object(item)) = doc.pointer_mut(&at) else {
            continue;
        };
        if let Some(Value::Array(list)) = item.get_mut("parameters")
            && list.len() == resolved.len()
        {
            let mut is_cookie = resolved.into_iter();
            list.retain(|_| !is_cookie.next().unwrap_or(false));
            if list.is_empty() {
                item.shift_remove("parameters");
            }
        }
    }
    for (at, message) in warnings {
        super::warn(doc, &at, message);
    }
    Ok(())
}

fn is_cookie_header(p: &Map<String, Value>) -> bool {
    let (name, location) = parameters::key(p);
    location == "header" && name.eq_ignore_ascii_case("cookie")
}

/// The `Cookie` header parameter standing for `cookies` (and an existing declaration of it).
fn cookie_header(
    doc: &Value,
    cookies: &[&Map<String, Value>],
    existing: Option<&Map<String, Value>>,
) -> Value {
    let required = |p: &Map<String, Value>| p.get("required") == Some(&Value::Bool(true));
    let format: Vec<String> = cookies
        .iter()
        .map(|p| format!("{}=<value>", parameters::key(p).0))
        .collect();
    let mut description = format!(
        "Cookies, sent as this one `Cookie` header: `{}`.",
        format.join("; ")
    );
    // One line of prose: rustdoc shows the description in a list of arguments.
    for p in cookies {
        let (name, _) = parameters::key(p);
        let schema = p.get("schema").unwrap_or(&Value::Null);
        let mut facts = vec![match parameters::shape(doc, schema) {
            Shape::Scalar(t) => match refs::resolve(doc, schema)
                .and_then(|s| s.get("enum"))
                .and_then(Value::as_array)
            {
                Some(values) => format!(
                    "{t}, one of {}",
                    values
                        .iter()
                        .map(|v| format!(
                            "`{}`",
                            v.as_str().map_or_else(|| v.to_string(), str::to_string)
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => t,
            },
            Shape::List(t) => format!("`{t}` values separated by `,`"),
            _ => "see the spec".to_string(),
        }];
        if required(p) {
            facts.push("required".into());
        }
        description.push_str(&format!(" `{name}` ({})", facts.join(", ")));
        match p.get("description").and_then(Value::as_str) {
            Some(d) if !d.trim().is_empty() => {
                description.push_str(&format!(": {}", d.trim().trim_end_matches('.')))
            }
            _ => {}
        }
        description.push('.');
    }
    if let Some(d) = existing
        .and_then(|e| e.get("description"))
        .and_then(Value::as_str)
    {
        description.push_str(&format!(" {d}"));
    }
    let name = existing.map_or("Cookie", |e| parameters::key(e).0);
    let mut header = json!({"name": name, "in": "header", "description": description,
                            "schema": {"type": "string"}});
    if cookies.iter().any(|p| required(p)) || existing.is_some_and(required) {
        header["required"] = Value::Bool(true);
    }
    header
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::WARNINGS;

    #[test]
    fn cookies_become_one_cookie_header_on_each_operation() {
        let mut doc = json!({"paths": {"/a": {
            "parameters": [{"name": "session", "in": "cookie", "required": true, "schema": {"type": "string"}, "description": "The session."},
                           {"name": "q", "in": "query", "schema": {"type": "string"}}],
            "get": {"parameters": [{"$ref": "#/components/parameters/Theme"}, {"name": "X", "in": "header", "schema": {"type": "integer"}}]},
            "put": {"parameters": [{"name": "cookie", "in": "header", "description": "Also a tracking id.", "schema": {"type": "string"}}]},
            "post": {"parameters": [{"name": "session", "in": "query", "schema": {"type": "string"}}]}
        }}, "components": {"parameters": {"Theme": {"name": "theme", "in": "cookie", "schema": {"type": "array", "items": {"type": "string"}}}}}});
        run(&mut doc, &Origins::default()).unwrap();
        let item = &doc["paths"]["/a"];
        assert_eq!(
            item["parameters"],
            json!([{"name": "q", "in": "query", "schema": {"type": "string"}}])
        );
        let mut only_cookies =
            json!({"paths": {"/b": {"parameters": [{"name": "s", "in": "cookie"}], "get": {}}}});
        run(&mut only_cookies, &Origins::default()).unwrap();
        assert!(
            only_cookies["paths"]["/b"].get("parameters").is_none(),
            "no empty list stays"
        );
        assert_eq!(
            only_cookies["paths"]["/b"]["get"]["parameters"][0]["name"],
            "Cookie"
        );
        assert_eq!(
            item["get"]["parameters"],
            json!([{"name": "X", "in": "header", "schema": {"type": "integer"}},
                   {"name": "Cookie", "in": "header", "required": true, "schema": {"type": "string"},
                    "description": "Cookies, sent as this one `Cookie` header: `session=<value>; theme=<value>`. `session` (string, required): The session. `theme` (`string` values separated by `,`)."}])
        );
        let put = &item["put"]["parameters"];
        assert_eq!(put.as_array().unwrap().len(), 1);
        assert_eq!(
            put[0]["name"], "cookie",
            "the declared header is merged, its name kept"
        );
        assert!(
            put[0]["description"]
                .as_str()
                .unwrap()
                .ends_with(". Also a tracking id.")
        );
        // A query parameter named like a cookie is not a cookie: the path's cookie still is.
        let post = &item["post"]["parameters"];
        assert_eq!(post[0]["in"], "query");
        assert_eq!(post[1]["name"], "Cookie");
        let warnings = doc[WARNINGS].as_array().unwrap();
        assert_eq!(warnings.len(), 3);
        assert_eq!(warnings[0]["at"], "/paths/~1a/get");
    }

    #[test]
    fn operations_without_cookies_are_untouched() {
        let mut doc =
            json!({"paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "query"}]}}}});
        let before = doc.clone();
        run(&mut doc, &Origins::default()).unwrap();
        assert_eq!(doc, before);
    }

    #[test]
    fn the_generated_client_sends_the_cookie_header() {
        let client = crate::normalize::parameters::generated_client(
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      parameters:\n        - {name: session, in: cookie, schema: {type: string}}\n      responses: {'204': {description: ok}}\n",
        );
        assert!(
            client.contains("cookie:Result<Option<::std::string::String>,String>"),
            "{client}"
        );
        assert!(
            client.contains(r#"header_map.append("Cookie",value.to_string().try_into()?)"#),
            "{client}"
        );
    }
}
