//! `cargo xtask mutate`: a deterministic, structured mutation run of the generator. Each mutant
//! is a copy of a spec folder (a vendor's, a fixture's) with one to three mutations of one of its
//! files: mostly of the parsed document (a node deleted, replaced, grafted elsewhere, a `$ref`
//! made dangling, cyclic or no string, a key renamed to a bad status code, media type or path,
//! schema keywords with hostile values, overlay targets made costly), sometimes of its text
//! (truncated, a byte changed, a byte-order mark, deep flow nesting, YAML alias bombs).
//!
//! Every mutant runs through the whole pipeline (`codegen::generate`, in memory, nothing
//! written) in a child process of its own, so a stack overflow or an abort is counted rather
//! than ending the run; the parent kills a child past the time or memory bound. The outcome of
//! each mutant is one of: a crate, an error (with or without a location: a JSON pointer, or a
//! line and column), a panic, a crash, a hang, or the memory cap. The same seed and mutant
//! number always make the same mutant (`--only N --keep DIR` writes it out to reproduce).

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use codegen::{SourceFile, VendorInput};
use serde_json::{Map, Value, json};

/// What the run does; see `USAGE` in main.rs.
#[derive(Debug, Clone)]
pub struct Options {
    pub folders: Vec<String>,
    pub mutants: usize,
    /// Stop starting new mutants after this long.
    pub seconds: Option<u64>,
    pub seed: u64,
    /// Per mutant.
    pub timeout: Duration,
    /// Per mutant, in MiB.
    pub memory_mib: u64,
    pub jobs: usize,
    pub only: Option<usize>,
    pub keep: Option<PathBuf>,
    /// Fail (exit 1) when fewer errors than this share (in %) name a location and help.
    pub min_located: f64,
}

/// The default folders: every vendor under specs/ and every fixture under tests/fixtures/.
pub fn default_folders(root: &Path) -> Result<Vec<String>> {
    let mut folders = crate::bench::vendor_folders(root)?;
    let fixtures = root.join("tests/fixtures");
    let mut names: Vec<String> = fs::read_dir(&fixtures)
        .with_context(|| format!("reading {}", fixtures.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| format!("tests/fixtures/{}", e.file_name().to_string_lossy()))
        .collect();
    names.sort();
    folders.extend(names);
    Ok(folders)
}

/// A folder's input files, as bytes.
pub type Folder = (String, Vec<(String, Vec<u8>)>);

/// Reads a folder (relative to `root`) to mutate.
pub fn read_folder(root: &Path, folder: &str) -> Result<Folder> {
    let dir = root.join(folder);
    let mut files = Vec::new();
    for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && codegen::source::is_input_file(&name) {
            files.push((name, fs::read(entry.path())?));
        }
    }
    files.sort();
    Ok((folder.to_string(), files))
}

/// How one mutant ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Crate,
    /// An error; `located`: it names a JSON pointer or a line and column, and has help.
    Error {
        located: bool,
        message: String,
    },
    Panic(String),
    Crash(String),
    Hang,
    MemoryCap,
}

/// A mutant's outcome with its cost.
#[derive(Debug, Clone)]
pub struct Run {
    pub id: usize,
    pub folder: String,
    pub mutations: Vec<String>,
    pub outcome: Outcome,
    pub peak_kib: u64,
    pub elapsed: Duration,
}

