//! The buffer a worker reads sockets into before the bytes go where they belong: zeroed once
//! per thread, not once per read (a fresh zeroed buffer per read cost more than the read).

use std::cell::RefCell;

/// The most bytes one read takes.
pub const SIZE: usize = 64 * 1024;

thread_local! {
    static BUFFER: RefCell<Box<[u8]>> = RefCell::new(vec![0; SIZE].into_boxed_slice());
}

/// Runs `read` on at most `limit` bytes of this thread's buffer. `read` must not read into it
/// again (nothing that reads a socket calls back into another read).
pub fn with<R>(limit: usize, read: impl FnOnce(&mut [u8]) -> R) -> R {
    BUFFER.with_borrow_mut(|buffer| read(&mut buffer[..limit.min(SIZE)]))
}
