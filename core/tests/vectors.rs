//! The shared signing vectors (`testdata/vectors.txt`, written by the independent `scripts/gen_vectors.py`) and
//! RFC 4231 through the core, a check that the checked-in vectors are what the generator writes today, and a
//! differential test against the `hmac` crate.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64ct::{Base64, Encoding};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use unleashed_signer::{KeyError, KeyFormat, QueryBuilder, SignedForm, SigningKey, VerifyError, url};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("core/ sits in the repository root").to_path_buf()
}

fn read_testdata(name: &str) -> String {
    let path = repo_root().join("testdata").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Lowercase hex to bytes; `-` is the empty string.
fn hex(field: &str) -> Vec<u8> {
    if field == "-" {
        return Vec::new();
    }
    assert!(field.len().is_multiple_of(2) && !field.is_empty(), "odd-length hex field {field:?}");
    (0..field.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&field[i..i + 2], 16).unwrap_or_else(|_| panic!("bad hex in {field:?}")))
        .collect()
}

/// `namehex:valuehex,namehex:valuehex` to pairs.
fn params(field: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    field
        .split(',')
        .map(|pair| {
            let (name, value) = pair.split_once(':').unwrap_or_else(|| panic!("parameter without ':' in {field:?}"));
            (hex(name), if value.is_empty() { Vec::new() } else { hex(value) })
        })
        .collect()
}

/// Checks `expected` verifies for `message` and that a one-character change does not.
fn assert_verifies(key: &SigningKey, message: &[u8], expected: &str, context: &str) {
    key.verify(message, expected.as_bytes()).unwrap_or_else(|e| panic!("{context}: verify failed: {e}"));
    let mut tampered = expected.as_bytes().to_vec();
    tampered[7] = if tampered[7] == b'A' { b'B' } else { b'A' };
    assert_eq!(key.verify(message, &tampered), Err(VerifyError::Mismatch), "{context}: tampered signature verified");
    assert_eq!(key.verify(message, &expected.as_bytes()[..43]), Err(VerifyError::Mismatch), "{context}: short");
}

#[test]
fn every_vector_signs_and_verifies_through_the_core() {
    let text = read_testdata("vectors.txt");
    let mut counts = [0usize; 3];
    for (number, line) in text.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.is_empty()) {
        let context = format!("testdata/vectors.txt line {}", number + 1);
        let fields: Vec<&str> = line.split(' ').collect();
        let [kind, key_format, key_hex, form, input, wire_hex, signature] = fields[..] else {
            panic!("{context}: expected 7 fields, found {}", fields.len());
        };
        let format = match key_format {
            "text" => KeyFormat::Text,
            "raw" => KeyFormat::Raw,
            "base64" => KeyFormat::Base64,
            other => panic!("{context}: unknown key format {other:?}"),
        };
        let key = SigningKey::new(&hex(key_hex), format).unwrap_or_else(|e| panic!("{context}: key rejected: {e}"));
        let form = match form {
            "-" => None,
            "decoded" => Some(SignedForm::Decoded),
            "wire" => Some(SignedForm::Wire),
            other => panic!("{context}: unknown form {other:?}"),
        };
        let wire = hex(wire_hex);
        assert_eq!(signature.len(), 44, "{context}: signature length");
        match (kind, form) {
            ("sign", None) => {
                counts[0] += 1;
                let message = hex(input);
                assert_eq!(wire_hex, "-", "{context}: sign cases have no wire field");
                assert_eq!(key.sign(&message).as_str(), signature, "{context}");
                assert_verifies(&key, &message, signature, &context);
            }
            ("url", Some(form)) => {
                counts[1] += 1;
                let url_bytes = hex(input);
                assert_eq!(url::query_bytes(&url_bytes), wire, "{context}: query split");
                if let Ok(url_text) = std::str::from_utf8(&url_bytes) {
                    assert_eq!(url::query(url_text).as_bytes(), wire, "{context}: query split of text");
                }
                let signed = key.sign_url(&url_bytes, form).unwrap_or_else(|e| panic!("{context}: {e}"));
                assert_eq!(signed.as_str(), signature, "{context}");
                assert_eq!(key.sign_query(&wire, form).unwrap().as_str(), signature, "{context}: sign_query");
                key.verify_url(&url_bytes, form, signature.as_bytes()).unwrap_or_else(|e| panic!("{context}: {e}"));
                key.verify_query(&wire, form, signature.as_bytes()).unwrap_or_else(|e| panic!("{context}: {e}"));
                let mut tampered = signature.as_bytes().to_vec();
                tampered[0] ^= 1;
                assert_eq!(key.verify_url(&url_bytes, form, &tampered), Err(VerifyError::Mismatch), "{context}");
            }
            ("query", Some(form)) => {
                counts[2] += 1;
                // Exactly the wire length, so the last parameter must fit with no byte to spare.
                let mut buf = vec![0u8; wire.len()];
                let mut query = QueryBuilder::new(&mut buf);
                for (name, value) in params(input) {
                    query.push(&name, &value).unwrap_or_else(|e| panic!("{context}: push failed: {e}"));
                }
                assert_eq!(query.as_bytes(), wire, "{context}: wire query");
                let signed = query.sign(&key, form);
                assert_eq!(signed.query.as_bytes(), wire, "{context}: signed wire query");
                assert_eq!(signed.signature.as_str(), signature, "{context}");
                key.verify_query(&wire, form, signature.as_bytes()).unwrap_or_else(|e| panic!("{context}: {e}"));
            }
            _ => panic!("{context}: kind {kind:?} with form {form:?} is not a valid case"),
        }
    }
    // The file must hold every kind of case; an empty or truncated file must not pass.
    assert!(counts.iter().all(|&n| n >= 20) && counts.iter().sum::<usize>() >= 100, "too few vectors: {counts:?}");
}

