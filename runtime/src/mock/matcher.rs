//! What a request must look like for an expectation to take it: method, path template with
//! set parameters, query, headers and body checks; and why it does not, for the 404 that
//! explains an unmatched request.

use std::sync::Arc;

use wiremock::Request;

pub(super) type BodyCheck = Box<dyn Fn(&[u8]) -> Result<(), String> + Send + Sync>;

/// One segment of a path template: literal text and parameters (`{id}`, `{name}.json`).
pub(super) type Segment = Vec<Part>;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Part {
    Literal(String),
    /// A parameter, with the value it must have (any non-empty text when `None`).
    Param(String, Option<String>),
}

pub(super) struct Matcher {
    pub(super) operation: &'static str,
    pub(super) method: &'static str,
    pub(super) template: &'static str,
    pub(super) path: Vec<Segment>,
    pub(super) query: Vec<(String, String)>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) bodies: Vec<BodyCheck>,
}

impl Matcher {
    /// Whether method and path fit, ignoring parameter values: the request was meant for it.
    pub(super) fn route_fits(&self, request: &Request) -> bool {
        request.method.as_str() == self.method
            && segments(request).is_some_and(|s| {
                s.len() == self.path.len()
                    && self
                        .path
                        .iter()
                        .zip(&s)
                        .all(|(template, actual)| fits(template, actual, false))
            })
    }

    /// `Ok` when the request matches, else why not.
    pub(super) fn explain(&self, request: &Request) -> Result<(), String> {
        if request.method.as_str() != self.method {
            return Err(format!("the method is not {}", self.method));
        }
        let actual = segments(request).unwrap_or_default();
        let path_fits = actual.len() == self.path.len()
            && self
                .path
                .iter()
                .zip(&actual)
                .all(|(template, actual)| fits(template, actual, true));
        if !path_fits {
            return Err(format!(
                "the path does not fit {} with its set parameters",
                self.template
            ));
        }
        let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        for (name, value) in &self.query {
            if !pairs.iter().any(|(n, v)| n == name && v == value) {
                return Err(format!("query parameter `{name}` is not `{value}`"));
            }
        }
        for (name, value) in &self.headers {
            let sent = request
                .headers
                .get(name.as_str())
                .and_then(|v| v.to_str().ok());
            if sent != Some(value.as_str()) {
                return Err(format!("header `{name}` is not `{value}`"));
            }
        }
        self.bodies
            .iter()
            .try_for_each(|check| check(&request.body))
    }
}

/// The request path's segments, percent-decoded (`None` when one is not UTF-8).
pub(super) fn segments(request: &Request) -> Option<Vec<String>> {
    request
        .url
        .path()
        .trim_start_matches('/')
        .split('/')
        .map(percent_decode)
        .collect()
}

pub(super) fn parse_template(path: &str) -> Vec<Segment> {
    path.trim_start_matches('/')
        .split('/')
        .map(|segment| {
            let mut parts = Vec::new();
            let mut rest = segment;
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                    break;
                };
                if open > 0 {
                    parts.push(Part::Literal(rest[..open].to_string()));
                }
                parts.push(Part::Param(rest[open + 1..close].to_string(), None));
                rest = &rest[close + 1..];
            }
            if !rest.is_empty() || parts.is_empty() {
                parts.push(Part::Literal(rest.to_string()));
            }
            parts
        })
        .collect()
}

/// Whether `actual` fits the template segment; `values`: set parameters must have their value.
pub(super) fn fits(template: &[Part], actual: &str, values: bool) -> bool {
    match template.split_first() {
        None => actual.is_empty(),
        Some((Part::Literal(literal), rest)) => actual
            .strip_prefix(literal.as_str())
            .is_some_and(|after| fits(rest, after, values)),
        Some((Part::Param(_, Some(value)), rest)) if values => actual
            .strip_prefix(value.as_str())
            .is_some_and(|after| fits(rest, after, values)),
        // Any non-empty text, the shortest first (a literal may follow).
        Some((Part::Param(..), rest)) => actual
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain([actual.len()])
            .filter(|&i| i > 0)
            .any(|i| fits(rest, &actual[i..], values)),
    }
}

/// A request path segment as the client meant it (`a%20b` -> `a b`); `None` when it is not UTF-8.
pub(super) fn percent_decode(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// The wiremock matcher of one expectation.
pub(super) struct Matching(pub(super) Arc<Matcher>);

impl wiremock::Match for Matching {
    fn matches(&self, request: &Request) -> bool {
        self.0.explain(request).is_ok()
    }
}
