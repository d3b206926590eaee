//! Engine stage: runs progenitor (and through it typify) over the validated document. progenitor panics on
//! some input it does not support; the panic is caught (quietly: no backtrace on the user's
//! terminal) and turned into an error message; `partial` decides what to leave out on failure.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use proc_macro2::TokenStream;
use progenitor_impl::{
    CrateVers, GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle,
};

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
pub(crate) fn run(spec: &openapiv3::OpenAPI) -> std::result::Result<(TokenStream, Uses), String> {
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

/// What progenitor's own generator does (tokens, then prettyplease), without our emitters, for
/// benchmarks that compare the pipeline with the engine's own cost. Returns the line count.
pub fn progenitor_only(spec: &openapiv3::OpenAPI) -> usize {
    run(spec)
        .ok()
        .and_then(|(tokens, _)| syn::parse2::<syn::File>(tokens).ok())
        .map_or(0, |file| prettyplease::unparse(&file).lines().count())
}
