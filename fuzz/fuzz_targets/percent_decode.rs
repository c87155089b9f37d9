//! Percent-decoding: never panics, agrees with a plain decoder (same bytes, or the same error offset), yields no
//! empty or `%`-holding literal and nothing after an error; encoding then decoding gives the input back; signing
//! the decoded form signs exactly the decoded bytes.
//!
//! Input: the query's bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unleashed_signer::percent::{self, Piece};
use unleashed_signer::{DecodeError, SignedForm, SigningKey, VerifyError};
use unleashed_signer_fuzz::{TEST_KEY, hmac_signature, is_unencoded, percent_decode, percent_encode};

fuzz_target!(|data: &[u8]| {
    let expected = percent_decode(data);
    assert_eq!(decode_all(data), expected.clone().map_err(|offset| DecodeError::MalformedEscape { offset }));

    // Round trip through the documented encoding.
    let encoded = percent_encode(data);
    assert_eq!(percent::encoded_len(data), encoded.len());
    assert_eq!(decode_all(&encoded), Ok(data.to_vec()));
    for byte in 0..=255u8 {
        assert_eq!(percent::is_unencoded(byte), is_unencoded(byte));
    }

    let key = SigningKey::from_text(TEST_KEY).unwrap();
    match (key.sign_query(data, SignedForm::Decoded), &expected) {
        (Ok(signature), Ok(decoded)) => {
            assert_eq!(signature.as_bytes().as_slice(), hmac_signature(TEST_KEY.as_bytes(), decoded));
            assert_eq!(key.verify_query(data, SignedForm::Decoded, signature.as_bytes()), Ok(()));
        }
        (Err(DecodeError::MalformedEscape { offset }), Err(at)) => {
            assert_eq!(offset, *at);
            let verdict = key.verify_query(data, SignedForm::Decoded, &[b'A'; 44]);
            assert_eq!(verdict, Err(VerifyError::Decode(DecodeError::MalformedEscape { offset })));
        }
        (ours, oracle) => panic!("sign_query gave {ours:?}, the oracle {oracle:?}"),
    }
});

fn decode_all(query: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let mut pieces = percent::decode(query);
    for piece in pieces.by_ref() {
        match piece {
            Ok(Piece::Literal(run)) => {
                assert!(!run.is_empty() && !run.contains(&b'%'), "literal {run:?}");
                out.extend_from_slice(run);
            }
            Ok(Piece::Escaped(byte)) => out.push(byte),
            Err(error) => {
                assert!(pieces.next().is_none(), "decoding went on after an error");
                return Err(error);
            }
        }
    }
    Ok(out)
}
