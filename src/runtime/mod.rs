//! The runtime: the process around the realms. It starts the scheduler, gives the API layer the
//! program's details and the offload pool and injects the resulting globals into the realm layer,
//! runs the entry module in each realm until nothing is left to do, and makes the exit code and
//! the `--stats` report.
//!
//! Layer: the top one; it may use every other. No other layer names it (tests/layers.rs): they
//! reach what lives here only through what it injected (`realm::Globals`, `api::offload`).

mod offload;
mod run;
mod stats;

pub use run::{Options, run};
