//! Differential: every signature equals the `hmac` crate's, whole or streamed, and `verify` accepts it and rejects
//! any one-bit change.
//!
//! Input: `[key_len][split][flip_lo][flip_hi]`, then `key_len` key bytes, then the message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unleashed_signer::{KeyError, KeyFormat, SignedForm, SigningKey, VerifyError};
use unleashed_signer_fuzz::hmac_signature;

fuzz_target!(|data: &[u8]| {
    let Some((&[key_len, split, flip_lo, flip_hi], rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let (key_bytes, message) = rest.split_at(usize::from(key_len).min(rest.len()));

    let key = match SigningKey::from_bytes(key_bytes) {
        Ok(key) => key,
        Err(error) => {
            assert!(key_bytes.is_empty(), "only an empty raw key is rejected, got {error:?}");
            assert_eq!(error, KeyError::Empty);
            return;
        }
    };
    let via_new = SigningKey::new(key_bytes, KeyFormat::Raw).expect("Raw accepts what from_bytes accepts");

    let expected = hmac_signature(key_bytes, message);
    let signature = key.sign(message);
    assert_eq!(signature.as_bytes().as_slice(), expected.as_slice());
    assert_eq!(signature.as_str().as_bytes(), expected.as_slice());
    assert_eq!(via_new.sign(message), signature);
    assert_eq!(key.sign_query(message, SignedForm::Wire).unwrap(), signature);

    // Streamed in two or three pieces, split where the input says.
    let at = usize::from(split).min(message.len());
    let (head, tail) = message.split_at(at);
    let mut signer = key.signer();
    signer.update(head);
    let (mid, end) = tail.split_at(tail.len() / 2);
    signer.update(mid);
    signer.update(end);
    assert_eq!(signer.finalize(), signature);

    // Verification: accepts the signature, rejects every other length and any single flipped bit.
    assert_eq!(key.verify(message, signature.as_bytes()), Ok(()));
    let bit = usize::from(u16::from_le_bytes([flip_lo, flip_hi])) % (8 * expected.len());
    let mut flipped = expected.clone();
    flipped[bit / 8] ^= 1 << (bit % 8);
    assert_eq!(key.verify(message, &flipped), Err(VerifyError::Mismatch));
    assert_eq!(key.verify(message, &expected[..bit / 8]), Err(VerifyError::Mismatch));
    let mut longer = expected.clone();
    longer.push(flip_lo);
    assert_eq!(key.verify(message, &longer), Err(VerifyError::Mismatch));
    assert_eq!(key.verify_query(message, SignedForm::Wire, &flipped), Err(VerifyError::Mismatch));
});
