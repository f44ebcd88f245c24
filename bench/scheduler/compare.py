#!/usr/bin/env python3
"""Runs one workload in several runtimes and prints wall time and peak RSS, checking every run.

Usage: compare.py [--runs N] [--warmup N] [--timeout S] --expect TEXT -- LABEL CMD ARG... -- ...

Like ../measure.py (whose group parsing and summary it reuses), but every run's standard output,
warm-ups and timed runs alike, must be TEXT: a run that prints something else, exits non-zero or
outlives the timeout is reported on stderr and left out of the figures, never timed. A runtime
whose warm-up fails is skipped. Runtimes take turns run by run. The table shows the median time,
the median peak RSS (`<= floor` under this process's own RSS, see ../measure.py), and the median
time as a ratio to nexus's and to bun's.
"""

import argparse
import os
import resource
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import measure  # noqa: E402  (../measure.py)


def run_once(argv, timeout):
    """Returns (wall ms, peak RSS MiB, stdout, stderr, what went wrong or None) of one process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                                            (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        killed = []

        def kill(*_):
            killed.append(pid)
            os.kill(pid, signal.SIGKILL)

        signal.signal(signal.SIGALRM, kill)
        signal.alarm(timeout)
        _, status, usage = os.wait4(pid, 0)
        signal.alarm(0)
        wall_ms = (time.perf_counter() - start) * 1000
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace").strip()
        stderr = err.read().decode(errors="replace").strip()
    code = os.waitstatus_to_exitcode(status)
    problem = f"killed after {timeout} s" if killed else f"exit {code}" if code else None
    return wall_ms, usage.ru_maxrss / 1024, stdout, stderr, problem


def main():
    argv = sys.argv[1:]
    cut = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--expect", required=True)
    args = parser.parse_args(argv[:cut])

    def attempt(label, command):
        wall_ms, rss, stdout, stderr, problem = run_once(command, args.timeout)
        if problem is None and stdout != args.expect:
            problem = f"printed {stdout[:80]!r}, expected {args.expect!r}"
        if problem:
            print(f"{label}: run failed, not timed: {problem}: {stderr[-300:]}", file=sys.stderr)
            return None
        return wall_ms, rss

    runtimes = []
    for label, *command in measure.groups(argv[cut:]):
        try:
            if all(attempt(label, command) for _ in range(args.warmup)):
                runtimes.append((label, command))
                continue
        except OSError as error:
            print(f"{label}: {error}", file=sys.stderr)
        print(f"skipping {label}", file=sys.stderr)
    if not runtimes:
        sys.exit("no runtime left to measure")
    samples = {label: [] for label, _ in runtimes}
    failed = {label: 0 for label, _ in runtimes}
    for _ in range(args.runs):
        for label, command in runtimes:
            sample = attempt(label, command)
            if sample:
                samples[label].append(sample)
            else:
                failed[label] += 1
    results = [(label, measure.summary(samples[label])) for label, _ in runtimes if samples[label]]
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def ratio(result, name):
        base = next((r for label, r in results if label.split()[0] == name), None)
        return f"{result['median'] / base['median']:.2f}x" if base else "-"

    print("| runtime | median ms | peak RSS MiB | time vs nexus | time vs bun |")
    print("|---|--:|--:|--:|--:|")
    for label, r in results:
        rss = f"{r['rss']:.1f}" if r["rss"] > floor else f"<= {floor:.1f}"
        print(f"| {label} | {r['median']:.1f} | {rss} | {ratio(r, 'nexus')} | {ratio(r, 'bun')} |")
    for label, count in failed.items():
        if count:
            print(f"\n{label}: {count} of {args.runs} runs failed and are left out.")


if __name__ == "__main__":
    main()
