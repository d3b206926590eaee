//! The `x-sdk-*` extensions an overlay adds to a document (response envelope, waiters): typed,
//! parsed once, unknown keys refused. Documented in specs/README.md, with a JSON Schema in
//! specs/sdk-extensions.schema.json; a malformed one is an error naming the overlay action
//! that wrote it.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result, Stage};
use crate::origins::Origins;
use crate::pointer;

pub const ENVELOPE: &str = "x-sdk-envelope";
pub const WAITERS: &str = "x-sdk-waiters";
pub const PAGINATION: &str = "x-sdk-pagination";
pub const WEBHOOKS: &str = "x-sdk-webhooks";
/// Every top-level `x-sdk-*` key the generator knows; any other is a typo and refused.
const KNOWN: &[&str] = &[ENVELOPE, WAITERS, PAGINATION, WEBHOOKS];

/// The typed extensions of one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extensions {
    pub envelope: Option<Envelope>,
    pub waiters: Vec<Waiter>,
    pub pagination: Vec<Pagination>,
    pub webhooks: Vec<Webhook>,
}

/// A webhook the API sends to the caller's server: `verify_<name>(credentials, headers, body)`
/// checks a delivery with `openapi_sdk_runtime::webhooks` and decodes the event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// Snake case; the receiver function is `verify_<name>`.
    pub name: String,
    /// What the API sends and when, shown in the function's rustdoc and the README.
    #[serde(default)]
    pub description: Option<String>,
    /// The operationIds whose request names the callback URL (for the docs).
    #[serde(default)]
    pub operations: Vec<String>,
    pub scheme: WebhookScheme,
    /// The event's schema: `{$ref: '#/components/schemas/X'}` (the event type is `types::X`).
    pub payload: Value,
    /// Rust statements for the README's receiver (a doctest), run after a delivery verified;
    /// `client` and `event` are in scope.
    #[serde(default)]
    pub example: Option<String>,
}

/// How deliveries are authenticated (`openapi_sdk_runtime::webhooks`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum WebhookScheme {
    /// <https://www.standardwebhooks.com> with a `whsec_` secret.
    Standard,
    /// HMAC-SHA256 over the raw body, in `header`.
    HmacSha256 {
        header: String,
        encoding: SignatureEncoding,
        /// Text before the signature in the header, e.g. `sha256=`.
        #[serde(default)]
        prefix: String,
    },
    /// Akool's SHA-1 signature and AES-CBC encrypted payload (clientId, clientSecret).
    Akool,
    /// No signature: the event is a hint to confirm by polling.
    Unsigned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureEncoding {
    Hex,
    Base64,
}

/// `.stream()` on an operation's builder: every item of every page, fetched lazily.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// The operationId of the listing.
    pub operation: String,
    pub style: PaginationStyle,
    /// The parameter that selects the page: its number, the offset, or the cursor.
    pub parameter: String,
    /// The first page's number (page style; default 1).
    #[serde(default)]
    pub first_page: Option<i64>,
    /// The page-size parameter, if the listing has one.
    #[serde(default)]
    pub size: Option<String>,
    /// The page size `.stream()` asks for; a shorter page is the last one. Needs `size`.
    #[serde(default)]
    pub default_size: Option<i64>,
    /// JSON pointer to the items array in what `send()` returns (empty: it is the array).
    #[serde(default)]
    pub items: String,
    /// Cursor style: JSON pointer to the next page's cursor in what `send()` returns.
    #[serde(default)]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaginationStyle {
    /// Page numbers (`page` and `size`).
    Page,
    /// Offsets (`offset` and `limit`): the next offset is the items seen so far.
    Offset,
    /// Opaque cursors the server returns.
    Cursor,
}

/// Responses wrap their data; a non-success code is an error even on HTTP 200.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// JSON pointer to the code in a response body.
    #[serde(default = "Envelope::default_code")]
    pub code: String,
    /// JSON pointer to the message.
    #[serde(default = "Envelope::default_message")]
    pub message: String,
    /// The field `send()` returns on success.
    #[serde(default = "Envelope::default_data")]
    pub data: String,
    /// The codes that mean success.
    #[serde(default)]
    pub success: Vec<i64>,
    /// Documented codes and their meanings, named in errors.
    #[serde(default)]
    pub codes: IndexMap<i64, String>,
}

impl Envelope {
    fn default_code() -> String {
        "/code".into()
    }
    fn default_message() -> String {
        "/message".into()
    }
    fn default_data() -> String {
        "data".into()
    }
}

