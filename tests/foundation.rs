//! The foundation: the CLI, ES module semantics, and the error cases of a runtime that runs one
//! module. Every test runs the built binary on a real program.

mod common;

use common::{example, fixture, nexus, nexus_fixture, tool};

#[test]
fn module_graph_follows_the_language() {
    let run = nexus_fixture("modules/main.js", &[]);
    let dir = fixture("modules");
    let expected = format!(
        "evaluating cycle_b\nevaluating cycle_a\ntla_dep starts\ntla_dep done\n\
         count before 0\ncount after 1\na+b sees A\nanswer 42\n\
         lazy evaluated\nlazy lazy value true\nurl matches filename true\n\
         filename {}\ndirname {}\ntop-level await done\n",
        dir.join("main.js").display(),
        dir.display()
    );
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout, expected);
    assert_eq!(run.code, 0);
}

#[test]
fn nexus_global_describes_the_program() {
    let run = nexus_fixture("modules/argv.js", &["a", "-b", "--c=d"]);
    let script = fixture("modules/argv.js");
    assert_eq!(
        run.stdout,
        format!(
            "{{\"script\":\"{}\",\"argv\":[\"a\",\"-b\",\"--c=d\"],\"version\":\"string\"}}\n",
            script.display()
        )
    );
    assert_eq!(run.code, 0);
}

#[test]
fn relative_entry_path_is_made_absolute() {
    let dir = fixture("modules");
    let run = common::run_in(&dir, &["argv.js"]);
    assert!(
        run.stdout
            .contains(&format!("\"script\":\"{}\"", dir.join("argv.js").display())),
        "{}",
        run.stdout
    );
}

