//! The only place raw pointers become Rust values, and where panics stop.
//!
//! Every export is "check the arguments with these helpers, call the core crate, map the error". The rules they
//! enforce, documented once in the header:
//! - an input is a pointer and a length; the pointer may be NULL only when the length is 0;
//! - a length over `isize::MAX`, or one that runs past the end of the address space, is `UNLEASHED_INVALID_LENGTH`
//!   and never reaches `slice::from_raw_parts` (that would be undefined behaviour);
//! - outputs are written only on success, after everything that can fail has been checked.

use core::ffi::c_char;
use core::panic::AssertUnwindSafe;
use std::panic::catch_unwind;

use crate::status::*;

/// Runs an export's body, turning `Err(status)` into that status and a panic into `UNLEASHED_PANIC`.
pub(crate) fn boundary(body: impl FnOnce() -> Result<(), unleashed_status>) -> unleashed_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => UNLEASHED_OK,
        Ok(Err(status)) => status,
        Err(_) => UNLEASHED_PANIC,
    }
}

/// For exports with no status to return (`void`, sizes, static strings): a panic there would be a bug in code
/// that cannot panic, so aborting is the only safe way not to unwind into C.
pub(crate) fn never_panics<T>(body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| std::process::abort())
}

/// Checks a length against what a Rust slice starting at `ptr` may span.
fn check_len(ptr: *const u8, len: usize) -> Result<(), unleashed_status> {
    if len > isize::MAX as usize || (ptr as usize).checked_add(len).is_none() {
        return Err(UNLEASHED_INVALID_LENGTH);
    }
    Ok(())
}

