//! The public API of a generated crate as data, read from the syntax trees of its `client.rs`
//! (progenitor's) and `sdk.rs` (ours): what [`super::diff`] compares between two generations.
//! It reads the printed crate, not the model, so the previous generation can be read back from
//! the files checked in under `generated/<vendor>/`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Attribute, Fields, FnArg, ImplItem, Item, ReturnType, Visibility};

use super::dependencies::{self, Dependency};
use crate::syntax::{module, type_name};

/// Everything a user of the crate can name: operations with their builders, waiters, other
/// `Client` methods, free functions (webhook receivers) and the types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiModel {
    /// `Client` methods returning a builder that has a `send`, by method name.
    pub operations: BTreeMap<String, Operation>,
    /// `Client` methods taking a `Wait<..>`, by name.
    pub waiters: BTreeMap<String, Signature>,
    /// The other public `Client` methods (`new`, `from_env`, `builder`).
    pub methods: BTreeMap<String, Signature>,
    /// Public free functions: the webhook receivers.
    pub functions: BTreeMap<String, Signature>,
    /// Public structs, enums and aliases of `mod types`, and the public ones of `sdk.rs` that
    /// are not operation builders (waiter statuses), by name.
    pub types: BTreeMap<String, TypeDef>,
    /// Top-level `pub use` of both files: the name users write -> the path it names.
    pub reexports: BTreeMap<String, String>,
    /// The crate's `[dependencies]` by the name Rust code writes; those the API names are
    /// public (see [`super::dependencies`]).
    pub dependencies: BTreeMap<String, Dependency>,
}

/// A function's signature, normalized to text: two signatures are the same API when equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signature {
    pub is_async: bool,
    /// `<'a, V>`, empty without generics.
    pub generics: String,
    /// Argument types, without the receiver.
    pub args: Vec<String>,
    /// Return type, empty for `()`.
    pub ret: String,
    /// The where clause, empty without one.
    pub bounds: String,
}

impl std::fmt::Display for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_async {
            f.write_str("async ")?;
        }
        write!(f, "fn{}({})", self.generics, self.args.join(", "))?;
        if !self.ret.is_empty() {
            write!(f, " -> {}", self.ret)?;
        }
        if !self.bounds.is_empty() {
            write!(f, " {}", self.bounds)?;
        }
        Ok(())
    }
}

