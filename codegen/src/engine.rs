//! Engine stage: typify, progenitor's type generator, turns the document's schemas into `mod
//! types` (structs, enums, serde, checked conversions); the builders of those structs are ours,
//! generated from typify's type details ([`shapes`]). Every operation is ours; the
//! engine only names the Rust type of each schema an operation uses, exactly as progenitor did
//! (`<operationId>-body`, `-response`, `-<parameter>`), so the crates' types keep their names.
//! typify panics on some input; a panic becomes an error naming what it was given.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use openapiv3::{OpenAPI, ReferenceOr, Schema};
use proc_macro2::TokenStream;
use typify::{CrateVers, TypeDetails, TypeId, TypeSpace, TypeSpaceSettings};

use crate::schema_conv::to_schemars;

mod shapes;
pub use shapes::{FieldShape, Kind, StructShape};

/// What the generated crate needs from its Cargo.toml beyond the fixed dependencies.
#[derive(Debug, Clone, Copy, Default)]
pub struct Uses {
    pub chrono: bool,
    pub uuid: bool,
    pub regress: bool,
}

/// The type space of one crate.
pub struct Types {
    space: TypeSpace,
}

/// What typify made of a schema: the Rust type (`types::X`, `::std::string::String`...) and,
/// when the schema is itself nullable, the type inside the `Option`.
pub struct Named {
    pub ty: syn::Type,
    pub inner_of_option: Option<syn::Type>,
    /// The body builder of the type (`types::builder::X`) when it is a struct.
    pub builder: Option<syn::Type>,
}

/// The settings progenitor gives typify, with the runtime crate for the types the normalize
/// passes point at with `x-rust-type`. No struct builders: ours are generated from the type
/// details (`emit::builders`).
fn settings() -> TypeSpaceSettings {
    let mut settings = TypeSpaceSettings::default();
    settings.with_type_mod("types").with_struct_builder(false);
    // Data types grow as vendors add fields and enum values: non-exhaustive, such an addition
    // is additive for the crate's users (they build values with builders or decode them).
    settings.with_attr("#[non_exhaustive]".to_string());
    settings.with_crate(crate::normalize::RUNTIME_CRATE, CrateVers::Any, None);
    settings
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// A panic hook that stays silent on threads running typify and defers to the previous hook
/// everywhere else (other threads' panics, such as failing tests, still print).
fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic into its message (first line, shortened: panics dump schemas).
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    install_quiet_hook();
    QUIET.with(|q| q.set(true));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    let message = match outcome {
        Ok(result) => return result,
        Err(panic) => panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into()),
    };
    let first = message.lines().next().unwrap_or_default();
    Err(format!(
        "typify panicked: {}",
        first.chars().take(300).collect::<String>()
    ))
}

impl Types {
    /// The component schemas' types.
    pub fn new(spec: &OpenAPI) -> Result<Self, String> {
        guarded(|| {
            let mut space = TypeSpace::new(&settings());
            let schemas = spec.components.iter().flat_map(|c| {
                c.schemas
                    .iter()
                    .map(|(name, schema)| (name.clone(), to_schemars(schema)))
            });
            space
                .add_ref_types(schemas)
                .map_err(|e| format!("typify rejected the component schemas: {e}"))?;
            Ok(Types { space })
        })
    }

    /// The type of an operation's schema, named `name` should it need a name.
    pub fn add(&mut self, schema: &ReferenceOr<Schema>, name: &str) -> Result<Named, String> {
        let space = &mut self.space;
        guarded(|| {
            let id = space
                .add_type_with_name(&to_schemars(schema), Some(name.to_string()))
                .map_err(|e| format!("typify rejected the schema: {e}"))?;
            let ty = type_of(space, &id)?;
            let inner = match space.get_type(&id) {
                Ok(t) => match t.details() {
                    TypeDetails::Option(inner) => Some(inner),
                    _ => None,
                },
                Err(_) => None,
            };
            let inner_of_option = match inner {
                Some(inner) => Some(type_of(space, &inner)?),
                None => None,
            };
            let builder = space
                .get_type(&id)
                .ok()
                .filter(|t| matches!(t.details(), TypeDetails::Struct(_)))
                .map(|t| {
                    let name = quote::format_ident!("{}", t.name());
                    syn::parse_quote!(types::builder::#name)
                });
            Ok(Named {
                ty,
                inner_of_option,
                builder,
            })
        })
    }

    /// `mod types`' content, the optional crates it uses, and the structs the body builders are
    /// generated from.
    pub fn finish(self) -> Result<(TokenStream, Uses, Vec<StructShape>), String> {
        let space = self.space;
        guarded(|| {
            let uses = Uses {
                chrono: space.uses_chrono(),
                uuid: space.uses_uuid(),
                regress: space.uses_regress(),
            };
            let shapes = shapes::structs(&space)?;
            Ok((space.to_stream(), uses, shapes))
        })
    }
}

fn type_of(space: &TypeSpace, id: &TypeId) -> Result<syn::Type, String> {
    let ty = space
        .get_type(id)
        .map_err(|e| format!("typify lost a type it made: {e}"))?;
    syn::parse2(ty.ident()).map_err(|e| format!("typify named a type that does not parse: {e}"))
}

/// What progenitor's own generator produces (tokens, then prettyplease) for the same document,
/// for benchmarks that compare the pipeline with the engine it replaced: the line count, or why
/// progenitor could not generate the document (a benchmark must not time a failure as a run).
pub fn progenitor_only(spec: &OpenAPI) -> std::result::Result<usize, String> {
    install_quiet_hook();
    QUIET.with(|q| q.set(true));
    let lines = catch_unwind(AssertUnwindSafe(|| {
        let mut settings = progenitor_impl::GenerationSettings::default();
        settings
            .with_interface(progenitor_impl::InterfaceStyle::Builder)
            .with_tag(progenitor_impl::TagStyle::Merged);
        let mut generator = progenitor_impl::Generator::new(&settings);
        let tokens = generator.generate_tokens(spec).map_err(|e| e.to_string())?;
        let file = syn::parse2::<syn::File>(tokens).map_err(|e| e.to_string())?;
        Ok(prettyplease::unparse(&file).lines().count())
    }))
    .unwrap_or_else(|_| Err("progenitor panicked".to_string()));
    QUIET.with(|q| q.set(false));
    lines
}

#[cfg(test)]
mod tests;
