//! Runs one path of this library's Rust API on a key prepared in place (`SigningKey::empty` + `load`), drops or
//! wipes it, then waits to be scanned. Usage: `rust-inplace PATH static|stack|heap` (secret on stdin).

use std::sync::Mutex;

use unleashed_signer::{KeyFormat, QueryBuilder, SignedForm, SigningKey};
use unleashed_signer_residue::{Format, read_secret, ready_then_wait};
use zeroize::Zeroize;

static KEY: Mutex<SigningKey> = Mutex::new(SigningKey::empty());

const QUERY: &[u8] = b"customerName=Acme%20Sons&modifiedSince=2024-01-01T00:00:00";
const URL: &str = "https://api.unleashedsoftware.com/Customers?customerName=Acme%20Sons";

fn run(path: &str, key: &mut SigningKey, secret: &[u8], format: Format) {
    let format = match format {
        Format::Text => KeyFormat::Text,
        Format::Base64 => KeyFormat::Base64,
    };
    key.load(secret, format).expect("a valid key");
    let signature = match path {
        "init-clear" => None,
        "sign" | "control" => Some(key.sign(QUERY)),
        "sign-query" => Some(key.sign_query(QUERY, SignedForm::Decoded).expect("well-formed")),
        "sign-url" => Some(key.sign_url(URL, SignedForm::Decoded).expect("well-formed")),
        "verify" => {
            let signature = key.sign(QUERY);
            key.verify(QUERY, signature.as_bytes()).expect("matches");
            Some(signature)
        }
        "verify-url" => {
            let signature = key.sign_url(URL, SignedForm::Decoded).expect("well-formed");
            key.verify_url(URL, SignedForm::Decoded, signature.as_bytes()).expect("matches");
            Some(signature)
        }
        "query-sign" => {
            let mut buf = [0u8; 128];
            let mut query = QueryBuilder::new(&mut buf);
            query.push("customerName", "Acme Sons").and_then(|q| q.push("startDate", "2024-01-01")).expect("fits");
            Some(query.sign(key, SignedForm::Decoded).signature)
        }
        other => panic!("unknown path {other}"),
    };
    std::hint::black_box(signature);
    if path != "control" {
        key.zeroize();
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (path, storage) = (args[1].as_str(), args[2].as_str());
    let secret = read_secret();
    match storage {
        "static" => run(path, &mut KEY.lock().expect("not poisoned"), &secret.bytes, secret.format),
        "stack" => {
            let mut key = SigningKey::empty();
            run(path, &mut key, &secret.bytes, secret.format);
            if path == "control" {
                // Scanned while the key is alive in this frame.
                ready_then_wait();
                std::hint::black_box(&key);
                return;
            }
        }
        "heap" => {
            let mut key = Box::new(SigningKey::empty());
            run(path, &mut key, &secret.bytes, secret.format);
            if path == "control" {
                Box::leak(key);
            }
        }
        other => panic!("unknown storage {other}"),
    }
    drop(secret);
    ready_then_wait();
}