/// One operation: the `Client` method and the builder it returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Operation {
    pub signature: Signature,
    /// The builder's other public methods (setters, `send_with`, `stream`, `body_map`), by name.
    pub setters: BTreeMap<String, Setter>,
    /// `send`'s return type, `None` when the builder lost its `send`.
    pub send: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Setter {
    pub signature: Signature,
    /// `send` fails when this setter was not called: progenitor starts the field as
    /// `Err("x was not initialized")`, multipart builders check `x.is_none()` in `send`.
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeDef {
    Struct(StructDef),
    Enum(EnumDef),
    /// `pub type X = Y;`, with `Y`.
    Alias(String),
}

impl TypeDef {
    pub fn kind(&self) -> &'static str {
        match self {
            TypeDef::Struct(_) => "struct",
            TypeDef::Enum(_) => "enum",
            TypeDef::Alias(_) => "type alias",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StructDef {
    /// Public fields by name (`0`, `1`.. for tuple structs).
    pub fields: BTreeMap<String, FieldDef>,
    /// A private field makes the struct impossible to build with a literal outside the crate.
    pub has_private_fields: bool,
    pub non_exhaustive: bool,
    /// Derived and implemented traits, and public inherent methods as `fn name(..)`.
    pub traits: BTreeSet<String>,
    pub methods: BTreeMap<String, Signature>,
}

impl StructDef {
    /// Whether code outside the crate can write `X { .. }` (cargo-semver-checks' "constructible
    /// struct"): every field public and no `#[non_exhaustive]`.
    pub fn constructible(&self) -> bool {
        !self.has_private_fields && !self.non_exhaustive
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldDef {
    pub ty: String,
    /// The type is `Option<..>`.
    pub optional: bool,
    /// `#[serde(default)]`: the field may be absent from JSON although its type is no Option
    /// (typify's arrays and fields with a default value).
    pub defaulted: bool,
}

impl FieldDef {
    /// Whether the spec requires the field: neither an Option nor defaulted.
    pub fn required(&self) -> bool {
        !self.optional && !self.defaulted
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnumDef {
    /// Variant name -> payload: empty (unit), `(T, U)` or `{ a: T }`.
    pub variants: BTreeMap<String, String>,
    pub non_exhaustive: bool,
    pub traits: BTreeSet<String>,
    pub methods: BTreeMap<String, Signature>,
}

impl ApiModel {
    /// Reads the API from the two generated modules.
    pub fn read(client: &syn::File, sdk: &syn::File) -> ApiModel {
        let mut api = ApiModel::default();
        // Impls of builders: progenitor's `mod builder` and our `impl builder::X<'_>` and
        // multipart builders in sdk.rs. Keyed by the type's last segment.
        let mut impls: BTreeMap<String, Vec<&syn::ItemImpl>> = BTreeMap::new();
        for item in module(&client.items, "builder")
            .into_iter()
            .chain(sdk.items.iter())
        {
            if let Item::Impl(imp) = item
                && imp.trait_.is_none()
                && let Some(name) = type_name(&imp.self_ty)
            {
                impls.entry(name).or_default().push(imp);
            }
        }
        let mut builders = BTreeSet::new();
        for item in client.items.iter().chain(sdk.items.iter()) {
            let Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() || type_name(&imp.self_ty).as_deref() != Some("Client") {
                continue;
            }
            for f in public_fns(imp) {
                let name = f.sig.ident.to_string();
                let signature = signature(&f.sig);
                let returned = match &f.sig.output {
                    ReturnType::Type(_, ty) => type_name(ty),
                    ReturnType::Default => None,
                };
                let builder = returned
                    .as_ref()
                    .and_then(|r| impls.get(r).map(|i| (r, i)))
                    .filter(|(_, i)| i.iter().any(|imp| find_fn(imp, "send").is_some()));
                if let Some((builder_name, builder_impls)) = builder {
                    builders.insert(builder_name.clone());
                    api.operations
                        .insert(name, operation(signature, builder_impls));
                } else if f.sig.inputs.iter().any(
                    |a| matches!(a, FnArg::Typed(t) if type_name(&t.ty).as_deref() == Some("Wait")),
                ) {
                    api.waiters.insert(name, signature);
                } else {
                    api.methods.insert(name, signature);
                }
            }
        }
        for item in client.items.iter().chain(sdk.items.iter()) {
            if let Item::Use(u) = item
                && is_pub(&u.vis)
            {
                flatten_use(&u.tree, String::new(), &mut api.reexports);
            }
        }
        for item in &sdk.items {
            if let Item::Fn(f) = item
                && is_pub(&f.vis)
            {
                api.functions
                    .insert(f.sig.ident.to_string(), signature(&f.sig));
            }
        }
        let types = module(&client.items, "types");
        read_types(&mut api.types, types.iter().copied(), &BTreeSet::new());
        // The body builders `.body_map(|b| ..)` hands out (`types::builder::X`): their setters
        // are what a caller writes, so a changed setter is a changed API.
        let body_builders: Vec<&Item> = types
            .iter()
            .find_map(|i| match i {
                Item::Mod(m) if m.ident == "builder" => {
                    m.content.as_ref().map(|(_, items)| items.iter().collect())
                }
                _ => None,
            })
            .unwrap_or_default();
        let mut builder_types = BTreeMap::new();
        read_types(
            &mut builder_types,
            body_builders.iter().copied(),
            &BTreeSet::new(),
        );
        read_impls(&mut builder_types, body_builders.iter().copied(), "");
        api.types.extend(
            builder_types
                .into_iter()
                .map(|(name, def)| (format!("builder::{name}"), def)),
        );
        read_types(&mut api.types, sdk.items.iter(), &builders);
        // Inherent methods and trait impls of the types, wherever they are written.
        read_impls(
            &mut api.types,
            types.iter().copied().chain(sdk.items.iter()),
            "",
        );
        api
    }

    /// Reads the API from the printed `client.rs` and `sdk.rs` of a crate on disk.
    pub fn parse(client: &str, sdk: &str) -> Result<ApiModel, (&'static str, syn::Error)> {
        let client = syn::parse_file(client).map_err(|e| ("src/client.rs", e))?;
        let sdk = syn::parse_file(sdk).map_err(|e| ("src/sdk.rs", e))?;
        Ok(ApiModel::read(&client, &sdk))
    }

    /// [`ApiModel::parse`] plus the crate root's re-exports (`pub use uuid;`,
    /// `pub use sdk_runtime::{Wait, ..}`): what a caller names as `<crate>::X` is API too.
    /// The root's globs of the two modules are how those reach the caller, not items.
    /// `manifest` is the crate's `Cargo.toml`, for its dependencies.
    ///
    /// `mock` is `src/mock.rs` when the crate has one (feature `mock`): its types (the server
    /// and one expectation per operation) are listed as `mock::Name`, with their methods.
    pub fn parse_crate(
        manifest: &str,
        lib: &str,
        client: &str,
        sdk: &str,
        mock: Option<&str>,
    ) -> Result<ApiModel, (&'static str, syn::Error)> {
        let mut api = ApiModel::parse(client, sdk)?;
        if let Some(mock) = mock {
            let mock = syn::parse_file(mock).map_err(|e| ("src/mock.rs", e))?;
            let mut types = BTreeMap::new();
            read_types(&mut types, mock.items.iter(), &BTreeSet::new());
            let mut types: BTreeMap<String, TypeDef> = types
                .into_iter()
                .map(|(name, def)| (format!("mock::{name}"), def))
                .collect();
            read_impls(&mut types, mock.items.iter(), "mock::");
            api.types.extend(types);
        }
        let lib = syn::parse_file(lib).map_err(|e| ("src/lib.rs", e))?;
        for item in &lib.items {
            if let Item::Use(u) = item
                && is_pub(&u.vis)
            {
                flatten_use(&u.tree, String::new(), &mut api.reexports);
            }
        }
        api.reexports
            .retain(|name, _| name != "client::*" && name != "sdk::*");
        api.dependencies = dependencies::read(manifest).map_err(|m| {
            (
                "Cargo.toml",
                syn::Error::new(proc_macro2::Span::call_site(), m),
            )
        })?;
        Ok(api)
    }

    /// Whether a public item names the crate `krate` (`sdk_runtime::Wait` in a re-export,
    /// `uuid::Uuid` in a field): a dependency that is then part of this crate's API.
    pub fn names_crate(&self, krate: &str) -> bool {
        // One walker serves renaming and this search; the copy is only made for APIs whose
        // dependencies changed.
        let mut copy = self.clone();
        let mut named = false;
        copy.paths_mut(&mut |text| named |= dependencies::names_root(text, krate));
        named
    }

    /// The API with every path that starts at the crate `from` starting at `to`: how the
    /// previous generation reads when its dependency `from` was replaced by `to`.
    pub fn rename_crate(&mut self, from: &str, to: &str) {
        self.paths_mut(&mut |text| *text = dependencies::rename_root(text, from, to));
    }

    /// Calls `f` on every text that can hold a path: signatures, field and variant types,
    /// aliases, trait names and re-exports.
    fn paths_mut(&mut self, f: &mut impl FnMut(&mut String)) {
        fn signature(s: &mut Signature, f: &mut impl FnMut(&mut String)) {
            f(&mut s.generics);
            s.args.iter_mut().for_each(&mut *f);
            f(&mut s.ret);
            f(&mut s.bounds);
        }
        for op in self.operations.values_mut() {
            signature(&mut op.signature, f);
            for setter in op.setters.values_mut() {
                signature(&mut setter.signature, f);
            }
            op.send.iter_mut().for_each(&mut *f);
        }
        for s in self
            .waiters
            .values_mut()
            .chain(self.methods.values_mut())
            .chain(self.functions.values_mut())
        {
            signature(s, f);
        }
        for def in self.types.values_mut() {
            let (traits, methods) = match def {
                TypeDef::Struct(s) => {
                    s.fields.values_mut().for_each(|d| f(&mut d.ty));
                    (&mut s.traits, &mut s.methods)
                }
                TypeDef::Enum(e) => {
                    e.variants.values_mut().for_each(&mut *f);
                    (&mut e.traits, &mut e.methods)
                }
                TypeDef::Alias(target) => {
                    f(target);
                    continue;
                }
            };
            methods.values_mut().for_each(|s| signature(s, f));
            *traits = std::mem::take(traits)
                .into_iter()
                .map(|mut t| {
                    f(&mut t);
                    t
                })
                .collect();
        }
        self.reexports.values_mut().for_each(f);
    }
}

/// `a::{b, c as d}` -> `b` -> `a::b`, `d` -> `a::c`.
fn flatten_use(tree: &syn::UseTree, prefix: String, out: &mut BTreeMap<String, String>) {
    let join = |name: &str| {
        if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}::{name}")
        }
    };
    match tree {
        syn::UseTree::Path(p) => flatten_use(&p.tree, join(&p.ident.to_string()), out),
        syn::UseTree::Name(n) => {
            out.insert(n.ident.to_string(), join(&n.ident.to_string()));
        }
        syn::UseTree::Rename(r) => {
            out.insert(r.rename.to_string(), join(&r.ident.to_string()));
        }
        syn::UseTree::Glob(_) => {
            out.insert(join("*"), join("*"));
        }
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten_use(t, prefix.clone(), out);
            }
        }
    }
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn public_fns(imp: &syn::ItemImpl) -> impl Iterator<Item = &syn::ImplItemFn> {
    imp.items.iter().filter_map(|i| match i {
        ImplItem::Fn(f) if is_pub(&f.vis) => Some(f),
        _ => None,
    })
}

fn find_fn<'a>(imp: &'a syn::ItemImpl, name: &str) -> Option<&'a syn::ImplItemFn> {
    imp.items.iter().find_map(|i| match i {
        ImplItem::Fn(f) if f.sig.ident == name => Some(f),
        _ => None,
    })
}

fn operation(method: Signature, impls: &[&syn::ItemImpl]) -> Operation {
    let mut op = Operation {
        signature: method,
        ..Operation::default()
    };
    // Which fields `send` refuses to go without: the `Err(..)` starts of progenitor's `new`,
    // and the `self.x.is_none()` checks of our multipart `send`.
    let mut required = BTreeSet::new();
    let mut checked = String::new();
    for imp in impls {
        if let Some(new) = find_fn(imp, "new") {
            required.extend(err_initialized_fields(&new.block));
        }
        if let Some(send) = find_fn(imp, "send") {
            checked.push_str(&send.block.to_token_stream().to_string());
        }
    }
    for imp in impls {
        for f in public_fns(imp) {
            let name = f.sig.ident.to_string();
            match name.as_str() {
                "new" => {}
                "send" => {
                    op.send = Some(match &f.sig.output {
                        ReturnType::Type(_, ty) => text(ty),
                        ReturnType::Default => String::new(),
                    });
                }
                _ => {
                    // `self.x.is_none()` before the builder was taken apart, `x.is_none()` after.
                    let required = required.contains(&name)
                        || checked.contains(&format!("self . {name} . is_none ()"))
                        || checked.contains(&format!("if {name} . is_none ()"));
                    op.setters.insert(
                        name,
                        Setter {
                            signature: signature(&f.sig),
                            required,
                        },
                    );
                }
            }
        }
    }
    op
}

/// Fields of the `Self { .. }` literal in a builder's `new` that start as `Err(..)`.
fn err_initialized_fields(block: &syn::Block) -> Vec<String> {
    let Some(syn::Stmt::Expr(syn::Expr::Struct(lit), _)) = block.stmts.last() else {
        return Vec::new();
    };
    lit.fields
        .iter()
        .filter(|f| {
            matches!(&f.expr, syn::Expr::Call(call)
                if matches!(&*call.func, syn::Expr::Path(p) if p.path.is_ident("Err")))
        })
        .filter_map(|f| match &f.member {
            syn::Member::Named(ident) => Some(ident.to_string()),
            syn::Member::Unnamed(_) => None,
        })
        .collect()
}

/// Inherent methods, associated constants and trait impls of the types in `types` whose names,
/// with `prefix`, are keys there.
fn read_impls<'a>(
    types: &mut BTreeMap<String, TypeDef>,
    items: impl Iterator<Item = &'a Item>,
    prefix: &str,
) {
    for item in items {
        let Item::Impl(imp) = item else { continue };
        let Some(name) = type_name(&imp.self_ty) else {
            continue;
        };
        let Some(def) = types.get_mut(&format!("{prefix}{name}")) else {
            continue;
        };
        let (traits, methods) = match def {
            TypeDef::Struct(s) => (&mut s.traits, &mut s.methods),
            TypeDef::Enum(e) => (&mut e.traits, &mut e.methods),
            TypeDef::Alias(_) => continue,
        };
        match &imp.trait_ {
            Some((path, _)) => {
                traits.insert(trait_name(path));
            }
            None => {
                for f in public_fns(imp) {
                    methods.insert(f.sig.ident.to_string(), signature(&f.sig));
                }
                // Associated constants (named enum values) are API too: listed like a
                // method without arguments whose return type is the constant's.
                for c in imp.items.iter().filter_map(|i| match i {
                    ImplItem::Const(c) if is_pub(&c.vis) => Some(c),
                    _ => None,
                }) {
                    let ty = &c.ty;
                    methods.insert(
                        c.ident.to_string(),
                        Signature {
                            ret: crate::syntax::flat(ty),
                            ..Signature::default()
                        },
                    );
                }
            }
        }
    }
}

fn read_types<'a>(
    types: &mut BTreeMap<String, TypeDef>,
    items: impl Iterator<Item = &'a Item>,
    skip: &BTreeSet<String>,
) {
    for item in items {
        let (name, def) = match item {
            Item::Struct(s) if is_pub(&s.vis) => (s.ident.to_string(), TypeDef::Struct(strukt(s))),
            Item::Enum(e) if is_pub(&e.vis) => (e.ident.to_string(), TypeDef::Enum(enumeration(e))),
            Item::Type(t) if is_pub(&t.vis) => (t.ident.to_string(), TypeDef::Alias(text(&t.ty))),
            _ => continue,
        };
        if !skip.contains(&name) {
            // The first definition wins: `mod types` is read first (sdk.rs does not reuse names).
            types.entry(name).or_insert(def);
        }
    }
}

