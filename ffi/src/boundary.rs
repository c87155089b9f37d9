//! The only place raw pointers become Rust values, and where panics stop.
//!
//! Every export is "check the arguments with these helpers, call the core crate, map the error". The rules they
//! enforce, documented once in the header:
//! - an input is a pointer and a length; the pointer may be NULL only when the length is 0;
//! - a length over `isize::MAX`, or one that runs past the end of the address space, is `UNLEASHED_INVALID_LENGTH`
//!   and never reaches `slice::from_raw_parts` (that would be undefined behaviour);
//! - outputs are written only on success, after everything that can fail has been checked.

use core::ffi::c_char;
#[cfg(feature = "std")]
use core::panic::AssertUnwindSafe;
#[cfg(feature = "std")]
use std::panic::catch_unwind;

use crate::status::*;

/// Runs an export's body, turning `Err(status)` into that status and a panic into `UNLEASHED_PANIC`.
#[cfg(feature = "std")]
pub(crate) fn boundary(body: impl FnOnce() -> Result<(), unleashed_status>) -> unleashed_status {
    let status = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => UNLEASHED_OK,
        Ok(Err(status)) => status,
        Err(_) => UNLEASHED_PANIC,
    };
    clear_vector_registers();
    status
}

/// Without `std` (the WebAssembly module, `wasm/`) there is no unwinding to stop: the final crate is built with
/// `panic = "abort"`, so a panic traps (`unreachable`) and the JavaScript caller gets a `WebAssembly.RuntimeError`.
#[cfg(not(feature = "std"))]
pub(crate) fn boundary(body: impl FnOnce() -> Result<(), unleashed_status>) -> unleashed_status {
    match body() {
        Ok(()) => UNLEASHED_OK,
        Err(status) => status,
    }
}

/// The panic handler a `no_std` WebAssembly build needs. It lives here rather than in `wasm/` because cargo also
/// builds this crate's `cdylib` and `staticlib` for the target, and each needs one. A panic (a bug in this library)
/// traps; its message is dropped, so no panic text or source path is linked into the module.
#[cfg(all(not(feature = "std"), target_family = "wasm"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// For exports with no status to return (`void`, sizes, static strings): a panic there would be a bug in code
/// that cannot panic, so aborting is the only safe way not to unwind into C.
#[cfg(feature = "std")]
pub(crate) fn never_panics<T>(body: impl FnOnce() -> T) -> T {
    let result = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| std::process::abort());
    clear_vector_registers();
    result
}

/// Without `std`, as `boundary`: a panic aborts (traps), it never unwinds.
#[cfg(not(feature = "std"))]
pub(crate) fn never_panics<T>(body: impl FnOnce() -> T) -> T {
    body()
}

/// Zeroes zmm16-zmm31, which only AVX-512 has and `vzeroall` leaves alone. glibc's `memcpy` uses them on such
/// CPUs (its EVEX variants), so a key copied with it stays there. They are caller-saved on Windows x64 too.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
#[target_feature(enable = "avx512f")]
fn clear_avx512_only_registers() {
    // SAFETY: EVEX-encoded `vpxord` on zmm16-zmm31 (AVX-512F is enabled for this function), all caller-saved under
    // the System V ABI and the Windows x64 convention alike, and declared clobbered. No memory, stack or flags touched.
    unsafe {
        core::arch::asm!(
            "vpxord zmm16, zmm16, zmm16", "vpxord zmm17, zmm17, zmm17", "vpxord zmm18, zmm18, zmm18",
            "vpxord zmm19, zmm19, zmm19", "vpxord zmm20, zmm20, zmm20", "vpxord zmm21, zmm21, zmm21",
            "vpxord zmm22, zmm22, zmm22", "vpxord zmm23, zmm23, zmm23", "vpxord zmm24, zmm24, zmm24",
            "vpxord zmm25, zmm25, zmm25", "vpxord zmm26, zmm26, zmm26", "vpxord zmm27, zmm27, zmm27",
            "vpxord zmm28, zmm28, zmm28", "vpxord zmm29, zmm29, zmm29", "vpxord zmm30, zmm30, zmm30",
            "vpxord zmm31, zmm31, zmm31",
            out("zmm16") _, out("zmm17") _, out("zmm18") _, out("zmm19") _,
            out("zmm20") _, out("zmm21") _, out("zmm22") _, out("zmm23") _,
            out("zmm24") _, out("zmm25") _, out("zmm26") _, out("zmm27") _,
            out("zmm28") _, out("zmm29") _, out("zmm30") _, out("zmm31") _,
            options(nomem, nostack, preserves_flags),
        );
    }
}

