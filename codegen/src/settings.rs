//! Vendor settings (`vendor.toml`): packaging choices that are not in the spec. Every field is
//! optional, so a folder holding only a spec still generates a working crate.

use serde::Deserialize;

use crate::error::{Error, Location, Result, Stage};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    crate_name: Option<String>,
    description: Option<String>,
    version: Option<String>,
    env_prefix: Option<String>,
    strict: Option<bool>,
    license: Option<String>,
    repository: Option<String>,
    homepage: Option<String>,
    keywords: Option<Vec<String>>,
    categories: Option<Vec<String>>,
    /// Read by `cargo xtask update` ([`upstream`]), not by generation.
    #[serde(default)]
    upstream: Vec<Upstream>,
}

/// One upstream document of a vendor folder (`[[upstream]]` in vendor.toml): the file it is
/// stored as, where it is published, and the sha256 of the version stored.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upstream {
    pub file: String,
    pub url: String,
    pub sha256: String,
}

/// The workspace's own licence, the default for a generated crate.
const DEFAULT_LICENSE: &str = "MIT OR Apache-2.0";
/// The workspace's repository and homepage (root Cargo.toml, `[workspace.package]`), the
/// defaults of a generated crate, which lives in that repository; a test keeps them equal. The
/// workspace names none yet.
const DEFAULT_REPOSITORY: Option<&str> = None;
const DEFAULT_HOMEPAGE: Option<&str> = None;
/// crates.io category slugs (<https://crates.io/category_slugs>) that fit every API client.
const DEFAULT_CATEGORIES: [&str; 2] = ["api-bindings", "web-programming::http-client"];
/// crates.io accepts at most five keywords.
const MAX_KEYWORDS: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct VendorSettings {
    pub crate_name: String,
    pub description: String,
    /// The lowest version the crate gets (default 0.1.0); the version of record is the checked-in
    /// Cargo.toml's, bumped by `cargo xtask gen` on API changes (crate::api::release).
    pub version: String,
    /// Prefix of `<PREFIX>_API_KEY` and `<PREFIX>_BASE_URL` (default: the folder name in capitals).
    pub env_prefix: String,
    /// Every operation must generate and no spec change may be needed: a left-out operation or
    /// a normalize warning is an error instead of a README entry (default: false).
    pub strict: bool,
    /// SPDX licence expression (default: `MIT OR Apache-2.0`, the workspace's).
    pub license: String,
    /// Source repository URL (default: the workspace's, when it names one).
    pub repository: Option<String>,
    /// Home page URL (default: the workspace's, when it names one).
    pub homepage: Option<String>,
    /// crates.io keywords (default: `openapi`, `api-client`, `sdk` and the folder name).
    pub keywords: Vec<String>,
    /// crates.io category slugs (default: `api-bindings`, `web-programming::http-client`).
    pub categories: Vec<String>,
}

impl VendorSettings {
    /// `api_title` is the merged document's `info.title`, the default description's source.
    pub fn resolve(vendor: &str, file: Option<&(String, String)>, api_title: &str) -> Result<Self> {
        let raw = match file {
            None => Raw::default(),
            Some((display, text)) => parse(display, text)?,
        };
        let crate_name = raw.crate_name.unwrap_or_else(|| format!("{vendor}-client"));
        let valid = crate_name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
            && crate_name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !valid {
            let file = file.map_or_else(|| vendor.to_string(), |(d, _)| d.clone());
            return Err(Error::new(
                Stage::Load,
                Location {
                    file,
                    pointer: "/crate_name".into(),
                },
                format!("`{crate_name}` is not a usable crate name"),
                "use lowercase letters, digits, `-` and `_`, starting with a letter (set crate_name in vendor.toml or rename the folder)",
            ));
        }
        let keywords = match raw.keywords {
            Some(keywords) => keywords,
            None => {
                let mut keywords: Vec<String> =
                    ["openapi", "api-client", "sdk"].map(String::from).into();
                // The folder name is the likeliest search term, when crates.io accepts it.
                if is_keyword(vendor) && !keywords.iter().any(|k| k == vendor) {
                    keywords.push(vendor.to_string());
                }
                keywords
            }
        };
        // crates.io refuses the upload for a bad keyword; say so at generation time instead.
        if let Some(bad) = keywords.iter().find(|k| !is_keyword(k)) {
            return Err(settings_error(
                file,
                vendor,
                "/keywords",
                format!("`{bad}` is not a crates.io keyword"),
            ));
        }
        if keywords.len() > MAX_KEYWORDS {
            return Err(settings_error(
                file,
                vendor,
                "/keywords",
                format!(
                    "{} keywords; crates.io accepts at most {MAX_KEYWORDS}",
                    keywords.len()
                ),
            ));
        }
        // The floor of the version of record (`cargo xtask gen` never writes a lower one): it
        // must compare as semver, so a typo is an error here rather than a crate cargo refuses.
        if let Some(version) = &raw.version
            && let Err(e) = semver::Version::parse(version)
        {
            return Err(Error::new(
                Stage::Load,
                Location {
                    file: file.map_or_else(|| vendor.to_string(), |(d, _)| d.clone()),
                    pointer: "/version".into(),
                },
                format!("`{version}` is not a semver version: {e}"),
                "write MAJOR.MINOR.PATCH, e.g. `version = \"0.3.0\"`; it is the lowest version `cargo xtask gen` writes (it bumps above it on API changes)",
            ));
        }
        Ok(VendorSettings {
            license: raw.license.unwrap_or_else(|| DEFAULT_LICENSE.into()),
            repository: raw.repository.or(DEFAULT_REPOSITORY.map(String::from)),
            homepage: raw.homepage.or(DEFAULT_HOMEPAGE.map(String::from)),
            keywords,
            categories: raw
                .categories
                .unwrap_or_else(|| DEFAULT_CATEGORIES.map(String::from).into()),
            crate_name,
            description: raw
                .description
                .unwrap_or_else(|| format!("Typed Rust client for {api_title}")),
            version: raw.version.unwrap_or_else(|| "0.1.0".into()),
            strict: raw.strict.unwrap_or(false),
            env_prefix: raw.env_prefix.unwrap_or_else(|| {
                vendor
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_uppercase()
                        } else {
                            '_'
                        }
                    })
                    .collect()
            }),
        })
    }

    /// The crate's name as a Rust path segment (`akool-client` -> `akool_client`).
    pub fn lib_name(&self) -> String {
        self.crate_name.replace('-', "_")
    }
}

