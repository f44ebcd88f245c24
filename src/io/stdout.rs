//! The program's standard output, buffered when it is not a terminal: flushed at the end of each
//! batch of JS tasks, when 8 KiB are waiting, before anything goes to stderr, and at exit. A
//! server that logs a line per request then makes one write per batch instead of one per line;
//! on a terminal every write goes out at once.
//!
//! Invariant: bytes reach fd 1 in the order they were written, and before any stderr message
//! written after them (so `2>&1` keeps the program's order).

use std::io::{IsTerminal, Write};
use std::sync::{Mutex, OnceLock};

const FLUSH_AT: usize = 8 * 1024;

static BUFFER: Mutex<Vec<u8>> = Mutex::new(Vec::new());

fn buffered() -> bool {
    static BUFFERED: OnceLock<bool> = OnceLock::new();
    *BUFFERED.get_or_init(|| !std::io::stdout().is_terminal())
}

pub fn write(bytes: &[u8]) -> std::io::Result<()> {
    if !buffered() {
        return std::io::stdout().lock().write_all(bytes);
    }
    let mut buffer = BUFFER.lock().unwrap_or_else(|e| e.into_inner());
    buffer.extend_from_slice(bytes);
    if buffer.len() >= FLUSH_AT {
        return drain(&mut buffer);
    }
    Ok(())
}

pub fn flush() -> std::io::Result<()> {
    drain(&mut BUFFER.lock().unwrap_or_else(|e| e.into_inner()))
}

fn drain(buffer: &mut Vec<u8>) -> std::io::Result<()> {
    if buffer.is_empty() {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    let written = out.write_all(buffer).and_then(|()| out.flush());
    buffer.clear();
    written
}
