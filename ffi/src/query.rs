//! A query builder over a caller buffer: the wire query and its signature come from the same parameters.

use core::ffi::c_char;
use core::ptr;

use unleashed_signer::{BuildError, QueryBuilder, percent};

use crate::boundary::{Output, array, boundary, input, never_panics, overlaps, storage};
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

/// One query parameter for `unleashed_build_query`: a name and a value, each a pointer and a length in bytes.
///
/// The pointers are read only during the call that receives the array; nothing keeps them afterwards.
#[repr(C)]
pub struct unleashed_param {
    /// The parameter's name, as the user means it (not yet percent-encoded); must not be empty.
    pub name: *const c_char,
    /// The name's length in bytes (UTF-8 bytes, never characters).
    pub name_len: usize,
    /// The parameter's value, as the user means it (not yet percent-encoded); may be empty.
    pub value: *const c_char,
    /// The value's length in bytes (UTF-8 bytes, never characters).
    pub value_len: usize,
}

/// Builds `name=value&name=value...` from `params` into `query_out` and signs it, in one call that keeps no
/// pointer: the way for runtimes whose buffers move or are copied per call (Java, JavaScript, .NET, Python).
///
/// Each name and value is percent-encoded minimally, as `unleashed_query_push` does; the query is written to
/// `query_out` with a NUL, and its signature in the given form (44 characters and a NUL) to `signature_out`.
/// `params` may be NULL only when `params_len` is 0, which builds and signs the empty query.
///
/// If `needed` is not NULL it receives, on `UNLEASHED_OK` and on `UNLEASHED_BUFFER_TOO_SMALL` for `query_out`, the
/// length `query_out` must have for the whole query, NUL included, so one retry with that size always fits.
/// Nothing is written to either output unless the call succeeds.
///
/// Returns `UNLEASHED_OK`, or `UNLEASHED_NULL_POINTER`, `UNLEASHED_MISALIGNED_POINTER`,
/// `UNLEASHED_KEY_NOT_INITIALISED`, `UNLEASHED_INVALID_LENGTH`, `UNLEASHED_INVALID_SIGNED_FORM`,
/// `UNLEASHED_EMPTY_PARAMETER_NAME`, `UNLEASHED_OVERLAPPING_BUFFERS` (a name or value lies in `query_out`),
/// `UNLEASHED_BUFFER_TOO_SMALL` (`query_out` too small, with `*needed` set; or `signature_out` shorter than
/// `UNLEASHED_SIGNATURE_BUFFER_LEN`).
///
/// # Safety
/// `key` must be NULL or point to an `unleashed_key`; `params` must be NULL or readable for `params_len` elements,
/// each name and value NULL or readable for its length; `query_out` and `signature_out` must be NULL or writable
/// for their lengths and must not overlap each other; `needed` must be NULL or writable.
#[must_use]
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn unleashed_build_query(
    key: *const unleashed_key,
    params: *const unleashed_param,
    params_len: usize,
    form: unleashed_signed_form,
    query_out: *mut c_char,
    query_out_len: usize,
    needed: *mut usize,
    signature_out: *mut c_char,
    signature_out_len: usize,
) -> unleashed_status {
    boundary(|| {
        // SAFETY: checked by the helpers; the caller promises the pointers are valid for their lengths.
        let key = unsafe { prepared(key) }?;
        // SAFETY: as above; an `unleashed_param` is plain data, so any bits read are a valid value.
        let params = unsafe { array(params, params_len) }?;
        let form = signed_form(form)?;
        // SAFETY: as above. Neither output is written before everything that can fail has been checked.
        let (mut query_out, signature_out) =
            unsafe { (Output::new(query_out, query_out_len)?, signature_output(signature_out, signature_out_len)?) };
        if query_out.overlaps_output(&signature_out) || query_out.overlaps(params) {
            return Err(UNLEASHED_OVERLAPPING_BUFFERS);
        }
        // First pass: every parameter readable, named and apart from the output, and the whole length counted.
        let mut wire_len = params_len.saturating_sub(1);
        for param in params {
            // SAFETY: the caller promises each name and value readable for its length.
            let (name, value) = unsafe { (input(param.name, param.name_len)?, input(param.value, param.value_len)?) };
            if name.is_empty() {
                return Err(UNLEASHED_EMPTY_PARAMETER_NAME);
            }
            if query_out.overlaps(name) || query_out.overlaps(value) {
                return Err(UNLEASHED_OVERLAPPING_BUFFERS);
            }
            wire_len = wire_len
                .saturating_add(percent::encoded_len(name))
                .saturating_add(1)
                .saturating_add(percent::encoded_len(value));
        }
        let total = wire_len.saturating_add(1);
        if !needed.is_null() {
            // SAFETY: the caller promises `needed` is NULL or writable.
            unsafe { needed.write(total) };
        }
        query_out.require(total)?;
        // Second pass: build into the caller's buffer, which now surely holds the query and its NUL.
        // SAFETY: `Output::new`'s contract gives `query_out_len` writable bytes, and no input overlaps them.
        let buf = unsafe { query_out.as_mut_slice() };
        let mut builder = QueryBuilder::new(&mut buf[..wire_len]);
        for param in params {
            // SAFETY: the caller promises each name and value readable for its length (read in the first pass).
            let (name, value) = unsafe { (input(param.name, param.name_len)?, input(param.value, param.value_len)?) };
            builder.push(name, value)?;
        }
        let signature = builder.sign(key, form).signature;
        buf[wire_len] = 0;
        signature_out.write_with_nul(signature.as_bytes())
    })
}

