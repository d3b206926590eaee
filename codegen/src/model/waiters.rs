//! Waiters of the model: each `x-sdk-waiters` entry checked against the operation it polls (the
//! operation exists, takes the parameter), its status values named as an enum, and its example
//! checked to be Rust.

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use serde_json::Value;

use super::{Example, ModelInput, Operation, Waiter};
use crate::error::{Error, Result, Stage};
use crate::extensions::{self, Match, WAITERS};

pub fn build(
    declared: &[extensions::Waiter],
    operations: &[Operation],
    input: &ModelInput<'_>,
) -> Result<Vec<Waiter>> {
    declared
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let at = |key: &str| format!("/{WAITERS}/{i}/{key}");
            let bad = |key: &str, message: String| {
                Error::new(
                    Stage::Validate,
                    input.origins.locate(&at(key)),
                    format!("waiter `{}`: {message}", w.name),
                    "fix the waiter declaration in the vendor's overlay (see specs/README.md)",
                )
            };
            if syn::parse_str::<syn::Ident>(&w.name).is_err() {
                return Err(bad("name", "is not a Rust identifier".into()));
            }
            let operation = operations
                .iter()
                .position(|o| o.id == w.operation)
                .ok_or_else(|| {
                    bad(
                        "operation",
                        format!("operation `{}` does not exist", w.operation),
                    )
                })?;
            let parameter_type = operations[operation]
                .parameters
                .iter()
                .find(|p| p.name == w.parameter)
                .and_then(|p| p.rust_type.clone())
                .ok_or_else(|| {
                    bad(
                        "parameter",
                        format!(
                            "operation `{}` has no parameter `{}`",
                            w.operation, w.parameter
                        ),
                    )
                })?;
            let example = match &w.example {
                Some(text) => Some(example(text).map_err(|e| {
                    bad(
                        "example",
                        format!("the example is not Rust statements: {e}"),
                    )
                })?),
                None => None,
            };
            let start = match &w.start {
                Some(start) => {
                    let at = operations
                        .iter()
                        .position(|o| o.id == start.operation)
                        .ok_or_else(|| {
                            bad(
                                "start/operation",
                                format!("operation `{}` does not exist", start.operation),
                            )
                        })?;
                    if !start.id.is_empty() && !start.id.starts_with('/') {
                        return Err(bad(
                            "start/id",
                            format!("`{}` is not a JSON pointer (start it with `/`)", start.id),
                        ));
                    }
                    Some((at, start.id.clone()))
                }
                None => None,
            };
            let schemas: Vec<String> = input
                .spec
                .components
                .as_ref()
                .map(|c| c.schemas.keys().map(|k| k.to_upper_camel_case()).collect())
                .unwrap_or_default();
            let status_type =
                status_type(w, &schemas).map_err(|(key, message)| bad(key, message))?;
            Ok(Waiter {
                name: w.name.clone(),
                description: w.description.clone(),
                operation,
                parameter: w.parameter.clone(),
                parameter_type,
                status: w.status.clone(),
                success: w.success.clone(),
                failure: w.failure.clone(),
                reason: w.reason.clone(),
                status_type,
                example,
                start,
            })
        })
        .collect()
}

/// The enum a waiter reports its status as (`VideoStatus`), with the variants it declares.
#[derive(Clone)]
pub struct StatusType {
    pub name: String,
    pub kind: StatusKind,
}

#[derive(Clone)]
pub enum StatusKind {
    /// Declared values (from `statuses`, `success`, `failure`), plus `Other(String)` for any
    /// value the declaration does not list: the API may add statuses.
    Values(Vec<StatusVariant>),
    /// `present`: the status is whether a value exists, so the enum is `Pending` and `Ready`
    /// (or `Failed`, when `failure` is `present`); there is no value to name or to leave out.
    Presence { ready: bool, failed: bool },
}

#[derive(Clone)]
pub struct StatusVariant {
    pub variant: String,
    /// The value as JSON.
    pub value: Value,
    /// What `Display` shows: a string value itself, a number's name from `statuses`.
    pub label: String,
}

