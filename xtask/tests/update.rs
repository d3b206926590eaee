//! `cargo xtask update` end to end, with the real binary, on a scratch copy of specs/argil whose
//! vendor.toml points one upstream document at a loopback HTTP server. The server serves the
//! stored version, then a newer one: the report names what changed and the version it needs,
//! `--check` exits 4, and only `--write` stores, records and regenerates. An unreachable URL, a
//! document that is no OpenAPI document and a stored file that does not match its sha256 are
//! errors that leave every file as it was.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use xtask::update::sha256_hex;

/// A loopback HTTP/1.1 server answering `GET /<name>` from a map that the test changes.
struct Upstream {
    base: String,
    documents: Arc<Mutex<BTreeMap<String, String>>>,
}

impl Upstream {
    fn start() -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let documents = Arc::new(Mutex::new(BTreeMap::<String, String>::new()));
        let served = Arc::clone(&documents);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                // The headers, up to the blank line.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request_line.split_whitespace().nth(1).unwrap_or("/");
                let body = served.lock().unwrap().get(&path[1..]).cloned();
                let (status, body) = match body {
                    Some(body) => ("200 OK", body),
                    None => ("404 Not Found", "no such document".to_string()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-type: application/yaml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Upstream { base, documents }
    }

    fn serve(&self, name: &str, body: &str) {
        self.documents
            .lock()
            .unwrap()
            .insert(name.to_string(), body.to_string());
    }

    fn url(&self, name: &str) -> String {
        format!("{}/{name}", self.base)
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

struct Tree {
    root: PathBuf,
}

impl Tree {
    /// A copy of specs/argil under a scratch root, generated once.
    fn new(name: &str) -> Tree {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        let _ = fs::remove_dir_all(&root);
        let from = workspace().join("specs/argil");
        fs::create_dir_all(root.join("specs/argil")).unwrap();
        for entry in fs::read_dir(&from).unwrap() {
            let entry = entry.unwrap();
            fs::copy(
                entry.path(),
                root.join("specs/argil").join(entry.file_name()),
            )
            .unwrap();
        }
        let tree = Tree { root };
        let out = tree.xtask(&["gen"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        tree
    }

    fn vendor(&self) -> PathBuf {
        self.root.join("specs/argil")
    }

    fn xtask(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .arg("--specs")
            .arg(self.root.join("specs"))
            .arg("--out")
            .arg(self.root.join("out"))
            .output()
            .expect("xtask runs")
    }

    /// Every file of the tree: what "changes nothing" is checked against.
    fn files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![self.root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    out.insert(path.clone(), fs::read(&path).unwrap());
                }
            }
        }
        out
    }

    fn set_upstream(&self, url: &str, sha256: &str) {
        let path = self.vendor().join("vendor.toml");
        let settings = fs::read_to_string(&path).unwrap();
        let settings = settings.split("\n[[upstream]]").next().unwrap().to_string();
        fs::write(
            path,
            format!(
                "{settings}\n[[upstream]]\nfile = \"get-avatar.yaml\"\nurl = \"{url}\"\nsha256 = \"{sha256}\"\n"
            ),
        )
        .unwrap();
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The newer upstream document: a new operation (additive) and a new required query parameter
/// of `getAvatar` (breaking: callers must now set it).
fn newer(stored: &str) -> String {
    let id = "          schema:\n            type: string\n      responses:\n";
    assert!(stored.contains(id), "the stored document changed shape");
    let with_parameter = stored.replacen(
        id,
        "          schema:\n            type: string\n        - name: fields\n          in: query\n          required: true\n          schema:\n            type: string\n      responses:\n",
        1,
    );
    with_parameter.replacen(
        "paths:\n",
        "paths:\n  /avatars:\n    get:\n      summary: List avatars\n      operationId: listAvatars\n      responses:\n        '200':\n          description: The avatars.\n          content:\n            application/json:\n              schema:\n                type: array\n                items:\n                  $ref: '#/components/schemas/Avatar'\n",
        1,
    )
}

#[test]
fn update_reports_checks_and_writes_against_a_loopback_upstream() {
    let tree = Tree::new("update-e2e");
    let stored = fs::read_to_string(tree.vendor().join("get-avatar.yaml")).unwrap();
    let upstream = Upstream::start();
    upstream.serve("get-avatar.yaml", &stored);
    tree.set_upstream(&upstream.url("get-avatar.yaml"), &sha256_hex(&stored));
    assert!(tree.xtask(&["gen"]).status.success());

    // Upstream has what is stored.
    let out = tree.xtask(&["update", "argil", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("argil: upstream unchanged (1 document as recorded in"),
        "{}",
        text(&out.stdout)
    );

    // Upstream moves: the report says what changed and what it means, and writes nothing.
    let v2 = newer(&stored);
    upstream.serve("get-avatar.yaml", &v2);
    let before = tree.files();
    let out = tree.xtask(&["update", "argil"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}{}", text(&out.stderr));
    assert!(
        report.contains("argil: upstream moved (1 of 1 document)"),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "get-avatar.yaml: sha256 {} -> {}",
            &sha256_hex(&stored)[..12],
            &sha256_hex(&v2)[..12]
        )),
        "{report}"
    );
    assert!(report.contains("  breaking:\n"), "{report}");
    assert!(
        report.contains("added operation `list_avatars`"),
        "{report}"
    );
    assert!(
        report.contains("added required setter `get_avatar.fields`"),
        "{report}"
    );
    assert!(
        report.contains("=> a breaking change: argil-client version 0.1.0 -> 0.2.0"),
        "{report}"
    );
    assert!(report.contains("nothing written"), "{report}");
    assert_eq!(tree.files(), before, "a report writes nothing");

    // The scheduled job's question.
    let out = tree.xtask(&["update", "argil", "--check"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert_eq!(tree.files(), before, "--check writes nothing");

    // --write stores, records, regenerates and bumps.
    let out = tree.xtask(&["update", "argil", "--write"]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{report}{}", text(&out.stderr));
    assert!(report.contains("regenerated:"), "{report}");
    assert_eq!(
        fs::read_to_string(tree.vendor().join("get-avatar.yaml")).unwrap(),
        v2
    );
    let settings = fs::read_to_string(tree.vendor().join("vendor.toml")).unwrap();
    assert!(
        settings.contains(&format!("sha256 = \"{}\"", sha256_hex(&v2))),
        "{settings}"
    );
    assert!(
        settings.starts_with("# Packaging"),
        "comments are kept: {settings}"
    );
    let source = fs::read_to_string(tree.vendor().join("SOURCE.md")).unwrap();
    let row = source
        .lines()
        .find(|l| l.contains(&sha256_hex(&v2)))
        .unwrap_or_else(|| panic!("no record in SOURCE.md: {source}"));
    assert!(
        row.starts_with("| 20") && row.contains(&upstream.url("get-avatar.yaml")),
        "{row}"
    );
    let manifest = fs::read_to_string(tree.root.join("out/argil/Cargo.toml")).unwrap();
    assert!(manifest.contains("\nversion = \"0.2.0\"\n"), "{manifest}");
    let changelog = fs::read_to_string(tree.root.join("out/argil/CHANGELOG.md")).unwrap();
    assert!(
        changelog.contains("## 0.2.0") && changelog.contains("added operation `list_avatars`"),
        "{changelog}"
    );
    let client = fs::read_to_string(tree.root.join("out/argil/src/client.rs")).unwrap();
    assert!(
        client.contains("pub fn list_avatars("),
        "the crate was regenerated"
    );

    // Now stored and upstream agree, and the generated crate is up to date.
    let out = tree.xtask(&["update", "argil", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = tree.xtask(&["gen", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn unreachable_bad_or_mismatched_documents_change_nothing() {
    let tree = Tree::new("update-errors");
    let stored = fs::read_to_string(tree.vendor().join("get-avatar.yaml")).unwrap();
    let sha = sha256_hex(&stored);
    let upstream = Upstream::start();
    upstream.serve(
        "error-page.yaml",
        "<html><body>Sign in to continue</body></html>\n",
    );
    upstream.serve("broken.yaml", "openapi: 3.0.1\npaths: [unclosed\n");
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/get-avatar.yaml", listener.local_addr().unwrap())
    };
    let cases = [
        (closed, sha.clone(), "upstream is unreachable"),
        (upstream.url("missing.yaml"), sha.clone(), "404"),
        (
            upstream.url("error-page.yaml"),
            sha.clone(),
            "is not an OpenAPI document",
        ),
        (
            upstream.url("broken.yaml"),
            sha.clone(),
            "the upstream document is not valid",
        ),
        (
            upstream.url("get-avatar.yaml"),
            "0".repeat(64),
            "hash mismatch",
        ),
    ];
    for (url, recorded, expected) in cases {
        tree.set_upstream(&url, &recorded);
        let before = tree.files();
        for mode in [&[][..], &["--write"][..], &["--check"][..]] {
            let mut args = vec!["update", "argil"];
            args.extend_from_slice(mode);
            let out = tree.xtask(&args);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{url} {mode:?}: {stderr}");
            assert!(stderr.contains(expected), "{url} {mode:?}: {stderr}");
            assert_eq!(tree.files(), before, "{url} {mode:?} changed files");
        }
    }
}

#[test]
fn a_vendor_without_upstream_documents_is_told_how_to_list_them() {
    let tree = Tree::new("update-none");
    let out = tree.xtask(&["update", "argil"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("lists no upstream documents") && stderr.contains("[[upstream]]"),
        "{stderr}"
    );
}
