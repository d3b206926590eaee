//! Model stage: the one typed description of the SDK a crate offers, built once from the
//! validated document, the typed `x-sdk-*` extensions and progenitor's output. Every emitter
//! renders from it; none reads the document.

pub mod auth;
mod enum_names;
pub mod operations;
mod pagination;
mod waiters;
mod webhooks;
pub use enum_names::EnumNames;
pub use waiters::{StatusKind, StatusType, StatusVariant};

use proc_macro2::TokenStream;
use syn::Type;

use crate::engine::Uses;
use crate::error::{Location, Result, Warning};
use crate::extensions::{Envelope, Match};
use crate::origins::Origins;
use crate::settings::VendorSettings;

/// A client crate: the vendor-level facts and every operation, waiter and note.
#[derive(Clone)]
pub struct SdkModel {
    pub vendor: Vendor,
    pub operations: Vec<Operation>,
    pub waiters: Vec<Waiter>,
    /// Operations whose builder gets `.stream()`.
    pub paginated: Vec<Paginated>,
    /// Response types that hold one item or a list (the docs disagree on the shape): they get
    /// `first()`, `into_vec()`, `as_slice()`.
    pub one_or_many: Vec<OneOrMany>,
    /// (enum, variant, struct) of `types` enums whose variant holds a struct with a builder:
    /// the builder converts into the enum, so `.body(X::builder()...)` needs no wrapping.
    pub builder_variants: Vec<(String, String, String)>,
    /// Integer enums whose values the spec names (`x-enum-varnames`): associated constants.
    pub enum_names: Vec<EnumNames>,
    /// Callbacks the API sends, each with its receiver function.
    pub webhooks: Vec<Webhook>,
    pub envelope: Option<Envelope>,
    /// What the document holds that the crate does not generate (callbacks, webhooks), as
    /// sentences for the README.
    pub notes: Vec<String>,
    /// Operations (or components) the engine could not take, with the reason.
    pub left_out: Vec<LeftOutOperation>,
    /// What the normalize passes changed that a maintainer should know of.
    pub warnings: Vec<Warning>,
}

/// An operation the crate does not have, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOutOperation {
    /// `POST /avatars`.
    pub what: String,
    pub reason: String,
    pub location: Location,
}

