//! The credential schemes a client sends, from the spec's `securitySchemes` and requirements.

use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr, SecurityScheme};

use super::AuthScheme;

/// Schemes in the order of the spec's `security` requirements: the document's first, then the
/// operations' own, then (for specs that declare schemes but never require them) every declared
/// scheme. Schemes a client cannot send (OAuth flows, cookies, query keys) are left out.
pub fn schemes(spec: &OpenAPI) -> Vec<AuthScheme> {
    let mut names: Vec<&str> = Vec::new();
    let operation_requirements = spec.paths.iter().flat_map(|(_, item)| match item {
        ReferenceOr::Item(item) => item
            .iter()
            .flat_map(|(_, op)| op.security.iter().flatten())
            .collect::<Vec<_>>(),
        ReferenceOr::Reference { .. } => Vec::new(),
    });
    for requirement in spec.security.iter().flatten().chain(operation_requirements) {
        for name in requirement.keys() {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
    }
    let declared = spec.components.as_ref().map(|c| &c.security_schemes);
    if names.is_empty() {
        names = declared
            .into_iter()
            .flatten()
            .map(|(n, _)| n.as_str())
            .collect();
    }
    names
        .into_iter()
        .filter_map(|name| match declared?.get(name)? {
            ReferenceOr::Item(SecurityScheme::APIKey {
                location: APIKeyLocation::Header,
                name,
                ..
            }) => {
                let header = name.to_ascii_lowercase();
                let token = !header.is_empty()
                    && header
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+.^`|~".contains(&b));
                token.then_some(AuthScheme::Header(header))
            }
            ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. })
                if scheme.eq_ignore_ascii_case("bearer") =>
            {
                Some(AuthScheme::Bearer)
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_order_the_schemes_and_unsendable_ones_are_dropped() {
        let spec: OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "security": [{"bearer": []}],
            "paths": {"/a": {"get": {"security": [{"key": []}, {"oauth": []}], "responses": {}}}},
            "components": {"securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
                "oauth": {"type": "oauth2", "flows": {}},
                "bearer": {"type": "http", "scheme": "Bearer"}
            }}
        }))
        .unwrap();
        assert_eq!(
            schemes(&spec),
            [AuthScheme::Bearer, AuthScheme::Header("x-api-key".into())]
        );
    }
}
