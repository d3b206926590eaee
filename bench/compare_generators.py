#!/usr/bin/env python3
"""Times `xtask gen` (release build, full regeneration into a scratch directory) against
openapi-generator's Rust generator on the same effective specs, side by side in one run.

Each command runs N times (default 5); the table gives median wall time, median peak RSS and
the ratio. Needs `pip install openapi-generator-cli` (it bundles the jar; Java 17 runs it) and
`cargo build --release -p xtask`.

    python3 bench/compare_generators.py [--runs 5]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

from openapi_generator import ROOT, VENDORS, generate_command


def measure(cmd, runs, before=None):
    walls, rss = [], []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        # GNU time reports the peak RSS of the whole process tree's largest process.
        proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
        rss.append(int(proc.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(walls), statistics.median(rss)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    xtask = os.path.join(ROOT, "target", "release", "xtask")
    scratch = tempfile.mkdtemp(prefix="bench-gen-")
    rows = []

    # Ours: all three vendors in one run, from a clean output directory each time (no lock).
    ours_out = os.path.join(scratch, "ours")
    ours = measure([xtask, "gen", "--specs", os.path.join(ROOT, "specs"), "--out", ours_out], args.runs,
                   before=lambda: shutil.rmtree(ours_out, ignore_errors=True))

    # openapi-generator: one invocation per vendor (it takes one document), summed.
    theirs_wall, theirs_rss = 0.0, 0.0
    for vendor in VENDORS:
        out = os.path.join(scratch, "oag", vendor)
        wall, rss = measure(generate_command(vendor, out), args.runs,
                            before=lambda out=out: shutil.rmtree(out, ignore_errors=True))
        rows.append((f"openapi-generator, {vendor}", wall, rss))
        theirs_wall += wall
        theirs_rss = max(theirs_rss, rss)

    print(f"| command | median wall s | median peak RSS MiB |")
    print(f"|---|---|---|")
    print(f"| xtask gen, akool+argil+anam | {ours[0]:.3f} | {ours[1]:.0f} |")
    for name, wall, rss in rows:
        print(f"| {name} | {wall:.3f} | {rss:.0f} |")
    print(f"| openapi-generator, all three | {theirs_wall:.3f} | {theirs_rss:.0f} |")
    print()
    print(f"ratio (ours / openapi-generator): {ours[0] / theirs_wall:.3f} (1/{theirs_wall / ours[0]:.0f})")
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