#[test]
fn rfc4231_cases_1_to_7() {
    let text = read_testdata("rfc4231.txt");
    let mut seen = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let [case, key, data, expected] = line.split(' ').collect::<Vec<_>>()[..] else {
            panic!("rfc4231.txt: expected 4 fields in {line:?}");
        };
        let signature = SigningKey::from_bytes(&hex(key)).unwrap().sign(&hex(data));
        let mut mac = [0u8; 32];
        Base64::decode(signature.as_str(), &mut mac).expect("a signature is base64 of 32 bytes");
        let expected = hex(expected);
        // Case 5 publishes only the first 128 bits.
        assert_eq!(expected.len(), if case == "5" { 16 } else { 32 }, "case {case}");
        assert_eq!(mac[..expected.len()], expected[..], "RFC 4231 case {case}");
        seen.push(case.to_owned());
    }
    assert_eq!(seen, ["1", "2", "3", "4", "5", "6", "7"]);
}

fn tool_runs(program: &str, arg: &str) -> bool {
    Command::new(program).arg(arg).output().is_ok_and(|out| out.status.success())
}

/// The checked-in vectors must be exactly what the independent generator writes today, so neither can drift.
#[test]
fn checked_in_vectors_equal_a_fresh_run_of_the_generator() {
    let required = std::env::var("UNLEASHED_REQUIRE_PYTHON").is_ok_and(|v| v == "1");
    if !(tool_runs("python3", "--version") && tool_runs("openssl", "version")) {
        assert!(!required, "UNLEASHED_REQUIRE_PYTHON=1 but python3 or openssl cannot be run");
        eprintln!("note: skipping the vector re-generation: python3 or openssl is not available");
        return;
    }
    let outdir = std::env::temp_dir().join(format!("unleashed-signer-vectors-{}", std::process::id()));
    let out = Command::new("python3")
        .arg(repo_root().join("scripts/gen_vectors.py"))
        .arg("--outdir")
        .arg(&outdir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "gen_vectors.py failed:\n{}", String::from_utf8_lossy(&out.stderr));
    for name in ["vectors.txt", "rfc4231.txt"] {
        let fresh = std::fs::read_to_string(outdir.join(name)).expect("the generator wrote its file");
        assert!(
            fresh == read_testdata(name),
            "testdata/{name} differs from what scripts/gen_vectors.py writes now: run the script and commit the result"
        );
    }
    std::fs::remove_dir_all(&outdir).expect("remove the temporary directory");
}

/// A deterministic byte stream (xorshift64*), so the differential test covers varied bytes reproducibly.
fn pseudo_random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

#[test]
fn agrees_with_the_hmac_crate_for_key_lengths_0_to_200_and_message_lengths_0_to_300() {
    assert_eq!(SigningKey::from_bytes(b"").unwrap_err(), KeyError::Empty);
    assert_eq!(SigningKey::new(b"", KeyFormat::Raw).unwrap_err(), KeyError::Empty);
    let messages = pseudo_random_bytes(0x5eed, 300);
    for key_len in 1..=200 {
        let secret = pseudo_random_bytes(key_len as u64, key_len);
        let key = SigningKey::from_bytes(&secret).unwrap();
        let oracle = Hmac::<Sha256>::new_from_slice(&secret).unwrap();
        for message_len in 0..=300 {
            let message = &messages[..message_len];
            let mac = oracle.clone().chain_update(message).finalize().into_bytes();
            let mut expected = [0u8; 44];
            let expected = Base64::encode(&mac, &mut expected).expect("44 bytes hold base64 of 32");
            assert_eq!(key.sign(message).as_str(), expected, "key length {key_len}, message length {message_len}");
        }
    }
}
