//! Splitting a URL: never panics, agrees with a plain RFC 3986 reading, and `sign_url` signs exactly that query.
//!
//! Input: the URL's bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unleashed_signer::{SignedForm, SigningKey, url};
use unleashed_signer_fuzz::{TEST_KEY, hmac_signature, percent_decode, url_query};

fuzz_target!(|data: &[u8]| {
    let expected = url_query(data);
    let query = url::query_bytes(data);
    assert_eq!(query, expected);
    assert!(!query.contains(&b'#'));
    if let Ok(text) = std::str::from_utf8(data) {
        assert_eq!(url::query(text).as_bytes(), expected);
    }

    let key = SigningKey::from_text(TEST_KEY).unwrap();
    let wire = key.sign_url(data, SignedForm::Wire).expect("the wire form always signs");
    assert_eq!(wire.as_bytes().as_slice(), hmac_signature(TEST_KEY.as_bytes(), expected));
    match (key.sign_url(data, SignedForm::Decoded), percent_decode(expected)) {
        (Ok(signature), Ok(decoded)) => {
            assert_eq!(signature.as_bytes().as_slice(), hmac_signature(TEST_KEY.as_bytes(), &decoded));
            assert_eq!(key.verify_url(data, SignedForm::Decoded, signature.as_bytes()), Ok(()));
        }
        (Err(unleashed_signer::DecodeError::MalformedEscape { offset }), Err(at)) => assert_eq!(offset, at),
        (ours, oracle) => panic!("sign_url gave {ours:?}, the oracle {oracle:?}"),
    }
});
