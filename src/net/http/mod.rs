//! The HTTP/1.x server. `parse`, `chunked` and `response` are its pure, sans-I/O half: bytes in,
//! decisions and bytes out, unit-tested with byte strings and fuzzed on their own (`fuzz/`
//! includes those files by path). `connection` and `server` drive them over sockets.

pub mod chunked;
pub mod connection;
pub mod parse;
pub mod response;
pub mod server;