/// The child side: generates the folder `dir` in memory and prints one JSON line.
pub fn child(dir: &Path, vendor: &str) -> Result<()> {
    let shown = format!("specs/{vendor}");
    let mut files = Vec::new();
    let mut failure = None;
    let mut entries: Vec<_> = fs::read_dir(dir)?.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        match codegen::source::decode(&format!("{shown}/{name}"), fs::read(entry.path())?) {
            Ok(text) => files.push(SourceFile { name, text }),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let result = match failure {
        Some(e) => Err(e),
        None => codegen::generate(&VendorInput {
            vendor,
            source_dir: &shown,
            files: &files,
            runtime_path: "../../runtime",
        })
        .map(|_| ()),
    };
    let line = match result {
        Ok(()) => json!({"crate": true, "peak_kib": own_peak_kib()}),
        Err(e) => json!({
            "crate": false,
            "located": is_located(&e),
            "message": e.to_string(),
            "peak_kib": own_peak_kib(),
        }),
    };
    println!("{line}");
    std::io::stdout().flush()?;
    Ok(())
}

/// Whether an error names a JSON pointer, or a line and column, and says what to do.
pub fn is_located(e: &codegen::Error) -> bool {
    let position = e
        .location
        .file
        .rsplit(':')
        .take(2)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .count()
        == 2;
    (!e.location.pointer.is_empty() || position) && !e.help.trim().is_empty()
}

/// The peak resident set of a live process, in KiB (Linux; 0 elsewhere).
fn peak_kib(pid: u32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Runs one mutant folder in a child process.
fn run_child(exe: &Path, dir: &Path, vendor: &str, options: &Options) -> (Outcome, u64) {
    let spawned = Command::new(exe)
        .arg("mutate-child")
        .arg(dir)
        .arg(vendor)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => return (Outcome::Crash(format!("could not start: {e}")), 0),
    };
    let pid = child.id();
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let started = Instant::now();
    let mut peak = 0;
    let mut stopped = None;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(_) => break None,
        }
        peak = peak.max(peak_kib(pid));
        if peak > options.memory_mib * 1024 {
            stopped = Some(Outcome::MemoryCap);
        } else if started.elapsed() > options.timeout {
            stopped = Some(Outcome::Hang);
        }
        if stopped.is_some() {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if let Some(outcome) = stopped {
        return (outcome, peak);
    }
    let Some(status) = status else {
        return (Outcome::Crash("lost the child".into()), peak);
    };
    let line: Option<Value> = stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok());
    let peak = peak.max(
        line.as_ref()
            .and_then(|l| l.get("peak_kib"))
            .and_then(Value::as_u64)
            .unwrap_or(0),
    );
    let first_lines = |s: &str| s.lines().take(3).collect::<Vec<_>>().join(" | ");
    let outcome = match (status.code(), line) {
        (Some(0), Some(line)) if line["crate"] == json!(true) => Outcome::Crate,
        (Some(0), Some(line)) => Outcome::Error {
            located: line["located"] == json!(true),
            message: line["message"].as_str().unwrap_or_default().to_string(),
        },
        (Some(101), _) => Outcome::Panic(first_lines(&stderr)),
        (code, _) => Outcome::Crash(format!(
            "{}: {}",
            code.map_or_else(|| "killed by a signal".to_string(), |c| format!("exit {c}")),
            first_lines(&stderr)
        )),
    };
    (outcome, peak)
}

/// The child reports its own peak at exit (more exact than the parent's sampling).
pub fn own_peak_kib() -> u64 {
    peak_kib(std::process::id())
}

/// Where a mutation takes its choices from: a seeded generator (the mutation run), or the bytes
/// of a fuzzer's input (fuzz/fuzz_targets/structured.rs), so that a small change of the input
/// is a small change of the mutant.
pub trait Pick {
    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize;
}

impl Pick for fastrand::Rng {
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { self.usize(..n) }
    }
}

/// Choices read from bytes, two at a time; zeros once they run out.
pub struct Bytes<'a>(pub &'a [u8]);

impl Pick for Bytes<'_> {
    fn below(&mut self, n: usize) -> usize {
        let (now, rest) = self.0.split_at(self.0.len().min(2));
        self.0 = rest;
        let v = now.iter().fold(0usize, |v, b| v << 8 | *b as usize);
        if n == 0 { 0 } else { v % n }
    }
}

/// A mutant: its folder, vendor name, files and what was changed.
pub struct Mutant {
    pub folder: String,
    pub vendor: String,
    pub files: Vec<(String, Vec<u8>)>,
    pub mutations: Vec<String>,
}

