//! Links `nexus` as a position-dependent executable: the engine's large data tables then need
//! no relocation by the dynamic loader at every start (about 1 ms of the start-up). Also hands
//! the engine pin's version, as javascriptcore-sys's build script read it, to the binary
//! (`nexus --version`).
fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
    let version = std::env::var("DEP_JAVASCRIPTCORE_WEBKIT_VERSION")
        .expect("javascriptcore-sys's build script gives the engine version");
    println!("cargo:rustc-env=NEXUS_WEBKIT_VERSION={version}");
}