/// `wait_for_video` reports a `VideoStatus`; if a schema already has that name (a glob import
/// of the crate and its `types` would then be ambiguous) it is `WaitForVideoStatus`.
fn status_type(
    w: &extensions::Waiter,
    schemas: &[String],
) -> std::result::Result<StatusType, (&'static str, String)> {
    let stem = w.name.strip_prefix("wait_for_").unwrap_or(&w.name);
    let mut name = format!("{}Status", stem.to_upper_camel_case());
    if schemas.contains(&name) {
        name = format!("{}Status", w.name.to_upper_camel_case());
    }
    let kind = match (&w.success, &w.failure) {
        (Match::Present, Match::AnyOf(_)) | (Match::AnyOf(_), Match::Present) => {
            return Err((
                "success",
                "mixes `present` with a list of values; a status is either a value or its presence"
                    .into(),
            ));
        }
        (Match::Present, _) | (_, Match::Present) => {
            if !w.statuses.is_empty() {
                return Err((
                    "statuses",
                    "names values, but a `present` waiter's status is only whether a value exists"
                        .into(),
                ));
            }
            StatusKind::Presence {
                ready: w.success == Match::Present,
                failed: w.failure == Match::Present,
            }
        }
        (success, failure) => {
            let listed = |m: &Match| match m {
                Match::AnyOf(values) => values.clone(),
                _ => Vec::new(),
            };
            // A key that is an integer literal names that integer; any other key a string.
            let mut values: Vec<Value> = w
                .statuses
                .keys()
                .map(|k| {
                    k.parse::<i64>()
                        .map_or_else(|_| Value::from(k.as_str()), Value::from)
                })
                .collect();
            for v in listed(success).into_iter().chain(listed(failure)) {
                if !values.contains(&v) {
                    values.push(v);
                }
            }
            let mut variants: Vec<StatusVariant> = Vec::new();
            for value in values {
                let named = w.statuses.iter().find(|(k, _)| match &value {
                    Value::String(s) => s == *k,
                    other => *k == &other.to_string(),
                });
                // A string names itself on screen (what the API sends); a number shows its name.
                let (variant, label) = match (named, &value) {
                    (Some((_, name)), Value::String(s)) => (name.to_upper_camel_case(), s.clone()),
                    (Some((_, name)), _) => (name.to_upper_camel_case(), name.clone()),
                    (None, Value::String(s)) => (s.to_upper_camel_case(), s.clone()),
                    (None, other) => {
                        return Err((
                            "statuses",
                            format!(
                                "status {other} has no name: add `{other}: <name>` to `statuses`"
                            ),
                        ));
                    }
                };
                if syn::parse_str::<syn::Ident>(&variant).is_err() || variant == "Other" {
                    return Err((
                        "statuses",
                        format!(
                            "status {value} becomes the variant `{variant}`, which is not a usable Rust name: name it in `statuses`"
                        ),
                    ));
                }
                if variants.iter().any(|v| v.variant == variant) {
                    return Err((
                        "statuses",
                        format!(
                            "two statuses become the variant `{variant}`: name them apart in `statuses`"
                        ),
                    ));
                }
                variants.push(StatusVariant {
                    variant,
                    value,
                    label,
                });
            }
            StatusKind::Values(variants)
        }
    };
    Ok(StatusType { name, kind })
}

/// Splits off the leading comment lines (they become the example program's docs) and parses
/// the rest as the statements of a block.
fn example(text: &str) -> syn::Result<Example> {
    let comments = text
        .lines()
        .map(str::trim)
        .take_while(|l| l.starts_with("//"))
        .map(|l| l.trim_start_matches('/').trim().to_string())
        .collect();
    let block: syn::Block = syn::parse_str(&format!("{{\n{text}\n}}"))?;
    let mut statements = TokenStream::new();
    for stmt in &block.stmts {
        quote::ToTokens::to_tokens(stmt, &mut statements);
    }
    Ok(Example {
        text: text.to_string(),
        comments,
        statements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn waiter(extra: Value) -> extensions::Waiter {
        let mut w = json!({"name": "wait_for_video", "operation": "get", "parameter": "id", "status": ["/s"]});
        if let (Some(w), Value::Object(extra)) = (w.as_object_mut(), extra) {
            w.extend(extra);
        }
        serde_json::from_value(w).unwrap()
    }

    fn variants(t: &StatusType) -> Vec<(String, Value, String)> {
        match &t.kind {
            StatusKind::Values(v) => v
                .iter()
                .map(|v| (v.variant.clone(), v.value.clone(), v.label.clone()))
                .collect(),
            StatusKind::Presence { .. } => panic!("not a value status"),
        }
    }

    /// Integer statuses take their names from `statuses`, in its order, then the success and
    /// failure values not named there; strings name themselves and show as sent.
    #[test]
    fn statuses_become_named_variants() {
        let t = status_type(
            &waiter(json!({"success": [3], "failure": [4], "statuses": {"1": "queueing", "3": "completed", "4": "failed"}})),
            &[],
        )
        .unwrap();
        assert_eq!(t.name, "VideoStatus");
        assert_eq!(
            variants(&t),
            [
                ("Queueing".into(), json!(1), "queueing".into()),
                ("Completed".into(), json!(3), "completed".into()),
                ("Failed".into(), json!(4), "failed".into()),
            ]
        );
        let t = status_type(
            &waiter(json!({"success": ["IDLE"], "failure": ["TRAINING_FAILED"], "statuses": {"TRAINING": "training"}})),
            &[],
        )
        .unwrap();
        assert_eq!(
            variants(&t),
            [
                ("Training".into(), json!("TRAINING"), "TRAINING".into()),
                ("Idle".into(), json!("IDLE"), "IDLE".into()),
                (
                    "TrainingFailed".into(),
                    json!("TRAINING_FAILED"),
                    "TRAINING_FAILED".into()
                ),
            ]
        );
    }

    #[test]
    fn presence_is_pending_or_ready_and_names_avoid_schemas() {
        let t = status_type(
            &waiter(json!({"success": "present"})),
            &["VideoStatus".into()],
        )
        .unwrap();
        assert_eq!(t.name, "WaitForVideoStatus");
        assert!(matches!(
            t.kind,
            StatusKind::Presence {
                ready: true,
                failed: false
            }
        ));
    }

    #[test]
    fn unnamed_integers_and_clashing_names_are_refused() {
        let (key, message) = status_type(&waiter(json!({"success": [3]})), &[])
            .err()
            .unwrap();
        assert_eq!(key, "statuses");
        assert!(message.contains("add `3: <name>`"), "{message}");
        let (_, message) = status_type(
            &waiter(
                json!({"success": [1], "failure": [2], "statuses": {"1": "done", "2": "Done"}}),
            ),
            &[],
        )
        .err()
        .unwrap();
        assert!(
            message.contains("two statuses become the variant `Done`"),
            "{message}"
        );
        let (_, message) = status_type(&waiter(json!({"success": ["other"]})), &[])
            .err()
            .unwrap();
        assert!(message.contains("`Other`"), "{message}");
        let (key, _) = status_type(&waiter(json!({"success": "present", "failure": [4]})), &[])
            .err()
            .unwrap();
        assert_eq!(key, "success");
    }
}