/// Makes a mutant of one of `folders`, taking every choice from `rng`.
pub fn mutant(folders: &[Folder], rng: &mut dyn Pick) -> Mutant {
    let (folder, files) = &folders[rng.below(folders.len())];
    let vendor = folder.rsplit('/').next().unwrap_or("v").to_string();
    let structured: Vec<usize> = (0..files.len())
        .filter(|i| !files[*i].0.ends_with(".toml"))
        .collect();
    let mut files = files.clone();
    let mut mutations = Vec::new();
    if let Some(&target) = structured.get(rng.below(structured.len())) {
        let (name, bytes) = &mut files[target];
        let (text, applied) = mutate_file(rng, name, bytes);
        *bytes = text;
        mutations = applied
            .into_iter()
            .map(|m| format!("{name}: {m}"))
            .collect();
    }
    Mutant {
        folder: folder.clone(),
        vendor,
        files,
        mutations,
    }
}

/// Mutant `id` of a run with `seed`.
pub fn numbered(folders: &[Folder], seed: u64, id: usize) -> Mutant {
    let mut rng = fastrand::Rng::with_seed(seed ^ (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    mutant(folders, &mut rng)
}

/// Writes mutant `id` into `dir` (emptied first); returns its folder, vendor and mutations.
fn write_mutant(
    folders: &[Folder],
    seed: u64,
    id: usize,
    dir: &Path,
) -> Result<(String, String, Vec<String>)> {
    let m = numbered(folders, seed, id);
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir)?;
    for (name, bytes) in &m.files {
        fs::write(dir.join(name), bytes)?;
    }
    Ok((m.folder, m.vendor, m.mutations))
}

/// Mutates one file: its parsed document (and serializes it as JSON, which YAML files may
/// hold too), or its text.
fn mutate_file(rng: &mut dyn Pick, name: &str, bytes: &[u8]) -> (Vec<u8>, Vec<String>) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let yaml = !name.ends_with(".json");
    let Ok(mut doc) = codegen::source::parse(name, name, &text) else {
        return (
            bytes.to_vec(),
            vec!["unparsable original, unchanged".into()],
        );
    };
    let mut applied = Vec::new();
    for _ in 0..1 + rng.below(3) {
        applied.push(mutate_value(rng, &mut doc));
    }
    let mut out = if rng.below(2) == 0 {
        serde_json::to_string_pretty(&doc)
    } else {
        serde_json::to_string(&doc)
    }
    .unwrap_or_default();
    if rng.below(5) == 0 {
        applied.push(mutate_text(rng, &mut out, yaml));
    }
    let mut out = out.into_bytes();
    if rng.below(40) == 0 && !out.is_empty() {
        // A byte that is not UTF-8.
        let at = rng.below(out.len());
        out[at] = [0xff, 0xc3, 0x80, 0xfe][rng.below(4)];
        applied.push(format!("byte {at} made invalid UTF-8"));
    }
    (out, applied)
}

/// Text mutations; `yaml`: the file is read as YAML (so anchors and flow nesting apply).
fn mutate_text(rng: &mut dyn Pick, text: &mut String, yaml: bool) -> String {
    let cut = |rng: &mut dyn Pick, text: &str| {
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    match rng.below(8) {
        0 => {
            text.insert(0, '\u{feff}');
            "byte-order mark".into()
        }
        1 => {
            let at = cut(rng, text);
            text.truncate(at);
            format!("truncated at {at}")
        }
        2 => {
            let at = cut(rng, text);
            let token = [
                "*", "&", "!", "[", "{", "'", "\"", "\t", "\n---\n", ": ", "\0", "#", "|", "%",
                "- ", "?", "\\", "\u{2028}", "}", "]",
            ][rng.below(20)];
            text.insert_str(at, token);
            format!("inserted {token:?} at {at}")
        }
        3 if yaml && text.starts_with('{') => {
            // A YAML alias bomb inside the JSON-shaped flow mapping.
            let len = [1_000, 100_000, 1 << 20][rng.below(3)];
            let copies = [10, 100, 1000][rng.below(3)];
            let bomb = format!(
                "{{\"x-big\": &big \"{}\", \"x-copies\": [{}], ",
                "x".repeat(len),
                vec!["*big"; copies].join(", ")
            );
            text.replace_range(..1, &bomb);
            format!("alias bomb: {len} bytes x {copies}")
        }
        4 if yaml && text.starts_with('{') => {
            let depth = [100, 129, 1_000, 150_000][rng.below(4)];
            let nest = format!(
                "{{\"x-deep\": {}1{}, ",
                "{a: ".repeat(depth),
                "}".repeat(depth)
            );
            text.replace_range(..1, &nest);
            format!("flow nesting {depth} deep")
        }
        5 if text.starts_with('{') => {
            let depth = [129, 10_000][rng.below(2)];
            let nest = format!(
                "{{\"x-deep\": {}1{}, ",
                "[".repeat(depth),
                "]".repeat(depth)
            );
            text.replace_range(..1, &nest);
            format!("array nesting {depth} deep")
        }
        6 => {
            // A duplicated key.
            if let Some(at) = text.find("\"openapi\"") {
                text.insert_str(at, "\"openapi\": \"3.0.0\", ");
            }
            "duplicated `openapi` key".into()
        }
        _ => {
            let at = cut(rng, text);
            let end = (at + rng.below(64)).min(text.len());
            let mut end = end;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.replace_range(at..end, "");
            format!("deleted {at}..{end}")
        }
    }
}

/// Every node of a document, as paths of keys and indices, with component schema names.
fn nodes(doc: &Value) -> Vec<Vec<Seg>> {
    let mut out = Vec::new();
    let mut stack = vec![(Vec::new(), doc)];
    while let Some((path, node)) = stack.pop() {
        match node {
            Value::Object(map) => {
                for (k, v) in map {
                    let mut p = path.clone();
                    p.push(Seg::Key(k.clone()));
                    stack.push((p, v));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(Seg::Index(i));
                    stack.push((p, v));
                }
            }
            _ => {}
        }
        out.push(path);
    }
    out
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn pointer_of(path: &[Seg]) -> String {
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            Seg::Index(i) => format!("/{i}"),
        })
        .collect()
}

