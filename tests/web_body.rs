//! Headers, Request, Response, Blob, File, FormData and the body mixin, run as the built `nexus`
//! runs them: the conformance files in fixtures/web_body (written for Nexus in the style of the
//! WPT fetch/api, FileAPI and xhr/formdata tests, see its README) under the testharness shim in
//! fixtures/wpt, with the known failures listed, each with its reason, in
//! fixtures/web_body/expectations.txt.

mod common;

use common::{files_under, fixture, nexus_fixture};
use std::collections::BTreeSet;

/// Fewer passes than this means files or tests stopped running.
const MINIMUM_PASSED: usize = 60;

/// The failures expectations.txt allows, by test name: a line `name: reason` each; blank lines
/// and `#` comments between them.
fn expected_failures() -> BTreeSet<String> {
    let path = fixture("web_body/expectations.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (name, why) = line.rsplit_once(": ").unwrap_or((line, ""));
            assert!(!why.trim().is_empty(), "{path:?}: '{line}' gives no reason");
            name.to_string()
        })
        .collect()
}

#[test]
fn conformance_files_pass_but_for_the_known_failures() {
    let dir = fixture("web_body");
    let files: Vec<String> = files_under(&dir)
        .into_iter()
        .filter(|f| f.to_string_lossy().ends_with(".any.js"))
        .map(|f| dir.join(f).to_string_lossy().into_owned())
        .collect();
    assert!(
        files.len() >= 5,
        "the conformance files are missing: {files:?}"
    );
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let run = nexus_fixture("wpt/run.mjs", &args);
    assert_eq!(
        run.code, 0,
        "the runner exited with {}:\n{}",
        run.code, run.stderr
    );

    let failed: BTreeSet<String> = run
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("FAIL "))
        .map(|line| {
            line.split_once(": ")
                .map_or(line, |(name, _)| name)
                .to_string()
        })
        .collect();
    let expected = expected_failures();
    let unexpected: Vec<_> = failed.difference(&expected).collect();
    assert!(
        unexpected.is_empty(),
        "unexpected failures:\n{}",
        run.stdout
    );
    let fixed: Vec<_> = expected.difference(&failed).collect();
    assert!(
        fixed.is_empty(),
        "these pass now, remove them from expectations.txt: {fixed:?}"
    );

    let summary = run.stdout.lines().last().unwrap_or_default();
    let passed: usize = summary
        .strip_prefix("passed ")
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no summary in\n{}", run.stdout));
    assert!(
        passed >= MINIMUM_PASSED,
        "only {passed} passed:\n{}",
        run.stdout
    );
}
