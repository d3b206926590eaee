//! The operations of the model: names, parameters (`$ref`s resolved, operation-level overriding
//! path-level, style and explode), the request body and its media type, the multipart form, the
//! documented responses, and the Rust type typify gives each schema they use.

use openapiv3::{
    OpenAPI, Parameter as SpecParameter, ParameterSchemaOrContent, PathStyle, QueryStyle,
    ReferenceOr, RequestBody, Response, Schema, SchemaKind, StatusCode, StringFormat, StringType,
    Type as SchemaType, VariantOrUnknownOrEmpty,
};
use quote::quote;
use serde_json::Value;

use super::{
    Body, BodyKind, Multipart, MultipartField, Operation, ParamIn, ParamStyle, Parameter,
    ResponseKind, Status,
};
use crate::engine::Types;
use crate::error::{Error, Result, Stage};
use crate::naming;
use crate::normalize::{BODY_ASIDE, OTHER_MEDIA_TYPES};
use crate::origins::Origins;
use crate::partial::LeftOut;
use crate::pointer;

const MULTIPART: &str = "multipart/form-data";

/// Every operation, its schemas added to `types` in progenitor's order (each operation's
/// parameters by name, its body, its responses), so typify names what it names as before. An
/// operation whose schemas typify refuses is left out with typify's reason.
pub fn build(
    spec: &OpenAPI,
    types: &mut Types,
    origins: &Origins,
) -> Result<(Vec<Operation>, Vec<LeftOut>)> {
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (http, op) in item.iter() {
            let Some(id) = &op.operation_id else { continue };
            let at = pointer::join(&pointer::join("/paths", path), http);
            let what = format!("{} {path}", http.to_ascii_uppercase());
            match operation(spec, types, origins, path, http, item, op, id, &at) {
                Ok(Ok(operation)) => out.push(operation),
                Ok(Err(reason)) => left_out.push(LeftOut {
                    what,
                    reason,
                    pointer: at,
                }),
                // A reference the operation cannot follow sinks the operation, not the crate
                // (strict vendors still refuse it: every left-out operation is an error there).
                Err(e) => left_out.push(LeftOut {
                    what,
                    reason: e.message,
                    pointer: at,
                }),
            }
        }
    }
    Ok((out, left_out))
}

