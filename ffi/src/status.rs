//! The one status type every fallible export returns, and its messages.

use core::ffi::{CStr, c_char};

use unleashed_signer::{ApiIdError, BuildError, ClientTypeError, DecodeError, HeaderError, KeyError, VerifyError};

/// The result of every fallible call: `UNLEASHED_OK` (0) or the reason it failed.
///
/// The numbers are part of the ABI: they never change and a retired number is never reused. C receives any
/// value as a `uint32_t`; `unleashed_status_str` gives a message for each, including numbers it does not know.
#[repr(u32)]
#[must_use]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub enum unleashed_status {
    /// Success.
    UNLEASHED_OK = 0,
    /// A Rust panic was caught at the boundary: a bug in this library; please report it.
    UNLEASHED_PANIC = 1,
    /// A pointer argument was NULL where a value is needed (an input may be NULL only with length 0).
    UNLEASHED_NULL_POINTER = 2,
    /// A length is larger than any real object (over `PTRDIFF_MAX`, or it runs past the end of memory).
    UNLEASHED_INVALID_LENGTH = 3,
    /// A key or query pointer is not aligned for its type.
    UNLEASHED_MISALIGNED_POINTER = 4,
    /// An output buffer is too small; nothing was written to it.
    UNLEASHED_BUFFER_TOO_SMALL = 5,
    /// An input overlaps the buffer the call writes to.
    UNLEASHED_OVERLAPPING_BUFFERS = 6,
    /// The key was never initialised, was cleared, or its initialisation failed.
    UNLEASHED_KEY_NOT_INITIALISED = 10,
    /// The key format number is not one of `UNLEASHED_KEY_FORMAT_*`.
    UNLEASHED_INVALID_KEY_FORMAT = 11,
    /// The signed-form number is not one of `UNLEASHED_SIGNED_FORM_*`.
    UNLEASHED_INVALID_SIGNED_FORM = 12,
    /// The query builder was never initialised.
    UNLEASHED_QUERY_NOT_INITIALISED = 13,
    /// The key is empty.
    UNLEASHED_EMPTY_KEY = 20,
    /// The key text holds whitespace (usually a pasted trailing newline or space).
    UNLEASHED_KEY_WHITESPACE = 21,
    /// The key text holds a control character.
    UNLEASHED_KEY_CONTROL_CHARACTER = 22,
    /// The key text is not valid UTF-8.
    UNLEASHED_KEY_NOT_UTF8 = 23,
    /// The key was to be base64-decoded but is not valid padded standard base64.
    UNLEASHED_INVALID_BASE64 = 24,
    /// The base64 key is longer than the library decodes.
    UNLEASHED_BASE64_KEY_TOO_LONG = 25,
    /// The key was rejected for a reason this version of the C API has no number for.
    UNLEASHED_INVALID_KEY = 26,
    /// A `%` in the query is not followed by two hex digits, so the decoded form cannot be signed.
    UNLEASHED_MALFORMED_ESCAPE = 30,
    /// A query parameter has an empty name.
    UNLEASHED_EMPTY_PARAMETER_NAME = 31,
    /// The signature does not match the message.
    UNLEASHED_SIGNATURE_MISMATCH = 40,
    /// The API id is not a 36-character GUID.
    UNLEASHED_INVALID_API_ID = 50,
    /// The client type is not `partner_or_account/app_name` in visible ASCII of at most 64 bytes.
    UNLEASHED_INVALID_CLIENT_TYPE = 51,
}

pub(crate) use unleashed_status::*;

