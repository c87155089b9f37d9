//! Caller-allocated key storage: the library never allocates, and a cleared key is every byte zero.

use core::ffi::c_char;
use core::ptr;

use unleashed_signer::{KeyFormat, SigningKey};

use crate::boundary::{boundary, input, never_panics, storage};
use crate::status::*;

/// Storage for a prepared signing key, allocated by the caller (on the stack, in a struct, or with malloc).
///
/// Opaque: only this library reads or writes it. Initialise it with `unleashed_key_init`, which only writes it
/// (uninitialised storage is fine), and wipe it with `unleashed_key_clear` when done. Zero-initialise it
/// (`unleashed_key key = {0};`) so that using it before `unleashed_key_init` reliably returns
/// `UNLEASHED_KEY_NOT_INITIALISED`. It holds no pointers: a copy made
/// with `memcpy` is a working key too, and must be cleared as well. A key may be used by several threads at
/// once for signing and verifying, but must not be initialised or cleared while another thread uses it.
#[repr(C)]
pub struct unleashed_key {
    pub(crate) opaque: [u64; 16],
}

/// The state behind an `unleashed_key`: a tag saying whether `key` holds a prepared key, then the key.
#[repr(C)]
struct KeySlot {
    tag: u64,
    key: SigningKey,
}

/// The tag of an initialised key; a cleared or zeroed key has tag 0. Any other value is "not initialised".
const KEY_TAG: u64 = 0x756e_6c65_6173_6831;

const _: () = assert!(size_of::<KeySlot>() <= size_of::<unleashed_key>(), "unleashed_key is too small");
const _: () = assert!(align_of::<KeySlot>() <= align_of::<unleashed_key>(), "unleashed_key is under-aligned");

/// How the secret given to `unleashed_key_init` is read: one of the `UNLEASHED_KEY_FORMAT_*` values.
///
/// A plain integer rather than a C enum, so that any value C passes is defined behaviour: unknown ones are
/// rejected with `UNLEASHED_INVALID_KEY_FORMAT`.
pub type unleashed_key_format = u32;

/// The key text's own bytes are the HMAC key: Unleashed's way. Rejects empty keys, whitespace (a pasted
/// trailing newline) and control characters.
pub const UNLEASHED_KEY_FORMAT_TEXT: unleashed_key_format = 0;
/// The key is padded standard base64 and its decoded bytes are the HMAC key. Never right for Unleashed keys;
/// for other services that hand out base64-encoded binary secrets.
pub const UNLEASHED_KEY_FORMAT_BASE64: unleashed_key_format = 1;
/// The bytes are the HMAC key as they are; only an empty secret is rejected.
pub const UNLEASHED_KEY_FORMAT_RAW: unleashed_key_format = 2;

fn key_format(format: unleashed_key_format) -> Result<KeyFormat, unleashed_status> {
    match format {
        UNLEASHED_KEY_FORMAT_TEXT => Ok(KeyFormat::Text),
        UNLEASHED_KEY_FORMAT_BASE64 => Ok(KeyFormat::Base64),
        UNLEASHED_KEY_FORMAT_RAW => Ok(KeyFormat::Raw),
        _ => Err(UNLEASHED_INVALID_KEY_FORMAT),
    }
}

/// Borrows the prepared key behind `key`, or says why there is none.
///
/// # Safety
/// `key` must be NULL or point to an `unleashed_key` that is not written to while the borrow lives.
pub(crate) unsafe fn prepared<'a>(key: *const unleashed_key) -> Result<&'a SigningKey, unleashed_status> {
    storage(key)?;
    let slot = key.cast::<KeySlot>();
    // SAFETY: `key` is non-NULL and aligned, and the storage is large and aligned enough for a `KeySlot` (checked
    // at compile time); every bit pattern is a valid `u64`.
    let tag = unsafe { ptr::addr_of!((*slot).tag).read() };
    if tag != KEY_TAG {
        return Err(UNLEASHED_KEY_NOT_INITIALISED);
    }
    // SAFETY: the tag is only ever set right after a `SigningKey` was written behind it (`unleashed_key_init`).
    Ok(unsafe { &*ptr::addr_of!((*slot).key) })
}

/// Writes zero over every byte of the storage, never reading it: the storage may hold anything, or nothing yet.
///
/// A `SigningKey` owns no resources beyond its bytes, so overwriting a tagged key without dropping it loses
/// nothing, and its wiping `Drop` would only write the same zeros.
///
/// # Safety
/// `key` must be non-NULL, aligned, and point to `unleashed_key` storage nothing else uses during the call.
unsafe fn wipe(key: *mut unleashed_key) {
    let words = key.cast::<u64>();
    for i in 0..size_of::<unleashed_key>() / size_of::<u64>() {
        // SAFETY: `key` is valid for writes of a whole `unleashed_key`, which is exactly these `u64` words. A
        // volatile store is never optimised away, even though the storage is dead from the compiler's view.
        unsafe { words.add(i).write_volatile(0) };
    }
    core::sync::atomic::compiler_fence(core::sync::atomic::Ordering::SeqCst);
}

