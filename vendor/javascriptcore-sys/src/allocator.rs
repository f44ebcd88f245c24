//! The engine's allocator (libpas, which JSC and WTF already use) as Rust's global allocator, so
//! the whole process has one heap: per-thread caches for the workers' buffers, and a scavenger
//! that gives freed pages back to the system. (glibc's per-thread arenas kept up to 64 MiB each
//! resident after a burst of file downloads.)

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::{c_uint, c_void};

// libpas's C API (bmalloc_heap.h), part of the engine's static libbmalloc. Thread-safe: each
// thread allocates from its own cache, and a block may be freed on any thread.
unsafe extern "C" {
    fn bmalloc_try_allocate(size: usize, mode: c_uint) -> *mut c_void;
    fn bmalloc_try_allocate_zeroed(size: usize, mode: c_uint) -> *mut c_void;
    fn bmalloc_try_allocate_with_alignment(
        size: usize,
        alignment: usize,
        mode: c_uint,
    ) -> *mut c_void;
    fn bmalloc_try_reallocate(
        old: *mut c_void,
        size: usize,
        mode: c_uint,
        free_mode: c_uint,
    ) -> *mut c_void;
    fn bmalloc_deallocate(ptr: *mut c_void);
}

/// pas_non_compact_allocation_mode: ordinary memory.
const NON_COMPACT: c_uint = 0;
/// pas_reallocate_free_if_successful: a failed reallocation leaves the old block in place.
const FREE_IF_SUCCESSFUL: c_uint = 0;
/// Every plain allocation is aligned at least this much (BMALLOC_MINALIGN_SHIFT is 4).
const MIN_ALIGN: usize = 16;

/// Install with `#[global_allocator] static ALLOCATOR: EngineAllocator = EngineAllocator;`.
pub struct EngineAllocator;

// SAFETY: libpas returns blocks of at least the requested size and alignment (or null), frees
// any block it returned, and is thread-safe; alignments above MIN_ALIGN go through its aligned
// entry point, and reallocation of those falls back to allocate-copy-free. Every block this
// allocator hands out comes from libpas's bmalloc heap, so `bmalloc_deallocate` frees any of them.
unsafe impl GlobalAlloc for EngineAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: libpas's allocation functions have no preconditions (the aligned one wants a
        // power of two, which `Layout` guarantees); the result is null or a block of at least
        // `layout.size()` bytes aligned to MIN_ALIGN or, through the aligned entry, to
        // `layout.align()`.
        unsafe {
            if layout.align() <= MIN_ALIGN {
                bmalloc_try_allocate(layout.size(), NON_COMPACT) as *mut u8
            } else {
                bmalloc_try_allocate_with_alignment(layout.size(), layout.align(), NON_COMPACT)
                    as *mut u8
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= MIN_ALIGN {
            // SAFETY: as in `alloc`; the block comes zeroed.
            unsafe { bmalloc_try_allocate_zeroed(layout.size(), NON_COMPACT) as *mut u8 }
        } else {
            // SAFETY: our caller keeps `alloc`'s contract for `layout`.
            let ptr = unsafe { self.alloc(layout) };
            if !ptr.is_null() {
                // SAFETY: `ptr` is a fresh block of at least `layout.size()` bytes.
                unsafe { ptr.write_bytes(0, layout.size()) };
            }
            ptr
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: our caller gives a block this allocator returned, which came from libpas's
        // bmalloc heap (see the impl's comment), and does not use it again.
        unsafe { bmalloc_deallocate(ptr as *mut c_void) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() > MIN_ALIGN {
            // SAFETY: `realloc`'s contract makes `new_size` non-zero and, rounded up to
            // `layout.align()`, no larger than isize::MAX: a valid layout.
            let new =
                unsafe { self.alloc(Layout::from_size_align_unchecked(new_size, layout.align())) };
            if !new.is_null() {
                // SAFETY: `ptr` holds `layout.size()` bytes and `new` at least `new_size`; they
                // are distinct blocks. `ptr` came from this allocator with `layout`, and is freed
                // only once the copy succeeded, as `realloc` requires.
                unsafe {
                    new.copy_from_nonoverlapping(ptr, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
            }
            return new;
        }
        // SAFETY: `ptr` came from libpas's unaligned entries (alignment <= MIN_ALIGN), and the
        // new block keeps MIN_ALIGN; with FREE_IF_SUCCESSFUL a failure (null) leaves `ptr`
        // valid, as `realloc` requires.
        unsafe {
            bmalloc_try_reallocate(
                ptr as *mut c_void,
                new_size,
                NON_COMPACT,
                FREE_IF_SUCCESSFUL,
            ) as *mut u8
        }
    }
}
