//! Hostile and malformed specs (issue #20): every finding of the mutation run that first
//! measured the generator, each as the smallest document that showed it. Every input ends in a
//! crate or in an error naming the file and the JSON pointer (or line and column) with help;
//! never a crash, a panic, a hang or memory out of proportion to the input; nothing invalid
//! accepted without a word. (Invalid UTF-8 is read by the driver: xtask/tests/cli.rs.)

use std::time::{Duration, Instant};

use codegen::{Error, GeneratedCrate, SourceFile, VendorInput};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

fn generate(files: &[(&str, &str)]) -> Result<GeneratedCrate, Error> {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(name, text)| SourceFile {
            name: name.to_string(),
            text: text.to_string(),
        })
        .collect();
    codegen::generate(&VendorInput {
        vendor: "v",
        source_dir: "specs/v",
        files: &files,
        runtime_path: "../../runtime",
    })
}

fn strict(spec: &str) -> Error {
    generate(&[("api.yaml", spec), ("vendor.toml", "strict = true\n")])
        .err()
        .expect("a strict vendor refuses the document")
}

fn lenient(spec: &str) -> GeneratedCrate {
    generate(&[("api.yaml", spec)])
        .unwrap_or_else(|e| panic!("without strict the document generates: {e}"))
}

/// The warnings of a crate, as printed.
fn warnings(generated: &GeneratedCrate) -> Vec<String> {
    generated.warnings.iter().map(|w| w.to_string()).collect()
}

/// An operation answering 200 with `schema` and the given extra YAML under `components:`.
fn with_schema(schema: &str, components: &str) -> String {
    format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {schema}\ncomponents:\n{components}"
    )
}

/// 11 crashes (stack overflow, exit 134): a schema that is only a reference to itself, used
/// inside an allOf or a oneOf. Now a validate error naming the component; with strict off the
/// component and what uses it are left out, with a warning naming it.
#[test]
fn a_schema_defined_through_itself_is_an_error_not_a_stack_overflow() {
    for user in [
        "{allOf: [{$ref: '#/components/schemas/A'}, {type: object, properties: {x: {type: string}}}]}",
        "{oneOf: [{$ref: '#/components/schemas/A'}, {type: string}]}",
    ] {
        let spec = with_schema(
            "{$ref: '#/components/schemas/B'}",
            &format!("  schemas:\n    A: {{$ref: '#/components/schemas/A'}}\n    B: {user}\n"),
        );
        let e = strict(&spec);
        assert_eq!(
            e.location.to_string(),
            "specs/v/api.yaml#/components/schemas/A",
            "{e}"
        );
        assert!(
            e.message.contains(
                "schema `A` is defined through itself with no type of its own in between (A -> A)"
            ),
            "{e}"
        );
        assert!(!e.help.is_empty());
        let generated = lenient(&spec);
        let shown = warnings(&generated).join("\n");
        assert!(
            shown.contains("`component schemas/A (and the operations that use it)` is not generated: schema `A` is defined through itself"),
            "{shown}"
        );
        assert_eq!(generated.stats.operations, 0, "{shown}");
    }
}

/// Used directly, the same schema generated `struct A(Box<A>)`, which no value can fill.
#[test]
fn a_schema_used_directly_that_is_only_itself_is_an_error_too() {
    let spec = with_schema(
        "{$ref: '#/components/schemas/A'}",
        "  schemas:\n    A: {$ref: '#/components/schemas/A'}\n",
    );
    let e = strict(&spec);
    assert_eq!(e.location.pointer, "/components/schemas/A");
    let generated = lenient(&spec);
    assert!(
        !generated.files["src/client.rs"].contains("Box<A>"),
        "no unfillable type is generated"
    );
}

