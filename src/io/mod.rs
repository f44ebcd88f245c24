//! Native I/O: the seed's Device and Filter on the native side, and the file system. Nothing here
//! knows about JS: the api layer turns these into Nexus.IO and Nexus.FileSystem, and runs every
//! blocking call as a native task on the pool, off the realm's lock.
//!
//! Layer: the bottom one, beside the scheduler: nothing here names `scheduler`, `realm`, `net`,
//! `api` or `runtime` (tests/layers.rs keeps it so).

pub mod encoding;
pub mod error;
pub mod file;
pub mod fs;
pub mod stdout;

pub use error::IoError;