fn schema_names(doc: &Value) -> Vec<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default()
}

/// A value from a list of what breaks generators.
fn hostile_value(rng: &mut dyn Pick, doc: &Value) -> Value {
    let names = schema_names(doc);
    let some_ref = || match names.first() {
        Some(n) => format!("#/components/schemas/{n}"),
        None => "#/components/schemas/A".into(),
    };
    match rng.below(24) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(0),
        3 => json!(-1),
        4 => json!(1e308),
        5 => json!(u64::MAX),
        6 => json!(""),
        7 => json!("x"),
        8 => json!({}),
        9 => json!([]),
        10 => json!({"$ref": some_ref()}),
        11 => json!({"$ref": "#/components/schemas/Missing"}),
        12 => json!({"$ref": [some_ref()]}),
        13 => json!({"$ref": "other.yaml#/x"}),
        14 => json!({"type": null}),
        15 => json!({"type": ["string", "null"]}),
        16 => json!({"allOf": [{"$ref": some_ref()}]}),
        17 => json!({"oneOf": []}),
        18 => json!("\u{0}\u{2028}💥{id}"),
        19 => json!("x".repeat(10_000)),
        20 => {
            json!({"type": "object", "required": ["a"], "properties": {"a": {"$ref": some_ref()}}})
        }
        21 => json!({"application/json": 7}),
        22 => json!({"": {"schema": {}}}),
        _ => json!({"type": "string", "enum": [], "format": "binary", "nullable": true}),
    }
}

/// A keyword to insert into an object, with a hostile value.
fn hostile_entry(rng: &mut dyn Pick, doc: &Value, here: &str) -> (String, Value) {
    let self_ref = json!({"$ref": format!("#{here}")});
    let keys = [
        "$ref",
        "type",
        "nullable",
        "required",
        "allOf",
        "oneOf",
        "anyOf",
        "not",
        "items",
        "additionalProperties",
        "properties",
        "enum",
        "default",
        "example",
        "discriminator",
        "content",
        "schema",
        "in",
        "style",
        "explode",
        "x-sdk-waiters",
        "x-sdk-envelope",
        "responses",
        "parameters",
        "requestBody",
        "operationId",
        "format",
        "const",
    ];
    let key = keys[rng.below(keys.len())].to_string();
    let value = match rng.below(4) {
        0 => self_ref,
        1 => json!({"allOf": [self_ref]}),
        _ => hostile_value(rng, doc),
    };
    (key, value)
}

