#!/usr/bin/env python3
"""Cold release build of a small consumer of the three generated crates, against the same
consumer built on openapi-generator's Rust crates for the same effective specs.

Four consumers, each calling one GET operation of every vendor so that all three crates are
compiled and linked:

- ours, default features (rustls with ring);
- ours with `default-features = false, features = ["native-tls"]`;
- openapi-generator's crates, default features (native-tls);
- openapi-generator's crates with `default-features = false, features = ["rustls-tls"]`.

Every build starts from an empty target directory with the registry already downloaded
(`cargo fetch`), so only compilation is timed. The consumers build in turn, round after round,
so that drift on a noisy machine touches all of them alike. Reports median wall time, median CPU
time (user + system of cargo and every compiler it ran) and the number of packages built.

Needs `pip install openapi-generator-cli` (7.x; it bundles the jar, Java 17 runs it) and
OpenSSL headers (`libssl-dev`, `pkg-config`) for the native-tls builds.

    python3 bench/consumer_build.py [--runs 3] [--keep DIR]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time

from openapi_generator import ROOT, VENDORS, generate_command

# One GET per vendor, through each generator's own API.
OURS_MAIN = """#[tokio::main]
async fn main() {
    let akool = akool_client::Client::new("k").unwrap();
    let argil = argil_client::Client::new("k").unwrap();
    let anam = anam_client::Client::new("k").unwrap();
    println!("{}", akool.get_video_info().video_model_id("v").send().await.is_ok());
    println!("{}", argil.get_avatar().id("a").send().await.is_ok());
    println!("{}", anam.get_avatar().id("a").send().await.is_ok());
}
"""
THEIRS_MAIN = """#[tokio::main]
async fn main() {
    let mut c = akool_oag::apis::configuration::Configuration::new();
    c.bearer_access_token = Some("k".into());
    println!("{}", akool_oag::apis::talking_avatar_api::get_video_info(&c, "v").await.is_ok());
    let c = argil_oag::apis::configuration::Configuration::new();
    println!("{}", argil_oag::apis::avatars_api::get_avatar(&c, "a").await.is_ok());
    let c = anam_oag::apis::configuration::Configuration::new();
    println!("{}", anam_oag::apis::avatars_api::get_avatar(&c, "a").await.is_ok());
}
"""


def run(cmd, cwd=None):
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def generate_theirs(scratch):
    """openapi-generator's crates, one per vendor, with distinct package names."""
    notes = []
    for vendor in VENDORS:
        out = os.path.join(scratch, f"oag_{vendor}")
        run(generate_command(vendor, out))
        # Known defect of its Rust generator: a oneOf member that is an array of a model becomes
        # the variant name `ArrayVecmodels::X`, which does not parse. Renamed so that the build
        # can be measured at all.
        for folder, _, files in os.walk(os.path.join(out, "src")):
            for name in files:
                path = os.path.join(folder, name)
                text = open(path).read()
                fixed = re.sub(r"ArrayVecmodels::(\w+)\(", r"ArrayVec\1(", text)
                if fixed != text:
                    open(path, "w").write(fixed)
                    notes.append(f"patched `ArrayVecmodels::` variant names in {vendor}: "
                                 f"{os.path.relpath(path, out)}")
    return notes


def consumer(scratch, name, deps, main):
    folder = os.path.join(scratch, name)
    os.makedirs(os.path.join(folder, "src"), exist_ok=True)
    lines = "\n".join(deps)
    with open(os.path.join(folder, "Cargo.toml"), "w") as f:
        f.write(f"""[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
{lines}
tokio = {{ version = "1", features = ["macros", "rt-multi-thread"] }}

[workspace]
""")
    with open(os.path.join(folder, "src", "main.rs"), "w") as f:
        f.write(main)
    run(["cargo", "generate-lockfile", "-q"], cwd=folder)
    run(["cargo", "fetch", "-q"], cwd=folder)
    packages = run(["cargo", "tree", "-e", "normal,build", "--prefix", "none", "--format", "{p}"], cwd=folder)
    count = len({line.split(" (")[0] for line in packages.splitlines() if line.strip()})
    return folder, count


def cold_build(folder):
    target = folder + "-target"
    shutil.rmtree(target, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%U %S", "cargo", "build", "--release", "--offline", "-q",
                           "--target-dir", target], cwd=folder, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed in {folder}\n{proc.stderr[-3000:]}")
    user, system = proc.stderr.strip().splitlines()[-1].split()
    shutil.rmtree(target, ignore_errors=True)
    return wall, float(user) + float(system)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="build in this directory and keep it (default: a temporary one)")
    args = parser.parse_args()
    scratch = args.keep or tempfile.mkdtemp(prefix="bench-consumer-")
    os.makedirs(scratch, exist_ok=True)
    notes = generate_theirs(scratch)

    ours_dep = lambda v, extra="": f'{v}-client = {{ path = "{os.path.join(ROOT, "generated", v)}"{extra} }}'
    theirs_dep = lambda v, extra="": f'{v}_oag = {{ path = "../oag_{v}"{extra} }}'
    native = ', default-features = false, features = ["native-tls"]'
    rustls = ', default-features = false, features = ["rustls-tls"]'
    setups = [
        ("consumer-ours", "ours, default (rustls + ring)", [ours_dep(v) for v in VENDORS], OURS_MAIN),
        ("consumer-ours-native-tls", "ours, native-tls", [ours_dep(v, native) for v in VENDORS], OURS_MAIN),
        ("consumer-theirs", "openapi-generator, default (native-tls)", [theirs_dep(v) for v in VENDORS], THEIRS_MAIN),
        ("consumer-theirs-rustls", "openapi-generator, rustls-tls", [theirs_dep(v, rustls) for v in VENDORS],
         THEIRS_MAIN),
    ]
    consumers = []
    for name, label, deps, main_rs in setups:
        folder, count = consumer(scratch, name, deps, main_rs)
        consumers.append((label, folder, count, [], []))

    for round_ in range(args.runs):
        for label, folder, _, walls, cpus in consumers:
            wall, cpu = cold_build(folder)
            walls.append(wall)
            cpus.append(cpu)
            print(f"round {round_ + 1}: {label}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)

    theirs_wall = statistics.median(consumers[2][3])
    print()
    print("| consumer | packages | median wall s | median CPU s | wall / openapi-generator default |")
    print("|---|---|---|---|---|")
    for label, _, count, walls, cpus in consumers:
        wall = statistics.median(walls)
        print(f"| {label} | {count} | {wall:.1f} | {statistics.median(cpus):.1f} | {wall / theirs_wall:.2f} |")
    for note in notes:
        print(f"\nnote: {note}")
    if not args.keep:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
