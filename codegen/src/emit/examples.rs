//! Runnable examples, one per waiter the overlay gives an example for: the README's
//! create-then-wait flow as a program configured from the environment (`examples/<name>.rs`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::{Error, Result};
use crate::model::SdkModel;

/// (file stem, program tokens) per example.
pub fn emit(model: &SdkModel) -> Result<Vec<(String, TokenStream)>> {
    let settings = &model.vendor.settings;
    let lib: syn::Ident = syn::parse_str(&settings.lib_name()).map_err(|_| {
        Error::bug(
            &model.vendor.source_dir,
            format!("crate name `{}` is a Rust keyword", settings.crate_name),
        )
    })?;
    let prefix = &settings.env_prefix;
    let krate = &settings.crate_name;
    Ok(model
        .waiters
        .iter()
        .filter_map(|w| {
            let example = w.example.as_ref()?;
            let mut docs: Vec<String> = w
                .description
                .as_deref()
                .unwrap_or_default()
                .trim()
                .lines()
                .map(str::to_string)
                .collect();
            if !example.comments.is_empty() {
                docs.push(String::new());
                docs.extend(example.comments.iter().cloned());
            }
            docs.push(String::new());
            docs.push("Against a local server (a mock, or a proxy):".into());
            docs.push(format!(
                "`{prefix}_API_KEY=test {prefix}_BASE_URL=http://127.0.0.1:4010 cargo run -p {krate} --example {}`",
                w.name
            ));
            // A doc line is written as ` text` after `//!`, as rustdoc comments are.
            let docs = docs.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
            let statements = &example.statements;
            // prettyplease lays the program out; rustfmt would lay it out differently.
            let program = quote! {
                #(#![doc = #docs])*

                #[rustfmt::skip]
                #[tokio::main]
                async fn main() -> Result<(), Box<dyn std::error::Error>> {
                    let client = &#lib::Client::from_env()?;
                    #statements
                    Ok(())
                }
            };
            Some((w.name.clone(), program))
        })
        .collect())
}
