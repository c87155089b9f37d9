//! Properties of query building, URL splitting and signing over arbitrary input, each against a simple oracle
//! written here.

use proptest::prelude::*;
use unleashed_signer::percent::{self, Piece};
use unleashed_signer::{BuildError, QueryBuilder, SignedForm, SigningKey, url};

const KEY: &str = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
const DOCUMENTED_UNENCODED: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:,/@";

/// Any byte, but often one that matters to queries and URLs.
fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![any::<u8>(), prop::sample::select(b"%&=+ #?:,/@~._-aZ09\xc3\xa9\n".to_vec())]
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(interesting_byte(), 0..max)
}

fn parameters() -> impl Strategy<Value = Vec<(Vec<u8>, Vec<u8>)>> {
    prop::collection::vec((prop::collection::vec(interesting_byte(), 1..12), bytes(24)), 0..6)
}

/// Oracle: the percent-encoding of one byte string, by the documented rule.
fn oracle_encode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &b in input {
        if DOCUMENTED_UNENCODED.contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out
}

/// Oracle: one `name=value` pair as built.
fn oracle_pair(name: &[u8], value: &[u8]) -> Vec<u8> {
    [oracle_encode(name), b"=".to_vec(), oracle_encode(value)].concat()
}

/// Oracle: `%XX` decoding (either hex case, `+` kept); `None` at the first malformed escape.
fn oracle_decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' {
            let digits = std::str::from_utf8(input.get(i + 1..i + 3)?).ok()?;
            if !digits.bytes().all(|d| d.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(digits, 16).ok()?);
            i += 3;
        } else {
            out.push(input[i]);
            i += 1;
        }
    }
    Some(out)
}

fn join(pairs: impl IntoIterator<Item = Vec<u8>>) -> Vec<u8> {
    pairs.into_iter().collect::<Vec<_>>().join(&b'&')
}

/// The core's own decoder, collected.
fn core_decode(input: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for piece in percent::decode(input) {
        match piece.ok()? {
            Piece::Literal(run) => out.extend_from_slice(run),
            Piece::Escaped(byte) => out.push(byte),
        }
    }
    Some(out)
}

