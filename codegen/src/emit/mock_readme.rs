//! The README's section on the typed mocks: enabling the feature, and doctests against the
//! crate's own `MockServer`: a waiter driven through its states (or the whole create-then-wait
//! program), and the failures a user's retries and timeouts meet (a dropped connection, a
//! slow answer, a request id).

use crate::model::{Operation, Parameter, SdkModel, StatusKind, Waiter};
use crate::naming;

use super::mocks::{Body, body_kind, param_setter, server_method};

/// The README's section: how to enable the feature, and a test of the first waiter against the
/// mock (a doctest, run when the feature is on) when its parameter can be written as a literal.
pub fn readme_section(model: &SdkModel, lib: &str) -> String {
    use std::fmt::Write;
    let settings = &model.vendor.settings;
    let mut out = String::from("## Testing your code against a mock\n\n");
    let envelope = match &model.envelope {
        Some(e) => format!(
            " `respond_data(..)` wraps what `send` returns in the response envelope with a success code ({}); `respond(..)` takes the whole typed response, to answer a failure code.",
            e.success
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "Behind the cargo feature `mock`, `mock::MockServer` is a real HTTP server on loopback that answers like the API, for your own tests: one method per operation, named like the client's, whose expectation matches typed parameters (`.id(..)`) and request bodies (`.when(|body| ..)`) and answers with the operation's typed responses (`respond`, `respond_error`, `respond_status`); each `respond…` call adds an answer, successive requests get successive answers and the last one repeats, which drives a waiter through its states.{envelope} To test your own retries and timeouts, `with_header(name, value)` and `with_delay(duration)` shape the answer added last (a `retry-after`, an `x-request-id`, a slow server), and `drop_connection()` is an answer that closes the connection without a response. `mount().await` returns a handle whose `calls()` counts the requests; `expect(n)` is checked when the server is dropped, and `verify().await` also fails on requests no expectation matched (they get a 404 saying why, so the call fails at once). `server.client()` is a client pointed at it with a test key, fast retries and fast waiter polling.\n\nAdd the feature for your tests only (Cargo enables dev-dependencies' features for tests, examples and benches, not for your build); `cargo add` writes the version you depend on:\n\n```sh\ncargo add {krate}\ncargo add {krate} --dev --features mock\n```\n",
        krate = settings.crate_name
    );
    // A waiter whose job the overlay says how to start comes first: its test is the whole
    // create-then-wait program.
    let complete = |w: &&Waiter| w.start.is_some() && w.example.is_some();
    if let Some(example) = model
        .waiters
        .iter()
        .filter(complete)
        .chain(model.waiters.iter())
        .find_map(|w| waiter_test(model, w, lib))
    {
        out.push_str(&example);
    }
    if let Some(test) = model
        .waiters
        .iter()
        .find_map(|w| failures_test(model, w, lib))
    {
        out.push_str(&test);
    }
    out
}

/// The operation a waiter polls, its polled parameter and a literal for it (`"job-1"`, a
/// UUID); `None` when the doctests cannot show it (a non-JSON answer, another parameter type).
fn polled<'m>(
    model: &'m SdkModel,
    w: &Waiter,
    lib: &str,
) -> Option<(&'m Operation, &'m Parameter, String)> {
    let op = &model.operations[w.operation];
    if !matches!(body_kind(&op.ok), Body::Json) {
        return None;
    }
    let param = op.parameters.iter().find(|p| p.name == w.parameter)?;
    let id = if param.plain_string {
        "\"job-1\"".to_string()
    } else if crate::syntax::is_uuid(&w.parameter_type) {
        format!("{lib}::uuid::Uuid::from_u128(1)")
    } else {
        return None;
    };
    Some((op, param, id))
}

