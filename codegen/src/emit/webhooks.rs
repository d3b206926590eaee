//! A receiver function per webhook: `verify_<name>(credentials, headers, body)` checks a
//! delivery with the scheme the overlay names (`openapi_sdk_runtime::webhooks`, feature `webhooks`) and
//! decodes the event into its component type; unsigned webhooks get `parse_unverified_<name>`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::extensions::{SignatureEncoding, WebhookScheme};
use crate::model::{SdkModel, Webhook};

pub fn emit(model: &SdkModel) -> TokenStream {
    if model.webhooks.is_empty() {
        return TokenStream::new();
    }
    let receivers = model.webhooks.iter().map(receiver);
    quote! {
        /// Why a webhook delivery was rejected (bad signature, stale timestamp, undecodable
        /// payload, unusable secret).
        pub use ::openapi_sdk_runtime::webhooks::WebhookError;
        #(#receivers)*
    }
}

/// The function's name: what it does must be in it, so an unsigned one does not say "verify".
pub fn function_name(webhook: &Webhook) -> String {
    match webhook.scheme {
        WebhookScheme::Unsigned => format!("parse_unverified_{}", webhook.name),
        _ => format!("verify_{}", webhook.name),
    }
}

fn receiver(webhook: &Webhook) -> TokenStream {
    let name = format_ident!("{}", function_name(webhook));
    let event = format_ident!("{}", webhook.event);
    let description = webhook
        .description
        .as_deref()
        .map(|d| format!(" {}", d.trim()))
        .unwrap_or_else(|| format!(" The `{}` webhook.", webhook.name));
    let sent_by = (!webhook.operations.is_empty()).then(|| {
        let ops: Vec<String> = webhook
            .operations
            .iter()
            .map(|o| format!("`{}`", crate::naming::method_name(o)))
            .collect();
        format!(" Sent to the callback URL given to {}.", ops.join(", "))
    });
    let sent_by = sent_by.iter();
    let (how, params, verifier) = match &webhook.scheme {
        WebhookScheme::Standard => (
            "Checks the delivery as Standard Webhooks define it (`webhook-id`, `webhook-timestamp`, `webhook-signature`; HMAC-SHA256; timestamps older or newer than 5 minutes are refused), with the endpoint's `whsec_` secret.",
            quote!(secret: &str,),
            quote!(::openapi_sdk_runtime::webhooks::StandardWebhooks::new(
                secret
            )?),
        ),
        WebhookScheme::HmacSha256 {
            header,
            encoding,
            prefix,
        } => {
            let encoding = match encoding {
                SignatureEncoding::Hex => quote!(::openapi_sdk_runtime::webhooks::Encoding::Hex),
                SignatureEncoding::Base64 => {
                    quote!(::openapi_sdk_runtime::webhooks::Encoding::Base64)
                }
            };
            (
                "Checks the HMAC-SHA256 signature of the raw body with the shared secret. The scheme binds no timestamp: it does not stop replays.",
                quote!(secret: &[u8],),
                quote!(::openapi_sdk_runtime::webhooks::HmacSha256::new(secret, #header, #encoding)?.with_prefix(#prefix)),
            )
        }
        WebhookScheme::Akool => (
            "Checks Akool's SHA-1 signature and decrypts `dataEncrypt` (AES-CBC: the `clientSecret`, 16, 24 or 32 bytes, is the key; the `clientId`, 16 bytes, the IV). The signature has no secret in it; decrypting with the `clientSecret` is what authenticates the delivery. Still, confirm the job's state by polling before acting on it.",
            quote!(client_id: &str, client_secret: &str,),
            quote!(::openapi_sdk_runtime::webhooks::Akool::new(
                client_id,
                client_secret
            )?),
        ),
        WebhookScheme::Unsigned => (
            "The API signs nothing: anyone can post to the URL. This only decodes the body; treat the event as a hint and confirm the state by polling the API.",
            TokenStream::new(),
            quote!(::openapi_sdk_runtime::webhooks::Unsigned),
        ),
    };
    let how = format!(" {how}");
    let returns = format!(
        " Returns the event as [`types::{}`], or why the delivery must not be trusted.",
        webhook.event
    );
    quote! {
        #[doc = #description]
        #(#[doc = ""] #[doc = #sent_by])*
        #[doc = ""]
        #[doc = #how]
        #[doc = #returns]
        pub fn #name(
            #params
            headers: &::reqwest::header::HeaderMap,
            body: &[u8],
        ) -> ::std::result::Result<types::#event, WebhookError> {
            use ::openapi_sdk_runtime::webhooks::Verifier as _;
            #verifier.verify_json(headers, body)
        }
    }
}

