//! Compares two [`ApiModel`]s and classifies each difference by Rust's semver rules, as
//! cargo-semver-checks applies them (its lint names are cited beside each rule), with oasdiff's
//! view of an HTTP API on top: a new required request field or parameter breaks callers even
//! where Rust would compile. When in doubt a change is breaking: a bump too many costs a
//! version number, a missed one breaks a user's build.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{ApiModel, EnumDef, FieldDef, Operation, Setter, Signature, StructDef, TypeDef};

/// How a change affects code that uses the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Code that compiled (or requests that succeeded) may not any more.
    Breaking,
    /// Only new things: existing code keeps working.
    Additive,
    /// The same API, different generated code: what a call does may differ (a fix in the
    /// generator or an edit of the spec that no signature shows, such as a path or a value).
    Changed,
}

/// One difference, with the line the changelog shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub impact: Impact,
    pub line: String,
}

/// The largest impact among changes: what the version bump follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    None,
    Changed,
    Additive,
    Breaking,
}

pub fn level(changes: &[Change]) -> Level {
    let has = |impact| changes.iter().any(|c: &Change| c.impact == impact);
    if has(Impact::Breaking) {
        Level::Breaking
    } else if has(Impact::Additive) {
        Level::Additive
    } else if has(Impact::Changed) {
        Level::Changed
    } else {
        Level::None
    }
}

/// Every difference from `old` to `new`: public dependencies, operations, waiters, `Client`
/// methods, functions, then types, each group sorted by name. Items that only moved with a
/// replaced dependency (`sdk_runtime::Wait` -> `openapi_sdk_runtime::Wait`) are that
/// dependency's one entry, not one each.
pub fn diff(old: &ApiModel, new: &ApiModel) -> Vec<Change> {
    let (changes, renames) = super::dependencies::diff(old, new);
    let mut out = Changes(changes);
    let renamed;
    let old = if renames.is_empty() {
        old
    } else {
        let mut copy = old.clone();
        for (from, to) in &renames {
            copy.rename_crate(from, to);
        }
        renamed = copy;
        &renamed
    };
    keyed(&old.operations, &new.operations, |change| match change {
        // cargo-semver-checks: inherent_method_missing.
        Keyed::Removed(name, _) => out.breaking(format!("removed operation `{name}`")),
        Keyed::Added(name, _) => out.additive(format!("added operation `{name}`")),
        Keyed::Both(name, a, b) => operation(&mut out, name, a, b),
    });
    signatures(&mut out, "waiter", "", &old.waiters, &new.waiters);
    signatures(&mut out, "method", "Client::", &old.methods, &new.methods);
    signatures(&mut out, "function", "", &old.functions, &new.functions);
    keyed(&old.reexports, &new.reexports, |change| match change {
        // The item is no longer importable at this path (cargo-semver-checks reports it as the
        // item's `*_missing`).
        Keyed::Removed(name, _) => out.breaking(format!("removed re-export `{name}`")),
        Keyed::Added(name, _) => out.additive(format!("added re-export `{name}`")),
        Keyed::Both(name, a, b) if a != b => out.breaking(format!(
            "re-export `{name}` names another item: `{a}` -> `{b}`"
        )),
        Keyed::Both(..) => {}
    });
    keyed(&old.types, &new.types, |change| match change {
        // struct_missing, enum_missing.
        Keyed::Removed(name, def) => out.breaking(format!("removed {} `{name}`", def.kind())),
        Keyed::Added(name, def) => out.additive(format!("added {} `{name}`", def.kind())),
        Keyed::Both(name, a, b) => type_def(&mut out, name, a, b),
    });
    out.0
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn breaking(&mut self, line: String) {
        self.0.push(Change {
            impact: Impact::Breaking,
            line,
        });
    }
    fn additive(&mut self, line: String) {
        self.0.push(Change {
            impact: Impact::Additive,
            line,
        });
    }
}

enum Keyed<'a, T> {
    Removed(&'a str, &'a T),
    Added(&'a str, &'a T),
    Both(&'a str, &'a T, &'a T),
}