/// `Client::<name>(parameter, Wait::up_to(max))` polls an operation until the job is done.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiter {
    /// The client method's name, e.g. `wait_for_training`.
    pub name: String,
    /// What the waiter waits for, shown in its rustdoc and the README.
    #[serde(default)]
    pub description: Option<String>,
    /// The operationId to poll.
    pub operation: String,
    /// The polled operation's parameter the waiter takes.
    pub parameter: String,
    /// JSON pointers into what `send()` returns; the first present one is the status.
    pub status: Vec<String>,
    #[serde(default)]
    pub success: Match,
    #[serde(default)]
    pub failure: Match,
    /// Optional JSON pointers to a failure reason.
    #[serde(default)]
    pub reason: Vec<String>,
    /// Names of status values, keyed by the value (`3: completed`): the variants of the
    /// waiter's status enum. Needed for integer statuses; string statuses name themselves.
    #[serde(default)]
    pub statuses: IndexMap<String, String>,
    /// Rust statements for the README (a doctest) and `examples/<name>.rs`; `client` is in scope.
    #[serde(default)]
    pub example: Option<String>,
    /// The operation that starts the job, for tests of create-then-wait (the crate's mock
    /// README answers it with the id the waiter then polls).
    #[serde(default)]
    pub start: Option<WaiterStart>,
}

/// The call that starts a waiter's job and where its answer holds the job's id.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaiterStart {
    /// The operationId that starts the job.
    pub operation: String,
    /// JSON pointer into what the operation's `send()` returns: the id the waiter takes.
    pub id: String,
}

/// Which statuses end a wait.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(from = "RawMatch")]
pub enum Match {
    /// Absent: no status ends the wait this way.
    #[default]
    Never,
    /// `present`: any status that is not null.
    Present,
    /// A list of values, compared as JSON.
    AnyOf(Vec<Value>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawMatch {
    Keyword(Keyword),
    Values(Vec<Value>),
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Keyword {
    Present,
}

impl From<RawMatch> for Match {
    fn from(raw: RawMatch) -> Self {
        match raw {
            RawMatch::Keyword(Keyword::Present) => Match::Present,
            RawMatch::Values(values) => Match::AnyOf(values),
        }
    }
}

/// Reads the document's top-level `x-sdk-*` extensions.
pub fn parse(extensions: &IndexMap<String, Value>, origins: &Origins) -> Result<Extensions> {
    for key in extensions.keys() {
        if key.starts_with("x-sdk-") && !KNOWN.contains(&key.as_str()) {
            return Err(Error::new(
                Stage::Validate,
                origins.locate(&pointer::join("", key)),
                format!("unknown SDK extension `{key}`"),
                format!(
                    "the generator knows {}; see specs/README.md",
                    KNOWN.join(", ")
                ),
            ));
        }
    }
    let envelope = extensions
        .get(ENVELOPE)
        .map(|v| typed::<Envelope>(v, ENVELOPE, origins))
        .transpose()?;
    let waiters = extensions
        .get(WAITERS)
        .map(|v| typed::<Vec<Waiter>>(v, WAITERS, origins))
        .transpose()?
        .unwrap_or_default();
    for (i, waiter) in waiters.iter().enumerate() {
        let at = format!("/{WAITERS}/{i}");
        if waiter.status.is_empty() {
            return Err(malformed(
                origins,
                &format!("{at}/status"),
                "`status` needs at least one JSON pointer",
            ));
        }
        for (key, pointers) in [("status", &waiter.status), ("reason", &waiter.reason)] {
            if let Some(j) = pointers
                .iter()
                .position(|p| !p.is_empty() && !p.starts_with('/'))
            {
                return Err(malformed(
                    origins,
                    &format!("{at}/{key}/{j}"),
                    &format!("`{}` is not a JSON pointer", pointers[j]),
                ));
            }
        }
        if let Some(j) = waiters[..i].iter().position(|w| w.name == waiter.name) {
            return Err(malformed(
                origins,
                &format!("{at}/name"),
                &format!(
                    "waiter `{}` is declared twice (also at /{WAITERS}/{j})",
                    waiter.name
                ),
            ));
        }
    }
    let pagination = extensions
        .get(PAGINATION)
        .map(|v| typed::<Vec<Pagination>>(v, PAGINATION, origins))
        .transpose()?
        .unwrap_or_default();
    for (i, p) in pagination.iter().enumerate() {
        let at = |key: &str| format!("/{PAGINATION}/{i}/{key}");
        if p.style == PaginationStyle::Cursor && p.next_cursor.is_none() {
            return Err(malformed(
                origins,
                &at("style"),
                "a cursor listing needs `next_cursor`",
            ));
        }
        if p.default_size.is_some() && p.size.is_none() {
            return Err(malformed(
                origins,
                &at("default_size"),
                "`default_size` needs the `size` parameter",
            ));
        }
        for (key, pointer) in [
            ("items", Some(&p.items)),
            ("next_cursor", p.next_cursor.as_ref()),
        ] {
            if let Some(pointer) = pointer.filter(|p| !p.is_empty() && !p.starts_with('/')) {
                return Err(malformed(
                    origins,
                    &at(key),
                    &format!("`{pointer}` is not a JSON pointer"),
                ));
            }
        }
        if pagination[..i].iter().any(|q| q.operation == p.operation) {
            return Err(malformed(
                origins,
                &at("operation"),
                &format!("`{}` is paginated twice", p.operation),
            ));
        }
    }
    let webhooks = extensions
        .get(WEBHOOKS)
        .map(|v| typed::<Vec<Webhook>>(v, WEBHOOKS, origins))
        .transpose()?
        .unwrap_or_default();
    for (i, w) in webhooks.iter().enumerate() {
        let at = |key: &str| format!("/{WEBHOOKS}/{i}/{key}");
        let snake = !w.name.is_empty()
            && w.name.starts_with(|c: char| c.is_ascii_lowercase())
            && w.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !snake {
            return Err(malformed(
                origins,
                &at("name"),
                &format!("webhook name `{}` is not snake_case", w.name),
            ));
        }
        if webhooks[..i].iter().any(|v| v.name == w.name) {
            return Err(malformed(
                origins,
                &at("name"),
                &format!("webhook `{}` is declared twice", w.name),
            ));
        }
    }
    Ok(Extensions {
        envelope,
        waiters,
        pagination,
        webhooks,
    })
}

fn typed<T: serde::de::DeserializeOwned>(value: &Value, key: &str, origins: &Origins) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut at = pointer::join("", key);
        for segment in e.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => {
                    at = pointer::join(&at, &index.to_string())
                }
                serde_path_to_error::Segment::Map { key } => at = pointer::join(&at, key),
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => {}
            }
        }
        malformed(origins, &at, &e.into_inner().to_string())
    })
}

