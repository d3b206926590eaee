//! The security schemes a client applies and the requirements that pick them: the document's
//! `security` (alternatives, each a set of schemes applied together) and each operation's own.
//! A scheme the client cannot apply (openIdConnect, mutualTLS, an OAuth2 scheme without the
//! client-credentials flow) is a warning naming it (an error for strict vendors), never dropped
//! in silence; a requirement alternative that needs one is left out of the alternatives.

use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr, SecurityRequirement, SecurityScheme};

use super::AuthScheme;
use crate::error::Warning;
use crate::origins::Origins;
use crate::pointer;

/// The schemes, the document's requirement and the warnings about what cannot be applied.
pub struct Security {
    /// Every scheme some requirement names (or every declared one, for a document that
    /// declares schemes but requires none), in first-use order.
    pub schemes: Vec<AuthScheme>,
    /// The document's requirement; empty when nothing is required.
    pub requirement: Vec<Vec<AuthScheme>>,
    pub warnings: Vec<Warning>,
}

pub fn security(spec: &OpenAPI, origins: &Origins) -> Security {
    let declared = spec.components.as_ref().map(|c| &c.security_schemes);
    let mut warnings = Vec::new();
    let mut warned: Vec<String> = Vec::new();
    let mut resolve = |name: &str| -> Option<AuthScheme> {
        let scheme = declared?.get(name)?.as_item()?;
        let applied = applicable(scheme);
        if let Err(why) = &applied
            && !warned.iter().any(|w| w == name)
        {
            warned.push(name.to_string());
            let at = pointer::join("/components/securitySchemes", name);
            warnings.push(Warning {
                location: origins.locate(&at),
                message: format!("security scheme `{name}` is not applied: {why}"),
                help: "requests that need only this scheme go without credentials; add one the client can apply (apiKey, http basic or bearer, oauth2 clientCredentials) with an overlay, or pass the credential yourself with an interceptor".into(),
            });
        }
        applied.ok()
    };
    let mut requirement_of = |reqs: &[SecurityRequirement]| -> Vec<Vec<AuthScheme>> {
        reqs.iter()
            .filter_map(|alternative| {
                alternative
                    .keys()
                    .map(|name| resolve(name))
                    .collect::<Option<Vec<_>>>()
            })
            .collect()
    };
    let requirement = spec
        .security
        .as_deref()
        .map(&mut requirement_of)
        .unwrap_or_default();
    let mut schemes: Vec<AuthScheme> = Vec::new();
    let add = |s: &AuthScheme, schemes: &mut Vec<AuthScheme>| {
        if !schemes.contains(s) {
            schemes.push(s.clone());
        }
    };
    for s in requirement.iter().flatten() {
        add(s, &mut schemes);
    }
    for (_, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, op) in item.iter() {
            if let Some(reqs) = &op.security {
                for s in requirement_of(reqs).iter().flatten() {
                    add(s, &mut schemes);
                }
            }
        }
    }
    let requirement = if requirement.is_empty() && spec.security.is_none() {
        // A document that declares schemes but requires none (common): any declared scheme
        // the client can apply is offered, one at a time.
        let mut offered = Vec::new();
        for (name, _) in declared.into_iter().flatten() {
            if let Some(s) = resolve(name) {
                add(&s, &mut schemes);
                offered.push(vec![s]);
            }
        }
        offered
    } else {
        requirement
    };
    Security {
        schemes,
        requirement,
        warnings,
    }
}

/// An operation's own requirement: `None` when it has none (the document's applies).
pub fn operation_requirement(
    spec: &OpenAPI,
    requirement: Option<&Vec<SecurityRequirement>>,
) -> Option<Vec<Vec<AuthScheme>>> {
    let requirement = requirement?;
    let declared = spec.components.as_ref().map(|c| &c.security_schemes);
    Some(
        requirement
            .iter()
            .filter_map(|alternative| {
                alternative
                    .keys()
                    .map(|name| applicable(declared?.get(name)?.as_item()?).ok())
                    .collect::<Option<Vec<_>>>()
            })
            .collect(),
    )
}

/// How the client applies `scheme`, or why it cannot.
fn applicable(scheme: &SecurityScheme) -> Result<AuthScheme, String> {
    match scheme {
        SecurityScheme::APIKey { location, name, .. } => {
            let token = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+.^`|~".contains(&b));
            match location {
                APIKeyLocation::Header if token => {
                    Ok(AuthScheme::Header(name.to_ascii_lowercase()))
                }
                APIKeyLocation::Header => Err(format!("`{name}` is not an HTTP header name")),
                APIKeyLocation::Query => Ok(AuthScheme::Query(name.clone())),
                APIKeyLocation::Cookie if token => Ok(AuthScheme::Cookie(name.clone())),
                APIKeyLocation::Cookie => Err(format!("`{name}` is not a cookie name")),
            }
        }
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
            Ok(AuthScheme::Bearer)
        }
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
            Ok(AuthScheme::Basic)
        }
        SecurityScheme::HTTP { scheme, .. } => Err(format!(
            "the HTTP scheme `{scheme}` is not one the client speaks"
        )),
        SecurityScheme::OAuth2 { flows, .. } => match &flows.client_credentials {
            Some(flow) => Ok(AuthScheme::OAuth2 {
                token_url: flow.token_url.clone(),
                scopes: flow.scopes.keys().cloned().collect(),
            }),
            None => Err(
                "only the client-credentials flow is applied (the others need a user at a browser)"
                    .into(),
            ),
        },
        SecurityScheme::OpenIDConnect { .. } => {
            Err("openIdConnect discovery is not applied".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scheme_kind_and_the_requirements_are_read() {
        let spec: OpenAPI = serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "security": [{"bearer": []}, {"key": [], "session": []}],
            "paths": {"/a": {"get": {"security": [{"basic": []}, {"oidc": []}], "responses": {}},
                             "post": {"security": [], "responses": {}}}},
            "components": {"securitySchemes": {
                "key": {"type": "apiKey", "in": "query", "name": "api_key"},
                "session": {"type": "apiKey", "in": "cookie", "name": "sid"},
                "basic": {"type": "http", "scheme": "Basic"},
                "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://id/.well-known"},
                "bearer": {"type": "http", "scheme": "Bearer"},
                "cc": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://id/token", "scopes": {"read": "r"}}}}
            }}
        }))
        .unwrap();
        let security = security(&spec, &Origins::default());
        assert_eq!(
            security.requirement,
            [
                vec![AuthScheme::Bearer],
                vec![
                    AuthScheme::Query("api_key".into()),
                    AuthScheme::Cookie("sid".into())
                ]
            ]
        );
        assert_eq!(
            security.schemes,
            [
                AuthScheme::Bearer,
                AuthScheme::Query("api_key".into()),
                AuthScheme::Cookie("sid".into()),
                AuthScheme::Basic
            ]
        );
        assert_eq!(security.warnings.len(), 1, "{:?}", security.warnings);
        assert!(
            security.warnings[0]
                .message
                .contains("security scheme `oidc` is not applied"),
            "{}",
            security.warnings[0]
        );
        let get = spec.paths.paths["/a"]
            .as_item()
            .unwrap()
            .get
            .as_ref()
            .unwrap();
        assert_eq!(
            operation_requirement(&spec, get.security.as_ref()),
            Some(vec![vec![AuthScheme::Basic]])
        );
        let post = spec.paths.paths["/a"]
            .as_item()
            .unwrap()
            .post
            .as_ref()
            .unwrap();
        assert_eq!(
            operation_requirement(&spec, post.security.as_ref()),
            Some(vec![])
        );
    }
}
