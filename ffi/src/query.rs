//! A query builder over a caller buffer: the wire query and its signature come from the same parameters.

use core::ffi::c_char;
use core::ptr;

use unleashed_signer::{BuildError, QueryBuilder};

use crate::boundary::{Output, boundary, input, never_panics, overlaps, storage};
use crate::key::{prepared, unleashed_key};
use crate::sign::{signature_output, signed_form, unleashed_signed_form};
use crate::status::*;

/// State of a query being built in a caller buffer, allocated by the caller. Opaque; start it with
/// `unleashed_query_init`. It holds no secret, so it needs no clearing.
#[repr(C)]
pub struct unleashed_query {
    opaque: [u64; 4],
}

/// What an `unleashed_query` holds: the caller's buffer and how much of it the query uses.
///
/// Invariant while tagged: `buf` is valid for `cap` bytes, `len < cap`, and `buf[len]` is the NUL.
#[repr(C)]
struct QuerySlot {
    tag: u64,
    buf: *mut u8,
    cap: usize,
    len: usize,
}

const QUERY_TAG: u64 = 0x756e_6c65_6173_6871;

const _: () = assert!(size_of::<QuerySlot>() <= size_of::<unleashed_query>(), "unleashed_query is too small");
const _: () = assert!(align_of::<QuerySlot>() <= align_of::<unleashed_query>(), "unleashed_query is under-aligned");

/// Borrows the state of an initialised query.
///
/// # Safety
/// `query` must be NULL or point to an `unleashed_query` not used elsewhere while the borrow lives.
unsafe fn slot<'a>(query: *const unleashed_query) -> Result<&'a QuerySlot, unleashed_status> {
    storage(query)?;
    let slot = query.cast::<QuerySlot>();
    // SAFETY: non-NULL, aligned, large enough (compile-time check); any bits are a valid `u64`.
    if unsafe { ptr::addr_of!((*slot).tag).read() } != QUERY_TAG {
        return Err(UNLEASHED_QUERY_NOT_INITIALISED);
    }
    // SAFETY: the tag is written only after the other fields (`unleashed_query_init`), and they are plain data.
    Ok(unsafe { &*slot })
}

impl QuerySlot {
    /// The query written so far, without its NUL.
    fn query(&self) -> &[u8] {
        // SAFETY: the invariant says `buf` is valid for `cap > len` bytes.
        unsafe { core::slice::from_raw_parts(self.buf, self.len) }
    }
}

/// Starts an empty query in `buf` (`buf_len` bytes, at least 1): the query is kept NUL-terminated in `buf`.
///
/// `buf` must stay valid, and must not be written by the caller, while the query is used.
///
/// Returns `UNLEASHED_OK`, or `UNLEASHED_NULL_POINTER`, `UNLEASHED_MISALIGNED_POINTER`, `UNLEASHED_INVALID_LENGTH`,
/// `UNLEASHED_BUFFER_TOO_SMALL` (`buf_len` is 0).
///
/// # Safety
/// `query` must be NULL or point to `unleashed_query` storage; `buf` must be NULL or writable for `buf_len` bytes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_query_init(
    query: *mut unleashed_query,
    buf: *mut c_char,
    buf_len: usize,
) -> unleashed_status {
    boundary(|| {
        storage(query)?;
        // SAFETY: the caller promises `buf_len` writable bytes.
        let out = unsafe { Output::new(buf, buf_len) }?;
        out.write_with_nul(b"")?;
        let state = QuerySlot { tag: QUERY_TAG, buf: buf.cast(), cap: buf_len, len: 0 };
        // SAFETY: non-NULL, aligned, and large enough for a `QuerySlot` (compile-time check).
        unsafe { query.cast::<QuerySlot>().write(state) };
        Ok(())
    })
}

