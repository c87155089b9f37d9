//! One criterion run that measures unleashed-signer against the SHA-256 floor and against the HMAC
//! implementations a user would pick instead, then prints every target as a ratio of medians from this run.
//!
//! `cargo bench -p unleashed-signer-benches --features openssl` (OpenSSL peers need libssl-dev); without the
//! feature the OpenSSL ratios are reported as not measured. `-- --test` runs each benchmark once, untimed.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use base64ct::{Base64, Encoding};
use criterion::{BenchmarkId, Criterion, Throughput};
use hmac::{Hmac, KeyInit, Mac};
use unleashed_signer::{QueryBuilder, SignedForm, SigningKey};
use unleashed_signer_benches::{criterion_dir, id, medians_since, report};

/// Made up, of the real shape: 86 characters, 84 of the base64 alphabet then `==`.
const KEY: &str = "BenchKeyBenchKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/bench==";
/// A typical short query: 24 bytes.
const QUERY_24: &[u8] = b"customerCode=ACME&page=1";
/// Message lengths around SHA-256's padding boundary (55 fits one block with padding, 56 needs two), a longer
/// query and a 4 KiB one.
const LENGTHS: [usize; 6] = [0, 24, 55, 56, 200, 4096];

fn main() {
    let started = SystemTime::now();
    let exe = std::env::current_exe().expect("the bench knows its own path");
    let out_dir = criterion_dir(&exe);
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .output_directory(&out_dir)
        .configure_from_args();

    let key = SigningKey::from_text(KEY).expect("the bench key is valid");
    floor(&mut c);
    sign_lengths(&mut c, &key);
    key_preparation(&mut c);
    queries(&mut c, &key);
    peers(&mut c, &key);
    c_abi(&mut c, &key);

    c.final_summary();
    let medians = medians_since(&out_dir, started);
    if medians.is_empty() {
        println!("no timings in this run (test mode or a filter matched nothing): no ratios to show");
    } else {
        print!("{}", report(&medians));
    }
}

fn message(len: usize) -> Vec<u8> {
    (0..len).map(|i| b"abcdefghijklmnopqrstuvwxyz0123456789=&"[i % 38]).collect()
}

fn base64_44(mac: &[u8]) -> [u8; 44] {
    let mut out = [0u8; 44];
    Base64::encode(mac, &mut out).expect("44 bytes hold base64 of 32");
    out
}

