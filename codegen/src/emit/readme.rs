//! The generated crate's README: what it covers, a quick start that compiles (it is the crate's
//! rustdoc, so its example runs as a doctest), the operations, and where the spec came from.

use std::fmt::Write;

use crate::model::{Operation, SdkModel, Waiter};
use crate::naming;

pub fn render(header: &str, model: &SdkModel) -> String {
    let vendor = &model.vendor;
    let title = vendor.title.as_str();
    let description = vendor.description.as_str();
    let base_url = if vendor.base_url.is_empty() {
        "https://api.example.com"
    } else {
        vendor.base_url.as_str()
    };
    let krate = &vendor.settings.crate_name;
    let lib = vendor.settings.lib_name();
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {header} -->\n# {krate}\n");
    let _ = writeln!(
        out,
        "{}. Generated from the vendor's OpenAPI documents in `{}/`; every operation is a method of [`Client`] in the builder style (`client.operation().param(..).send().await`).\n",
        vendor.settings.description, vendor.source_dir
    );
    if !description.is_empty() {
        let _ = writeln!(out, "{title}: {}\n", first_paragraph(description));
    }
    let env_prefix = &vendor.settings.env_prefix;
    let _ = writeln!(out, "## Quick start\n\n```rust,no_run");
    let _ = writeln!(out, "use {lib}::Client;\n");
    let _ = writeln!(
        out,
        "async fn example() -> Result<(), Box<dyn std::error::Error>> {{"
    );
    if !vendor.auth.is_empty() {
        let variables = super::constructors::credential_variables(&vendor.auth, env_prefix)
            .join(" or ")
            .replace('`', "");
        let _ = writeln!(
            out,
            "    // Reads {variables} (and {env_prefix}_BASE_URL, default {base_url})."
        );
        let _ = writeln!(
            out,
            "    // Or: Client::new(..)?, or Client::builder().api_key(..).timeout(..).build()?"
        );
    }
    let _ = writeln!(out, "    let client = Client::from_env()?;");
    match model.operations.iter().find_map(sample_call) {
        Some(call) => {
            let _ = writeln!(out, "    let response = client{call}.send().await?;");
            let _ = writeln!(out, "    println!(\"{{:?}}\", response.into_inner());");
        }
        None => {
            let _ = writeln!(out, "    let _ = client;");
        }
    }
    let _ = writeln!(out, "    Ok(())\n}}\n```\n");
    let _ = writeln!(
        out,
        "Request bodies are built with typed builders (`.body_map(|b| b.field(..))`; a body of several shapes, a `oneOf`, has `.body_<shape>(|b| ..)` per shape) or the `types` structs; the specs' constraints (required fields, patterns, lengths, enums, map sizes) are checked before a request is sent, and a value that breaks one fails at `send()` with `Error::InvalidRequest` naming the field and, for enums, the allowed values. Setters take what you have: text for strings and UUIDs (`Some(..)` or `None` for optional fields too), plain integers for integer enums; a required field with a single allowed value starts set.\n"
    );
    waiters_section(&mut out, model, &lib);
    pagination_section(&mut out, model, &lib);
    out.push_str(&super::webhooks::readme_section(model, &lib));
    out.push_str(&super::mock_readme::readme_section(model, &lib));
    let _ = writeln!(out, "## Errors, retries, timeouts\n");
    let _ = writeln!(
        out,
        "Every operation returns [`Error`]: `InvalidRequest` (not sent), `Transport` (connection, TLS, timeout), `Deadline` (the call's overall deadline passed), `Api` (an error status, with the documented error body when it decodes), `Envelope` (a failure code inside a success response), `Decode` (a body that does not match the spec). All but the first three keep the status, headers (`request_id()`) and raw body.\n"
    );
    let _ = writeln!(
        out,
        "Requests time out (10 s to connect, 60 s per attempt by default; downloads 30 s between reads instead, see below) and are retried with exponential backoff and jitter on connection failures, 408, 429, 502, 503 and 504, honouring `Retry-After`, up to 4 attempts and 60 s in all ([`RetryPolicy`]). A POST is sent again only when the server answered 429 or 503 or the connection never opened. The API key is never printed by `Debug` or traced.\n"
    );
    // Only the spans this crate has: a waiter's, a listing's.
    let mut spans = String::new();
    if !model.waiters.is_empty() {
        spans.push_str(
            "; a waiter's polls run inside a `waiter` span (waiter, operation, polls, last status)",
        );
    }
    if !model.paginated.is_empty() {
        spans.push_str("; a `.stream()` listing's pages run inside a `pagination` span (operation, pages, items)");
    }
    let _ = writeln!(
        out,
        "Each call is a `tracing` span, `http_request`, with OpenTelemetry's HTTP client fields (`http.request.method`, `url.template`, `http.response.status_code`, `http.request.resend_count` on retries) besides `operation` and the server's `request_id`{spans}.\n"
    );
    let _ = writeln!(
        out,
        "A whole call, retries and their waits included, has a deadline (2 minutes by default, `Client::builder().deadline(d)`): when it passes, the attempt in flight is cancelled and the call fails with `Error::Deadline`, which says after how many attempts and how long. Every operation's builder has `send_with(options)` next to `send()`, taking [`CallOptions`] that apply to that call only: `.timeout(d)` per attempt, `.header(name, value)`, `.retry_policy(RetryPolicy::none())`, `.deadline(d)`. Requests carry `User-Agent: {krate}/<version>`, unless you set `.user_agent(..)` on the builder or pass your own `http_client(..)`, whose own user agent applies.\n"
    );
    responses_section(&mut out, model, &lib);
    media_section(&mut out, &lib);
    auth_section(&mut out, model);
    interceptors_section(&mut out, model, &lib);
    let _ = writeln!(
        out,
        "## TLS\n\nhttps uses rustls with the ring crypto provider and the operating system's trust store (cargo feature `rustls`, the default). For the system's TLS library instead (OpenSSL on Linux, which needs its headers, e.g. `libssl-dev`, to build), depend on this crate with `default-features = false, features = [\"native-tls\"]`. To pass your own `reqwest::Client` (proxies, default headers), start from [`http_client_builder`], which has the backend configured. (The `rustls` feature switches on reqwest's rustls without a crypto provider, so `reqwest::Client::new()` in a program whose reqwest has no TLS feature of its own panics asking for one; reqwest's `rustls` or `native-tls` features, or this builder, avoid that.)\n"
    );
    let _ = writeln!(
        out,
        "```rust\nfn main() -> Result<(), Box<dyn std::error::Error>> {{\n    let http = {lib}::http_client_builder()?.user_agent(\"my-app/1.0\").build()?;\n    let _client = {lib}::Client::builder().api_key(\"your-api-key\").http_client(http).build()?;\n    Ok(())\n}}\n```\n"
    );
    let _ = writeln!(
        out,
        "## Operations\n\n| Method | HTTP | Path | Summary |\n|---|---|---|---|"
    );
    for op in &model.operations {
        let _ = writeln!(
            out,
            "| [`{m}`](Client::{m}) | {} | `{}` | {} |",
            op.http,
            op.path,
            table_cell(&first_paragraph(&op.summary)),
            m = op.method
        );
        if op.multipart.as_ref().is_some_and(|m| !m.only) {
            let _ = writeln!(
                out,
                "| [`{m}_multipart`](Client::{m}_multipart) | {} | `{}` | the same as `multipart/form-data` (file uploads) |",
                op.http,
                op.path,
                m = op.method
            );
        }
    }
    let notes = &model.notes;
    if !model.left_out.is_empty() {
        let _ = writeln!(
            out,
            "\n## Operations not generated\n\nThe generator could not take these operations; the rest of the crate does not depend on them:\n"
        );
        for l in &model.left_out {
            let _ = writeln!(
                out,
                "- `{}` (`{}`): {}",
                l.what,
                l.location,
                table_cell(&l.reason)
            );
        }
    }
    if !model.warnings.is_empty() {
        let _ = writeln!(
            out,
            "\n## Changes from the spec\n\nWhat generation changed to make the spec usable from Rust:\n"
        );
        for w in &model.warnings {
            let _ = writeln!(out, "- `{}`: {}", w.location, table_cell(&w.message));
        }
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "\n## Not generated\n");
        for note in notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    let _ = writeln!(
        out,
        "\n## Source\n\nGenerated by `cargo xtask gen` from these vendored documents in `{}/` (provenance in its SOURCE.md), after its overlays:\n",
        vendor.source_dir
    );
    for file in &vendor.document_files {
        let _ = writeln!(out, "- `{file}`");
    }
    let _ = writeln!(
        out,
        "\nThe effective document the crate was generated from is `openapi.json` beside this README."
    );
    out
}