fn parse(display: &str, text: &str) -> Result<Raw> {
    let raw = toml::from_str::<Raw>(text).map_err(|e| {
        Error::new(
            Stage::Load,
            Location {
                file: display.to_string(),
                pointer: String::new(),
            },
            format!("invalid vendor settings: {}", e.message()),
            "vendor.toml accepts crate_name, description, version, env_prefix, strict, license, repository, homepage, keywords, categories and [[upstream]] tables of file, url and sha256 (all optional)",
        )
    })?;
    for (i, u) in raw.upstream.iter().enumerate() {
        let problem = if u.file.contains(['/', '\\']) || !is_structured(&u.file) {
            Some((
                "file",
                format!("`{}` is not a YAML or JSON file name of the folder", u.file),
            ))
        } else if !(u.url.starts_with("https://") || u.url.starts_with("http://")) {
            Some(("url", format!("`{}` is not an http(s) URL", u.url)))
        } else if u.sha256.len() != 64 || !u.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            Some((
                "sha256",
                format!("`{}` is not a sha256 (64 hex digits)", u.sha256),
            ))
        } else {
            None
        };
        if let Some((key, message)) = problem {
            return Err(Error::new(
                Stage::Load,
                Location {
                    file: display.to_string(),
                    pointer: format!("/upstream/{i}/{key}"),
                },
                message,
                "each [[upstream]] names `file` (a document of the folder), `url` (where it is published) and `sha256` (of the stored version); `cargo xtask update <vendor>` checks them",
            ));
        }
    }
    Ok(raw)
}

/// The upstream documents a vendor.toml lists (`[[upstream]]`), checked: file names of the
/// folder, http(s) URLs, sha256 hex digests. `display` names the file in errors.
pub fn upstream(display: &str, text: &str) -> Result<Vec<Upstream>> {
    Ok(parse(display, text)?.upstream)
}

fn is_structured(name: &str) -> bool {
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| name.len() > ext.len() && name.ends_with(ext))
}

/// crates.io's keyword rule: ASCII letters, digits, `_`, `-`, `+`, starting with a letter or a
/// digit, at most 20 characters.
fn is_keyword(k: &str) -> bool {
    k.len() <= 20
        && k.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
}