/// `Ok(Err(reason))`: typify refused one of the operation's schemas.
#[allow(clippy::too_many_arguments)]
fn operation(
    spec: &OpenAPI,
    types: &mut Types,
    origins: &Origins,
    path: &str,
    http: &str,
    item: &openapiv3::PathItem,
    op: &openapiv3::Operation,
    id: &str,
    at: &str,
) -> Result<std::result::Result<Operation, String>> {
    let method = naming::method_name(id);
    let builder = naming::builder_name(&method);
    // Declared parameters, the operation's own (name, in) replacing the path item's.
    let mut declared: Vec<(&SpecParameter, String)> = Vec::new();
    for (i, p) in item.parameters.iter().chain(&op.parameters).enumerate() {
        let from = if i < item.parameters.len() {
            format!("/paths/{}/parameters/{i}", pointer::escape(path))
        } else {
            format!("{at}/parameters/{}", i - item.parameters.len())
        };
        let p = resolve(p, |r| component(spec, r, |c| &c.parameters), origins, &from)?;
        let data = p.parameter_data_ref();
        declared.retain(|(q_param, _)| {
            let q = q_param.parameter_data_ref();
            !(q.name == data.name && location(p) == location(q_param))
        });
        declared.push((p, from));
    }
    // progenitor added parameter types in the order of their names.
    let mut by_name: Vec<usize> = (0..declared.len()).collect();
    by_name.sort_by(|a, b| {
        declared[*a]
            .0
            .parameter_data_ref()
            .name
            .cmp(&declared[*b].0.parameter_data_ref().name)
    });
    let mut parameters: Vec<Option<Parameter>> = vec![None; declared.len()];
    for i in by_name {
        let (p, from) = &declared[i];
        match parameter(types, origins, p, id, from)? {
            Ok(p) => parameters[i] = Some(p),
            Err(reason) => return Ok(Err(reason)),
        }
    }
    let mut parameters: Vec<Parameter> = parameters.into_iter().flatten().collect();
    // The builders' order: path parameters as the template has them, then query, header and
    // cookie parameters, each by name (as progenitor ordered its setters).
    let names = template_names(path);
    parameters.sort_by_key(|p| match p.location {
        ParamIn::Path => (
            0,
            names
                .iter()
                .position(|n| *n == p.name)
                .unwrap_or(usize::MAX),
            String::new(),
        ),
        ParamIn::Query => (1, 0, p.name.clone()),
        ParamIn::Header => (2, 0, p.name.clone()),
        ParamIn::Cookie => (3, 0, p.name.clone()),
    });
    for name in template_names(path) {
        if !parameters
            .iter()
            .any(|p| p.location == ParamIn::Path && p.name == name)
        {
            return Ok(Err(format!(
                "the path names `{{{name}}}`, which no path parameter of the operation or its path declares"
            )));
        }
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
        Some(schema) => Some(multipart(spec, schema, body_aside, origins, at)?),
        None => None,
    };
    let body = match &op.request_body {
        Some(b) => {
            let b = resolve(
                b,
                |r| component(spec, r, |c| &c.request_bodies),
                origins,
                &format!("{at}/requestBody"),
            )?;
            match body(types, b, id)? {
                Ok(body) => body,
                Err(reason) => return Ok(Err(reason)),
            }
        }
        None => None,
    };

    let responses = match responses(spec, types, origins, op, id, at)? {
        Ok(r) => r,
        Err(reason) => return Ok(Err(reason)),
    };
    let success_statuses = responses
        .success
        .iter()
        .filter_map(|s| match s {
            Status::Code(c) if (200..300).contains(c) => Some(*c),
            _ => None,
        })
        .collect();
    Ok(Ok(Operation {
        id: id.to_string(),
        summary: op
            .summary
            .clone()
            .or_else(|| op.description.clone())
            .unwrap_or_default(),
        description: op.description.clone().filter(|d| !d.trim().is_empty()),
        method,
        builder,
        http: http.to_ascii_uppercase(),
        path: path.to_string(),
        parameters,
        body_media_type: body.as_ref().map(|b| b.media_type.clone()),
        json_body: body
            .as_ref()
            .filter(|b| b.kind == BodyKind::Json)
            .and_then(|b| b.ty.clone()),
        body,
        other_media_types,
        body_aside,
        multipart,
        success_statuses,
        success: responses.success,
        errors: responses.errors,
        ok_kind: responses.ok_kind,
        err_kind: responses.err_kind,
        ok: responses.ok,
        err: responses.err,
        accept: responses.accept,
        data: None,
        security: super::auth::operation_requirement(spec, op.security.as_ref()),
    }))
}

/// The `{name}`s of a path template.
fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

fn location(p: &SpecParameter) -> ParamIn {
    match p {
        SpecParameter::Path { .. } => ParamIn::Path,
        SpecParameter::Query { .. } => ParamIn::Query,
        SpecParameter::Header { .. } => ParamIn::Header,
        SpecParameter::Cookie { .. } => ParamIn::Cookie,
    }
}

/// The name progenitor gave a schema's type should it need one (`getAvatar-id` -> `GetAvatarId`).
pub fn type_name(operation_id: &str, suffix: &str) -> String {
    naming::pascal_type_name(&format!("{operation_id}-{suffix}"))
}

