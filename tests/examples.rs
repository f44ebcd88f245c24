//! The example programs in examples/ are copies of ../shared/api/examples, the reference the API
//! was written against, so that a checkout needs nothing beside it. Where that reference sits
//! beside the checkout, the copies must not have drifted from it.

mod common;

use common::files_under;
use std::io::Write;
use std::path::Path;

#[test]
fn examples_are_the_shared_originals_when_those_are_beside_the_checkout() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/api/examples");
    if !shared.is_dir() {
        // Straight to stderr: libtest captures only print! and eprint!, so this shows in the
        // summary of every run.
        writeln!(
            std::io::stderr(),
            "skipped: examples/ not compared with ../shared/api/examples, which is absent \
             beside the checkout"
        )
        .unwrap();
        return;
    }
    let files = files_under(&shared);
    assert!(!files.is_empty(), "../shared/api/examples is empty");
    for file in files {
        assert!(
            std::fs::read(root.join("examples").join(&file)).ok()
                == std::fs::read(shared.join(&file)).ok(),
            "examples/{} differs from ../shared/api/examples/{0} (or is missing)",
            file.display()
        );
    }
}
