//! The builders' setters and starting values, as generated for small documents.

/// The generated `src/client.rs` of `spec`, without whitespace (layout is not what is tested).
fn client_text(spec: &str) -> String {
    crate::generate_one(spec).unwrap().files["src/client.rs"].replace([' ', '\n'], "")
}

/// A struct with an optional and a required string: `&str` is accepted by both setters.
#[test]
fn optional_string_setters_take_str() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, required: [name], properties: {name: {type: string}, url: {type: string}}}\n      responses: {'204': {description: none}}\n";
    // rustfmt's wrapping of long calls is not what is tested.
    let client = client_text(spec).replace(",)", ")");
    assert!(client.contains("pubfnurl<T>(mutself,value:T)->SelfwhereT:::openapi_sdk_runtime::IntoOptionalString,{self.url=Ok(::openapi_sdk_runtime::IntoOptionalString::into_optional_string(value)"), "{client}");
    assert!(client.contains("pubfnname<T>(mutself,value:T)->SelfwhereT:::std::convert::TryInto<::std::string::String>"), "required fields keep the `TryInto` setter");
}

const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              required: [kind]\n              properties:\n                kind: {type: integer, enum: [1, 2]}\n                source: {type: integer, enum: [1, 2, 3]}\n                owner: {type: string, format: uuid}\n                color: {type: string, enum: [red, blue]}\n      responses: {'204': {description: none}}\n";

/// The optional integer enum, UUID and string enum setters take `IntoOptional`; the required
/// one keeps the `TryInto` bound; the conversions exist for exactly the types those setters take.
#[test]
fn optional_setters_take_plain_values() {
    let client = client_text(SPEC);
    for (field, ty) in [
        ("source", "super::PostABodySource"),
        ("owner", "::uuid::Uuid"),
        ("color", "super::PostABodyColor"),
    ] {
        assert!(
            client.contains(&format!(
                "pubfn{field}<T>(mutself,value:T)->SelfwhereT:::openapi_sdk_runtime::IntoOptional<{ty}>,"
            )),
            "{field}: {client}"
        );
    }
    assert!(
        client.contains("pubfnkind<T>(mutself,value:T)->SelfwhereT:::std::convert::TryInto<super::PostABodyKind>"),
        "required fields keep the `TryInto` setter"
    );
    assert!(client.contains("impl::openapi_sdk_runtime::IntoOptional<PostABodySource>fori32"));
    assert!(client.contains("impl::openapi_sdk_runtime::IntoOptional<PostABodySource>fori64"));
    assert!(client.contains("impl::openapi_sdk_runtime::IntoOptional<PostABodyColor>for&str"));
    assert!(
        !client.contains("impl::openapi_sdk_runtime::IntoOptional<PostABodyKind>"),
        "no optional setter takes the required field's type"
    );
    assert!(
        client.contains("impl::std::convert::TryFrom<i32>forPostABodyKind"),
        "required integer enums take a plain literal"
    );
}

/// A string discriminator and a fixed integer start set; a two-valued field does not.
#[test]
fn single_valued_required_fields_start_set() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              required: [kind, height, size]\n              properties:\n                kind: {type: string, enum: [IMAGE]}\n                height: {type: integer, enum: [2160]}\n                size: {type: integer, enum: [1, 2]}\n      responses: {'204': {description: none}}\n";
    let client = client_text(spec);
    assert!(
        client.contains("kind:Ok(super::PostABodyKind::Image)"),
        "{client}"
    );
    assert!(
        client.contains("height:<super::PostABodyHeightas::std::convert::TryFrom<i64")
            && client.contains(">>::try_from(2160).map_err(|e|e.to_string()),kind:"),
        "{client}"
    );
    assert!(
        client.contains("size:Err(\"novaluesuppliedforsize\".to_string())"),
        "{client}"
    );
}

/// A property with a schema default starts from typify's serde default function, an optional
/// one from `None`, a required one without a default from the error naming it.
#[test]
fn fields_start_from_their_defaults() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              required: [name]\n              properties:\n                name: {type: string}\n                count: {type: integer, default: 5}\n                note: {type: string}\n      responses: {'204': {description: none}}\n";
    let client = client_text(spec);
    let serde_default = client
        .split("#[serde(default=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the struct's serde default of `count`");
    assert!(
        client.contains(&format!("count:Ok(super::{serde_default}()),")),
        "{serde_default}: {client}"
    );
    assert!(client.contains("note:Ok(Default::default()),"), "{client}");
    assert!(
        client.contains("name:Err(\"novaluesuppliedforname\".to_string()),"),
        "{client}"
    );
}

/// A nullable property that is also optional is one `Option` in Rust: its setter takes `&str`
/// like any optional string.
#[test]
fn nullable_optional_strings_take_str() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post:\n      operationId: postA\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {note: {type: string, nullable: true}}}\n      responses: {'204': {description: none}}\n";
    let client = client_text(spec);
    assert!(
        client.contains(
            "pubfnnote<T>(mutself,value:T)->SelfwhereT:::openapi_sdk_runtime::IntoOptionalString,"
        ),
        "{client}"
    );
}

/// A field the schema does not require, without an `Option` and without a serde default in
/// typify's struct, is refused: starting it from `Default::default()` would silently differ from
/// what a missing property decodes to.
#[test]
fn an_optional_field_without_a_default_is_refused() {
    let field = crate::engine::FieldShape {
        name: "count".into(),
        required: false,
        ty: quote::quote!(i64),
        kind: crate::engine::Kind::Other,
        optional: None,
    };
    let (none, single) = (
        std::collections::BTreeMap::new(),
        std::collections::BTreeMap::new(),
    );
    let error = super::start(&field, "Thing", &none, &single).unwrap_err();
    assert!(error.contains("`Thing.count` is not required"), "{error}");
    let bare = std::collections::BTreeMap::from([("count".to_string(), None)]);
    let start = super::start(&field, "Thing", &bare, &single).unwrap();
    assert_eq!(
        start.to_string(),
        quote::quote!(Ok(Default::default())).to_string()
    );
}