fn parameter(
    types: &mut Types,
    origins: &Origins,
    p: &SpecParameter,
    operation_id: &str,
    at: &str,
) -> Result<std::result::Result<Parameter, String>> {
    let location = location(p);
    let data = p.parameter_data_ref();
    let (style, explode) = match p {
        SpecParameter::Path { style, .. } => match style {
            PathStyle::Simple => (ParamStyle::Simple, false),
            PathStyle::Label => (ParamStyle::Label, false),
            PathStyle::Matrix => (ParamStyle::Matrix, false),
        },
        SpecParameter::Query { style, .. } => match style {
            QueryStyle::Form => (ParamStyle::Form, true),
            QueryStyle::SpaceDelimited => (ParamStyle::SpaceDelimited, false),
            QueryStyle::PipeDelimited => (ParamStyle::PipeDelimited, false),
            QueryStyle::DeepObject => (ParamStyle::DeepObject, true),
        },
        SpecParameter::Header { .. } => (ParamStyle::Simple, false),
        SpecParameter::Cookie { .. } => (ParamStyle::Form, true),
    };
    let explode = data.explode.unwrap_or(explode);
    let (schema, content) = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => (schema.clone(), false),
        ParameterSchemaOrContent::Content(content) => {
            match content.values().next().and_then(|m| m.schema.clone()) {
                Some(schema) => (schema, true),
                None => {
                    return Err(Error::new(
                        Stage::Validate,
                        origins.locate(at),
                        format!("parameter `{}` has `content` without a schema", data.name),
                        "give the parameter's media type a schema with an overlay",
                    ));
                }
            }
        }
    };
    let item = match &schema {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { .. } => None,
    };
    let plain_string = item.is_some_and(|s| {
        matches!(&s.schema_kind, SchemaKind::Type(SchemaType::String(StringType { format: VariantOrUnknownOrEmpty::Empty, pattern: None, enumeration, .. })) if enumeration.is_empty())
    });
    let example = data
        .example
        .as_ref()
        .or_else(|| item?.schema_data.example.as_ref())
        .and_then(Value::as_str)
        .map(str::to_string);
    let named = match types.add(&schema, &type_name(operation_id, &data.name)) {
        Ok(named) => named,
        Err(reason) => return Ok(Err(format!("parameter `{}`: {reason}", data.name))),
    };
    // A nullable parameter is an optional one: `null` has no serialization of its own. A path
    // parameter is required whatever the document says: a URL cannot leave a segment out.
    let (rust_type, required) = match named.inner_of_option {
        Some(inner) => (inner, location == ParamIn::Path),
        None => (named.ty, data.required || location == ParamIn::Path),
    };
    Ok(Ok(Parameter {
        name: data.name.clone(),
        location,
        required,
        plain_string,
        example,
        description: data.description.clone().filter(|d| !d.trim().is_empty()),
        rust_type: Some(rust_type),
        style,
        explode,
        content,
    }))
}

