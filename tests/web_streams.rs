//! The WHATWG streams globals (ReadableStream, WritableStream, TransformStream and their readers,
//! writers, controllers and strategies): WPT-style test files run by the testharness shim in
//! fixtures/wpt, whose failures must all be listed with a reason in
//! fixtures/web_streams/expectations.txt; and web streams feeding Nexus.IO streams.

mod common;

use common::{expected_failures, fixture, nexus, nexus_fixture, wpt_passed};

/// Runs WPT-style `files` with fixtures/wpt/run.mjs: at least `at_least` pass and every failure
/// is an expected one.
fn assert_wpt_passes(files: &[&str], at_least: usize) {
    let runner = fixture("wpt/run.mjs");
    let paths: Vec<String> = files
        .iter()
        .map(|f| fixture(f).to_str().unwrap().to_string())
        .collect();
    let mut args = vec![runner.to_str().unwrap()];
    args.extend(paths.iter().map(String::as_str));
    let run = nexus(&args);
    let passed = wpt_passed(&format!("{files:?}"), &run);
    let expected = expected_failures("web_streams/expectations.txt");
    for line in run.stdout.lines() {
        let Some(failure) = line.strip_prefix("FAIL ") else {
            continue;
        };
        assert!(
            expected
                .iter()
                .any(|name| failure.starts_with(&format!("{name}: "))),
            "unexpected failure: {failure}"
        );
    }
    assert!(passed >= at_least, "{files:?}: only {passed} passed");
}

#[test]
fn readable_streams_tee_iteration_and_from() {
    assert_wpt_passes(&["web_streams/readable.any.js"], 18);
}

#[test]
fn writable_and_transform_streams_and_piping() {
    assert_wpt_passes(&["web_streams/writable.any.js"], 18);
}

#[test]
fn a_web_stream_is_a_nexus_io_source() {
    let dir = std::env::temp_dir().join(format!("nexus-web-streams-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let run = nexus_fixture("web_streams/nexus_interop.mjs", &[dir.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    run.assert_clean(
        "locked true\n\
         file hello web streams\n\
         many 1000 last 999\n\
         cancelled true\n\
         failed web failure\n\
         not bytes TypeError\n\
         body 3145735\n",
    );
}
