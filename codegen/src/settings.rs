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
}

#[derive(Debug, Clone, PartialEq)]
pub struct VendorSettings {
    pub crate_name: String,
    pub description: String,
    pub version: String,
    /// Prefix of `<PREFIX>_API_KEY` and `<PREFIX>_BASE_URL` (default: the folder name in capitals).
    pub env_prefix: String,
    /// Every operation must generate and no spec change may be needed: a left-out operation or
    /// a normalize warning is an error instead of a README entry (default: false).
    pub strict: bool,
}

impl VendorSettings {
    /// `api_title` is the merged document's `info.title`, the default description's source.
    pub fn resolve(vendor: &str, file: Option<&(String, String)>, api_title: &str) -> Result<Self> {
        let raw = match file {
            None => Raw::default(),
            Some((display, text)) => toml::from_str::<Raw>(text).map_err(|e| {
                Error::new(
                    Stage::Load,
                    Location {
                        file: display.clone(),
                        pointer: String::new(),
                    },
                    format!("invalid vendor settings: {}", e.message()),
                    "vendor.toml accepts crate_name, description, version, env_prefix and strict (all optional)",
                )
            })?,
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
        Ok(VendorSettings {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_folder_and_the_spec() {
        let s = VendorSettings::resolve("akool", None, "Live Avatar API").unwrap();
        assert_eq!(s.crate_name, "akool-client");
        assert_eq!(s.lib_name(), "akool_client");
        assert_eq!(s.description, "Typed Rust client for Live Avatar API");
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
}
