//! Load stage: reads each file of a vendor folder (YAML or JSON) into a JSON value and sorts the
//! files into OpenAPI documents, overlays and vendor settings.

use std::cell::{Cell, RefCell};

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
                let version = map["openapi"].as_str().unwrap_or_default();
                let supported = ["3.0", "3.1"].iter().any(|v| {
                    version
                        .strip_prefix(v)
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
                });
                if !supported {
                    return Err(Error::new(
                        Stage::Load,
                        at("/openapi"),
                        format!(
                            "unsupported OpenAPI version `{}`",
                            version.chars().take(40).collect::<String>().escape_debug()
                        ),
                        "this generator reads OpenAPI 3.0.x and 3.1.x documents: set `openapi` to the version the document follows",
                    ));
                }
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
            value => {
                // Point at the version field that is wrong, or where the missing one belongs.
                let (pointer, found) = match value {
                    Value::Object(map) => match (map.get("openapi"), map.get("overlay")) {
                        (Some(v), _) => ("/openapi", format!("`openapi` is {}", kind(v))),
                        (None, Some(v)) => ("/overlay", format!("`overlay` is {}", kind(v))),
                        (None, None) => ("/openapi", "there is no top-level `openapi`".into()),
                    },
                    other => ("", format!("the document is {}", kind(other))),
                };
                let mut error = Error::new(
                    Stage::Load,
                    at(pointer),
                    format!(
                        "neither an OpenAPI document (top-level `openapi: 3.x`) nor an overlay (top-level `overlay: 1.0.0`): {found}"
                    ),
                    "move files that are not specs out of the vendor folder, or add the missing top-level field",
                );
                if pointer.is_empty() {
                    // A document that is not a mapping: its first line.
                    error.location.file = format!("{display}:1:1");
                }
                return Err(error);
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

/// The largest file the load stage reads: the largest real description known (GitHub's, about
/// 10 MB as JSON) several times over.
pub const MAX_FILE_BYTES: usize = 64 << 20;

/// The deepest nesting of mappings and sequences (serde_yaml's and serde_json's own recursion
/// limit). Flow nesting (`{a: {a: ...`) is checked on the text before the YAML parser sees it:
/// the parser's time grows with the square of that depth, and its own limit comes only after.
pub const MAX_DEPTH: usize = 128;

/// How large a YAML document may grow when its aliases are expanded, in bytes of text (scalars
/// and keys, plus one per node): 16 times the file, at least 64 MiB, at most 256 MiB. An alias
/// repeats its anchor's whole content; a small file of aliases to aliases is a
/// billion-laughs bomb.
pub fn expansion_budget(file_bytes: usize) -> usize {
    file_bytes.saturating_mul(16).clamp(64 << 20, 256 << 20)
}

/// A file's bytes as text: UTF-8, as OpenAPI documents are; anything else is an error naming
/// the line and column of the first byte that is not.
pub fn decode(display: &str, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let (line, column) = position(&String::from_utf8_lossy(&bytes[..valid]));
        Error::new(
            Stage::Load,
            Location {
                file: format!("{display}:{line}:{column}"),
                pointer: String::new(),
            },
            format!(
                "not UTF-8 text: byte 0x{:02x} (offset {valid}) is not valid UTF-8",
                bytes[valid]
            ),
            "save the file as UTF-8 (OpenAPI documents are UTF-8 text), or remove it from the vendor folder",
        )
    })
}

/// The 1-based line and column (in characters) just after `prefix`.
fn position(prefix: &str) -> (usize, usize) {
    let line = prefix.matches('\n').count() + 1;
    let column = prefix.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// How a value is named in messages: `a string`, `an array`...
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string, not a version",
        Value::Array(_) => "an array",
        Value::Object(_) => "a mapping",
    }
}