/// A doctest of what a user's retries and timeouts meet, on the operation a waiter polls (its
/// parameter written as a literal): a dropped connection the client retries, a slow answer
/// with a request id, and a timeout shorter than the delay.
fn failures_test(model: &SdkModel, w: &Waiter, lib: &str) -> Option<String> {
    use std::fmt::Write;
    let (op, param, id) = polled(model, w, lib)?;
    let status = &w.status_type.name;
    let done = match &w.status_type.kind {
        StatusKind::Values(variants) => {
            let crate::extensions::Match::AnyOf(success) = &w.success else {
                return None;
            };
            let done = variants.iter().find(|v| success.contains(&v.value))?;
            format!("{status}::{}", done.variant)
        }
        StatusKind::Presence { ready: true, .. } => format!("{status}::Ready"),
        StatusKind::Presence { .. } => return None,
    };
    // The client's setter is the waiter's (which calls it), the mock's may carry `_param`.
    let client_setter = naming::setter_ident(&w.parameter);
    let mut out = String::from(
        "\nYour own retries and timeouts meet what servers do when they fail; the mock does it on the wire:\n\n",
    );
    let _ = writeln!(
        out,
        "```rust\n# #[cfg(feature = \"mock\")]\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() -> Result<(), Box<dyn std::error::Error>> {{\nuse std::time::Duration;\nuse {lib}::mock::MockServer;\nuse {lib}::{{{status}, CallOptions, ResponseExt, RetryPolicy}};\n\nlet server = MockServer::start().await;\nlet id = {id};\nlet calls = server\n    .{mock}()\n    .{setter}(id)\n    // The first request's connection is closed without a response,\n    .drop_connection()\n    // then every request is answered after 200 ms, with a request id.\n    .respond_statuses([{done}])\n    .with_header(\"x-request-id\", \"req-1\")\n    .with_delay(Duration::from_millis(200))\n    .mount()\n    .await;\nlet client = server.client();\n// The dropped connection is retried:\nlet answer = client.{method}().{client_setter}(id).send().await?;\nassert_eq!(answer.request_id(), Some(\"req-1\"));\nassert_eq!(calls.calls(), 2);\n// A timeout shorter than the delay fails the call:\nlet quick = CallOptions::new()\n    .timeout(Duration::from_millis(20))\n    .retry_policy(RetryPolicy::none());\nlet err = client.{method}().{client_setter}(id).send_with(quick).await.unwrap_err();\nassert!(err.is_timeout());\n# Ok(())\n# }}\n# #[cfg(not(feature = \"mock\"))]\n# fn main() {{}}\n```",
        mock = server_method(op),
        setter = param_setter(param),
        method = op.method,
    );
    Some(out)
}

/// A doctest: the waiter's operation answers a queued, a running and a finished status; the
/// waiter returns, after three calls.
fn waiter_test(model: &SdkModel, w: &Waiter, lib: &str) -> Option<String> {
    use std::fmt::Write;
    let (op, param, id) = polled(model, w, lib)?;
    let status = &w.status_type.name;
    let sequence: Vec<String> = match &w.status_type.kind {
        StatusKind::Values(variants) => {
            let success = match &w.success {
                crate::extensions::Match::AnyOf(values) => values,
                _ => return None,
            };
            let ends = |v: &&crate::model::StatusVariant| {
                [&w.success, &w.failure].iter().any(
                    |m| matches!(m, crate::extensions::Match::AnyOf(values) if values.contains(&v.value)),
                )
            };
            let done = variants.iter().find(|v| success.contains(&v.value))?;
            variants
                .iter()
                .filter(|v| !ends(v))
                .chain([done])
                .map(|v| format!("{status}::{}", v.variant))
                .collect()
        }
        StatusKind::Presence { ready: true, .. } => vec![
            format!("{status}::Pending"),
            format!("{status}::Pending"),
            format!("{status}::Ready"),
        ],
        StatusKind::Presence { .. } => return None,
    };
    let calls = sequence.len();
    if let Some(test) = create_then_wait_test(model, w, lib, &sequence, param) {
        return Some(test);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "```rust\n# #[cfg(feature = \"mock\")]\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() -> Result<(), Box<dyn std::error::Error>> {{\nuse {lib}::mock::MockServer;\nuse {lib}::{{{status}, Wait}};\n\nlet server = MockServer::start().await;\nlet id = {id};\n// The job's states, one per poll; the last answer repeats.\nlet polls = server\n    .{}()\n    .{}(id)\n    .respond_statuses([{}])\n    .expect({calls})\n    .mount()\n    .await;\n// Your code, given the mock's client (the wait polls every few milliseconds):\nlet client = server.client();\nlet done = client.{}(id, Wait::up_to(std::time::Duration::from_secs(600))).await?;\nprintln!(\"{{done:?}}\");\nassert_eq!(polls.calls(), {calls});\nserver.verify().await;\n# Ok(())\n# }}\n# #[cfg(not(feature = \"mock\"))]\n# fn main() {{}}\n```\n\nThe call that starts the job is answered the same way, with its typed response.\n",
        server_method(op),
        param_setter(param),
        sequence.join(", "),
        w.name,
    );
    Some(out)
}