/// Recursive types that can be built keep working: through an optional field, a Vec, a map.
#[test]
fn recursive_types_that_can_be_built_still_generate() {
    let spec = with_schema(
        "{$ref: '#/components/schemas/Node'}",
        "  schemas:\n    Node:\n      type: object\n      required: [children, index]\n      properties:\n        next: {$ref: '#/components/schemas/Node'}\n        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n        index: {type: object, additionalProperties: {$ref: '#/components/schemas/Node'}}\n",
    );
    let generated = generate(&[("api.yaml", &spec), ("vendor.toml", "strict = true\n")])
        .unwrap_or_else(|e| panic!("{e}"));
    let types = &generated.files["src/client.rs"];
    assert!(
        types.contains("pub next: ::std::option::Option<::std::boxed::Box<Node>>"),
        "{types}"
    );
    assert!(
        types.contains("pub children: ::std::vec::Vec<Node>"),
        "{types}"
    );
    assert!(
        types.contains("pub index: ::std::collections::HashMap<::std::string::String, Node>"),
        "{types}"
    );
}

/// The uncaught panic (exit 101) in normalize/responses.rs: `cannot access key "schema" in JSON
/// number`, with two error responses with a body and one media-type entry a plain number.
#[test]
fn a_media_type_entry_that_is_a_number_is_an_error_at_its_pointer() {
    let spec = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{type: string}}}}}}}}\n        '400': {{description: bad, content: {{application/json: {{schema: {{type: integer}}}}}}}}\n        '404': {{description: gone, content: {{application/json: 7}}}}\n        '500': {{description: down, content: {{application/json: {{schema: {{type: boolean}}}}}}}}\n"
    );
    let e = strict(&spec);
    assert_eq!(
        e.location.to_string(),
        "specs/v/api.yaml#/paths/~1a/get/responses/404/content/application~1json",
        "{e}"
    );
    assert!(
        e.message.contains(
            "not a valid OpenAPI 3.0 document: invalid type: integer `7`, expected struct MediaType"
        ),
        "{e}"
    );
}

/// A hang: an overlay target of 20 nested filters (121 characters), whose parse time tripled
/// per level. Now refused before parsing, at the action's target.
#[test]
fn an_overlay_target_of_nested_filters_is_refused_quickly() {
    let target = format!("$[?{}@.a{}]", "@[?".repeat(19), "]".repeat(19));
    let overlay = format!(
        "overlay: 1.0.0\ninfo: {{title: o, version: '1'}}\nactions:\n  - target: \"{target}\"\n    description: why\n    remove: true\n"
    );
    let spec = format!("{HEAD}paths: {{}}\n");
    let started = Instant::now();
    let e = generate(&[("api.yaml", &spec), ("overlay.yaml", &overlay)])
        .err()
        .expect("refused");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        e.location.to_string(),
        "specs/v/overlay.yaml#/actions/0/target"
    );
    assert!(e.message.contains("nests 20 filters"), "{e}");
}

/// A hang: 750 KB of `{a: ` nested 150,000 deep (the YAML parser is quadratic in it, and its
/// depth error only came after). Now refused from the text, with line and column.
#[test]
fn deep_nesting_is_refused_before_the_parser_sees_it() {
    let n = 150_000;
    let spec = format!(
        "{HEAD}paths: {{}}\nx-deep: {}1{}\n",
        "{a: ".repeat(n),
        "}".repeat(n)
    );
    let started = Instant::now();
    let e = generate(&[("api.yaml", &spec)]).err().expect("refused");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(e.location.file, "specs/v/api.yaml:4:521", "{e}");
    assert!(e.message.contains("nesting deeper than 128 levels"), "{e}");
    assert!(e.to_string().contains("\n  help: "), "{e}");
}

/// Out of memory: one 1 MB string aliased 1,000 times needed more than 4 GiB; 100 times wrote
/// a 97 MB openapi.json. The expanded size has a byte budget.
#[test]
fn alias_bombs_are_refused_at_the_alias_that_spends_the_budget() {
    for copies in [100, 1000] {
        let big = "x".repeat(1 << 20);
        let aliases = vec!["*big"; copies].join(", ");
        let spec = format!("{HEAD}paths: {{}}\nx-big: &big {big}\nx-copies: [{aliases}]\n");
        let started = Instant::now();
        let e = generate(&[("api.yaml", &spec)]).err().expect("refused");
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(e.location.file, "specs/v/api.yaml");
        assert!(e.location.pointer.starts_with("/x-copies/6"), "{e}");
        assert!(e.message.contains("YAML aliases are expanded"), "{e}");
    }
}

