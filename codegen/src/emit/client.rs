//! Runs progenitor (and through it typify) over the validated document. progenitor panics on
//! input it does not support; the panic is caught and turned into an error naming the operation.

use std::panic::{AssertUnwindSafe, catch_unwind};

use proc_macro2::TokenStream;
use progenitor_impl::{
    CrateVers, GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle,
};

use crate::error::{Error, Location, Result, Stage};

/// What the base client needs from the Cargo.toml beyond the fixed dependencies.
#[derive(Debug, Clone, Copy, Default)]
pub struct Uses {
    pub chrono: bool,
    pub uuid: bool,
    pub regress: bool,
    pub futures: bool,
}

pub fn progenitor_tokens(spec: &openapiv3::OpenAPI, doc_file: &str) -> Result<(TokenStream, Uses)> {
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
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut generator = Generator::new(&settings);
        generator.generate_tokens(spec).map(|tokens| {
            let types = generator.get_type_space();
            let uses = Uses {
                chrono: types.uses_chrono(),
                uuid: types.uses_uuid(),
                regress: types.uses_regress(),
                futures: generator.uses_futures(),
            };
            (tokens, uses)
        })
    }));
    let at = || Location {
        file: doc_file.to_string(),
        pointer: String::new(),
    };
    match outcome {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(e)) => Err(Error::new(
            Stage::Emit,
            at(),
            format!("progenitor rejected the normalized document: {e}"),
            "look at the named schema or operation; fix it with an overlay, or teach a normalize pass this case",
        )),
        Err(panic) => {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Err(Error::new(
                Stage::Emit,
                at(),
                format!("progenitor panicked: {text}"),
                "this is a generator bug for this input: report it with the document; meanwhile an overlay can remove the construct",
            ))
        }
    }
}
