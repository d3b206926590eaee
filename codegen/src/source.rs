//! Load stage: reads each file of a vendor folder (YAML or JSON) into a JSON value and sorts the
//! files into OpenAPI documents, overlays and vendor settings.

use serde_json::{Map, Number, Value};

use crate::error::{Error, Location, Result, Stage};
use crate::pointer::Trail;

/// One input file as the caller read it from disk.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file name inside the vendor folder, e.g. `create-avatar.yaml`.
    pub name: String,
    pub text: String,
}

/// A parsed file and the name used for it in messages.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub name: String,
    /// How the file is shown in errors, e.g. `specs/akool/create-avatar.yaml`.
    pub display: String,
    pub value: Value,
}

/// The vendor folder's files, classified.
#[derive(Debug, Default)]
pub struct Sources {
    pub documents: Vec<Parsed>,
    pub overlays: Vec<Parsed>,
    pub settings: Option<(String, String)>,
}

pub const SETTINGS_FILE: &str = "vendor.toml";

/// Whether a file name looks like something the load stage reads.
pub fn is_input_file(name: &str) -> bool {
    name == SETTINGS_FILE || is_structured(name)
}

fn is_structured(name: &str) -> bool {
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Parses and classifies the files; `dir` is how the folder is shown in messages.
pub fn load(dir: &str, files: &[SourceFile]) -> Result<Sources> {
    let mut files: Vec<&SourceFile> = files.iter().collect();
    // Sorting makes merge order, and therefore output, independent of directory listing order.
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let mut sources = Sources::default();
    for file in files {
        let display = format!("{dir}/{}", file.name);
        if file.name == SETTINGS_FILE {
            sources.settings = Some((display, file.text.clone()));
            continue;
        }
        if !is_structured(&file.name) {
            continue;
        }
        let value = parse(&display, &file.name, &file.text)?;
        let parsed = Parsed {
            name: file.name.clone(),
            display: display.clone(),
            value,
        };
        let at = |pointer: &str| Location {
            file: display.clone(),
            pointer: pointer.to_string(),
        };
        match &parsed.value {
            Value::Object(map) if map.get("openapi").is_some_and(Value::is_string) => {
                sources.documents.push(parsed)
            }
            Value::Object(map) if map.get("overlay").is_some_and(Value::is_string) => {
                sources.overlays.push(parsed)
            }
            Value::Object(map) if map.contains_key("swagger") => {
                return Err(Error::new(
                    Stage::Load,
                    at("/swagger"),
                    "Swagger 2.0 documents are not supported",
                    "convert it to OpenAPI 3 once (for example with swagger2openapi) and vendor the result, saying so in SOURCE.md",
                ));
            }
            _ => {
                return Err(Error::new(
                    Stage::Load,
                    at(""),
                    "neither an OpenAPI document (top-level `openapi: 3.x`) nor an overlay (top-level `overlay: 1.0.0`)",
                    "move files that are not specs out of the vendor folder, or add the missing top-level field",
                ));
            }
        }
    }
    if sources.documents.is_empty() {
        return Err(Error::new(
            Stage::Load,
            Location {
                file: dir.to_string(),
                pointer: String::new(),
            },
            "the folder holds no OpenAPI document",
            "add the vendor's OpenAPI document (YAML or JSON) to the folder",
        ));
    }
    Ok(sources)
}

/// Parses YAML or JSON text into a JSON value. JSON is a subset of YAML, but parsing `.json`
/// with serde_json gives exact line/column errors and keeps number precision.
pub fn parse(display: &str, name: &str, text: &str) -> Result<Value> {
    let syntax_error = |line: usize, column: usize, message: String| {
        Error::new(
            Stage::Load,
            Location {
                file: format!("{display}:{line}:{column}"),
                pointer: String::new(),
            },
            message,
            "fix the syntax error; the file must be valid YAML or JSON",
        )
    };
    if name.ends_with(".json") {
        return serde_json::from_str(text)
            .map_err(|e| syntax_error(e.line(), e.column(), format!("invalid JSON: {e}")));
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        syntax_error(line, column, format!("invalid YAML: {e}"))
    })?;
    yaml_to_json(yaml, Trail::At("")).map_err(|(pointer, message)| {
        Error::new(
            Stage::Load,
            Location {
                file: display.to_string(),
                pointer,
            },
            message,
            "OpenAPI documents must be representable as JSON",
        )
    })
}

/// Converts YAML to JSON. Mapping keys that YAML reads as numbers or booleans (an unquoted
/// `200:` response code) become strings, as OpenAPI means them.
fn yaml_to_json(value: serde_yaml::Value, at: Trail<'_>) -> Result<Value, (String, String)> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Value::Number(
                    Number::from_f64(f)
                        .ok_or_else(|| (at.pointer(), format!("number {n} has no JSON form")))?,
                )
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, Trail::Index(&at, i)))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err((
                            at.pointer(),
                            format!("mapping key {other:?} is not a string"),
                        ));
                    }
                };
                let v = yaml_to_json(v, Trail::Key(&at, &key))?;
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, at)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn file(name: &str, text: &str) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    #[test]
    fn yaml_numeric_keys_become_strings() {
        let v = parse("x", "a.yaml", "responses:\n  200:\n    description: ok\n").unwrap();
        assert_eq!(v, json!({"responses": {"200": {"description": "ok"}}}));
    }

    #[test]
    fn classifies_documents_overlays_and_settings() {
        let s = load(
            "specs/v",
            &[
                file("b.json", r#"{"openapi": "3.0.0"}"#),
                file("overlay.yaml", "overlay: 1.0.0\n"),
                file("a.yaml", "openapi: 3.1.0\n"),
                file("vendor.toml", "crate_name = 'x'\n"),
                file("SOURCE.md", "# not read"),
            ],
        )
        .unwrap();
        let names: Vec<_> = s.documents.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["a.yaml", "b.json"]);
        assert_eq!(s.overlays.len(), 1);
        assert_eq!(s.settings.unwrap().0, "specs/v/vendor.toml");
    }

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let e = load("specs/v", &[file("a.yaml", "openapi: 3.0.0\npaths: [\n")]).unwrap_err();
        assert!(e.location.file.starts_with("specs/v/a.yaml:"), "{e}");
        let e = load("specs/v", &[file("a.json", "{\"openapi\": }")]).unwrap_err();
        assert_eq!(e.location.file, "specs/v/a.json:1:13");
    }

    #[test]
    fn rejects_swagger_2_and_unknown_files() {
        let e = load("d", &[file("a.yaml", "swagger: '2.0'\n")]).unwrap_err();
        assert!(e.message.contains("Swagger 2.0"));
        let e = load("d", &[file("a.yaml", "foo: 1\n")]).unwrap_err();
        assert!(e.message.contains("neither an OpenAPI document"));
        let e = load("d", &[file("SOURCE.md", "x")]).unwrap_err();
        assert!(e.message.contains("no OpenAPI document"));
    }
}