/// The body progenitor's rules would have named: JSON and form bodies typed, text as a string,
/// anything else as bytes with its media type; `None` for a body without a media type.
fn body(
    types: &mut Types,
    body: &RequestBody,
    operation_id: &str,
) -> Result<std::result::Result<Option<Body>, String>> {
    let Some((media_type, content)) = body.content.first() else {
        return Ok(Ok(None));
    };
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let kind = if is_json(&essence) {
        BodyKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if essence.starts_with("text/") {
        BodyKind::Text
    } else {
        BodyKind::Bytes
    };
    let ty = match kind {
        BodyKind::Json | BodyKind::Form => {
            let schema = content.schema.clone().unwrap_or(ReferenceOr::Item(Schema {
                schema_data: Default::default(),
                schema_kind: SchemaKind::Any(Default::default()),
            }));
            match types.add(&schema, &type_name(operation_id, "body")) {
                Ok(named) => (Some(named.ty), named.builder),
                Err(reason) => return Ok(Err(format!("the request body: {reason}"))),
            }
        }
        BodyKind::Text => (Some(syn::parse_quote!(::std::string::String)), None),
        BodyKind::Bytes => (Some(syn::parse_quote!(::std::vec::Vec<u8>)), None),
    };
    let (ty, builder) = ty;
    Ok(Ok(Some(Body {
        media_type: media_type.clone(),
        kind,
        ty,
        builder,
        required: body.required,
    })))
}

fn is_json(essence: &str) -> bool {
    essence == "application/json" || essence.ends_with("+json")
}

struct Responses {
    success: Vec<Status>,
    errors: Vec<Status>,
    ok_kind: ResponseKind,
    err_kind: ResponseKind,
    ok: syn::Type,
    err: syn::Type,
    accept: String,
}

/// The documented responses, in progenitor's order (`default` first, then as listed), each
/// schema named `<operationId>-response`; successes (2xx, `2XX`, `default`) share one type, as
/// do errors (4xx, 5xx, their ranges, `default`).
fn responses(
    spec: &OpenAPI,
    types: &mut Types,
    origins: &Origins,
    op: &openapiv3::Operation,
    operation_id: &str,
    at: &str,
) -> Result<std::result::Result<Responses, String>> {
    let mut listed: Vec<(Status, &Response, String)> = Vec::new();
    if let Some(r) = &op.responses.default {
        let from = format!("{at}/responses/default");
        let r = resolve(r, |x| component(spec, x, |c| &c.responses), origins, &from)?;
        listed.push((Status::Default, r, from));
    }
    for (code, r) in &op.responses.responses {
        let (status, key) = match code {
            StatusCode::Code(c) => (Status::Code(*c), c.to_string()),
            StatusCode::Range(r) => (Status::Range(*r), format!("{r}XX")),
        };
        let from = format!("{at}/responses/{key}");
        let r = resolve(r, |x| component(spec, x, |c| &c.responses), origins, &from)?;
        listed.push((status, r, from));
    }
    let mut kinds: Vec<(Status, ResponseKind, Option<String>)> = Vec::new();
    for (status, response, _) in &listed {
        let json = response
            .content
            .iter()
            .find(|(k, _)| is_json(k.split(';').next().unwrap_or_default().trim()));
        let (kind, media) = if let Some((media, mt)) = json {
            let schema = mt.schema.clone().unwrap_or(ReferenceOr::Item(Schema {
                schema_data: Default::default(),
                schema_kind: SchemaKind::Any(Default::default()),
            }));
            match types.add(&schema, &type_name(operation_id, "response")) {
                Ok(named) => (ResponseKind::Json(Box::new(named.ty)), Some(media.clone())),
                Err(reason) => return Ok(Err(format!("a response body: {reason}"))),
            }
        } else if let Some((media, _)) = response.content.first() {
            (ResponseKind::Raw, Some(media.clone()))
        } else {
            (ResponseKind::Empty, None)
        };
        kinds.push((*status, kind, media));
    }
    let is_success = |s: &Status| match s {
        Status::Code(c) => (200..300).contains(c) || *c == 101,
        Status::Range(r) => *r == 2,
        Status::Default => true,
    };
    let is_error = |s: &Status| match s {
        Status::Code(c) => (400..600).contains(c),
        Status::Range(r) => *r == 4 || *r == 5,
        Status::Default => true,
    };
    let mut success: Vec<&(Status, ResponseKind, Option<String>)> =
        kinds.iter().filter(|k| is_success(&k.0)).collect();
    let explicit_success = success.iter().any(|k| k.0 != Status::Default);
    // A `default` next to explicit successes is the error shape, not a success.
    if explicit_success {
        success.retain(|k| k.0 != Status::Default);
    }
    let errors: Vec<&(Status, ResponseKind, Option<String>)> = kinds
        .iter()
        .filter(|k| (explicit_success || k.0 != Status::Default) && is_error(&k.0))
        .collect();
    // No documented success: any 2xx, whatever it holds, streams to the caller.
    let fallback = (Status::Range(2), ResponseKind::Raw, None);
    if success.is_empty() {
        success.push(&fallback);
    }
    let ok_kind = unify(success.iter().map(|k| &k.1));
    let err_kind = match unify(errors.iter().map(|k| &k.1)) {
        // Error bodies are read whole: one that is not JSON stays in the raw response.
        ResponseKind::Raw => ResponseKind::Empty,
        kind => kind,
    };
    let accept = match &ok_kind {
        ResponseKind::Json(_) => "application/json".to_string(),
        ResponseKind::Raw => success.iter().find_map(|k| k.2.clone()).unwrap_or_default(),
        ResponseKind::Empty => String::new(),
    };
    let ok = ok_kind.rust_type();
    let err = err_kind.rust_type();
    Ok(Ok(Responses {
        success: success.iter().map(|k| k.0).collect(),
        errors: errors
            .iter()
            .filter(|k| matches!(k.1, ResponseKind::Json(_)))
            .map(|k| k.0)
            .collect(),
        ok_kind,
        err_kind,
        ok,
        err,
        accept,
    }))
}

/// One kind for several responses: the same type, else JSON of any shape (`Value`), a stream
/// when any is not JSON, nothing when none has a body.
fn unify<'a>(kinds: impl Iterator<Item = &'a ResponseKind>) -> ResponseKind {
    let key = |k: &ResponseKind| match k {
        ResponseKind::Json(t) => crate::syntax::flat(t),
        ResponseKind::Empty => "()".into(),
        ResponseKind::Raw => "raw".into(),
    };
    let mut seen: Vec<&ResponseKind> = Vec::new();
    for k in kinds {
        if !seen.iter().any(|s| key(s) == key(k)) {
            seen.push(k);
        }
    }
    let bodies: Vec<&&ResponseKind> = seen
        .iter()
        .filter(|k| !matches!(k, ResponseKind::Empty))
        .collect();
    match bodies.as_slice() {
        [] => ResponseKind::Empty,
        [one] => (**one).clone(),
        many if many.iter().any(|k| matches!(k, ResponseKind::Raw)) => ResponseKind::Raw,
        _ => ResponseKind::Json(Box::new(syn::parse_quote!(::serde_json::Value))),
    }
}

