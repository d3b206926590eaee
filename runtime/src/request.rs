//! The request one generated operation builds: its URL (path parameters by style), query,
//! headers, cookies and body of any media type. Every operation, JSON, multipart or raw, builds
//! one of these and hands it to [`Runtime`](crate::Runtime), which sends it (again for a
//! retry: the request is rebuilt from these parts, so streams and forms need no cloning).

use std::cell::Cell;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::multipart::FilePart;
use crate::options::CallOptions;
use crate::params::{self, Style};

thread_local! {
    static SERIALIZING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` (serializing a request's body or parameter) with the request flag set: values
/// that check constraints only when sent (`BoundedMap`) check them inside.
pub(crate) fn serializing<T>(f: impl FnOnce() -> T) -> T {
    let before = SERIALIZING.with(|s| s.replace(true));
    let out = f();
    SERIALIZING.with(|s| s.set(before));
    out
}

/// Whether a request is being serialized on this thread (see [`serializing`]).
pub(crate) fn sending() -> bool {
    SERIALIZING.with(Cell::get)
}

/// What an operation is, for tracing and for deciding what a response status means.
#[derive(Debug)]
pub struct Operation {
    /// The client method's name (`list_avatars`).
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template (`/avatars/{id}`), traced instead of the filled-in URL.
    pub path: &'static str,
    /// Statuses whose body is the success type.
    pub success: &'static [Status],
    /// Statuses whose body is the documented error type.
    pub errors: &'static [Status],
    /// The `Accept` header (the success media type).
    pub accept: &'static str,
    /// The operation's own security requirement (alternatives, each a set of schemes);
    /// `None`: the document's; `Some(&[])`: none.
    pub security: Option<&'static [&'static [crate::auth::AuthScheme]]>,
    /// The success body streams to the caller (a download): no total timeout per attempt, only
    /// the client's idle timeout between reads.
    pub stream: bool,
}

/// A documented response status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// One status code (`404`).
    Code(u16),
    /// `2XX`: the hundreds digit.
    Range(u16),
    /// `default`: any status no other entry names.
    Default,
}

impl Status {
    fn matches(self, status: u16) -> bool {
        match self {
            Status::Code(code) => code == status,
            Status::Range(hundreds) => status / 100 == hundreds,
            Status::Default => true,
        }
    }
}

impl Operation {
    /// Whether `status` is a success: a success entry names it (before `default`), or only
    /// `default` does and the status is 2xx.
    pub(crate) fn is_success(&self, status: u16) -> bool {
        let named = |list: &[Status]| {
            list.iter()
                .any(|s| *s != Status::Default && s.matches(status))
        };
        if named(self.success) {
            return true;
        }
        if named(self.errors) {
            return false;
        }
        self.success.contains(&Status::Default) && (200..300).contains(&status)
    }

    /// Whether an error `status` carries the documented error body.
    pub(crate) fn documents_error(&self, status: u16) -> bool {
        self.errors.iter().any(|s| s.matches(status))
    }
}

/// A request body, kept in parts so every attempt can send it again.
#[derive(Debug, Clone, Default)]
pub(crate) enum Body {
    #[default]
    None,
    /// Serialized bytes with their content type (JSON, form, text, raw bytes).
    Bytes(Bytes, HeaderValue),
    /// A raw body streamed from a file or reader, opened again for each attempt.
    File(FilePart, HeaderValue),
    Multipart(Vec<(String, Part)>),
}

#[derive(Debug, Clone)]
pub(crate) enum Part {
    Text(String),
    File(FilePart),
}

/// One call's request, as the generated operation builds it. Encoding failures (a value that
/// does not serialize, a header value HTTP cannot carry) are kept and reported, unsent, when
/// the call starts.
#[derive(Debug)]
pub struct Request {
    pub(crate) operation: &'static Operation,
    pub(crate) url: String,
    pub(crate) query: String,
    pub(crate) headers: HeaderMap,
    pub(crate) cookies: String,
    pub(crate) body: Body,
    pub(crate) options: Option<CallOptions>,
    pub(crate) invalid: Option<String>,
}

impl Request {
    /// A request for `operation` against `base_url` (which has no trailing slash).
    pub fn new(operation: &'static Operation, base_url: &str) -> Self {
        let mut url = String::with_capacity(base_url.len() + operation.path.len() + 16);
        url.push_str(base_url);
        Request {
            operation,
            url,
            query: String::new(),
            headers: HeaderMap::new(),
            cookies: String::new(),
            body: Body::None,
            options: None,
            invalid: None,
        }
    }

    fn fail(&mut self, message: String) {
        self.invalid.get_or_insert(message);
    }

    fn json_of<T: Serialize>(&mut self, name: &str, value: &T) -> Option<serde_json::Value> {
        match serializing(|| serde_json::to_value(value)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(format!("{name}: {e}"));
                None
            }
        }
    }

    /// Appends a literal piece of the path template.
    pub fn path(&mut self, literal: &str) -> &mut Self {
        self.url.push_str(literal);
        self
    }

    /// Appends a path parameter's value.
    pub fn path_param<T: Serialize>(
        &mut self,
        name: &str,
        value: &T,
        style: Style,
        explode: bool,
    ) -> &mut Self {
        if let Some(v) = self.json_of(name, value) {
            self.url.push_str(&params::path(name, &v, style, explode));
        }
        self
    }

    /// Adds a query parameter.
    pub fn query<T: Serialize>(
        &mut self,
        name: &str,
        value: &T,
        style: Style,
        explode: bool,
    ) -> &mut Self {
        if let Some(v) = self.json_of(name, value) {
            params::append_query(&mut self.query, &params::query(name, &v, style, explode));
        }
        self
    }

    /// Adds a query parameter declared with `content` (its value sent as JSON text).
    pub fn query_json<T: Serialize>(&mut self, name: &str, value: &T) -> &mut Self {
        match serializing(|| serde_json::to_string(value)) {
            Ok(text) => params::append_query(&mut self.query, &[(name.to_string(), text)]),
            Err(e) => self.fail(format!("{name}: {e}")),
        }
        self
    }

    /// Sets a header parameter (style `simple`).
    pub fn header<T: Serialize>(
        &mut self,
        name: &'static str,
        value: &T,
        explode: bool,
    ) -> &mut Self {
        if let Some(v) = self.json_of(name, value) {
            let text = params::header(&v, explode);
            self.header_text(name, &text);
        }
        self
    }

    /// Sets a header parameter declared with `content` (its value sent as JSON text).
    pub fn header_json<T: Serialize>(&mut self, name: &'static str, value: &T) -> &mut Self {
        match serializing(|| serde_json::to_string(value)) {
            Ok(text) => self.header_text(name, &text),
            Err(e) => self.fail(format!("{name}: {e}")),
        }
        self
    }

    fn header_text(&mut self, name: &'static str, text: &str) {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(text),
        ) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            (Err(_), _) => self.fail(format!("`{name}` is not a valid HTTP header name")),
            (_, Err(_)) => self.fail(format!(
                "the value of header `{name}` holds characters HTTP cannot carry"
            )),
        }
    }

    /// Adds a cookie parameter (style `form`).
    pub fn cookie<T: Serialize>(&mut self, name: &str, value: &T, explode: bool) -> &mut Self {
        if let Some(v) = self.json_of(name, value) {
            for (k, v) in params::query(name, &v, Style::Form, explode) {
                if !self.cookies.is_empty() {
                    self.cookies.push_str("; ");
                }
                // Cookie values cannot hold `;`, `,` or spaces raw.
                self.cookies.push_str(&k);
                self.cookies.push('=');
                self.cookies
                    .extend(form_urlencoded::byte_serialize(v.as_bytes()));
            }
        }
        self
    }

    /// A JSON body (`application/json` or a `+json` type).
    pub fn json<T: Serialize>(&mut self, content_type: &'static str, body: &T) -> &mut Self {
        match serializing(|| serde_json::to_vec(body)) {
            Ok(bytes) => self.bytes_body(content_type, bytes.into()),
            Err(e) => self.fail(format!("body: {e}")),
        }
        self
    }

    /// An `application/x-www-form-urlencoded` body.
    pub fn form<T: Serialize>(&mut self, body: &T) -> &mut Self {
        let pairs = match serializing(|| serde_json::to_value(body)) {
            Ok(serde_json::Value::Object(fields)) => fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .flat_map(|(k, v)| params::query(k, v, Style::Form, true))
                .collect::<Vec<_>>(),
            Ok(other) => {
                self.fail(format!("body: a form body must be an object, not {other}"));
                return self;
            }
            Err(e) => {
                self.fail(format!("body: {e}"));
                return self;
            }
        };
        let mut text = String::new();
        params::append_query(&mut text, &pairs);
        self.bytes_body("application/x-www-form-urlencoded", text.into());
        self
    }

    /// A text or raw-bytes body with its media type.
    pub fn raw(&mut self, content_type: &'static str, body: impl Into<Bytes>) -> &mut Self {
        self.bytes_body(content_type, body.into());
        self
    }

    /// A raw body streamed from a file or reader (`FilePart::path`, `FilePart::reader`).
    pub fn raw_file(&mut self, content_type: &'static str, file: FilePart) -> &mut Self {
        self.body = Body::File(file, HeaderValue::from_static(content_type));
        self
    }

    fn bytes_body(&mut self, content_type: &'static str, bytes: Bytes) {
        self.body = Body::Bytes(bytes, HeaderValue::from_static(content_type));
    }

    /// A text field of a `multipart/form-data` body.
    pub fn multipart_text(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        self.parts()
            .push((name.to_string(), Part::Text(value.into())));
        self
    }

    /// A file part of a `multipart/form-data` body.
    pub fn multipart_file(&mut self, name: &str, file: FilePart) -> &mut Self {
        self.parts().push((name.to_string(), Part::File(file)));
        self
    }

    fn parts(&mut self) -> &mut Vec<(String, Part)> {
        if !matches!(self.body, Body::Multipart(_)) {
            self.body = Body::Multipart(Vec::new());
        }
        match &mut self.body {
            Body::Multipart(parts) => parts,
            _ => unreachable!("set just above"),
        }
    }

    /// Options for this call only (`send_with`).
    pub fn options(&mut self, options: Option<CallOptions>) -> &mut Self {
        self.options = options;
        self
    }

    /// The `reqwest::Request` of one attempt.
    pub(crate) fn build(&self, http: &reqwest::Client) -> Result<reqwest::Request, String> {
        let mut url = String::with_capacity(self.url.len() + 1 + self.query.len());
        url.push_str(&self.url);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        let mut builder = http
            .request(self.operation.method.clone(), url)
            .headers(self.headers.clone());
        if !self.operation.accept.is_empty() {
            builder = builder.header(reqwest::header::ACCEPT, self.operation.accept);
        }
        if !self.cookies.is_empty() {
            builder = builder.header(COOKIE, &self.cookies);
        }
        builder = match &self.body {
            Body::None => builder,
            Body::Bytes(bytes, content_type) => builder
                .header(CONTENT_TYPE, content_type.clone())
                .body(bytes.clone()),
            Body::File(file, content_type) => {
                let (body, length) = file.body().map_err(|e| format!("body: {e}"))?;
                let builder = builder.header(CONTENT_TYPE, content_type.clone());
                let builder = match length {
                    Some(length) => builder.header(reqwest::header::CONTENT_LENGTH, length),
                    None => builder,
                };
                builder.body(body)
            }
            Body::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for (name, part) in parts {
                    form = match part {
                        Part::Text(text) => form.text(name.clone(), text.clone()),
                        Part::File(file) => form.part(
                            name.clone(),
                            file.to_part().map_err(|e| format!("{name}: {e}"))?,
                        ),
                    };
                }
                builder.multipart(form)
            }
        };
        builder.build().map_err(|e| {
            std::error::Error::source(&e).map_or_else(|| e.to_string(), crate::error::causes)
        })
    }
}