/// The README's user test when the overlay names the call that starts the job (`start`) and
/// gives the create-then-wait program (`example`): the mock answers the start with an id at
/// the declared pointer, then the polls with the waiter's states, and the program runs
/// unchanged against `server.client()`.
fn create_then_wait_test(
    model: &SdkModel,
    w: &Waiter,
    lib: &str,
    sequence: &[String],
    param: &crate::model::Parameter,
) -> Option<String> {
    use std::fmt::Write;
    let (start, pointer) = w.start.as_ref()?;
    let example = w.example.as_ref()?;
    let start = &model.operations[*start];
    if !matches!(body_kind(&start.ok), Body::Json) {
        return None;
    }
    let poll = &model.operations[w.operation];
    // Text either way: the start's answer carries it as a string, and the mock's parameter
    // matcher parses it like the client's setter (a UUID from its text).
    let id = if crate::syntax::is_uuid(&w.parameter_type) {
        "\"3c90c3cc-0d44-4b50-8888-8dd25736052a\""
    } else {
        "\"job-1\""
    };
    let answer = json_at(pointer);
    let respond = if start.data.is_some() {
        "respond_data"
    } else {
        "respond"
    };
    let calls = sequence.len();
    let mut out = String::new();
    let _ = write!(
        out,
        "```rust\n# #[cfg(feature = \"mock\")]\n# #[tokio::main(flavor = \"current_thread\")]\n# async fn main() -> Result<(), Box<dyn std::error::Error>> {{\nuse {lib}::mock::MockServer;\nuse {lib}::serde_json::{{from_value, json}};\n\nlet server = MockServer::start().await;\nlet id = {id};\n// The call that starts the job answers with the job's id (the rest of the answer stays empty).\nlet started = server\n    .{}()\n    .{respond}(from_value(json!({answer}))?)\n    .expect(1)\n    .mount()\n    .await;\n// The job's states, one per poll; the last answer repeats.\nlet polls = server\n    .{}()\n    .{}(id)\n    .respond_statuses([{}])\n    .expect({calls})\n    .mount()\n    .await;\n// Your code: the create-then-wait program above, given the mock's client (the wait polls\n// every few milliseconds).\nlet client = server.client();\n",
        server_method(start),
        server_method(poll),
        param_setter(param),
        // Qualified: the program below may import the status type itself.
        sequence
            .iter()
            .map(|v| format!("{lib}::{v}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    for line in example.text.trim_end().lines() {
        let _ = writeln!(out, "{line}");
    }
    let _ = write!(
        out,
        "assert_eq!((started.calls(), polls.calls()), (1, {calls}));\nserver.verify().await;\n# Ok(())\n# }}\n# #[cfg(not(feature = \"mock\"))]\n# fn main() {{}}\n```\n"
    );
    Some(out)
}

/// `json!` text holding `id` at a JSON pointer: `/id` -> `{"id": id}`, `/0/id` -> `[{"id": id}]`.
fn json_at(pointer: &str) -> String {
    let mut value = "id".to_string();
    for token in pointer
        .split('/')
        .skip(1)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        let token = token.replace("~1", "/").replace("~0", "~");
        value = if token.parse::<usize>().is_ok() {
            format!("[{value}]")
        } else {
            format!("{{{token:?}: {value}}}")
        };
    }
    value
}
