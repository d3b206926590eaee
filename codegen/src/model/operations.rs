//! The operations of the model: names, parameters (`$ref`s resolved, operation-level overriding
//! path-level), request media types, the multipart form, and the types progenitor gave them.

use openapiv3::{
    OpenAPI, Parameter as SpecParameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind,
    StatusCode, StringFormat, StringType, Type as SchemaType, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::{
    ModelInput, Multipart, MultipartField, Operation, ParamIn, Parameter, engine_mismatch,
};
use crate::error::{Error, Result, Stage};
use crate::naming;
use crate::normalize::{BODY_ASIDE, OTHER_MEDIA_TYPES};
use crate::pointer;
use crate::syntax;

const MULTIPART: &str = "multipart/form-data";

pub fn build(input: &ModelInput<'_>, data_field: Option<&str>) -> Result<Vec<Operation>> {
    let spec = input.spec;
    let sends = syntax::sends(input.engine);
    let mut out = Vec::new();
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (http, op) in item.iter() {
            let Some(id) = &op.operation_id else { continue };
            let at = pointer::join(&pointer::join("/paths", path), http);
            let method = naming::method_name(id);
            let builder = naming::builder_name(&method);
            let (ok, err) = sends
                .iter()
                .find(|(name, ..)| *name == builder)
                .map(|(_, ok, err)| (ok.clone(), err.clone()))
                .ok_or_else(|| engine_mismatch(input, &at, format!("progenitor made no builder `{builder}` with a `send` for operation `{id}`")))?;
            let data =
                data_field.and_then(|field| syntax::struct_field_type(input.engine, &ok, field));
            let mut parameters = Vec::new();
            for (i, p) in item.parameters.iter().chain(&op.parameters).enumerate() {
                let from = if i < item.parameters.len() {
                    format!("/paths/{}/parameters/{i}", pointer::escape(path))
                } else {
                    format!("{at}/parameters/{}", i - item.parameters.len())
                };
                let p = parameter(spec, p, &builder, input, &from)?;
                // The operation's own declaration of (name, in) replaces the path item's.
                parameters.retain(|q: &Parameter| !(q.name == p.name && q.location == p.location));
                parameters.push(p);
            }
            let set_aside = op
                .extensions
                .get(OTHER_MEDIA_TYPES)
                .and_then(Value::as_object);
            let other_media_types: Vec<String> = set_aside
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .filter(|k| k != "x-request-body")
                .collect();
            let body_aside = op.extensions.contains_key(BODY_ASIDE);
            let multipart = match set_aside
                .and_then(|m| m.get(MULTIPART))
                .and_then(|m| m.get("schema"))
            {
                Some(schema) => Some(multipart(spec, schema, body_aside, input, &at)?),
                None => None,
            };
            let body_media_type = match &op.request_body {
                Some(ReferenceOr::Item(body)) => body.content.keys().next().cloned(),
                Some(ReferenceOr::Reference { reference }) => reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|name| spec.components.as_ref()?.request_bodies.get(name))
                    .and_then(|b| b.as_item())
                    .and_then(|b| b.content.keys().next().cloned()),
                None => None,
            };
            let json_body = body_media_type
                .as_deref()
                .filter(|m| is_json(m))
                .and_then(|_| syntax::builder_field_type(input.engine, &builder, "body"))
                .and_then(built_type);
            let success_statuses = op
                .responses
                .responses
                .keys()
                .filter_map(|code| match code {
                    StatusCode::Code(c) if (200..300).contains(c) => Some(*c),
                    _ => None,
                })
                .collect();
            out.push(Operation {
                id: id.clone(),
                summary: op
                    .summary
                    .clone()
                    .or_else(|| op.description.clone())
                    .unwrap_or_default(),
                method,
                builder,
                http: http.to_ascii_uppercase(),
                path: path.clone(),
                parameters,
                body_media_type,
                json_body,
                other_media_types,
                body_aside,
                multipart,
                success_statuses,
                ok,
                err,
                data,
            });
        }
    }
    Ok(out)
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// The type a builder's body field stands for: typify's `types::builder::X` builds `types::X`;
/// any other type is itself, except a raw `reqwest::Body` (no JSON type: `None`).
fn built_type(field: syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(mut p) = field else {
        return Some(field);
    };
    let names: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match names
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["types", "builder", _] => {
            p.path.segments = p
                .path
                .segments
                .into_iter()
                .filter(|s| s.ident != "builder")
                .collect();
            Some(syn::Type::Path(p))
        }
        [.., "Body"] => None,
        _ => Some(syn::Type::Path(p)),
    }
}

