//! The C++ shim, compiled with the flags JSC's own sources were built with, and the link lines
//! that put the engine, ICU and the shim into the binary statically.

use crate::pin::fail;
use std::fs;
use std::path::Path;
use std::process::Command;

pub fn compile(root: &Path, here: &Path, cxx: &str) {
    let flags = fs::read_to_string(root.join("shim-flags"))
        .unwrap_or_else(|e| fail(&format!("cannot read {}/shim-flags: {e}", root.display())));
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .compiler(cxx)
        .cpp_link_stdlib(None)
        .warnings(false)
        .include(here.join("shim"))
        .file(here.join("shim/bytes.cpp"))
        .file(here.join("shim/global_object.cpp"))
        .file(here.join("shim/jobs.cpp"))
        .file(here.join("shim/lazy_property.cpp"))
        .file(here.join("shim/promises.cpp"))
        .file(here.join("shim/stack_threads.cpp"))
        .file(here.join("shim/values.cpp"));
    for flag in flags.lines() {
        build.flag(flag.replace("@ENGINE@", &root.display().to_string()));
    }
    build.compile("nexus_shim");
}

pub fn link(root: &Path) {
    println!(
        "cargo:rustc-link-search=native={}",
        root.join("build/lib").display()
    );
    for lib in ["JavaScriptCore", "WTF", "bmalloc"] {
        println!("cargo:rustc-link-lib=static:-bundle={lib}");
    }
    // Debian's libicu-dev ships static archives; linking them keeps ICU out of `ldd nexus`.
    for lib in ["icui18n", "icuuc", "icudata"] {
        println!("cargo:rustc-link-lib=static:-bundle={lib}");
    }
    if let Some(dir) = gcc_library_dir("libatomic.a") {
        println!("cargo:rustc-link-search=native={dir}");
    }
    println!("cargo:rustc-link-lib=static:-bundle=atomic");
    // libstdc++ too: fewer symbols for the dynamic loader to bind at start-up.
    println!("cargo:rustc-link-lib=static:-bundle=stdc++");
}

/// Where the system C compiler (rustc's linker driver) keeps a runtime archive.
fn gcc_library_dir(file: &str) -> Option<String> {
    let out = Command::new("cc")
        .arg(format!("-print-file-name={file}"))
        .output()
        .ok()?;
    let path = String::from_utf8(out.stdout).ok()?;
    Path::new(path.trim())
        .parent()
        .map(|p| p.display().to_string())
}
