//! The webhook verifiers against deliveries made by an independent implementation: the `openssl`
//! command signs and encrypts every payload here, never our own code. Then bad inputs, each a
//! typed error, and random bytes into every verifier, which must never panic.
#![cfg(feature = "webhooks")]

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue};
use openapi_sdk_runtime::webhooks::{
    Akool, Encoding, HmacSha256, StandardWebhooks, Unsigned, Verifier, WebhookError,
};
use serde::Deserialize;

/// Runs `openssl args` with `input` on stdin; its stdout, trailing newline removed.
fn openssl(args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the openssl command is installed");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut stdout = out.stdout;
    while stdout.last() == Some(&b'\n') {
        stdout.pop();
    }
    stdout
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn base64(bytes: &[u8]) -> String {
    text(openssl(&["base64", "-A"], bytes))
}

/// `openssl dgst -r` prints `<hex> *stdin`.
fn digest_hex(args: &[&str], input: &[u8]) -> String {
    let mut all = vec!["dgst"];
    all.extend_from_slice(args);
    all.push("-r");
    let out = text(openssl(&all, input));
    out.split_whitespace().next().unwrap().to_owned()
}

fn hmac_sha256_binary(key: &[u8], input: &[u8]) -> Vec<u8> {
    let keyopt = format!("hexkey:{}", hex(key));
    openssl(
        &[
            "dgst", "-sha256", "-mac", "HMAC", "-macopt", &keyopt, "-binary",
        ],
        input,
    )
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

// ---- Standard Webhooks ----

const KEY: &[u8] = b"\x01\x02\x03 a standard webhooks key \xfe\xff";
const ID: &str = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const TS: u64 = 1_700_000_000;
const BODY: &[u8] = br#"{"type":"video.ready","data":{"id":"v_1"}}"#;

fn standard_delivery(body: &[u8]) -> (StandardWebhooks, HeaderMap) {
    let secret = format!("whsec_{}", base64(KEY));
    let mut signed = format!("{ID}.{TS}.").into_bytes();
    signed.extend_from_slice(body);
    let signature = base64(&hmac_sha256_binary(KEY, &signed));
    let verifier = StandardWebhooks::new(&secret).unwrap();
    let h = headers(&[
        ("webhook-id", ID),
        ("webhook-timestamp", &TS.to_string()),
        (
            "webhook-signature",
            &format!("v1,bm90IHRoaXMgb25l v2,xyz v1,{signature}"),
        ),
    ]);
    (verifier, h)
}

#[test]
fn standard_webhooks_accepts_an_openssl_signature_among_several() {
    let (verifier, h) = standard_delivery(BODY);
    let payload = verifier.verify_at(&h, BODY, at(TS + 10)).unwrap();
    assert_eq!(&*payload, BODY);
    // Within the window on both sides.
    assert!(verifier.verify_at(&h, BODY, at(TS - 299)).is_ok());
    assert!(verifier.verify_at(&h, BODY, at(TS + 300)).is_ok());
}

#[test]
fn standard_webhooks_rejects_tampering_staleness_and_bad_headers() {
    let (verifier, h) = standard_delivery(BODY);
    let tampered = br#"{"type":"video.ready","data":{"id":"v_2"}}"#;
    assert_eq!(
        verifier.verify_at(&h, tampered, at(TS)),
        Err(WebhookError::BadSignature)
    );

    assert_eq!(
        verifier.verify_at(&h, BODY, at(TS + 301)),
        Err(WebhookError::StaleTimestamp {
            timestamp: TS as i64,
            now: (TS + 301) as i64,
            tolerance_secs: 300
        })
    );
    assert!(matches!(
        verifier.verify_at(&h, BODY, at(TS - 301)),
        Err(WebhookError::StaleTimestamp { .. })
    ));
    let wide = verifier.clone().with_tolerance(Duration::from_secs(3600));
    assert!(wide.verify_at(&h, BODY, at(TS + 301)).is_ok());

    // A wrong signature, a signature that is not base64, an id changed after signing.
    let mut wrong = h.clone();
    wrong.insert(
        "webhook-signature",
        HeaderValue::from_static("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
    );
    assert_eq!(
        verifier.verify_at(&wrong, BODY, at(TS)),
        Err(WebhookError::BadSignature)
    );
    wrong.insert(
        "webhook-signature",
        HeaderValue::from_static("v1,***not base64***"),
    );
    assert_eq!(
        verifier.verify_at(&wrong, BODY, at(TS)),
        Err(WebhookError::BadSignature)
    );
    let mut other_id = h.clone();
    other_id.insert("webhook-id", HeaderValue::from_static("msg_other"));
    assert_eq!(
        verifier.verify_at(&other_id, BODY, at(TS)),
        Err(WebhookError::BadSignature)
    );

    let mut missing = h.clone();
    missing.remove("webhook-timestamp");
    assert_eq!(
        verifier.verify_at(&missing, BODY, at(TS)),
        Err(WebhookError::MissingHeader("webhook-timestamp".to_owned()))
    );
    let mut not_a_number = h.clone();
    not_a_number.insert("webhook-timestamp", HeaderValue::from_static("yesterday"));
    assert!(matches!(
        verifier.verify_at(&not_a_number, BODY, at(TS)),
        Err(WebhookError::Malformed { .. })
    ));
}

#[test]
fn standard_webhooks_rejects_unusable_secrets() {
    assert!(matches!(
        StandardWebhooks::new("whsec_***"),
        Err(WebhookError::BadKey(_))
    ));
    assert!(matches!(
        StandardWebhooks::new("whsec_"),
        Err(WebhookError::BadKey(_))
    ));
}

#[test]
fn standard_webhooks_decodes_json_into_the_callers_type() {
    #[derive(Deserialize, Debug, PartialEq)]
    struct Event {
        r#type: String,
    }
    let (verifier, h) = standard_delivery(BODY);
    // verify_json uses the system clock: this delivery is years old.
    assert!(matches!(
        verifier.verify_json::<Event>(&h, BODY),
        Err(WebhookError::StaleTimestamp { .. })
    ));
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let secret = format!("whsec_{}", base64(KEY));
    let signed = format!("{ID}.{now}.")
        .into_bytes()
        .into_iter()
        .chain(BODY.iter().copied())
        .collect::<Vec<_>>();
    let fresh = headers(&[
        ("webhook-id", ID),
        ("webhook-timestamp", &now.to_string()),
        (
            "webhook-signature",
            &format!("v1,{}", base64(&hmac_sha256_binary(KEY, &signed))),
        ),
    ]);
    let verifier = StandardWebhooks::new(&secret).unwrap();
    assert_eq!(
        verifier.verify_json::<Event>(&fresh, BODY).unwrap(),
        Event {
            r#type: "video.ready".into()
        }
    );
    // Signed, but not the caller's shape.
    let (verifier, _) = standard_delivery(BODY);
    let signed = format!("{ID}.{now}.[1,2]").into_bytes();
    let fresh = headers(&[
        ("webhook-id", ID),
        ("webhook-timestamp", &now.to_string()),
        (
            "webhook-signature",
            &format!("v1,{}", base64(&hmac_sha256_binary(KEY, &signed))),
        ),
    ]);
    assert!(matches!(
        verifier.verify_json::<Event>(&fresh, b"[1,2]"),
        Err(WebhookError::Undecodable(_))
    ));
}

// ---- HMAC-SHA256 over the raw body ----

#[test]
fn hmac_sha256_hex_and_base64_from_openssl() {
    let secret = "a shared secret";
    let hex_sig = digest_hex(&["-sha256", "-hmac", secret], BODY);
    assert_eq!(hex_sig.len(), 64);
    let verifier = HmacSha256::new(secret, "x-signature", Encoding::Hex).unwrap();
    let h = headers(&[("x-signature", &hex_sig)]);
    assert_eq!(&*verifier.verify(&h, BODY).unwrap(), BODY);
    // Upper-case hex is the same signature.
    let h = headers(&[("x-signature", &hex_sig.to_uppercase())]);
    assert!(verifier.verify(&h, BODY).is_ok());

    // Header names from data match whatever their case.
    let mixed_case = HmacSha256::new(secret, "X-Signature", Encoding::Hex).unwrap();
    assert!(mixed_case.verify(&h, BODY).is_ok());

    let prefixed = HmacSha256::new(secret, "x-hub-signature-256", Encoding::Hex)
        .unwrap()
        .with_prefix("sha256=");
    let h = headers(&[("x-hub-signature-256", &format!("sha256={hex_sig}"))]);
    assert!(prefixed.verify(&h, BODY).is_ok());
    let h = headers(&[("x-hub-signature-256", &hex_sig)]);
    assert!(matches!(
        prefixed.verify(&h, BODY),
        Err(WebhookError::Malformed { .. })
    ));

    let b64_sig = base64(&hmac_sha256_binary(secret.as_bytes(), BODY));
    let verifier = HmacSha256::new(secret, "x-signature", Encoding::Base64).unwrap();
    let h = headers(&[("x-signature", &b64_sig)]);
    assert!(verifier.verify(&h, BODY).is_ok());
}

#[test]
fn hmac_sha256_rejects_bad_inputs() {
    let secret = "a shared secret";
    let hex_sig = digest_hex(&["-sha256", "-hmac", secret], BODY);
    let verifier = HmacSha256::new(secret, "x-signature", Encoding::Hex).unwrap();
    let h = headers(&[("x-signature", &hex_sig)]);
    assert_eq!(verifier.verify(&h, b"{}"), Err(WebhookError::BadSignature));
    let other = HmacSha256::new("another secret", "x-signature", Encoding::Hex).unwrap();
    assert_eq!(other.verify(&h, BODY), Err(WebhookError::BadSignature));
    // Truncated signatures do not pass.
    let h = headers(&[("x-signature", &hex_sig[..32])]);
    assert_eq!(verifier.verify(&h, BODY), Err(WebhookError::BadSignature));
    let h = headers(&[("x-signature", "zz")]);
    assert!(matches!(
        verifier.verify(&h, BODY),
        Err(WebhookError::Malformed { .. })
    ));
    let h = headers(&[("x-signature", "abc")]);
    assert!(matches!(
        verifier.verify(&h, BODY),
        Err(WebhookError::Malformed { .. })
    ));
    assert_eq!(
        verifier.verify(&HeaderMap::new(), BODY),
        Err(WebhookError::MissingHeader("x-signature".into()))
    );
    let b64 = HmacSha256::new(secret, "x-signature", Encoding::Base64).unwrap();
    let h = headers(&[("x-signature", "!!!")]);
    assert!(matches!(
        b64.verify(&h, BODY),
        Err(WebhookError::Malformed { .. })
    ));
    assert!(matches!(
        HmacSha256::new("", "x-signature", Encoding::Hex),
        Err(WebhookError::BadKey(_))
    ));
}

// ---- Akool ----

const CLIENT_ID: &str = "6f1c2d3e4a5b6c7d"; // 16 bytes: the IV
const SECRET_24: &str = "s3cr3t-24-characters-key"; // 24 bytes: AES-192
const PLAIN: &str = r#"{"_id":"64dd82eef0b6684651e90131","status":3,"type":"avatar","url":"https://example.com/v.mp4"}"#;

fn aes_cbc_base64(cipher: &str, key: &str, plaintext: &[u8]) -> String {
    let (k, iv) = (hex(key.as_bytes()), hex(CLIENT_ID.as_bytes()));
    text(openssl(
        &["enc", cipher, "-K", &k, "-iv", &iv, "-base64", "-A"],
        plaintext,
    ))
}

/// Akool's delivery body for `data_encrypt`, signed as the docs define; `nonce` written as JSON.
fn akool_body(data_encrypt: &str, timestamp_ms: u64, nonce_json: &str) -> Vec<u8> {
    let nonce: serde_json::Value = serde_json::from_str(nonce_json).unwrap();
    let nonce_text = match &nonce {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let ts = timestamp_ms.to_string();
    let mut parts = [CLIENT_ID, ts.as_str(), nonce_text.as_str(), data_encrypt];
    parts.sort();
    let signature = digest_hex(&["-sha1"], parts.concat().as_bytes());
    assert_eq!(signature.len(), 40);
    format!(
        r#"{{"signature":"{signature}","dataEncrypt":"{data_encrypt}","timestamp":{timestamp_ms},"nonce":{nonce_json}}}"#
    )
    .into_bytes()
}

#[derive(Deserialize, Debug, PartialEq)]
struct AkoolEvent {
    _id: String,
    status: u8,
    r#type: String,
    url: Option<String>,
}

#[test]
fn akool_decrypts_openssl_payloads_for_every_key_size() {
    for (cipher, secret) in [
        ("-aes-128-cbc", "sixteen-byte-key"),
        ("-aes-192-cbc", SECRET_24),
        ("-aes-256-cbc", "a-thirty-two-byte-client-secret!"),
    ] {
        let data = aes_cbc_base64(cipher, secret, PLAIN.as_bytes());
        let verifier = Akool::new(CLIENT_ID, secret).unwrap();
        // nonce as a string in one sample of the docs, a number in another.
        for nonce in [r#""1234""#, "1234"] {
            let body = akool_body(&data, 1_710_757_964_279, nonce);
            let payload = verifier.verify(&HeaderMap::new(), &body).unwrap();
            assert_eq!(&*payload, PLAIN.as_bytes(), "{cipher} nonce {nonce}");
            let event: AkoolEvent = verifier.verify_json(&HeaderMap::new(), &body).unwrap();
            assert_eq!(event.status, 3);
            assert_eq!(event.url.as_deref(), Some("https://example.com/v.mp4"));
        }
    }
}

#[test]
fn akool_rejects_bad_credentials_with_a_clear_error() {
    // The docs' sample clientId has 22 characters: not an AES IV.
    let err = Akool::new("abcdefghijklmnopqrstuv", SECRET_24).unwrap_err();
    assert!(
        matches!(&err, WebhookError::BadKey(m) if m.contains("clientId is 22 bytes")),
        "{err}"
    );
    let err = Akool::new(CLIENT_ID, "twenty-byte-secret!!").unwrap_err();
    assert!(
        matches!(&err, WebhookError::BadKey(m) if m.contains("clientSecret is 20 bytes")),
        "{err}"
    );
}

#[test]
fn akool_rejects_forged_tampered_and_undecodable_deliveries() {
    let verifier = Akool::new(CLIENT_ID, SECRET_24).unwrap();
    let none = HeaderMap::new();
    let data = aes_cbc_base64("-aes-192-cbc", SECRET_24, PLAIN.as_bytes());
    let good = text(akool_body(&data, 1_710_757_964_279, r#""77""#));

    // Wrong signature; a field changed after signing.
    let forged = {
        let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
        v["signature"] = "0000000000000000000000000000000000000000".into();
        v.to_string()
    };
    assert_eq!(
        verifier.verify(&none, forged.as_bytes()),
        Err(WebhookError::BadSignature)
    );
    let tampered = good.replace(r#""nonce":"77""#, r#""nonce":"78""#);
    assert_eq!(
        verifier.verify(&none, tampered.as_bytes()),
        Err(WebhookError::BadSignature)
    );
    let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
    v["signature"] = "not hex".into();
    assert!(matches!(
        verifier.verify(&none, v.to_string().as_bytes()),
        Err(WebhookError::Malformed { .. })
    ));

    // Correctly signed (the digest is unkeyed) but not decryptable with our secret: a forgery.
    let other_key = aes_cbc_base64("-aes-192-cbc", "another-24-byte-secret!!", PLAIN.as_bytes());
    let body = akool_body(&other_key, 1, "1");
    assert!(matches!(
        verifier.verify(&none, &body),
        Err(WebhookError::Undecodable(_))
    ));
    // Signed garbage base64; ciphertext not a whole number of blocks.
    let body = akool_body("@@not-base64@@", 1, "1");
    assert!(matches!(
        verifier.verify(&none, &body),
        Err(WebhookError::Undecodable(_))
    ));
    let body = akool_body(&base64(b"seventeen bytes!!"), 1, "1");
    assert!(matches!(
        verifier.verify(&none, &body),
        Err(WebhookError::Undecodable(_))
    ));
    // Decrypts, but the plaintext is not JSON.
    let not_json = aes_cbc_base64("-aes-192-cbc", SECRET_24, b"status=3&type=avatar");
    let body = akool_body(&not_json, 1, "1");
    let err = verifier.verify(&none, &body).unwrap_err();
    assert!(
        matches!(&err, WebhookError::Undecodable(m) if m.contains("not JSON")),
        "{err}"
    );
    // The body itself is not JSON, or lacks a field, or has a nonce of another kind.
    assert!(matches!(
        verifier.verify(&none, b"signature=abc"),
        Err(WebhookError::Undecodable(_))
    ));
    assert!(matches!(
        verifier.verify(&none, br#"{"signature":"ab"}"#),
        Err(WebhookError::Undecodable(_))
    ));
    let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
    v["nonce"] = serde_json::json!([1]);
    assert!(matches!(
        verifier.verify(&none, v.to_string().as_bytes()),
        Err(WebhookError::Malformed { .. })
    ));
}

#[test]
fn akool_timestamp_window_only_when_asked() {
    let data = aes_cbc_base64("-aes-192-cbc", SECRET_24, PLAIN.as_bytes());
    let body = akool_body(&data, TS * 1000, "5");
    let verifier = Akool::new(CLIENT_ID, SECRET_24).unwrap();
    assert!(
        verifier
            .verify_at(&HeaderMap::new(), &body, at(TS + 86_400))
            .is_ok()
    );
    let windowed = verifier.with_tolerance(Duration::from_secs(60));
    assert!(
        windowed
            .verify_at(&HeaderMap::new(), &body, at(TS + 30))
            .is_ok()
    );
    assert!(matches!(
        windowed.verify_at(&HeaderMap::new(), &body, at(TS + 61)),
        Err(WebhookError::StaleTimestamp { .. })
    ));
}

// ---- Unsigned, and random input ----

#[test]
fn unsigned_returns_the_body_unverified() {
    assert_eq!(&*Unsigned.verify(&HeaderMap::new(), BODY).unwrap(), BODY);
}

/// xorshift64*: deterministic random bytes without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = (self.next() % (max as u64 + 1)) as usize;
        (0..n).map(|_| self.next() as u8).collect()
    }
    /// Bytes that are valid in a header value, sometimes shaped like the real thing.
    fn header(&mut self, shapes: &[&str]) -> HeaderValue {
        let mut v: Vec<u8> = self.bytes(80).into_iter().map(|b| b' ' + b % 95).collect();
        if self.next().is_multiple_of(2) {
            let shape = shapes[(self.next() as usize) % shapes.len()];
            v.splice(0..0, shape.bytes());
        }
        HeaderValue::from_bytes(&v).unwrap()
    }
}

#[test]
fn random_input_never_panics() {
    let standard = StandardWebhooks::new(&format!("whsec_{}", base64(KEY))).unwrap();
    let hex = HmacSha256::new("k", "x-signature", Encoding::Hex)
        .unwrap()
        .with_prefix("sha256=");
    let b64 = HmacSha256::new("k", "x-signature", Encoding::Base64).unwrap();
    let akool = Akool::new(CLIENT_ID, SECRET_24)
        .unwrap()
        .with_tolerance(Duration::from_secs(1));
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..3000 {
        let mut h = HeaderMap::new();
        h.insert("webhook-id", rng.header(&["msg_"]));
        h.insert(
            "webhook-timestamp",
            rng.header(&["-9223372036854775808", "99999999999999999999", "0"]),
        );
        h.insert("webhook-signature", rng.header(&["v1,", "v1,AAAA v1,"]));
        h.insert("x-signature", rng.header(&["sha256=", "00"]));
        let body = if i % 3 == 0 {
            // Akool-shaped JSON with random field values.
            let field = |rng: &mut Rng| {
                serde_json::Value::String(String::from_utf8_lossy(&rng.bytes(40)).into_owned())
            };
            serde_json::json!({
                "signature": field(&mut rng), "dataEncrypt": field(&mut rng),
                "timestamp": rng.next() as i64, "nonce": field(&mut rng),
            })
            .to_string()
            .into_bytes()
        } else {
            rng.bytes(200)
        };
        let now = UNIX_EPOCH + Duration::from_secs(rng.next() % (1 << 40));
        let _ = standard.verify_at(&h, &body, now);
        let _ = hex.verify_at(&h, &body, now);
        let _ = b64.verify_at(&h, &body, now);
        let _ = akool.verify_at(&h, &body, now);
        let _ = akool.verify_json::<AkoolEvent>(&h, &body);
        // Constructors with random secrets.
        let _ = StandardWebhooks::new(&String::from_utf8_lossy(&rng.bytes(40)));
        let id = String::from_utf8_lossy(&rng.bytes(20)).into_owned();
        let _ = Akool::new(&id, &String::from_utf8_lossy(&rng.bytes(34)));
    }
}
