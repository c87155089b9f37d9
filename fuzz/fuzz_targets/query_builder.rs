//! The query builder: the wire query holds only the unencoded set, `&`, `=` and uppercase `%XX`; decoding it gives
//! back the pairs; a parameter that does not fit reports the exact size needed and writes nothing; the bytes past
//! the query are never touched; the signature is that of the decoded (or wire) query.
//!
//! Input: `[cap_lo][cap_hi]`, then length-prefixed fields read as name, value, name, value, ...
#![no_main]

use libfuzzer_sys::fuzz_target;
use unleashed_signer::{BuildError, QueryBuilder, SignedForm, SigningKey};
use unleashed_signer_fuzz::{TEST_KEY, hmac_signature, length_prefixed_fields, percent_decode, percent_encode};

/// Never a byte of a wire query, which is ASCII.
const CANARY: u8 = 0xA5;
const GUARD: usize = 64;

fuzz_target!(|data: &[u8]| {
    let Some((&[cap_lo, cap_hi], rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let cap = usize::from(u16::from_le_bytes([cap_lo, cap_hi])) % 2048;
    let fields = length_prefixed_fields(rest);
    let pairs: Vec<(&[u8], &[u8])> = fields.chunks(2).map(|p| (p[0], p.get(1).copied().unwrap_or_default())).collect();

    let mut storage = vec![CANARY; cap + GUARD];
    let mut accepted: Vec<(&[u8], &[u8])> = Vec::new();
    let wire = {
        let mut builder = QueryBuilder::new(&mut storage[..cap]);
        for &(name, value) in &pairs {
            let before = builder.as_bytes().to_vec();
            match builder.push(name, value) {
                Ok(_) => {
                    accepted.push((name, value));
                    assert_eq!(builder.as_bytes(), oracle_wire(&accepted), "pushed {name:?}={value:?}");
                }
                Err(BuildError::EmptyName) => {
                    assert!(name.is_empty());
                    assert_eq!(builder.as_bytes(), before);
                }
                Err(BuildError::BufferTooSmall { needed }) => {
                    assert!(!name.is_empty());
                    let mut with_it = accepted.clone();
                    with_it.push((name, value));
                    assert_eq!(needed, oracle_wire(&with_it).len());
                    assert!(needed > cap);
                    assert_eq!(builder.as_bytes(), before, "a failed push changed the query");
                    assert_exact_fit(&with_it, needed);
                }
                Err(other) => panic!("unexpected error {other:?}"),
            }
        }
        assert_eq!(builder.len(), builder.as_str().len());
        assert_eq!(builder.is_empty(), accepted.is_empty());

        let key = SigningKey::from_text(TEST_KEY).unwrap();
        let decoded = joined_raw(&accepted);
        let signed = builder.sign(&key, SignedForm::Decoded);
        assert_eq!(signed.query, builder.as_str());
        assert_eq!(signed.signature.as_bytes().as_slice(), hmac_signature(TEST_KEY.as_bytes(), &decoded));
        let signed_wire = builder.sign(&key, SignedForm::Wire);
        assert_eq!(
            signed_wire.signature.as_bytes().as_slice(),
            hmac_signature(TEST_KEY.as_bytes(), builder.as_bytes())
        );
        builder.as_bytes().to_vec()
    };

    // Nothing past the query was ever written, inside the buffer or after it.
    assert!(storage[wire.len()..].iter().all(|&b| b == CANARY), "bytes past the query were written");
    assert_wire_alphabet(&wire);
    assert_eq!(decode_pairs(&wire), accepted.iter().map(|&(n, v)| (n.to_vec(), v.to_vec())).collect::<Vec<_>>());
});

fn oracle_wire(pairs: &[(&[u8], &[u8])]) -> Vec<u8> {
    let parts: Vec<Vec<u8>> = pairs.iter().map(|(n, v)| [percent_encode(n), percent_encode(v)].join(&b'=')).collect();
    parts.join(&b'&')
}

fn joined_raw(pairs: &[(&[u8], &[u8])]) -> Vec<u8> {
    let parts: Vec<Vec<u8>> = pairs.iter().map(|(n, v)| [*n, *v].join(&b'=')).collect();
    parts.join(&b'&')
}

/// A buffer of exactly `needed` bytes takes all of `pairs`; one byte less refuses the last with the same `needed`.
fn assert_exact_fit(pairs: &[(&[u8], &[u8])], needed: usize) {
    let mut exact = vec![0u8; needed];
    let mut builder = QueryBuilder::new(&mut exact);
    for (name, value) in pairs {
        builder.push(name, value).expect("a buffer of the reported size holds the query");
    }
    assert_eq!(builder.len(), needed);
    let mut short = vec![0u8; needed - 1];
    let mut builder = QueryBuilder::new(&mut short);
    let (last, before) = pairs.split_last().unwrap();
    for (name, value) in before {
        builder.push(name, value).unwrap();
    }
    assert_eq!(builder.push(last.0, last.1).unwrap_err(), BuildError::BufferTooSmall { needed });
}

fn assert_wire_alphabet(wire: &[u8]) {
    let mut i = 0;
    while i < wire.len() {
        let b = wire[i];
        if b == b'%' {
            let hex = &wire[i + 1..i + 3];
            assert!(hex.iter().all(|c| matches!(c, b'0'..=b'9' | b'A'..=b'F')), "bad escape in {wire:?}");
            i += 3;
        } else {
            assert!(unleashed_signer_fuzz::is_unencoded(b) || b == b'&' || b == b'=', "byte {b:#04x} in {wire:?}");
            i += 1;
        }
    }
}

fn decode_pairs(wire: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    if wire.is_empty() {
        return Vec::new();
    }
    wire.split(|&b| b == b'&')
        .map(|pair| {
            let mut halves = pair.splitn(2, |&b| b == b'=');
            let name = halves.next().unwrap();
            let value = halves.next().expect("every parameter has '='");
            (percent_decode(name).unwrap(), percent_decode(value).unwrap())
        })
        .collect()
}
