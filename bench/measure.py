#!/usr/bin/env python3
"""Measures start-up: wall time and peak RSS of a fresh process per run, for several runtimes.

Usage: measure.py [--runs N] [--warmup N] [--expect TEXT] [--baseline NAME] -- LABEL CMD ARG... -- ...

Each group after `--` is a label (its first word names the runtime) and a command. Each runtime
runs WARMUP times untimed, where its standard output must be TEXT (else it is skipped), then the
runtimes take turns for RUNS timed runs each, output discarded. Prints a Markdown table; ratios
are against the runtime named by --baseline.

Peak RSS is each run's own ru_maxrss, which os.wait4 reports per child (getrusage(RUSAGE_CHILDREN)
would give the maximum over all children so far); the table shows the median over the runs.
A spawned child starts in this process's memory until it execs, and the kernel keeps that in its
ru_maxrss: a child never reports less than this process's own peak RSS (about 15 MiB). A runtime
that stays under it is shown as `<= floor`, never as a wrong figure.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time


def run_once(argv):
    """Returns (wall ms, peak RSS MiB) of one fresh process whose output goes to /dev/null."""
    start = time.perf_counter()
    pid = os.posix_spawnp(
        argv[0],
        argv,
        os.environ,
        file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)],
    )
    _, status, usage = os.wait4(pid, 0)
    wall_ms = (time.perf_counter() - start) * 1000
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"exited with {os.waitstatus_to_exitcode(status)}")
    return wall_ms, usage.ru_maxrss / 1024  # Linux reports ru_maxrss in KiB


def warm_up(argv, warmup, expect):
    for _ in range(warmup):
        out = subprocess.run(argv, capture_output=True, text=True, check=False)
        if out.returncode != 0 or out.stdout.strip() != expect:
            raise RuntimeError(
                f"warm-up printed {out.stdout.strip()!r} (exit {out.returncode}), "
                f"expected {expect!r}: {out.stderr.strip()[:200]}"
            )


def summary(samples):
    times = [t for t, _ in samples]
    return {
        "median": statistics.median(times),
        "mean": statistics.fmean(times),
        "rss": statistics.median(r for _, r in samples),
    }


def groups(argv):
    group = []
    for arg in argv:
        if arg == "--":
            if group:
                yield group
            group = []
        else:
            group.append(arg)
    if group:
        yield group


def main():
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)  # options come before the first `--`
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--expect", default="hello world")
    parser.add_argument("--baseline", default="bun")
    args = parser.parse_args(argv[:cut])

    runtimes = []
    for label, *command in groups(argv[cut:]):
        try:
            warm_up(command, args.warmup, args.expect)
            runtimes.append((label, command))
        except (OSError, RuntimeError) as error:
            print(f"skipping {label}: {error}", file=sys.stderr)
    if not runtimes:
        sys.exit("no runtime left to measure")
    print(f"measuring {', '.join(label for label, _ in runtimes)}: "
          f"{args.warmup} warm-ups, {args.runs} runs each", file=sys.stderr)
    # Round-robin, so that a change in the machine's load falls on every runtime alike.
    samples = {label: [] for label, _ in runtimes}
    for _ in range(args.runs):
        for label, command in runtimes:
            try:
                samples[label].append(run_once(command))
            except RuntimeError as error:
                sys.exit(f"{label} failed during the timed runs: {error}")
    results = [(label, summary(samples[label])) for label, _ in runtimes]
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    base = next((r for label, r in results if label.split()[0] == args.baseline), None)

    def ratio(result, key):
        if not base or (key == "rss" and min(result[key], base[key]) <= floor):
            return "-"
        return f"{result[key] / base[key]:.2f}x"

    def rss(result):
        return f"{result['rss']:.1f}" if result["rss"] > floor else f"<= {floor:.1f}"

    print(f"| runtime | median ms | mean ms | peak RSS MiB | time vs {args.baseline} "
          f"| RSS vs {args.baseline} |")
    print("|---|--:|--:|--:|--:|--:|")
    for label, r in results:
        print(f"| {label} | {r['median']:.1f} | {r['mean']:.1f} | {rss(r)} "
              f"| {ratio(r, 'median')} | {ratio(r, 'rss')} |")


if __name__ == "__main__":
    main()