impl ResponseKind {
    /// The type `send` hands back (or the error type) for this kind.
    pub fn rust_type(&self) -> syn::Type {
        match self {
            ResponseKind::Json(ty) => (**ty).clone(),
            ResponseKind::Empty => syn::parse_quote!(()),
            ResponseKind::Raw => syn::parse2(quote!(ByteStream)).expect("a path parses"),
        }
    }
}

/// Follows `#/components/<kind>/<name>` references (chains too); anything else is an error.
fn resolve<'a, T>(
    mut item: &'a ReferenceOr<T>,
    lookup: impl Fn(&str) -> Option<&'a ReferenceOr<T>>,
    origins: &Origins,
    at: &str,
) -> Result<&'a T> {
    for _ in 0..32 {
        match item {
            ReferenceOr::Item(t) => return Ok(t),
            ReferenceOr::Reference { reference } => {
                item = lookup(reference).ok_or_else(|| bad_ref(origins, at, reference))?;
            }
        }
    }
    Err(Error::new(
        Stage::Validate,
        origins.locate(at),
        "a cycle of `$ref`s",
        "break the cycle with an overlay",
    ))
}

fn component<'a, T>(
    spec: &'a OpenAPI,
    reference: &str,
    kind: impl Fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Option<&'a ReferenceOr<T>> {
    let name = reference.rsplit('/').next()?;
    kind(spec.components.as_ref()?).get(name)
}

fn bad_ref(origins: &Origins, at: &str, reference: &str) -> Error {
    Error::new(
        Stage::Validate,
        origins.locate(at),
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

fn multipart(
    spec: &OpenAPI,
    schema: &Value,
    only: bool,
    origins: &Origins,
    at: &str,
) -> Result<Multipart> {
    let at = format!("{at}/{OTHER_MEDIA_TYPES}/multipart~1form-data/schema");
    let schema: ReferenceOr<Schema> = serde_json::from_value(schema.clone()).map_err(|e| {
        Error::new(
            Stage::Validate,
            origins.locate(&at),
            format!("not a schema: {e}"),
            "fix the multipart schema with an overlay",
        )
    })?;
    let schema = resolve(&schema, |r| component_schema(spec, r), origins, &at)?;
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
                    .ok_or_else(|| bad_ref(origins, &prop_at, reference))?;
                resolve(target, |r| component_schema(spec, r), origins, &prop_at)?
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