/// What a response says besides its body, and `send_raw`, shown on an operation the quick
/// start can call too (one that takes no body and streams no success).
fn responses_section(out: &mut String, model: &SdkModel, lib: &str) {
    let _ = writeln!(
        out,
        "Success values answer `request_id()`, `retry_after()` and `rate_limit()` (the `x-ratelimit-*` headers) through [`ResponseExt`]; errors answer the same through `error.response()`. Every operation whose success is not a stream also has `send_raw()`, which returns [`Raw`]: the decoded value beside the response's status, headers and body bytes.\n"
    );
    let call = model
        .operations
        .iter()
        .filter(|op| !matches!(op.ok_kind, crate::model::ResponseKind::Raw))
        .find_map(sample_call);
    if let Some(call) = call {
        let _ = writeln!(
            out,
            "```rust,no_run\nuse {lib}::ResponseExt;\n\nasync fn example(client: &{lib}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n    let response = client{call}.send().await?;\n    println!(\"request {{:?}}, {{:?}} calls left\", response.request_id(), response.rate_limit().remaining);\n    let raw = client{call}.send_raw().await?;\n    println!(\"{{}} bytes: {{:?}}\", raw.response.body.len(), raw.value);\n    Ok(())\n}}\n```\n"
        );
    }
}

/// Uploads and downloads that do not fit in memory.
fn media_section(out: &mut String, lib: &str) {
    let _ = writeln!(
        out,
        "## Large files\n\nA file part (multipart forms) or a raw body (`.body_file(..)` where the body is bytes) can stream: [`FilePart::path`] reads the file as the request goes, opened again for each attempt, and `FilePart::reader` takes any `AsyncRead`; `.on_progress(|sent, total| ..)` reports as it goes. A response that is not JSON comes as a byte stream, bounded by the idle timeout between reads (30 s, `Client::builder().idle_timeout(..)`) rather than the per-attempt timeout, so a long download is not cut; [`SaveTo::save_to`] writes it to a file as it arrives.\n"
    );
    let _ = writeln!(
        out,
        "```rust,no_run\nuse {lib}::{{ByteStream, FilePart, ResponseValue, SaveTo}};\n\nfn upload_part() -> FilePart {{\n    FilePart::path(\"source-video.mp4\").on_progress(|sent, total| println!(\"{{sent}} of {{total:?}} bytes\"))\n}}\n\nasync fn keep(download: ResponseValue<ByteStream>) -> std::io::Result<u64> {{\n    download.save_to(\"rendered.mp4\").await\n}}\n```\n"
    );
}

