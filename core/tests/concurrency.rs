//! One `SigningKey` shared by many threads signs exactly as it does on one thread.

use std::io::Write as _;

use sha2::{Digest, Sha256};
use unleashed_signer::{SignedForm, SigningKey};

const THREADS: usize = 8;
/// Per thread, unless `UNLEASHED_SIGNATURES_PER_THREAD` asks for fewer (CI's emulated runs: qemu signs ~50x slower).
const SIGNATURES_PER_THREAD: usize = 100_000;
const KEY: &str = "ExAmPlEkEy0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/exampleKEY==";
/// Cut at every length, so it holds no `%` escape that a cut could break.
const FILLER: &[u8] = b"Completed,Backordered,Parked,Placed&customerName=Acme+Sons&modifiedSince=2024-01-01T00:00:00\
&warehouseCode=MAIN&productCode=WIDGET-0001&orderNumber=SO-000123&startDate=2024-01-01&endDate=2024-12-31&x";

// The key is shared by reference across threads and cloned into others: it must be all three.
const _: () = {
    const fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    assert_send_sync_clone::<SigningKey>();
};

/// SHA-256 over every signature thread `thread` makes, in order, each through a different entry point in turn
/// and over messages of varying length (so that block boundaries move).
fn signatures_digest(key: &SigningKey, thread: usize, signatures: usize) -> [u8; 32] {
    let mut digest = Sha256::new();
    let mut message = [0u8; 512];
    for i in 0..signatures {
        let mut cursor = &mut message[..];
        write!(cursor, "customerName=Acme%20%26%20Sons%20{thread}-{i}&pageSize={}&orderStatus=", i % 1000)
            .expect("fits");
        let prefix_len = 512 - cursor.len();
        let filler = &FILLER[..(i * 7 + thread) % FILLER.len()];
        let len = prefix_len + filler.len();
        message[prefix_len..len].copy_from_slice(filler);
        let message = &message[..len];
        let signature = match i % 3 {
            0 => key.sign(message),
            1 => key.sign_query(message, SignedForm::Decoded).expect("the filler's escapes are well-formed"),
            _ => {
                let mut signer = key.signer();
                let (head, tail) = message.split_at(i % message.len());
                signer.update(head);
                signer.update(tail);
                signer.finalize()
            }
        };
        digest.update(signature.as_bytes());
    }
    digest.finalize().into()
}

#[test]
fn eight_threads_sharing_one_key_sign_as_one_thread_does() {
    let signatures = match std::env::var("UNLEASHED_SIGNATURES_PER_THREAD") {
        Ok(count) => count.parse().expect("UNLEASHED_SIGNATURES_PER_THREAD is a number"),
        Err(_) => SIGNATURES_PER_THREAD,
    };
    // Enough to pass every entry point, message length and block boundary several times over.
    assert!(signatures >= 1000, "UNLEASHED_SIGNATURES_PER_THREAD={signatures}: fewer than 1000 checks too little");
    let key = SigningKey::from_text(KEY).unwrap();
    let expected: Vec<[u8; 32]> = (0..THREADS).map(|thread| signatures_digest(&key, thread, signatures)).collect();
    // Distinct per thread, so a thread that signed another's messages would be caught.
    for (a, digest) in expected.iter().enumerate() {
        assert!(expected[a + 1..].iter().all(|other| other != digest), "threads' messages are not distinct");
    }
    let shared = &key;
    let concurrent: Vec<[u8; 32]> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            (0..THREADS).map(|thread| scope.spawn(move || signatures_digest(shared, thread, signatures))).collect();
        handles.into_iter().map(|handle| handle.join().expect("a signing thread panicked")).collect()
    });
    assert_eq!(concurrent, expected);
}
