//! The globals users expect from Node, Bun and Deno: console formatting compared with Node's own
//! output (recorded in fixtures/globals/node-output by fixtures/globals/record-node.sh); WPT-style
//! checks of URL (the WPT parsing and setter data), encoding, structuredClone, base64, crypto,
//! performance and AbortController; and `types/nexus.d.ts` checked by tsc over the examples.

mod common;

use common::{files_under, fixture, nexus_fixture, run_command, tool, wpt_passed};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Compares `actual` line by line with Node's output for the same fixture, recorded in
/// fixtures/globals/node-output/`recording`.
fn assert_like_node(recording: &str, actual: &str) {
    let path = fixture("globals/node-output").join(recording);
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let expected: Vec<_> = expected.lines().collect();
    let actual: Vec<_> = actual.lines().collect();
    for (i, (e, a)) in expected.iter().zip(&actual).enumerate() {
        assert_eq!(a, e, "line {} differs from Node's in {path:?}", i + 1);
    }
    assert_eq!(
        actual.len(),
        expected.len(),
        "line count differs from Node's in {path:?}"
    );
}

/// A WPT-style fixture prints `FAIL …` per failed case and a `passed N failed M` summary.
fn assert_passes(path: &str, at_least: usize) {
    let run = nexus_fixture(path, &[]);
    let passed = wpt_passed(path, &run);
    let summary = run.stdout.lines().last().unwrap_or_default();
    assert!(summary.ends_with(" failed 0"), "{path}:\n{}", run.stdout);
    assert!(passed >= at_least, "{path}: only {passed} cases ran");
}

#[test]
fn console_log_matches_node_util_inspect() {
    let run = nexus_fixture("globals/inspect_table.mjs", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_like_node("inspect_table.stdout.txt", &run.stdout);
}

#[test]
fn console_methods_match_node() {
    let run = nexus_fixture("globals/console_methods.mjs", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_like_node("console_methods.stdout.txt", &run.stdout);
    assert_like_node("console_methods.stderr.txt", &run.stderr);
}

#[test]
fn errors_traces_and_timers_have_nodes_shape() {
    let run = nexus_fixture("globals/console_engine.mjs", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out: Vec<_> = run.stdout.lines().collect();
    assert_eq!(out[0], "Error: boom");
    assert!(out[1].starts_with("    at thrower ("), "{}", run.stdout);
    assert!(
        out[1].ends_with("console_engine.mjs:4:19)"),
        "{}",
        run.stdout
    );
    let nested = out
        .iter()
        .position(|l| *l == "  nested: Error: boom")
        .unwrap();
    assert!(out[nested + 1].starts_with("      at thrower ("));
    let cause = out
        .iter()
        .position(|l| *l == "TypeError: with cause")
        .unwrap();
    assert!(out[cause + 1].starts_with("    at ") && out[cause + 1].ends_with(" {"));
    assert_eq!(out[cause + 2], "  [cause]: 'the cause'");
    let timing = |line: &str, label: &str, unit: &str| {
        let rest = line.strip_prefix(label).unwrap_or_else(|| panic!("{line}"));
        let number = rest.split(unit).next().unwrap();
        assert!(number.parse::<f64>().is_ok(), "{line}");
    };
    let log = out.iter().position(|l| l.starts_with("default: ")).unwrap();
    timing(out[log], "default: ", "ms");
    assert!(out[log].ends_with("ms extra { n: 1 }"), "{}", out[log]);
    timing(out[log + 1], "default: ", "ms");
    timing(out[log + 2], "slow: ", "s");
    assert_eq!(out[log + 3], "{ printed: [ 1, 2 ] }");
    assert_eq!(out[log + 4], "{ a: [Object] }");
    let err: Vec<_> = run.stderr.lines().collect();
    assert_eq!(err[0], "Trace: traced 1");
    assert!(err[1].starts_with("    at ") && err[1].contains("console_engine.mjs:9:"));
    assert_eq!(
        err.last().unwrap(),
        &"Warning: No such label 'missing' for console.timeEnd()"
    );
    // Not a terminal: no colors.
    assert!(!run.stdout.contains('\u{1b}') && !run.stderr.contains('\u{1b}'));
}

#[test]
fn url_parsing_passes_the_wpt_cases() {
    assert_passes("globals/url.mjs", 1000);
}

#[test]
fn encoding_clone_base64_crypto_performance_abort() {
    assert_passes("globals/web.mjs", 18);
}

/// tsc from npm, installed once into cargo's per-target temporary directory; run it with node.
fn tsc() -> &'static Path {
    static TSC: OnceLock<PathBuf> = OnceLock::new();
    TSC.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("typescript");
        let tsc = dir.join("node_modules/typescript/bin/tsc");
        if !tsc.exists() {
            std::fs::create_dir_all(&dir).unwrap();
            let run = run_command(
                tool("npm")
                    .args(["install", "--no-audit", "--no-fund", "--prefix"])
                    .arg(&dir)
                    .arg("typescript@5")
                    .env_remove("NODE_OPTIONS"),
            );
            assert_eq!(
                run.code, 0,
                "npm install typescript failed:\n{}",
                run.stderr
            );
        }
        tsc
    })
}

