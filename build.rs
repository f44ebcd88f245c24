//! Links `nexus` as a position-dependent executable: the engine's large data tables then need
//! no relocation by the dynamic loader at every start (about 1 ms of the start-up).
fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
}