/// Walks two maps in key order, calling `f` for each key in either.
fn keyed<'a, T>(
    old: &'a BTreeMap<String, T>,
    new: &'a BTreeMap<String, T>,
    mut f: impl FnMut(Keyed<'a, T>),
) {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for name in names {
        match (old.get(name), new.get(name)) {
            (Some(a), Some(b)) => f(Keyed::Both(name, a, b)),
            (Some(a), None) => f(Keyed::Removed(name, a)),
            (None, Some(b)) => f(Keyed::Added(name, b)),
            (None, None) => {}
        }
    }
}

/// Functions and methods: removed is breaking, added is additive, any change of the
/// signature is breaking (function_parameter_count_changed, function_parameter_type_changed,
/// function_requires_different_generic_type_params and their `method_*` twins).
fn signatures(
    out: &mut Changes,
    what: &str,
    prefix: &str,
    old: &BTreeMap<String, Signature>,
    new: &BTreeMap<String, Signature>,
) {
    // Associated constants are kept as methods; they are named as what they are.
    let kind = |name: &str| {
        if what == "method"
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            "constant"
        } else {
            what
        }
    };
    keyed(old, new, |change| match change {
        Keyed::Removed(name, _) => out.breaking(format!("removed {} `{prefix}{name}`", kind(name))),
        Keyed::Added(name, _) => out.additive(format!("added {} `{prefix}{name}`", kind(name))),
        Keyed::Both(name, a, b) => {
            signature_change(out, &format!("{} `{prefix}{name}`", kind(name)), a, b);
        }
    });
}

fn signature_change(out: &mut Changes, subject: &str, a: &Signature, b: &Signature) {
    if a == b {
        return;
    }
    if a.args.len() != b.args.len() {
        out.breaking(format!(
            "{subject} parameter count changed from {} to {}: `{a}` -> `{b}`",
            a.args.len(),
            b.args.len()
        ));
    } else if a.generics != b.generics || a.bounds != b.bounds {
        out.breaking(format!(
            "{subject} generic parameters or bounds changed: `{a}` -> `{b}`"
        ));
    } else {
        out.breaking(format!("{subject} signature changed: `{a}` -> `{b}`"));
    }
}

fn operation(out: &mut Changes, name: &str, a: &Operation, b: &Operation) {
    signature_change(
        out,
        &format!("operation `{name}`"),
        &a.signature,
        &b.signature,
    );
    match (&a.send, &b.send) {
        (Some(x), Some(y)) if x != y => out.breaking(format!(
            "`{name}(..).send()` return type changed: `{x}` -> `{y}`"
        )),
        (Some(_), None) => out.breaking(format!("removed `{name}(..).send()`")),
        (None, Some(_)) => out.additive(format!("added `{name}(..).send()`")),
        _ => {}
    }
    keyed(&a.setters, &b.setters, |change| match change {
        Keyed::Removed(setter, s) => {
            out.breaking(format!("removed {} `{name}.{setter}`", noun(s)));
        }
        // oasdiff: new-required-request-parameter. Rust compiles the old call, but `send`
        // now fails without the value.
        Keyed::Added(setter, s) if s.required => out.breaking(format!(
            "added required setter `{name}.{setter}` (breaking: calls without it fail at send)"
        )),
        Keyed::Added(setter, s) => {
            out.additive(format!("added {} `{name}.{setter}`", noun(s)));
        }
        Keyed::Both(setter, x, y) => {
            signature_change(
                out,
                &format!("{} `{name}.{setter}`", noun(y)),
                &x.signature,
                &y.signature,
            );
            match (x.required, y.required) {
                (false, true) => out.breaking(format!(
                    "setter `{name}.{setter}` became required (calls without it fail at send)"
                )),
                (true, false) => out.additive(format!("setter `{name}.{setter}` became optional")),
                _ => {}
            }
        }
    });
}

/// "setter" for `fn x(self, value) -> Self`, "method" for the rest of a builder (`send_with`,
/// `stream`), so a changelog line says what a user calls.
fn noun(s: &Setter) -> &'static str {
    if s.signature.args.len() == 1 && s.signature.ret == "Self" {
        "setter"
    } else {
        "builder method"
    }
}

fn type_def(out: &mut Changes, name: &str, a: &TypeDef, b: &TypeDef) {
    match (a, b) {
        (TypeDef::Struct(x), TypeDef::Struct(y)) => strukt(out, name, x, y),
        (TypeDef::Enum(x), TypeDef::Enum(y)) => enumeration(out, name, x, y),
        (TypeDef::Alias(x), TypeDef::Alias(y)) => {
            if x != y {
                out.breaking(format!("type alias `{name}` changed: `{x}` -> `{y}`"));
            }
        }
        // A struct that became an enum (or alias) breaks every literal, pattern and field access.
        _ => out.breaking(format!(
            "`{name}` changed from {} to {}",
            a.kind(),
            b.kind()
        )),
    }
}

