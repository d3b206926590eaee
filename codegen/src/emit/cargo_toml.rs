//! The generated crate's Cargo.toml: explicit versions (no workspace inheritance), so the crate
//! builds wherever it is written, and only the optional crates its types use. It carries what
//! crates.io needs, so `cargo package` succeeds for it as written.

use crate::model::Vendor;

/// The openapi-sdk-runtime version the generated code is written against (runtime/Cargo.toml's; a test
/// keeps them equal). The path builds in place; the version is what a packaged crate keeps.
const RUNTIME_VERSION: &str = "0.1.0";

pub fn render(header: &str, vendor: &Vendor) -> String {
    let (settings, uses, runtime_path) =
        (&vendor.settings, vendor.uses, vendor.runtime_path.as_str());
    let mut deps = vec![
        format!(
            "openapi-sdk-runtime = {{ path = {}, version = \"{RUNTIME_VERSION}\", default-features = false{} }}",
            toml_string(runtime_path),
            // Only crates with webhooks compile the runtime's crypto.
            if vendor.webhooks { ", features = [\"webhooks\"]" } else { "" }
        ),
        r#"progenitor-client = "0.15.1""#.to_string(),
        // No TLS feature here: openapi-sdk-runtime's `rustls` or `native-tls` chooses it (see [features]).
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
    deps.sort();
    let optional = |key: &str, value: &Option<String>| {
        value
            .as_deref()
            .map(|v| format!("{key} = {}\n", toml_string(v)))
            .unwrap_or_default()
    };
    let repository = optional("repository", &settings.repository);
    let homepage = optional("homepage", &settings.homepage);
    format!(
        "# {header}\n\
         [package]\n\
         name = \"{name}\"\n\
         version = \"{version}\"\n\
         edition = \"2024\"\n\
         rust-version = \"1.88\"\n\
         description = {description}\n\
         license = {license}\n\
         {repository}\
         {homepage}\
         documentation = \"https://docs.rs/{name}\"\n\
         readme = \"README.md\"\n\
         keywords = {keywords}\n\
         categories = {categories}\n\
         \n\
         [package.metadata.docs.rs]\n\
         # The client has no platform-specific API: one target, built with the default rustls.\n\
         targets = [\"x86_64-unknown-linux-gnu\"]\n\
         # The typed mocks are documented too.\n\
         features = [\"mock\"]\n\
         \n\
         [dependencies]\n\
         {deps}\n\
         \n\
         [features]\n\
         default = [\"rustls\"]\n\
         # rustls with the ring provider and the OS trust store; pure Rust apart from ring.\n\
         rustls = [\"openapi-sdk-runtime/rustls\"]\n\
         # The system's TLS library (OpenSSL on Linux: needs libssl-dev to build).\n\
         native-tls = [\"openapi-sdk-runtime/native-tls\"]\n\
         # `mock`: a loopback server answering like the API, for the tests of code using this crate.\n\
         mock = [\"openapi-sdk-runtime/mock\"]\n\
         \n\
         [dev-dependencies]\n\
         {dev_deps}",
        name = settings.crate_name,
        version = settings.version,
        description = toml_string(&settings.description),
        license = toml_string(&settings.license),
        keywords = toml_array(&settings.keywords),
        categories = toml_array(&settings.categories),
        deps = deps.join("\n"),
        dev_deps = dev_dependencies(vendor.webhooks),
    )
}

/// What the README's doctests use: tokio, and for a crate with webhooks the hyper server of its
/// receiver example (crates the tree has already, under reqwest and the mocks).
fn dev_dependencies(webhooks: bool) -> String {
    let mut deps = Vec::new();
    if webhooks {
        deps.push(r#"http-body-util = "0.1""#);
        deps.push(r#"hyper = { version = "1", features = ["server", "http1"] }"#);
        deps.push(r#"hyper-util = { version = "0.1", features = ["tokio"] }"#);
        deps.push(r#"tokio = { version = "1", features = ["macros", "rt-multi-thread", "net"] }"#);
    } else {
        deps.push(r#"tokio = { version = "1", features = ["macros", "rt-multi-thread"] }"#);
    }
    let mut out = deps.join("\n");
    out.push('\n');
    out
}

fn toml_string(s: &str) -> String {
    // A TOML basic string has JSON's escapes for the characters that matter here.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn toml_array(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| toml_string(s)).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::RUNTIME_VERSION;

    /// A folder holding only a spec gets everything crates.io asks for, and nothing that stops
    /// `cargo package` (no `publish = false`, a version on the path dependency).
    #[test]
    fn a_spec_only_folder_is_publishable() {
        let spec = "openapi: 3.0.3\ninfo: {title: Widgets, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses: {'204': {description: none}}\n";
        let generated = crate::generate_one(spec).unwrap();
        let manifest: toml::Table = toml::from_str(&generated.files["Cargo.toml"]).unwrap();
        let package = manifest["package"].as_table().unwrap();
        assert_eq!(package["license"].as_str(), Some("MIT OR Apache-2.0"));
        assert_eq!(
            package["description"].as_str(),
            Some("Typed Rust client for Widgets")
        );
        assert_eq!(package["readme"].as_str(), Some("README.md"));
        assert_eq!(package["keywords"].as_array().unwrap().len(), 4);
        assert!(package.contains_key("categories") && package.contains_key("rust-version"));
        assert!(!package.contains_key("publish") && !package.contains_key("repository"));
        assert!(!package.contains_key("homepage"));
        assert!(manifest["package"]["metadata"]["docs"]["rs"].is_table());
        let runtime = &manifest["dependencies"]["openapi-sdk-runtime"];
        assert_eq!(runtime["path"].as_str(), Some("../../runtime"));
        assert_eq!(runtime["version"].as_str(), Some(RUNTIME_VERSION));
    }

    /// `repository` and `homepage` in vendor.toml reach the manifest.
    #[test]
    fn repository_and_homepage_come_from_vendor_toml() {
        let files = [
            crate::SourceFile {
                name: "api.yaml".into(),
                text: "openapi: 3.0.3\ninfo: {title: W, version: '1'}\npaths: {}\n".into(),
            },
            crate::SourceFile {
                name: "vendor.toml".into(),
                text: "repository = 'https://example.com/r'\nhomepage = 'https://example.com'\n"
                    .into(),
            },
        ];
        let generated = crate::generate(&crate::VendorInput {
            vendor: "v",
            source_dir: "specs/v",
            files: &files,
            runtime_path: "../../runtime",
        })
        .unwrap();
        let manifest: toml::Table = toml::from_str(&generated.files["Cargo.toml"]).unwrap();
        let package = manifest["package"].as_table().unwrap();
        assert_eq!(
            package["repository"].as_str(),
            Some("https://example.com/r")
        );
        assert_eq!(package["homepage"].as_str(), Some("https://example.com"));
    }

    /// The version requirement the generated crates put on openapi-sdk-runtime must be the version the
    /// runtime has, or a packaged crate would ask crates.io for another one.
    #[test]
    fn runtime_version_is_the_runtimes() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime/Cargo.toml");
        let manifest: toml::Table =
            toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(
            manifest["package"]["version"].as_str(),
            Some(RUNTIME_VERSION)
        );
    }
}