/// One structured mutation; returns what it did.
fn mutate_value(rng: &mut dyn Pick, doc: &mut Value) -> String {
    let all = nodes(doc);
    let path = all[rng.below(all.len())].clone();
    let here = pointer_of(&path);
    let op = rng.below(12);
    // Operations on the parent of the node.
    if matches!(op, 0 | 1) && !path.is_empty() {
        let (last, parent_path) = path.split_last().expect("non-empty");
        let parent_ptr = pointer_of(parent_path);
        let Some(parent) = doc.pointer_mut(&parent_ptr) else {
            return "nothing".into();
        };
        return match (parent, last, op) {
            (Value::Object(map), Seg::Key(k), 0) => {
                map.shift_remove(k);
                format!("deleted {here}")
            }
            (Value::Array(items), Seg::Index(i), 0) => {
                items.remove(*i);
                format!("deleted {here}")
            }
            (Value::Object(map), Seg::Key(k), _) => {
                let names = [
                    "",
                    "600",
                    "2xx",
                    "Client",
                    "/a b",
                    "default",
                    "$ref",
                    "x-",
                    "/{id}",
                    "200",
                    "application/json",
                    " ",
                    "/",
                    "//",
                    "get",
                    "GET",
                    "{}",
                ];
                let new = names[rng.below(names.len())].to_string();
                let value = map.shift_remove(k).unwrap_or(Value::Null);
                map.insert(new.clone(), value);
                format!("renamed {here} to {new:?}")
            }
            _ => "nothing".into(),
        };
    }
    let donor = doc
        .pointer(&pointer_of(&all[rng.below(all.len())]))
        .cloned()
        .unwrap_or(Value::Null);
    let cycle_target = schema_names(doc);
    let Some(node) = doc.pointer_mut(&here) else {
        return "nothing".into();
    };
    match op {
        2 | 3 => {
            *node = hostile_value(rng, &Value::Null);
            format!("replaced {here} with a hostile value")
        }
        4 => {
            *node = donor;
            format!("grafted a subtree onto {here}")
        }
        5 => {
            let (key, value) = {
                let names = Value::Null;
                hostile_entry(rng, &names, &here)
            };
            match node {
                Value::Object(map) => {
                    map.insert(key.clone(), value);
                    format!("set {here}/{key}")
                }
                other => {
                    *other = json!({key.clone(): value});
                    format!("made {here} an object with {key}")
                }
            }
        }
        6 => {
            let wrapped = std::mem::take(node);
            *node = match rng.below(3) {
                0 => json!([wrapped]),
                1 => json!({"allOf": [wrapped]}),
                _ => json!({"oneOf": [wrapped, {"type": "string"}]}),
            };
            format!("wrapped {here}")
        }
        7 if !cycle_target.is_empty() => {
            // A component schema defined through itself, or through another.
            let a = &cycle_target[rng.below(cycle_target.len())];
            let b = &cycle_target[rng.below(cycle_target.len())];
            let shape = match rng.below(4) {
                0 => json!({"$ref": format!("#/components/schemas/{a}")}),
                1 => {
                    json!({"allOf": [{"$ref": format!("#/components/schemas/{a}")}, {"type": "object"}]})
                }
                2 => {
                    json!({"oneOf": [{"$ref": format!("#/components/schemas/{b}")}, {"type": "string"}]})
                }
                _ => {
                    json!({"type": "object", "required": ["self"], "properties": {"self": {"$ref": format!("#/components/schemas/{a}")}}})
                }
            };
            if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
                schemas.insert(a.clone(), shape);
            }
            format!("cycle at schema {a}")
        }
        8 => {
            // Type changes of scalars.
            *node = match node {
                Value::String(s) => json!(s.len()),
                Value::Number(n) => json!(n.to_string()),
                Value::Bool(b) => json!(b.to_string()),
                Value::Null => json!({}),
                Value::Array(items) => json!({"0": items.first().cloned().unwrap_or(Value::Null)}),
                Value::Object(map) => Value::Array(map.values().cloned().collect()),
            };
            format!("changed the type of {here}")
        }
        9 => {
            // Overlay targets and JSONPath.
            let targets = [
                "$..*..*..*..*".to_string(),
                format!("$[?{}@.a{}]", "@[?".repeat(19), "]".repeat(19)),
                "$.paths[?@.get][?@.operationId == 'x']".to_string(),
                "$[".to_string(),
                "$.paths.*.*.responses.*".to_string(),
                "$..['$ref']".to_string(),
                "$.a".repeat(400),
            ];
            let t = targets[rng.below(targets.len())].clone();
            match doc.pointer_mut("/actions/0") {
                Some(Value::Object(action)) => {
                    action.insert("target".into(), json!(t));
                    format!("overlay target {t:.40}")
                }
                _ => {
                    if let Some(node) = doc.pointer_mut(&here) {
                        *node = json!(t);
                    }
                    format!("replaced {here} with a JSONPath")
                }
            }
        }
        10 => {
            // Deep nesting of the parsed document (within the JSON the loader allows).
            let depth = [10, 60, 126][rng.below(3)];
            let mut v = std::mem::take(node);
            for _ in 0..depth {
                v = json!({"a": v});
            }
            *node = v;
            format!("nested {here} {depth} deep")
        }
        _ => {
            let mut map = Map::new();
            for _ in 0..1 + rng.below(3) {
                let (k, v) = hostile_entry(rng, &Value::Null, &here);
                map.insert(k, v);
            }
            *node = Value::Object(map);
            format!("replaced {here} with hostile keywords")
        }
    }
}

