//! The header values: checks for the two the caller supplies, and the three that authenticate a request at once.

use core::ffi::c_char;
use core::mem::offset_of;

use unleashed_signer::{ApiId, ClientType, SigningHeaders};

use crate::boundary::{Output, boundary, input};
use crate::key::{prepared, unleashed_key};
use crate::sign::{UNLEASHED_SIGNATURE_BUFFER_LEN, signed_form, unleashed_signed_form};
use crate::status::*;

/// Checks that `id` (`id_len` bytes, no NUL needed) is an API id: a GUID of 36 characters, hex digits and dashes.
///
/// Returns `UNLEASHED_OK`, or `UNLEASHED_INVALID_API_ID`, `UNLEASHED_NULL_POINTER`, `UNLEASHED_INVALID_LENGTH`.
///
/// # Safety
/// `id` must be NULL or readable for `id_len` bytes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_api_id_validate(id: *const c_char, id_len: usize) -> unleashed_status {
    boundary(|| {
        // SAFETY: the caller promises `id_len` readable bytes.
        ApiId::parse(unsafe { input(id, id_len) }?)?;
        Ok(())
    })
}

/// Checks that `client_type` is `partner_or_account/app_name`: two non-empty names joined by one `/`, visible
/// ASCII only, at most 64 bytes (for example `acme/orderautomation`).
///
/// Returns `UNLEASHED_OK`, or `UNLEASHED_INVALID_CLIENT_TYPE`, `UNLEASHED_NULL_POINTER`, `UNLEASHED_INVALID_LENGTH`.
///
/// # Safety
/// `client_type` must be NULL or readable for `client_type_len` bytes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_client_type_validate(
    client_type: *const c_char,
    client_type_len: usize,
) -> unleashed_status {
    boundary(|| {
        // SAFETY: the caller promises `client_type_len` readable bytes.
        ClientType::parse(unsafe { input(client_type, client_type_len) }?)?;
        Ok(())
    })
}

/// Characters in an API id (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`), not counting the NUL.
pub const UNLEASHED_API_ID_LEN: usize = 36;

/// The longest client type accepted, in bytes, not counting the NUL.
pub const UNLEASHED_CLIENT_TYPE_MAX_LEN: usize = 64;

const _: () = assert!(UNLEASHED_API_ID_LEN == ApiId::LEN);
const _: () = assert!(UNLEASHED_CLIENT_TYPE_MAX_LEN == ClientType::MAX_LEN);

/// The three header values that authenticate a request, as every runtime sends them, written by
/// `unleashed_headers_for_url`. Each is NUL-terminated; the struct is 147 bytes of `char` (no padding), so a
/// runtime may also pass a 147-byte buffer and read the values at offsets 0, 37 and 82.
///
/// These three headers are a credential: send them only to the origin (scheme, host, port) the request was made
/// for, never on a redirect to another origin (docs/http-contract.md).
#[repr(C)]
pub struct unleashed_headers {
    /// The `api-auth-id` value: the API id in lowercase, 36 characters and a NUL.
    pub api_id: [c_char; 37],
    /// The `api-auth-signature` value: 44 characters and a NUL.
    pub signature: [c_char; 45],
    /// The `client-type` value as checked: at most 64 characters, then a NUL (the rest of the array is zero).
    pub client_type: [c_char; 65],
}

const _: () = assert!(size_of::<unleashed_headers>() == 147 && align_of::<unleashed_headers>() == 1);
const _: () = assert!(size_of::<[c_char; 37]>() == UNLEASHED_API_ID_LEN + 1);
const _: () = assert!(size_of::<[c_char; 45]>() == UNLEASHED_SIGNATURE_BUFFER_LEN);
const _: () = assert!(size_of::<[c_char; 65]>() == UNLEASHED_CLIENT_TYPE_MAX_LEN + 1);

/// The bytes of an `unleashed_headers` holding `headers`: each value at its field's offset, zero after it.
fn image(headers: &SigningHeaders<'_>) -> [u8; size_of::<unleashed_headers>()] {
    let mut out = [0u8; size_of::<unleashed_headers>()];
    let fields = [
        (offset_of!(unleashed_headers, api_id), headers.api_id().as_str()),
        (offset_of!(unleashed_headers, signature), headers.signature().as_str()),
        (offset_of!(unleashed_headers, client_type), headers.client_type().as_str()),
    ];
    for (offset, value) in fields {
        out[offset..offset + value.len()].copy_from_slice(value.as_bytes());
    }
    out
}

/// Writes the three values that authenticate a request to `url` into `*out`: the API id in lowercase, the client
/// type as checked, and the signature of the URL's query in the given form (as `unleashed_sign_url`). Every
/// runtime sends exactly these bytes, so none formats or checks a header value itself.
///
/// `api_id` is checked as by `unleashed_api_id_validate` (either case is accepted; the output is lowercase) and
/// `client_type` as by `unleashed_client_type_validate`, in that order, then the query is signed. `out_len` must be
/// at least `sizeof(unleashed_headers)` (147); `*out` is written only on success. No input may lie inside `*out`.
///
/// Returns `UNLEASHED_OK`, or `UNLEASHED_NULL_POINTER`, `UNLEASHED_MISALIGNED_POINTER`, `UNLEASHED_INVALID_LENGTH`,
/// `UNLEASHED_KEY_NOT_INITIALISED`, `UNLEASHED_INVALID_SIGNED_FORM`, `UNLEASHED_BUFFER_TOO_SMALL`,
/// `UNLEASHED_OVERLAPPING_BUFFERS`, `UNLEASHED_INVALID_API_ID`, `UNLEASHED_INVALID_CLIENT_TYPE`,
/// `UNLEASHED_MALFORMED_ESCAPE`.
///
/// # Safety
/// Each pointer must be NULL or valid for its length (`key` for an `unleashed_key`, `out` writable for `out_len`
/// bytes).
#[must_use]
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn unleashed_headers_for_url(
    key: *const unleashed_key,
    api_id: *const c_char,
    api_id_len: usize,
    client_type: *const c_char,
    client_type_len: usize,
    url: *const c_char,
    url_len: usize,
    form: unleashed_signed_form,
    out: *mut unleashed_headers,
    out_len: usize,
) -> unleashed_status {
    boundary(|| {
        // SAFETY: each pointer is checked by the helper, and the caller promises it is valid for its length.
        let (key, api_id, client_type, url) = unsafe {
            (prepared(key)?, input(api_id, api_id_len)?, input(client_type, client_type_len)?, input(url, url_len)?)
        };
        let form = signed_form(form)?;
        // SAFETY: as above.
        let out = unsafe { Output::new(out.cast(), out_len) }?;
        out.require(size_of::<unleashed_headers>())?;
        if out.overlaps(api_id) || out.overlaps(client_type) || out.overlaps(url) {
            return Err(UNLEASHED_OVERLAPPING_BUFFERS);
        }
        out.write(&image(&SigningHeaders::for_url(key, api_id, client_type, url, form)?))
    })
}