#[test]
fn typescript_declarations_check_the_examples() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<String> = files_under(&examples)
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "js"))
        .map(|path| examples.join(path).display().to_string())
        .collect();
    assert!(files.len() >= 5, "examples: {files:?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    files.push(root.join("types/nexus.d.ts").display().to_string());
    files.push(fixture("globals/types_usage.ts").display().to_string());
    let quoted: Vec<String> = files.iter().map(|f| format!("{f:?}")).collect();
    // Every example is a module (top-level await, import.meta); "dom" is left out because
    // nexus.d.ts declares the web globals Nexus has, and only those.
    let config = format!(
        r#"{{
  "compilerOptions": {{
    "allowJs": true, "checkJs": true, "noEmit": true, "module": "esnext", "target": "esnext",
    "moduleDetection": "force", "lib": ["esnext"], "types": []
  }},
  "files": [{}]
}}"#,
        quoted.join(", ")
    );
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tsc-examples");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tsconfig.json"), config).unwrap();
    let run = run_command(
        tool("node")
            .arg(tsc())
            .arg("-p")
            .arg(dir.join("tsconfig.json"))
            .env_remove("NODE_OPTIONS"),
    );
    assert_eq!(run.code, 0, "tsc failed:\n{}{}", run.stdout, run.stderr);
}

/// nexus run on `script` under a pseudo-terminal by util-linux `script`, with stdout and stderr
/// both on the terminal (so they arrive merged, with CRLF line ends), as record-node.sh runs node.
fn on_terminal(script: &Path, no_color: bool) -> String {
    let mut command = tool("script");
    command
        .arg("-qec")
        .arg(format!(
            "{} {}",
            env!("CARGO_BIN_EXE_nexus"),
            script.display()
        ))
        .arg("/dev/null")
        // The clean environment node was recorded in: it also reads CI, TMUX, COLORTERM and more.
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm");
    if no_color {
        command.env("NO_COLOR", "1");
    }
    let run = run_command(&mut command);
    assert_eq!(run.code, 0, "nexus under script:\n{}", run.stderr);
    run.stdout
}

#[test]
fn colors_on_a_terminal_match_node_and_respect_no_color() {
    let script = fixture("globals/colors.mjs");
    let colored = on_terminal(&script, false);
    assert!(colored.contains("\u{1b}[33m1\u{1b}[39m"), "{colored:?}");
    assert_like_node("colors.terminal.txt", &colored);
    let plain = on_terminal(&script, true);
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
    assert_like_node("colors.no-color.txt", &plain);
}

#[test]
fn a_pending_abort_timeout_does_not_keep_the_process_alive() {
    let started = std::time::Instant::now();
    let run = nexus_fixture("globals/abort_timeout_exit.js", &[]);
    assert_eq!(run.stdout, "short: TimeoutError\nlast timer\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn globals_are_made_on_first_read_and_can_be_replaced_before() {
    let run = nexus_fixture("globals/lazy.mjs", &[]);
    assert_eq!(
        run.stdout,
        "Scheduler,EventEmitter,IO,FileSystem,Net,env,exit,pid,ppid,cwd,platform,arch,versions,\
         uptime,memoryUsage,Signals,version,script,Realm,exitCode,argv\n0\n42 true\n\
         function TCP,TLS,HTTP,UDP,UDPSocket\nfunction function\n"
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}
