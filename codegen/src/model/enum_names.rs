//! Named values of integer enums: the `x-enum-varnames` extension (openapi-generator's, also read
//! by svix and fern) on an integer schema with an `enum` names each value, and the crate gets
//! them as associated constants (`CreateAvatarRequestUrlFrom::AKOOL`) beside the plain integers
//! the setters take. Read for properties of component schemas and for operation parameters,
//! whose generated types are known; elsewhere the names are reported and ignored.

use heck::ToShoutySnakeCase;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type as OaType};
use serde_json::Value;

use super::{ModelInput, Operation};
use crate::error::{Error, Result, Stage, Warning};
use crate::pointer;
use crate::syntax;

/// The extension's name.
pub const VARNAMES: &str = "x-enum-varnames";

/// The constants of one generated integer enum type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumNames {
    /// The type in `mod types` (`CreateAvatarRequestUrlFrom`).
    pub type_name: String,
    /// (constant, value), in the spec's order.
    pub constants: Vec<(String, i64)>,
}

pub fn build(
    input: &ModelInput<'_>,
    operations: &[Operation],
) -> Result<(Vec<EnumNames>, Vec<Warning>)> {
    let mut found = Vec::new();
    let mut warnings = Vec::new();
    let components = input.spec.components.as_ref();
    for (component, schema) in components.into_iter().flat_map(|c| &c.schemas) {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let SchemaKind::Type(OaType::Object(object)) = &schema.schema_kind else {
            continue;
        };
        for (property, schema) in &object.properties {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let at = pointer::join(
                &pointer::join(
                    &pointer::join("/components/schemas", component),
                    "properties",
                ),
                property,
            );
            let Some(names) = named_values(schema, &at, input)? else {
                continue;
            };
            let owner: syn::Type = match syn::parse_str(&format!(
                "types::{}",
                heck::ToUpperCamelCase::to_upper_camel_case(component.as_str())
            )) {
                Ok(ty) => ty,
                Err(_) => continue,
            };
            let ty = syntax::struct_field_type(input.engine, &owner, property).map(|(t, _)| t);
            place(ty.as_ref(), names, &at, input, &mut found, &mut warnings);
        }
    }
    for (path, method, operation) in input.spec.operations() {
        let Some(model) = operations
            .iter()
            .find(|o| Some(o.id.as_str()) == operation.operation_id.as_deref())
        else {
            continue;
        };
        for (i, parameter) in operation.parameters.iter().enumerate() {
            let ReferenceOr::Item(parameter) = parameter else {
                continue;
            };
            let data = parameter.parameter_data_ref();
            let openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) =
                &data.format
            else {
                continue;
            };
            let at = format!(
                "{}/parameters/{i}/schema",
                pointer::join(&pointer::join("/paths", path), method)
            );
            let Some(names) = named_values(schema, &at, input)? else {
                continue;
            };
            let ty = model
                .parameters
                .iter()
                .find(|p| p.name == data.name)
                .and_then(|p| p.rust_type.clone())
                .map(|ty| match syntax::type_name(&ty).as_deref() {
                    Some("Option") => syntax::generic_args(&ty)
                        .and_then(|a| a.into_iter().next())
                        .unwrap_or(ty),
                    _ => ty,
                });
            place(ty.as_ref(), names, &at, input, &mut found, &mut warnings);
        }
    }
    Ok((found, warnings))
}

/// Records the names on the generated type, or warns that they have nowhere to go.
fn place(
    ty: Option<&syn::Type>,
    constants: Vec<(String, i64)>,
    at: &str,
    input: &ModelInput<'_>,
    found: &mut Vec<EnumNames>,
    warnings: &mut Vec<Warning>,
) {
    // typify makes an integer enum a newtype over the integer (`struct Y(i64)`), whose
    // constants `Self(1)` can be; any other shape gets no names.
    let newtype = |name: &String| {
        syntax::module(&input.engine.items, "types")
            .iter()
            .any(|item| {
                matches!(item, syn::Item::Struct(s) if s.ident == name
                && matches!(&s.fields, syn::Fields::Unnamed(f) if f.unnamed.len() == 1))
            })
    };
    match ty.and_then(syntax::type_name).filter(newtype) {
        Some(type_name) if !found.iter().any(|f: &EnumNames| f.type_name == type_name) => found
            .push(EnumNames {
                type_name,
                constants,
            }),
        // The same type reached twice (a property and a parameter sharing a schema): the first
        // names stand; different ones are reported, not dropped in silence.
        Some(type_name) => {
            let first = found.iter().find(|f| f.type_name == type_name);
            if first.is_some_and(|f| f.constants != constants) {
                warnings.push(Warning {
                    location: input.origins.locate(at),
                    message: format!(
                        "{VARNAMES} ignored: `{type_name}` already has names from another schema"
                    ),
                    help: "give the two schemas the same names, or names on one of them only"
                        .into(),
                });
            }
        }
        None => warnings.push(Warning {
            location: input.origins.locate(at),
            message: format!("{VARNAMES} ignored: no generated type of its own holds these values"),
            help: "declare the enum as a component schema property or a parameter".into(),
        }),
    }
}

/// The schema's (constant, value) pairs when it is an integer enum with `x-enum-varnames`;
/// an error when the names do not fit the values.
fn named_values(
    schema: &Schema,
    at: &str,
    input: &ModelInput<'_>,
) -> Result<Option<Vec<(String, i64)>>> {
    let Some(names) = schema.schema_data.extensions.get(VARNAMES) else {
        return Ok(None);
    };
    let bad = |message: String| {
        Error::new(
            Stage::Validate,
            input.origins.locate(&pointer::join(at, VARNAMES)),
            message,
            "give one name per enum value, in the same order (e.g. [akool, third_party])",
        )
    };
    let SchemaKind::Type(OaType::Integer(integer)) = &schema.schema_kind else {
        return Err(bad(format!(
            "{VARNAMES} names the values of integer enums only"
        )));
    };
    let values: Vec<i64> = integer.enumeration.iter().flatten().copied().collect();
    let names: Vec<&str> = match names {
        Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if names.len() != values.len() || values.is_empty() {
        return Err(bad(format!(
            "{} names for {} enum values",
            names.len(),
            values.len()
        )));
    }
    let mut constants: Vec<(String, i64)> = Vec::new();
    for (name, value) in names.iter().zip(values) {
        let constant = name.to_shouty_snake_case();
        let starts_well = constant.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
        if !starts_well || syn::parse_str::<syn::Ident>(&constant).is_err() {
            return Err(bad(format!("`{name}` is not a Rust identifier")));
        }
        if constants.iter().any(|(c, _)| *c == constant) {
            return Err(bad(format!("`{name}` names two values")));
        }
        constants.push((constant, value));
    }
    Ok(Some(constants))
}
