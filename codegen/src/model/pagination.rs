//! Paginated listings of the model: each `x-sdk-pagination` entry checked against its operation
//! (the page and size parameters exist and take numbers or strings as the style needs) and
//! against progenitor's types (the items pointer leads to an array, whose element type is what
//! `.stream()` yields).

use syn::Type;

use super::{ModelInput, Operation, Paginated};
use crate::error::{Error, Result, Stage};
use crate::extensions::{self, PAGINATION, PaginationStyle};
use crate::naming;
use crate::pointer;
use crate::syntax;

/// Types `openapi_sdk_runtime::pagination::FromPosition` converts page numbers and offsets to.
const INTEGERS: &[&str] = &[
    "i64",
    "i32",
    "u64",
    "u32",
    "isize",
    "usize",
    "NonZeroU64",
    "NonZeroU32",
    "NonZeroI64",
    "NonZeroUsize",
];

pub fn build(
    declared: &[extensions::Pagination],
    operations: &[Operation],
    input: &ModelInput<'_>,
) -> Result<Vec<Paginated>> {
    declared
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let bad = |key: &str, message: String| {
                Error::new(
                    Stage::Validate,
                    input.origins.locate(&format!("/{PAGINATION}/{i}/{key}")),
                    format!("pagination of `{}`: {message}", p.operation),
                    "fix the x-sdk-pagination declaration in the vendor's overlay (see specs/README.md)",
                )
            };
            let operation = operations
                .iter()
                .position(|o| o.id == p.operation)
                .ok_or_else(|| bad("operation", "no such operation".into()))?;
            let op = &operations[operation];
            // An optional parameter's builder field is an `Option`; its setter takes the inner type.
            let parameter_type = |name: &str, key: &str| {
                op.parameters
                    .iter()
                    .find(|q| q.name == name)
                    .and_then(|q| q.rust_type.clone())
                    .map(|ty| match syntax::type_name(&ty).as_deref() {
                        Some("Option") => syntax::generic_args(&ty).and_then(|a| a.into_iter().next()).unwrap_or(ty),
                        _ => ty,
                    })
                    .ok_or_else(|| bad(key, format!("the operation has no parameter `{name}`")))
            };
            let selector_type = parameter_type(&p.parameter, "parameter")?;
            let selector = syntax::type_name(&selector_type).unwrap_or_default();
            let fits = match p.style {
                PaginationStyle::Page | PaginationStyle::Offset => INTEGERS.contains(&selector.as_str()),
                PaginationStyle::Cursor => selector == "String",
            };
            if !fits {
                return Err(bad("parameter", format!("`{}` is a `{selector}`, which this style cannot set", p.parameter)));
            }
            if let Some(size) = &p.size {
                let ty = syntax::type_name(&parameter_type(size, "size")?).unwrap_or_default();
                if !INTEGERS.contains(&ty.as_str()) {
                    return Err(bad("size", format!("`{size}` is a `{ty}`, not a number")));
                }
            }
            let (access, item) = items(op.output(), &p.items, input).map_err(|m| bad("items", m))?;
            Ok(Paginated {
                operation,
                style: p.style,
                parameter: naming::setter_ident(&p.parameter),
                parameter_type: selector_type,
                first_page: p.first_page.unwrap_or(1),
                size: p.size.as_deref().map(naming::setter_ident).zip(p.default_size),
                access,
                item,
                next_cursor: p.next_cursor.clone(),
            })
        })
        .collect()
}

/// The fields from `output` along `items` (each with whether it is optional), and the element
/// type of the array they lead to.
fn items(
    output: &Type,
    items: &str,
    input: &ModelInput<'_>,
) -> std::result::Result<(Vec<(String, bool)>, Type), String> {
    let mut current = output.clone();
    let mut access = Vec::new();
    for segment in pointer::tokens(items).unwrap_or_default() {
        let (next, optional) = syntax::struct_field_type(input.engine, &current, &segment)
            .ok_or_else(|| format!("`{items}`: the response has no field `{segment}` there"))?;
        access.push((naming::field_name(&segment), optional));
        current = next;
    }
    match (
        syntax::type_name(&current).as_deref(),
        syntax::generic_args(&current),
    ) {
        (Some("Vec"), Some(args)) if args.len() == 1 => Ok((access, args[0].clone())),
        _ => Err(format!("`{items}` does not lead to an array of items")),
    }
}
