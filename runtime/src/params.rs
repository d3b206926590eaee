//! Parameter serialization by OpenAPI `style` and `explode` (OpenAPI 3.0 "Style Values"): every
//! generated operation serializes its path, query, header and cookie parameters here, whatever
//! its body's media type, so the rules live in one place with one test table.
//!
//! Values arrive as JSON (`serde_json::to_value` of the typed parameter): strings, numbers and
//! booleans are primitives; arrays and objects spread by the style; anything nested deeper is
//! sent as its JSON text (the spec defines no serialization for it).

use std::fmt::Write as _;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::Value;

/// How a parameter is serialized; the spec's `style` keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `blue`, `blue,black`, `R,100,G,200` (path and header default).
    Simple,
    /// `.blue`, `.blue.black` (path).
    Label,
    /// `;color=blue` (path).
    Matrix,
    /// `color=blue&color=black` (query and cookie default).
    Form,
    /// `color=blue%20black` (query arrays).
    SpaceDelimited,
    /// `color=blue|black` (query arrays).
    PipeDelimited,
    /// `color[R]=100&color[G]=200` (query objects).
    DeepObject,
}

/// Characters a path segment must not carry raw (the WHATWG path-segment set, as progenitor
/// encoded them).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// The segment set plus the delimiters the label and matrix styles put between values, so a
/// value holding one cannot be read back as two.
const DELIMITED: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%')
    .add(b';')
    .add(b',')
    .add(b'=')
    .add(b'.');

/// A primitive as text: strings as they are, `null` as nothing.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        nested => nested.to_string(),
    }
}

/// The (name, value) pairs of an object or the items of an array, as text.
enum Spread {
    One(String),
    Items(Vec<String>),
    Fields(Vec<(String, String)>),
}

fn spread(value: &Value) -> Spread {
    match value {
        Value::Array(items) => Spread::Items(items.iter().map(text).collect()),
        Value::Object(fields) => {
            Spread::Fields(fields.iter().map(|(k, v)| (k.clone(), text(v))).collect())
        }
        primitive => Spread::One(text(primitive)),
    }
}

fn segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

fn delimited(text: &str) -> String {
    utf8_percent_encode(text, DELIMITED).to_string()
}