fn settings_error(
    file: Option<&(String, String)>,
    vendor: &str,
    pointer: &str,
    message: String,
) -> Error {
    Error::new(
        Stage::Load,
        Location {
            file: file.map_or_else(|| vendor.to_string(), |(d, _)| d.clone()),
            pointer: pointer.into(),
        },
        message,
        "crates.io keywords: at most 5, each ASCII letters, digits, `_`, `-` or `+`, starting with a letter or digit, at most 20 characters",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_folder_and_the_spec() {
        let s = VendorSettings::resolve("akool", None, "Live Avatar API").unwrap();
        assert_eq!(s.crate_name, "akool-client");
        assert_eq!(s.lib_name(), "akool_client");
        assert_eq!(s.description, "Typed Rust client for Live Avatar API");
        assert_eq!(s.license, "MIT OR Apache-2.0");
        assert_eq!(s.repository, None);
        assert_eq!(s.homepage, None);
        assert_eq!(s.keywords, ["openapi", "api-client", "sdk", "akool"]);
        assert_eq!(
            s.categories,
            ["api-bindings", "web-programming::http-client"]
        );
        // A folder name crates.io would refuse as a keyword is left out, not an error.
        let s = VendorSettings::resolve("v_2-very-long-vendor-name", None, "t").unwrap();
        assert_eq!(s.keywords, ["openapi", "api-client", "sdk"]);
        assert_eq!(
            VendorSettings::resolve("my-vendor", None, "t")
                .unwrap()
                .env_prefix,
            "MY_VENDOR"
        );
    }

    #[test]
    fn unknown_keys_and_bad_names_are_errors_naming_the_file() {
        let f = (
            "specs/x/vendor.toml".to_string(),
            "crate = 'x'\n".to_string(),
        );
        let e = VendorSettings::resolve("x", Some(&f), "t").unwrap_err();
        assert_eq!(e.location.file, "specs/x/vendor.toml");
        let e = VendorSettings::resolve("My Vendor", None, "t").unwrap_err();
        assert!(e.message.contains("not a usable crate name"));
    }

    #[test]
    fn packaging_settings_are_read_and_keywords_checked() {
        let f = (
            "specs/x/vendor.toml".to_string(),
            "license = 'MIT'\nrepository = 'https://example.com/r'\nhomepage = 'https://example.com'\nkeywords = ['a', 'b']\ncategories = ['api-bindings']\n".to_string(),
        );
        let s = VendorSettings::resolve("x", Some(&f), "t").unwrap();
        assert_eq!(s.license, "MIT");
        assert_eq!(s.repository.as_deref(), Some("https://example.com/r"));
        assert_eq!(s.homepage.as_deref(), Some("https://example.com"));
        assert_eq!(s.keywords, ["a", "b"]);
        assert_eq!(s.categories, ["api-bindings"]);
        let f = (
            "specs/x/vendor.toml".to_string(),
            "version = '0.3'\n".to_string(),
        );
        let e = VendorSettings::resolve("x", Some(&f), "t").unwrap_err();
        assert_eq!(e.location.pointer, "/version");
        assert!(e.message.contains("`0.3` is not a semver version"), "{e}");
        for bad in [
            "keywords = ['has space']",
            "keywords = ['a','b','c','d','e','f']",
        ] {
            let f = ("specs/x/vendor.toml".to_string(), bad.to_string());
            let e = VendorSettings::resolve("x", Some(&f), "t").unwrap_err();
            assert_eq!(
                (e.location.file.as_str(), e.location.pointer.as_str()),
                ("specs/x/vendor.toml", "/keywords"),
                "{bad}"
            );
        }
    }

    /// The defaults are the workspace's own repository and homepage, as its Cargo.toml says.
    #[test]
    fn repository_and_homepage_default_to_the_workspaces() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
        let manifest: toml::Table =
            toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let package = &manifest["workspace"]["package"];
        assert_eq!(
            package.get("repository").and_then(|v| v.as_str()),
            DEFAULT_REPOSITORY
        );
        assert_eq!(
            package.get("homepage").and_then(|v| v.as_str()),
            DEFAULT_HOMEPAGE
        );
    }

    #[test]
    fn upstream_documents_are_read_and_checked() {
        let sha = "ab".repeat(32);
        let text = format!(
            "strict = true\n[[upstream]]\nfile = 'api.yaml'\nurl = 'https://example.com/api.yaml'\nsha256 = '{sha}'\n"
        );
        let list = upstream("specs/x/vendor.toml", &text).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].url, "https://example.com/api.yaml");
        // Generation accepts the table too.
        let f = ("specs/x/vendor.toml".to_string(), text.clone());
        assert!(VendorSettings::resolve("x", Some(&f), "t").unwrap().strict);
        for (bad, pointer) in [
            (
                text.replace("api.yaml'\nurl", "../api.yaml'\nurl"),
                "/upstream/0/file",
            ),
            (
                text.replace("https://example.com/api.yaml", "ftp://x"),
                "/upstream/0/url",
            ),
            (text.replace(&sha, "abc"), "/upstream/0/sha256"),
        ] {
            let e = upstream("specs/x/vendor.toml", &bad).unwrap_err();
            assert_eq!(e.location.pointer, pointer, "{e}");
        }
        let e = upstream("specs/x/vendor.toml", "[[upstream]]\nfile = 'a.yaml'\n").unwrap_err();
        assert!(e.message.contains("missing field"), "{e}");
    }
}
