//! Turns a vendor's OpenAPI documents into the files of a typed Rust client crate.
//!
//! The pipeline runs in one direction, each stage in its own module: [`source`] (load YAML/JSON),
//! [`merge`], [`overlay`], [`normalize`], [`validate`], [`engine`] (typify), [`model`] (the
//! typed SDK model: operations, auth, envelope, waiters), [`emit`]. Leaf modules every stage may
//! use: [`origins`], [`naming`], [`walk`], [`syntax`], [`extensions`], `pointer`, [`error`],
//! [`schema_conv`] (openapiv3 schemas to schemars ones, typify's input, exactly as progenitor
//! converts them). The library does no I/O: callers hand in file contents and get file contents
//! back, which keeps it testable and lets the driver decide what to write.

pub mod api;
pub mod conformance;
pub mod cycles;
pub mod emit;
pub mod engine;
pub mod error;
pub mod extensions;
pub mod limits;
pub mod merge;
pub mod model;
pub mod naming;
pub mod normalize;
pub mod origins;
pub mod overlay;
pub mod partial;
mod pointer;
pub mod schema_conv;
pub mod settings;
pub mod source;
pub mod surface;
pub mod syntax;
pub mod validate;
pub mod walk;

use std::collections::BTreeMap;

use serde_json::Value;

pub use error::{Error, Location, Stage, Warning};
pub use origins::Origins;
pub use settings::VendorSettings;
pub use source::SourceFile;
pub use surface::Stats;

use error::Result;

/// One vendor folder's contents, as read by the caller.
pub struct VendorInput<'a> {
    /// The folder name, e.g. `akool`; the default crate name derives from it.
    pub vendor: &'a str,
    /// How the folder is shown in messages and headers, e.g. `specs/akool`.
    pub source_dir: &'a str,
    pub files: &'a [SourceFile],
    /// Path from the generated crate's directory to the runtime crate (`../../runtime` in the
    /// workspace); the driver computes it so crates written elsewhere still build.
    pub runtime_path: &'a str,
}

/// The effective document and what went into it.
pub struct Effective {
    pub document: Value,
    pub spec: openapiv3::OpenAPI,
    pub settings: VendorSettings,
    pub document_files: Vec<String>,
    /// Which input file each part of the document came from, for messages of later stages.
    pub origins: Origins,
    /// Operations and components validation refused (only when the vendor is not strict).
    pub left_out: Vec<partial::LeftOut>,
}

/// A generated crate: relative path -> contents, its counts, and what its reviewable API
/// summary lists beside the code.
pub struct GeneratedCrate {
    pub crate_name: String,
    pub files: BTreeMap<String, String>,
    pub stats: Stats,
    /// Left-out operations and normalize warnings, for the driver to print.
    pub warnings: Vec<Warning>,
    routes: Vec<(String, String, String)>,
    /// `POST /x: reason` per left-out operation, listed by the API surface.
    left_out: Vec<String>,
}

impl GeneratedCrate {
    /// The API summary the snapshot tests review: client methods, builders, types. Rendered on
    /// request, from the printed files (`cargo xtask gen` never shows it, and the syntax trees
    /// are not kept: GitHub's are hundreds of megabytes).
    pub fn surface(&self) -> Result<String> {
        let parse = |name: &str| {
            syn::parse_file(self.files.get(name).map_or("", String::as_str)).map_err(|e| {
                Error::bug(
                    &self.crate_name,
                    format!("the generated {name} does not parse: {e}"),
                )
            })
        };
        Ok(surface::surface(
            &parse("src/client.rs")?,
            &parse("src/sdk.rs")?,
            &self.routes,
            &self.left_out,
        ))
    }

    /// `POST /x: reason` per operation the crate leaves out.
    pub fn left_out(&self) -> &[String] {
        &self.left_out
    }

    /// The public API as data, for the driver's semver comparison with the previous generation.
    /// Read from the printed files, exactly as the previous generation is read back from disk:
    /// the in-memory trees spell some tokens differently (trailing commas), which would show
    /// as changes.
    pub fn api(&self) -> Result<api::ApiModel> {
        let file = |name: &str| self.files.get(name).map_or("", String::as_str);
        let mock = self.files.get("src/mock.rs").map(String::as_str);
        api::ApiModel::parse_crate(
            file("Cargo.toml"),
            file("src/lib.rs"),
            file("src/client.rs"),
            file("src/sdk.rs"),
            mock,
        )
        .map_err(|(file, e)| {
            Error::bug(
                &self.crate_name,
                format!("the generated {file} does not parse: {e}"),
            )
        })
    }
}

