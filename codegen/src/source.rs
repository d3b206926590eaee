//! Load stage: reads each file of a vendor folder (YAML or JSON) into a JSON value and sorts the
//! files into OpenAPI documents, overlays and vendor settings.

use std::cell::RefCell;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
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
    // Straight from YAML events to JSON (no `serde_yaml::Value` in between): that value type has
    // no integers beyond 64 bits, so `minimum: -9223372036854776000` failed to load, while JSON
    // reads such a number as a float.
    let failure = RefCell::new(None);
    let converted = Node {
        at: Trail::At(""),
        failure: &failure,
    }
    .deserialize(serde_yaml::Deserializer::from_str(text));
    converted.map_err(|e| match failure.take() {
        Some((pointer, message)) => Error::new(
            Stage::Load,
            Location {
                file: display.to_string(),
                pointer,
            },
            message,
            "OpenAPI documents must be representable as JSON",
        ),
        None => {
            let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            syntax_error(line, column, format!("invalid YAML: {e}"))
        }
    })
}

/// A value being converted from YAML to JSON, and where it is. Mapping keys that YAML reads as
/// numbers or booleans (an unquoted `200:` response code) become strings, as OpenAPI means them;
/// integers beyond 64 bits become floats, as serde_json reads them in a `.json` file; tags are
/// dropped. What has no JSON form is recorded in `failure` with its pointer.
struct Node<'t, 'f> {
    at: Trail<'t>,
    failure: &'f RefCell<Option<(String, String)>>,
}

impl Node<'_, '_> {
    fn fail<E: de::Error>(&self, message: String) -> E {
        let error = E::custom(&message);
        *self.failure.borrow_mut() = Some((self.at.pointer(), message));
        error
    }

    fn float<E: de::Error>(&self, f: f64) -> Result<Value, E> {
        Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| self.fail(format!("number {} has no JSON form", yaml_float(f))))
    }
}

/// How YAML spells a float JSON cannot hold.
fn yaml_float(f: f64) -> String {
    match f {
        f if f.is_nan() => ".nan".into(),
        f if f.is_infinite() && f < 0.0 => "-.inf".into(),
        f if f.is_infinite() => ".inf".into(),
        f => f.to_string(),
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Number(i.into()))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        Ok(Value::Number(u.into()))
    }

    fn visit_i128<E: de::Error>(self, i: i128) -> Result<Value, E> {
        match i64::try_from(i) {
            Ok(i) => self.visit_i64(i),
            // Precision is lost exactly as serde_json loses it for the same digits in JSON.
            Err(_) => self.float(i as f64),
        }
    }

    fn visit_u128<E: de::Error>(self, u: u128) -> Result<Value, E> {
        match u64::try_from(u) {
            Ok(u) => self.visit_u64(u),
            Err(_) => self.float(u as f64),
        }
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        self.float(f)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let item = Node {
                at: Trail::Index(&self.at, items.len()),
                failure: self.failure,
            };
            match seq.next_element_seed(item)? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Key { node: &self })? {
            if out.contains_key(&key) {
                return Err(self.fail(format!("duplicate mapping key `{key}`")));
            }
            let value = map.next_value_seed(Node {
                at: Trail::Key(&self.at, &key),
                failure: self.failure,
            })?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }

    /// A tagged value (`!tag value`): the tag means nothing to OpenAPI; the value is kept.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, value): (de::IgnoredAny, _) = data.variant()?;
        value.newtype_variant_seed(self)
    }
}

/// A mapping key, as a string.
struct Key<'n, 't, 'f> {
    node: &'n Node<'t, 'f>,
}

impl<'de> DeserializeSeed<'de> for Key<'_, '_, '_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key<'_, '_, '_> {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<String, E> {
        Ok(b.to_string())
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<String, E> {
        Ok(i.to_string())
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<String, E> {
        Ok(u.to_string())
    }

    fn visit_i128<E: de::Error>(self, i: i128) -> Result<String, E> {
        Ok(i.to_string())
    }

    fn visit_u128<E: de::Error>(self, u: u128) -> Result<String, E> {
        Ok(u.to_string())
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<String, E> {
        Ok(Number::from_f64(f).map_or_else(|| yaml_float(f), |n| n.to_string()))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<String, E> {
        Ok(s.to_string())
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<String, E> {
        Ok(s)
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Err(self.node.fail("mapping key null is not a string".into()))
    }
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

    /// G12: YAML integers beyond 64 bits load as JSON loads the same digits: as a float.
    #[test]
    fn yaml_integers_beyond_64_bits_load_as_json_does() {
        let yaml = "a: -9223372036854776000\nb: 18446744073709551616\nc: -9223372036854775808\nd: 18446744073709551615\n";
        let from_yaml = parse("x", "a.yaml", yaml).unwrap();
        let json = r#"{"a": -9223372036854776000, "b": 18446744073709551616, "c": -9223372036854775808, "d": 18446744073709551615}"#;
        let from_json = parse("x", "a.json", json).unwrap();
        assert_eq!(from_yaml, from_json);
        assert_eq!(from_yaml["a"].as_f64(), Some(-9.223372036854776e18));
        assert_eq!(
            from_yaml["c"].as_i64(),
            Some(i64::MIN),
            "64-bit values stay integers"
        );
        assert_eq!(from_yaml["d"].as_u64(), Some(u64::MAX));
    }

    #[test]
    fn yaml_keys_tags_and_values_convert_as_before() {
        let yaml = "1.5: x\ntrue: !custom {a: [1, ~, 2.5]}\ns: !!str 12\n";
        let v = parse("x", "a.yaml", yaml).unwrap();
        assert_eq!(
            v,
            json!({"1.5": "x", "true": {"a": [1, null, 2.5]}, "s": "12"})
        );
    }

    #[test]
    fn yaml_without_a_json_form_is_an_error_at_its_pointer() {
        let e = parse("specs/v/a.yaml", "a.yaml", "a:\n  - {b: .nan}\n").unwrap_err();
        assert_eq!(e.location.file, "specs/v/a.yaml");
        assert_eq!(e.location.pointer, "/a/0/b");
        assert!(e.message.contains(".nan"), "{e}");
        let e = parse("specs/v/a.yaml", "a.yaml", "a: {b: 1, b: 2}\n").unwrap_err();
        assert_eq!(e.location.pointer, "/a");
        assert!(e.message.contains("duplicate mapping key `b`"), "{e}");
        let e = parse("specs/v/a.yaml", "a.yaml", "a: {~: 1}\n").unwrap_err();
        assert!(e.message.contains("not a string"), "{e}");
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
