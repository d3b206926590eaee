//! Engine stage: runs progenitor (and through it typify) over the validated document. progenitor panics on
//! some input it does not support; the panic is caught (quietly: no backtrace on the user's
//! terminal) and turned into an error, and on any failure each operation is tried alone so the
//! error can name the one that fails.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use proc_macro2::TokenStream;
use progenitor_impl::{
    CrateVers, GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle,
};

use crate::error::{Error, Result, Stage};

/// What the base client needs from the Cargo.toml beyond the fixed dependencies.
#[derive(Debug, Clone, Copy, Default)]
pub struct Uses {
    pub chrono: bool,
    pub uuid: bool,
    pub regress: bool,
    pub futures: bool,
    /// Websocket upgrades (dropshot's `x-dropshot-websocket`) need a random key, base64-encoded.
    pub websockets: bool,
}

fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // Every request goes through `sdk_runtime::Runtime` (auth, retries, tracing, envelope)
        // via our `ClientHooks` impl in sdk.rs; `Expected` makes a missing impl a compile error.
        .with_inner_type(quote::quote!(::sdk_runtime::Runtime))
        .with_hooks(HooksMode::Expected)
        // Types the normalize passes point at with `x-rust-type` come from our runtime crate.
        .with_crate(crate::normalize::RUNTIME_CRATE, CrateVers::Any, None);
    settings
}

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// A panic hook that stays silent on threads running progenitor and defers to the previous hook
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

/// progenitor's output, or the message of its error or panic (first line, shortened: panics
/// dump whole schemas).
fn run(spec: &openapiv3::OpenAPI) -> std::result::Result<(TokenStream, Uses), String> {
    install_quiet_hook();
    QUIET.with(|q| q.set(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut generator = Generator::new(&settings());
        generator.generate_tokens(spec).map(|tokens| {
            let types = generator.get_type_space();
            let uses = Uses {
                chrono: types.uses_chrono(),
                uuid: types.uses_uuid(),
                regress: types.uses_regress(),
                futures: generator.uses_futures(),
                websockets: generator.uses_websockets(),
            };
            (tokens, uses)
        })
    }));
    QUIET.with(|q| q.set(false));
    let message = match outcome {
        Ok(Ok(result)) => return Ok(result),
        Ok(Err(e)) => format!("progenitor rejected it: {e}"),
        Err(panic) => {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            format!("progenitor panicked: {text}")
        }
    };
    let first = message.lines().next().unwrap_or_default();
    Err(first.chars().take(300).collect())
}

/// The first operation that fails on its own, as a JSON pointer.
fn culprit(spec: &openapiv3::OpenAPI) -> Option<String> {
    for (path, item) in &spec.paths.paths {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, _) in item.iter() {
            let mut alone = spec.clone();
            let mut only = item.clone();
            for m in crate::walk::METHODS.iter().filter(|m| **m != method) {
                match *m {
                    "get" => only.get = None,
                    "put" => only.put = None,
                    "post" => only.post = None,
                    "delete" => only.delete = None,
                    "options" => only.options = None,
                    "head" => only.head = None,
                    "patch" => only.patch = None,
                    "trace" => only.trace = None,
                    _ => {}
                }
            }
            alone.paths.paths = [(path.clone(), openapiv3::ReferenceOr::Item(only))]
                .into_iter()
                .collect();
            if run(&alone).is_err() {
                return Some(crate::pointer::join(
                    &crate::pointer::join("/paths", path),
                    method,
                ));
            }
        }
    }
    None
}

/// progenitor's client for the document, and what its code uses; an error names the first
/// operation progenitor cannot take alone.
pub fn progenitor_tokens(
    spec: &openapiv3::OpenAPI,
    origins: &crate::origins::Origins,
) -> Result<(TokenStream, Uses)> {
    run(spec).map_err(|message| {
        let (pointer, subject) = match culprit(spec) {
            Some(pointer) => (pointer, "this operation"),
            None => (String::new(), "the document (its components, as no single operation fails alone)"),
        };
        Error::new(
            Stage::Emit,
            origins.locate(&pointer),
            format!("cannot generate {subject}: {message}"),
            "remove or reshape the construct with an overlay action, or teach a normalize pass this case (and report it)",
        )
    })
}

/// What progenitor's own generator does (tokens, then prettyplease), without our emitters, for
/// benchmarks that compare the pipeline with the engine's own cost. Returns the line count.
pub fn progenitor_only(spec: &openapiv3::OpenAPI) -> usize {
    run(spec)
        .ok()
        .and_then(|(tokens, _)| syn::parse2::<syn::File>(tokens).ok())
        .map_or(0, |file| prettyplease::unparse(&file).lines().count())
}
