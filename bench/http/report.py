#!/usr/bin/env python3
"""Prints one HTTP benchmark's table from the wrk or ab outputs that the bench scripts saved.

Usage: report.py TITLE LABEL=FILE ...

Each FILE starts with a line `# COMMAND` (the load command, wrk or ab) and holds its output; a
file whose first line is `# skipped: REASON` stands for a runtime that was not measured, and a
later `# ...` line is a note from the script (the tool's exit status, a server that died, and
`# server CPU N µs per request`, which becomes the CPU column). LABEL's first word names the
runtime. The table gives requests per second, errors (wrk's socket errors and non-2xx/3xx
answers; ab's failed requests, non-2xx answers and requests never completed), the mean and
99th-percentile latency and the server's CPU per request, then each row's req/s and CPU per
request over Bun's (the first row whose label starts with `bun`): req/s above 1.00x served more
than Bun, CPU below 1.00x cost less. A run with errors on over 1% of its requests gets no ratio
(both tools count failed requests in their requests per second). wrk's `timeout` errors are
answers that took longer than its --timeout (2 s by default): slow, not lost, and left out of
its percentiles.
"""

import re
import sys

# A run with errors on more than this share of its requests gets no ratio.
INVALID_SHARE = 0.01
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
CPU_NOTE = re.compile(r"server CPU ([\d.]+) µs per request$")


def number(pattern, text, default=None):
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else default


def parse_wrk(text):
    rps = number(r"^Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE)
    mean = re.search(r"^\s+Latency\s+([\d.]+)(us|ms|s|m)\s", text, re.MULTILINE)
    errors = {}
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if socket:
        for name, count in zip(("connect", "read", "write", "timeout"), socket.groups()):
            errors[name] = int(count)
    errors["non-2xx/3xx"] = int(number(r"Non-2xx or 3xx responses:\s+(\d+)", text, 0))
    return {
        "rps": rps,
        "requests": number(r"^\s+(\d+) requests in", text, 0),
        "p99": float(p99.group(1)) * UNITS_MS[p99.group(2)] if p99 else None,
        "mean": float(mean.group(1)) * UNITS_MS[mean.group(2)] if mean else None,
        "errors": errors,
    }


def parse_ab(text, command):
    rps = number(r"^Requests per second:\s+([\d.]+)", text)
    requested = number(r"\s-n\s+(\d+)", command)
    complete = number(r"^Complete requests:\s+(\d+)", text)
    if complete is None:  # ab gave up; its last words say how far it came
        complete = number(r"Total of (\d+) requests completed", text, 0)
    errors = {
        "failed": int(number(r"^Failed requests:\s+(\d+)", text, 0)),
        "non-2xx": int(number(r"^Non-2xx responses:\s+(\d+)", text, 0)),
    }
    kinds = re.search(r"\(Connect: (\d+), Receive: (\d+), Length: (\d+), Exceptions: (\d+)\)", text)
    if kinds:
        del errors["failed"]
        for name, count in zip(("connect", "receive", "length", "exceptions"), kinds.groups()):
            errors[name] = int(count)
    if requested is not None:
        errors["not completed"] = int(requested - complete)
    return {
        "rps": rps,
        "requests": requested or complete,
        "p99": number(r"^\s+99%\s+(\d+)\s*$", text),
        "mean": number(r"^Time per request:\s+([\d.]+) \[ms\] \(mean\)$", text),
        "errors": errors,
    }


def read(path):
    """(result or None, notes) of one saved output."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    command = lines[0][2:] if lines and lines[0].startswith("# ") else ""
    if command.startswith("skipped: "):
        return None, [command]
    notes = [line[2:] for line in lines[1:] if line.startswith("# ")]
    cpu = [float(m.group(1)) for m in map(CPU_NOTE.match, notes) if m]
    notes = [note for note in notes if not CPU_NOTE.match(note)]
    text = "\n".join(line for line in lines[1:] if not line.startswith("# "))
    result = parse_wrk(text) if command.startswith("wrk") else parse_ab(text, command)
    result["cpu"] = cpu[0] if cpu else None
    if result["rps"] is None:
        tail = " / ".join(line.strip() for line in lines[-3:] if line.strip())
        notes.append(f"no figures in the output: {tail[:300]}")
        return None, notes
    # A server that fails fast would otherwise look fast.
    result["valid"] = sum(result["errors"].values()) <= INVALID_SHARE * result["requests"]
    if not result["valid"]:
        notes.append(f"errors on over {INVALID_SHARE:.0%} of the requests: "
                     "its req/s (in parentheses) counts them, so no ratio")
    return result, notes


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    title, pairs = sys.argv[1], sys.argv[2:]
    rows = []
    for pair in pairs:
        label, _, path = pair.partition("=")
        rows.append((label, *read(path)))
    bun = next((r for label, r, _ in rows
                if label.split()[0] == "bun" and r and r["valid"]), None)

    def errors(result):
        total = sum(result["errors"].values())
        parts = ", ".join(f"{name} {n}" for name, n in result["errors"].items() if n)
        return f"{total} ({parts})" if total else "0"

    def figure(value, form):
        return form.format(value) if value is not None else "-"

    def ratio(result, key):
        if not (bun and result["valid"] and result[key] and bun[key]):
            return "-"
        return f"{result[key] / bun[key]:.2f}x"

    print(f"\n### {title}\n")
    print("| runtime | req/s | errors | mean ms | p99 ms | CPU µs/req | req/s vs bun | CPU vs bun |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for label, result, _ in rows:
        if result is None:
            print(f"| {label} | - | - | - | - | - | - | - |")
            continue
        rps = f"{result['rps']:.0f}" if result["valid"] else f"({result['rps']:.0f})"
        print(f"| {label} | {rps} | {errors(result)} | {figure(result['mean'], '{:.1f}')} | "
              f"{figure(result['p99'], '{:.1f}')} | {figure(result['cpu'], '{:.1f}')} | "
              f"{ratio(result, 'rps')} | {ratio(result, 'cpu')} |")
    notes = [f"- {label}: {note}" for label, _, notes in rows for note in notes]
    if notes:
        print()
        print("\n".join(notes))


if __name__ == "__main__":
    main()