/// Oracle: the query of a URL is after the first `?` that precedes any `#`, up to the `#`.
fn oracle_query(url: &[u8]) -> &[u8] {
    let before_fragment = url.split(|&b| b == b'#').next().unwrap_or_default();
    match before_fragment.iter().position(|&b| b == b'?') {
        Some(question) => &before_fragment[question + 1..],
        None => &[],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn built_queries_decode_to_the_parameters_and_sign_either_form(params in parameters()) {
        let key = SigningKey::from_text(KEY).unwrap();
        let mut buf = vec![0u8; params.iter().map(|(n, v)| 3 * (n.len() + v.len()) + 2).sum()];
        let mut query = QueryBuilder::new(&mut buf);
        for (name, value) in &params {
            query.push(name, value).unwrap();
        }
        let wire = query.as_bytes().to_vec();
        let decoded = join(params.iter().map(|(n, v)| [n.as_slice(), b"=", v].concat()));

        let expected_wire = join(params.iter().map(|(n, v)| oracle_pair(n, v)));
        prop_assert_eq!(&wire, &expected_wire);
        prop_assert_eq!(oracle_decode(&wire), Some(decoded.clone()));
        prop_assert_eq!(core_decode(&wire), Some(decoded.clone()));
        prop_assert_eq!(query.as_str().as_bytes(), &wire[..]);
        // Structure: `&` between pairs and `=` in each, with data holding only the unencoded set and uppercase
        // %XX escapes of bytes outside it.
        let pairs: Vec<&[u8]> = if wire.is_empty() { Vec::new() } else { wire.split(|&b| b == b'&').collect() };
        prop_assert_eq!(pairs.len(), params.len());
        for pair in pairs {
            let equals = pair.iter().position(|&b| b == b'=').expect("every pair has '='");
            for data in [&pair[..equals], &pair[equals + 1..]] {
                let mut i = 0;
                while i < data.len() {
                    if data[i] == b'%' {
                        let digits = &data[i + 1..i + 3];
                        prop_assert!(digits.iter().all(|d| b"0123456789ABCDEF".contains(d)), "escape {:?}", digits);
                        let byte = u8::from_str_radix(std::str::from_utf8(digits).unwrap(), 16).unwrap();
                        prop_assert!(!percent::is_unencoded(byte), "needless escape of {:#04x}", byte);
                        i += 3;
                    } else {
                        prop_assert!(DOCUMENTED_UNENCODED.contains(&data[i]), "unencoded byte {:#04x}", data[i]);
                        i += 1;
                    }
                }
            }
        }
        prop_assert_eq!(query.sign(&key, SignedForm::Decoded).signature, key.sign(&decoded));
        prop_assert_eq!(query.sign(&key, SignedForm::Wire).signature, key.sign(&wire));
        prop_assert_eq!(query.sign(&key, SignedForm::Wire).query.as_bytes(), &wire[..]);
    }

    #[test]
    fn a_too_small_buffer_reports_the_exact_size_and_leaves_the_query_unchanged(
        params in parameters(),
        capacity in 0usize..160,
    ) {
        let mut buf = vec![0u8; capacity];
        let mut query = QueryBuilder::new(&mut buf);
        let mut accepted: Vec<Vec<u8>> = Vec::new();
        for (name, value) in &params {
            let before = query.as_bytes().to_vec();
            let pair = oracle_pair(name, value);
            let needed = before.len() + usize::from(!before.is_empty()) + pair.len();
            match query.push(name, value) {
                Ok(_) => {
                    prop_assert!(needed <= capacity);
                    accepted.push(pair);
                    prop_assert_eq!(query.as_bytes(), &join(accepted.clone())[..]);
                }
                Err(error) => {
                    prop_assert_eq!(error, BuildError::BufferTooSmall { needed });
                    prop_assert!(needed > capacity);
                    prop_assert_eq!(query.as_bytes(), &before[..]);
                }
            }
        }
        let before = query.as_bytes().to_vec();
        prop_assert_eq!(query.push(b"", b"x").unwrap_err(), BuildError::EmptyName);
        prop_assert_eq!(query.as_bytes(), &before[..]);
    }

    #[test]
    fn url_splitting_agrees_with_the_oracle(url in bytes(80)) {
        prop_assert_eq!(url::query_bytes(&url), oracle_query(&url));
        if let Ok(text) = std::str::from_utf8(&url) {
            prop_assert_eq!(url::query(text).as_bytes(), oracle_query(&url));
        }
    }

    #[test]
    fn sign_url_never_panics_and_signs_the_right_bytes(url in bytes(120)) {
        let key = SigningKey::from_text(KEY).unwrap();
        let query = oracle_query(&url);
        prop_assert_eq!(key.sign_url(&url, SignedForm::Wire).unwrap(), key.sign(query));
        match oracle_decode(query) {
            Some(decoded) => prop_assert_eq!(key.sign_url(&url, SignedForm::Decoded).unwrap(), key.sign(&decoded)),
            None => prop_assert!(key.sign_url(&url, SignedForm::Decoded).is_err()),
        }
    }

    #[test]
    fn streaming_over_any_split_equals_one_shot(
        secret in prop::collection::vec(any::<u8>(), 1..150),
        message in prop::collection::vec(any::<u8>(), 0..400),
        mut cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
    ) {
        let key = SigningKey::from_bytes(&secret).unwrap();
        let mut points: Vec<usize> = cuts.iter_mut().map(|cut| cut.index(message.len() + 1)).collect();
        points.sort_unstable();
        let mut signer = key.signer();
        let mut start = 0;
        for end in points.into_iter().chain([message.len()]) {
            signer.update(&message[start..end]);
            start = end;
        }
        prop_assert_eq!(signer.finalize(), key.sign(&message));
    }
}