/// Zeroes the vector registers before returning to C, so that no key-derived value computed in them (SHA-NI
/// keeps the chaining value it started from in one, base64 decoding and copies pass key bytes through others)
/// outlives the call. Nothing else would clear them, and the next call that saves vector registers (the dynamic
/// linker resolving a lazily bound symbol, a signal handler) would write them to the stack, out of our reach.
///
/// Measured by `residue/scan.py`: without it, a program linked lazily keeps pieces of the decoded base64 key on
/// its stack after `unleashed_key_clear`. Windows x64 has its own branch (its convention keeps xmm6-xmm15 for the
/// caller). On aarch64, measured by `residue/scan_qemu.py`: without it, the last SHA-256 working state of every
/// signature stays in NEON registers. A no-op on other architectures (not measured there).
#[cfg(feature = "std")]
#[inline(always)]
fn clear_vector_registers() {
    #[cfg(target_arch = "aarch64")]
    {
        // SAFETY: `movi` zeroes v0-v31 (NEON is part of the aarch64 baseline), declared clobbered. v8-v15's low
        // halves (d8-d15) are callee-saved in AAPCS64, so the compiler saves the caller's d8-d15 before this point
        // and restores them after it: what reaches C there is the caller's own values (the load also zeroes the
        // upper halves, and with SVE, writing a v register zeroes the rest of its z register). No memory, stack or
        // flags touched.
        unsafe {
            core::arch::asm!(
                "movi v0.2d, #0", "movi v1.2d, #0", "movi v2.2d, #0", "movi v3.2d, #0",
                "movi v4.2d, #0", "movi v5.2d, #0", "movi v6.2d, #0", "movi v7.2d, #0",
                "movi v8.2d, #0", "movi v9.2d, #0", "movi v10.2d, #0", "movi v11.2d, #0",
                "movi v12.2d, #0", "movi v13.2d, #0", "movi v14.2d, #0", "movi v15.2d, #0",
                "movi v16.2d, #0", "movi v17.2d, #0", "movi v18.2d, #0", "movi v19.2d, #0",
                "movi v20.2d, #0", "movi v21.2d, #0", "movi v22.2d, #0", "movi v23.2d, #0",
                "movi v24.2d, #0", "movi v25.2d, #0", "movi v26.2d, #0", "movi v27.2d, #0",
                "movi v28.2d, #0", "movi v29.2d, #0", "movi v30.2d, #0", "movi v31.2d, #0",
                out("v0") _, out("v1") _, out("v2") _, out("v3") _, out("v4") _, out("v5") _, out("v6") _,
                out("v7") _, out("v8") _, out("v9") _, out("v10") _, out("v11") _, out("v12") _, out("v13") _,
                out("v14") _, out("v15") _, out("v16") _, out("v17") _, out("v18") _, out("v19") _,
                out("v20") _, out("v21") _, out("v22") _, out("v23") _, out("v24") _, out("v25") _,
                out("v26") _, out("v27") _, out("v28") _, out("v29") _, out("v30") _, out("v31") _,
                options(nomem, nostack, preserves_flags),
            );
        }
    }
    #[cfg(all(target_arch = "x86_64", not(windows)))]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F (checked just above).
            unsafe { clear_avx512_only_registers() };
        }
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: `vzeroall` (AVX, checked above) only zeroes ymm0-ymm15, which the System V ABI makes
            // caller-saved: the clobbers tell the compiler their contents are gone. No memory, stack or flags touched.
            unsafe {
                core::arch::asm!(
                    "vzeroall",
                    out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _,
                    out("xmm4") _, out("xmm5") _, out("xmm6") _, out("xmm7") _,
                    out("xmm8") _, out("xmm9") _, out("xmm10") _, out("xmm11") _,
                    out("xmm12") _, out("xmm13") _, out("xmm14") _, out("xmm15") _,
                    options(nomem, nostack, preserves_flags),
                );
            }
        } else {
            // SAFETY: as above, with SSE2 (always present on x86_64) zeroing xmm0-xmm15 one by one.
            unsafe {
                core::arch::asm!(
                    "xorps xmm0, xmm0", "xorps xmm1, xmm1", "xorps xmm2, xmm2", "xorps xmm3, xmm3",
                    "xorps xmm4, xmm4", "xorps xmm5, xmm5", "xorps xmm6, xmm6", "xorps xmm7, xmm7",
                    "xorps xmm8, xmm8", "xorps xmm9, xmm9", "xorps xmm10, xmm10", "xorps xmm11, xmm11",
                    "xorps xmm12, xmm12", "xorps xmm13, xmm13", "xorps xmm14, xmm14", "xorps xmm15, xmm15",
                    out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _,
                    out("xmm4") _, out("xmm5") _, out("xmm6") _, out("xmm7") _,
                    out("xmm8") _, out("xmm9") _, out("xmm10") _, out("xmm11") _,
                    out("xmm12") _, out("xmm13") _, out("xmm14") _, out("xmm15") _,
                    options(nomem, nostack, preserves_flags),
                );
            }
        }
    }
    // Windows x64: xmm0-xmm5, the upper halves of ymm0-ymm15/zmm0-zmm15 and zmm16-zmm31 are volatile (the callee
    // may clobber them); the low 128 bits of xmm6-xmm15 are not, and the caller expects to find its own values there.
    // So only the volatile state is zeroed here. xmm6-xmm15 end up holding the caller's values, not ours: whichever
    // function of this library writes one of them (the asm below, sha2, a copy) saves the caller's value in its
    // prologue and restores it in its epilogue, which is what the Windows convention requires of every callee and
    // what LLVM emits. A key-derived value can only have been there in between; the restore overwrites it.
    // Checked under Wine by ffi/tests/windows/registers.c, which keeps values in xmm6-xmm15 across every export.
    #[cfg(all(target_arch = "x86_64", windows))]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F (checked just above).
            unsafe { clear_avx512_only_registers() };
        }
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: `vzeroupper` (AVX, checked above) zeroes bits 128 and up of ymm0-ymm15 (zmm0-zmm15), volatile
            // on Windows x64; the VEX `vpxor`s then zero xmm0-xmm5 whole. xmm6-xmm15 are declared clobbered because
            // `vzeroupper` writes their upper halves: for their callee-saved low halves the compiler saves the
            // caller's values before and restores them after, as the convention requires. No memory, stack or
            // flags touched.
            unsafe {
                core::arch::asm!(
                    "vzeroupper",
                    "vpxor xmm0, xmm0, xmm0", "vpxor xmm1, xmm1, xmm1", "vpxor xmm2, xmm2, xmm2",
                    "vpxor xmm3, xmm3, xmm3", "vpxor xmm4, xmm4, xmm4", "vpxor xmm5, xmm5, xmm5",
                    out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _,
                    out("xmm4") _, out("xmm5") _, out("xmm6") _, out("xmm7") _,
                    out("xmm8") _, out("xmm9") _, out("xmm10") _, out("xmm11") _,
                    out("xmm12") _, out("xmm13") _, out("xmm14") _, out("xmm15") _,
                    options(nomem, nostack, preserves_flags),
                );
            }
        } else {
            // SAFETY: without AVX there are no upper halves: SSE2 (always present on x86_64) zeroes the volatile
            // xmm0-xmm5, declared clobbered. No memory, stack or flags touched.
            unsafe {
                core::arch::asm!(
                    "xorps xmm0, xmm0", "xorps xmm1, xmm1", "xorps xmm2, xmm2",
                    "xorps xmm3, xmm3", "xorps xmm4, xmm4", "xorps xmm5, xmm5",
                    out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _, out("xmm4") _, out("xmm5") _,
                    options(nomem, nostack, preserves_flags),
                );
            }
        }
    }
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

    /// Copies `bytes` to the start of the buffer, or writes nothing if they do not fit.
    pub(crate) fn write(self, bytes: &[u8]) -> Result<(), unleashed_status> {
        self.require(bytes.len())?;
        // SAFETY: `new`'s contract gives `len` writable bytes and `require` checked that `bytes` fit. `bytes` is a
        // computed value owned by Rust (never a view of this buffer), so the ranges cannot overlap.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), self.ptr, bytes.len()) };
        Ok(())
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
    fn the_longest_slice_is_accepted_and_one_byte_more_is_not() {
        // Only the arithmetic is checked here: no slice is made from these addresses.
        let low = 0x1000 as *const u8;
        assert_eq!(check_len(low, isize::MAX as usize), Ok(()));
        assert_eq!(check_len(low, isize::MAX as usize + 1), Err(UNLEASHED_INVALID_LENGTH));
        let high = (usize::MAX - 15) as *const u8;
        assert_eq!(check_len(high, 15), Ok(()), "up to the last address");
        assert_eq!(check_len(high, 16), Err(UNLEASHED_INVALID_LENGTH), "one past the end of the address space");
        assert_eq!(check_len(high, 0), Ok(()));
    }

    #[test]
    fn spans_overlap_exactly_when_they_share_a_byte() {
        let at = |address: usize| address as *const u8;
        // The span [100, 110) against others.
        let cases = [
            (90, 10, false, "ends where it starts"),
            (90, 11, true, "shares its first byte"),
            (110, 5, false, "starts where it ends"),
            (109, 5, true, "shares its last byte"),
            (102, 3, true, "inside it"),
            (50, 100, true, "around it"),
            (100, 10, true, "the same span"),
            (105, 0, false, "an empty span inside it"),
        ];
        for (start, len, expected, what) in cases {
            assert_eq!(spans_overlap(at(100), 10, at(start), len), expected, "{what}");
            assert_eq!(spans_overlap(at(start), len, at(100), 10), expected, "{what}, swapped");
        }
        assert!(!spans_overlap(at(100), 0, at(100), 10), "an empty span shares no byte");
        let buf = [0u8; 8];
        assert!(overlaps(buf.as_ptr(), buf.len(), &buf[7..]));
        assert!(!overlaps(buf.as_ptr(), 7, &buf[7..]));
        let mut out = [0u8; 16];
        // SAFETY: `out` is 16 writable bytes; nothing is written.
        let (whole, head, tail) = unsafe {
            let ptr = out.as_mut_ptr().cast::<c_char>();
            (Output::new(ptr, 16).unwrap(), Output::new(ptr, 8).unwrap(), Output::new(ptr.add(8), 8).unwrap())
        };
        assert!(!head.overlaps_output(&tail) && !tail.overlaps_output(&head));
        assert!(whole.overlaps_output(&tail) && head.overlaps_output(&whole));
        let input = [0u8; 4];
        assert!(!whole.overlaps(&input[..]));
        assert!(!head.overlaps(&[0u64; 0][..]));
    }

    #[test]
    fn output_requires_the_whole_length_and_writes_a_nul_after_the_bytes() {
        let mut buf = [b'x'; 5];
        let ptr = buf.as_mut_ptr().cast::<c_char>();
        // SAFETY: `ptr` is 5 writable bytes, and every `Output` below is used while `buf` lives.
        let output = |len| unsafe { Output::new(ptr, len).unwrap() };
        assert_eq!(output(4).require(4), Ok(()));
        assert_eq!(output(4).require(5), Err(UNLEASHED_BUFFER_TOO_SMALL));
        assert_eq!(output(4).write_with_nul(b"abcd"), Err(UNLEASHED_BUFFER_TOO_SMALL));
        assert_eq!(output(5).write_with_nul(b"abcd"), Ok(()));
        assert_eq!(&buf, b"abcd\0");
        assert_eq!(output(2).write(b"xyz"), Err(UNLEASHED_BUFFER_TOO_SMALL));
        assert_eq!(&buf, b"abcd\0");
        assert_eq!(output(3).write(b"xyz"), Ok(()));
        assert_eq!(&buf, b"xyzd\0");
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