/// How the client authenticates: each scheme of the spec, what the builder takes for it and
/// which variables `from_env` reads.
fn auth_section(out: &mut String, model: &SdkModel) {
    use crate::model::AuthScheme;
    let vendor = &model.vendor;
    if vendor.auth.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Authentication\n");
    for scheme in &vendor.auth {
        let line = match scheme {
            AuthScheme::Header(name) => format!("an API key in the `{name}` header: `.api_key(..)`"),
            AuthScheme::Query(name) => format!("an API key in the `{name}` query parameter: `.api_key(..)`"),
            AuthScheme::Cookie(name) => format!("an API key in the `{name}` cookie: `.api_key(..)`"),
            AuthScheme::Bearer => "a bearer token: `.api_key(..)` for a fixed one, or `.token_provider(|| async { .. })` for one your code fetches (asked again once after a 401)".to_string(),
            AuthScheme::Basic => "HTTP basic: `.basic_auth(username, password)`".to_string(),
            AuthScheme::OAuth2 { token_url, .. } => format!("OAuth2 client credentials: `.client_credentials(id, secret)`; the token comes from `{token_url}` and is reused until it expires"),
        };
        let _ = writeln!(out, "- {line}");
    }
    let variables =
        super::constructors::credential_variables(&vendor.auth, &vendor.settings.env_prefix);
    let _ = writeln!(
        out,
        "\nAn operation sends the first set of credentials its security requirement accepts that the client was given; an operation the spec marks `security: []` sends none. `from_env()` reads {}.\n",
        variables.join(", ")
    );
}