/// Parses YAML or JSON text into a JSON value. JSON is a subset of YAML, but parsing `.json`
/// with serde_json gives exact line/column errors and keeps number precision. A leading
/// byte-order mark is dropped; size, nesting and alias expansion are bounded (see the
/// constants above), each an error naming what was exceeded.
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
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_FILE_BYTES {
        return Err(Error::new(
            Stage::Load,
            Location {
                file: display.to_string(),
                pointer: String::new(),
            },
            format!(
                "the file is {} bytes, more than the limit of {} MiB",
                text.len(),
                MAX_FILE_BYTES >> 20
            ),
            "split the description into several documents of the folder (they are merged), or remove what the client does not need",
        ));
    }
    let json = name.ends_with(".json");
    if let Some(offset) = crate::limits::flow_depth_exceeded(text, json, MAX_DEPTH) {
        let (line, column) = position(&text[..offset]);
        return Err(Error::new(
            Stage::Load,
            Location {
                file: format!("{display}:{line}:{column}"),
                pointer: String::new(),
            },
            format!("nesting deeper than {MAX_DEPTH} levels of mappings and sequences"),
            "no OpenAPI document nests this deep: look for unbalanced `{` or `[`, or flatten the structure into components",
        ));
    }
    if json {
        return serde_json::from_str(text)
            .map_err(|e| syntax_error(e.line(), e.column(), format!("invalid JSON: {e}")));
    }
    // Straight from YAML events to JSON (no `serde_yaml::Value` in between): that value type has
    // no integers beyond 64 bits, so `minimum: -9223372036854776000` failed to load, while JSON
    // reads such a number as a float.
    let failure = RefCell::new(None);
    let budget = expansion_budget(text.len());
    let converted = Node {
        at: Trail::At(""),
        failure: &failure,
        budget: &Budget {
            left: Cell::new(budget),
            total: budget,
        },
    }
    .deserialize(serde_yaml::Deserializer::from_str(text));
    converted.map_err(|e| match failure.take() {
        Some((pointer, Failure::Expansion(message))) => Error::new(
            Stage::Load,
            Location {
                file: display.to_string(),
                pointer,
            },
            message,
            "an alias (`*name`) repeats the whole anchored node: anchor smaller parts, or write the repeated part once as a component and `$ref` it",
        ),
        Some((pointer, Failure::NoJson(message))) => Error::new(
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
    failure: &'f RefCell<Option<(String, Failure)>>,
    budget: &'f Budget,
}

/// Why the conversion stopped, with its message.
enum Failure {
    /// A value JSON cannot hold.
    NoJson(String),
    /// The expansion budget is spent.
    Expansion(String),
}

/// What is left of the expansion budget, in bytes.
struct Budget {
    left: Cell<usize>,
    total: usize,
}

impl Node<'_, '_> {
    fn fail<E: de::Error>(&self, message: String) -> E {
        let error = E::custom(&message);
        *self.failure.borrow_mut() = Some((self.at.pointer(), Failure::NoJson(message)));
        error
    }

    /// Takes `bytes` from the budget before anything that size is built; an error when spent.
    fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
        let cost = bytes.saturating_add(1);
        match self.budget.left.get().checked_sub(cost) {
            Some(left) => {
                self.budget.left.set(left);
                Ok(())
            }
            None => {
                let message = format!(
                    "the document grows beyond {} MiB when its YAML aliases are expanded (the limit for a file of this size)",
                    self.budget.total >> 20
                );
                let error = E::custom(&message);
                *self.failure.borrow_mut() = Some((self.at.pointer(), Failure::Expansion(message)));
                Err(error)
            }
        }
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
        self.charge(4)?;
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        self.charge(8)?;
        Ok(Value::Number(i.into()))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        self.charge(8)?;
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
        self.charge(8)?;
        self.float(f)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        self.charge(s.len())?;
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        self.charge(s.len())?;
        Ok(Value::String(s))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.charge(4)?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.charge(4)?;
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.charge(1)?;
        let mut items = Vec::new();
        loop {
            let item = Node {
                at: Trail::Index(&self.at, items.len()),
                failure: self.failure,
                budget: self.budget,
            };
            match seq.next_element_seed(item)? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.charge(1)?;
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Key { node: &self })? {
            if out.contains_key(&key) {
                let at = Node {
                    at: Trail::Key(&self.at, &key),
                    failure: self.failure,
                    budget: self.budget,
                };
                return Err(at.fail(format!("duplicate mapping key `{key}`")));
            }
            self.charge(key.len())?;
            let value = map.next_value_seed(Node {
                at: Trail::Key(&self.at, &key),
                failure: self.failure,
                budget: self.budget,
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
        assert_eq!(e.location.pointer, "/a/b");
        assert!(e.message.contains("duplicate mapping key `b`"), "{e}");
        let e = parse("specs/v/a.yaml", "a.yaml", "a: {~: 1}\n").unwrap_err();
        assert!(e.message.contains("not a string"), "{e}");
    }

    /// A valid file that starts with a UTF-8 byte-order mark loads (it was "more than one
    /// document" as YAML and "expected value" as JSON).
    #[test]
    fn a_byte_order_mark_is_accepted() {
        let yaml = parse("x", "a.yaml", "\u{feff}openapi: 3.0.3\n").unwrap();
        assert_eq!(yaml, json!({"openapi": "3.0.3"}));
        let json = parse("x", "a.json", "\u{feff}{\"openapi\": \"3.0.3\"}").unwrap();
        assert_eq!(json, yaml);
    }

    /// `{a: ` nested 150,000 deep (750 KB) took minutes (the YAML parser is quadratic in the
    /// depth) before its depth error; the depth is checked on the text first.
    #[test]
    fn deep_nesting_is_refused_before_parsing_with_its_position() {
        let n = 150_000;
        let yaml = format!(
            "openapi: 3.0.3\nx: {}1{}\n",
            "{a: ".repeat(n),
            "}".repeat(n)
        );
        let started = std::time::Instant::now();
        let e = parse("specs/v/a.yaml", "a.yaml", &yaml).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(e.location.file, "specs/v/a.yaml:2:516", "{e}");
        assert_eq!(
            e.message,
            "nesting deeper than 128 levels of mappings and sequences"
        );
        assert!(e.help.contains("unbalanced"), "{e}");
        let json = format!("{{\"x\": {}1{}}}", "[".repeat(n), "]".repeat(n));
        let e = parse("specs/v/a.json", "a.json", &json).unwrap_err();
        assert_eq!(e.location.file, "specs/v/a.json:1:134", "{e}");
        // 128 levels still load.
        let ok = format!("x: {}1{}\n", "[".repeat(127), "]".repeat(127));
        parse("specs/v/a.yaml", "a.yaml", &ok).unwrap();
    }

    /// One 1 MB string aliased 1,000 times needed more than 4 GiB; 100 times already made a
    /// 97 MB document. The expanded size is bounded by a byte budget.
    #[test]
    fn alias_expansion_beyond_the_budget_is_an_error_at_its_pointer() {
        let big = "x".repeat(1 << 20);
        let aliases: String = (0..100).map(|i| format!("  a{i}: *big\n")).collect();
        let yaml = format!("openapi: 3.0.3\nbig: &big {big}\ncopies:\n{aliases}");
        let e = parse("specs/v/a.yaml", "a.yaml", &yaml).unwrap_err();
        assert_eq!(e.location.file, "specs/v/a.yaml");
        assert!(e.location.pointer.starts_with("/copies/a6"), "{e}");
        assert!(
            e.message
                .contains("grows beyond 64 MiB when its YAML aliases are expanded"),
            "{e}"
        );
        assert!(e.help.contains("alias"), "{e}");
        // Aliases within the budget still expand.
        let small: String = (0..100).map(|i| format!("  a{i}: *s\n")).collect();
        let v = parse("x", "a.yaml", &format!("s: &s {{k: v}}\nc:\n{small}")).unwrap();
        assert_eq!(v["c"]["a99"], json!({"k": "v"}));
    }

    #[test]
    fn files_beyond_the_size_limit_are_refused() {
        let text = format!("openapi: 3.0.3\nx: '{}'\n", "a".repeat(MAX_FILE_BYTES));
        let e = parse("specs/v/a.yaml", "a.yaml", &text).unwrap_err();
        assert!(e.message.contains("more than the limit of 64 MiB"), "{e}");
    }

    /// Invalid UTF-8 printed an absolute path with no position and no help.
    #[test]
    fn text_that_is_not_utf8_is_an_error_with_line_and_column() {
        let mut bytes = b"openapi: 3.0.3\ninfo: {title: \"caf".to_vec();
        bytes.extend([0xe9, b'"', b'}', b'\n']);
        let e = decode("specs/v/a.yaml", bytes).unwrap_err();
        assert_eq!(e.location.file, "specs/v/a.yaml:2:19", "{e}");
        assert!(e.message.contains("byte 0xe9 (offset 33)"), "{e}");
        assert!(e.help.contains("UTF-8"), "{e}");
        assert_eq!(decode("x", b"ok".to_vec()).unwrap(), "ok");
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
        assert!(
            e.message.ends_with("there is no top-level `openapi`"),
            "{e}"
        );
        assert_eq!(e.location.to_string(), "d/a.yaml#/openapi");
        let e = load("d", &[file("a.yaml", "openapi: {a: 1}\n")]).unwrap_err();
        assert!(e.message.ends_with("`openapi` is a mapping"), "{e}");
        assert_eq!(e.location.pointer, "/openapi");
        let e = load("d", &[file("a.yaml", "openapi: $..x\n")]).unwrap_err();
        assert_eq!(e.location.to_string(), "d/a.yaml#/openapi");
        assert_eq!(e.message, "unsupported OpenAPI version `$..x`");
        let e = load("d", &[file("a.yaml", "openapi: '3.10'\n")]).unwrap_err();
        assert!(e.message.contains("`3.10`"), "{e}");
        let e = load("d", &[file("a.yaml", "[1]\n")]).unwrap_err();
        assert_eq!(e.location.to_string(), "d/a.yaml:1:1");
        assert!(e.message.ends_with("the document is an array"), "{e}");
        let e = load("d", &[file("SOURCE.md", "x")]).unwrap_err();
        assert!(e.message.contains("no OpenAPI document"));
    }
}