#[test]
fn syntax_error_names_file_line_and_column() {
    let run = nexus_fixture("errors/syntax.js", &[]);
    let file = fixture("errors/syntax.js");
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("SyntaxError"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("    at {}:2:16\n", file.display())),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("error:").count(),
        1,
        "reported once: {}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn uncaught_exception_prints_its_stack() {
    let run = nexus_fixture("errors/throws.js", &[]);
    let file = fixture("errors/throws.js").display().to_string();
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "before\n");
    assert!(
        run.stderr.starts_with("error: Error: boom\n"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("error:").count(),
        1,
        "reported once: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("    at fail ({file}:3:")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!("    at {file}:5:")),
        "{}",
        run.stderr
    );
}

#[test]
fn uncaught_and_logged_errors_print_native_frames_alike() {
    let run = nexus_fixture("errors/native_frames.js", &[]);
    let file = fixture("errors/native_frames.js").display().to_string();
    assert_eq!(run.code, 1);
    let logged: Vec<&str> = run.stdout.lines().collect();
    let uncaught: Vec<&str> = run.stderr.lines().collect();
    let starts = [
        "Error: through builtins".to_string(),
        format!("    at fail ({file}:4:"),
        "    at map (<anonymous>)".into(),
        "    at <anonymous>".into(),
        format!("    at {file}:8:"),
    ];
    assert_eq!(logged.len(), starts.len(), "{}", run.stdout);
    for (line, start) in logged.iter().zip(&starts) {
        assert!(line.starts_with(start.as_str()), "{}", run.stdout);
    }
    assert_eq!(
        uncaught[0], "error: Error: through builtins",
        "{}",
        run.stderr
    );
    assert_eq!(uncaught[1..], logged[1..], "{}", run.stderr);
}

#[test]
fn exception_in_an_imported_module_names_that_module() {
    let run = nexus_fixture("errors/throws_in_import.js", &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!(
            "at fail ({}:3:",
            fixture("errors/throws.js").display()
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_module_names_specifier_and_importer() {
    let run = nexus_fixture("errors/missing_import.js", &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(&format!(
            "Cannot find module './nope.js' imported from {}",
            fixture("errors/missing_import.js").display()
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_dynamic_import_rejects_and_can_be_caught() {
    let run = nexus_fixture("errors/missing_dynamic.js", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "caught: Cannot find module './also-nope.js' imported from {}\n",
            fixture("errors/missing_dynamic.js").display()
        )
    );
}

#[test]
fn missing_entry_is_a_clear_error() {
    let run = nexus(&["/nonexistent/dir/app.js"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "error: Cannot find module '/nonexistent/dir/app.js'\n"
    );
}

#[test]
fn require_says_to_use_import() {
    let run = nexus_fixture("errors/require.js", &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("ES modules only"), "{}", run.stderr);
    assert!(
        run.stderr.contains("import x from './x.js'"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("{}:1:", fixture("errors/require.js").display())),
        "{}",
        run.stderr
    );
}

#[test]
fn module_exports_says_to_use_export() {
    let run = nexus_fixture("errors/module_exports.js", &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("ES modules only"), "{}", run.stderr);
    assert!(run.stderr.contains("export default"), "{}", run.stderr);
}

#[test]
fn unhandled_rejection_is_reported_and_fails_the_run() {
    let run = nexus_fixture("errors/unhandled.js", &[]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "late handler ran\n");
    assert!(
        run.stderr
            .contains("Uncaught (in promise) Error: nobody listens"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("handled in time"), "{}", run.stderr);
}

#[test]
fn bare_specifier_is_refused_clearly() {
    let run = nexus_fixture("errors/bare.js", &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("Cannot load 'preact' imported from"),
        "{}",
        run.stderr
    );
}

#[test]
fn top_level_await_that_never_settles_exits_13() {
    let run = nexus_fixture("errors/tla_never.js", &[]);
    assert_eq!(run.code, 13);
    assert!(run.stderr.contains("never settled"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(nexus(&[]).code, 2);
    assert_eq!(nexus(&["--concurrency", "0", "x.js"]).code, 2);
    assert_eq!(nexus(&["--no-such-flag", "x.js"]).code, 2);
    let version = nexus(&["--version"]);
    let pin = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/vendor/javascriptcore-sys/webkit.toml"
    ))
    .unwrap();
    let webkit = pin
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("webkit.toml names its version");
    assert_eq!(
        (version.code, version.stdout),
        (
            0,
            format!(
                "nexus {} (JavaScriptCore of WebKitGTK {webkit})\n",
                env!("CARGO_PKG_VERSION")
            )
        )
    );
    let help = nexus(&["--help"]);
    assert_eq!(help.code, 0);
    assert!(help.stdout.contains("--concurrency <N>"), "{}", help.stdout);
}

#[test]
fn hello_example_runs() {
    let run = nexus(&[&example("hello.js")]);
    assert_eq!(
        run.stdout,
        format!("Hello from Nexus {}!\n", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(run.code, 0);
}

#[test]
fn engine_and_icu_are_linked_statically() {
    let out = tool("ldd")
        .arg(env!("CARGO_BIN_EXE_nexus"))
        .output()
        .expect("ldd runs");
    let libs = String::from_utf8_lossy(&out.stdout).to_lowercase();
    for forbidden in ["javascriptcore", "webkit", "libicu", "libjsc"] {
        assert!(
            !libs.contains(forbidden),
            "nexus links {forbidden} dynamically:\n{libs}"
        );
    }
    assert!(libs.contains("libc.so"), "{libs}");
}

#[test]
fn jit_and_webassembly_work() {
    let run = nexus_fixture("modules/engine.js", &[]);
    assert_eq!(run.stdout, "wasm add 5\nloop 499999500000\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// FTL code that takes both arms of a diamond (2.50.6 needed an engine patch for its layout);
/// the sums are Node's for the same program.
#[test]
fn optimized_code_takes_both_arms_of_a_diamond() {
    let run = nexus_fixture("modules/engine_diamond.js", &[]);
    run.assert_clean("8-bit afc41e08 16-bit 77e24058\n");
}

#[test]
fn instantiating_a_compiled_webassembly_module_settles() {
    let run = nexus_fixture("modules/engine_instantiate_module.js", &[]);
    run.assert_clean("top level true 42\nin handler 42\nemit [ 'handled' ]\n");
}

#[test]
fn code_after_awaiting_webassembly_runs_in_its_realm() {
    let run = nexus_fixture("modules/engine_after_await.js", &[]);
    assert_eq!(run.stdout, "timer after wasm\n");
    assert!(
        run.stderr.contains("Error: thrown after wasm"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);
}