/// Interceptors, with the two programs users ask for: a bearer token refreshed when it
/// expires, and a timer of every response and retry.
fn interceptors_section(out: &mut String, model: &SdkModel, lib: &str) {
    let key = if model.vendor.auth.is_empty() {
        ""
    } else {
        ".api_key(\"your-api-key\")"
    };
    let _ = writeln!(
        out,
        "## Interceptors\n\nAn [`Interceptor`] runs around every attempt of every call, in the order added to the builder: `before_attempt` may change the request (after the client set its own headers, so what it sets is sent), `after_response` sees each response's status, headers and timing, `on_retry` each retry the client decides on. A hook's error ends the call as `Error::Interceptor`, naming the interceptor.\n"
    );
    let _ = writeln!(
        out,
        "```rust\nuse std::sync::Mutex;\nuse std::time::{{Duration, Instant}};\nuse {lib}::interceptor::{{Attempt, BoxError, HookFuture, Interceptor, ResponseInfo, RetryInfo}};\n\n/// Sends `Authorization: Bearer <token>`, fetching a new token once the last one expired.\nstruct RefreshingToken {{\n    current: Mutex<Option<(String, Instant)>>,\n}}\n\n/// Your identity provider's call.\nasync fn fetch_token() -> Result<(String, Duration), BoxError> {{\n    Ok((\"a-fresh-token\".to_string(), Duration::from_secs(3600)))\n}}\n\nimpl Interceptor for RefreshingToken {{\n    fn before_attempt<'a>(&'a self, request: &'a mut {lib}::reqwest::Request, _: Attempt<'a>) -> HookFuture<'a> {{\n        Box::pin(async move {{\n            let valid = self.current.lock().unwrap().clone().filter(|(_, until)| Instant::now() < *until);\n            let token = match valid {{\n                Some((token, _)) => token,\n                None => {{\n                    let (token, lifetime) = fetch_token().await?;\n                    *self.current.lock().unwrap() = Some((token.clone(), Instant::now() + lifetime));\n                    token\n                }}\n            }};\n            request.headers_mut().insert(\"authorization\", format!(\"Bearer {{token}}\").parse()?);\n            Ok(())\n        }})\n    }}\n}}\n\n/// Prints every response with its timing, and every retry.\nstruct Timer;\n\nimpl Interceptor for Timer {{\n    fn after_response(&self, response: &ResponseInfo<'_>) -> Result<(), BoxError> {{\n        let call = response.attempt;\n        println!(\"{{}} {{}} (attempt {{}}): {{}} in {{:?}}\", call.method, call.path, call.number, response.status, response.elapsed);\n        Ok(())\n    }}\n\n    fn on_retry(&self, retry: &RetryInfo<'_>) {{\n        println!(\"retrying {{}} in {{:?}}\", retry.attempt.operation, retry.delay);\n    }}\n}}\n\nfn main() -> Result<(), Box<dyn std::error::Error>> {{\n    let _client = {lib}::Client::builder(){key}\n        .interceptor(RefreshingToken {{ current: Mutex::new(None) }})\n        .interceptor(Timer)\n        .build()?;\n    Ok(())\n}}\n```\n"
    );
}