/// Accepted silently, even with strict = true: each is now a strict error naming its pointer,
/// and a warning without strict.
#[test]
fn invalid_documents_are_strict_errors_and_warnings_otherwise() {
    let response = |code: &str, body: &str| {
        format!(
            "        '{code}': {{description: d, content: {{application/json: {{schema: {body}}}}}}}\n"
        )
    };
    let op = |responses: &str| {
        format!(
            "{HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n{responses}"
        )
    };
    let cases = [
        (
            // A dangling $ref on an error response next to a valid one was dropped.
            format!(
                "{}        '400': {{$ref: '#/components/responses/Bad'}}\n        '404': {{$ref: '#/components/responses/Gone'}}\ncomponents:\n  responses:\n    Bad: {{description: bad, content: {{application/json: {{schema: {{type: string}}}}}}}}\n",
                op(&response("200", "{type: string}"))
            ),
            "/paths/~1a/get/responses/404/$ref",
            "reference `#/components/responses/Gone` points at nothing",
        ),
        (
            // `$ref: [..]` became serde_json::Value.
            op(&response("200", "{$ref: ['#/components/schemas/A']}")),
            "/paths/~1a/get/responses/200/content/application~1json/schema/$ref",
            "`$ref` is an array, not a string",
        ),
        (
            // `type: null` became Option<Value>.
            op(&response("200", "{type: null}")),
            "/paths/~1a/get/responses/200/content/application~1json/schema/type",
            "`type: null` is not a schema type of OpenAPI 3.0.3",
        ),
        (
            // Status 600 turned the body into raw bytes.
            op(&(response("200", "{type: string}") + &response("600", "{type: integer}"))),
            "/paths/~1a/get/responses/600",
            "response status `600` is not one OpenAPI allows",
        ),
        (
            // So did an empty media-type key.
            op("        '200': {description: d, content: {'': {schema: {type: string}}}}\n"),
            "/paths/~1a/get/responses/200/content/",
            "an empty media type",
        ),
        (
            format!(
                "{HEAD}paths:\n  Client:\n    get: {{operationId: getA, responses: {{'204': {{description: d}}}}}}\n"
            ),
            "/paths/Client",
            "path `Client` does not start with `/`",
        ),
        (
            format!(
                "{HEAD}paths:\n  /a b:\n    get: {{operationId: getA, responses: {{'204': {{description: d}}}}}}\n"
            ),
            "/paths/~1a b",
            "path `/a b` contains whitespace",
        ),
    ];
    for (spec, pointer, message) in cases {
        let e = strict(&spec);
        assert_eq!(
            e.location.to_string(),
            format!("specs/v/api.yaml#{pointer}"),
            "{e}"
        );
        assert!(e.message.contains(message), "{e}");
        assert!(e.help.contains("strict = true"), "{e}");
        let generated = lenient(&spec);
        let shown = warnings(&generated);
        assert!(
            shown.iter().any(|w| w.starts_with(&format!(
                "warning at specs/v/api.yaml#{pointer}: not valid OpenAPI: {message}"
            ))),
            "{shown:#?}"
        );
    }
}

/// A valid file starting with a UTF-8 byte-order mark was refused ("more than one document"
/// for YAML, "expected value" for JSON).
#[test]
fn a_byte_order_mark_is_accepted() {
    let yaml = format!("\u{feff}{HEAD}paths: {{}}\n");
    generate(&[("api.yaml", &yaml)]).unwrap_or_else(|e| panic!("{e}"));
    let json = "\u{feff}{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}}";
    generate(&[("api.json", json)]).unwrap_or_else(|e| panic!("{e}"));
}