/// The README's "Webhooks" section: each receiver, and a whole hyper server receiving the first
/// one (compiled as a doctest).
pub fn readme_section(model: &SdkModel, lib: &str) -> String {
    let Some(first) = model.webhooks.first() else {
        return String::new();
    };
    let mut out = String::from(
        "## Webhooks\n\nThe API can call your server back. Each receiver checks a delivery and decodes its event; a rejected delivery is a [`WebhookError`] (answer it with a 4xx status):\n\n",
    );
    for w in &model.webhooks {
        let description = w.description.as_deref().unwrap_or_default();
        let description = description.split("\n\n").next().unwrap_or_default().trim();
        out.push_str(&format!(
            "- [`{0}`]({0}) -> [`types::{1}`](types::{1}): {2}\n",
            function_name(w),
            w.event,
            description.replace('\n', " ")
        ));
    }
    let credentials = match first.scheme {
        WebhookScheme::Standard => "&std::env::var(\"WEBHOOK_SECRET\")?, ",
        WebhookScheme::HmacSha256 { .. } => "std::env::var(\"WEBHOOK_SECRET\")?.as_bytes(), ",
        WebhookScheme::Akool => {
            "&std::env::var(\"WEBHOOK_CLIENT_ID\")?, &std::env::var(\"WEBHOOK_CLIENT_SECRET\")?, "
        }
        WebhookScheme::Unsigned => "",
    };
    let then = match &first.example {
        Some(example) => example
            .trim_end()
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>(),
        None => "    println!(\"{event:?}\");\n".to_string(),
    };
    // A whole receiver on hyper (already under reqwest and the mocks): it answers as soon as
    // the delivery is verified (APIs send a slow callback again) and runs the overlay's
    // follow-up, which polls, in the background.
    out.push_str(&format!(
        "\nA receiver on [hyper](https://hyper.rs) (`cargo add hyper --features server,http1`, `cargo add hyper-util --features tokio`, `cargo add http-body-util`, `cargo add tokio --features full`; any framework that gives the headers and the raw body does): it answers 200 as soon as a delivery is verified, 400 otherwise, and confirms in the background:\n\n\
         ```rust,no_run\n\
         use http_body_util::{{BodyExt, Empty}};\n\
         use hyper::body::{{Bytes, Incoming}};\n\
         use hyper::{{Request, Response, StatusCode, server::conn::http1, service::service_fn}};\n\
         use hyper_util::rt::TokioIo;\n\
         \n\
         type BoxError = Box<dyn std::error::Error + Send + Sync>;\n\
         \n\
         /// After answering: what to do with a verified event.\n\
         async fn follow_up(client: {lib}::Client, event: {lib}::types::{event}) -> Result<(), BoxError> {{\n\
         {then}    Ok(())\n}}\n\
         \n\
         async fn on_{name}(client: {lib}::Client, request: Request<Incoming>) -> Result<Response<Empty<Bytes>>, BoxError> {{\n    \
         let (parts, body) = request.into_parts();\n    \
         let body = body.collect().await?.to_bytes();\n    \
         let status = match {lib}::{function}({credentials}&parts.headers, &body) {{\n        \
         Ok(event) => {{\n            \
         tokio::spawn(async move {{\n                \
         if let Err(e) = follow_up(client, event).await {{\n                    \
         eprintln!(\"follow-up failed: {{e}}\");\n                \
         }}\n            \
         }});\n            \
         StatusCode::OK\n        \
         }}\n        \
         Err(rejected) => {{\n            \
         eprintln!(\"delivery rejected: {{rejected}}\");\n            \
         StatusCode::BAD_REQUEST\n        \
         }}\n    \
         }};\n    \
         Ok(Response::builder().status(status).body(Empty::new())?)\n}}\n\
         \n\
         #[tokio::main]\n\
         async fn main() -> Result<(), BoxError> {{\n    \
         let client = {lib}::Client::from_env()?;\n    \
         let listener = tokio::net::TcpListener::bind(\"0.0.0.0:8080\").await?;\n    \
         loop {{\n        \
         let (stream, _) = listener.accept().await?;\n        \
         let client = client.clone();\n        \
         tokio::spawn(async move {{\n            \
         let service = service_fn(move |request| on_{name}(client.clone(), request));\n            \
         if let Err(e) = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await {{\n                \
         eprintln!(\"connection: {{e}}\");\n            \
         }}\n        \
         }});\n    \
         }}\n}}\n```\n\n",
        name = first.name,
        event = first.event,
        function = function_name(first),
    ));
    out
}