/// What is the same for every operation of the crate.
#[derive(Debug, Clone)]
pub struct Vendor {
    /// How the vendor folder is named in headers, e.g. `specs/akool`.
    pub source_dir: String,
    pub settings: VendorSettings,
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`, trimmed.
    pub description: String,
    /// The first server's URL with its variables' defaults; empty when the spec names none.
    pub base_url: String,
    /// Credential schemes the client can send, in the order of the spec's requirements.
    pub auth: Vec<AuthScheme>,
    /// The document's security requirement: alternatives, each a set of schemes.
    pub security: Vec<Vec<AuthScheme>>,
    /// The vendored document file names, for the README's provenance list.
    pub document_files: Vec<String>,
    /// Path from the crate's directory to the runtime crate, for its Cargo.toml.
    pub runtime_path: String,
    /// Optional crates progenitor's code needs.
    pub uses: Uses,
    /// The crate declares webhooks: it needs openapi-sdk-runtime's `webhooks` feature.
    pub webhooks: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScheme {
    /// An API key in this header (lower case).
    Header(String),
    /// An API key in this query parameter.
    Query(String),
    /// An API key in this cookie.
    Cookie(String),
    Bearer,
    Basic,
    /// OAuth2's client-credentials flow.
    OAuth2 {
        token_url: String,
        scopes: Vec<String>,
    },
}

/// One operation as the crate exposes it.
#[derive(Clone)]
pub struct Operation {
    pub id: String,
    /// The client method (`listAvatars` -> `list_avatars`).
    pub method: String,
    /// The builder struct (`ListAvatars`).
    pub builder: String,
    /// The HTTP method in capitals.
    pub http: String,
    pub path: String,
    /// `summary`, else `description`, else empty.
    pub summary: String,
    /// `description`, when it has one.
    pub description: Option<String>,
    /// Path-level and operation-level parameters, `$ref`s resolved, the operation's overriding.
    pub parameters: Vec<Parameter>,
    /// The request body the operation's method sends, if any.
    pub body: Option<Body>,
    /// The media type of [`Operation::body`].
    pub body_media_type: Option<String>,
    /// The type of the JSON body (`types::X`), when it sends one.
    pub json_body: Option<Type>,
    /// Request media types set aside by normalize (a multipart form has its own builder).
    pub other_media_types: Vec<String>,
    /// Every request media type moved aside: the multipart builder, if any, takes the method's
    /// name; without one the method sends no body.
    pub body_aside: bool,
    /// The `multipart/form-data` builder, when the operation takes that media type.
    pub multipart: Option<Multipart>,
    /// Documented 2xx statuses.
    pub success_statuses: Vec<u16>,
    /// Statuses whose body is the success type, and those whose body is the error type.
    pub success: Vec<Status>,
    pub errors: Vec<Status>,
    pub ok_kind: ResponseKind,
    pub err_kind: ResponseKind,
    /// `T` and `E` of `Result<ResponseValue<T>, Error<E>>`.
    pub ok: Type,
    pub err: Type,
    /// The `Accept` header: the success's media type.
    pub accept: String,
    /// For envelope APIs: the type of the envelope's data field and whether it is optional.
    pub data: Option<(Type, bool)>,
    /// The operation's own security requirement (`None`: the document's; empty: none).
    pub security: Option<Vec<Vec<AuthScheme>>>,
}

impl Operation {
    /// What `send` returns on success (the envelope's data when there is one).
    pub fn output(&self) -> &Type {
        self.data.as_ref().map_or(&self.ok, |(t, _)| t)
    }
}

/// A documented response status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Code(u16),
    /// `4XX`: the hundreds digit.
    Range(u16),
    Default,
}

/// What a response body decodes as.
#[derive(Clone)]
pub enum ResponseKind {
    /// JSON of this type.
    Json(Box<Type>),
    /// Nothing to decode: `()`.
    Empty,
    /// Not JSON: a byte stream.
    Raw,
}

/// A request body: its media type, how it is encoded and the type its setter takes.
#[derive(Clone)]
pub struct Body {
    pub media_type: String,
    pub kind: BodyKind,
    pub ty: Option<Type>,
    /// The body builder of `ty` (`types::builder::X`, see `emit::builders`): the operation's
    /// builder holds one, `.body_map(..)`.
    pub builder: Option<Type>,
    pub required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `text/*`, as a string.
    Text,
    /// Anything else, as bytes.
    Bytes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    Path,
    Query,
    Header,
    Cookie,
}

/// A parameter's `style`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    Simple,
    Label,
    Matrix,
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Clone)]
pub struct Parameter {
    pub name: String,
    pub location: ParamIn,
    pub required: bool,
    /// A plain string (no format, enum or pattern): a literal works as its value.
    pub plain_string: bool,
    /// The parameter's (or its schema's) string example.
    pub example: Option<String>,
    pub description: Option<String>,
    /// The type the setter takes (inside the `Option` for a nullable parameter).
    pub rust_type: Option<Type>,
    pub style: ParamStyle,
    pub explode: bool,
    /// Declared with `content`: the value is sent as JSON text.
    pub content: bool,
}

#[derive(Debug, Clone)]
pub struct Multipart {
    /// The operation takes nothing else: our builder is its method.
    pub only: bool,
    pub fields: Vec<MultipartField>,
}

#[derive(Debug, Clone)]
pub struct MultipartField {
    pub name: String,
    /// `format: binary` or `byte`: a file part.
    pub file: bool,
    pub required: bool,
    pub description: String,
}

/// A waiter, checked against the operation it polls.
#[derive(Clone)]
pub struct Waiter {
    pub name: String,
    pub description: Option<String>,
    /// Index into [`SdkModel::operations`].
    pub operation: usize,
    pub parameter: String,
    /// The type the polled operation takes for the parameter.
    pub parameter_type: Type,
    pub status: Vec<String>,
    pub success: Match,
    pub failure: Match,
    pub reason: Vec<String>,
    /// The typed status the waiter reports.
    pub status_type: StatusType,
    pub example: Option<Example>,
    /// The operation that starts the job (index into [`SdkModel::operations`]) and the JSON
    /// pointer into its `send()` output where the job's id is.
    pub start: Option<(usize, String)>,
}

/// An untagged enum of `types` with a list variant and a one-item variant.
#[derive(Clone)]
pub struct OneOrMany {
    pub name: String,
    pub many: String,
    pub one: String,
    /// The item type, qualified with `types::`.
    pub item: Type,
}

/// A webhook: `verify_<name>` checks a delivery with `scheme` and decodes `types::<event>`.
#[derive(Debug, Clone)]
pub struct Webhook {
    pub name: String,
    pub description: Option<String>,
    /// operationIds whose request names the callback URL.
    pub operations: Vec<String>,
    pub scheme: crate::extensions::WebhookScheme,
    /// The event's type in `mod types`.
    pub event: String,
    /// Statements for the README's receiver, checked to parse.
    pub example: Option<String>,
}

/// A listing whose items `.stream()` yields across pages.
#[derive(Clone)]
pub struct Paginated {
    /// Index into [`SdkModel::operations`].
    pub operation: usize,
    pub style: crate::extensions::PaginationStyle,
    /// The builder setter that selects the page, and the type it takes.
    pub parameter: String,
    pub parameter_type: Type,
    pub first_page: i64,
    /// The page-size setter and the size `.stream()` asks for.
    pub size: Option<(String, i64)>,
    /// Fields from what `send()` returns to the items, each with whether it is optional.
    pub access: Vec<(String, bool)>,
    /// The type of one item.
    pub item: Type,
    /// Cursor style: pointer to the next cursor in what `send()` returns.
    pub next_cursor: Option<String>,
}

/// Rust statements from the overlay, checked to parse.
#[derive(Clone)]
pub struct Example {
    /// As written (the README shows it verbatim).
    pub text: String,
    /// Its leading `//` comment lines, without the slashes.
    pub comments: Vec<String>,
    pub statements: TokenStream,
}

/// What the model is built from.
pub struct ModelInput<'a> {
    pub source_dir: &'a str,
    pub settings: &'a VendorSettings,
    pub spec: &'a openapiv3::OpenAPI,
    pub origins: &'a Origins,
    pub document_files: &'a [String],
    pub runtime_path: &'a str,
    /// typify's `mod types`, as generated (before the passes over its builders).
    pub engine: &'a syn::File,
    pub uses: Uses,
    /// The operations, their types named by the engine ([`operations::build`]).
    pub operations: &'a [Operation],
    /// What validation or the engine could not take.
    pub left_out: &'a [crate::partial::LeftOut],
}

impl SdkModel {
    pub fn build(input: &ModelInput<'_>) -> Result<SdkModel> {
        let spec = input.spec;
        let extensions = crate::extensions::parse(&spec.extensions, input.origins)?;
        let data_field = extensions.envelope.as_ref().map(|e| e.data.as_str());
        let mut operations = input.operations.to_vec();
        if let Some(field) = data_field {
            for op in &mut operations {
                op.data = crate::syntax::struct_field_type(input.engine, &op.ok, field);
            }
        }
        let waiters = waiters::build(&extensions.waiters, &operations, input)?;
        let paginated = pagination::build(&extensions.pagination, &operations, input)?;
        let webhooks = webhooks::build(&extensions.webhooks, &operations, input)?;
        let (enum_names, unplaced_names) = enum_names::build(input, &operations)?;
        let notes = spec
            .extensions
            .get(crate::normalize::NOTES)
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect();
        let left_out = input
            .left_out
            .iter()
            .map(|l| LeftOutOperation {
                what: l.what.clone(),
                reason: l.reason.clone(),
                location: input.origins.locate(&l.pointer),
            })
            .collect();
        let security = auth::security(spec, input.origins);
        let mut warnings: Vec<Warning> = spec
            .extensions
            .get(crate::normalize::WARNINGS)
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .map(|w| {
                let text = |key: &str| {
                    w.get(key)
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default()
                };
                Warning {
                    location: input.origins.locate(text("at")),
                    message: text("message").to_string(),
                    help: "if the change is wrong, settle it with an overlay action".into(),
                }
            })
            .collect();
        warnings.extend(unplaced_names);
        warnings.extend(security.warnings);
        Ok(SdkModel {
            vendor: Vendor {
                source_dir: input.source_dir.to_string(),
                settings: input.settings.clone(),
                title: spec.info.title.clone(),
                version: spec.info.version.clone(),
                description: spec
                    .info
                    .description
                    .as_deref()
                    .unwrap_or("")
                    .trim()
                    .to_string(),
                base_url: base_url(spec),
                auth: security.schemes,
                security: security.requirement,
                document_files: input.document_files.to_vec(),
                runtime_path: input.runtime_path.to_string(),
                uses: input.uses,
                webhooks: !webhooks.is_empty(),
            },
            operations,
            waiters,
            paginated,
            builder_variants: crate::syntax::builder_variants(input.engine),
            one_or_many: crate::syntax::one_or_many(input.engine)
                .into_iter()
                .map(|(name, many, one, item)| OneOrMany {
                    name,
                    many,
                    one,
                    item,
                })
                .collect(),
            enum_names,
            webhooks,
            envelope: extensions.envelope,
            notes,
            left_out,
            warnings,
        })
    }

    /// Everything a maintainer should be told: left-out operations, then normalize warnings.
    pub fn diagnostics(&self) -> Vec<Warning> {
        self.left_out
            .iter()
            .map(|l| Warning {
                location: l.location.clone(),
                message: format!("`{}` is not generated: {}", l.what, l.reason),
                help: "reshape the construct with an overlay action, or teach a normalize pass this case; the crate's README lists it under \"Operations not generated\"".into(),
            })
            .chain(self.warnings.iter().cloned())
            .collect()
    }

    /// (method, HTTP method, path) of every operation, for the API surface listing.
    pub fn routes(&self) -> Vec<(String, String, String)> {
        self.operations
            .iter()
            .map(|o| (o.method.clone(), o.http.clone(), o.path.clone()))
            .collect()
    }
}

fn base_url(spec: &openapiv3::OpenAPI) -> String {
    let Some(server) = spec.servers.first() else {
        return String::new();
    };
    let mut url = server.url.clone();
    for (name, var) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &var.default);
    }
    url
}
