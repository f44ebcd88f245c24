#!/usr/bin/env python3
"""Prints a table of ../realms.sh from the outputs it saved.

Usage: report.py p3 TITLE BASELINE LABEL=FILE ...
       report.py offload TITLE BASELINE LABEL=FILE ...

A FILE whose first line is `# skipped: REASON` stands for a runtime that was not measured.

p3: each FILE starts with `# COMMAND` (wrk) and holds wrk's output, then realms.sh's notes as
`# ...` lines: `# cpu seconds: server S machine M wall W` (the CPU time the server's processes
and all cores used during the load, and its length), the tool's exit status, a server that died.
The table gives requests per second, wrk's median and 99th-percentile latency, errors (socket
errors and non-2xx/3xx answers; a `timeout` is an answer slower than wrk's --timeout, left out of
its percentiles), the server's CPU use in % of one core and its CPU milliseconds per request, the
CPU everything else used meanwhile in % of one core (wrk itself included, and on a shared machine
whatever else ran: the cores the server could not have), and req/s over BASELINE's. A run with
errors on over 1% of its requests gets no ratio (wrk counts failed requests in its req/s).

offload: each FILE holds the program's output, whose last line is roundtrip.js's JSON. The table
gives the mean, median, p99 and max of a round trip in microseconds, the calls per second of the
timed loop, and the mean as a ratio to BASELINE's: below 1.00x the round trip is faster.
"""

import json
import re
import sys

INVALID_SHARE = 0.01
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def read(path):
    """(command, output text, notes) of one saved output; command is None for a skipped run."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    if lines and lines[0].startswith("# skipped: "):
        return None, "", [lines[0][2:]]
    command = lines[0][2:] if lines and lines[0].startswith("# ") else ""
    body = lines[1:] if command else lines
    notes = [line[2:] for line in body if line.startswith("# ")]
    text = "\n".join(line for line in body if not line.startswith("# "))
    return command, text, notes


def number(pattern, text, default=None):
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else default


def latency_ms(percent, text):
    match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE)
    return float(match.group(1)) * UNITS_MS[match.group(2)] if match else None


def parse_wrk(text, notes):
    result = {
        "rps": number(r"^Requests/sec:\s+([\d.]+)", text),
        "requests": number(r"^\s+(\d+) requests in", text, 0),
        "p50": latency_ms(50, text),
        "p99": latency_ms(99, text),
        "errors": {},
        "cpu": None,
    }
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       text)
    if socket:
        for name, count in zip(("connect", "read", "write", "timeout"), socket.groups()):
            result["errors"][name] = int(count)
    result["errors"]["non-2xx/3xx"] = int(number(r"Non-2xx or 3xx responses:\s+(\d+)", text, 0))
    for note in list(notes):
        cpu = re.match(r"cpu seconds: server ([\d.]+) machine ([\d.]+) wall ([\d.]+)", note)
        if cpu:
            result["cpu"] = tuple(float(cpu.group(i)) for i in (1, 2, 3))
            notes.remove(note)
    return result


def p3(title, baseline, rows):
    results = []
    for label, path in rows:
        command, text, notes = read(path)
        result = parse_wrk(text, notes) if command else None
        if result and result["rps"] is None:
            tail = " / ".join(line.strip() for line in text.splitlines()[-3:] if line.strip())
            notes.append(f"no figures in wrk's output: {tail[:300]}")
            result = None
        if result:
            errors = sum(result["errors"].values())
            result["valid"] = errors <= INVALID_SHARE * max(result["requests"], 1)
            if not result["valid"]:
                notes.append(f"errors on over {INVALID_SHARE:.0%} of the requests: "
                             "its req/s (in parentheses) counts them, so no ratio")
        results.append((label, result, notes))
    base = next((r for label, r, _ in results if label == baseline and r and r["valid"]), None)

    def ms(value):
        return f"{value:.0f}" if value is not None else "-"

    def errors(result):
        total = sum(result["errors"].values())
        parts = ", ".join(f"{name} {n}" for name, n in result["errors"].items() if n)
        return f"{total} ({parts})" if total else "0"

    print(f"\n### {title}\n")
    print(f"| runtime | req/s | p50 ms | p99 ms | errors | server CPU % | CPU ms/req "
          f"| others' CPU % | req/s vs {baseline} |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for label, r, _ in results:
        if r is None:
            print(f"| {label} | - | - | - | - | - | - | - | - |")
            continue
        rps = f"{r['rps']:.1f}" if r["valid"] else f"({r['rps']:.1f})"
        cpu_share = cpu_per_request = other_share = "-"
        if r["cpu"]:
            cpu, machine, wall = r["cpu"]
            cpu_share = f"{100 * cpu / wall:.0f}"
            other_share = f"{100 * max(machine - cpu, 0) / wall:.0f}"
            if r["requests"]:
                cpu_per_request = f"{1000 * cpu / r['requests']:.1f}"
        ratio = f"{r['rps'] / base['rps']:.2f}x" if base and r["valid"] else "-"
        print(f"| {label} | {rps} | {ms(r['p50'])} | {ms(r['p99'])} | {errors(r)} "
              f"| {cpu_share} | {cpu_per_request} | {other_share} | {ratio} |")
    notes = [f"- {label}: {note}" for label, _, notes in results for note in notes]
    if notes:
        print("\n" + "\n".join(notes))


def offload(title, baseline, rows):
    results = []
    for label, path in rows:
        command, text, notes = read(path)
        result = None
        lines = [line for line in text.splitlines() if line.strip()]
        if lines:
            try:
                result = json.loads(lines[-1])
            except json.JSONDecodeError:
                notes.append(f"no JSON result: {lines[-1][:200]}")
        elif not notes:
            notes.append("printed nothing")
        results.append((label, result, notes))
    base = next((r for label, r, _ in results if label == baseline and r), None)

    print(f"\n### {title}\n")
    print(f"| runtime | mean µs | p50 µs | p99 µs | max µs | calls/s | mean vs {baseline} |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for label, r, _ in results:
        if r is None:
            print(f"| {label} | - | - | - | - | - | - |")
            continue
        ratio = f"{r['mean_us'] / base['mean_us']:.2f}x" if base else "-"
        print(f"| {label} | {r['mean_us']:.1f} | {r['p50_us']:.1f} | {r['p99_us']:.1f} "
              f"| {r['max_us']:.0f} | {r['per_second']} | {ratio} |")
    notes = [f"- {label}: {note}" for label, _, notes in results for note in notes]
    if notes:
        print("\n" + "\n".join(notes))


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in ("p3", "offload"):
        sys.exit(__doc__)
    kind, title, baseline = sys.argv[1:4]
    rows = [pair.partition("=")[::2] for pair in sys.argv[4:]]
    (p3 if kind == "p3" else offload)(title, baseline, rows)


if __name__ == "__main__":
    main()