/// Load, merge, overlay, normalize and validate a vendor folder.
pub fn effective_document(input: &VendorInput<'_>) -> Result<Effective> {
    effective_document_observed(input, &mut |_| {})
}

/// [`effective_document`], calling `done` as each stage completes (benchmarks time the stages).
pub fn effective_document_observed(
    input: &VendorInput<'_>,
    done: &mut dyn FnMut(Stage),
) -> Result<Effective> {
    let mut sources = source::load(input.source_dir, input.files)?;
    done(Stage::Load);
    let (pre_merge, post_merge): (Vec<_>, Vec<_>) = sources
        .overlays
        .iter()
        .partition(|o| overlay::extends(o).is_some());
    let mut pre_merge_origins = Origins::default();
    for o in pre_merge {
        let target = overlay::extends(o).unwrap_or_default();
        let Some(doc) = sources.documents.iter_mut().find(|d| d.name == target) else {
            return Err(Error::new(
                Stage::Overlay,
                Location {
                    file: o.display.clone(),
                    pointer: "/extends".into(),
                },
                format!("`extends: {target}` names no OpenAPI document of this folder"),
                "set `extends` to the file name of one of the folder's documents, or drop it to apply the overlay after the merge",
            ));
        };
        overlay::apply(o, &mut doc.value, &mut pre_merge_origins)?;
    }
    let (mut document, mut origins) = merge::merge(&sources.documents)?;
    // Recorded after the documents' units, so overlay additions win where both hold a pointer.
    origins.extend(pre_merge_origins);
    done(Stage::Merge);
    for o in post_merge {
        overlay::apply(o, &mut document, &mut origins)?;
    }
    done(Stage::Overlay);
    let title = document
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let settings = VendorSettings::resolve(input.vendor, sources.settings.as_ref(), title)?;
    // Before normalize, which would set some of it aside unseen (a dangling response reference).
    conformance::apply(&mut document, &origins, settings.strict)?;
    normalize::normalize(&mut document, &origins)?;
    done(Stage::Normalize);
    let (spec, left_out) = partial::validate(&document, &origins, settings.strict)?;
    done(Stage::Validate);
    Ok(Effective {
        document,
        spec,
        settings,
        document_files: sources.documents.iter().map(|d| d.name.clone()).collect(),
        origins,
        left_out,
    })
}

/// Runs the whole pipeline for one vendor folder.
pub fn generate(input: &VendorInput<'_>) -> Result<GeneratedCrate> {
    generate_observed(input, &mut |_| {})
}

/// [`generate`], calling `done` as each stage completes.
pub fn generate_observed(
    input: &VendorInput<'_>,
    done: &mut dyn FnMut(Stage),
) -> Result<GeneratedCrate> {
    let Effective {
        document,
        spec: typed,
        settings,
        document_files,
        origins,
        left_out: refused,
    } = effective_document_observed(input, done)?;
    let source_dir = input.source_dir;
    // The effective document is published beside the crate, with the shapes normalize set
    // aside; written now, so the document is not held through the emit stage (GitHub's is
    // large, and the emit stage is when memory peaks).
    let mut json = serde_json::to_string_pretty(&normalize::published(&document))
        .map_err(|e| Error::bug(source_dir, e.to_string()))?;
    json.push('\n');
    drop(document);
    let spec = &typed;
    let engine_error = |message: String| {
        Error::new(
            Stage::Emit,
            Location {
                file: source_dir.to_string(),
                pointer: "/components/schemas".into(),
            },
            message,
            "reshape the schema with an overlay action, or report the construct typify cannot take",
        )
    };
    let mut types = engine::Types::new(spec).map_err(engine_error)?;
    let (operations, mut left_out) = model::operations::build(spec, &mut types, &origins)?;
    left_out.splice(0..0, refused);
    let (type_tokens, uses, shapes) = types.finish().map_err(engine_error)?;
    // Wrapped as in the crate, for the model's reads of typify's types.
    let engine = syntax::parse_file(quote::quote! {
        pub mod types {
            #type_tokens
        }
    })
    .map_err(|e| Error::bug(source_dir, format!("typify's code does not parse: {e}")))?;
    drop(type_tokens);
    let model = model::SdkModel::build(&model::ModelInput {
        source_dir,
        settings: &settings,
        spec,
        origins: &origins,
        document_files: &document_files,
        runtime_path: input.runtime_path,
        engine: &engine,
        uses,
        operations: &operations,
        left_out: &left_out,
    })?;
    let warnings = model.diagnostics();
    if settings.strict
        && let Some(first) = warnings.first()
    {
        return Err(Error::new(
            Stage::Emit,
            first.location.clone(),
            format!(
                "strict vendor: {} (and {} more)",
                first.message,
                warnings.len() - 1
            ),
            "vendor.toml sets `strict = true`: fix the cause with an overlay (the help of `cargo xtask gen` on a copy without strict shows each), or drop strict",
        ));
    }
    // The model holds what the emitters need: the typed document goes before the emit stage.
    drop(typed);
    let emit::CrateFiles { mut files, types } = emit::crate_files(&model, engine, &shapes)?;
    files.insert("openapi.json".to_string(), json);
    let routes = model.routes();
    let left_out: Vec<String> = model
        .left_out
        .iter()
        .map(|l| format!("{}: {}", l.what, l.reason))
        .collect();
    let mut stats = Stats {
        operations: routes.len(),
        types,
        // Counted below, from the printed files.
        lines: 0,
    };
    done(Stage::Emit);
    stats.lines = files
        .iter()
        .filter(|(p, _)| p.ends_with(".rs"))
        .map(|(_, c)| c.lines().count())
        .sum();
    Ok(GeneratedCrate {
        crate_name: settings.crate_name.clone(),
        files,
        stats,
        warnings,
        routes,
        left_out,
    })
}

