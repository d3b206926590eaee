//! Fuzzes the webhook verifiers of openapi-sdk-runtime: any bytes, split at NUL bytes into the
//! Standard Webhooks headers, a signature header and a body, must give an event or a typed
//! `WebhookError`, never a panic.

#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use openapi_sdk_runtime::webhooks::{Akool, Encoding, HmacSha256, StandardWebhooks, Verifier};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(5, |b| *b == 0);
    let mut headers = HeaderMap::new();
    for name in [
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "x-signature",
    ] {
        if let Some(value) = parts.next().and_then(|v| HeaderValue::from_bytes(v).ok()) {
            headers.insert(name, value);
        }
    }
    let body = parts.next().unwrap_or(data);
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    if let Ok(standard) = StandardWebhooks::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") {
        let _ = standard.verify_at(&headers, body, now);
    }
    for encoding in [Encoding::Hex, Encoding::Base64] {
        if let Ok(hmac) = HmacSha256::new("secret", "x-signature", encoding) {
            let _ = hmac.with_prefix("sha256=").verify_at(&headers, body, now);
        }
    }
    if let Ok(akool) = Akool::new("0123456789abcdef", "akool-client-secret-24ch") {
        let _ = akool
            .with_tolerance(Duration::from_secs(60))
            .verify_at(&headers, body, now);
    }
    // Credentials from the input too: any length must be a typed error.
    let text = String::from_utf8_lossy(body);
    let _ = StandardWebhooks::new(&text);
    let (id, secret) = text.split_at(text.char_indices().nth(16).map_or(text.len(), |(i, _)| i));
    let _ = Akool::new(id, secret);
});
