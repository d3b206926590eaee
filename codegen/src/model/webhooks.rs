//! Webhooks of the model: each `x-sdk-webhooks` entry checked against the document (its payload
//! is a component schema, its operations exist) and progenitor's types (the component's type is
//! what the receiver decodes).

use heck::ToUpperCamelCase;
use syn::Item;

use super::{ModelInput, Operation, Webhook};
use crate::error::{Error, Result, Stage};
use crate::extensions::{self, WEBHOOKS};
use crate::syntax;

const COMPONENTS: &str = "#/components/schemas/";

pub fn build(
    declared: &[extensions::Webhook],
    operations: &[Operation],
    input: &ModelInput<'_>,
) -> Result<Vec<Webhook>> {
    let types: Vec<String> = syntax::module(&input.engine.items, "types")
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    declared
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let bad = |key: &str, message: String| {
                Error::new(
                    Stage::Validate,
                    input.origins.locate(&format!("/{WEBHOOKS}/{i}/{key}")),
                    format!("webhook `{}`: {message}", w.name),
                    "fix the x-sdk-webhooks declaration in the vendor's overlay (see specs/README.md)",
                )
            };
            // Inline schemas would need a component of their own for typify to name: the
            // overlay declares one instead.
            let component = w
                .payload
                .get("$ref")
                .and_then(serde_json::Value::as_str)
                .and_then(|r| r.strip_prefix(COMPONENTS))
                .ok_or_else(|| {
                    bad(
                        "payload",
                        "the payload must be `{$ref: '#/components/schemas/<Name>'}`; declare an inline schema as a component in the overlay".into(),
                    )
                })?;
            let known = input
                .spec
                .components
                .as_ref()
                .is_some_and(|c| c.schemas.contains_key(component));
            if !known {
                return Err(bad(
                    "payload",
                    format!("component schema `{component}` does not exist"),
                ));
            }
            let type_name = component.to_upper_camel_case();
            if !types.contains(&type_name) {
                return Err(bad(
                    "payload",
                    format!("progenitor generated no type `{type_name}` for component `{component}`"),
                ));
            }
            if let Some(j) = w
                .operations
                .iter()
                .position(|id| !operations.iter().any(|o| &o.id == id))
            {
                return Err(bad(
                    &format!("operations/{j}"),
                    format!("operation `{}` does not exist", w.operations[j]),
                ));
            }
            if let Some(example) = &w.example
                && let Err(e) = syn::parse_str::<syn::Block>(&format!("{{{example}}}"))
            {
                return Err(bad("example", format!("is not Rust statements: {e}")));
            }
            Ok(Webhook {
                name: w.name.clone(),
                description: w.description.clone(),
                operations: w.operations.clone(),
                scheme: w.scheme.clone(),
                event: type_name,
                example: w.example.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::{SourceFile, VendorInput, generate};

    const API: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /jobs:
    post:
      operationId: createJob
      responses: {'200': {description: ok}}
components:
  schemas:
    JobEvent:
      type: object
      required: [job_id]
      properties: {job_id: {type: string}}
"#;

    fn generate_with(webhook: &str) -> crate::Result<crate::GeneratedCrate> {
        let overlay = format!(
            "overlay: 1.0.0\ninfo: {{title: o, version: '1'}}\nactions:\n  - target: $\n    description: test\n    update:\n      x-sdk-webhooks:\n        - {webhook}\n"
        );
        let files = [
            SourceFile {
                name: "api.yaml".into(),
                text: API.into(),
            },
            SourceFile {
                name: "overlay.yaml".into(),
                text: overlay,
            },
        ];
        generate(&VendorInput {
            vendor: "v",
            source_dir: "specs/v",
            files: &files,
            runtime_path: "../../runtime",
        })
    }

    #[test]
    fn a_declared_webhook_gets_a_receiver_of_its_component_type_and_the_runtime_feature() {
        let generated = generate_with(
            "{name: job_done, operations: [createJob], scheme: standard, payload: {$ref: '#/components/schemas/JobEvent'}}",
        )
        .unwrap();
        let sdk = &generated.files["src/sdk.rs"];
        assert!(sdk.contains("pub fn verify_job_done("), "{sdk}");
        assert!(
            sdk.contains("Result<types::JobEvent, WebhookError>"),
            "{sdk}"
        );
        assert!(sdk.contains("StandardWebhooks::new(secret)?"), "{sdk}");
        assert!(generated.files["Cargo.toml"].contains(r#"features = ["webhooks"]"#));
        let readme = &generated.files["README.md"];
        assert!(readme.contains("## Webhooks"));
        // The receiver example is a whole hyper server whose doctest needs these dev-dependencies.
        assert!(
            readme.contains(
                "verify_job_done(&std::env::var(\"WEBHOOK_SECRET\")?, &parts.headers, &body)"
            ),
            "{readme}"
        );
        let manifest = &generated.files["Cargo.toml"];
        for dev in ["http-body-util = ", "hyper = ", "hyper-util = "] {
            assert!(manifest.contains(dev), "{manifest}");
        }
    }

    #[test]
    fn crates_without_webhooks_do_not_enable_the_feature() {
        let files = [SourceFile {
            name: "api.yaml".into(),
            text: API.into(),
        }];
        let generated = generate(&VendorInput {
            vendor: "v",
            source_dir: "specs/v",
            files: &files,
            runtime_path: "../../runtime",
        })
        .unwrap();
        assert!(!generated.files["Cargo.toml"].contains("webhooks"));
        assert!(!generated.files["src/sdk.rs"].contains("WebhookError"));
    }

    #[test]
    fn payloads_and_operations_are_checked_against_the_document() {
        let message = |w: &str| {
            generate_with(w)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        let inline = message("{name: a, scheme: akool, payload: {type: object}}");
        assert!(
            inline.contains("declare an inline schema as a component"),
            "{inline}"
        );
        let missing =
            message("{name: a, scheme: akool, payload: {$ref: '#/components/schemas/Nope'}}");
        assert!(
            missing.contains("component schema `Nope` does not exist"),
            "{missing}"
        );
        let op = message(
            "{name: a, scheme: unsigned, operations: [nope], payload: {$ref: '#/components/schemas/JobEvent'}}",
        );
        assert!(op.contains("operation `nope` does not exist"), "{op}");
        let example = message(
            "{name: a, scheme: unsigned, example: 'let x = ;', payload: {$ref: '#/components/schemas/JobEvent'}}",
        );
        assert!(example.contains("is not Rust statements"), "{example}");
    }
}
