//! `cargo xtask gen [--check] [--vendor NAME] [--specs DIR --out DIR]`; exit codes: 0 up to date
//! or written, 4 stale in check mode, 1 generation failed (or no workspace to work on).
//! `cargo xtask update VENDOR [--write | --check] [--specs DIR --out DIR]`: fetches the upstream
//! documents vendor.toml lists and reports what changed; exit codes: 0, 4 upstream moved in check
//! mode, 1 failed (nothing written).
//! `cargo xtask bench [--iterations N] [FOLDER...]`; without folders, every vendor under specs/.
//! `cargo xtask mutate [...]`: the structured mutation run (xtask/src/mutate.rs, fuzz/README.md);
//! exit 1 on any panic, crash, hang or memory cap, or too few located errors.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use xtask::gen_cmd::{GenOptions, run};

const USAGE: &str = "usage: cargo xtask gen [--check] [--vendor NAME] [--specs DIR --out DIR]\n       cargo xtask update VENDOR [--write | --check] [--specs DIR --out DIR]   (fetch the upstream documents vendor.toml lists; report, or store and regenerate)\n       cargo xtask bench [--iterations N] [FOLDER...]   (default: every specs/<vendor>/; build with --release for real numbers)
       cargo xtask mutate [--mutants N] [--seconds S] [--seed N] [--timeout S] [--memory MIB] [--jobs N] [--min-located PCT] [--only ID [--keep DIR]] [FOLDER...]
                          (default: 2000 mutants of specs/* and tests/fixtures/*, seed 1, 60 s and 4096 MiB per mutant, 1 job, 95%)";

fn main() -> ExitCode {
    match real_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn real_main() -> anyhow::Result<ExitCode> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("gen") => {}
        Some("bench") => return bench(args.collect()),
        Some("update") => return update(args.collect()),
        Some("mutate") => return mutate(args.collect()),
        Some("mutate-child") => {
            let (Some(dir), Some(vendor)) = (args.next(), args.next()) else {
                bail!("mutate-child needs a folder and a vendor name");
            };
            xtask::mutate::child(std::path::Path::new(&dir), &vendor)?;
            return Ok(ExitCode::SUCCESS);
        }
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        Some(other) => bail!("unknown command `{other}`\n{USAGE}"),
    }
    let mut check = false;
    let mut vendor = None;
    let mut specs = None;
    let mut out = None;
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .with_context(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--check" => check = true,
            "--vendor" => vendor = Some(value("--vendor")?),
            "--specs" => specs = Some(PathBuf::from(value("--specs")?)),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    let tree = match (specs, out) {
        (Some(s), Some(o)) => Some((absolute(s)?, absolute(o)?)),
        (None, None) => None,
        _ => bail!("--specs and --out go together\n{USAGE}"),
    };
    let mut options = GenOptions::for_workspace(xtask::workspace_root()?);
    options.check = check;
    options.vendor = vendor;
    if let Some((specs_dir, out_dir)) = tree {
        options.specs_dir = specs_dir;
        options.out_dir = out_dir;
    }
    let outcome = run(&options)?;
    for line in &outcome.report {
        println!("{line}");
    }
    for warning in &outcome.warnings {
        eprintln!("{warning}");
    }
    if options.check && outcome.stale {
        print!("{}", outcome.diff);
        for note in &outcome.version_notes {
            eprintln!("{note}");
        }
        eprintln!("generated code is stale: run `cargo xtask gen` and commit the result");
        return Ok(ExitCode::from(4));
    }
    Ok(ExitCode::SUCCESS)
}

fn update(args: Vec<String>) -> anyhow::Result<ExitCode> {
    use xtask::update::Mode;
    let mut mode = Mode::Report;
    let mut vendor = None;
    let mut specs = None;
    let mut out = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .with_context(|| format!("{flag} needs a value\n{USAGE}"))
        };
        let set = |mode: &mut Mode, to: Mode| {
            if *mode != Mode::Report && *mode != to {
                bail!("--write and --check exclude each other\n{USAGE}");
            }
            *mode = to;
            Ok(())
        };
        match arg.as_str() {
            "--write" => set(&mut mode, Mode::Write)?,
            "--check" => set(&mut mode, Mode::Check)?,
            "--specs" => specs = Some(PathBuf::from(value("--specs")?)),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            other if other.starts_with('-') => bail!("unknown argument `{other}`\n{USAGE}"),
            other if vendor.is_none() => vendor = Some(other.to_string()),
            other => bail!("one vendor at a time (`{other}`)\n{USAGE}"),
        }
    }
    let vendor = vendor.with_context(|| format!("which vendor?\n{USAGE}"))?;
    let mut options = GenOptions::for_workspace(xtask::workspace_root()?);
    match (specs, out) {
        (Some(s), Some(o)) => {
            options.specs_dir = absolute(s)?;
            options.out_dir = absolute(o)?;
        }
        (None, None) => {}
        _ => bail!("--specs and --out go together\n{USAGE}"),
    }
    let outcome = xtask::update::run(&options, &vendor, mode)?;
    for line in &outcome.report {
        println!("{line}");
    }
    if mode == Mode::Check && outcome.moved {
        eprintln!(
            "upstream moved: run `cargo xtask update {vendor}` to see what it means, `--write` to take it"
        );
        return Ok(ExitCode::from(4));
    }
    Ok(ExitCode::SUCCESS)
}

fn bench(args: Vec<String>) -> anyhow::Result<ExitCode> {
    let mut iterations = 15;
    let mut folders = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--iterations" {
            iterations = args
                .next()
                .context("--iterations needs a number")?
                .parse()
                .context("--iterations needs a number")?;
        } else {
            folders.push(arg);
        }
    }
    let root = xtask::workspace_root()?;
    if folders.is_empty() {
        folders = xtask::bench::vendor_folders(&root)?;
    }
    print!("{}", xtask::bench::run(&root, &folders, iterations)?);
    Ok(ExitCode::SUCCESS)
}

fn mutate(args: Vec<String>) -> anyhow::Result<ExitCode> {
    let mut options = xtask::mutate::Options {
        folders: Vec::new(),
        mutants: 2000,
        seconds: None,
        seed: 1,
        timeout: std::time::Duration::from_secs(60),
        memory_mib: 4096,
        jobs: 1,
        only: None,
        keep: None,
        min_located: 95.0,
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut number = |flag: &str| -> anyhow::Result<f64> {
            args.next()
                .with_context(|| format!("{flag} needs a number\n{USAGE}"))?
                .parse()
                .with_context(|| format!("{flag} needs a number\n{USAGE}"))
        };
        match arg.as_str() {
            "--mutants" => options.mutants = number("--mutants")? as usize,
            "--seconds" => options.seconds = Some(number("--seconds")? as u64),
            "--seed" => options.seed = number("--seed")? as u64,
            "--timeout" => {
                options.timeout = std::time::Duration::from_secs_f64(number("--timeout")?)
            }
            "--memory" => options.memory_mib = number("--memory")? as u64,
            "--jobs" => options.jobs = number("--jobs")? as usize,
            "--min-located" => options.min_located = number("--min-located")?,
            "--only" => options.only = Some(number("--only")? as usize),
            "--keep" => {
                options.keep = Some(absolute(PathBuf::from(
                    args.next().context("--keep needs a folder")?,
                ))?)
            }
            flag if flag.starts_with("--") => bail!("unknown argument `{flag}`\n{USAGE}"),
            folder => options.folders.push(folder.to_string()),
        }
    }
    let root = xtask::workspace_root()?;
    if options.folders.is_empty() {
        options.folders = xtask::mutate::default_folders(&root)?;
    }
    let started = std::time::Instant::now();
    let runs = xtask::mutate::run(&root, &options)?;
    if options.only.is_some() {
        for r in &runs {
            println!(
                "#{} {} [{}]: {:?} ({} KiB, {:.2} s)",
                r.id,
                r.folder,
                r.mutations.join("; "),
                r.outcome,
                r.peak_kib,
                r.elapsed.as_secs_f64()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (table, pass) = xtask::mutate::report(&runs, &options, started.elapsed());
    print!("{table}");
    Ok(if pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn absolute(p: PathBuf) -> anyhow::Result<PathBuf> {
    std::path::absolute(&p).with_context(|| format!("cannot resolve {}", p.display()))
}