fn malformed(origins: &Origins, at: &str, message: &str) -> Error {
    Error::new(
        Stage::Validate,
        origins.locate(at),
        format!("malformed SDK extension: {message}"),
        "fix the declaration in the vendor's overlay; specs/README.md and specs/sdk-extensions.schema.json describe every field",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn extensions(value: Value) -> IndexMap<String, Value> {
        serde_json::from_value(value).unwrap()
    }

    fn origins() -> Origins {
        let mut o = Origins::with_fallback("specs/v/api.yaml");
        o.record_overlay(
            "/x-sdk-waiters".into(),
            "specs/v/overlay.yaml",
            "/actions/2/update/x-sdk-waiters".into(),
        );
        o
    }

    #[test]
    fn waiters_and_envelopes_parse_with_defaults() {
        let parsed = parse(
            &extensions(json!({
                "x-sdk-envelope": {"success": [1000], "codes": {"1006": "quota"}},
                "x-sdk-waiters": [{"name": "w", "operation": "get", "parameter": "id", "status": ["/s"], "success": "present", "failure": [4, "x"]}],
                "x-other": 1
            })),
            &origins(),
        )
        .unwrap();
        let envelope = parsed.envelope.unwrap();
        assert_eq!(
            (
                envelope.code.as_str(),
                envelope.message.as_str(),
                envelope.data.as_str()
            ),
            ("/code", "/message", "data")
        );
        assert_eq!(envelope.codes.get(&1006).map(String::as_str), Some("quota"));
        let w = &parsed.waiters[0];
        assert_eq!(w.success, Match::Present);
        assert_eq!(w.failure, Match::AnyOf(vec![json!(4), json!("x")]));
        assert!(w.reason.is_empty() && w.example.is_none());
    }

    #[test]
    fn malformed_extensions_name_the_overlay_action() {
        let e = parse(
            &extensions(json!({"x-sdk-waiters": [{"name": "w", "operation": "get", "parameter": "id", "status": ["/s"], "sucess": [1]}]})),
            &origins(),
        )
        .unwrap_err();
        assert_eq!(e.location.file, "specs/v/overlay.yaml");
        assert_eq!(
            e.location.pointer,
            "/actions/2/update/x-sdk-waiters/0/sucess"
        );
        assert!(e.message.contains("unknown field `sucess`"), "{e}");

        let e = parse(&extensions(json!({"x-sdk-waiters": [{"operation": "get", "parameter": "id", "status": ["/s"]}]})), &origins()).unwrap_err();
        assert!(e.message.contains("missing field `name`"), "{e}");
        assert_eq!(e.location.pointer, "/actions/2/update/x-sdk-waiters/0");

        let e = parse(&extensions(json!({"x-sdk-waiters": [{"name": "w", "operation": "get", "parameter": "id", "status": []}]})), &origins()).unwrap_err();
        assert_eq!(
            e.location.pointer,
            "/actions/2/update/x-sdk-waiters/0/status"
        );

        let e = parse(&extensions(json!({"x-sdk-waiters": [{"name": "w", "operation": "get", "parameter": "id", "status": ["s"]}]})), &origins()).unwrap_err();
        assert!(e.message.contains("not a JSON pointer"), "{e}");

        let e = parse(&extensions(json!({"x-sdk-waiter": []})), &origins()).unwrap_err();
        assert!(
            e.message.contains("unknown SDK extension `x-sdk-waiter`"),
            "{e}"
        );

        let e = parse(
            &extensions(json!({"x-sdk-envelope": {"codes": {"abc": "x"}}})),
            &origins(),
        )
        .unwrap_err();
        assert_eq!(e.location.pointer, "/x-sdk-envelope/codes");
        assert_eq!(e.location.file, "specs/v/api.yaml");
    }

    #[test]
    fn webhooks_parse_every_scheme_and_refuse_bad_names() {
        let parsed = parse(
            &extensions(json!({"x-sdk-webhooks": [
                {"name": "a", "scheme": "akool", "payload": {"$ref": "#/components/schemas/E"}},
                {"name": "b", "scheme": "standard", "payload": {}},
                {"name": "c", "scheme": {"hmac-sha256": {"header": "X-Sig", "encoding": "hex", "prefix": "sha256="}}, "payload": {}},
                {"name": "d", "scheme": "unsigned", "payload": {}, "operations": ["op"]}
            ]})),
            &origins(),
        )
        .unwrap();
        let schemes: Vec<_> = parsed.webhooks.iter().map(|w| w.scheme.clone()).collect();
        assert_eq!(
            schemes,
            vec![
                WebhookScheme::Akool,
                WebhookScheme::Standard,
                WebhookScheme::HmacSha256 {
                    header: "X-Sig".into(),
                    encoding: SignatureEncoding::Hex,
                    prefix: "sha256=".into()
                },
                WebhookScheme::Unsigned
            ]
        );
        let e = parse(
            &extensions(
                json!({"x-sdk-webhooks": [{"name": "a", "scheme": "hmac", "payload": {}}]}),
            ),
            &origins(),
        )
        .unwrap_err();
        assert_eq!(e.location.pointer, "/x-sdk-webhooks/0/scheme");
        let e = parse(&extensions(json!({"x-sdk-webhooks": [{"name": "a", "scheme": {"hmac-sha256": {"header": "h"}}, "payload": {}}]})), &origins()).unwrap_err();
        assert!(e.message.contains("missing field `encoding`"), "{e}");
        let e = parse(&extensions(json!({"x-sdk-webhooks": [{"name": "Video-Done", "scheme": "akool", "payload": {}}]})), &origins()).unwrap_err();
        assert!(e.message.contains("not snake_case"), "{e}");
        let e = parse(&extensions(json!({"x-sdk-webhooks": [{"name": "a", "scheme": "akool", "payload": {}}, {"name": "a", "scheme": "akool", "payload": {}}]})), &origins()).unwrap_err();
        assert_eq!(e.location.pointer, "/x-sdk-webhooks/1/name");
    }

    /// The fields serde accepts, read from its unknown-field error ("expected one of `a`, `b`").
    fn accepted_fields<T: serde::de::DeserializeOwned>() -> Vec<String> {
        let error = serde_json::from_value::<T>(json!({"?unknown?": 0}))
            .err()
            .unwrap()
            .to_string();
        let list = error
            .split("expected one of ")
            .nth(1)
            .unwrap_or_else(|| panic!("{error}"));
        let mut fields: Vec<String> = list
            .split(", ")
            .map(|f| f.split('`').nth(1).unwrap().to_string())
            .collect();
        fields.sort();
        fields
    }

    /// specs/sdk-extensions.schema.json describes exactly what the generator accepts.
    #[test]
    fn the_json_schema_names_exactly_the_fields_the_structs_take() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../specs/sdk-extensions.schema.json");
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let properties = |def: &str| {
            let mut names: Vec<String> = schema["$defs"][def]["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            names.sort();
            names
        };
        assert_eq!(properties("envelope"), accepted_fields::<Envelope>());
        assert_eq!(properties("waiter"), accepted_fields::<Waiter>());
        assert_eq!(properties("pagination"), accepted_fields::<Pagination>());
        assert_eq!(properties("webhook"), accepted_fields::<Webhook>());
        let mut top: Vec<&str> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        top.sort();
        let mut known = KNOWN.to_vec();
        known.sort();
        assert_eq!(top, known);
        let required: Vec<&str> = schema["$defs"]["waiter"]["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for field in accepted_fields::<Waiter>() {
            let mut minimal =
                json!({"name": "w", "operation": "o", "parameter": "p", "status": ["/s"]});
            minimal.as_object_mut().unwrap().remove(&field);
            let accepted = serde_json::from_value::<Waiter>(minimal).is_ok();
            assert_eq!(
                accepted,
                !required.contains(&field.as_str()),
                "field `{field}`: required in the schema iff serde requires it"
            );
        }
    }
}
