//! The runtime's own JS against a program that replaced the builtins it could call:
//! fixtures/primordials/broken_builtins.mjs breaks them (break.mjs), in the main realm and in the
//! pooled realm it offloads to, then uses every global and every Nexus part. It must print what
//! the same program prints with the builtins intact.

mod common;

use common::nexus_fixture;

const EXPECTED: &str = include_str!("fixtures/primordials/broken_builtins.stdout");

/// Runs the fixture in `mode` (broken or intact) with a directory of its own.
fn run(mode: &str) {
    let dir = std::env::temp_dir().join(format!("nexus-primordials-{mode}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let run = nexus_fixture(
        "primordials/broken_builtins.mjs",
        &[dir.to_str().unwrap(), mode],
    );
    let _ = std::fs::remove_dir_all(&dir);
    run.assert_clean(EXPECTED);
}

#[test]
fn every_global_and_part_works_with_the_builtins_replaced() {
    run("broken");
}

#[test]
fn the_program_prints_the_same_with_the_builtins_intact() {
    run("intact");
}
