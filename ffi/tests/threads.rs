//! One `unleashed_key` signs from many threads at once, as the header promises, through the C ABI (via the rlib).

use std::ffi::{CStr, c_char};

use unleashed_signer::SigningKey;
use unleashed_signer_ffi::{
    UNLEASHED_KEY_FORMAT_TEXT, UNLEASHED_SIGNATURE_BUFFER_LEN, unleashed_key, unleashed_key_clear, unleashed_key_init,
    unleashed_key_size, unleashed_sign, unleashed_status,
};

const SECRET: &str = "made-up-key-for-tests-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX==";

#[test]
fn one_key_signs_from_eight_threads_like_the_core() {
    assert_eq!(unleashed_key_size(), size_of::<unleashed_key>());
    let mut key = std::mem::MaybeUninit::<unleashed_key>::zeroed();
    // SAFETY: `key` is writable storage of the right type; the secret is valid for its length.
    let status = unsafe {
        unleashed_key_init(key.as_mut_ptr(), SECRET.as_ptr().cast(), SECRET.len(), UNLEASHED_KEY_FORMAT_TEXT)
    };
    assert_eq!(status, unleashed_status::UNLEASHED_OK);
    let key_ptr = key.as_ptr() as usize;
    let core = SigningKey::from_text(SECRET).unwrap();
    std::thread::scope(|scope| {
        for thread in 0..8 {
            let core = &core;
            scope.spawn(move || {
                for i in 0..2_000 {
                    let message = format!("customerCode=T{thread}&page={i}");
                    let mut out = [0 as c_char; UNLEASHED_SIGNATURE_BUFFER_LEN];
                    // SAFETY: the key outlives the scope and is only read; every buffer is valid for its length.
                    let status = unsafe {
                        unleashed_sign(
                            key_ptr as *const unleashed_key,
                            message.as_ptr().cast(),
                            message.len(),
                            out.as_mut_ptr(),
                            out.len(),
                        )
                    };
                    assert_eq!(status, unleashed_status::UNLEASHED_OK);
                    // SAFETY: on success the library wrote a NUL-terminated signature into `out`.
                    let signature = unsafe { CStr::from_ptr(out.as_ptr()) };
                    assert_eq!(signature.to_str().unwrap(), core.sign(message.as_bytes()).as_str(), "{message}");
                }
            });
        }
    });
    // SAFETY: no thread uses the key any more.
    unsafe { unleashed_key_clear(key.as_mut_ptr()) };
    // SAFETY: the storage is initialised (zeroed, then written by the library) and plain integers throughout.
    let bytes = unsafe { std::slice::from_raw_parts(key.as_ptr().cast::<u8>(), size_of::<unleashed_key>()) };
    assert!(bytes.iter().all(|&b| b == 0));
}
