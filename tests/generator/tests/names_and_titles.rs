//! The fixture `names-and-titles` generates what its spec means, read from the generated code
//! (the snapshots show it; these assertions say what must hold): each inline `Status` and
//! `Reason` is its own enum with its own values and default, no type takes the name of a
//! standard item, and every operation is a method of its own beside the client's constructors and
//! hooks.

use generator_tests::generate;

fn client_rs() -> String {
    let generated = generate("tests/fixtures/names-and-titles").expect("the fixture generates");
    generated.files["src/client.rs"].clone()
}

/// The text of the first item that starts with `header`, up to its matching closing brace.
fn item<'a>(code: &'a str, header: &str) -> &'a str {
    let start = code
        .find(header)
        .unwrap_or_else(|| panic!("`{header}` is not in the generated code"));
    let mut depth = 0;
    for (i, c) in code[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &code[start..=start + i];
                }
            }
            _ => {}
        }
    }
    panic!("`{header}` is not closed")
}

/// The JSON values an enum of the generated types accepts (its `#[serde(rename = ..)]`s).
fn values(code: &str, name: &str) -> Vec<String> {
    item(code, &format!("pub enum {name} {{"))
        .split("rename = \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

/// The type of a field of a generated struct, as written.
fn field(code: &str, structure: &str, name: &str) -> String {
    let body = item(code, &format!("pub struct {structure} {{"));
    let at = body
        .find(&format!("pub {name}: "))
        .unwrap_or_else(|| panic!("{structure} has no field {name}"));
    let rest = &body[at + name.len() + 6..];
    rest[..rest.find(",\n").expect("a field ends")]
        .trim()
        .to_string()
}

#[test]
fn inline_schemas_sharing_a_title_keep_their_own_values() {
    let code = client_rs();
    // Both `status` properties are titled `Status`; each accepts its own values only.
    assert_eq!(field(&code, "Order", "status"), "OrderStatus");
    assert_eq!(field(&code, "Refund", "status"), "RefundStatus");
    assert_eq!(values(&code, "OrderStatus"), ["pending", "shipped"]);
    assert_eq!(values(&code, "RefundStatus"), ["requested", "approved"]);
    // Each keeps its own default (the spec's defaults differ, which made typify refuse it): the
    // field's serde default and the enum's `Default`.
    let defaults = item(&code, "pub mod defaults {");
    assert!(
        defaults.contains(
            "fn order_status() -> super::OrderStatus {\n            super::OrderStatus::Pending"
        ),
        "{defaults}"
    );
    assert!(defaults.contains("fn refund_status() -> super::RefundStatus {\n            super::RefundStatus::Requested"), "{defaults}");
    assert!(
        item(&code, "impl ::std::default::Default for RefundStatus {")
            .contains("RefundStatus::Requested")
    );
    // The request bodies' `reason`, both titled `Reason`, take different values.
    assert_eq!(
        field(&code, "OrdersCreateBody", "reason"),
        "OrdersCreateReason"
    );
    assert_eq!(
        field(&code, "RefundsCreateBody", "reason"),
        "RefundsCreateReason"
    );
    assert_eq!(values(&code, "OrdersCreateReason"), ["gift", "restock"]);
    assert_eq!(values(&code, "RefundsCreateReason"), ["damaged", "late"]);
    // Identical schemas share one type; one identical to a component is the component's type.
    assert_eq!(
        field(&code, "Order", "currency"),
        field(&code, "Refund", "currency")
    );
    assert_eq!(values(&code, "Currency"), ["usd", "eur"]);
    assert!(field(&code, "Order", "priority").contains("<Priority>"));
    assert!(field(&code, "Ticket", "priority").contains("<TicketPriority>"));
    assert_eq!(values(&code, "TicketPriority"), ["p1", "p2"]);
    // A title naming a standard item is no type name: `Default` would shadow it.
    assert!(field(&code, "Ticket", "fallback").contains("<TicketDefault>"));
    assert_eq!(values(&code, "TicketDefault"), ["none", "all"]);
    assert!(!code.contains("pub enum Default "));
}

#[test]
fn operations_never_take_the_clients_names() {
    let generated = generate("tests/fixtures/names-and-titles").expect("the fixture generates");
    let (client, sdk) = (
        &generated.files["src/client.rs"],
        &generated.files["src/sdk.rs"],
    );
    // Our constructors stay what they are.
    assert!(sdk.contains("pub fn new() -> Result<Self, ::openapi_sdk_runtime::ConfigError>"));
    assert!(sdk.contains("pub fn from_env() -> Result<Self, ::openapi_sdk_runtime::ConfigError>"));
    // Each operation is a method of its own, sending its own request.
    // Builder names written out: what progenitor names a builder, not what our naming says.
    for (method, builder, http, path) in [
        ("post_operation", "PostOperation", "post", "/"),
        ("new_operation", "NewOperation", "get", "/session"),
        (
            "from_env_operation",
            "FromEnvOperation",
            "get",
            "/environment",
        ),
        ("exec_operation", "ExecOperation", "post", "/hooks"),
        ("error_operation", "ErrorOperation", "get", "/errors"),
        ("orders_create", "OrdersCreate", "post", "/orders"),
        ("refunds_create", "RefundsCreate", "post", "/refunds"),
        ("get_orders_by_id", "GetOrdersById", "get", "/orders/{"),
        ("get_refunds_by_id", "GetRefundsById", "get", "/refunds/{"),
        ("get_order_items", "GetOrderItems", "get", "/order-items"),
        ("get_order_items_2", "GetOrderItems2", "get", "/order_items"),
    ] {
        assert!(
            client.contains(&format!("pub fn {method}(&self) -> builder::{builder}<'_>")),
            "no method {method} returning builder::{builder}"
        );
        assert!(
            client.contains(&format!("pub struct {builder}<'a> {{")),
            "no builder {builder}"
        );
        let sends = item(client, &format!("impl<'a> {builder}<'a> {{"));
        // A template's parameter names are the fixture's; its start is enough here.
        let path = if path.ends_with('{') {
            format!("path: \"{path}")
        } else {
            format!("path: \"{path}\",")
        };
        assert!(
            sends.contains(&format!("id: \"{method}\","))
                && sends.contains(&format!(
                    "method: ::reqwest::Method::{},",
                    http.to_ascii_uppercase()
                ))
                && sends.contains(&path),
            "{method} does not send {http} {path}:\n{sends}"
        );
    }
    for gone in [
        "pub fn new(&self)",
        "pub fn post(&self)",
        "pub fn exec(&self)",
        "pub struct Error<'a>",
    ] {
        assert!(!client.contains(gone), "{gone} is still generated");
    }
}