/// Follows `#/components/<kind>/<name>` references (chains too); anything else is an error.
fn resolve<'a, T>(
    mut item: &'a ReferenceOr<T>,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
    input: &ModelInput<'_>,
    at: &str,
) -> Result<&'a T> {
    for _ in 0..32 {
        match item {
            ReferenceOr::Item(t) => return Ok(t),
            ReferenceOr::Reference { reference } => {
                item = lookup(reference).ok_or_else(|| bad_ref(input, at, reference))?;
            }
        }
    }
    Err(Error::new(
        Stage::Validate,
        input.origins.locate(at),
        "a cycle of `$ref`s",
        "break the cycle with an overlay",
    ))
}

fn bad_ref(input: &ModelInput<'_>, at: &str, reference: &str) -> Error {
    Error::new(
        Stage::Validate,
        input.origins.locate(at),
        format!("`$ref: {reference}` does not point at a component of the expected kind"),
        "point the reference at #/components/<kind>/<name>, or inline the target with an overlay",
    )
}

fn component_schema<'a>(spec: &'a OpenAPI, reference: &str) -> Option<&'a ReferenceOr<Schema>> {
    spec.components
        .as_ref()?
        .schemas
        .get(reference.strip_prefix("#/components/schemas/")?)
}

fn parameter(
    spec: &OpenAPI,
    p: &ReferenceOr<SpecParameter>,
    builder: &str,
    input: &ModelInput<'_>,
    at: &str,
) -> Result<Parameter> {
    let lookup = |r: &str| {
        spec.components
            .as_ref()?
            .parameters
            .get(r.strip_prefix("#/components/parameters/")?)
    };
    let p = resolve(p, lookup, input, at)?;
    let location = match p {
        SpecParameter::Path { .. } => ParamIn::Path,
        SpecParameter::Query { .. } => ParamIn::Query,
        SpecParameter::Header { .. } => ParamIn::Header,
        SpecParameter::Cookie { .. } => ParamIn::Cookie,
    };
    let data = p.parameter_data_ref();
    let schema = match &data.format {
        ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => Some(schema),
        _ => None,
    };
    let plain_string = schema.is_some_and(|s| {
        matches!(&s.schema_kind, SchemaKind::Type(SchemaType::String(StringType { format: VariantOrUnknownOrEmpty::Empty, pattern: None, enumeration, .. })) if enumeration.is_empty())
    });
    let example = data
        .example
        .as_ref()
        .or_else(|| schema?.schema_data.example.as_ref())
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Parameter {
        rust_type: syntax::builder_field_type(
            input.engine,
            builder,
            &naming::setter_ident(&data.name),
        ),
        name: data.name.clone(),
        location,
        required: data.required,
        plain_string,
        example,
    })
}

fn multipart(
    spec: &OpenAPI,
    schema: &Value,
    only: bool,
    input: &ModelInput<'_>,
    at: &str,
) -> Result<Multipart> {
    let at = format!("{at}/{OTHER_MEDIA_TYPES}/multipart~1form-data/schema");
    let schema: ReferenceOr<Schema> = serde_json::from_value(schema.clone()).map_err(|e| {
        Error::new(
            Stage::Validate,
            input.origins.locate(&at),
            format!("not a schema: {e}"),
            "fix the multipart schema with an overlay",
        )
    })?;
    let schema = resolve(&schema, |r| component_schema(spec, r), input, &at)?;
    let (properties, required) = match &schema.schema_kind {
        SchemaKind::Type(SchemaType::Object(o)) => (&o.properties, &o.required),
        SchemaKind::Any(a) => (&a.properties, &a.required),
        _ => {
            return Ok(Multipart {
                only,
                fields: Vec::new(),
            });
        }
    };
    let mut fields = Vec::new();
    for (name, prop) in properties {
        let prop_at = pointer::join(&format!("{at}/properties"), name);
        let prop = match prop {
            ReferenceOr::Item(schema) => schema.as_ref(),
            ReferenceOr::Reference { reference } => {
                let target = component_schema(spec, reference)
                    .ok_or_else(|| bad_ref(input, &prop_at, reference))?;
                resolve(target, |r| component_schema(spec, r), input, &prop_at)?
            }
        };
        let file = match &prop.schema_kind {
            SchemaKind::Type(SchemaType::String(s)) => match &s.format {
                VariantOrUnknownOrEmpty::Item(f) => {
                    matches!(f, StringFormat::Binary | StringFormat::Byte)
                }
                VariantOrUnknownOrEmpty::Unknown(f) => f == "binary" || f == "byte",
                VariantOrUnknownOrEmpty::Empty => false,
            },
            SchemaKind::Any(a) => matches!(a.format.as_deref(), Some("binary" | "byte")),
            _ => false,
        };
        fields.push(MultipartField {
            name: name.clone(),
            file,
            required: required.contains(name),
            description: prop.schema_data.description.clone().unwrap_or_default(),
        });
    }
    Ok(Multipart { only, fields })
}
