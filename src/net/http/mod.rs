//! The HTTP/1.x server. `parse` (with `target`), `chunked`, `response` and `exchange` are its pure, sans-I/O
//! half: bytes in, requests and decisions out, the handler's responses in, bytes out;
//! unit-tested with byte strings and fuzzed on their own (`fuzz/` includes those files by path).
//! `connection` and `server` drive them over sockets and timers.

pub mod chunked;
pub mod connection;
pub mod exchange;
pub mod parse;
pub mod response;
pub mod server;
pub mod target;
