//! The global allocator: mimalloc, called through its plain entry points wherever they give
//! the alignment asked for.
//!
//! The `mimalloc` crate hands every request to `mi_malloc_aligned`. mimalloc 3 serves that
//! from its plain size classes only when the rounded size is a power of two; every other
//! request (a 24- or 48-byte node, most strings) takes the generic aligned path, which costs
//! more per call and over-allocates the block. A full-corpus lint made 81k such calls.
//! (mimalloc_rust's open pull request #170 proposes the same dispatch upstream.)
//!
//! mimalloc's size classes are multiples of 8 bytes, and of 16 above 16, and a page's first
//! block is 16-byte aligned. So a request whose alignment is at most 8, or 16 with a size
//! that is a multiple of 16, is aligned by `mi_malloc` itself. Every other request keeps the
//! aligned entry points.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// mimalloc as the process's allocator (`#[global_allocator]` in `main.rs`).
pub struct Mimalloc;

/// Whether `mi_malloc(size)` is aligned to `align`.
#[inline]
fn plain_is_aligned(size: usize, align: usize) -> bool {
    align <= 8 || (align == 16 && size.is_multiple_of(16))
}

// SAFETY: every pointer comes from mimalloc and goes back to it (`mi_free` takes pointers
// from the plain and the aligned entry points alike); a plain entry point is used only where
// its result has the requested alignment (module documentation), and `GlobalAlloc`'s
// contract (non-zero sizes, the same layout on free) is passed on unchanged.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if plain_is_aligned(layout.size(), layout.align()) {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if plain_is_aligned(layout.size(), layout.align()) {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: see the impl.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if plain_is_aligned(new_size, layout.align()) {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every size up to 4 KiB and past the small sizes, with each alignment up to a page,
    /// allocated, grown, shrunk and freed, lands on its alignment.
    #[test]
    fn every_block_has_its_alignment() {
        let allocator = Mimalloc;
        let sizes = (1..=4096).chain([8 << 10, 64 << 10, 1 << 20, (1 << 20) + 24]);
        for size in sizes {
            for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    continue;
                };
                // SAFETY: non-zero size; each pointer freed once with its layout.
                unsafe {
                    for zeroed in [false, true] {
                        let ptr = if zeroed {
                            allocator.alloc_zeroed(layout)
                        } else {
                            allocator.alloc(layout)
                        };
                        assert!(!ptr.is_null());
                        assert_eq!(ptr as usize % align, 0, "size {size}, align {align}");
                        if zeroed {
                            assert!((0..size).all(|i| *ptr.add(i) == 0));
                        }
                        ptr.write_bytes(0xa5, size);
                        // Doubling can move a block between the aligned and the plain entry
                        // points (24 bytes at 16 is aligned, 48 is plain).
                        let mut block = ptr;
                        let mut current = size;
                        for next in [size * 2, size * 6, size] {
                            let old = Layout::from_size_align(current, align).unwrap();
                            block = allocator.realloc(block, old, next);
                            assert_eq!(
                                block as usize % align,
                                0,
                                "{size} -> {next}, align {align}"
                            );
                            assert!((0..size).all(|i| *block.add(i) == 0xa5));
                            current = next;
                        }
                        allocator.dealloc(block, layout);
                    }
                }
            }
        }
    }
}