fn strukt(out: &mut Changes, name: &str, a: &StructDef, b: &StructDef) {
    // struct_marked_non_exhaustive: literals outside the crate stop compiling. A struct with
    // private fields had no literal to break; say how to build one instead.
    if !a.non_exhaustive && b.non_exhaustive && !a.has_private_fields {
        let how = if b.methods.contains_key("builder") {
            format!("build it with `{name}::builder()` or decode it from JSON")
        } else {
            "decode it from JSON".to_string()
        };
        out.breaking(format!(
            "struct `{name}` became #[non_exhaustive]: a struct literal no longer compiles; {how} (fields the API adds later are then additions, not breaks)"
        ));
    }
    if a.non_exhaustive && !b.non_exhaustive {
        out.additive(format!("struct `{name}` is no longer #[non_exhaustive]"));
    }
    // constructible_struct_adds_private_field.
    if !a.has_private_fields && b.has_private_fields && !a.non_exhaustive {
        out.breaking(format!(
            "struct `{name}` gained private fields (no longer constructible by a literal)"
        ));
    }
    keyed(&a.fields, &b.fields, |change| match change {
        // struct_pub_field_missing.
        Keyed::Removed(field, _) => out.breaking(format!("removed field `{name}.{field}`")),
        Keyed::Added(field, f) => added_field(out, name, field, f, b),
        Keyed::Both(field, x, y) => field_change(out, name, field, x, y),
    });
    traits_and_methods(out, name, (&a.traits, &a.methods), (&b.traits, &b.methods));
}

fn added_field(out: &mut Changes, name: &str, field: &str, f: &FieldDef, new: &StructDef) {
    if f.required() {
        // oasdiff: new-required-request-property; in Rust also a struct literal without it.
        out.breaking(format!("added required field `{name}.{field}: {}`", f.ty));
    } else if new.constructible() {
        // constructible_struct_adds_field: `X { a, b }` without the new field stops compiling,
        // however optional the spec says it is.
        out.breaking(format!(
            "added optional field `{name}.{field}` (breaking for struct literals)"
        ));
    } else {
        out.additive(format!("added optional field `{name}.{field}`"));
    }
}

fn field_change(out: &mut Changes, name: &str, field: &str, x: &FieldDef, y: &FieldDef) {
    if x.ty != y.ty {
        let why = match (x.optional, y.optional) {
            (true, false) => " (became required)",
            (false, true) => " (became optional)",
            _ => "",
        };
        out.breaking(format!(
            "field `{name}.{field}` type changed{why}: `{}` -> `{}`",
            x.ty, y.ty
        ));
    } else if !x.required() && y.required() {
        // Same type, default dropped: JSON without the field no longer decodes.
        out.breaking(format!("field `{name}.{field}` became required"));
    }
}

fn enumeration(out: &mut Changes, name: &str, a: &EnumDef, b: &EnumDef) {
    // enum_marked_non_exhaustive: exhaustive matches outside the crate stop compiling.
    if !a.non_exhaustive && b.non_exhaustive {
        out.breaking(format!(
            "enum `{name}` became #[non_exhaustive]: a `match` on it needs a `_ =>` arm (values the API adds later are then additions, not breaks)"
        ));
    }
    if a.non_exhaustive && !b.non_exhaustive {
        out.additive(format!("enum `{name}` is no longer #[non_exhaustive]"));
    }
    keyed(&a.variants, &b.variants, |change| {
        match change {
        // enum_variant_missing.
        Keyed::Removed(variant, _) => {
            out.breaking(format!("removed variant `{name}::{variant}`"));
        }
        // enum_variant_added: a `match` without a wildcard stops compiling. A forward
        // compatible `Other(..)` variant helps decoding, not matching.
        Keyed::Added(variant, _) if !b.non_exhaustive => out.breaking(format!(
            "added variant `{name}::{variant}` (breaking: `{name}` is exhaustive, matches without a wildcard stop compiling)"
        )),
        Keyed::Added(variant, _) => out.additive(format!("added variant `{name}::{variant}`")),
        // enum_tuple_variant_field_missing and its siblings.
        Keyed::Both(variant, x, y) if x != y => out.breaking(format!(
            "variant `{name}::{variant}` changed: `{variant}{x}` -> `{variant}{y}`"
        )),
        Keyed::Both(..) => {}
    }
    });
    traits_and_methods(out, name, (&a.traits, &a.methods), (&b.traits, &b.methods));
}

