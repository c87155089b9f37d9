//! The peer a Rust user would pick: RustCrypto's `hmac` over `sha2`, both with their `zeroize` features. Keys an
//! `Hmac<Sha256>`, signs one query, drops everything, then waits to be scanned. Usage: `hmac-anchor PATH STORAGE`
//! (only `sign` and `control` are meaningful; the storage argument is accepted for a uniform command line).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use unleashed_signer_residue::{read_secret, ready_then_wait};

fn main() {
    let control = std::env::args().nth(1).as_deref() == Some("control");
    let secret = read_secret();
    let mut mac = Hmac::<Sha256>::new_from_slice(&secret.bytes).expect("any key length");
    mac.update(b"customerName=Acme%20Sons&modifiedSince=2024-01-01T00:00:00");
    if control {
        // Keep a keyed state alive: the scanner must find it.
        std::hint::black_box(Box::leak(Box::new(mac.clone())));
    }
    std::hint::black_box(mac.finalize().into_bytes());
    drop(secret);
    ready_then_wait();
}