/// Borrows the caller's input bytes. NULL is accepted only with length 0.
///
/// # Safety
/// If `ptr` is not NULL and `len` is not 0, `ptr` must point to `len` readable bytes that are not written to
/// while the returned slice lives.
pub(crate) unsafe fn input<'a>(ptr: *const c_char, len: usize) -> Result<&'a [u8], unleashed_status> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(UNLEASHED_NULL_POINTER);
    }
    check_len(ptr.cast(), len)?;
    // SAFETY: not NULL, length checked to fit a slice, and the caller promises `len` readable bytes.
    Ok(unsafe { core::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// Borrows the caller's array of `len` plain-data elements. NULL is accepted only with length 0.
///
/// # Safety
/// If `ptr` is not NULL and `len` is not 0, `ptr` must point to `len` readable elements that are not written to
/// while the returned slice lives, and every bit pattern must be a valid `T`.
pub(crate) unsafe fn array<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], unleashed_status> {
    if len == 0 {
        return Ok(&[]);
    }
    storage(ptr)?;
    let bytes = len.checked_mul(size_of::<T>()).ok_or(UNLEASHED_INVALID_LENGTH)?;
    check_len(ptr.cast(), bytes)?;
    // SAFETY: not NULL, aligned, the byte length checked to fit a slice, and the caller promises `len` elements.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// An output buffer, checked but not yet written: `write` is called only once the result is known.
pub(crate) struct Output {
    ptr: *mut u8,
    len: usize,
}

impl Output {
    /// Checks the caller's output buffer without touching it.
    ///
    /// # Safety
    /// `ptr` must be NULL or point to `len` writable bytes that stay valid until `write` returns.
    pub(crate) unsafe fn new(ptr: *mut c_char, len: usize) -> Result<Self, unleashed_status> {
        if ptr.is_null() {
            return Err(UNLEASHED_NULL_POINTER);
        }
        check_len(ptr.cast_const().cast(), len)?;
        Ok(Self { ptr: ptr.cast(), len })
    }

    /// Fails with `UNLEASHED_BUFFER_TOO_SMALL` unless `needed` bytes fit.
    pub(crate) fn require(&self, needed: usize) -> Result<(), unleashed_status> {
        if self.len < needed { Err(UNLEASHED_BUFFER_TOO_SMALL) } else { Ok(()) }
    }

    /// Whether `input` shares any byte with this buffer.
    pub(crate) fn overlaps<T>(&self, input: &[T]) -> bool {
        spans_overlap(self.ptr, self.len, input.as_ptr().cast(), size_of_val(input))
    }

    /// Whether two output buffers share any byte.
    pub(crate) fn overlaps_output(&self, other: &Output) -> bool {
        spans_overlap(self.ptr, self.len, other.ptr, other.len)
    }

    /// The whole buffer, to be written.
    ///
    /// # Safety
    /// No slice the caller gave as input may overlap the buffer while the returned slice lives.
    pub(crate) unsafe fn as_mut_slice(&mut self) -> &mut [u8] {
        // SAFETY: `new`'s contract gives `len` writable bytes; the caller of this function rules out aliasing.
        unsafe { core::slice::from_raw_parts_mut(self.ptr, self.len) }
    }

    /// Copies `bytes` and a terminating NUL, or writes nothing if they do not fit.
    pub(crate) fn write_with_nul(self, bytes: &[u8]) -> Result<(), unleashed_status> {
        self.require(bytes.len() + 1)?;
        // SAFETY: `new`'s contract gives `len` writable bytes and `require` checked that `bytes.len() + 1` fit.
        // `bytes` is a computed value owned by Rust (never a view of this buffer), so the ranges cannot overlap.
        unsafe {
            core::ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr, bytes.len());
            self.ptr.add(bytes.len()).write(0);
        }
        Ok(())
    }
}

/// Whether `input` shares any byte with the `len` bytes at `start`, so that a `&[u8]` of it and a `&mut [u8]`
/// of the buffer would alias.
pub(crate) fn overlaps(start: *const u8, len: usize, input: &[u8]) -> bool {
    spans_overlap(start, len, input.as_ptr(), input.len())
}

/// Whether the `a_len` bytes at `a` and the `b_len` bytes at `b` share any byte (lengths already checked to fit).
fn spans_overlap(a: *const u8, a_len: usize, b: *const u8, b_len: usize) -> bool {
    let (a, b) = (a as usize, b as usize);
    a_len > 0 && b_len > 0 && a < b + b_len && b < a + a_len
}

/// Checks that a pointer to caller-provided storage of type `T` is not NULL and is aligned.
pub(crate) fn storage<T>(ptr: *const T) -> Result<(), unleashed_status> {
    if ptr.is_null() {
        return Err(UNLEASHED_NULL_POINTER);
    }
    if !ptr.is_aligned() {
        return Err(UNLEASHED_MISALIGNED_POINTER);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_own_status() {
        assert_eq!(boundary(|| panic!("test panic")), UNLEASHED_PANIC);
        assert_eq!(boundary(|| Err(UNLEASHED_EMPTY_KEY)), UNLEASHED_EMPTY_KEY);
        assert_eq!(boundary(|| Ok(())), UNLEASHED_OK);
    }

    #[test]
    fn lengths_that_no_slice_may_have_are_rejected_before_use() {
        let byte = 7u8;
        let ptr = (&raw const byte).cast::<c_char>();
        // SAFETY: each call either fails before reading or reads the one valid byte.
        unsafe {
            assert_eq!(input(ptr, usize::MAX).err(), Some(UNLEASHED_INVALID_LENGTH));
            assert_eq!(input(ptr, isize::MAX as usize + 1).err(), Some(UNLEASHED_INVALID_LENGTH));
            assert_eq!(input(core::ptr::null(), 1).err(), Some(UNLEASHED_NULL_POINTER));
            assert_eq!(input(core::ptr::null(), 0), Ok(&[][..]));
            assert_eq!(input(ptr, 1), Ok(&[7u8][..]));
        }
    }

    #[test]
    fn misaligned_storage_is_rejected() {
        let words = [0u64; 2];
        let misaligned = (&raw const words).cast::<u8>().wrapping_add(1).cast::<u64>();
        assert_eq!(storage(misaligned), Err(UNLEASHED_MISALIGNED_POINTER));
        assert_eq!(storage((&raw const words).cast::<u64>()), Ok(()));
        assert_eq!(storage(core::ptr::null::<u64>()), Err(UNLEASHED_NULL_POINTER));
    }
}