fn first_paragraph(text: &str) -> String {
    text.split("\n\n").next().unwrap_or("").replace('\n', " ")
}

fn table_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The waiters the overlay declares, and their create-then-wait examples (compiled as doctests).
fn waiters_section(out: &mut String, model: &SdkModel, lib: &str) {
    let waiters: &[Waiter] = &model.waiters;
    if waiters.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "## Create, then wait\n\nJobs run asynchronously; each waiter polls with backoff until the job succeeds or fails, reports every status it sees, and takes a mandatory maximum wait:\n"
    );
    for w in waiters {
        let description = w.description.as_deref().unwrap_or_default();
        let _ = writeln!(
            out,
            "- [`{0}`](Client::{0}): {1}",
            w.name,
            first_paragraph(description)
        );
    }
    out.push('\n');
    for example in waiters.iter().filter_map(|w| w.example.as_ref()) {
        let _ = writeln!(
            out,
            "```rust,no_run\nasync fn example(client: &{lib}::Client) -> Result<(), Box<dyn std::error::Error>> {{"
        );
        for line in example.text.trim_end().lines() {
            let _ = writeln!(out, "    {line}");
        }
        let _ = writeln!(out, "    Ok(())\n}}\n```\n");
    }
}

/// The paginated listings and how to read one (compiled as a doctest).
fn pagination_section(out: &mut String, model: &SdkModel, lib: &str) {
    let Some(first) = model.paginated.first() else {
        return;
    };
    let _ = writeln!(
        out,
        "## Pagination\n\nThese listings offer `.stream()` on their builder: every item of every page, each page fetched only when the stream reaches it, ending after the last page (an empty or short page, or no next cursor) or at the first error:\n"
    );
    for p in &model.paginated {
        let _ = writeln!(
            out,
            "- [`{0}`](Client::{0})",
            model.operations[p.operation].method
        );
    }
    let op = &model.operations[first.operation];
    let call = sample_call(op).unwrap_or_else(|| format!(".{}()", op.method));
    let _ = writeln!(
        out,
        "\n```rust,no_run\nasync fn example(client: &{lib}::Client) -> Result<(), Box<dyn std::error::Error>> {{\n    let mut items = client{call}.stream();\n    while let Some(item) = items.next().await {{\n        println!(\"{{:?}}\", item?);\n    }}\n    // Or at most 500 items, fetching no page beyond them:\n    let some = client{call}.stream().collect_up_to(500).await?;\n    println!(\"{{}} items\", some.len());\n    Ok(())\n}}\n```\n"
    );
}

/// A call for the quick start: an operation without a body whose required parameters are plain
/// strings or UUIDs (text either way, so the example needs no other crate). `None` when the
/// operation does not qualify.
fn sample_call(op: &Operation) -> Option<String> {
    if op.body_media_type.is_some() || !op.other_media_types.is_empty() || op.body_aside {
        return None;
    }
    let mut call = format!(".{}()", op.method);
    for p in op.parameters.iter().filter(|p| p.required) {
        let is_uuid = p.rust_type.as_ref().is_some_and(crate::syntax::is_uuid);
        let example = match (p.plain_string, is_uuid) {
            (true, _) => p.example.as_deref().unwrap_or(&p.name),
            // The setter parses text; an example that is no UUID would fail at send().
            (false, true) => p
                .example
                .as_deref()
                .filter(|e| e.len() == 36 && e.matches('-').count() == 4)
                .unwrap_or("00000000-0000-0000-0000-000000000000"),
            (false, false) => return None,
        };
        let _ = write!(call, ".{}({example:?})", naming::setter_ident(&p.name));
    }
    Some(call)
}