fn strukt(s: &syn::ItemStruct) -> StructDef {
    let mut def = StructDef {
        non_exhaustive: non_exhaustive(&s.attrs),
        traits: derives(&s.attrs),
        ..StructDef::default()
    };
    for (i, field) in s.fields.iter().enumerate() {
        if !is_pub(&field.vis) {
            def.has_private_fields = true;
            continue;
        }
        let name = field
            .ident
            .as_ref()
            .map_or_else(|| i.to_string(), ToString::to_string);
        def.fields.insert(
            name,
            FieldDef {
                ty: text(&field.ty),
                optional: type_name(&field.ty).as_deref() == Some("Option"),
                defaulted: serde_default(&field.attrs),
            },
        );
    }
    def
}

fn enumeration(e: &syn::ItemEnum) -> EnumDef {
    let variants = e
        .variants
        .iter()
        .map(|v| {
            let payload = match &v.fields {
                Fields::Unit => String::new(),
                Fields::Unnamed(u) => format!(
                    "({})",
                    u.unnamed
                        .iter()
                        .map(|f| text(&f.ty))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Fields::Named(n) => format!(
                    " {{ {} }}",
                    n.named
                        .iter()
                        .map(|f| format!(
                            "{}: {}",
                            f.ident
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default(),
                            text(&f.ty)
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            (v.ident.to_string(), payload)
        })
        .collect();
    EnumDef {
        variants,
        non_exhaustive: non_exhaustive(&e.attrs),
        traits: derives(&e.attrs),
        methods: BTreeMap::new(),
    }
}

fn non_exhaustive(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

/// The last segment of each derived trait: `::serde::Deserialize` -> `Deserialize`.
fn derives(attrs: &[Attribute]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        if let syn::Meta::List(list) = &attr.meta {
            let mut last = None;
            for tt in list.tokens.clone() {
                match tt {
                    TokenTree::Ident(i) => last = Some(i.to_string()),
                    TokenTree::Punct(p) if p.as_char() == ',' => out.extend(last.take()),
                    _ => {}
                }
            }
            out.extend(last);
        }
    }
    out
}

/// A trait path with its arguments, without `::std::..` prefixes: `TryFrom<&str>`.
fn trait_name(path: &syn::Path) -> String {
    match path.segments.last() {
        Some(seg) => text(seg),
        None => String::new(),
    }
}

/// Whether a `#[serde(..)]` attribute says `default` (bare or `default = "f"`).
fn serde_default(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .any(|a| match &a.meta {
            syn::Meta::List(list) => top_level_words(&list.tokens).any(|w| w == "default"),
            _ => false,
        })
}

/// The first identifier of each comma-separated item of an attribute's arguments.
fn top_level_words(tokens: &TokenStream) -> impl Iterator<Item = String> {
    let mut at_start = true;
    let mut words = Vec::new();
    for tt in tokens.clone() {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => at_start = true,
            TokenTree::Ident(i) if at_start => {
                words.push(i.to_string());
                at_start = false;
            }
            _ => at_start = false,
        }
    }
    words.into_iter()
}

/// The surface listing's compact token text, with its one odd spelling mended: `::std::fmt::`
/// dropped after a colon leaves `Error :Display`.
fn text(t: &impl ToTokens) -> String {
    let compact = crate::surface::compact(t);
    let mut out = String::with_capacity(compact.len());
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        let lone_colon = c == ':' && chars.peek().is_some_and(|n| n.is_alphanumeric());
        if lone_colon && out.ends_with(' ') && !out.ends_with(": ") {
            out.pop();
            out.push_str(": ");
        } else {
            out.push(c);
        }
    }
    out
}

fn signature(sig: &syn::Signature) -> Signature {
    let params = &sig.generics.params;
    Signature {
        is_async: sig.asyncness.is_some(),
        generics: if params.is_empty() {
            String::new()
        } else {
            format!("<{}>", text(params))
        },
        args: sig
            .inputs
            .iter()
            .filter_map(|a| match a {
                FnArg::Typed(t) => Some(text(&t.ty)),
                FnArg::Receiver(_) => None,
            })
            .collect(),
        ret: match &sig.output {
            ReturnType::Default => String::new(),
            ReturnType::Type(_, ty) => text(ty),
        },
        // A trailing comma is spelling, not API.
        bounds: sig
            .generics
            .where_clause
            .as_ref()
            .map(|w| text(w).trim_end_matches([',', ' ']).to_string())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(client: &str, sdk: &str) -> ApiModel {
        ApiModel::parse(client, sdk).unwrap()
    }

    const CLIENT: &str = r#"
        pub use progenitor_client::{Error, ClientHooks as Hook};
        use progenitor_client::encode_path;
        pub mod types {
            #[derive(Clone, Debug, Default, ::serde::Serialize)]
            pub struct Thing {
                pub id: ::std::string::String,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tags: ::std::vec::Vec<::std::string::String>,
                #[serde(rename = "defaultish", skip_serializing_if = "Option::is_none")]
                pub note: ::std::option::Option<::std::string::String>,
            }
            impl Thing { pub fn builder() -> builder::Thing { Default::default() } }
            #[non_exhaustive]
            pub enum Kind { A, B(i64), #[serde(untagged)] Other(::std::string::String) }
            pub struct Id(::std::string::String);
            pub type Ids = ::std::vec::Vec<Id>;
            pub mod builder {
                pub struct Thing { id: Result<String, String> }
                impl Thing {
                    pub fn id<T>(mut self, value: T) -> Self where T: ::std::convert::TryInto<String> { self }
                }
            }
        }
        pub struct Client { baseurl: String }
        impl Client {
            pub(crate) fn new_with_client() -> Self { todo!() }
            pub fn get_thing(&self) -> builder::GetThing<'_> { builder::GetThing::new(self) }
        }
        pub mod builder {
            pub struct GetThing<'a> { client: &'a super::Client, id: Result<String, String>, q: Result<Option<i64>, String> }
            impl<'a> GetThing<'a> {
                pub fn new(client: &'a super::Client) -> Self {
                    Self { client: client, id: Err("id was not initialized".to_string()), q: Ok(None) }
                }
                pub fn id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<String> { self }
                pub fn q<V>(mut self, value: V) -> Self where V: std::convert::TryInto<i64> { self }
                pub(crate) async fn send_unchecked(self) -> Result<ResponseValue<types::Thing>, Error<()>> { todo!() }
            }
        }
    "#;

    const SDK: &str = r#"
        impl Client {
            pub fn new(api_key: impl Into<String>) -> Result<Self, ConfigError> { todo!() }
            pub async fn wait_for_thing(&self, id: &str, wait: ::sdk_runtime::Wait<ThingStatus>) -> Result<types::Thing, ()> { todo!() }
            pub fn upload(&self) -> UploadMultipart<'_> { todo!() }
        }
        impl builder::GetThing<'_> {
            pub async fn send(self) -> Result<ResponseValue<types::Thing>, ::sdk_runtime::Error<()>> { todo!() }
        }
        pub enum ThingStatus { Pending, Done }
        pub struct UploadMultipart<'a> { client: &'a Client, name: Option<String> }
        impl UploadMultipart<'_> {
            pub fn name(mut self, value: impl Into<String>) -> Self { self }
            pub async fn send(self) -> Result<(), ()> {
                if self.name.is_none() { return Err(()); }
                Ok(())
            }
        }
        pub use ::sdk_runtime::webhooks::WebhookError;
        pub fn verify_event(secret: &str, body: &[u8]) -> Result<types::Thing, WebhookError> { todo!() }
    "#;

    #[test]
    fn signatures_read_like_rust_and_ignore_trailing_commas() {
        let sig = |src: &str| signature(&syn::parse_str::<syn::ItemFn>(src).unwrap().sig);
        let a = sig(
            "fn id<V>(self, v: V) -> Self where V: TryInto<String>, <V as TryInto<String>>::Error: ::std::fmt::Display, {}",
        );
        let b = sig(
            "fn id<V>(self, v: V) -> Self where V: TryInto<String>, <V as TryInto<String>>::Error: ::std::fmt::Display {}",
        );
        assert_eq!(a, b);
        assert_eq!(
            a.to_string(),
            "fn<V>(V) -> Self where V: TryInto<String>, <V as TryInto<String>>::Error: Display"
        );
    }

    #[test]
    fn operations_setters_waiters_functions_and_types_are_read() {
        let api = api(CLIENT, SDK);
        assert_eq!(
            api.operations.keys().collect::<Vec<_>>(),
            ["get_thing", "upload"]
        );
        let get = &api.operations["get_thing"];
        assert_eq!(
            get.send.as_deref(),
            Some("Result<ResponseValue<types::Thing>, ::sdk_runtime::Error<()>>")
        );
        assert!(get.setters["id"].required, "Err(..) in new: required");
        assert!(!get.setters["q"].required);
        assert_eq!(
            get.setters["q"].signature.to_string(),
            "fn<V>(V) -> Self where V: TryInto<i64>"
        );
        assert!(
            api.operations["upload"].setters["name"].required,
            "`self.name.is_none()` in send: required"
        );
        assert_eq!(api.waiters.keys().collect::<Vec<_>>(), ["wait_for_thing"]);
        assert_eq!(api.methods.keys().collect::<Vec<_>>(), ["new"]);
        assert_eq!(api.functions.keys().collect::<Vec<_>>(), ["verify_event"]);
        assert_eq!(
            api.reexports,
            BTreeMap::from([
                ("Error".to_string(), "progenitor_client::Error".to_string()),
                (
                    "Hook".to_string(),
                    "progenitor_client::ClientHooks".to_string()
                ),
                (
                    "WebhookError".to_string(),
                    "sdk_runtime::webhooks::WebhookError".to_string()
                ),
            ]),
            "private `use` is not API"
        );
        assert_eq!(
            api.types.keys().collect::<Vec<_>>(),
            [
                "Id",
                "Ids",
                "Kind",
                "Thing",
                "ThingStatus",
                "builder::Thing"
            ],
            "operation builders are not listed as types; body builders are"
        );
        let TypeDef::Struct(body) = &api.types["builder::Thing"] else {
            panic!("a struct")
        };
        assert_eq!(
            body.methods["id"].to_string(),
            "fn<T>(T) -> Self where T: TryInto<String>",
            "a body builder's setter is API"
        );
        let TypeDef::Struct(thing) = &api.types["Thing"] else {
            panic!("a struct")
        };
        assert!(thing.constructible());
        assert!(thing.fields["id"].required());
        assert!(thing.fields["tags"].defaulted && !thing.fields["tags"].required());
        assert!(thing.fields["note"].optional && !thing.fields["note"].defaulted);
        assert!(thing.traits.contains("Default") && thing.traits.contains("Serialize"));
        assert!(thing.methods.contains_key("builder"));
        let TypeDef::Enum(kind) = &api.types["Kind"] else {
            panic!("an enum")
        };
        assert!(kind.non_exhaustive);
        assert_eq!(kind.variants["B"], "(i64)");
        let TypeDef::Struct(id) = &api.types["Id"] else {
            panic!("a struct")
        };
        assert!(id.has_private_fields && !id.constructible());
    }
}