/// The message for a status number; `None` for a number this version does not know.
fn message(status: u32) -> Option<&'static CStr> {
    Some(match status {
        0 => c"success",
        1 => c"internal error: a panic was caught inside unleashed-signer; please report this bug",
        2 => c"a required pointer argument is NULL (an input may be NULL only when its length is 0)",
        3 => c"a length is larger than any real buffer: pass the buffer's real length",
        4 => c"a key or query pointer is misaligned: declare the storage as its type or use aligned memory",
        5 => c"the output buffer is too small: nothing was written; pass a larger buffer",
        6 => c"an input overlaps the output buffer: pass separate buffers",
        10 => c"the key is not initialised: call unleashed_key_init and check its status before using the key",
        11 => c"unknown key format: use UNLEASHED_KEY_FORMAT_TEXT (Unleashed's way), _BASE64 or _RAW",
        12 => c"unknown signed form: use UNLEASHED_SIGNED_FORM_DECODED (the default) or _WIRE",
        13 => c"the query builder is not initialised: call unleashed_query_init first",
        20 => c"the API key is empty: set it to the key from Unleashed's API Access page",
        21 => c"the API key contains whitespace: copy the key again without the trailing newline or spaces",
        22 => c"the API key contains a control character: copy the key again as plain text",
        23 => c"the API key is not valid UTF-8: pass the key text exactly as Unleashed shows it",
        24 => c"the key is not valid padded base64; Unleashed keys are used as text, so use UNLEASHED_KEY_FORMAT_TEXT",
        25 => c"the base64 key is too long: use UNLEASHED_KEY_FORMAT_RAW for long binary secrets",
        26 => c"the key was rejected: check that it is the key from Unleashed's API Access page",
        30 => c"the query has a '%' not followed by two hex digits: write a literal '%' as %25, or sign the wire form",
        31 => c"a query parameter has an empty name: give every parameter a name",
        40 => c"the signature does not match: check the key, the signed form (decoded or wire) and that only the query is signed",
        50 => c"the API id is not a GUID like 01234567-89ab-cdef-0123-456789abcdef: copy it from Unleashed's API Access page",
        51 => c"the client type must be partner_or_account/app_name, visible ASCII, at most 64 bytes (e.g. acme/orderautomation)",
        _ => return None,
    })
}

/// Returns a static, NUL-terminated English message for any status number, including unknown ones.
///
/// The string is never NULL and never freed. Messages say what to do and never contain key material.
#[unsafe(no_mangle)]
pub extern "C" fn unleashed_status_str(status: u32) -> *const c_char {
    crate::boundary::never_panics(|| message(status).unwrap_or(c"unknown unleashed_status value").as_ptr())
}

impl From<KeyError> for unleashed_status {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::Empty => UNLEASHED_EMPTY_KEY,
            KeyError::Whitespace { .. } => UNLEASHED_KEY_WHITESPACE,
            KeyError::Control { .. } => UNLEASHED_KEY_CONTROL_CHARACTER,
            KeyError::NotUtf8 { .. } => UNLEASHED_KEY_NOT_UTF8,
            KeyError::InvalidBase64 => UNLEASHED_INVALID_BASE64,
            KeyError::Base64TooLong { .. } => UNLEASHED_BASE64_KEY_TOO_LONG,
            _ => UNLEASHED_INVALID_KEY,
        }
    }
}

impl From<DecodeError> for unleashed_status {
    fn from(e: DecodeError) -> Self {
        match e {
            DecodeError::MalformedEscape { .. } => UNLEASHED_MALFORMED_ESCAPE,
            _ => UNLEASHED_MALFORMED_ESCAPE,
        }
    }
}

impl From<VerifyError> for unleashed_status {
    fn from(e: VerifyError) -> Self {
        match e {
            VerifyError::Mismatch => UNLEASHED_SIGNATURE_MISMATCH,
            VerifyError::Decode(e) => e.into(),
            _ => UNLEASHED_SIGNATURE_MISMATCH,
        }
    }
}

impl From<ApiIdError> for unleashed_status {
    fn from(_: ApiIdError) -> Self {
        UNLEASHED_INVALID_API_ID
    }
}

impl From<ClientTypeError> for unleashed_status {
    fn from(_: ClientTypeError) -> Self {
        UNLEASHED_INVALID_CLIENT_TYPE
    }
}

impl From<HeaderError> for unleashed_status {
    fn from(e: HeaderError) -> Self {
        match e {
            HeaderError::ApiId(e) => e.into(),
            HeaderError::ClientType(e) => e.into(),
            HeaderError::Decode(e) => e.into(),
            _ => UNLEASHED_PANIC,
        }
    }
}

