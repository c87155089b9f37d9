//! What users rely on when they hold a `Signature`: its exact text in every form it is written out, and that every
//! verify entry point refuses a wrong signature, in both signed forms.

use base64ct::{Base64, Encoding};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use unleashed_signer::{DecodeError, Signature, SignedForm, SigningKey, VerifyError};

const KEY: &str = "made-up-key-for-tests-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST==";

/// The signature of `message` by the `hmac` crate, as base64 text.
fn oracle(message: &[u8]) -> String {
    let mac = Hmac::<Sha256>::new_from_slice(KEY.as_bytes()).unwrap().chain_update(message).finalize().into_bytes();
    let mut text = [0u8; Signature::LEN];
    Base64::encode(&mac, &mut text).expect("44 bytes hold base64 of 32").to_owned()
}

#[test]
fn display_as_ref_and_debug_are_exactly_the_signature_text() {
    let key = SigningKey::from_text(KEY).unwrap();
    let signature = key.sign(b"customerCode=ACME");
    let expected = oracle(b"customerCode=ACME");
    assert_eq!(expected.len(), Signature::LEN);
    assert_eq!(signature.as_str(), expected);
    assert_eq!(signature.as_bytes(), expected.as_bytes());
    assert_eq!(format!("{signature}"), expected);
    assert_eq!(signature.to_string(), expected);
    assert_eq!(format!("api-auth-signature: {signature}"), format!("api-auth-signature: {expected}"));
    assert_eq!(AsRef::<str>::as_ref(&signature), expected);
    assert_eq!(AsRef::<[u8]>::as_ref(&signature), expected.as_bytes());
    assert_eq!(format!("{signature:?}"), format!("Signature(\"{expected}\")"));
}

/// Queries with and without escapes, and a URL around each: the decoded form differs from the wire form for some.
const QUERIES: [&str; 4] = ["customerCode=ACME", "", "customerName=Acme%20%26%20Sons&page=2", "a=%41%42"];

/// Checks `verify_query` and `verify_url` accept `good` for `query` in `form` and refuse each of `wrong`.
fn assert_refuses(key: &SigningKey, query: &str, form: SignedForm, good: &[u8], wrong: &[Vec<u8>]) {
    let url = format!("https://api.unleashedsoftware.com/Customers?{query}#top");
    assert_eq!(key.verify_query(query.as_bytes(), form, good), Ok(()), "{form:?} {query:?}");
    assert_eq!(key.verify_url(&url, form, good), Ok(()), "{form:?} {url:?}");
    for bad in wrong {
        let context = format!("{form:?} {query:?} with {:?}", String::from_utf8_lossy(bad));
        assert_eq!(key.verify_query(query.as_bytes(), form, bad), Err(VerifyError::Mismatch), "{context}");
        assert_eq!(key.verify_url(&url, form, bad), Err(VerifyError::Mismatch), "{context}");
    }
}

/// Wrong signatures for the right one `good`: each character changed, two changed by the same XOR, cut, extended,
/// empty.
fn wrong_signatures(good: &[u8]) -> Vec<Vec<u8>> {
    let mut wrong = Vec::new();
    for at in 0..good.len() {
        let mut bad = good.to_vec();
        bad[at] = if bad[at] == b'A' { b'B' } else { b'A' };
        wrong.push(bad);
    }
    for (a, b) in [(0, 1), (3, 40), (42, 43)] {
        let mut bad = good.to_vec();
        bad[a] ^= 0x01;
        bad[b] ^= 0x01;
        wrong.push(bad);
    }
    wrong.push(good[..good.len() - 1].to_vec());
    wrong.push([good, b"="].concat());
    wrong.push(Vec::new());
    wrong
}

#[test]
fn every_verify_entry_point_refuses_a_wrong_signature_in_both_forms() {
    let key = SigningKey::from_text(KEY).unwrap();
    let other = SigningKey::from_text("other-key").unwrap();
    for query in QUERIES {
        for form in [SignedForm::Decoded, SignedForm::Wire] {
            let good = key.sign_query(query.as_bytes(), form).unwrap();
            let mut wrong = wrong_signatures(good.as_bytes());
            wrong.push(other.sign_query(query.as_bytes(), form).unwrap().as_bytes().to_vec());
            assert_refuses(&key, query, form, good.as_bytes(), &wrong);
        }
        let decoded = key.sign_query(query.as_bytes(), SignedForm::Decoded).unwrap();
        let wire = key.sign_query(query.as_bytes(), SignedForm::Wire).unwrap();
        if query.contains('%') {
            // A signature of the other form is a wrong signature.
            assert_ne!(decoded, wire);
            assert_refuses(&key, query, SignedForm::Decoded, decoded.as_bytes(), &[wire.as_bytes().to_vec()]);
            assert_refuses(&key, query, SignedForm::Wire, wire.as_bytes(), &[decoded.as_bytes().to_vec()]);
        } else {
            assert_eq!(decoded, wire, "without escapes both forms sign the same bytes");
        }
    }
}

#[test]
fn verify_refuses_a_wrong_signature_of_the_message_as_it_is() {
    let key = SigningKey::from_text(KEY).unwrap();
    for message in [&b""[..], b"customerCode=ACME", b"a=%41", &[0xA5; 200]] {
        let good = key.sign(message);
        assert_eq!(key.verify(message, good.as_bytes()), Ok(()));
        for bad in wrong_signatures(good.as_bytes()) {
            assert_eq!(key.verify(message, &bad), Err(VerifyError::Mismatch), "{:?}", String::from_utf8_lossy(&bad));
        }
    }
}

#[test]
fn a_malformed_escape_is_a_decode_error_in_the_decoded_form_only() {
    let key = SigningKey::from_text(KEY).unwrap();
    let wire = key.sign(b"x=%zz");
    let error = Err(VerifyError::Decode(DecodeError::MalformedEscape { offset: 2 }));
    assert_eq!(key.verify_query(b"x=%zz", SignedForm::Decoded, wire.as_bytes()), error);
    assert_eq!(key.verify_url("/a?x=%zz", SignedForm::Decoded, wire.as_bytes()), error);
    assert_eq!(key.verify_query(b"x=%zz", SignedForm::Wire, wire.as_bytes()), Ok(()));
    assert_eq!(key.verify_url("/a?x=%zz", SignedForm::Wire, wire.as_bytes()), Ok(()));
}

#[test]
fn signatures_of_different_messages_or_keys_are_unequal() {
    let key = SigningKey::from_text(KEY).unwrap();
    let signature = key.sign(b"customerCode=ACME");
    assert_eq!(signature, key.sign(b"customerCode=ACME"));
    assert_ne!(signature, key.sign(b"customerCode=ACMF"));
    assert_ne!(signature, SigningKey::from_text("other-key").unwrap().sign(b"customerCode=ACME"));
}
