//! Checks for the two header values the caller supplies besides the signature.

use core::ffi::c_char;

use unleashed_signer::{ApiId, ClientType};

use crate::boundary::{boundary, input};
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