/// A path parameter's replacement for `{name}` in the path template, percent-encoded.
pub fn path(name: &str, value: &Value, style: Style, explode: bool) -> String {
    // Simple values keep the sub-delimiters raw (as every client sends ids); label and matrix
    // values escape them, since there they separate values.
    let enc: fn(&str) -> String = match style {
        Style::Label | Style::Matrix => delimited,
        _ => segment,
    };
    let join =
        |items: Vec<String>, sep: &str| items.iter().map(|i| enc(i)).collect::<Vec<_>>().join(sep);
    let pairs = |fields: Vec<(String, String)>, kv: &str, sep: &str| {
        fields
            .iter()
            .map(|(k, v)| format!("{}{kv}{}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join(sep)
    };
    let name = delimited(name);
    match (style, spread(value)) {
        (Style::Label, Spread::One(v)) => format!(".{}", enc(&v)),
        (Style::Label, Spread::Items(items)) => {
            format!(".{}", join(items, if explode { "." } else { "," }))
        }
        (Style::Label, Spread::Fields(fields)) if explode => {
            format!(".{}", pairs(fields, "=", "."))
        }
        (Style::Label, Spread::Fields(fields)) => format!(".{}", pairs(fields, ",", ",")),
        (Style::Matrix, Spread::One(v)) if v.is_empty() => format!(";{name}"),
        (Style::Matrix, Spread::One(v)) => format!(";{name}={}", enc(&v)),
        (Style::Matrix, Spread::Items(items)) if explode => items
            .iter()
            .map(|i| format!(";{name}={}", enc(i)))
            .collect(),
        (Style::Matrix, Spread::Items(items)) => format!(";{name}={}", join(items, ",")),
        (Style::Matrix, Spread::Fields(fields)) if explode => {
            format!(";{}", pairs(fields, "=", ";"))
        }
        (Style::Matrix, Spread::Fields(fields)) => format!(";{name}={}", pairs(fields, ",", ",")),
        // Simple, and any style the spec does not allow in a path.
        (_, Spread::One(v)) => enc(&v),
        (_, Spread::Items(items)) => join(items, ","),
        (_, Spread::Fields(fields)) if explode => pairs(fields, "=", ","),
        (_, Spread::Fields(fields)) => pairs(fields, ",", ","),
    }
}

/// A query (or cookie) parameter's pairs, not yet form-encoded.
pub fn query(name: &str, value: &Value, style: Style, explode: bool) -> Vec<(String, String)> {
    let one = |v: String| vec![(name.to_string(), v)];
    match (style, spread(value)) {
        (_, Spread::One(v)) => one(v),
        (Style::DeepObject, Spread::Fields(fields)) => fields
            .into_iter()
            .map(|(k, v)| (format!("{name}[{k}]"), v))
            .collect(),
        (Style::DeepObject, Spread::Items(items)) => items
            .into_iter()
            .map(|v| (format!("{name}[]"), v))
            .collect(),
        (Style::SpaceDelimited, Spread::Items(items)) if !explode => one(items.join(" ")),
        (Style::PipeDelimited, Spread::Items(items)) if !explode => one(items.join("|")),
        (Style::SpaceDelimited, Spread::Fields(fields)) if !explode => one(flat(fields, " ")),
        (Style::PipeDelimited, Spread::Fields(fields)) if !explode => one(flat(fields, "|")),
        (_, Spread::Items(items)) if explode => {
            items.into_iter().map(|v| (name.to_string(), v)).collect()
        }
        (_, Spread::Items(items)) => one(items.join(",")),
        (_, Spread::Fields(fields)) if explode => fields,
        (_, Spread::Fields(fields)) => one(flat(fields, ",")),
    }
}

/// `k1,v1,k2,v2` with the given separator.
fn flat(fields: Vec<(String, String)>, sep: &str) -> String {
    fields
        .into_iter()
        .flat_map(|(k, v)| [k, v])
        .collect::<Vec<_>>()
        .join(sep)
}

/// A header parameter's value (style `simple`, the only one headers have).
pub fn header(value: &Value, explode: bool) -> String {
    match spread(value) {
        Spread::One(v) => v,
        Spread::Items(items) => items.join(","),
        Spread::Fields(fields) if explode => fields
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        Spread::Fields(fields) => flat(fields, ","),
    }
}

/// Appends form-encoded pairs to a query string (without the leading `?`).
pub(crate) fn append_query(query: &mut String, pairs: &[(String, String)]) {
    let mut encoded = form_urlencoded::Serializer::new(String::new());
    encoded.extend_pairs(pairs);
    let encoded = encoded.finish();
    if encoded.is_empty() {
        return;
    }
    if !query.is_empty() {
        query.push('&');
    }
    let _ = write!(query, "{encoded}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The rows of the OpenAPI 3.0.3 style table (section 4.7.12.4, "Style Examples"), for
    /// `color` as a string, an array and an object; each cell written out as the spec prints it.
    #[test]
    fn path_styles_follow_the_specs_table() {
        let (s, a, o) = (
            json!("blue"),
            json!(["blue", "black", "brown"]),
            json!({"R": 100, "G": 200, "B": 150}),
        );
        let cases = [
            (Style::Simple, false, &s, "blue"),
            (Style::Simple, true, &s, "blue"),
            (Style::Simple, false, &a, "blue,black,brown"),
            (Style::Simple, true, &a, "blue,black,brown"),
            (Style::Simple, false, &o, "R,100,G,200,B,150"),
            (Style::Simple, true, &o, "R=100,G=200,B=150"),
            (Style::Label, false, &s, ".blue"),
            (Style::Label, true, &s, ".blue"),
            (Style::Label, false, &a, ".blue,black,brown"),
            (Style::Label, true, &a, ".blue.black.brown"),
            (Style::Label, false, &o, ".R,100,G,200,B,150"),
            (Style::Label, true, &o, ".R=100.G=200.B=150"),
            (Style::Matrix, false, &s, ";color=blue"),
            (Style::Matrix, true, &s, ";color=blue"),
            (Style::Matrix, false, &a, ";color=blue,black,brown"),
            (
                Style::Matrix,
                true,
                &a,
                ";color=blue;color=black;color=brown",
            ),
            (Style::Matrix, false, &o, ";color=R,100,G,200,B,150"),
            (Style::Matrix, true, &o, ";R=100;G=200;B=150"),
        ];
        for (style, explode, value, expected) in cases {
            assert_eq!(
                path("color", value, style, explode),
                expected,
                "{style:?} explode={explode} {value}"
            );
        }
    }

    #[test]
    fn query_styles_follow_the_specs_table() {
        let (a, o) = (
            json!(["blue", "black", "brown"]),
            json!({"R": 100, "G": 200, "B": 150}),
        );
        let encode = |pairs: Vec<(String, String)>| {
            let mut q = String::new();
            append_query(&mut q, &pairs);
            q
        };
        let cases = [
            (Style::Form, false, &json!("blue"), "color=blue"),
            (Style::Form, false, &a, "color=blue%2Cblack%2Cbrown"),
            (Style::Form, true, &a, "color=blue&color=black&color=brown"),
            (Style::Form, false, &o, "color=R%2C100%2CG%2C200%2CB%2C150"),
            (Style::Form, true, &o, "R=100&G=200&B=150"),
            (Style::SpaceDelimited, false, &a, "color=blue+black+brown"),
            (
                Style::PipeDelimited,
                false,
                &a,
                "color=blue%7Cblack%7Cbrown",
            ),
            (
                Style::DeepObject,
                true,
                &o,
                "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150",
            ),
        ];
        for (style, explode, value, expected) in cases {
            assert_eq!(
                encode(query("color", value, style, explode)),
                expected,
                "{style:?} explode={explode} {value}"
            );
        }
    }

    #[test]
    fn path_values_are_percent_encoded_and_headers_are_simple() {
        assert_eq!(
            path("id", &json!("a/b c;d.e"), Style::Simple, false),
            "a%2Fb%20c;d.e"
        );
        assert_eq!(
            path("id", &json!(["a.b", "c,d"]), Style::Label, true),
            ".a%2Eb.c%2Cd"
        );
        assert_eq!(header(&json!(["a", "b"]), false), "a,b");
        assert_eq!(header(&json!({"k": 1, "l": 2}), true), "k=1,l=2");
        assert_eq!(header(&json!(7), false), "7");
    }
}