/// Runs the mutants; returns each one's run.
pub fn run(root: &Path, options: &Options) -> Result<Vec<Run>> {
    let folders: Vec<Folder> = options
        .folders
        .iter()
        .map(|f| read_folder(root, f))
        .collect::<Result<_>>()?;
    if folders.is_empty() {
        bail!("no folders to mutate");
    }
    let exe = std::env::current_exe().context("the xtask binary")?;
    let scratch = root.join("target/mutate");
    if let Some(id) = options.only {
        let dir = options.keep.clone().unwrap_or_else(|| scratch.join("only"));
        let (folder, vendor, mutations) = write_mutant(&folders, options.seed, id, &dir)?;
        let started = Instant::now();
        let (outcome, peak_kib) = run_child(&exe, &dir, &vendor, options);
        return Ok(vec![Run {
            id,
            folder,
            mutations,
            outcome,
            peak_kib,
            elapsed: started.elapsed(),
        }]);
    }
    let started = Instant::now();
    let deadline = options.seconds.map(Duration::from_secs);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let runs = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for worker in 0..options.jobs.max(1) {
            let (folders, exe, scratch, next, runs) = (&folders, &exe, &scratch, &next, &runs);
            s.spawn(move || {
                let dir = scratch.join(format!("w{worker}"));
                loop {
                    if deadline.is_some_and(|d| started.elapsed() > d) {
                        return;
                    }
                    let id = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if id >= options.mutants {
                        return;
                    }
                    let Ok((folder, vendor, mutations)) =
                        write_mutant(folders, options.seed, id, &dir)
                    else {
                        return;
                    };
                    let t = Instant::now();
                    let (outcome, peak_kib) = run_child(exe, &dir, &vendor, options);
                    runs.lock().expect("no poisoned lock").push(Run {
                        id,
                        folder,
                        mutations,
                        outcome,
                        peak_kib,
                        elapsed: t.elapsed(),
                    });
                }
            });
        }
    });
    let mut runs = runs.into_inner().expect("no poisoned lock");
    runs.sort_by_key(|r| r.id);
    Ok(runs)
}

