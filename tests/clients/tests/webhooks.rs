//! The generated Akool receiver (`verify_job_status`, from the overlay's x-sdk-webhooks) against
//! a delivery made by the `openssl` command as Akool's "Webhook" page describes it: the event
//! decodes into the typed `AkoolWebhookEvent`, and a forged or undecryptable one is refused.

use std::io::Write;
use std::process::{Command, Stdio};

use akool_client::reqwest::header::HeaderMap;
use akool_client::{WebhookError, verify_job_status};

const CLIENT_ID: &str = "0123456789abcdef"; // 16 bytes: the IV
const CLIENT_SECRET: &str = "akool-client-secret-24ch"; // 24 bytes: AES-192

fn openssl(args: &[&str], input: &[u8]) -> String {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the openssl command is installed");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "openssl {args:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Akool's delivery of `plaintext`, encrypted with `secret` and signed over the sorted fields.
fn delivery(plaintext: &str, secret: &str) -> Vec<u8> {
    let data = openssl(
        &[
            "enc",
            "-aes-192-cbc",
            "-K",
            &hex(secret),
            "-iv",
            &hex(CLIENT_ID),
            "-base64",
            "-A",
        ],
        plaintext.as_bytes(),
    );
    let (timestamp, nonce) = ("1710757964279", "4096");
    let mut parts = [CLIENT_ID, timestamp, nonce, data.as_str()];
    parts.sort();
    let digest = openssl(&["dgst", "-sha1", "-r"], parts.concat().as_bytes());
    let signature = digest.split_whitespace().next().unwrap();
    serde_json::json!({"signature": signature, "dataEncrypt": data, "timestamp": 1710757964279u64, "nonce": nonce})
        .to_string()
        .into_bytes()
}

#[test]
fn a_delivery_made_by_openssl_decodes_into_the_typed_event() {
    let body = delivery(
        r#"{"_id":"6593d8d6bc5e1e6c4d2b4f3a","status":3,"type":"avatar","url":"https://example.com/v.mp4"}"#,
        CLIENT_SECRET,
    );
    let event = verify_job_status(CLIENT_ID, CLIENT_SECRET, &HeaderMap::new(), &body).unwrap();
    assert_eq!(event.id, "6593d8d6bc5e1e6c4d2b4f3a");
    assert_eq!((event.status, event.type_.as_str()), (3, "avatar"));
    assert_eq!(event.url.as_deref(), Some("https://example.com/v.mp4"));
    // `url` is only sent once the job completed.
    let body = delivery(r#"{"_id":"x","status":2,"type":"lipsync"}"#, CLIENT_SECRET);
    let event = verify_job_status(CLIENT_ID, CLIENT_SECRET, &HeaderMap::new(), &body).unwrap();
    assert_eq!((event.status, event.url), (2, None));
}

#[test]
fn forged_undecryptable_and_misshapen_deliveries_are_refused() {
    let good = delivery(r#"{"_id":"x","status":3,"type":"avatar"}"#, CLIENT_SECRET);
    let mut forged: serde_json::Value = serde_json::from_slice(&good).unwrap();
    forged["nonce"] = "4097".into();
    let forged = forged.to_string();
    assert!(matches!(
        verify_job_status(
            CLIENT_ID,
            CLIENT_SECRET,
            &HeaderMap::new(),
            forged.as_bytes()
        ),
        Err(WebhookError::BadSignature)
    ));
    // Signed (the digest is unkeyed) but encrypted with another secret.
    let other = delivery(
        r#"{"_id":"x","status":3,"type":"avatar"}"#,
        "another-secret-24-chars!",
    );
    assert!(matches!(
        verify_job_status(CLIENT_ID, CLIENT_SECRET, &HeaderMap::new(), &other),
        Err(WebhookError::Undecodable(_))
    ));
    // Decrypts, but is not an AkoolWebhookEvent (`status` missing).
    let shape = delivery(r#"{"_id":"x","type":"avatar"}"#, CLIENT_SECRET);
    assert!(matches!(
        verify_job_status(CLIENT_ID, CLIENT_SECRET, &HeaderMap::new(), &shape),
        Err(WebhookError::Undecodable(m)) if m.contains("status")
    ));
    // A 22-character clientId (the docs' sample's length) cannot be an AES IV.
    assert!(matches!(
        verify_job_status(
            "abcdefghijklmnopqrstuv",
            CLIENT_SECRET,
            &HeaderMap::new(),
            &good
        ),
        Err(WebhookError::BadKey(_))
    ));
}
