//! `cargo xtask bench`: times the pipeline per vendor folder, stage by stage, against the floor
//! of parsing the same files and against progenitor's own generation on the normalized document.
//! Prints medians of several runs as a markdown table (run it with `--release`).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use codegen::{Stage, VendorInput};

const STAGES: [Stage; 6] = [
    Stage::Load,
    Stage::Merge,
    Stage::Overlay,
    Stage::Normalize,
    Stage::Validate,
    Stage::Emit,
];

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// The default folders: every vendor folder under `<root>/specs/` that `cargo xtask gen` would
/// generate, sorted, as `specs/<vendor>` relative to the root.
pub fn vendor_folders(root: &Path) -> Result<Vec<String>> {
    let vendors = crate::gen_cmd::vendor_dirs(&crate::gen_cmd::GenOptions::for_workspace(
        root.to_path_buf(),
    ))?;
    if vendors.is_empty() {
        bail!("no vendor folders under {}", root.join("specs").display());
    }
    Ok(vendors
        .into_iter()
        .map(|(name, _)| format!("specs/{name}"))
        .collect())
}

/// One table row per folder: parse floor, each stage, total, progenitor alone.
pub fn run(root: &Path, folders: &[String], iterations: usize) -> Result<String> {
    if cfg!(debug_assertions) {
        eprintln!(
            "note: a debug build; run `cargo run --release -p xtask -- bench` for real numbers"
        );
    }
    let mut out = String::from(
        "| input | KB | parse floor ms | load | merge | overlay | normalize | validate | emit | total ms | progenitor alone ms | total / progenitor |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for folder in folders {
        let dir = root.join(folder);
        let files = crate::gen_cmd::read_vendor(&dir, folder, folder)?;
        if files.is_empty() {
            bail!("{folder}: no input files");
        }
        let kb = files.iter().map(|f| f.text.len()).sum::<usize>() / 1024;
        let vendor = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let input = VendorInput {
            vendor: &vendor,
            source_dir: folder,
            files: &files,
            runtime_path: "../../runtime",
        };
        let mut parse = Vec::new();
        let mut stages: Vec<Vec<Duration>> = vec![Vec::new(); STAGES.len()];
        let mut totals = Vec::new();
        let mut engine = Vec::new();
        let mut progenitor_failed: Option<String> = None;
        for _ in 0..iterations {
            let start = Instant::now();
            for f in &files {
                let _ = codegen::source::parse(&f.name, &f.name, &f.text);
            }
            parse.push(start.elapsed());

            let start = Instant::now();
            let mut last = start;
            let mut marks = Vec::new();
            codegen::generate_observed(&input, &mut |stage| {
                let now = Instant::now();
                marks.push((stage, now - last));
                last = now;
            })
            .map_err(|e| anyhow::anyhow!("{folder}: {e}"))?;
            totals.push(start.elapsed());
            for (i, stage) in STAGES.iter().enumerate() {
                stages[i].push(
                    marks
                        .iter()
                        .filter(|(s, _)| s == stage)
                        .map(|(_, d)| *d)
                        .sum(),
                );
            }

            let effective =
                codegen::effective_document(&input).map_err(|e| anyhow::anyhow!("{e}"))?;
            let start = Instant::now();
            match codegen::engine::progenitor_only(&effective.spec) {
                Ok(_) => engine.push(start.elapsed()),
                // Not a baseline: progenitor stopped early on this document.
                Err(reason) => progenitor_failed = Some(reason),
            }
        }
        let total = median(totals);
        let cells: Vec<String> = stages.into_iter().map(|s| ms(median(s))).collect();
        let (progenitor, ratio) = match &progenitor_failed {
            Some(reason) => (
                format!(
                    "failed: {}",
                    reason.lines().next().unwrap_or_default().replace('|', "/")
                ),
                "n/a".to_string(),
            ),
            None => {
                let progenitor = median(engine);
                (
                    ms(progenitor),
                    format!(
                        "{:.2}",
                        total.as_secs_f64() / progenitor.as_secs_f64().max(1e-9)
                    ),
                )
            }
        };
        out.push_str(&format!(
            "| {folder} | {kb} | {} | {} | {} | {progenitor} | {ratio} |\n",
            ms(median(parse)),
            cells.join(" | "),
            ms(total),
        ));
        // Progress on stderr: big inputs take a while.
        eprintln!("{folder}: done");
    }
    Ok(out)
}