/// Generates a crate from one spec file (vendor `v`), for unit tests across the pipeline.
#[cfg(test)]
pub(crate) fn generate_one(spec: &str) -> Result<GeneratedCrate> {
    let files = [SourceFile {
        name: "api.yaml".into(),
        text: spec.into(),
    }];
    generate(&VendorInput {
        vendor: "v",
        source_dir: "specs/v",
        files: &files,
        runtime_path: "../../runtime",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An operation the model cannot send (its path names a parameter nobody declares): it is
    /// left out and named (file and pointer) in a warning and the README; with `strict = true`
    /// it is an error naming the same. Nothing panics out of the library.
    #[test]
    fn operations_the_model_cannot_take_are_left_out_or_strict_errors() {
        let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /ok:\n    get:\n      operationId: getOk\n      responses: {'204': {description: none}}\n  /a/{id}:\n    post:\n      operationId: postA\n      responses: {'204': {description: none}}\n";
        let mut files = vec![SourceFile {
            name: "api.yaml".into(),
            text: spec.into(),
        }];
        let input = |files: &[SourceFile]| -> Result<GeneratedCrate> {
            generate(&VendorInput {
                vendor: "v",
                source_dir: "specs/v",
                files,
                runtime_path: "../../runtime",
            })
        };
        let generated = input(&files).expect("the rest of the document generates");
        assert_eq!(generated.stats.operations, 1, "{:?}", generated.warnings);
        assert_eq!(generated.warnings.len(), 1, "{:?}", generated.warnings);
        let warning = &generated.warnings[0];
        assert_eq!(
            warning.location.to_string(),
            "specs/v/api.yaml#/paths/~1a~1{id}/post"
        );
        assert!(
            warning.message.contains("`POST /a/{id}` is not generated")
                && warning.message.contains("no path parameter"),
            "{warning}"
        );
        let readme = &generated.files["README.md"];
        assert!(readme.contains("## Operations not generated\n"), "{readme}");
        assert!(
            readme.contains(
                "- `POST /a/{id}` (`specs/v/api.yaml#/paths/~1a~1{id}/post`): the path names `{id}`"
            ),
            "{readme}"
        );
        assert!(
            generated
                .surface()
                .unwrap()
                .contains("not generated:\n  POST /a/{id}: the path names `{id}`")
        );
        assert!(!generated.files["src/client.rs"].contains("post_a"));

        files.push(SourceFile {
            name: "vendor.toml".into(),
            text: "strict = true\n".into(),
        });
        let error = input(&files)
            .err()
            .expect("strict vendors lose no operation");
        assert_eq!(
            error.location.to_string(),
            "specs/v/api.yaml#/paths/~1a~1{id}/post"
        );
        assert!(
            error
                .message
                .contains("strict vendor: `POST /a/{id}` is not generated"),
            "{error}"
        );
    }
}