/// What signing a short query can at best cost with a prepared key: SHA-256's compression function run over two
/// blocks (HMAC's inner and outer hash of a query that fits one block), then base64 of the 32-byte result.
fn floor(c: &mut Criterion) {
    let (group, function) = id::FLOOR.split_once('/').unwrap();
    let mut g = c.benchmark_group(group);
    let prepared: [u32; 8] =
        [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19];
    let blocks = [[0x36u8; 64], [0x5cu8; 64]];
    g.bench_function(function, |b| {
        b.iter(|| {
            let mut state = black_box(prepared);
            sha2::block_api::compress256(&mut state, black_box(&blocks));
            let mut digest = [0u8; 32];
            for (chunk, word) in digest.chunks_exact_mut(4).zip(state) {
                chunk.copy_from_slice(&word.to_be_bytes());
            }
            base64_44(&digest)
        });
    });

    // The same HMAC as ours, written as plainly as possible: no streaming state, no wiping, no checks.
    let key_block: [u8; 64] = {
        use sha2::Digest;
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(&sha2::Sha256::digest(KEY.as_bytes()));
        block
    };
    let (mut inner, mut outer) = (prepared, prepared);
    sha2::block_api::compress256(&mut inner, &[key_block.map(|b| b ^ 0x36)]);
    sha2::block_api::compress256(&mut outer, &[key_block.map(|b| b ^ 0x5c)]);
    let plain_hmac = |message: &[u8]| {
        let mut state = inner;
        let (blocks, tail) = message.as_chunks::<64>();
        sha2::block_api::compress256(&mut state, blocks);
        let mut block = [0u8; 64];
        block[..tail.len()].copy_from_slice(tail);
        block[tail.len()] = 0x80;
        if tail.len() >= 56 {
            sha2::block_api::compress256(&mut state, &[block]);
            block = [0u8; 64];
        }
        block[56..].copy_from_slice(&((64 + message.len() as u64) * 8).to_be_bytes());
        sha2::block_api::compress256(&mut state, &[block]);
        let mut outer_block = [0u8; 64];
        for (chunk, word) in outer_block.chunks_exact_mut(4).zip(state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        outer_block[32] = 0x80;
        outer_block[56..].copy_from_slice(&(96u64 * 8).to_be_bytes());
        let mut state = outer;
        sha2::block_api::compress256(&mut state, &[outer_block]);
        let mut mac = [0u8; 32];
        for (chunk, word) in mac.chunks_exact_mut(4).zip(state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        base64_44(&mac)
    };
    let signing_key = SigningKey::from_text(KEY).unwrap();
    assert_eq!(&plain_hmac(QUERY_24), signing_key.sign(QUERY_24).as_bytes());
    g.bench_function(id::PLAIN_HMAC_24.split_once('/').unwrap().1, |b| b.iter(|| plain_hmac(black_box(QUERY_24))));
    g.finish();
}

fn sign_lengths(c: &mut Criterion, key: &SigningKey) {
    let mut g = c.benchmark_group("sign");
    for len in LENGTHS {
        let msg = message(len);
        g.throughput(Throughput::Bytes(len as u64));
        g.bench_with_input(BenchmarkId::from_parameter(len), &msg, |b, msg| b.iter(|| key.sign(black_box(msg))));
    }
    g.finish();

    let mut g = c.benchmark_group("sha256");
    let msg = message(4096);
    g.throughput(Throughput::Bytes(4096));
    g.bench_with_input(BenchmarkId::from_parameter(4096), &msg, |b, msg| {
        b.iter(|| {
            use sha2::Digest;
            sha2::Sha256::digest(black_box(msg))
        });
    });
    g.finish();
}

fn key_preparation(c: &mut Criterion) {
    let mut g = c.benchmark_group("key");
    g.bench_function("from_text_86_chars", |b| b.iter(|| SigningKey::from_text(black_box(KEY)).unwrap()));
    g.finish();
}

/// A typical request: five parameters, with a date-time, a comma list and a space.
const PARAMS: [(&str, &str); 5] = [
    ("orderStatus", "Completed,Backordered"),
    ("modifiedSince", "2024-01-01T00:00:00"),
    ("customerName", "Acme Hardware"),
    ("warehouseCode", "MAIN"),
    ("pageSize", "200"),
];

fn queries(c: &mut Criterion, key: &SigningKey) {
    let mut storage = [0u8; 256];
    let mut built = QueryBuilder::new(&mut storage);
    for (name, value) in PARAMS {
        built.push(name, value).unwrap();
    }
    let finished = built.as_bytes().to_vec();
    let url = format!("https://api.unleashedsoftware.com/SalesOrders/1?{}", built.as_str());

    let mut g = c.benchmark_group("query");
    let mut buf = [0u8; 256];
    g.bench_function("build_and_sign", |b| {
        b.iter(|| {
            let mut query = QueryBuilder::new(&mut buf);
            for (name, value) in black_box(PARAMS) {
                query.push(name, value).unwrap();
            }
            query.sign(key, SignedForm::Decoded).signature
        });
    });
    g.bench_function("sign_finished", |b| b.iter(|| key.sign(black_box(&finished))));
    g.bench_function("sign_finished_decoded", |b| {
        b.iter(|| key.sign_query(black_box(&finished), SignedForm::Decoded).unwrap());
    });
    g.bench_function("sign_url_decoded", |b| b.iter(|| key.sign_url(black_box(&url), SignedForm::Decoded).unwrap()));
    g.finish();
}

fn peers(c: &mut Criterion, key: &SigningKey) {
    let ours = *key.sign(QUERY_24).as_bytes();
    let hmac_rekeyed = || {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
        mac.update(black_box(QUERY_24));
        base64_44(&mac.finalize().into_bytes())
    };
    let prepared_hmac = Hmac::<sha2::Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    let hmac_cloned = || {
        let mut mac = prepared_hmac.clone();
        mac.update(black_box(QUERY_24));
        base64_44(&mac.finalize().into_bytes())
    };
    let ring_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, KEY.as_bytes());
    let ring_prepared = || base64_44(ring::hmac::sign(&ring_key, black_box(QUERY_24)).as_ref());
    // Every peer must compute the same signature, or the comparison means nothing.
    assert_eq!(hmac_rekeyed(), ours);
    assert_eq!(hmac_cloned(), ours);
    assert_eq!(ring_prepared(), ours);

    let mut g = c.benchmark_group("peers");
    g.bench_function(id::OURS_24.split_once('/').unwrap().1, |b| b.iter(|| key.sign(black_box(QUERY_24))));
    g.bench_function(id::HMAC_REKEYED.split_once('/').unwrap().1, |b| b.iter(hmac_rekeyed));
    g.bench_function("hmac_crate_cloned", |b| b.iter(hmac_cloned));
    g.bench_function("ring_prepared", |b| b.iter(ring_prepared));
    #[cfg(feature = "openssl")]
    openssl_peers::bench(&mut g, ours);
    g.finish();
}

/// `unleashed_sign` called through the C ABI (the `extern "C"` export, linked from the ffi crate's rlib, as a C
/// program links it from the static library) against the Rust call it wraps, same key and query.
fn c_abi(c: &mut Criterion, key: &SigningKey) {
    use std::ffi::c_char;
    use std::mem::MaybeUninit;

    use unleashed_signer_ffi::{
        UNLEASHED_KEY_FORMAT_TEXT, UNLEASHED_SIGNATURE_BUFFER_LEN, unleashed_key, unleashed_key_clear,
        unleashed_key_init, unleashed_sign, unleashed_status,
    };

    // SAFETY: `unleashed_key` is plain integer words, and all-zero is its documented "not initialised" state.
    let mut ffi_key: unleashed_key = unsafe { MaybeUninit::zeroed().assume_init() };
    // SAFETY: the storage is a live, aligned `unleashed_key`; the key text is valid for its length.
    let status = unsafe { unleashed_key_init(&mut ffi_key, KEY.as_ptr().cast(), KEY.len(), UNLEASHED_KEY_FORMAT_TEXT) };
    assert_eq!(status, unleashed_status::UNLEASHED_OK);
    let ffi_key = ffi_key;
    let sign_c = |message: &[u8]| {
        let mut out = [0 as c_char; UNLEASHED_SIGNATURE_BUFFER_LEN];
        // SAFETY: the key is initialised, the message is valid for its length and `out` for its 45 bytes.
        let status =
            unsafe { unleashed_sign(&ffi_key, message.as_ptr().cast(), message.len(), out.as_mut_ptr(), out.len()) };
        (status, out)
    };
    let (status, out) = sign_c(QUERY_24);
    assert_eq!(status, unleashed_status::UNLEASHED_OK);
    assert_eq!(out[..44].iter().map(|&c| c as u8).collect::<Vec<_>>(), key.sign(QUERY_24).as_bytes());

    let (group, rust) = id::FFI_RUST.split_once('/').unwrap();
    let mut g = c.benchmark_group(group);
    g.bench_function(rust, |b| b.iter(|| key.sign(black_box(QUERY_24))));
    g.bench_function(id::FFI_SIGN.split_once('/').unwrap().1, |b| b.iter(|| sign_c(black_box(QUERY_24))));
    g.finish();

    let mut ffi_key = ffi_key;
    // SAFETY: the storage is a live `unleashed_key`; clearing wipes it.
    unsafe { unleashed_key_clear(&mut ffi_key) };
}

/// OpenSSL through `openssl-sys` (the `openssl` crate's FFI layer), since the `openssl` crate wraps neither the
/// one-shot `HMAC()` nor a reusable HMAC context.
#[cfg(feature = "openssl")]
mod openssl_peers {
    use std::ffi::{c_char, c_int, c_uchar, c_uint, c_void};
    use std::hint::black_box;

    use criterion::BenchmarkGroup;
    use criterion::measurement::WallTime;
    use openssl_sys as ffi;

    use super::{KEY, QUERY_24, base64_44, id};

    unsafe extern "C" {
        // Declared here: openssl-sys does not bind these two, though libcrypto 3 exports both.
        fn HMAC(
            evp_md: *const ffi::EVP_MD,
            key: *const c_void,
            key_len: c_int,
            data: *const c_uchar,
            data_len: usize,
            md: *mut c_uchar,
            md_len: *mut c_uint,
        ) -> *mut c_uchar;
        fn OSSL_PARAM_construct_utf8_string(key: *const c_char, buf: *mut c_char, bsize: usize) -> ffi::OSSL_PARAM;
    }

    /// OpenSSL's one-shot `HMAC()`: keys, hashes and frees a context on every call.
    fn oneshot(message: &[u8]) -> [u8; 44] {
        let mut mac = [0u8; 32];
        let mut len: c_uint = 0;
        // SAFETY: the key and message pointers are valid for the lengths given, `mac` holds SHA-256's 32 bytes,
        // and `EVP_sha256()` returns a static digest.
        let done = unsafe {
            HMAC(
                ffi::EVP_sha256(),
                KEY.as_ptr().cast(),
                KEY.len() as c_int,
                message.as_ptr(),
                message.len(),
                mac.as_mut_ptr(),
                &mut len,
            )
        };
        assert!(!done.is_null() && len == 32, "HMAC() failed");
        base64_44(&mac)
    }

    /// A keyed `HMAC_CTX`, re-initialised from its stored key for each message (`HMAC_Init_ex` with no key).
    struct ReusedCtx(*mut ffi::HMAC_CTX);

    impl ReusedCtx {
        fn new() -> Self {
            // SAFETY: `HMAC_CTX_new` has no preconditions; the result is checked before use.
            let ctx = unsafe { ffi::HMAC_CTX_new() };
            assert!(!ctx.is_null());
            // SAFETY: `ctx` is a live context, the key pointer is valid for its length, the digest is static.
            let ok = unsafe {
                ffi::HMAC_Init_ex(ctx, KEY.as_ptr().cast(), KEY.len() as c_int, ffi::EVP_sha256(), std::ptr::null_mut())
            };
            assert_eq!(ok, 1, "HMAC_Init_ex failed");
            Self(ctx)
        }

        fn sign(&mut self, message: &[u8]) -> [u8; 44] {
            let mut mac = [0u8; 32];
            let mut len: c_uint = 0;
            // SAFETY: `self.0` is a live keyed context (a null key keeps its key), the message pointer is valid
            // for its length and `mac` holds 32 bytes.
            let ok = unsafe {
                ffi::HMAC_Init_ex(self.0, std::ptr::null(), 0, std::ptr::null(), std::ptr::null_mut())
                    & ffi::HMAC_Update(self.0, message.as_ptr(), message.len())
                    & ffi::HMAC_Final(self.0, mac.as_mut_ptr(), &mut len)
            };
            assert!(ok == 1 && len == 32, "HMAC_CTX reuse failed");
            base64_44(&mac)
        }
    }

    impl Drop for ReusedCtx {
        fn drop(&mut self) {
            // SAFETY: `self.0` came from `HMAC_CTX_new` and is freed once.
            unsafe { ffi::HMAC_CTX_free(self.0) }
        }
    }

    /// OpenSSL 3's provider API: a keyed `EVP_MAC_CTX` duplicated for each message.
    struct DupCtx {
        mac: *mut ffi::EVP_MAC,
        keyed: *mut ffi::EVP_MAC_CTX,
    }

    impl DupCtx {
        fn new() -> Self {
            let mut digest = *b"SHA256\0";
            // SAFETY: the names are NUL-terminated; every result is checked before use; `params` ends with the
            // end marker and outlives `EVP_MAC_init`, and `digest` outlives `params`.
            unsafe {
                let mac = ffi::EVP_MAC_fetch(std::ptr::null_mut(), c"HMAC".as_ptr(), std::ptr::null());
                assert!(!mac.is_null(), "EVP_MAC_fetch(HMAC) failed");
                let keyed = ffi::EVP_MAC_CTX_new(mac);
                assert!(!keyed.is_null());
                let params = [
                    OSSL_PARAM_construct_utf8_string(c"digest".as_ptr(), digest.as_mut_ptr().cast(), 0),
                    ffi::OSSL_PARAM_construct_end(),
                ];
                let ok = ffi::EVP_MAC_init(keyed, KEY.as_ptr(), KEY.len(), params.as_ptr());
                assert_eq!(ok, 1, "EVP_MAC_init failed");
                Self { mac, keyed }
            }
        }

        fn sign(&self, message: &[u8]) -> [u8; 44] {
            let mut mac = [0u8; 32];
            let mut len = 0usize;
            // SAFETY: `self.keyed` is a live keyed context; the copy is checked, used once and freed; the message
            // pointer is valid for its length and `mac` holds 32 bytes.
            let ok = unsafe {
                let ctx = ffi::EVP_MAC_CTX_dup(self.keyed);
                assert!(!ctx.is_null(), "EVP_MAC_CTX_dup failed");
                let ok = ffi::EVP_MAC_update(ctx, message.as_ptr(), message.len())
                    & ffi::EVP_MAC_final(ctx, mac.as_mut_ptr(), &mut len, mac.len());
                ffi::EVP_MAC_CTX_free(ctx);
                ok
            };
            assert!(ok == 1 && len == 32, "EVP_MAC update/final failed");
            base64_44(&mac)
        }
    }

    impl Drop for DupCtx {
        fn drop(&mut self) {
            // SAFETY: both came from their `_new`/`_fetch` calls and are freed once, the context first.
            unsafe {
                ffi::EVP_MAC_CTX_free(self.keyed);
                ffi::EVP_MAC_free(self.mac);
            }
        }
    }

    pub(super) fn bench(g: &mut BenchmarkGroup<'_, WallTime>, ours: [u8; 44]) {
        let name = |full: &'static str| full.split_once('/').unwrap().1;
        let mut reused = ReusedCtx::new();
        let dup = DupCtx::new();
        assert_eq!(oneshot(QUERY_24), ours);
        assert_eq!(reused.sign(QUERY_24), ours);
        assert_eq!(dup.sign(QUERY_24), ours);
        g.bench_function(name(id::OPENSSL_ONESHOT), |b| b.iter(|| oneshot(black_box(QUERY_24))));
        g.bench_function(name(id::OPENSSL_CTX_REUSED), |b| b.iter(|| reused.sign(black_box(QUERY_24))));
        g.bench_function(name(id::OPENSSL_MAC_DUP), |b| b.iter(|| dup.sign(black_box(QUERY_24))));
    }
}
