//! Key material never shows: not in `Debug`, not in any error message, and not in memory after a key is dropped.

use std::mem::{MaybeUninit, size_of};
use std::ptr;

use unleashed_signer::{KeyError, KeyFormat, SigningKey};

/// Made up, of the real shape: 84 characters of the base64 alphabet, then `==`.
const KEY: &str = "/SR1uVpKPlif/wn/KcRj8bttaA4wYbXm7A1bjvp0BCLcdPoOPwlcxpQAnxOPjHrWQBAVvs/2TQmrGDtYObkM==";

#[test]
fn debug_of_a_key_is_exactly_the_redacted_form() {
    let keys = [
        SigningKey::from_text(KEY).unwrap(),
        SigningKey::from_bytes(b"\x00\x01secret").unwrap(),
        SigningKey::from_base64("c2VjcmV0IGJ5dGVz").unwrap(),
        SigningKey::new(KEY.as_bytes(), KeyFormat::Raw).unwrap(),
    ];
    for key in &keys {
        assert_eq!(format!("{key:?}"), "SigningKey { .. }");
        assert_eq!(format!("{key:#?}"), "SigningKey { .. }");
        assert_eq!(format!("{:?}", key.signer()), "Signer { .. }");
        assert_eq!(format!("{:?}", key.clone()), "SigningKey { .. }");
    }
}

/// Fails if `text` holds `secret` or any 8-byte window of it.
fn assert_holds_no_part_of(text: &str, secret: &[u8], context: &str) {
    let window = 8.min(secret.len());
    for part in secret.windows(window) {
        assert!(
            !text.as_bytes().windows(window).any(|w| w == part),
            "{context}: message {text:?} holds key bytes {:?}",
            String::from_utf8_lossy(part)
        );
    }
}

/// Every way a key can be refused, each with the key's bytes around the fault.
fn refused_keys() -> Vec<(Vec<u8>, KeyFormat)> {
    let mut keys = Vec::new();
    for bad in ["\n", "\r\n", "\t", " ", "\u{a0}", "\u{2003}", "\u{7}", "\u{1b}"] {
        for at in [0, 1, 8, 43, KEY.len() - 1, KEY.len()] {
            let key = format!("{}{bad}{}", &KEY[..at], &KEY[at..]);
            keys.push((key.clone().into_bytes(), KeyFormat::Text));
            keys.push((key.into_bytes(), KeyFormat::Base64));
        }
    }
    let mut not_utf8 = KEY.as_bytes().to_vec();
    not_utf8.insert(50, 0xff);
    keys.push((not_utf8.clone(), KeyFormat::Text));
    keys.push((not_utf8, KeyFormat::Base64));
    // The real shape is not valid padded base64 (86 is not a multiple of 4).
    keys.push((KEY.as_bytes().to_vec(), KeyFormat::Base64));
    keys.push((KEY.repeat(4).into_bytes(), KeyFormat::Base64));
    keys
}

#[test]
fn no_key_error_message_holds_any_key_bytes() {
    let keys = refused_keys();
    let mut kinds = std::collections::BTreeSet::new();
    for (key, format) in &keys {
        let error: KeyError = SigningKey::new(key, *format).expect_err("the key must be refused");
        let context = format!("{format:?} key {:?}", String::from_utf8_lossy(key));
        for text in [error.to_string(), format!("{error:?}"), format!("{error:#?}")] {
            assert_holds_no_part_of(&text, KEY.as_bytes(), &context);
            assert_holds_no_part_of(&text, key, &context);
        }
        kinds.insert(format!("{error:?}").split([' ', '(']).next().unwrap().to_owned());
    }
    // Every kind of refusal was exercised, or the check above proves less than it claims.
    let expected = ["Base64TooLong", "Control", "InvalidBase64", "NotUtf8", "Whitespace"];
    assert_eq!(kinds.iter().map(String::as_str).collect::<Vec<_>>(), expected);
}

/// Reads every byte of `storage`.
///
/// # Safety
/// Every byte of `storage` must be initialised.
unsafe fn bytes_of<T>(storage: &MaybeUninit<T>) -> Vec<u8> {
    let start = storage.as_ptr().cast::<u8>();
    // SAFETY: the `size_of::<T>()` bytes from `start` lie inside `storage` and are initialised (the caller's
    // promise); volatile, so the read is not reasoned away after the drop.
    (0..size_of::<T>()).map(|i| unsafe { ptr::read_volatile(start.add(i)) }).collect()
}

