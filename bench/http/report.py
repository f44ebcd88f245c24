#!/usr/bin/env python3
"""Prints one HTTP benchmark's table from the wrk or ab outputs that ../http.sh saved.

Usage: report.py TITLE LABEL=FILE ...

Each FILE starts with a line `# COMMAND` (the load command, wrk or ab) and holds its output; a
file whose first line is `# skipped: REASON` stands for a runtime that was not measured, and a
later `# ...` line is a note from http.sh (the tool's exit status, a server that died). LABEL's
first word names the runtime. The table gives requests per second, errors (wrk's socket errors
and non-2xx/3xx answers; ab's failed requests, non-2xx answers and requests never completed) and
the 99th-percentile latency, then nexus's requests per second over each runtime's: above 1.00x
nexus served more. A run with errors on over 1% of its requests gets no ratio (both tools count
failed requests in their requests per second). wrk's `timeout` errors are answers that took
longer than its --timeout (2 s by default): slow, not lost, and left out of its percentiles.
"""

import re
import sys

# A run with errors on more than this share of its requests gets no ratio.
INVALID_SHARE = 0.01
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def number(pattern, text, default=None):
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else default


def parse_wrk(text):
    rps = number(r"^Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE)
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
    text = "\n".join(line for line in lines[1:] if not line.startswith("# "))
    result = parse_wrk(text) if command.startswith("wrk") else parse_ab(text, command)
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
    nexus = next((r for label, r, _ in rows
                  if label.split()[0] == "nexus" and r and r["valid"]), None)

    def errors(result):
        total = sum(result["errors"].values())
        parts = ", ".join(f"{name} {n}" for name, n in result["errors"].items() if n)
        return f"{total} ({parts})" if total else "0"

    print(f"\n### {title}\n")
    print("| runtime | req/s | errors | p99 ms | nexus / this |")
    print("|---|--:|--:|--:|--:|")
    for label, result, _ in rows:
        if result is None:
            print(f"| {label} | - | - | - | - |")
            continue
        p99 = f"{result['p99']:.1f}" if result["p99"] is not None else "-"
        rps = f"{result['rps']:.0f}" if result["valid"] else f"({result['rps']:.0f})"
        ratio = "-"
        if nexus and result["valid"] and result["rps"]:
            ratio = f"{nexus['rps'] / result['rps']:.2f}x"
        print(f"| {label} | {rps} | {errors(result)} | {p99} | {ratio} |")
    notes = [f"- {label.split()[0]}: {note}" for label, _, notes in rows for note in notes]
    if notes:
        print()
        print("\n".join(notes))


if __name__ == "__main__":
    main()
