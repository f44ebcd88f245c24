//! Links `nexus` as a position-dependent executable: the engine's large data tables then need
//! no relocation by the dynamic loader at every start (about 1 ms of the start-up). Also hands
//! the engine pin's version to the binary (`nexus --version`), read from the one pin.
use std::fs;

fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
    let pin = "vendor/javascriptcore-sys/webkit.toml";
    println!("cargo:rerun-if-changed={pin}");
    let text = fs::read_to_string(pin).unwrap_or_else(|e| panic!("cannot read {pin}: {e}"));
    let version = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == "version")
        .map(|(_, v)| v.trim().trim_matches('"'))
        .unwrap_or_else(|| panic!("{pin} has no version"));
    println!("cargo:rustc-env=NEXUS_WEBKIT_VERSION={version}");
}