type Impls<'a> = (&'a BTreeSet<String>, &'a BTreeMap<String, Signature>);

fn traits_and_methods(out: &mut Changes, name: &str, a: Impls<'_>, b: Impls<'_>) {
    // derive_trait_impl_removed; an explicit impl removed breaks the same code.
    for t in a.0.difference(b.0) {
        out.breaking(format!("`{name}` no longer implements `{t}`"));
    }
    for t in b.0.difference(a.0) {
        out.additive(format!("`{name}` now implements `{t}`"));
    }
    signatures(out, "method", &format!("{name}::"), a.1, b.1);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The API of a crate whose `mod types` holds `types` and whose client has `client`'s
    /// methods (sdk.rs holds `sdk`).
    fn api(types: &str, client: &str, sdk: &str) -> ApiModel {
        let client = format!(
            "pub mod types {{ {types} }}\npub struct Client;\nimpl Client {{ {client} }}\n"
        );
        ApiModel::parse(&client, sdk).unwrap()
    }

    fn types(types: &str) -> ApiModel {
        api(types, "", "")
    }

    fn lines(old: &ApiModel, new: &ApiModel) -> Vec<(Impact, String)> {
        diff(old, new)
            .into_iter()
            .map(|c| (c.impact, c.line))
            .collect()
    }

    use Impact::{Additive, Breaking};

    const REQUEST: &str = "#[derive(Clone, Debug)] pub struct CreateVideoRequest { pub script: String, pub voice_id: Option<String> }";

    #[test]
    fn the_same_api_has_no_changes() {
        let a = types(REQUEST);
        assert!(diff(&a, &a).is_empty());
        assert_eq!(level(&diff(&a, &a)), Level::None);
    }

    #[test]
    fn a_removed_field_is_breaking() {
        let new =
            types("#[derive(Clone, Debug)] pub struct CreateVideoRequest { pub script: String }");
        assert_eq!(
            lines(&types(REQUEST), &new),
            [(
                Breaking,
                "removed field `CreateVideoRequest.voice_id`".to_string()
            )]
        );
    }

    #[test]
    fn an_added_optional_field_breaks_literals_unless_non_exhaustive_or_private() {
        let old = types(REQUEST);
        let new = types(
            "#[derive(Clone, Debug)] pub struct CreateVideoRequest { pub script: String, pub voice_id: Option<String>, pub speed: Option<f64> }",
        );
        assert_eq!(
            lines(&old, &new),
            [(
                Breaking,
                "added optional field `CreateVideoRequest.speed` (breaking for struct literals)"
                    .to_string()
            )]
        );
        // `#[serde(default)]` makes a non-Option field optional in the spec's sense.
        let new = types(
            "#[derive(Clone, Debug)] pub struct CreateVideoRequest { pub script: String, pub voice_id: Option<String>, #[serde(default, skip_serializing_if = \"Vec::is_empty\")] pub tags: Vec<String> }",
        );
        assert_eq!(lines(&old, &new)[0].0, Breaking);
        assert!(lines(&old, &new)[0].1.contains("added optional field"));

        let old = types("#[derive(Clone, Debug)] #[non_exhaustive] pub struct R { pub a: String }");
        let new = types(
            "#[derive(Clone, Debug)] #[non_exhaustive] pub struct R { pub a: String, pub b: Option<String> }",
        );
        assert_eq!(
            lines(&old, &new),
            [(Additive, "added optional field `R.b`".to_string())]
        );
        let old = types("pub struct R { pub a: String, secret: u8 }");
        let new = types("pub struct R { pub a: String, pub b: Option<String>, secret: u8 }");
        assert_eq!(lines(&old, &new)[0].0, Additive, "not constructible anyway");
    }

    #[test]
    fn an_added_required_field_is_breaking_even_when_non_exhaustive() {
        let old = types("#[non_exhaustive] pub struct R { pub a: String }");
        let new = types("#[non_exhaustive] pub struct R { pub a: String, pub b: i64 }");
        assert_eq!(
            lines(&old, &new),
            [(Breaking, "added required field `R.b: i64`".to_string())]
        );
    }

    #[test]
    fn field_type_and_optionality_changes_are_breaking() {
        let old = types(
            "pub struct R { pub a: Option<String>, pub b: i64, #[serde(default)] pub c: Vec<String> }",
        );
        let new = types("pub struct R { pub a: String, pub b: f64, pub c: Vec<String> }");
        assert_eq!(
            lines(&old, &new),
            [
                (
                    Breaking,
                    "field `R.a` type changed (became required): `Option<String>` -> `String`"
                        .to_string()
                ),
                (
                    Breaking,
                    "field `R.b` type changed: `i64` -> `f64`".to_string()
                ),
                (Breaking, "field `R.c` became required".to_string()),
            ]
        );
        let back = lines(&new, &old);
        assert!(back.iter().all(|(i, _)| *i == Breaking), "{back:?}");
        assert!(back[0].1.contains("(became optional)"), "{back:?}");
    }

    #[test]
    fn non_exhaustive_markers() {
        let plain = types(
            "pub struct R { pub a: String } pub enum E { A } pub struct N(String); impl R { pub fn builder() -> builder::R { todo!() } }",
        );
        let marked = types(
            "#[non_exhaustive] pub struct R { pub a: String } #[non_exhaustive] pub enum E { A } #[non_exhaustive] pub struct N(String); impl R { pub fn builder() -> builder::R { todo!() } }",
        );
        // N had a private field: no literal to break, no entry.
        assert_eq!(
            lines(&plain, &marked),
            [
                (
                    Breaking,
                    "enum `E` became #[non_exhaustive]: a `match` on it needs a `_ =>` arm (values the API adds later are then additions, not breaks)".to_string()
                ),
                (
                    Breaking,
                    "struct `R` became #[non_exhaustive]: a struct literal no longer compiles; build it with `R::builder()` or decode it from JSON (fields the API adds later are then additions, not breaks)".to_string()
                ),
            ]
        );
        assert!(lines(&marked, &plain).iter().all(|(i, _)| *i == Additive));
    }

    #[test]
    fn enum_variants_added_removed_and_changed() {
        let old = types("pub enum Status { Queued, Done, Other(String) }");
        let new = types("pub enum Status { Queued, Failed, Done, Other(Box<str>) }");
        assert_eq!(
            lines(&old, &new),
            [
                (
                    Breaking,
                    "added variant `Status::Failed` (breaking: `Status` is exhaustive, matches without a wildcard stop compiling)"
                        .to_string()
                ),
                (
                    Breaking,
                    "variant `Status::Other` changed: `Other(String)` -> `Other(Box<str>)`"
                        .to_string()
                ),
            ]
        );
        let old = types("#[non_exhaustive] pub enum Status { Queued, Done }");
        let new = types("#[non_exhaustive] pub enum Status { Queued, Failed }");
        assert_eq!(
            lines(&old, &new),
            [
                (Breaking, "removed variant `Status::Done`".to_string()),
                (Additive, "added variant `Status::Failed`".to_string()),
            ]
        );
    }

    #[test]
    fn types_added_removed_or_changing_kind() {
        let old = types("pub struct A { pub x: i64 } pub struct B(i64); pub type C = Vec<A>;");
        let new = types("pub enum B { X } pub type C = Vec<B>; pub struct D { pub y: i64 }");
        assert_eq!(
            lines(&old, &new),
            [
                (Breaking, "removed struct `A`".to_string()),
                (Breaking, "`B` changed from struct to enum".to_string()),
                (
                    Breaking,
                    "type alias `C` changed: `Vec<A>` -> `Vec<B>`".to_string()
                ),
                (Additive, "added struct `D`".to_string()),
            ]
        );
    }

    #[test]
    fn derives_impls_and_type_methods() {
        let old = types(
            "#[derive(Clone, Default)] pub struct A { pub x: i64 } impl A { pub fn builder() -> u8 { 0 } }",
        );
        let new = types(
            "#[derive(Clone, Debug)] pub struct A { pub x: i64 } impl std::fmt::Display for A {}",
        );
        assert_eq!(
            lines(&old, &new),
            [
                (Breaking, "`A` no longer implements `Default`".to_string()),
                (Additive, "`A` now implements `Debug`".to_string()),
                (Additive, "`A` now implements `Display`".to_string()),
                (Breaking, "removed method `A::builder`".to_string()),
            ]
        );
    }

    const BUILDER: &str = r#"
        pub mod builder {
            pub struct GetThing<'a> { client: &'a super::Client, id: Result<String, String> }
            impl<'a> GetThing<'a> {
                pub fn new(client: &'a super::Client) -> Self { Self { client: client, id: Err("id was not initialized".to_string()) } }
                pub fn id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<String> { self }
                pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<()>> { todo!() }
            }
        }
    "#;

    fn with_operation(builder: &str) -> ApiModel {
        let client = format!(
            "pub mod types {{}}\npub struct Client;\nimpl Client {{ pub fn get_thing(&self) -> builder::GetThing<'_> {{ todo!() }} }}\n{builder}"
        );
        ApiModel::parse(&client, "").unwrap()
    }

    #[test]
    fn operations_added_and_removed() {
        let none = with_operation("pub mod builder {}");
        let one = with_operation(BUILDER);
        assert!(
            none.operations.is_empty(),
            "a method without a builder is no operation"
        );
        let none = ApiModel::default();
        assert_eq!(
            lines(&none, &one),
            [(Additive, "added operation `get_thing`".to_string())]
        );
        assert_eq!(
            lines(&one, &none),
            [(Breaking, "removed operation `get_thing`".to_string())]
        );
    }

    #[test]
    fn setters_and_send() {
        let old = with_operation(BUILDER);
        let optional_q = BUILDER.replace(
            "pub async fn send",
            "pub fn q<V>(mut self, value: V) -> Self where V: std::convert::TryInto<i64> { self }\npub async fn send",
        );
        assert_eq!(
            lines(&old, &with_operation(&optional_q)),
            [(Additive, "added setter `get_thing.q`".to_string())]
        );
        let required_q = optional_q.replace(
            "id: Err(\"id was not initialized\".to_string()) }",
            "id: Err(\"id was not initialized\".to_string()), q: Err(\"q was not initialized\".to_string()) }",
        );
        assert_eq!(
            lines(&old, &with_operation(&required_q)),
            [(
                Breaking,
                "added required setter `get_thing.q` (breaking: calls without it fail at send)"
                    .to_string()
            )]
        );
        assert_eq!(
            lines(&with_operation(&optional_q), &with_operation(&required_q)),
            [(
                Breaking,
                "setter `get_thing.q` became required (calls without it fail at send)".to_string()
            )]
        );
        let retyped = BUILDER.replace("TryInto<String>", "TryInto<::uuid::Uuid>");
        assert_eq!(
            lines(&old, &with_operation(&retyped)),
            [(
                Breaking,
                "setter `get_thing.id` generic parameters or bounds changed: `fn<V>(V) -> Self where V: TryInto<String>` -> `fn<V>(V) -> Self where V: TryInto<::uuid::Uuid>`"
                    .to_string()
            )]
        );
        let removed = BUILDER.replace(
            "pub fn id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<String> { self }",
            "",
        );
        assert_eq!(
            lines(&old, &with_operation(&removed)),
            [(Breaking, "removed setter `get_thing.id`".to_string())]
        );
        let streamed = BUILDER.replace(
            "pub async fn send",
            "pub fn stream(self) -> Stream<Thing> { todo!() }\npub async fn send",
        );
        assert_eq!(
            lines(&with_operation(&streamed), &old),
            [(
                Breaking,
                "removed builder method `get_thing.stream`".to_string()
            )]
        );
        let resent = BUILDER.replace("types::Thing", "types::Other");
        assert_eq!(
            lines(&old, &with_operation(&resent)),
            [(
                Breaking,
                "`get_thing(..).send()` return type changed: `Result<ResponseValue<types::Thing>, Error<()>>` -> `Result<ResponseValue<types::Other>, Error<()>>`"
                    .to_string()
            )]
        );
    }

    #[test]
    fn functions_waiters_and_methods() {
        let old = api(
            "",
            "pub async fn wait_for_x(&self, id: &str, wait: Wait<S>) -> Result<(), ()> { todo!() }",
            "pub fn verify(secret: &str, body: &[u8]) -> Result<(), E> { todo!() } pub fn gone() {}",
        );
        let new = api(
            "",
            "pub async fn wait_for_x(&self, id: Uuid, wait: Wait<S>) -> Result<(), ()> { todo!() } pub fn new() -> Self { todo!() }",
            "pub fn verify(secret: &str, headers: &H, body: &[u8]) -> Result<(), E> { todo!() } pub fn verify_other() {}",
        );
        assert_eq!(
            lines(&old, &new),
            [
                (
                    Breaking,
                    "waiter `wait_for_x` signature changed: `async fn(&str, Wait<S>) -> Result<(), ()>` -> `async fn(Uuid, Wait<S>) -> Result<(), ()>`"
                        .to_string()
                ),
                (Additive, "added method `Client::new`".to_string()),
                (Breaking, "removed function `gone`".to_string()),
                (
                    Breaking,
                    "function `verify` parameter count changed from 2 to 3: `fn(&str, &[u8]) -> Result<(), E>` -> `fn(&str, &H, &[u8]) -> Result<(), E>`"
                        .to_string()
                ),
                (Additive, "added function `verify_other`".to_string()),
            ]
        );
        assert_eq!(level(&diff(&old, &new)), Level::Breaking);
    }

    /// Named enum values (`x-enum-varnames`) are associated constants: new ones are additions,
    /// removed ones break callers.
    #[test]
    fn associated_constants() {
        let old = types("pub struct Source(i64);");
        let new = types(
            "pub struct Source(i64); impl Source { pub const AKOOL: Self = Self(1); const HIDDEN: Self = Self(2); }",
        );
        assert_eq!(
            lines(&old, &new),
            [(Additive, "added constant `Source::AKOOL`".to_string())]
        );
        assert_eq!(
            lines(&new, &old),
            [(Breaking, "removed constant `Source::AKOOL`".to_string())]
        );
    }

    /// The crate root's re-exports count; its globs of the generated modules do not.
    #[test]
    fn crate_root_re_exports() {
        let root = |uses: &str| {
            ApiModel::parse_crate(
                "",
                &format!("mod client; pub use client::*; mod sdk; pub use sdk::*; {uses}"),
                "",
                "",
                None,
            )
            .unwrap()
        };
        let old = root("pub use uuid; pub use sdk_runtime::{Wait, WaitError};");
        let new = root("pub use sdk_runtime::{Wait, WaitError}; pub use serde_json;");
        assert_eq!(
            lines(&old, &new),
            [
                (Additive, "added re-export `serde_json`".to_string()),
                (Breaking, "removed re-export `uuid`".to_string()),
            ]
        );
    }

    /// The mock module's API (feature `mock`) is compared like the rest: a removed expectation
    /// method breaks users' tests, a new one is an addition.
    #[test]
    fn mock_module_methods() {
        let mock = |methods: &str| {
            ApiModel::parse_crate(
                "",
                "",
                "",
                "",
                Some(&format!(
                    "pub struct MockServer; impl MockServer {{ {methods} }} pub struct GetThing<'a>(&'a ());"
                )),
            )
            .unwrap()
        };
        let old = mock("pub fn get_thing(&self) -> GetThing<'_> { todo!() }");
        let new = mock(
            "pub fn get_thing(&self) -> GetThing<'_> { todo!() } pub fn uri(&self) -> String { todo!() }",
        );
        assert_eq!(
            lines(&old, &new),
            [(Additive, "added method `mock::MockServer::uri`".to_string())]
        );
        assert_eq!(
            lines(&new, &old),
            [(
                Breaking,
                "removed method `mock::MockServer::uri`".to_string()
            )]
        );
    }

    /// A crate built from `manifest` whose root re-exports from the runtime crate `rt`, and
    /// whose client names it and `uuid` in signatures.
    fn with_dependencies(manifest: &str, rt: &str) -> ApiModel {
        ApiModel::parse_crate(
            manifest,
            &format!("pub use {rt}::{{Wait, WaitError}};"),
            &format!(
                "pub mod types {{ pub struct Thing {{ pub id: ::uuid::Uuid }} }}\n\
                 pub struct Client;\n\
                 impl Client {{ pub fn new(config: ::{rt}::ClientConfig) -> Result<Self, ::{rt}::ConfigError> {{ todo!() }} }}"
            ),
            "",
            None,
        )
        .unwrap()
    }

    const DEPS: &str = "[dependencies]\nregress = \"0.12\"\nuuid = \"1\"\n";

    /// A runtime renamed on crates.io is one breaking entry that says what to change, not one
    /// per re-export and signature that moved with it.
    #[test]
    fn a_replaced_dependency_is_one_entry() {
        let old = with_dependencies(
            &format!("{DEPS}sdk-runtime = {{ path = \"r\", version = \"0.1.0\" }}\n"),
            "sdk_runtime",
        );
        let new = with_dependencies(
            &format!("{DEPS}openapi-sdk-runtime = {{ path = \"r\", version = \"0.1.0\" }}\n"),
            "openapi_sdk_runtime",
        );
        assert_eq!(
            lines(&old, &new),
            [(
                Breaking,
                "public dependency `sdk-runtime` 0.1.0 was replaced by `openapi-sdk-runtime` 0.1.0: \
                 the names this crate re-exports from it (`Wait`, ..) keep working unchanged, but \
                 code that also depends on `sdk-runtime` directly and names its items \
                 (`sdk_runtime::Wait`) must depend on `openapi-sdk-runtime` 0.1.0 instead and write \
                 `openapi_sdk_runtime::Wait`, since the two crates' types are distinct"
                    .to_string()
            )]
        );
    }

    /// The same name in Rust, another package on crates.io (`package = ".."`): its types are
    /// another crate's.
    #[test]
    fn a_dependency_pointing_at_another_package_breaks() {
        let old = with_dependencies(
            &format!("{DEPS}sdk-runtime = {{ path = \"r\", version = \"0.1.0\" }}\n"),
            "sdk_runtime",
        );
        let new = with_dependencies(
            &format!(
                "{DEPS}sdk-runtime = {{ package = \"forked-runtime\", path = \"r\", version = \"0.1.0\" }}\n"
            ),
            "sdk_runtime",
        );
        assert_eq!(
            lines(&old, &new),
            [(
                Breaking,
                "public dependency `sdk_runtime` is now the package `forked-runtime` instead of \
                 `sdk-runtime`: its types are not the ones code depending on `sdk-runtime` names"
                    .to_string()
            )]
        );
    }

    /// Cargo's semver guide: a new major version of a public dependency breaks; a compatible
    /// one, or any version of a dependency the API does not name (`regress`), does not.
    #[test]
    fn a_public_dependency_major_bump_breaks() {
        let rt = "sdk-runtime = { path = \"r\", version = \"0.1.0\" }\n";
        let old = with_dependencies(&format!("{DEPS}{rt}"), "sdk_runtime");
        let bumped = |regress: &str, uuid: &str, runtime: &str| {
            with_dependencies(
                &format!(
                    "[dependencies]\nregress = \"{regress}\"\nuuid = \"{uuid}\"\n\
                     sdk-runtime = {{ path = \"r\", version = \"{runtime}\" }}\n"
                ),
                "sdk_runtime",
            )
        };
        assert_eq!(lines(&old, &bumped("0.13", "1.4", "0.1.3")), []);
        assert_eq!(
            lines(&old, &bumped("0.12", "2", "0.2.0")),
            [
                (
                    Breaking,
                    "public dependency `sdk-runtime` went from 0.1.0 to 0.2.0, an incompatible \
                     version: the `sdk_runtime::` types in this crate's API are the new version's, \
                     so code that passes values of its own `sdk-runtime` 0.1.0 must upgrade it to 0.2.0"
                        .to_string()
                ),
                (
                    Breaking,
                    "public dependency `uuid` went from 1 to 2, an incompatible version: the \
                     `uuid::` types in this crate's API are the new version's, so code that passes \
                     values of its own `uuid` 1 must upgrade it to 2"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn re_exports() {
        let old = api("", "", "pub use sdk_runtime::{Error, Wait};");
        let new = api(
            "",
            "",
            "pub use sdk_runtime::{Wait, waiter::Error}; pub use x::Y;",
        );
        assert_eq!(
            lines(&old, &new),
            [
                (
                    Breaking,
                    "re-export `Error` names another item: `sdk_runtime::Error` -> `sdk_runtime::waiter::Error`"
                        .to_string()
                ),
                (Additive, "added re-export `Y`".to_string()),
            ]
        );
        assert_eq!(
            lines(&new, &old)[1],
            (Breaking, "removed re-export `Y`".to_string())
        );
    }
}