/// Appends `name=value`, percent-encoding both minimally, joined to earlier parameters by `&`.
///
/// If `needed` is not NULL it receives, on `UNLEASHED_OK` and on `UNLEASHED_BUFFER_TOO_SMALL`, the buffer length
/// the whole query needs, NUL included. A parameter that does not fit is not written at all: the query is
/// unchanged and can still be signed, or rebuilt in a buffer of `*needed` bytes.
///
/// Returns `UNLEASHED_OK`, or `UNLEASHED_NULL_POINTER`, `UNLEASHED_MISALIGNED_POINTER`,
/// `UNLEASHED_QUERY_NOT_INITIALISED` (also when the query buffer was written by the caller since the last
/// call), `UNLEASHED_INVALID_LENGTH`, `UNLEASHED_OVERLAPPING_BUFFERS` (name or value
/// lies in the query buffer), `UNLEASHED_EMPTY_PARAMETER_NAME`, `UNLEASHED_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `query` must be NULL or point to an `unleashed_query`; `name` and `value` must be NULL or readable for their
/// lengths; `needed` must be NULL or writable.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_query_push(
    query: *mut unleashed_query,
    name: *const c_char,
    name_len: usize,
    value: *const c_char,
    value_len: usize,
    needed: *mut usize,
) -> unleashed_status {
    boundary(|| {
        // SAFETY: checked by the helpers; the caller promises the lengths.
        let (state, name, value) = unsafe { (slot(query)?, input(name, name_len)?, input(value, value_len)?) };
        let (buf, cap, len) = (state.buf, state.cap, state.len);
        if overlaps(buf, cap, name) || overlaps(buf, cap, value) {
            return Err(UNLEASHED_OVERLAPPING_BUFFERS);
        }
        // SAFETY: the slot invariant gives `cap` valid bytes, and no input overlaps them (checked above).
        let buf = unsafe { core::slice::from_raw_parts_mut(buf, cap) };
        // The core builder continues the query in all but the last byte, which stays for the NUL.
        let mut builder = QueryBuilder::resume(&mut buf[..cap - 1], len).ok_or(UNLEASHED_QUERY_NOT_INITIALISED)?;
        let result = builder.push(name, value).map(|built| built.len());
        let report = |total: usize| {
            if !needed.is_null() {
                // SAFETY: the caller promises `needed` is NULL or writable.
                unsafe { needed.write(total) };
            }
        };
        match result {
            Ok(new_len) => {
                buf[new_len] = 0;
                // SAFETY: `query` was checked by `slot`; `buf` is a different object (the caller's buffer).
                unsafe { (*query.cast::<QuerySlot>()).len = new_len };
                report(new_len + 1);
                Ok(())
            }
            Err(BuildError::BufferTooSmall { needed }) => {
                report(needed.saturating_add(1));
                Err(UNLEASHED_BUFFER_TOO_SMALL)
            }
            Err(e) => Err(e.into()),
        }
    })
}

/// The wire query built so far, NUL-terminated (`""` before the first push): a pointer into the caller's buffer.
///
/// Returns NULL if `query` is NULL or not initialised.
///
/// # Safety
/// `query` must be NULL or point to an `unleashed_query`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_query_str(query: *const unleashed_query) -> *const c_char {
    // SAFETY: forwarded from the caller.
    never_panics(|| unsafe { slot(query) }.map_or(ptr::null(), |state| state.buf.cast_const().cast()))
}

/// The length of the wire query built so far, without the NUL; 0 if `query` is NULL or not initialised.
///
/// # Safety
/// `query` must be NULL or point to an `unleashed_query`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_query_len(query: *const unleashed_query) -> usize {
    // SAFETY: forwarded from the caller.
    never_panics(|| unsafe { slot(query) }.map_or(0, |state| state.len))
}

/// Signs the query built so far in the given form, writing 44 characters and a NUL to `out`. The decoded form
/// of a built query is the parameters as given; for names and values made only of `A-Z a-z 0-9 - . _ ~ : , / @`
/// both forms are the same bytes.
///
/// Returns `UNLEASHED_OK`, or `UNLEASHED_NULL_POINTER`, `UNLEASHED_MISALIGNED_POINTER`,
/// `UNLEASHED_QUERY_NOT_INITIALISED`, `UNLEASHED_KEY_NOT_INITIALISED`, `UNLEASHED_INVALID_LENGTH`,
/// `UNLEASHED_BUFFER_TOO_SMALL`, `UNLEASHED_INVALID_SIGNED_FORM`.
///
/// # Safety
/// Each pointer must be NULL or valid (`out` for `out_len` writable bytes).
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_query_sign(
    query: *const unleashed_query,
    key: *const unleashed_key,
    form: unleashed_signed_form,
    out: *mut c_char,
    out_len: usize,
) -> unleashed_status {
    boundary(|| {
        // SAFETY: checked by the helpers; the caller promises the pointers are valid.
        let (state, key) = unsafe { (slot(query)?, prepared(key)?) };
        let form = signed_form(form)?;
        // SAFETY: as above.
        let out = unsafe { signature_output(out, out_len) }?;
        out.write_with_nul(key.sign_query(state.query(), form)?.as_bytes())
    })
}

/// The size of `unleashed_query` in bytes, for bindings that allocate it themselves (align it to 8 bytes).
#[unsafe(no_mangle)]
pub extern "C" fn unleashed_query_size() -> usize {
    size_of::<unleashed_query>()
}