#[test]
fn dropping_a_key_wipes_its_storage() {
    let keys: [fn() -> SigningKey; 4] = [
        || SigningKey::from_text(KEY).unwrap(),
        || SigningKey::from_bytes(&[0xA5; 131]).unwrap(),
        || SigningKey::from_base64("c2VjcmV0IGJ5dGVz").unwrap(),
        || SigningKey::from_text(KEY).unwrap().clone(),
    ];
    for make in keys {
        // Zeroed first, so that every byte is initialised even if `SigningKey` ever gains padding; today it holds
        // only integer words and counters.
        let mut storage = MaybeUninit::<SigningKey>::zeroed();
        storage.write(make());
        // SAFETY: zero-initialised storage, now holding a `SigningKey` written over it.
        let live = unsafe { bytes_of(&storage) };
        assert!(live.iter().filter(|&&b| b != 0).count() > size_of::<SigningKey>() / 2, "prepared state is present");
        // SAFETY: `storage` holds a valid `SigningKey` (written above) that is dropped exactly once, here, and never
        // used as a `SigningKey` again.
        unsafe { ptr::drop_in_place(storage.as_mut_ptr()) };
        // SAFETY: dropping does not de-initialise the bytes; it only runs `SigningKey`'s `Drop`, which writes zeros.
        let dropped = unsafe { bytes_of(&storage) };
        assert!(dropped.iter().all(|&b| b == 0), "bytes left after drop: {dropped:02x?}");
    }
}

#[test]
fn an_empty_key_is_all_zero_and_load_prepares_it_in_place() {
    let mut storage = MaybeUninit::<SigningKey>::zeroed();
    let key = storage.write(SigningKey::empty());
    assert!(key.is_empty());
    // SAFETY: zero-initialised storage holding a `SigningKey`; only read by bytes.
    assert!(unsafe { bytes_of(&storage) }.iter().all(|&b| b == 0), "an empty key holds no bytes");

    // SAFETY: `storage` holds the `SigningKey` written above.
    let key = unsafe { storage.assume_init_mut() };
    key.load(KEY.as_bytes(), KeyFormat::Text).unwrap();
    assert!(!key.is_empty());
    assert_eq!(key.sign(b"customerCode=ACME"), SigningKey::from_text(KEY).unwrap().sign(b"customerCode=ACME"));
    // SAFETY: as above.
    let loaded = unsafe { bytes_of(&storage) };
    assert!(loaded.iter().filter(|&&b| b != 0).count() > size_of::<SigningKey>() / 2, "prepared in this storage");

    // Loading again replaces the key; a failed load leaves it empty, every byte zero.
    // SAFETY: as above.
    let key = unsafe { storage.assume_init_mut() };
    key.load(b"another-made-up-key", KeyFormat::Text).unwrap();
    assert_eq!(key.sign(b"a=1"), SigningKey::from_text("another-made-up-key").unwrap().sign(b"a=1"));
    assert_eq!(key.load(b"made-up-key\n", KeyFormat::Text).unwrap_err().to_string(), {
        SigningKey::from_text("made-up-key\n").unwrap_err().to_string()
    });
    assert!(key.is_empty());
    // SAFETY: as above.
    assert!(unsafe { bytes_of(&storage) }.iter().all(|&b| b == 0), "a failed load leaves every byte zero");
    // SAFETY: as above; dropped once.
    unsafe { storage.assume_init_drop() };
}

#[test]
fn load_reads_every_format_as_the_constructors_do() {
    let cases: [(&[u8], KeyFormat); 5] = [
        (KEY.as_bytes(), KeyFormat::Text),
        (b"short", KeyFormat::Text),
        (b"c2VjcmV0IGJ5dGVz", KeyFormat::Base64),
        (&[0xA5; 131], KeyFormat::Raw),
        (b"\x00\xff", KeyFormat::Raw),
    ];
    for (secret, format) in cases {
        let mut key = SigningKey::empty();
        key.load(secret, format).unwrap();
        assert_eq!(key.sign(b"q=1"), SigningKey::new(secret, format).unwrap().sign(b"q=1"), "{format:?}");
    }
    let mut key = SigningKey::empty();
    for (secret, format) in [(&b""[..], KeyFormat::Raw), (b"", KeyFormat::Text), (b"abc", KeyFormat::Base64)] {
        assert_eq!(key.load(secret, format), Err(SigningKey::new(secret, format).unwrap_err()));
        assert!(key.is_empty());
    }
    assert!(!SigningKey::from_text(KEY).unwrap().is_empty());
}
