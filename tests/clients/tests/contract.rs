//! Contract tests: an independent tool judges what the generated clients send. Stoplight Prism
//! serves each vendor's effective spec (`generated/<vendor>/openapi.json`) as a mock with request
//! validation (`--errors`): a request that breaks the spec gets an error status instead of a
//! mocked answer. Every operation is called with realistic inputs, each body variant included,
//! and Prism's answers (built from the spec's examples) must decode into the generated types.
//!
//! Prism comes from `npm ci --prefix tools`, which the build script runs when npm is on PATH
//! (tests/node_tools.rs; .ci/run runs it too). Without npm the tests are ignored, with that
//! command as the reason; a missing Prism otherwise fails them (always under CI).

use std::collections::BTreeSet;
use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use client_tests::{TEST_KEY, root};
use serde_json::json;

struct Prism {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prism {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn prism_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PRISM_BIN") {
        return Some(PathBuf::from(path));
    }
    let local = root().join("tools/node_modules/.bin/prism");
    local.exists().then_some(local)
}

/// Starts Prism for a vendor.
fn start(vendor: &str) -> Prism {
    let binary = prism_binary().unwrap_or_else(|| {
        panic!(
            "Prism is not installed: run `npm ci --prefix tools` (or set PRISM_BIN){}",
            if std::env::var_os("CI").is_some() {
                "; CI must run the contract tests"
            } else {
                ""
            }
        )
    });
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("prism-{vendor}.log"));
    let out = File::create(&log).unwrap();
    let child = Command::new(binary)
        .args([
            "mock",
            "--errors",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .arg(root().join(format!("generated/{vendor}/openapi.json")))
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .expect("Prism starts");
    let mut prism = Prism {
        child,
        url: format!("http://127.0.0.1:{port}"),
        log,
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = prism.child.try_wait() {
            panic!("Prism exited ({status}) for {vendor}:\n{}", prism.log());
        }
        assert!(
            Instant::now() < deadline,
            "Prism did not start for {vendor}:\n{}",
            prism.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    prism
}

/// The operationIds of a vendor's effective spec, as method names.
fn operations(vendor: &str) -> BTreeSet<String> {
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join(format!("generated/{vendor}/openapi.json"))).unwrap(),
    )
    .unwrap();
    let mut out = BTreeSet::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op.get("operationId").and_then(|v| v.as_str()) {
                out.insert(codegen::naming::method_name(id));
            }
        }
    }
    out
}

fn called(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

macro_rules! ok {
    ($prism:expr, $call:expr) => {
        match $call.await {
            Ok(value) => value.into_inner(),
            Err(e) => panic!(
                "{} rejected or undecodable: {e}\nPrism log:\n{}",
                stringify!($call),
                $prism.log()
            ),
        }
    };
}

#[tokio::test]
#[cfg_attr(
    no_tools,
    ignore = "needs Prism: the Node tools are not installed (no npm, or npm ci failed: see the build warning); run `npm ci --prefix tools`"
)]
async fn akool_operations_satisfy_the_spec() {
    let prism = start("akool");
    let client = akool_client::Client::builder()
        .api_key(TEST_KEY)
        .base_url(&prism.url)
        .retry_policy(akool_client::RetryPolicy::none())
        .build()
        .unwrap();
    use akool_client::types;
    let list = ok!(
        prism,
        client
            .list_avatars()
            .from(2i64)
            .type_(1i64)
            .page(1)
            .size(100)
            .send()
    );
    assert!(!list.is_empty());
    let talking = types::CreateAvatarRequest::builder()
        .url("https://example.com/leijun.mp4")
        .avatar_id("HHdEKhn7k7vVBlR5FSi0e")
        .name("My Talking Avatar")
        .type_(1i64);
    ok!(prism, client.create_avatar().body(talking).send());
    let streaming = types::CreateAvatarRequest::builder()
        .url("https://example.com/leijun.mp4")
        .avatar_id("HHdEKhn7k7vVBlR5FSi0e")
        .name("My Streaming Avatar")
        .type_(2i64)
        .url_from(types::CreateAvatarRequestUrlFrom::try_from(1i64).unwrap());
    ok!(prism, client.create_avatar().body(streaming).send());
    ok!(
        prism,
        client
            .get_avatar_detail()
            .id("66a1a02d591ad336275eda62")
            .send()
    );
    let body: types::CreateTalkingAvatarRequest = serde_json::from_value(json!({
        "width": 3840, "height": 2160, "avatar_from": 3, "webhookUrl": "https://example.com/hook",
        "elements": [
            {"type": "image", "url": "https://example.com/bg.png", "width": 780, "height": 438, "scale_x": 1, "scale_y": 1, "offset_x": 1920, "offset_y": 1080},
            {"type": "avatar", "url": "https://example.com/avatar.mp4", "width": 1080, "height": 1080, "scale_x": 1, "scale_y": 1, "offset_x": 1920, "offset_y": 1080},
            {"type": "audio", "input_text": "Hello there", "voice_id": "6889b628662160e2caad5dbc"}
        ]
    }))
    .unwrap();
    let video = ok!(prism, client.create_talking_avatar().body(body).send());
    let id = video
        .id
        .unwrap_or_else(|| "64dd92c1f0b6684651e90e09".into());
    ok!(prism, client.get_video_info().video_model_id(id).send());
    assert_eq!(
        operations("akool"),
        called(&[
            "list_avatars",
            "create_avatar",
            "get_avatar_detail",
            "create_talking_avatar",
            "get_video_info"
        ])
    );
}

