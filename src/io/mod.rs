//! Native I/O: the seed's Device and Filter on the native side, and the file system. Nothing here
//! knows about JS: the api layer turns these into Nexus.IO and Nexus.FileSystem, and runs every
//! blocking call as a native task on the pool, off the realm's lock.

pub mod encoding;
pub mod error;
pub mod file;
pub mod fs;
pub mod stdout;

pub use error::IoError;