/// The result table (markdown), the failures worth a look, and whether the run passes.
pub fn report(runs: &[Run], options: &Options, wall: Duration) -> (String, bool) {
    let count = |f: &dyn Fn(&Outcome) -> bool| runs.iter().filter(|r| f(&r.outcome)).count();
    let crates = count(&|o| *o == Outcome::Crate);
    let located = count(&|o| matches!(o, Outcome::Error { located: true, .. }));
    let unlocated = count(&|o| matches!(o, Outcome::Error { located: false, .. }));
    let panics = count(&|o| matches!(o, Outcome::Panic(_)));
    let crashes = count(&|o| matches!(o, Outcome::Crash(_)));
    let hangs = count(&|o| *o == Outcome::Hang);
    let memory = count(&|o| *o == Outcome::MemoryCap);
    let failures = runs.len() - crates;
    let share = if failures == 0 {
        100.0
    } else {
        100.0 * located as f64 / failures as f64
    };
    let peak = runs.iter().map(|r| r.peak_kib).max().unwrap_or(0);
    let slowest = runs.iter().max_by_key(|r| r.elapsed);
    let mut out = String::new();
    out.push_str(&format!(
        "{} mutants (seed {}) of {} folders in {:.0} s\n\n| outcome | mutants |\n|---|---:|\n",
        runs.len(),
        options.seed,
        options.folders.len(),
        wall.as_secs_f64()
    ));
    for (what, n) in [
        ("a crate", crates),
        (
            "an error naming file, pointer or line:column, with help",
            located,
        ),
        ("an error without pointer or position", unlocated),
        ("panic", panics),
        ("crash (signal or abort)", crashes),
        (
            &format!("hang (over {} s)", options.timeout.as_secs()) as &str,
            hangs,
        ),
        (
            &format!("memory over {} MiB", options.memory_mib) as &str,
            memory,
        ),
    ] {
        out.push_str(&format!("| {what} | {n} |\n"));
    }
    out.push_str(&format!(
        "\nfailures that name a location and help: {located} of {failures} ({share:.1}%)\npeak memory of one mutant: {:.0} MiB\n",
        peak as f64 / 1024.0
    ));
    if let Some(s) = slowest {
        out.push_str(&format!(
            "slowest mutant: #{} ({}) {:.2} s\n",
            s.id,
            s.folder,
            s.elapsed.as_secs_f64()
        ));
    }
    // What to look at: every panic, crash, hang and cap, and each distinct unlocated error.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for r in runs {
        let line = match &r.outcome {
            Outcome::Crate | Outcome::Error { located: true, .. } => continue,
            Outcome::Error { message, .. } => {
                let first = message.lines().next().unwrap_or_default().to_string();
                let n = seen.entry(first.clone()).or_default();
                *n += 1;
                if *n > 1 {
                    continue;
                }
                format!("unlocated error: {first}")
            }
            Outcome::Panic(m) => format!("panic: {m}"),
            Outcome::Crash(m) => format!("crash: {m}"),
            Outcome::Hang => "hang".into(),
            Outcome::MemoryCap => "memory cap".into(),
        };
        out.push_str(&format!(
            "  #{} {} [{}]: {line}\n",
            r.id,
            r.folder,
            r.mutations.join("; ")
        ));
    }
    let pass = panics + crashes + hangs + memory == 0 && share >= options.min_located;
    (out, pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> Vec<Folder> {
        vec![(
            "specs/v".into(),
            vec![(
                "api.yaml".into(),
                b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {schemas: {A: {type: string}}}\n".to_vec(),
            )],
        )]
    }

    /// The same seed and number make the same mutant, so a finding can be replayed.
    #[test]
    fn mutants_are_deterministic() {
        let base = std::env::temp_dir().join(format!("xtask-mutants-{}", std::process::id()));
        let read = |dir: &Path| fs::read(dir.join("api.yaml")).unwrap();
        for id in 0..20 {
            let (a, b) = (base.join(format!("a{id}")), base.join(format!("b{id}")));
            let first = write_mutant(&folder(), 7, id, &a).unwrap();
            let second = write_mutant(&folder(), 7, id, &b).unwrap();
            assert_eq!(first, second);
            assert_eq!(read(&a), read(&b), "mutant {id}");
        }
        let _ = fs::remove_dir_all(base);
    }

    #[test]
    fn located_errors_name_a_pointer_or_a_position_and_help() {
        let error = |file: &str, pointer: &str, help: &str| {
            codegen::Error::new(
                codegen::Stage::Load,
                codegen::Location {
                    file: file.into(),
                    pointer: pointer.into(),
                },
                "m",
                help,
            )
        };
        assert!(is_located(&error("specs/v/a.yaml", "/paths", "h")));
        assert!(is_located(&error("specs/v/a.yaml:3:14", "", "h")));
        assert!(!is_located(&error("specs/v/a.yaml", "", "h")));
        assert!(!is_located(&error("specs/v", "", "h")));
        assert!(!is_located(&error("specs/v/a.yaml", "/paths", " ")));
    }
}