#[tokio::test]
#[cfg_attr(
    no_tools,
    ignore = "needs Prism: the Node tools are not installed (no npm, or npm ci failed: see the build warning); run `npm ci --prefix tools`"
)]
async fn argil_operations_satisfy_the_spec() {
    let prism = start("argil");
    let client = argil_client::Client::builder()
        .api_key(TEST_KEY)
        .base_url(&prism.url)
        .retry_policy(argil_client::RetryPolicy::none())
        .build()
        .unwrap();
    use argil_client::types::AvatarCreateRequest;
    for body in [
        json!({"type": "IMAGE", "name": "My Image Avatar", "datasetImage": {"url": "https://example.com/avatar-image.jpg"}, "voiceId": "123e4567-e89b-12d3-a456-426614174000"}),
        json!({"type": "IMAGE", "name": "My Image Avatar", "datasetImage": {"base64": "data:image/png;base64,iVBORw0KGgo="}, "extras": {"crm": "42"}}),
        json!({"name": "My Avatar", "datasetVideo": {"url": "https://example.com/source-video.mp4"}, "consentVideo": {"url": "https://example.com/consent-video.mp4"}}),
    ] {
        let body: AvatarCreateRequest = serde_json::from_value(body).unwrap();
        let avatar = ok!(prism, client.create_avatar().body(body).send());
        assert!(avatar.status.is_some());
    }
    let avatar = ok!(
        prism,
        client
            .get_avatar()
            .id("3c90c3cc-0d44-4b50-8888-8dd25736052a")
            .send()
    );
    assert!(avatar.id.is_some());
    assert_eq!(
        operations("argil"),
        called(&["create_avatar", "get_avatar"])
    );
}

#[tokio::test]
#[cfg_attr(
    no_tools,
    ignore = "needs Prism: the Node tools are not installed (no npm, or npm ci failed: see the build warning); run `npm ci --prefix tools`"
)]
async fn anam_operations_satisfy_the_spec() {
    let prism = start("anam");
    let client = anam_client::Client::builder()
        .api_key(TEST_KEY)
        .base_url(&prism.url)
        .retry_policy(anam_client::RetryPolicy::none())
        .build()
        .unwrap();
    let created = ok!(
        prism,
        client
            .create_avatar()
            .body_map(|b| b
                .display_name("Alex")
                .image_url("https://example.com/alex.jpg"))
            .send()
    );
    assert!(created.id.is_some());
    let png = anam_client::FilePart::bytes(b"\x89PNG\r\n\x1a\n".to_vec()).file_name("alex.png");
    ok!(
        prism,
        client
            .create_avatar_multipart()
            .display_name("Alex")
            .image_file(png)
            .avatar_model("cara-3")
            .send()
    );
    let id: uuid::Uuid = "071b0286-4cce-4808-bee2-e642f1062de3".parse().unwrap();
    let avatar = ok!(prism, client.get_avatar().id(id).send());
    assert!(avatar.display_name.is_some());
    assert_eq!(operations("anam"), called(&["create_avatar", "get_avatar"]));
}

/// The harness can fail: a request that breaks the spec, sent by hand, is rejected by Prism.
#[tokio::test]
#[cfg_attr(
    no_tools,
    ignore = "needs Prism: the Node tools are not installed (no npm, or npm ci failed: see the build warning); run `npm ci --prefix tools`"
)]
async fn prism_rejects_an_invalid_request() {
    let prism = start("argil");
    // Built the way the crates' README tells users to: reqwest alone has no crypto provider here.
    let http = openapi_sdk_runtime::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let response = http
        .post(format!("{}/avatars", prism.url))
        .header("x-api-key", TEST_KEY)
        .json(&json!({"type": "IMAGE", "name": ""}))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_client_error(),
        "Prism accepted an invalid body: {}",
        response.status()
    );
    let log = prism.log();
    assert!(
        log.contains("Violation") && log.contains("datasetImage"),
        "{log}"
    );
    let response = http
        .get(format!("{}/avatars/x", prism.url))
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_client_error(),
        "Prism accepted a request without credentials: {}",
        response.status()
    );
}
