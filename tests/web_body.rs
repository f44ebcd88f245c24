//! Headers, Request, Response, Blob, File, FormData and the body mixin, run as the built `nexus`
//! runs them: the conformance files in fixtures/web_body (written for Nexus in the style of the
//! WPT fetch/api, FileAPI and xhr/formdata tests, see its README) under the testharness shim in
//! fixtures/wpt, with the known failures listed, each with its reason, in
//! fixtures/web_body/expectations.txt.

mod common;

use common::{expected_failures, files_under, fixture, nexus_fixture, wpt_passed};
use std::collections::BTreeSet;

/// Fewer passes than this means files or tests stopped running.
const MINIMUM_PASSED: usize = 70;

#[test]
fn conformance_files_pass_but_for_the_known_failures() {
    let dir = fixture("web_body");
    let files: Vec<String> = files_under(&dir)
        .into_iter()
        .filter(|f| f.to_string_lossy().ends_with(".any.js"))
        .map(|f| dir.join(f).to_string_lossy().into_owned())
        .collect();
    assert!(
        files.len() >= 6,
        "the conformance files are missing: {files:?}"
    );
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let run = nexus_fixture("wpt/run.mjs", &args);
    let passed = wpt_passed("the web_body files", &run);

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
    let expected: BTreeSet<String> = expected_failures("web_body/expectations.txt")
        .into_iter()
        .collect();
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
    assert!(
        passed >= MINIMUM_PASSED,
        "only {passed} passed:\n{}",
        run.stdout
    );
}