/// Starts an empty query in `buf` (`buf_len` bytes, at least 1): the query is kept NUL-terminated in `buf`.
///
/// The query keeps a pointer to `buf` between calls: `buf` must stay valid, must not move, and must not be written
/// by the caller while the query is used. A runtime whose buffers move or are copied for each call (a garbage
/// collector, JNA's `byte[]`) must use `unleashed_build_query` instead, which keeps no pointer.
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
/// the query up to and including this parameter needs, NUL included (later parameters are not known yet:
/// `unleashed_build_query` reports the size of the whole query at once). A parameter that does not fit is not written at all: the query is
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{UNLEASHED_KEY_FORMAT_TEXT, unleashed_key_init};
    use crate::sign::{UNLEASHED_SIGNATURE_BUFFER_LEN, UNLEASHED_SIGNED_FORM_DECODED, UNLEASHED_SIGNED_FORM_WIRE};
    use unleashed_signer::{SignedForm, SigningKey};

    fn param(name: &str, value: &str) -> unleashed_param {
        unleashed_param {
            name: name.as_ptr().cast(),
            name_len: name.len(),
            value: value.as_ptr().cast(),
            value_len: value.len(),
        }
    }

    fn key() -> unleashed_key {
        let mut key = unleashed_key { opaque: [0; 16] };
        // SAFETY: valid storage and secret.
        let status = unsafe { unleashed_key_init(&mut key, c"made-up-key".as_ptr(), 11, UNLEASHED_KEY_FORMAT_TEXT) };
        assert_eq!(status, UNLEASHED_OK);
        key
    }

    #[test]
    fn build_query_reports_the_whole_size_then_builds_and_signs_what_the_core_builds() {
        let key = key();
        let params = [param("a b", "c&d"), param("when", "2024-01-01T00:00:00"), param("x", "\u{e9}+")];
        let expected_query = "a%20b=c%26d&when=2024-01-01T00:00:00&x=%C3%A9%2B";
        let reference = SigningKey::from_text("made-up-key").unwrap();
        for (form, core_form) in
            [(UNLEASHED_SIGNED_FORM_DECODED, SignedForm::Decoded), (UNLEASHED_SIGNED_FORM_WIRE, SignedForm::Wire)]
        {
            let (mut small, mut needed, mut sig) = ([0xaau8; 16], 0usize, [0xaau8; UNLEASHED_SIGNATURE_BUFFER_LEN]);
            // SAFETY: every pointer is valid for its length.
            let status = unsafe {
                unleashed_build_query(
                    &key,
                    params.as_ptr(),
                    3,
                    form,
                    small.as_mut_ptr().cast(),
                    16,
                    &mut needed,
                    sig.as_mut_ptr().cast(),
                    sig.len(),
                )
            };
            assert_eq!((status, needed), (UNLEASHED_BUFFER_TOO_SMALL, expected_query.len() + 1));
            assert_eq!(
                (small, sig),
                ([0xaa; 16], [0xaa; UNLEASHED_SIGNATURE_BUFFER_LEN]),
                "nothing written on failure"
            );
            let mut out = vec![0xaau8; needed];
            // SAFETY: as above.
            let status = unsafe {
                unleashed_build_query(
                    &key,
                    params.as_ptr(),
                    3,
                    form,
                    out.as_mut_ptr().cast(),
                    needed,
                    &mut needed,
                    sig.as_mut_ptr().cast(),
                    sig.len(),
                )
            };
            assert_eq!(status, UNLEASHED_OK);
            assert_eq!(&out[..], format!("{expected_query}\0").as_bytes());
            let expected_sig = reference.sign_query(expected_query.as_bytes(), core_form).unwrap();
            assert_eq!(&sig[..44], expected_sig.as_bytes());
            assert_eq!(sig[44], 0);
        }
    }

    #[test]
    fn build_query_rejects_bad_parameters_before_writing() {
        let key = key();
        let (mut out, mut sig) = ([0xaau8; 64], [0xaau8; UNLEASHED_SIGNATURE_BUFFER_LEN]);
        let call = |params: *const unleashed_param, n: usize, out: &mut [u8], sig: &mut [u8]| {
            // SAFETY: the buffers are valid; the params are valid or NULL with their count.
            unsafe {
                unleashed_build_query(
                    &key,
                    params,
                    n,
                    0,
                    out.as_mut_ptr().cast(),
                    out.len(),
                    ptr::null_mut(),
                    sig.as_mut_ptr().cast(),
                    sig.len(),
                )
            }
        };
        assert_eq!(
            call([param("a", "1"), param("", "2")].as_ptr(), 2, &mut out, &mut sig),
            UNLEASHED_EMPTY_PARAMETER_NAME
        );
        assert_eq!(call(ptr::null(), 1, &mut out, &mut sig), UNLEASHED_NULL_POINTER);
        assert_eq!(out, [0xaa; 64]);
        let inside = unleashed_param { name: out.as_ptr().cast(), name_len: 1, value: ptr::null(), value_len: 0 };
        let (head, _) = out.split_at_mut(32);
        assert_eq!(call([inside].as_ptr(), 1, head, &mut sig), UNLEASHED_OVERLAPPING_BUFFERS);
        assert_eq!(call(ptr::null(), 0, &mut out, &mut sig[..44]), UNLEASHED_BUFFER_TOO_SMALL);
        assert_eq!(call(ptr::null(), 0, &mut out, &mut sig), UNLEASHED_OK);
        assert_eq!(out[0], 0, "no parameters: the empty query");
        assert_eq!(&sig[..44], SigningKey::from_text("made-up-key").unwrap().sign(b"").as_bytes());
    }
}
