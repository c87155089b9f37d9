//! Key parsing: arbitrary bytes through every key format never panic; each error is the one the input calls for
//! (first offending character, where it stands, which kind); each accepted key signs like the `hmac` crate keyed
//! with the bytes that format means; `Debug` never shows the key.
//!
//! Input: the key's bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unleashed_signer::{KeyError, KeyFormat, MAX_BASE64_KEY_CHARS, Place, SigningKey, WhitespaceKind};
use unleashed_signer_fuzz::{base64_decode_strict, hmac_signature};

const MESSAGE: &[u8] = b"customerCode=ACME&modifiedSince=2024-01-01T00:00:00";

fuzz_target!(|data: &[u8]| {
    let text = expected_text(data);
    check(data, KeyFormat::Text, text.map(|_| data.to_vec()));
    check(data, KeyFormat::Base64, text.and_then(expected_base64));
    check(data, KeyFormat::Raw, if data.is_empty() { Err(KeyError::Empty) } else { Ok(data.to_vec()) });
    if let Ok(s) = std::str::from_utf8(data) {
        assert_eq!(outcome(SigningKey::from_text(s)), outcome(SigningKey::new(data, KeyFormat::Text)));
        assert_eq!(outcome(SigningKey::from_base64(s)), outcome(SigningKey::new(data, KeyFormat::Base64)));
    }
    assert_eq!(outcome(SigningKey::from_bytes(data)), outcome(SigningKey::new(data, KeyFormat::Raw)));
});

fn outcome(result: Result<SigningKey, KeyError>) -> Result<Vec<u8>, KeyError> {
    result.map(|key| key.sign(MESSAGE).as_bytes().to_vec())
}

fn check(data: &[u8], format: KeyFormat, expected: Result<Vec<u8>, KeyError>) {
    match (SigningKey::new(data, format), expected) {
        (Ok(key), Ok(hmac_key)) => {
            assert_eq!(key.sign(MESSAGE).as_bytes().as_slice(), hmac_signature(&hmac_key, MESSAGE), "{format:?}");
            assert_eq!(format!("{key:?}"), "SigningKey { .. }");
        }
        (Err(error), Err(expected)) => {
            assert_eq!(error, expected, "{format:?}");
            // `KeyError` holds only offsets and kinds, so its message cannot hold the key; it must still render.
            assert!(!error.to_string().is_empty());
        }
        (ours, expected) => panic!("{format:?}: got {:?}, expected {expected:?}", ours.map(|_| ())),
    }
}

/// What the text format accepts: UTF-8, not empty, no whitespace (named by place and kind) and no control character.
fn expected_text(data: &[u8]) -> Result<&str, KeyError> {
    let text = match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(e) => return Err(KeyError::NotUtf8 { offset: e.valid_up_to() }),
    };
    if text.is_empty() {
        return Err(KeyError::Empty);
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (index, &(offset, c)) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let place = if index == 0 {
                Place::Start
            } else if index == chars.len() - 1 {
                Place::End
            } else {
                Place::Offset(offset)
            };
            let kind = match c {
                '\n' => WhitespaceKind::Newline,
                '\r' => WhitespaceKind::CarriageReturn,
                '\t' => WhitespaceKind::Tab,
                ' ' => WhitespaceKind::Space,
                _ => WhitespaceKind::Other,
            };
            return Err(KeyError::Whitespace { place, kind });
        }
        if c.is_control() {
            return Err(KeyError::Control { offset });
        }
    }
    Ok(text)
}

fn expected_base64(text: &str) -> Result<Vec<u8>, KeyError> {
    if text.len() > MAX_BASE64_KEY_CHARS {
        return Err(KeyError::Base64TooLong { max_chars: MAX_BASE64_KEY_CHARS });
    }
    base64_decode_strict(text.as_bytes()).ok_or(KeyError::InvalidBase64)
}