/// Prepares a signing key in the caller's storage.
///
/// `secret` is `secret_len` bytes (no NUL needed; NULL only with length 0). Any key previously held in `key` is
/// wiped first, and on any failure `key` is left cleared.
///
/// The storage is only written, never read: it need not be initialised (though zero-initialising it, as
/// `unleashed_key key = {0};`, makes a use before `unleashed_key_init` reliably return
/// `UNLEASHED_KEY_NOT_INITIALISED`). The key is prepared in `*key` itself, and every intermediate copy of key
/// material the library makes (the padded key block, a long key's hash) is wiped before the call returns; what
/// docs/wiping.md lists as out of reach (the caller's own copies of the secret, the kernel, a
/// signal arriving mid-call) stays out of reach.
///
/// Returns `UNLEASHED_OK`, or `UNLEASHED_NULL_POINTER`, `UNLEASHED_MISALIGNED_POINTER`,
/// `UNLEASHED_INVALID_LENGTH`, `UNLEASHED_INVALID_KEY_FORMAT`, `UNLEASHED_EMPTY_KEY`, `UNLEASHED_KEY_WHITESPACE`,
/// `UNLEASHED_KEY_CONTROL_CHARACTER`, `UNLEASHED_KEY_NOT_UTF8`, `UNLEASHED_INVALID_BASE64`,
/// `UNLEASHED_BASE64_KEY_TOO_LONG`.
///
/// # Safety
/// `key` must be NULL or point to `unleashed_key` storage; `secret` must be readable for `secret_len` bytes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_key_init(
    key: *mut unleashed_key,
    secret: *const c_char,
    secret_len: usize,
    format: unleashed_key_format,
) -> unleashed_status {
    boundary(|| {
        storage(key)?;
        // SAFETY: checked non-NULL and aligned; the caller gives us the storage for the call. The storage is only
        // written, never read, so uninitialised storage is fine.
        unsafe { wipe(key) };
        // SAFETY: the caller promises `secret_len` readable bytes.
        let secret = unsafe { input(secret, secret_len) }?;
        let format = key_format(format)?;
        let slot = key.cast::<KeySlot>();
        // The key is prepared in the caller's storage itself: an empty key (all zero, no secret) is written there,
        // and `load` computes the prepared states in place, so no copy of them is ever made elsewhere.
        // SAFETY: the storage fits a `KeySlot` (compile-time check) and holds zeros, nothing to drop. While the tag
        // is 0 no other call reads the key; the caller gives us exclusive use of the storage for the call.
        let loaded = unsafe {
            let prepared = ptr::addr_of_mut!((*slot).key);
            prepared.write(SigningKey::empty());
            (*prepared).load(secret, format)
        };
        if let Err(e) = loaded {
            // SAFETY: as above. `load` left the key empty; this makes sure every byte is zero again.
            unsafe { wipe(key) };
            return Err(e.into());
        }
        // SAFETY: as above. The tag is written last: it promises a prepared key behind it.
        unsafe { ptr::addr_of_mut!((*slot).tag).write(KEY_TAG) };
        Ok(())
    })
}

/// Wipes the key: afterwards every byte of `*key` is zero and using it returns `UNLEASHED_KEY_NOT_INITIALISED`.
///
/// Call it when the key is no longer needed (C has no destructors). NULL is a no-op; clearing twice is fine.
///
/// # Safety
/// `key` must be NULL or point to `unleashed_key` storage that no other thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn unleashed_key_clear(key: *mut unleashed_key) {
    never_panics(|| {
        if storage(key).is_ok() {
            // SAFETY: checked non-NULL and aligned; the caller gives us the storage for the call.
            unsafe { wipe(key) };
        }
    });
}

/// The size of `unleashed_key` in bytes, for bindings that allocate it themselves (align it to 8 bytes).
#[unsafe(no_mangle)]
pub extern "C" fn unleashed_key_size() -> usize {
    size_of::<unleashed_key>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_sign_clear_round_trip() {
        let mut key = unleashed_key { opaque: [0xa5; 16] };
        let secret = "made-up-key";
        // SAFETY: valid storage and secret.
        unsafe {
            assert_eq!(prepared(&key).err(), Some(UNLEASHED_KEY_NOT_INITIALISED));
            let status = unleashed_key_init(&mut key, secret.as_ptr().cast(), secret.len(), UNLEASHED_KEY_FORMAT_TEXT);
            assert_eq!(status, UNLEASHED_OK);
            let expected = SigningKey::from_text(secret).unwrap().sign(b"a=1");
            assert_eq!(prepared(&key).unwrap().sign(b"a=1"), expected);
            unleashed_key_clear(&mut key);
            assert_eq!(key.opaque, [0; 16]);
            assert_eq!(prepared(&key).err(), Some(UNLEASHED_KEY_NOT_INITIALISED));
        }
    }

    #[test]
    fn a_failed_init_leaves_the_key_cleared() {
        let mut key = unleashed_key { opaque: [0; 16] };
        // SAFETY: valid storage and secrets.
        unsafe {
            assert_eq!(unleashed_key_init(&mut key, c"ok".as_ptr(), 2, UNLEASHED_KEY_FORMAT_TEXT), UNLEASHED_OK);
            assert_eq!(
                unleashed_key_init(&mut key, c"ok\n".as_ptr(), 3, UNLEASHED_KEY_FORMAT_TEXT),
                UNLEASHED_KEY_WHITESPACE
            );
            assert_eq!(key.opaque, [0; 16]);
            assert_eq!(unleashed_key_init(&mut key, c"ok".as_ptr(), 2, 3), UNLEASHED_INVALID_KEY_FORMAT);
        }
    }
}
