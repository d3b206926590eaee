//! Waiters of the model: each `x-sdk-waiters` entry checked against the operation it polls (the
//! operation exists, takes the parameter) and its example checked to be Rust.

use proc_macro2::TokenStream;

use super::{Example, ModelInput, Operation, Waiter};
use crate::error::{Error, Result, Stage};
use crate::extensions::{self, WAITERS};

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
                example,
            })
        })
        .collect()
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