impl From<BuildError> for unleashed_status {
    /// `BufferTooSmall` carries the needed size, which the query export reports itself before converting.
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::BufferTooSmall { .. } => UNLEASHED_BUFFER_TOO_SMALL,
            BuildError::EmptyName => UNLEASHED_EMPTY_PARAMETER_NAME,
            _ => UNLEASHED_EMPTY_PARAMETER_NAME,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant, so that a new one without a message fails here.
    const ALL: [unleashed_status; 23] = [
        UNLEASHED_OK,
        UNLEASHED_PANIC,
        UNLEASHED_NULL_POINTER,
        UNLEASHED_INVALID_LENGTH,
        UNLEASHED_MISALIGNED_POINTER,
        UNLEASHED_BUFFER_TOO_SMALL,
        UNLEASHED_OVERLAPPING_BUFFERS,
        UNLEASHED_KEY_NOT_INITIALISED,
        UNLEASHED_INVALID_KEY_FORMAT,
        UNLEASHED_INVALID_SIGNED_FORM,
        UNLEASHED_QUERY_NOT_INITIALISED,
        UNLEASHED_EMPTY_KEY,
        UNLEASHED_KEY_WHITESPACE,
        UNLEASHED_KEY_CONTROL_CHARACTER,
        UNLEASHED_KEY_NOT_UTF8,
        UNLEASHED_INVALID_BASE64,
        UNLEASHED_BASE64_KEY_TOO_LONG,
        UNLEASHED_INVALID_KEY,
        UNLEASHED_MALFORMED_ESCAPE,
        UNLEASHED_EMPTY_PARAMETER_NAME,
        UNLEASHED_SIGNATURE_MISMATCH,
        UNLEASHED_INVALID_API_ID,
        UNLEASHED_INVALID_CLIENT_TYPE,
    ];

    #[test]
    fn every_core_error_becomes_its_documented_status() {
        let place = unleashed_signer::Place::End;
        let kind = unleashed_signer::WhitespaceKind::Newline;
        let keys = [
            (KeyError::Empty, UNLEASHED_EMPTY_KEY),
            (KeyError::Whitespace { place, kind }, UNLEASHED_KEY_WHITESPACE),
            (KeyError::Control { offset: 1 }, UNLEASHED_KEY_CONTROL_CHARACTER),
            (KeyError::NotUtf8 { offset: 1 }, UNLEASHED_KEY_NOT_UTF8),
            (KeyError::InvalidBase64, UNLEASHED_INVALID_BASE64),
            (KeyError::Base64TooLong { max_chars: 256 }, UNLEASHED_BASE64_KEY_TOO_LONG),
        ];
        for (error, status) in keys {
            assert_eq!(unleashed_status::from(error), status, "{error:?}");
        }
        let decode = DecodeError::MalformedEscape { offset: 3 };
        assert_eq!(unleashed_status::from(decode), UNLEASHED_MALFORMED_ESCAPE);
        assert_eq!(unleashed_status::from(VerifyError::Mismatch), UNLEASHED_SIGNATURE_MISMATCH);
        assert_eq!(unleashed_status::from(VerifyError::Decode(decode)), UNLEASHED_MALFORMED_ESCAPE);
        assert_eq!(unleashed_status::from(ApiIdError::Length { len: 3 }), UNLEASHED_INVALID_API_ID);
        assert_eq!(unleashed_status::from(ClientTypeError::Empty), UNLEASHED_INVALID_CLIENT_TYPE);
        let header = |e: HeaderError| unleashed_status::from(e);
        assert_eq!(header(HeaderError::ApiId(ApiIdError::Length { len: 3 })), UNLEASHED_INVALID_API_ID);
        assert_eq!(header(HeaderError::ClientType(ClientTypeError::Empty)), UNLEASHED_INVALID_CLIENT_TYPE);
        assert_eq!(header(HeaderError::Decode(decode)), UNLEASHED_MALFORMED_ESCAPE);
        assert_eq!(unleashed_status::from(BuildError::BufferTooSmall { needed: 9 }), UNLEASHED_BUFFER_TOO_SMALL);
        assert_eq!(unleashed_status::from(BuildError::EmptyName), UNLEASHED_EMPTY_PARAMETER_NAME);
    }

    #[test]
    fn every_status_has_its_own_message_and_unknown_numbers_have_one_too() {
        let mut seen = std::collections::HashSet::new();
        for status in ALL {
            let text = message(status as u32).unwrap_or_else(|| panic!("{status:?} has no message"));
            assert!(seen.insert(text), "{status:?} shares its message");
        }
        let known = (0..=1000).filter(|&n| message(n).is_some()).count();
        assert_eq!(known, ALL.len(), "a message exists for a number that is not a variant");
        for unknown in [7, 99, u32::MAX] {
            // SAFETY: unleashed_status_str returns a pointer to a static NUL-terminated string.
            let text = unsafe { CStr::from_ptr(unleashed_status_str(unknown)) };
            assert_eq!(text, c"unknown unleashed_status value");
        }
    }
}
