//! The generated crate's Cargo.toml: explicit versions (no workspace inheritance), so the crate
//! builds wherever it is written, and only the optional crates its types use.

use crate::model::Vendor;

pub fn render(header: &str, vendor: &Vendor) -> String {
    let (settings, uses, runtime_path) =
        (&vendor.settings, vendor.uses, vendor.runtime_path.as_str());
    let mut deps = vec![
        format!(
            "sdk-runtime = {{ path = {}, default-features = false }}",
            toml_string(runtime_path)
        ),
        r#"progenitor-client = "0.15.1""#.to_string(),
        // No TLS feature here: sdk-runtime's `rustls` or `native-tls` chooses it (see [features]).
        r#"reqwest = { version = "0.13", default-features = false, features = ["json", "query", "multipart"] }"#.to_string(),
        r#"serde = { version = "1", features = ["derive"] }"#.to_string(),
        r#"serde_json = "1""#.to_string(),
    ];
    if uses.chrono {
        deps.push(r#"chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }"#.into());
    }
    if uses.uuid {
        deps.push(r#"uuid = { version = "1", features = ["serde"] }"#.into());
    }
    if uses.regress {
        deps.push(r#"regress = "0.12""#.into());
    }
    if uses.websockets {
        deps.push(r#"base64 = "0.22""#.into());
        deps.push(r#"rand = "0.9""#.into());
    }
    if uses.futures {
        deps.push(r#"futures = "0.3""#.into());
    }
    deps.sort();
    format!(
        "# {header}\n\
         [package]\n\
         name = \"{name}\"\n\
         version = \"{version}\"\n\
         edition = \"2024\"\n\
         rust-version = \"1.88\"\n\
         description = {description}\n\
         publish = false\n\
         readme = \"README.md\"\n\
         \n\
         [dependencies]\n\
         {deps}\n\
         \n\
         [features]\n\
         default = [\"rustls\"]\n\
         # rustls with the ring provider and the OS trust store; pure Rust apart from ring.\n\
         rustls = [\"sdk-runtime/rustls\"]\n\
         # The system's TLS library (OpenSSL on Linux: needs libssl-dev to build).\n\
         native-tls = [\"sdk-runtime/native-tls\"]\n\
         \n\
         [dev-dependencies]\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
        name = settings.crate_name,
        version = settings.version,
        description = toml_string(&settings.description),
        deps = deps.join("\n"),
    )
}

fn toml_string(s: &str) -> String {
    // A TOML basic string has JSON's escapes for the characters that matter here.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}
