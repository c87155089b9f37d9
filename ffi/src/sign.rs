//! Signing and verifying: each export checks its arguments, calls the core crate and maps the error.

use core::ffi::c_char;

use unleashed_signer::{Signature, SignedForm};

use crate::boundary::{Output, boundary, input};
use crate::key::{prepared, unleashed_key};
use crate::status::*;

/// Characters in a signature (base64 of a 32-byte HMAC-SHA256), not counting the NUL the library writes after it.
pub const UNLEASHED_SIGNATURE_LEN: usize = 44;

/// Bytes an output buffer for a signature needs: the 44 characters and a NUL.
pub const UNLEASHED_SIGNATURE_BUFFER_LEN: usize = UNLEASHED_SIGNATURE_LEN + 1;

const _: () = assert!(UNLEASHED_SIGNATURE_LEN == Signature::LEN);

/// Which form of a query is signed: one of the `UNLEASHED_SIGNED_FORM_*` values (unknown ones are rejected with
/// `UNLEASHED_INVALID_SIGNED_FORM`).
pub type unleashed_signed_form = u32;

/// Sign the percent-decoded query, as a person writes it (the default, and what Unleashed's evidence favours).
pub const UNLEASHED_SIGNED_FORM_DECODED: unleashed_signed_form = 0;
/// Sign the query bytes exactly as sent on the wire.
pub const UNLEASHED_SIGNED_FORM_WIRE: unleashed_signed_form = 1;

pub(crate) fn signed_form(form: unleashed_signed_form) -> Result<SignedForm, unleashed_status> {
    match form {
        UNLEASHED_SIGNED_FORM_DECODED => Ok(SignedForm::Decoded),
        UNLEASHED_SIGNED_FORM_WIRE => Ok(SignedForm::Wire),
        _ => Err(UNLEASHED_INVALID_SIGNED_FORM),
    }
}

/// Checks an output buffer for a signature: non-NULL and at least `UNLEASHED_SIGNATURE_BUFFER_LEN` bytes.
///
/// # Safety
/// As `Output::new`.
pub(crate) unsafe fn signature_output(out: *mut c_char, out_len: usize) -> Result<Output, unleashed_status> {
    // SAFETY: forwarded from the caller.
    let out = unsafe { Output::new(out, out_len) }?;
    out.require(UNLEASHED_SIGNATURE_BUFFER_LEN)?;
    Ok(out)
}

/// Signs `message` verbatim: writes the 44-character base64 HMAC-SHA256 and a NUL to `out`.
///
/// `message` may be NULL when `message_len` is 0 (the signature of an empty query). `out_len` must be at least
/// `UNLEASHED_SIGNATURE_BUFFER_LEN` (45); `out` is written only on success.
///
/// Returns `UNLEASHED_OK`, or `UNLEASHED_NULL_POINTER`, `UNLEASHED_MISALIGNED_POINTER`, `UNLEASHED_INVALID_LENGTH`,
/// `UNLEASHED_BUFFER_TOO_SMALL`, `UNLEASHED_KEY_NOT_INITIALISED`.
///
/// # Safety
/// Each pointer must be NULL or valid for its length (`key` for an `unleashed_key`).
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_sign(
    key: *const unleashed_key,
    message: *const c_char,
    message_len: usize,
    out: *mut c_char,
    out_len: usize,
) -> unleashed_status {
    boundary(|| {
        // SAFETY: each pointer is checked by the helper, and the caller promises it is valid for its length.
        let (key, message, out) =
            unsafe { (prepared(key)?, input(message, message_len)?, signature_output(out, out_len)?) };
        out.write_with_nul(key.sign(message).as_bytes())
    })
}

/// Signs a query string (no `?`): percent-decoded first for `UNLEASHED_SIGNED_FORM_DECODED`, as it is for
/// `UNLEASHED_SIGNED_FORM_WIRE`. Writes 44 characters and a NUL to `out`.
///
/// Returns what `unleashed_sign` returns, and `UNLEASHED_INVALID_SIGNED_FORM`, `UNLEASHED_MALFORMED_ESCAPE`.
///
/// # Safety
/// As `unleashed_sign`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_sign_query(
    key: *const unleashed_key,
    query: *const c_char,
    query_len: usize,
    form: unleashed_signed_form,
    out: *mut c_char,
    out_len: usize,
) -> unleashed_status {
    boundary(|| {
        // SAFETY: as in `unleashed_sign`.
        let (key, query) = unsafe { (prepared(key)?, input(query, query_len)?) };
        let form = signed_form(form)?;
        // SAFETY: as above.
        let out = unsafe { signature_output(out, out_len) }?;
        out.write_with_nul(key.sign_query(query, form)?.as_bytes())
    })
}

/// Signs the query of a URL or path-and-query (`/Customers?customerCode=ACME`, or a full `https://` URL): only
/// the part after the first `?` and before any `#` is signed, the empty string when there is no `?`.
///
/// Returns what `unleashed_sign_query` returns.
///
/// # Safety
/// As `unleashed_sign`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_sign_url(
    key: *const unleashed_key,
    url: *const c_char,
    url_len: usize,
    form: unleashed_signed_form,
    out: *mut c_char,
    out_len: usize,
) -> unleashed_status {
    boundary(|| {
        // SAFETY: as in `unleashed_sign`.
        let (key, url) = unsafe { (prepared(key)?, input(url, url_len)?) };
        let form = signed_form(form)?;
        // SAFETY: as above.
        let out = unsafe { signature_output(out, out_len) }?;
        out.write_with_nul(key.sign_url(url, form)?.as_bytes())
    })
}

/// Checks, in constant time, that `signature` (`signature_len` characters, normally 44, no NUL needed) is this
/// key's signature of `message` signed verbatim.
///
/// Returns `UNLEASHED_OK` when it matches, `UNLEASHED_SIGNATURE_MISMATCH` when it does not (including a wrong
/// length), or `UNLEASHED_NULL_POINTER`, `UNLEASHED_MISALIGNED_POINTER`, `UNLEASHED_INVALID_LENGTH`,
/// `UNLEASHED_KEY_NOT_INITIALISED`.
///
/// # Safety
/// Each pointer must be NULL or valid for its length.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_verify(
    key: *const unleashed_key,
    message: *const c_char,
    message_len: usize,
    signature: *const c_char,
    signature_len: usize,
) -> unleashed_status {
    boundary(|| {
        // SAFETY: as in `unleashed_sign`.
        let (key, message, signature) =
            unsafe { (prepared(key)?, input(message, message_len)?, input(signature, signature_len)?) };
        Ok(key.verify(message, signature)?)
    })
}

/// Checks, in constant time, the signature of a URL's query in the given form (see `unleashed_sign_url`).
///
/// Returns what `unleashed_verify` returns, and `UNLEASHED_INVALID_SIGNED_FORM`, `UNLEASHED_MALFORMED_ESCAPE`.
///
/// # Safety
/// Each pointer must be NULL or valid for its length.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_verify_url(
    key: *const unleashed_key,
    url: *const c_char,
    url_len: usize,
    form: unleashed_signed_form,
    signature: *const c_char,
    signature_len: usize,
) -> unleashed_status {
    boundary(|| {
        // SAFETY: as in `unleashed_sign`.
        let (key, url) = unsafe { (prepared(key)?, input(url, url_len)?) };
        let form = signed_form(form)?;
        // SAFETY: as above.
        let signature = unsafe { input(signature, signature_len) }?;
        Ok(key.verify_url(url, form, signature)?)
    })
}
