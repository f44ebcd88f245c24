#!/usr/bin/env python3
"""Runs the fetch benchmark's client (client.js) in several runtimes, in turns, and prints a table.

Usage: run.py URL SEQUENTIAL TOTAL CONCURRENCY ROUNDS -- LABEL CMD ARG... -- ...

Each group after `--` is a label (its first word names the runtime) and the command that runs
client.js; URL and the counts are appended. One untimed run each first (a runtime whose client
fails or prints no JSON is skipped with its error), then ROUNDS rounds in which every runtime runs
once, so a change in the machine's load falls on all alike. Per runtime the table gives the
median sequential and concurrent requests per second and the client's CPU time (user + system,
from wait4) per request over both phases; the ratios are nexus's rate over each runtime's (above
1.00x nexus is faster) and each runtime's CPU per request over nexus's.
"""

import json
import os
import statistics
import subprocess
import sys


def run_once(argv):
    """Returns (parsed JSON line, CPU seconds) of one run, or raises with its error output."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    out, err = process.stdout.read().decode(), process.stderr.read().decode()
    if process.returncode != 0 or not out.strip():
        raise RuntimeError(f"exit {process.returncode}: {(err or out).strip()[-300:]}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_utime + usage.ru_stime


def main():
    split = [i for i, a in enumerate(sys.argv) if a == "--"]
    url, sequential, total, concurrency, rounds = sys.argv[1:split[0]]
    counts = [sequential, total, concurrency]
    rounds = int(rounds)
    groups = []
    for start, end in zip(split, split[1:] + [len(sys.argv)]):
        label, *command = sys.argv[start + 1:end]
        groups.append((label, command + [url] + counts))
    results, skipped = {}, {}
    for label, argv in groups:
        try:
            run_once(argv)
            results[label] = []
        except (RuntimeError, ValueError) as error:
            skipped[label] = str(error)
    for _ in range(rounds):
        for label, argv in groups:
            if label in results:
                results[label].append(run_once(argv))
    requests = int(sequential) + int(total)
    rows = {}
    for label, runs in results.items():
        rows[label] = (
            statistics.median(int(sequential) / r["sequential_s"] for r, _ in runs),
            statistics.median(int(total) / r["concurrent_s"] for r, _ in runs),
            statistics.median(cpu / requests * 1e6 for _, cpu in runs),
        )
    nexus = next((v for k, v in rows.items() if k.split()[0] == "nexus"), None)
    print(f"| runtime | sequential req/s | {concurrency} concurrent req/s | client CPU µs/req"
          " | nexus rate vs (seq / conc) | CPU vs nexus |")
    print("|---|--:|--:|--:|--:|--:|")
    for label, (seq, conc, cpu) in rows.items():
        ratio = f"{nexus[0] / seq:.2f}x / {nexus[1] / conc:.2f}x" if nexus else "-"
        cpu_ratio = f"{cpu / nexus[2]:.2f}x" if nexus else "-"
        print(f"| {label} | {seq:.0f} | {conc:.0f} | {cpu:.1f} | {ratio} | {cpu_ratio} |")
    for label, reason in skipped.items():
        print(f"| {label} | skipped: {' '.join(reason.split())} | | | | |")


if __name__ == "__main__":
    main()
